/* core/decimal.h — exact fixed-point decimals.
 *
 * A Dec is an int64 coefficient and a decimal scale: value = coef / 10^scale,
 * 0 <= scale <= DEC_MAX_SCALE. Quantities, rates, unit prices, exchange rates
 * and tax percentages are Decs; amounts of money are int64 minor units
 * (core/money.h). No floating point anywhere.
 *
 * Addition and subtraction are exact (or fail with ERR_OVERFLOW). Products and
 * quotients are computed in 128 bits and rounded ONCE, to the scale the caller
 * names, with the caller's Rounding. Every rounding decision in core/ goes
 * through the same code (dec_round_div_pow10 / dec_round_div).
 *
 * Fallible functions return 0 or -ERR_xxx and fill err (which may be NULL).
 */
#ifndef REMIT_CORE_DECIMAL_H
#define REMIT_CORE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define DEC_MAX_SCALE 18

/* Longest text dec_format / dec_format_trim can produce, NUL included:
 * sign, 19 integer digits, '.', 18 fractional digits, NUL. */
#define DEC_FORMAT_MAX 40

/* value = coef / 10^scale, 0 <= scale <= DEC_MAX_SCALE. Not normalised: 1.50
 * (150, 2) and 1.5 (15, 1) are equal by dec_cmp but keep their own scales. */
typedef struct Dec {
    int64_t coef;
    int scale;
} Dec;

/* Half-up rounds ties away from zero (2.5 -> 3, -2.5 -> -3);
 * half-even rounds ties to the even neighbour (2.5 -> 2, 3.5 -> 4, -2.5 -> -2). */
typedef enum Rounding { ROUND_HALF_UP, ROUND_HALF_EVEN } Rounding;

/* The caller guarantees 0 <= scale <= DEC_MAX_SCALE. */
Dec dec_make(int64_t coef, int scale);
Dec dec_from_int(int64_t v);

/* Strict parse of a decimal string of len bytes (need not be NUL-terminated):
 * optional leading '-', digits, optional '.' followed by at least one digit.
 * Rejected (ERR_INVALID): '+', spaces, leading '.', trailing '.', exponents,
 * thousands separators, empty. More than max_scale fractional digits is
 * ERR_PRECISION (never rounded; trailing zeros count: "1.50" has 2). A value
 * that does not fit is ERR_RANGE. "-0" is 0; leading zeros ("007.5") are fine.
 * The result keeps the written scale ("18.500000" has scale 6), except that
 * trailing fractional zeros are dropped when that is the only way to fit the
 * coefficient in int64. max_scale must be in 0..DEC_MAX_SCALE. field is only
 * used to name the value in the error. */
int dec_parse(Dec *out, const char *s, size_t len, int max_scale, const char *field, Error *err);

/* Writes d with exactly `scale` fractional digits (0..DEC_MAX_SCALE): padded
 * with zeros, or rounded half-up when d has more digits. Never writes "-0".
 * Returns the length written, or -1 if cap is too small or scale is out of
 * range (then buf holds "" when cap > 0). Always NUL-terminates when cap > 0.
 * DEC_FORMAT_MAX bytes are always enough. */
int dec_format(char *buf, size_t cap, Dec d, int scale);

/* Writes d with its own scale, trailing fractional zeros trimmed
 * ("18.500000" -> "18.5", "2.000" -> "2"). Same return convention. */
int dec_format_trim(char *buf, size_t cap, Dec d);

/* d at another scale: exact when scaling up (ERR_OVERFLOW if it no longer fits
 * int64), rounded once with r when scaling down. ERR_RANGE if scale is outside
 * 0..DEC_MAX_SCALE. */
int dec_rescale(Dec *out, Dec d, int scale, Rounding r, Error *err);

/* Exact; the result's scale is max(a.scale, b.scale); ERR_OVERFLOW if it does
 * not fit. */
int dec_add(Dec *out, Dec a, Dec b, Error *err);
int dec_sub(Dec *out, Dec a, Dec b, Error *err);

/* a*b: the full product in __int128, rounded ONCE to `scale`. */
int dec_mul(Dec *out, Dec a, Dec b, int scale, Rounding r, Error *err);

/* a/b rounded once to `scale` (the exact quotient's rounding, from a 128-bit
 * numerator); ERR_INVALID on division by zero, ERR_OVERFLOW if the result does
 * not fit. */
int dec_div(Dec *out, Dec a, Dec b, int scale, Rounding r, Error *err);

/* -1, 0 or 1; exact across scales (1.5 == 1.50). */
int dec_cmp(Dec a, Dec b);
bool dec_is_zero(Dec a);
bool dec_is_negative(Dec a);
/* -a; the caller guarantees a.coef != INT64_MIN. */
Dec dec_neg(Dec a);

/* The rounding primitive, shared with money.c: num / 10^pow10 rounded with r
 * (0 <= pow10; 0 is exact). Returns false when the result does not fit int64
 * or pow10 is negative (then *out is untouched). */
bool dec_round_div_pow10(int64_t *out, __int128 num, int pow10, Rounding r);

/* Addition to the spec: num / den rounded with r, for divisors that are not
 * powers of ten (dec_div, money_mul_ratio). den may be negative; returns false
 * when den is 0 or the result does not fit int64. Shares its rounding decision
 * with dec_round_div_pow10. */
bool dec_round_div(int64_t *out, __int128 num, __int128 den, Rounding r);

/* Scaled-integer storage (database columns): d * 10^scale as int64. Exact:
 * ERR_PRECISION if d has non-zero digits beyond `scale`, ERR_OVERFLOW if the
 * result does not fit, ERR_RANGE if scale is outside 0..DEC_MAX_SCALE. */
int dec_to_scaled(int64_t *out, Dec d, int scale, Error *err);
Dec dec_from_scaled(int64_t v, int scale);

#endif
