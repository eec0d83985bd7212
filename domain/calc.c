/* domain/calc.c — line and document arithmetic; see calc.h.
 * Exports calc_line, calc_totals, calc_half_rate.
 *
 * Every amount is produced by one core/money.h call that rounds once; sums
 * are exact and overflow-checked. Nothing here reads the database or the
 * clock.
 */
#include "domain/calc.h"

#include <string.h>

Dec calc_half_rate(Dec rate)
{
    /* x / 2 = 5x / 10: exact with one more digit of scale, while it fits */
    if (rate.scale < DEC_MAX_SCALE && rate.coef <= INT64_MAX / 5 && rate.coef >= -(INT64_MAX / 5))
        return dec_make(rate.coef * 5, rate.scale + 1);
    return dec_make(rate.coef / 2, rate.scale);   /* unreachable for percentages of 4 decimals */
}

int calc_line(CalcLine *l, const Currency *c, SupplyMode mode, bool inclusive, Rounding r, Error *err)
{
    int64_t given = l->amount;
    l->amount = l->cgst = l->sgst = l->igst = l->tax = l->total = 0;
    if (dec_is_negative(l->tax_rate) || dec_cmp(l->tax_rate, dec_from_int(100)) > 0)
        return err_set(err, ERR_RANGE, "tax_rate", "tax_rate must be between 0 and 100");
    int64_t gross = given;
    int rc = l->rated ? 0 : money_from_product(&gross, l->quantity, l->rate, c, r, err);
    if (rc < 0)
        return rc;
    bool taxed = !dec_is_zero(l->tax_rate);
    if (inclusive && taxed) {
        /* gross x 100 / (100 + t), with t = coef / 10^scale: gross x 100*10^s / (100*10^s + coef) */
        Dec t = l->tax_rate;
        while (t.scale > 0 && t.coef % 10 == 0) {
            t.coef /= 10;
            t.scale--;
        }
        if (t.scale > 9)
            return err_set(err, ERR_PRECISION, "tax_rate", "tax_rate has more than 9 decimals");
        int64_t p = 1;
        for (int i = 0; i < t.scale; i++)
            p *= 10;
        int64_t den = 100 * p + t.coef;
        rc = money_mul_ratio(&l->amount, gross, 100 * p, den, r, err);
        if (rc < 0)
            return rc;
        l->tax = gross - l->amount;
        if (mode == SUPPLY_INTRA) {
            int64_t halves[2] = {1, 1};
            rc = money_allocate(halves, l->tax, halves, 2, err);
            if (rc < 0)
                return rc;
            l->cgst = halves[0];
            l->sgst = halves[1];
        } else if (mode == SUPPLY_INTER) {
            l->igst = l->tax;
        }
        l->total = gross;
        return 0;
    }
    l->amount = gross;
    if (taxed) {
        if (mode == SUPPLY_INTRA) {
            Dec half = calc_half_rate(l->tax_rate);
            rc = money_percent(&l->cgst, l->amount, half, r, err);
            if (rc == 0)
                rc = money_percent(&l->sgst, l->amount, half, r, err);
            if (rc == 0)
                rc = money_add(&l->tax, l->cgst, l->sgst, err);
        } else {
            rc = money_percent(&l->tax, l->amount, l->tax_rate, r, err);
            if (mode == SUPPLY_INTER)
                l->igst = l->tax;
        }
        if (rc < 0)
            return rc;
    }
    return money_add(&l->total, l->amount, l->tax, err);
}

static int kind_order(const char *k)
{
    return strcmp(k, "CGST") == 0 ? 0 : (strcmp(k, "SGST") == 0 || strcmp(k, "UTGST") == 0) ? 1
                                      : strcmp(k, "IGST") == 0 ? 2 : 3;
}

static int add_tax(CalcTotals *out, const char *kind, Dec rate, int64_t taxable, int64_t amount, Error *err)
{
    int i = 0;
    for (; i < out->ntaxes; i++)
        if (strcmp(out->taxes[i].kind, kind) == 0 && dec_cmp(out->taxes[i].rate, rate) == 0)
            break;
    if (i == out->ntaxes) {
        if (out->ntaxes == CALC_MAX_TAXES)
            return err_set(err, ERR_RANGE, "lines", "a document may have at most %d distinct tax rates",
                           CALC_MAX_TAXES / 2);
        /* insertion in (rate, kind) order */
        int at = out->ntaxes;
        while (at > 0) {
            int c = dec_cmp(out->taxes[at - 1].rate, rate);
            if (c < 0 || (c == 0 && kind_order(out->taxes[at - 1].kind) < kind_order(kind)))
                break;
            out->taxes[at] = out->taxes[at - 1];
            at--;
        }
        out->taxes[at] = (CalcTax){.kind = kind, .rate = rate};
        out->ntaxes++;
        i = at;
    }
    int rc = money_add(&out->taxes[i].taxable, out->taxes[i].taxable, taxable, err);
    if (rc == 0)
        rc = money_add(&out->taxes[i].amount, out->taxes[i].amount, amount, err);
    return rc;
}

int calc_totals(CalcTotals *out, const CalcLine *lines, int n, SupplyMode mode, bool ut, Error *err)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < n; i++) {
        const CalcLine *l = &lines[i];
        int rc = money_add(&out->subtotal, out->subtotal, l->amount, err);
        if (rc == 0)
            rc = money_add(&out->cgst, out->cgst, l->cgst, err);
        if (rc == 0)
            rc = money_add(&out->sgst, out->sgst, l->sgst, err);
        if (rc == 0)
            rc = money_add(&out->igst, out->igst, l->igst, err);
        if (rc == 0)
            rc = money_add(&out->tax, out->tax, l->tax, err);
        if (rc == 0)
            rc = money_add(&out->total, out->total, l->total, err);
        if (rc == 0 && !dec_is_zero(l->tax_rate)) {
            if (mode == SUPPLY_INTRA) {
                Dec half = calc_half_rate(l->tax_rate);
                rc = add_tax(out, "CGST", half, l->amount, l->cgst, err);
                if (rc == 0)
                    rc = add_tax(out, ut ? "UTGST" : "SGST", half, l->amount, l->sgst, err);
            } else {
                rc = add_tax(out, mode == SUPPLY_INTER ? "IGST" : "TAX", l->tax_rate, l->amount, l->tax, err);
            }
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}
