/* core/money.h — currencies (ISO 4217) and amounts of money in minor units.
 *
 * An amount is an int64 count of the currency's minor units (paise, cents,
 * fils): 1234.50 INR is 123450, 100 JPY is 100, 1.234 KWD is 1234. The
 * currency is carried beside the amount (a column, a struct field), never
 * inside it. Anything multiplied or divided is computed in 128 bits and
 * rounded ONCE to minor units, with the caller's Rounding (the tenant's
 * setting; half-up by default).
 *
 * Fallible functions return 0 or -ERR_xxx and fill err (which may be NULL).
 */
#ifndef REMIT_CORE_MONEY_H
#define REMIT_CORE_MONEY_H

#include "core/decimal.h"

/* exponent: number of minor-unit digits (ISO 4217 "minor unit"), 0..3. */
typedef struct Currency {
    char code[4];
    int exponent;
    const char *name;
    const char *symbol; /* UTF-8 */
} Currency;

/* Longest text money_format can produce, NUL included. */
#define MONEY_FORMAT_MAX DEC_FORMAT_MAX

/* The table is sorted by code; codes are exact upper case ("USD", not "usd").
 * NULL if code is NULL or unknown. */
const Currency *currency_find(const char *code);
/* Iteration in code order: NULL when i is outside 0..currency_count()-1. */
const Currency *currency_at(int i);
int currency_count(void);

/* Strict parse of "1234.50" for c (syntax as dec_parse): at most c->exponent
 * fractional digits, else ERR_PRECISION naming the field ("1.005" for INR is
 * refused, never rounded; "12" and "12.5" are fine). For an exponent of 0 any
 * '.' fraction is ERR_PRECISION ("100" ok, "100.0" refused). A value whose
 * minor units do not fit int64 is ERR_RANGE; bad syntax ERR_INVALID. */
int money_parse(int64_t *out, const char *s, size_t len, const Currency *c, const char *field,
                Error *err);

/* "1234.50", "-0.05", "100" (JPY), "1.234" (KWD): always exactly the
 * currency's exponent of fractional digits. Returns the length or -1 (cap too
 * small, or c NULL); NUL-terminates when cap > 0. */
int money_format(char *buf, size_t cap, int64_t minor, const Currency *c);

/* Exact; ERR_OVERFLOW instead of wrapping. */
int money_add(int64_t *out, int64_t a, int64_t b, Error *err);
int money_sub(int64_t *out, int64_t a, int64_t b, Error *err);
int money_sum(int64_t *out, const int64_t *v, size_t n, Error *err);

/* The amount as a decimal at the currency's exponent (12345 INR -> 123.45).
 * c must not be NULL. */
Dec money_to_dec(int64_t minor, const Currency *c);

/* Rounds a decimal to c's minor units, once. */
int money_from_dec(int64_t *out, Dec d, const Currency *c, Rounding r, Error *err);

/* qty x rate -> minor units of c: the full product in 128 bits, rounded once
 * (the invoice line rule). */
int money_from_product(int64_t *out, Dec qty, Dec rate, const Currency *c, Rounding r,
                       Error *err);

/* minor x factor, rounded once (a discount as a fraction, a proration ratio). */
int money_mul_dec(int64_t *out, int64_t minor, Dec factor, Rounding r, Error *err);

/* minor x pct / 100, rounded once (tax = amount x rate / 100). */
int money_percent(int64_t *out, int64_t minor, Dec pct, Rounding r, Error *err);

/* minor x num / den, rounded once (proration: charge x days used / days in
 * period). den must be > 0 (ERR_INVALID otherwise). */
int money_mul_ratio(int64_t *out, int64_t minor, int64_t num, int64_t den, Rounding r,
                    Error *err);

/* Splits total into n parts proportional to weights (all >= 0, sum > 0) so
 * that the parts add up to total exactly: each part receives the floor of its
 * share of |total|, and the units left over go one each to the parts with the
 * largest remainders, ties to the lowest index (largest-remainder method).
 * A negative total is split as its magnitude and every part negated, so
 * -100.00 in 3 is -33.34, -33.33, -33.33. out may be the weights array
 * itself. ERR_INVALID for a negative weight or a zero sum (n == 0 included).
 * No allocation. */
int money_allocate(int64_t *out, int64_t total, const int64_t *weights, size_t n, Error *err);

/* minor units of `from` -> minor units of `to`: minor x rate, rescaled from
 * one exponent to the other, rounded once. rate = units of `to` per 1 unit of
 * `from`, and must be > 0 (ERR_INVALID otherwise). */
int money_convert(int64_t *out, int64_t minor, const Currency *from, const Currency *to, Dec rate,
                  Rounding r, Error *err);

#endif
