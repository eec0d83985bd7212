/* core/decimal.c — exact fixed-point decimals (int64 coefficient, scale 0..18).
 *
 * Owns: parsing and formatting decimals, exact addition and subtraction,
 * products and quotients computed in 128 bits and rounded once, and the one
 * rounding decision of core/ (round_mag), which money.c reaches through
 * dec_round_div_pow10 and dec_round_div.
 *
 * Exports: dec_make, dec_from_int, dec_parse, dec_format, dec_format_trim,
 * dec_rescale, dec_add, dec_sub, dec_mul, dec_div, dec_cmp, dec_is_zero,
 * dec_is_negative, dec_neg, dec_round_div_pow10, dec_round_div,
 * dec_to_scaled, dec_from_scaled.
 *
 * What must stay true: no floating point; every intermediate that can exceed
 * int64 is carried in (unsigned) __int128 and checked before it is narrowed;
 * a result is rounded at most once. Magnitudes are rounded and the sign put
 * back afterwards, so half-up means half away from zero for both signs.
 */
#include "core/decimal.h"

#include <string.h>

typedef unsigned __int128 u128;

static const int64_t p10[DEC_MAX_SCALE + 1] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

/* 10^k for 0 <= k <= 38 (10^38 < 2^127). */
static u128 upow10(int k)
{
    u128 v = 1;
    while (k-- > 0)
        v *= 10;
    return v;
}

static u128 mag(__int128 v)
{
    return v < 0 ? -(u128)v : (u128)v;
}

static bool scale_ok(int scale)
{
    return scale >= 0 && scale <= DEC_MAX_SCALE;
}

/* The rounding decision: mag / den (den > 0) rounded to an integer. A tie is
 * detected as rem == den - rem, which cannot overflow. */
static u128 round_mag(u128 m, u128 den, Rounding r)
{
    u128 q = m / den, rem = m % den;
    if (rem != 0) {
        u128 rest = den - rem;
        if (rem > rest || (rem == rest && (r == ROUND_HALF_UP || (q & 1) != 0)))
            q++;
    }
    return q;
}

/* Puts the sign back on a magnitude; false if it does not fit int64. */
static bool narrow(int64_t *out, u128 m, bool neg)
{
    const u128 lim = (u128)INT64_MAX + (neg ? 1 : 0);
    if (m > lim)
        return false;
    if (neg)
        *out = m == (u128)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    else
        *out = (int64_t)m;
    return true;
}

static bool fits64(__int128 v)
{
    return v >= INT64_MIN && v <= INT64_MAX;
}

static int bad_scale(Error *err, int scale)
{
    return err_set(err, ERR_RANGE, NULL, "decimal scale %d is outside 0..%d", scale, DEC_MAX_SCALE);
}

static int overflow(Error *err, const char *op, Dec a, Dec b)
{
    char x[DEC_FORMAT_MAX], y[DEC_FORMAT_MAX];
    int rc = err_set(err, ERR_OVERFLOW, NULL, "result is too large to compute exactly");
    if (dec_format_trim(x, sizeof x, a) >= 0 && dec_format_trim(y, sizeof y, b) >= 0)
        err_detail(err, "%s %s %s", x, op, y);
    return rc;
}

Dec dec_make(int64_t coef, int scale)
{
    return (Dec){.coef = coef, .scale = scale};
}

Dec dec_from_int(int64_t v)
{
    return (Dec){.coef = v, .scale = 0};
}

bool dec_round_div_pow10(int64_t *out, __int128 num, int pow10, Rounding r)
{
    if (pow10 < 0)
        return false;
    if (pow10 > 38) {
        /* |num| <= 2^127 < 10^39 / 2: every such quotient rounds to zero. */
        *out = 0;
        return true;
    }
    return narrow(out, round_mag(mag(num), upow10(pow10), r), num < 0);
}

bool dec_round_div(int64_t *out, __int128 num, __int128 den, Rounding r)
{
    if (den == 0)
        return false;
    return narrow(out, round_mag(mag(num), mag(den), r), (num < 0) != (den < 0));
}

/* Accumulates the digits of int part and the first `keep` fractional digits;
 * false if the magnitude exceeds lim. */
