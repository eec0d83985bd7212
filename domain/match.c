/* domain/match.c — matching billing records against a contract's schedule.
 * Pure; see recon.h. Exports recon_match, recon_tolerance, recon_status_name,
 * recon_status_parse, recon_kind_name, recon_kind_parse.
 *
 * The rules, applied to the records in order (billing date, then creation):
 * - Placement. A record with a service period belongs to the scheduled period
 *   holding its start; otherwise, billed in advance, to the period holding its
 *   billing date, and billed in arrears, to the latest period that has ended by
 *   its billing date. No such period: outside_period, status unmatched.
 * - Amount. Each period has a remaining expected amount, initially its
 *   expected amount. A record is expected to bill what remains. Billing more
 *   than that beyond the tolerance is amount_mismatch (over); less beyond the
 *   tolerance is amount_mismatch (under), and the record is partial: the period
 *   is being billed in parts. The tolerance is the larger of the tenant's
 *   absolute amount and its percentage of the period's expected amount.
 * - Duplicate. A record for a period that earlier records already billed in
 *   full (what remains is within the tolerance) is duplicate_period; it was
 *   expected to bill nothing, so its difference is its whole amount.
 * - Over budget. Once the running total of billed amounts passes the contract
 *   amount, that record and every later one is over_budget.
 * - Tax. With a tax rate in force, tax must be amount x rate / 100 rounded once,
 *   give or take one minor unit (suppliers round per line).
 * - Due date. With payment terms, the due date may not be later than the
 *   billing date plus the terms.
 * - Missing. A period past its due date with no record is missing_period, when
 *   the contract expects billing (not draft, not suspended).
 * Status: unmatched when outside the period; mismatched with any issue but an
 * under-billing; partial with only that; matched with none.
 */
#include "domain/recon.h"

#include <string.h>

#include "core/money.h"

static const char *const status_names[RS__COUNT] = {
    [RS_MATCHED] = "matched", [RS_PARTIAL] = "partial", [RS_MISMATCHED] = "mismatched",
    [RS_UNMATCHED] = "unmatched",
};

static const char *const kind_names[RK__COUNT] = {
    [RK_AMOUNT] = "amount_mismatch", [RK_OUTSIDE] = "outside_period", [RK_DUPLICATE] = "duplicate_period",
    [RK_MISSING] = "missing_period", [RK_OVER_BUDGET] = "over_budget", [RK_TAX] = "tax_mismatch",
    [RK_DUE_DATE] = "due_date_beyond_terms", [RK_UNLINKED] = "unlinked_record", [RK_EXPIRY] = "contract_expiry",
};

const char *recon_status_name(ReconStatus s)
{
    return (s >= 0 && s < RS__COUNT) ? status_names[s] : NULL;
}

int recon_status_parse(ReconStatus *out, const char *s)
{
    for (int i = 0; s && i < RS__COUNT; i++)
        if (strcmp(s, status_names[i]) == 0) {
            *out = (ReconStatus)i;
            return 0;
        }
    return -1;
}

const char *recon_kind_name(ReconKind k)
{
    return (k >= 0 && k < RK__COUNT) ? kind_names[k] : NULL;
}

int recon_kind_parse(ReconKind *out, const char *s)
{
    for (int i = 0; s && i < RK__COUNT; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (ReconKind)i;
            return 0;
        }
    return -1;
}

int recon_tolerance(int64_t *out, int64_t expected, const ReconRules *rules, Error *err)
{
    int64_t pct = 0;
    int64_t base = expected < 0 ? -expected : expected;
    int rc = money_percent(&pct, base, rules->tolerance_percent, rules->rounding, err);
    if (rc < 0)
        return rc;
    *out = pct > rules->tolerance_amount ? pct : rules->tolerance_amount;
    return 0;
}

static void add_issue(ReconResult *res, ReconIssue is)
{
    if (res->nissues < RECON_MAX_ISSUES)
        res->issues[res->nissues++] = is;
}

