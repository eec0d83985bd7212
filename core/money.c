/* core/money.c — the ISO 4217 currency table and money in int64 minor units.
 *
 * Owns: the currency table (sorted by code, searched by bisection), strict
 * parsing and formatting of amounts, overflow-checked sums, and the billing
 * products (qty x rate, amount x factor, percent, ratio, conversion), each
 * computed in 128 bits and rounded once through dec_round_div_pow10 /
 * dec_round_div, plus largest-remainder allocation.
 *
 * Exports: currency_find, currency_at, currency_count, money_parse,
 * money_format, money_add, money_sub, money_sum, money_to_dec,
 * money_from_dec, money_from_product, money_mul_dec, money_percent,
 * money_mul_ratio, money_allocate, money_convert.
 *
 * What must stay true: the table stays sorted by code (a unit test checks it)
 * and exponents are ISO 4217's minor units; no amount is ever rounded on
 * input; a product is rounded exactly once.
 */
#include "core/money.h"

#include <string.h>

typedef unsigned __int128 u128;

/* ISO 4217 currencies, sorted by code (strcmp order). Exponent = minor unit. */
static const Currency currencies[] = {
    {"AED", 2, "UAE Dirham", "د.إ"},
    {"ARS", 2, "Argentine Peso", "$"},
    {"AUD", 2, "Australian Dollar", "A$"},
    {"BDT", 2, "Taka", "৳"},
    {"BHD", 3, "Bahraini Dinar", "BD"},
    {"BRL", 2, "Brazilian Real", "R$"},
    {"CAD", 2, "Canadian Dollar", "CA$"},
    {"CHF", 2, "Swiss Franc", "CHF"},
    {"CLP", 0, "Chilean Peso", "$"},
    {"CNY", 2, "Yuan Renminbi", "¥"},
    {"COP", 2, "Colombian Peso", "$"},
    {"CZK", 2, "Czech Koruna", "Kč"},
    {"DKK", 2, "Danish Krone", "kr"},
    {"EGP", 2, "Egyptian Pound", "E£"},
    {"EUR", 2, "Euro", "€"},
    {"GBP", 2, "Pound Sterling", "£"},
    {"GHS", 2, "Ghana Cedi", "GH₵"},
    {"HKD", 2, "Hong Kong Dollar", "HK$"},
    {"HUF", 2, "Forint", "Ft"},
    {"IDR", 2, "Rupiah", "Rp"},
    {"ILS", 2, "New Israeli Sheqel", "₪"},
    {"INR", 2, "Indian Rupee", "₹"},
    {"IQD", 3, "Iraqi Dinar", "ع.د"},
    {"ISK", 0, "Iceland Krona", "kr"},
    {"JOD", 3, "Jordanian Dinar", "JD"},
    {"JPY", 0, "Yen", "¥"},
    {"KES", 2, "Kenyan Shilling", "KSh"},
    {"KRW", 0, "Won", "₩"},
    {"KWD", 3, "Kuwaiti Dinar", "KD"},
    {"LKR", 2, "Sri Lanka Rupee", "Rs"},
    {"LYD", 3, "Libyan Dinar", "LD"},
    {"MAD", 2, "Moroccan Dirham", "MAD"},
    {"MXN", 2, "Mexican Peso", "MX$"},
    {"MYR", 2, "Malaysian Ringgit", "RM"},
    {"NGN", 2, "Naira", "₦"},
    {"NOK", 2, "Norwegian Krone", "kr"},
    {"NPR", 2, "Nepalese Rupee", "Rs"},
    {"NZD", 2, "New Zealand Dollar", "NZ$"},
    {"OMR", 3, "Rial Omani", "OMR"},
    {"PEN", 2, "Sol", "S/"},
    {"PHP", 2, "Philippine Peso", "₱"},
    {"PKR", 2, "Pakistan Rupee", "Rs"},
    {"PLN", 2, "Zloty", "zł"},
    {"PYG", 0, "Guarani", "₲"},
    {"QAR", 2, "Qatari Rial", "QR"},
    {"RON", 2, "Romanian Leu", "lei"},
    {"RUB", 2, "Russian Ruble", "₽"},
    {"RWF", 0, "Rwanda Franc", "FRw"},
    {"SAR", 2, "Saudi Riyal", "SR"},
    {"SEK", 2, "Swedish Krona", "kr"},
    {"SGD", 2, "Singapore Dollar", "S$"},
    {"THB", 2, "Baht", "฿"},
    {"TND", 3, "Tunisian Dinar", "DT"},
    {"TRY", 2, "Turkish Lira", "₺"},
    {"TWD", 2, "New Taiwan Dollar", "NT$"},
    {"TZS", 2, "Tanzanian Shilling", "TSh"},
    {"UAH", 2, "Hryvnia", "₴"},
    {"UGX", 0, "Uganda Shilling", "USh"},
    {"USD", 2, "US Dollar", "$"},
    {"VND", 0, "Dong", "₫"},
    {"XAF", 0, "CFA Franc BEAC", "FCFA"},
    {"XOF", 0, "CFA Franc BCEAO", "CFA"},
    {"ZAR", 2, "Rand", "R"},
};

