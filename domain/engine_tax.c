/* domain/engine_tax.c — tax on each line, after discounts.
 *
 * Exports: engine_tax_charges, engine_tax_rate_find, engine_gst_split,
 * engine_gst_intra_state.
 *
 * The rate is the one in force on the last day of the line's service period
 * (the period end; for a March line, March 31), for the customer's region and
 * the service's tax category. A customer or a service marked exempt pays none.
 * Tax is the line's net amount (after discounts) x rate / 100, rounded once
 * per line; with GST it is split by place of supply: the seller's state equal
 * to the customer's -> CGST and SGST at half the rate each (each rounded
 * once), otherwise IGST at the full rate. A line with no rate in force is
 * untaxed and the result carries a warning naming the region and the date, so
 * a missing rate is seen in the preview instead of silently undercharging.
 */
#include "domain/engine.h"

#include <string.h>

const EngineTaxRate *engine_tax_rate_find(const EngineTaxRate *rates, size_t n,
                                          const char *region, const char *tax_category, Date on)
{
    const EngineTaxRate *best = NULL;
    int best_region = -1, best_cat = -1;
    for (size_t i = 0; i < n; i++) {
        const EngineTaxRate *t = &rates[i];
        if (t->start_date > on || (t->has_end_date && on > t->end_date))
            continue;
        int sr = 0, sc = 0;
        if (t->region) {
            if (!region || strcmp(t->region, region) != 0)
                continue;
            sr = 1;
        }
        if (t->tax_category) {
            if (!tax_category || strcmp(t->tax_category, tax_category) != 0)
                continue;
            sc = 1;
        }
        if (!best || sr > best_region || (sr == best_region && sc > best_cat) ||
            (sr == best_region && sc == best_cat && t->start_date > best->start_date)) {
            best = t;
            best_region = sr;
            best_cat = sc;
        }
    }
    return best;
}

bool engine_gst_intra_state(const char *seller_state, const char *customer_state)
{
    if (!customer_state || !customer_state[0])
        return true;
    return seller_state && strcmp(seller_state, customer_state) == 0;
}

int engine_gst_split(int64_t *cgst, int64_t *sgst, int64_t *igst, int64_t net, Dec rate,
                     bool intra_state, Rounding r, Error *err)
{
    int rc;
    *cgst = *sgst = *igst = 0;
    if (!intra_state)
        return money_percent(igst, net, rate, r, err);
    /* rate / 2, exactly: coef x 5 at one more decimal place. */
    Dec half = rate;
    if (rate.scale < DEC_MAX_SCALE && !__builtin_mul_overflow(rate.coef, 5, &half.coef))
        half.scale = rate.scale + 1;
    else
        return err_set(err, ERR_OVERFLOW, NULL, "tax rate is too precise to halve exactly");
    if ((rc = money_percent(cgst, net, half, r, err)) < 0)
        return rc;
    *sgst = *cgst;
    return 0;
}

int engine_tax_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
{
    const EngineCustomer *cu = in->customer;
    const EngineSettings *s = in->settings;
    int rc;
    for (size_t i = 0; i < res->nlines; i++) {
        EngineCharge *l = &res->lines[i];
        Date on = date_add_days(period_is_empty(l->period) ? in->period.end : l->period.end, -1);
        const EngineService *svc = l->service_id ? engine_find_service(in, l->service_id) : NULL;
        l->tax = l->cgst = l->sgst = l->igst = 0;
        l->tax_rate = dec_from_int(0);
        l->tax_rate_id = NULL;
        l->tax_rate_from = NULL;
        if (cu->is_tax_exempt)
            l->tax_kind = ENGINE_TAX_EXEMPT_CUSTOMER;
        else if (svc && svc->is_tax_exempt)
            l->tax_kind = ENGINE_TAX_EXEMPT_SERVICE;
        else {
            /* the rate: a tax_rates row of the service's category (the customer's region first);
             * without a category, the service's own rate, else the tenant's default rate — the
             * rule of invoice lines entered by hand (doc_line_prepare) */
            const char *cat = svc ? svc->tax_category : NULL;
            const EngineTaxRate *t = engine_tax_rate_find(in->tax_rates, in->ntax_rates, cu->tax_region, cat, on);
            bool found = t != NULL;
            if (t) {
                l->tax_rate_id = t->id;
                l->tax_rate = t->tax_percentage;
            } else if (!cat && svc && svc->has_tax_rate) {
                l->tax_rate = svc->tax_rate;
                l->tax_rate_from = "service";
                found = true;
            } else if (!cat && dec_cmp(s->default_tax_rate, dec_from_int(0)) > 0) {
                l->tax_rate = s->default_tax_rate;
                l->tax_rate_from = "default";
                found = true;
            }
            if (!found) {
                l->tax_kind = ENGINE_TAX_NONE;
                char day[11];
                date_format(day, on);
                if (in->ntax_rates > 0 &&
                    (rc = engine_warn(res, arena, err, "no tax rate in force for region %s on %s",
                                      cu->tax_region ? cu->tax_region : "(none)", day)) < 0)
                    return rc;
            } else if (s->gst) {
                bool intra = engine_gst_intra_state(s->seller_state_code, cu->state_code);
                l->tax_kind = intra ? ENGINE_TAX_GST_INTRA : ENGINE_TAX_GST_INTER;
                if ((rc = engine_gst_split(&l->cgst, &l->sgst, &l->igst, l->net, l->tax_rate, intra, s->rounding,
                                           err)) < 0)
                    return rc;
                l->tax = l->cgst + l->sgst + l->igst;
            } else {
                l->tax_kind = ENGINE_TAX_SIMPLE;
                if ((rc = money_percent(&l->tax, l->net, l->tax_rate, s->rounding, err)) < 0)
                    return rc;
            }
        }
        if ((rc = money_add(&l->total, l->net, l->tax, err)) < 0)
            return rc;
    }
    return 0;
}
