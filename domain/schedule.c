/* domain/schedule.c — a contract's expected schedule: which periods should be
 * billed, when, and for how much. Pure; see recon.h for the conventions.
 * Exports recon_cycle_parse, recon_cycle_name, recon_schedule,
 * recon_schedule_total, recon_period_of.
 *
 * Worked example (tests/unit/test_recon_schedule.c): 1,200.00 monthly from
 * 2026-01-15 to 2026-04-30 gives [01-15, 02-15) 1,200.00, [02-15, 03-15)
 * 1,200.00, [03-15, 04-15) 1,200.00 and [04-15, 04-30) prorated 15 of the 30
 * days of [04-15, 05-15): 1,200.00 x 15 / 30 = 600.00.
 */
#include "domain/recon.h"

#include <string.h>

#include "core/money.h"

static const char *const cycle_names[RC__COUNT] = {
    [RC_ONE_OFF] = "one_off", [RC_MONTHLY] = "monthly", [RC_QUARTERLY] = "quarterly",
    [RC_HALF_YEARLY] = "half_yearly", [RC_YEARLY] = "yearly",
};

int recon_cycle_parse(ReconCycle *out, const char *s)
{
    for (int i = 0; s && i < RC__COUNT; i++)
        if (strcmp(s, cycle_names[i]) == 0) {
            *out = (ReconCycle)i;
            return 0;
        }
    return -1;
}

const char *recon_cycle_name(ReconCycle c)
{
    return (c >= 0 && c < RC__COUNT) ? cycle_names[c] : NULL;
}

static Frequency freq_of(ReconCycle c)
{
    switch (c) {
    case RC_QUARTERLY: return FREQ_QUARTERLY;
    case RC_HALF_YEARLY: return FREQ_SEMIANNUAL;
    case RC_YEARLY: return FREQ_ANNUAL;
    default: return FREQ_MONTHLY;
    }
}

static void stamp(ReconPeriod *rp, const ReconTerms *t)
{
    rp->billing_date = t->timing == RT_IN_ARREARS ? rp->p.end : rp->p.start;
    rp->due_date = date_add_days(rp->billing_date, t->payment_terms);
}

int recon_schedule(ReconPeriod *out, int cap, int *n, const ReconTerms *t, Rounding r, Error *err)
{
    *n = 0;
    if (t->period.end <= t->period.start)
        return err_set(err, ERR_INVALID, "contract_end_date", "contract_end_date must be after contract_start_date");
    if (t->period_amount < 0)
        return err_set(err, ERR_INVALID, "period_amount", "period_amount must not be negative");
    if (t->payment_terms < 0)
        return err_set(err, ERR_INVALID, "payment_terms", "payment_terms must not be negative");
    if (cap > RECON_MAX_PERIODS)
        cap = RECON_MAX_PERIODS;
    if (t->cycle == RC_ONE_OFF) {
        if (cap < 1)
            return err_set(err, ERR_RANGE, "contract_end_date", "the schedule has more than %d periods", cap);
        out[0] = (ReconPeriod){.p = t->period, .expected = t->period_amount};
        stamp(&out[0], t);
        *n = 1;
        return 0;
    }
    Frequency f = freq_of(t->cycle);
    for (int i = 0;; i++) {
        Period full = cycle_nth(t->period.start, f, i);
        if (full.start >= t->period.end)
            break;
        if (i >= cap)
            return err_set(err, ERR_RANGE, "contract_end_date",
                           "the contract has more than %d %s periods; shorten it or use a longer billing cycle", cap,
                           cycle_names[t->cycle]);
        ReconPeriod *rp = &out[i];
        memset(rp, 0, sizeof *rp);
        rp->p = full;
        rp->expected = t->period_amount;
        if (full.end > t->period.end) {
            rp->p.end = t->period.end;
            rp->prorated = true;
            int rc = money_mul_ratio(&rp->expected, t->period_amount, period_days(rp->p), period_days(full), r, err);
            if (rc < 0)
                return rc;
        }
        stamp(rp, t);
        *n = i + 1;
    }
    return 0;
}

int recon_schedule_total(int64_t *out, const ReconPeriod *s, int n, Error *err)
{
    int64_t sum = 0;
    for (int i = 0; i < n; i++) {
        int rc = money_add(&sum, sum, s[i].expected, err);
        if (rc < 0)
            return rc;
    }
    *out = sum;
    return 0;
}

int recon_period_of(const ReconPeriod *s, int n, Date d)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {   /* periods are sorted and disjoint */
        int mid = lo + (hi - lo) / 2;
        if (d < s[mid].p.start)
            hi = mid - 1;
        else if (d >= s[mid].p.end)
            lo = mid + 1;
        else
            return mid;
    }
    return -1;
}