#define NCURRENCIES ((int)(sizeof currencies / sizeof currencies[0]))

const Currency *currency_find(const char *code)
{
    int lo = 0, hi = NCURRENCIES - 1;
    if (!code)
        return NULL;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(code, currencies[mid].code);
        if (c == 0)
            return &currencies[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

const Currency *currency_at(int i)
{
    return i >= 0 && i < NCURRENCIES ? &currencies[i] : NULL;
}

int currency_count(void)
{
    return NCURRENCIES;
}

static int too_large(Error *err)
{
    return err_set(err, ERR_OVERFLOW, NULL, "amount is too large to compute exactly");
}

static int no_currency(Error *err, const char *field)
{
    return err_set(err, ERR_INVALID, field, "%s has no currency", field ? field : "amount");
}

int money_parse(int64_t *out, const char *s, size_t len, const Currency *c, const char *field,
                Error *err)
{
    const char *name = field ? field : "amount";
    Dec d;
    int rc;

    if (!c)
        return no_currency(err, field);
    rc = dec_parse(&d, s, len, c->exponent, field, err);
    if (rc == -ERR_PRECISION) {
        if (c->exponent == 0)
            rc = err_set(err, ERR_PRECISION, field, "%s has decimal places but %s has no minor unit",
                         name, c->code);
        else
            rc = err_set(err, ERR_PRECISION, field, "%s has more than %d decimal places for %s",
                         name, c->exponent, c->code);
        return rc;
    }
    if (rc == -ERR_INVALID)
        err_hint(err, "write the amount as a string of digits with up to %d decimal places, "
                      "e.g. \"1234.50\"", c->exponent);
    if (rc < 0)
        return rc;
    if (dec_to_scaled(out, d, c->exponent, NULL) < 0)
        return err_set(err, ERR_RANGE, field, "%s is out of range", name);
    return 0;
}

int money_format(char *buf, size_t cap, int64_t minor, const Currency *c)
{
    if (!c) {
        if (buf && cap > 0)
            buf[0] = '\0';
        return -1;
    }
    return dec_format(buf, cap, dec_make(minor, c->exponent), c->exponent);
}

int money_add(int64_t *out, int64_t a, int64_t b, Error *err)
{
    int64_t v;
    if (__builtin_add_overflow(a, b, &v))
        return too_large(err);
    *out = v;
    return 0;
}

int money_sub(int64_t *out, int64_t a, int64_t b, Error *err)
{
    int64_t v;
    if (__builtin_sub_overflow(a, b, &v))
        return too_large(err);
    *out = v;
    return 0;
}

int money_sum(int64_t *out, const int64_t *v, size_t n, Error *err)
{
    /* Summed in 128 bits, so only the total has to fit, not every prefix. */
    __int128 s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    if (s < INT64_MIN || s > INT64_MAX)
        return too_large(err);
    *out = (int64_t)s;
    return 0;
}

Dec money_to_dec(int64_t minor, const Currency *c)
{
    return dec_make(minor, c->exponent);
}

int money_from_dec(int64_t *out, Dec d, const Currency *c, Rounding r, Error *err)
{
    Dec x;
    int rc;
    if (!c)
        return no_currency(err, NULL);
    rc = dec_rescale(&x, d, c->exponent, r, err);
    if (rc < 0)
        return rc;
    *out = x.coef;
    return 0;
}

int money_from_product(int64_t *out, Dec qty, Dec rate, const Currency *c, Rounding r,
                       Error *err)
{
    Dec x;
    int rc;
    if (!c)
        return no_currency(err, NULL);
    rc = dec_mul(&x, qty, rate, c->exponent, r, err);
    if (rc < 0)
        return rc;
    *out = x.coef;
    return 0;
}

static bool scale_ok(int scale)
{
    return scale >= 0 && scale <= DEC_MAX_SCALE;
}

int money_mul_dec(int64_t *out, int64_t minor, Dec factor, Rounding r, Error *err)
{
    if (!scale_ok(factor.scale))
        return err_set(err, ERR_RANGE, NULL, "decimal scale %d is outside 0..%d", factor.scale,
                       DEC_MAX_SCALE);
    if (!dec_round_div_pow10(out, (__int128)minor * factor.coef, factor.scale, r))
        return too_large(err);
    return 0;
}

int money_percent(int64_t *out, int64_t minor, Dec pct, Rounding r, Error *err)
{
    if (!scale_ok(pct.scale))
        return err_set(err, ERR_RANGE, NULL, "decimal scale %d is outside 0..%d", pct.scale,
                       DEC_MAX_SCALE);
    if (!dec_round_div_pow10(out, (__int128)minor * pct.coef, pct.scale + 2, r))
        return too_large(err);
    return 0;
}

int money_mul_ratio(int64_t *out, int64_t minor, int64_t num, int64_t den, Rounding r,
                    Error *err)
{
    if (den <= 0)
        return err_set(err, ERR_INVALID, NULL, "ratio denominator must be positive");
    if (!dec_round_div(out, (__int128)minor * num, den, r))
        return too_large(err);
    return 0;
}

/* How many parts have a remainder >= t (remainders are |total| * w mod sum). */
static size_t count_at_least(u128 t, u128 total, const int64_t *w, size_t n, u128 sum)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (total * (u128)w[i] % sum >= t)
            k++;
    return k;
}

int money_allocate(int64_t *out, int64_t total, const int64_t *weights, size_t n, Error *err)
{
    u128 sum = 0, m = total < 0 ? -(u128)total : (u128)total, given = 0;
    bool neg = total < 0;

    for (size_t i = 0; i < n; i++) {
        if (weights[i] < 0)
            return err_set(err, ERR_INVALID, NULL, "allocation weight %zu is negative", i);
        sum += (u128)weights[i];
    }
    if (sum == 0)
        return err_set(err, ERR_INVALID, NULL, "allocation weights add up to zero");

    /* floor shares first; |total| * w < 2^63 * 2^63 fits 128 bits. */
    for (size_t i = 0; i < n; i++)
        given += m * (u128)weights[i] / sum;
    u128 left = m - given; /* < n */

    /* The threshold t = the left-th largest remainder, found by bisection over
     * [0, sum) so that no index array has to be allocated and sorted:
     * parts with a remainder > t get one unit, and the rest of `left` goes to
     * the lowest-indexed parts whose remainder is exactly t. */
    u128 t = 0, lo = 0, hi = sum - 1, above = 0;
    if (left > 0) {
        while (lo < hi) {
            u128 mid = lo + (hi - lo + 1) / 2;
            if (count_at_least(mid, m, weights, n, sum) >= left)
                lo = mid;
            else
                hi = mid - 1;
        }
        t = lo;
        above = count_at_least(t + 1, m, weights, n, sum);
    }
    u128 at_t = left - above; /* units for parts whose remainder equals t */

    for (size_t i = 0; i < n; i++) {
        u128 p = m * (u128)weights[i];
        u128 part = p / sum, rem = p % sum;
        if (left > 0) {
            if (rem > t)
                part++;
            else if (rem == t && at_t > 0) {
                part++;
                at_t--;
            }
        }
        /* part <= |total| <= 2^63, so it narrows without loss. */
        if (neg)
            out[i] = part == (u128)INT64_MAX + 1 ? INT64_MIN : -(int64_t)part;
        else
            out[i] = (int64_t)part;
    }
    return 0;
}

int money_convert(int64_t *out, int64_t minor, const Currency *from, const Currency *to, Dec rate,
                  Rounding r, Error *err)
{
    if (!from || !to)
        return no_currency(err, NULL);
    if (!scale_ok(rate.scale))
        return err_set(err, ERR_RANGE, NULL, "decimal scale %d is outside 0..%d", rate.scale,
                       DEC_MAX_SCALE);
    if (rate.coef <= 0)
        return err_set(err, ERR_INVALID, "rate", "exchange rate must be positive");
    /* to minor = minor * rate.coef * 10^to.exp / 10^(from.exp + rate.scale) */
    __int128 p = (__int128)minor * rate.coef; /* |p| <= 2^126 */
    int shift = from->exponent + rate.scale - to->exponent;
    if (shift >= 0) {
        if (!dec_round_div_pow10(out, p, shift, r))
            return too_large(err);
        return 0;
    }
    /* Scaling up only grows |p| (shift >= -3): beyond 2^63 it cannot fit. */
    if (p < INT64_MIN || p > INT64_MAX)
        return too_large(err);
    while (shift++ < 0)
        p *= 10;
    if (p < INT64_MIN || p > INT64_MAX)
        return too_large(err);
    *out = (int64_t)p;
    return 0;
}