/* The scheduled period a record belongs to, or -1. */
static int place(const ReconContract *c, const ReconPeriod *s, int n, const ReconRecord *r, Date *used)
{
    if (r->has_period) {
        *used = r->period_start;
        return recon_period_of(s, n, r->period_start);
    }
    *used = r->billing_date;
    if (c->terms.timing == RT_IN_ADVANCE)
        return recon_period_of(s, n, r->billing_date);
    int best = -1;   /* in arrears: the latest period ended by the billing date */
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (s[mid].p.end <= r->billing_date) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return best;
}

int recon_match(ReconResult *results, int *missing, int *nmissing, const ReconContract *c,
                const ReconPeriod *sched, int nsched, const ReconRecord *recs, int nrec, const ReconRules *rules,
                Error *err)
{
    int64_t remaining[RECON_MAX_PERIODS];
    int first[RECON_MAX_PERIODS];
    if (nsched > RECON_MAX_PERIODS || nsched < 0)
        return err_set(err, ERR_INVALID, NULL, "the schedule has more than %d periods", RECON_MAX_PERIODS);
    for (int i = 0; i < nsched; i++) {
        remaining[i] = sched[i].expected;
        first[i] = -1;
    }
    int64_t running = 0;
    for (int k = 0; k < nrec; k++) {
        const ReconRecord *r = &recs[k];
        ReconResult *res = &results[k];
        memset(res, 0, sizeof *res);
        res->billed = r->billing_amount;
        Date used;
        int p = place(c, sched, nsched, r, &used);
        res->period = p;
        bool under = false, other = false;
        if (p < 0) {
            add_issue(res, (ReconIssue){.kind = RK_OUTSIDE, .actual = r->billing_amount, .date = used});
            other = true;
        } else {
            int64_t tol;
            int rc = recon_tolerance(&tol, sched[p].expected, rules, err);
            if (rc < 0)
                return rc;
            if (first[p] >= 0 && remaining[p] <= tol) {
                add_issue(res, (ReconIssue){.kind = RK_DUPLICATE, .actual = r->billing_amount, .first = first[p]});
                other = true;
            } else {
                res->expected = remaining[p];
                int64_t diff;
                rc = money_sub(&diff, r->billing_amount, remaining[p], err);
                if (rc < 0)
                    return rc;
                if (diff > tol || diff < -tol) {
                    add_issue(res, (ReconIssue){.kind = RK_AMOUNT, .expected = remaining[p],
                                                .actual = r->billing_amount, .tolerance = tol});
                    if (diff > 0)
                        other = true;
                    else
                        under = true;
                }
                remaining[p] = diff >= 0 ? 0 : -diff;
            }
            if (first[p] < 0)
                first[p] = k;
        }
        int rc = money_add(&running, running, r->billing_amount, err);
        if (rc == 0)
            rc = money_sub(&res->difference, res->billed, res->expected, err);
        if (rc < 0)
            return rc;
        if (c->has_budget && running > c->contract_amount) {
            add_issue(res, (ReconIssue){.kind = RK_OVER_BUDGET, .expected = c->contract_amount, .actual = running});
            other = true;
        }
        if (c->has_tax_rate) {
            int64_t tax;
            rc = money_percent(&tax, r->billing_amount, c->tax_rate, rules->rounding, err);
            if (rc < 0)
                return rc;
            int64_t d = r->tax_amount - tax;
            if (d > 1 || d < -1) {
                add_issue(res, (ReconIssue){.kind = RK_TAX, .expected = tax, .actual = r->tax_amount});
                other = true;
            }
        }
        if (c->check_due_date && r->has_due_date) {
            Date limit = date_add_days(r->billing_date, c->terms.payment_terms);
            if (r->due_date > limit) {
                add_issue(res, (ReconIssue){.kind = RK_DUE_DATE, .date = r->due_date, .limit = limit});
                other = true;
            }
        }
        res->status = p < 0 ? RS_UNMATCHED : other ? RS_MISMATCHED : under ? RS_PARTIAL : RS_MATCHED;
    }
    *nmissing = 0;
    if (c->expects_billing)
        for (int i = 0; i < nsched; i++)
            if (first[i] < 0 && sched[i].due_date < rules->today)
                missing[(*nmissing)++] = i;
    return 0;
}