static bool accumulate(uint64_t *out, const char *ip, size_t nint, const char *fp, size_t keep,
                       uint64_t lim)
{
    uint64_t v = 0;
    for (size_t i = 0; i < nint + keep; i++) {
        char c = i < nint ? ip[i] : fp[i - nint];
        if (v > (lim - (uint64_t)(c - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(c - '0');
    }
    *out = v;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int dec_parse(Dec *out, const char *s, size_t len, int max_scale, const char *field, Error *err)
{
    const char *name = field ? field : "value";
    size_t i = 0, nint, nfrac = 0;
    const char *ip, *fp = NULL;
    bool neg = false;

    if (!scale_ok(max_scale))
        return bad_scale(err, max_scale);
    if (!s)
        goto invalid;
    if (i < len && s[i] == '-') {
        neg = true;
        i++;
    }
    ip = s + i;
    while (i < len && is_digit(s[i]))
        i++;
    nint = (size_t)(s + i - ip);
    if (nint == 0)
        goto invalid;
    if (i < len && s[i] == '.') {
        fp = s + ++i;
        while (i < len && is_digit(s[i]))
            i++;
        nfrac = (size_t)(s + i - fp);
        if (nfrac == 0)
            goto invalid;
    }
    if (i != len)
        goto invalid;
    if (nfrac > (size_t)max_scale)
        return err_set(err, ERR_PRECISION, field, "%s has more than %d decimal places", name,
                       max_scale);

    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    size_t keep = nfrac;
    uint64_t m;
    if (!accumulate(&m, ip, nint, fp, keep, lim)) {
        /* Trailing fractional zeros are dropped only when they are what does not fit. */
        while (keep > 0 && fp[keep - 1] == '0')
            keep--;
        if (keep == nfrac || !accumulate(&m, ip, nint, fp, keep, lim))
            return err_set(err, ERR_RANGE, field, "%s is out of range", name);
    }
    if (neg)
        out->coef = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    else
        out->coef = (int64_t)m;
    out->scale = (int)keep;
    return 0;

invalid:
    err_set(err, ERR_INVALID, field, "%s is not a valid decimal number", name);
    err_hint(err, "write digits with an optional leading '-' and '.', e.g. 1234.50");
    return -ERR_INVALID;
}

/* Writes a magnitude with `scale` fractional digits and an optional sign. */
static int put(char *buf, size_t cap, u128 m, bool neg, int scale)
{
    char tmp[DEC_FORMAT_MAX + 8];
    size_t n = 0;

    if (m == 0)
        neg = false;
    /* Reverse order: fractional digits, '.', integer digits (at least one), sign. */
    for (int k = 0; k < scale; k++) {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    }
    if (scale > 0)
        tmp[n++] = '.';
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m != 0);
    if (neg)
        tmp[n++] = '-';
    if (!buf || n + 1 > cap) {
        if (buf && cap > 0)
            buf[0] = '\0';
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        buf[k] = tmp[n - 1 - k];
    buf[n] = '\0';
    return (int)n;
}

int dec_format(char *buf, size_t cap, Dec d, int scale)
{
    u128 m = mag(d.coef);
    if (!scale_ok(scale) || !scale_ok(d.scale)) {
        if (buf && cap > 0)
            buf[0] = '\0';
        return -1;
    }
    if (scale >= d.scale)
        m *= (u128)p10[scale - d.scale]; /* <= 2^63 * 10^18 < 2^127 */
    else
        m = round_mag(m, (u128)p10[d.scale - scale], ROUND_HALF_UP);
    return put(buf, cap, m, d.coef < 0, scale);
}

int dec_format_trim(char *buf, size_t cap, Dec d)
{
    u128 m = mag(d.coef);
    int scale = d.scale;
    if (!scale_ok(scale)) {
        if (buf && cap > 0)
            buf[0] = '\0';
        return -1;
    }
    while (scale > 0 && m % 10 == 0) {
        m /= 10;
        scale--;
    }
    return put(buf, cap, m, d.coef < 0, scale);
}

int dec_rescale(Dec *out, Dec d, int scale, Rounding r, Error *err)
{
    int64_t c;
    if (!scale_ok(scale))
        return bad_scale(err, scale);
    if (!scale_ok(d.scale))
        return bad_scale(err, d.scale);
    if (scale >= d.scale) {
        if (__builtin_mul_overflow(d.coef, p10[scale - d.scale], &c))
            return overflow(err, "at scale", d, dec_from_int(scale));
    } else if (!dec_round_div_pow10(&c, d.coef, d.scale - scale, r)) {
        return overflow(err, "at scale", d, dec_from_int(scale));
    }
    *out = dec_make(c, scale);
    return 0;
}

/* a op b aligned to the larger scale, exactly; op is +1 or -1. */
static int addsub(Dec *out, Dec a, Dec b, int op, Error *err)
{
    if (!scale_ok(a.scale))
        return bad_scale(err, a.scale);
    if (!scale_ok(b.scale))
        return bad_scale(err, b.scale);
    int s = a.scale > b.scale ? a.scale : b.scale;
    __int128 x = (__int128)a.coef * p10[s - a.scale];
    __int128 y = (__int128)b.coef * p10[s - b.scale];
    __int128 v = op > 0 ? x + y : x - y; /* |v| < 2^128 / 2: no overflow */
    if (!fits64(v))
        return overflow(err, op > 0 ? "+" : "-", a, b);
    *out = dec_make((int64_t)v, s);
    return 0;
}

int dec_add(Dec *out, Dec a, Dec b, Error *err)
{
    return addsub(out, a, b, +1, err);
}

int dec_sub(Dec *out, Dec a, Dec b, Error *err)
{
    return addsub(out, a, b, -1, err);
}

int dec_mul(Dec *out, Dec a, Dec b, int scale, Rounding r, Error *err)
{
    int64_t c;
    if (!scale_ok(scale))
        return bad_scale(err, scale);
    if (!scale_ok(a.scale))
        return bad_scale(err, a.scale);
    if (!scale_ok(b.scale))
        return bad_scale(err, b.scale);
    __int128 p = (__int128)a.coef * b.coef; /* |p| <= 2^126 */
    int ps = a.scale + b.scale;
    if (scale <= ps) {
        if (!dec_round_div_pow10(&c, p, ps - scale, r))
            return overflow(err, "*", a, b);
    } else {
        /* Scaling up only grows |p|: anything beyond 2^63 cannot fit. */
        if (mag(p) > (u128)INT64_MAX + 1)
            return overflow(err, "*", a, b);
        p *= p10[scale - ps];
        if (!fits64(p))
            return overflow(err, "*", a, b);
        c = (int64_t)p;
    }
    *out = dec_make(c, scale);
    return 0;
}

int dec_div(Dec *out, Dec a, Dec b, int scale, Rounding r, Error *err)
{
    int64_t c;
    if (!scale_ok(scale))
        return bad_scale(err, scale);
    if (!scale_ok(a.scale))
        return bad_scale(err, a.scale);
    if (!scale_ok(b.scale))
        return bad_scale(err, b.scale);
    if (b.coef == 0)
        return err_set(err, ERR_INVALID, NULL, "division by zero");
    /* result coef = a.coef * 10^(scale + b.scale - a.scale) / b.coef, rounded once. */
    int e = scale + b.scale - a.scale; /* -18 .. 36 */
    __int128 num = a.coef, den = b.coef;
    if (e >= 0) {
        /* If the numerator does not fit 127 bits, the quotient (|den| <= 2^63)
         * is at least 2^64 and could never fit int64 either. */
        if (__builtin_mul_overflow(num, (__int128)upow10(e), &num))
            return overflow(err, "/", a, b);
    } else {
        den *= p10[-e]; /* <= 2^63 * 10^18 */
    }
    if (!dec_round_div(&c, num, den, r))
        return overflow(err, "/", a, b);
    *out = dec_make(c, scale);
    return 0;
}

int dec_cmp(Dec a, Dec b)
{
    int s = a.scale > b.scale ? a.scale : b.scale;
    __int128 x = (__int128)a.coef * (__int128)upow10(s - a.scale);
    __int128 y = (__int128)b.coef * (__int128)upow10(s - b.scale);
    return x < y ? -1 : x > y ? 1 : 0;
}

bool dec_is_zero(Dec a)
{
    return a.coef == 0;
}

bool dec_is_negative(Dec a)
{
    return a.coef < 0;
}

Dec dec_neg(Dec a)
{
    return dec_make(-a.coef, a.scale);
}

int dec_to_scaled(int64_t *out, Dec d, int scale, Error *err)
{
    if (!scale_ok(scale))
        return bad_scale(err, scale);
    if (!scale_ok(d.scale))
        return bad_scale(err, d.scale);
    if (d.scale > scale) {
        int64_t f = p10[d.scale - scale];
        if (d.coef % f != 0)
            return err_set(err, ERR_PRECISION, NULL, "value has more than %d decimal places",
                           scale);
        *out = d.coef / f;
        return 0;
    }
    int64_t v;
    if (__builtin_mul_overflow(d.coef, p10[scale - d.scale], &v))
        return overflow(err, "at scale", d, dec_from_int(scale));
    *out = v;
    return 0;
}

Dec dec_from_scaled(int64_t v, int scale)
{
    return dec_make(v, scale);
}
