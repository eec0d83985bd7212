/* domain/engine_currency.c — conversion between the tenant's base currency
 * and a customer's currency, and totals in the base currency for reports.
 *
 * Exports: engine_from_base, engine_to_base, engine_report_to_base.
 *
 * One number describes a currency: currencies.exchange_rate_to_base, the
 * base units one unit of it is worth (USD at 83.25 when the base is INR). The
 * invoice stores the rate it used. Base -> customer divides by it, customer ->
 * base multiplies; each conversion is one exact 128-bit quotient or product
 * rounded once, so no inverse rate with its own rounding is ever stored.
 */
#include "domain/engine.h"

#include <string.h>

static bool same(const Currency *a, const Currency *b)
{
    return a == b || strcmp(a->code, b->code) == 0;
}

int engine_from_base(int64_t *out, int64_t base_minor, const Currency *base, const Currency *to,
                     Dec rate_to_base, Rounding r, Error *err)
{
    if (!base || !to)
        return err_set(err, ERR_INVALID, "currency", "amount has no currency");
    if (same(base, to)) {
        *out = base_minor;
        return 0;
    }
    if (rate_to_base.coef <= 0)
        return err_set(err, ERR_INVALID, "exchange_rate_to_base", "exchange rate must be positive");
    /* to minor = base_minor x 10^(to.exp + rate.scale) / (rate.coef x 10^base.exp) */
    __int128 num = base_minor, den = rate_to_base.coef;
    for (int k = 0; k < to->exponent + rate_to_base.scale; k++)
        if (__builtin_mul_overflow(num, (__int128)10, &num))
            goto overflow;
    for (int k = 0; k < base->exponent; k++)
        den *= 10;
    if (!dec_round_div(out, num, den, r))
        goto overflow;
    return 0;
overflow:
    return err_set(err, ERR_OVERFLOW, NULL, "amount is too large to convert exactly");
}

int engine_to_base(int64_t *out, int64_t minor, const Currency *from, const Currency *base,
                   Dec rate_to_base, Rounding r, Error *err)
{
    if (!base || !from)
        return err_set(err, ERR_INVALID, "currency", "amount has no currency");
    if (same(base, from)) {
        *out = minor;
        return 0;
    }
    return money_convert(out, minor, from, base, rate_to_base, r, err);
}

int engine_report_to_base(int64_t *out, const EngineAmount *v, size_t n, const Currency *base,
                          Rounding r, Error *err)
{
    __int128 sum = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t b;
        int rc = engine_to_base(&b, v[i].minor, v[i].currency, base, v[i].rate_to_base, r, err);
        if (rc < 0)
            return rc;
        sum += b;
    }
    if (sum > INT64_MAX || sum < INT64_MIN)
        return err_set(err, ERR_OVERFLOW, NULL, "report total is too large");
    *out = (int64_t)sum;
    return 0;
}
