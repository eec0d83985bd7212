/* domain/contracts.c — rules for contracts. Exports contracts_init.
 *
 * Rules:
 * - A contract's party is a customer (customer_id required) or a contractor
 *   (contractor_name required); party_key is derived for linking bills.
 * - contract_number is trimmed, not blank, and unique in the tenant ignoring
 *   case (number_key, which linking looks numbers up by): 409 duplicate.
 * - currency defaults to the tenant's base currency and must be an ISO 4217
 *   code Remit knows; changing it requires restating the amounts, and is
 *   refused (422 on currency) once the contract has billing records: they are
 *   in the old currency.
 * - contract_end_date (the last day, like every date a person types:
 *   docs/billing-rules.md §2) is not before contract_start_date; the schedule
 *   it gives has at most RECON_MAX_PERIODS periods.
 * - period_amount is required unless the cycle is one-off (then either
 *   amount gives the other); contract_amount defaults to the schedule's total
 *   and keeps following it while nobody sets it to something else.
 * - Status: created draft or active; draft -> active | terminated, active ->
 *   suspended | terminated, suspended -> active | terminated, expired ->
 *   active (a renewal: the end date must be today or later). expired is set only by
 *   the daily job; terminated is final, and so are a terminated contract's
 *   period, termination date, currency, amounts, cycle, timing, terms and tax
 *   rate (409 invalid_state). Terminating sets termination_date
 *   (default today, within the contract period): its last day; periods end there.
 * - A contract with billing records cannot be deleted.
 * - Every write re-matches the contract (or is deferred, during an import).
 * Actions: POST /contracts/{id}/match, GET /contracts/{id}/schedule (reports),
 * POST /contracts/{id}/files (recon_files.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "domain/domain.h"
#include "domain/recon.h"
#include "domain/reconcile.h"
#include "model/crud.h"

static const char *const transitions[][2] = {
    {"draft", "active"},      {"draft", "terminated"},     {"active", "suspended"},
    {"active", "terminated"}, {"suspended", "active"},     {"suspended", "terminated"},
    {"expired", "active"},
};

static int check_status(Ctx *ctx, Row *row, const Row *old, Date today, Error *err)
{
    const char *to = row_text(row, "contract_status");
    const char *from = old ? row_text(old, "contract_status") : NULL;
    if (!to)
        return err_set(err, ERR_REQUIRED, "contract_status", "contract_status is required");
    if (from && strcmp(from, to) == 0)
        return 0;
    if (strcmp(to, "expired") == 0)
        return err_set(err, ERR_INVALID, "contract_status",
                       "expired is set by the daily job when contract_end_date passes");
    if (!from) {
        if (strcmp(to, "draft") != 0 && strcmp(to, "active") != 0)
            return err_set(err, ERR_INVALID, "contract_status", "a new contract is draft or active");
        return 0;
    }
    bool ok = false;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (strcmp(transitions[i][0], from) == 0 && strcmp(transitions[i][1], to) == 0)
            ok = true;
    if (!ok)
        return err_set(err, ERR_STATE, "contract_status", "a %s contract cannot become %s", from, to);
    if (strcmp(from, "expired") == 0) {
        Date end;
        const char *e = row_text(row, "contract_end_date");
        if (!e || date_parse(&end, e, strlen(e), "contract_end_date", NULL) < 0 || end < today)
            return err_set(err, ERR_INVALID, "contract_end_date",
                           "to renew an expired contract, move contract_end_date to today or later");
    }
    return 0;
}

/* What a terminated contract's schedule, budget and matching are computed from: frozen with it. */
static const char *const frozen_when_terminated[] = {
    "contract_start_date", "contract_end_date", "termination_date", "currency",     "period_amount",
    "contract_amount",     "billing_cycle",     "billing_timing",   "payment_terms", "tax_rate",
};

static bool same_value(Value a, Value b)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind == V_TEXT)
        return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
    return a.kind == V_NULL || a.i == b.i;
}

/* terminated is final: its terms too, or the termination would be undone by moving them */
static int check_terminated(const Row *row, const Row *old, Error *err)
{
    const char *from = old ? row_text(old, "contract_status") : NULL;
    if (!from || strcmp(from, "terminated") != 0)
        return 0;
    for (size_t i = 0; i < sizeof frozen_when_terminated / sizeof frozen_when_terminated[0]; i++) {
        const char *f = frozen_when_terminated[i];
        if (!same_value(row_get(row, f), row_get(old, f)))
            return err_set(err, ERR_STATE, f, "a terminated contract's %s cannot change", f);
    }
    return 0;
}

static bool get_date(const Row *row, const char *field, Date *out)
{
    const char *s = row_text(row, field);
    return s && date_parse(out, s, strlen(s), field, NULL) == 0;
}

/* The schedule's total for a row's terms, or -1 when the terms give no schedule. */
static int schedule_total(const Row *row, Rounding r, int64_t *out, Error *err)
{
    ReconTerms t = {0};
    if (!get_date(row, "contract_start_date", &t.period.start) || !get_date(row, "contract_end_date", &t.period.end) ||
        recon_cycle_parse(&t.cycle, row_text(row, "billing_cycle")) < 0)
        return err_set(err, ERR_INVALID, "contract_end_date", "the contract's period is not valid");
    t.period.end = date_add_days(t.period.end, 1);   /* the end date is the last day */
    const char *timing = row_text(row, "billing_timing");
    t.timing = timing && strcmp(timing, "in_arrears") == 0 ? RT_IN_ARREARS : RT_IN_ADVANCE;
    t.period_amount = row_int(row, "period_amount");
    t.payment_terms = (int)row_int(row, "payment_terms");
    const char *status = row_text(row, "contract_status");
    Date term;
    if (status && strcmp(status, "terminated") == 0 && get_date(row, "termination_date", &term) &&
        date_add_days(term, 1) < t.period.end)
        t.period.end = term >= t.period.start ? date_add_days(term, 1) : t.period.start + 1;
    static __thread ReconPeriod sched[RECON_MAX_PERIODS];
    int n = 0;
    int rc = recon_schedule(sched, RECON_MAX_PERIODS, &n, &t, r, err);
    if (rc == 0)
        rc = recon_schedule_total(out, sched, n, err);
    return rc;
}

/* How many billing records (any status, not deleted) a stored contract has. */
static int count_records(Ctx *ctx, const Row *old, int64_t *out, Error *err)
{
    Value p[1] = {row_get(old, "id")};
    return store_query_int(ctx->conn, out,
                           "SELECT COUNT(*) FROM billing_records WHERE tenant_id = $1 AND contract_id = $2"
                           " AND deleted_at IS NULL",
                           p, 1, err);
}

static int contract_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    /* references first: another tenant's id is a 422 invalid_reference whatever else is wrong */
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc < 0)
        return rc;
    ReconSettings s;
    rc = recon_settings_load(ctx, &s, err);
    if (rc < 0)
        return rc;
    /* party */
    const char *party = row_text(row, "party_type");
    const char *customer = row_text(row, "customer_id");
    const char *name = row_text(row, "contractor_name");
    bool is_customer = party && strcmp(party, "customer") == 0;
    if (is_customer && !customer)
        return err_set(err, ERR_REQUIRED, "customer_id", "customer_id is required for a customer contract");
    char key[300];
    link_party_key(key, sizeof key, is_customer ? customer : NULL, is_customer ? NULL : name);
    if (!is_customer && !key[0])
        return err_set(err, ERR_REQUIRED, "contractor_name", "contractor_name is required for a contractor contract");
    row_set_text(ctx, row, "party_key", key);
    /* the number: trimmed, not blank, unique in the tenant ignoring case (linking reads it so) */
    const char *given = row_text(row, "contract_number");
    char number[64], folded[64];
    link_trim(number, sizeof number, given);
    if (!number[0])
        return err_set(err, ERR_REQUIRED, "contract_number", "contract_number is required");
    if (strcmp(number, given) != 0)
        row_set_text(ctx, row, "contract_number", number);
    snprintf(folded, sizeof folded, "%s", number);
    for (char *p = folded; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    row_set_text(ctx, row, "number_key", folded);
    {
        Value p[2] = {val_text(folded), old ? row_get(old, "id") : val_text("00000000-0000-0000-0000-000000000000")};
        Rows r;
        rc = store_query(ctx->conn, &r,
                         "SELECT contract_number FROM contracts WHERE tenant_id = $1 AND number_key = $2"
                         " AND id <> $3 AND deleted_at IS NULL LIMIT 1",
                         p, 2, err);
        if (rc < 0)
            return rc;
        if (rows_next(&r)) {
            Value v = rows_get(&r, 0);
            rc = err_set(err, ERR_DUPLICATE, "contract_number",
                         "contract_number %s is already used (as %.*s): case does not tell numbers apart",
                         number, (int)v.len, v.s);
        }
        if (rc == 0)
            rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    /* currency */
    const char *cur = row_text(row, "currency");
    if (!cur) {
        cur = ctx->currency ? ctx->currency : "INR";
        row_set_text(ctx, row, "currency", cur);
    }
    if (!currency_find(cur))
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"INR\" or \"USD\"");
    if (old && row_text(old, "currency") && strcmp(cur, row_text(old, "currency")) != 0) {
        /* its bills are in the old currency (a bill's currency is its contract's): matching them
         * against amounts in another one would compare numbers, not money */
        int64_t nbills = 0;
        rc = count_records(ctx, old, &nbills, err);
        if (rc < 0)
            return rc;
        if (nbills > 0)
            return err_set(err, ERR_INVALID, "currency",
                           "currency cannot change: the contract has %lld billing record(s) in %s",
                           (long long)nbills, row_text(old, "currency"));
        static const char *const amounts[] = {"period_amount", "contract_amount"};
        for (int i = 0; i < 2; i++) {
            int c = table_col(t, amounts[i]);
            if (row->v[c].kind != V_NULL && !row->set[c])
                return err_set(err, ERR_INVALID, amounts[i],
                               "changing currency would change the meaning of %s; give it again in the new currency",
                               amounts[i]);
        }
    }
    /* period and amounts */
    Date start, end;
    if (!get_date(row, "contract_start_date", &start) || !get_date(row, "contract_end_date", &end))
        return err_set(err, ERR_REQUIRED, "contract_end_date", "contract_start_date and contract_end_date are required");
    if (end < start)
        return err_set(err, ERR_INVALID, "contract_end_date",
                       "contract_end_date must not be before contract_start_date (it is the contract's last day)");
    const char *cycle = row_text(row, "billing_cycle");
    bool one_off = cycle && strcmp(cycle, "one_off") == 0;
    bool has_period = !row_is_null(row, "period_amount"), has_total = !row_is_null(row, "contract_amount");
    if (one_off && !has_period && has_total) {
        row_set(row, "period_amount", row_get(row, "contract_amount"));
        has_period = true;
    }
    if (!has_period)
        return err_set(err, ERR_REQUIRED, "period_amount",
                       one_off ? "period_amount or contract_amount is required"
                               : "period_amount is required: the amount billed for one full period");
    /* status */
    Date today = recon_today(ctx);
    rc = check_status(ctx, row, old, today, err);
    if (rc == 0)
        rc = check_terminated(row, old, err);
    if (rc < 0)
        return rc;
    const char *status = row_text(row, "contract_status");
    if (strcmp(status, "terminated") == 0) {
        Date term;
        if (!get_date(row, "termination_date", &term)) {
            term = today < start ? start : today;
            char d[11];
            date_format(d, term);
            row_set_text(ctx, row, "termination_date", d);
        }
        if (term < start || term > end)
            return err_set(err, ERR_INVALID, "termination_date",
                           "termination_date must lie within the contract period");
    }
    /* schedule and budget */
    int64_t total = 0;
    rc = schedule_total(row, s.rounding, &total, err);
    if (rc < 0)
        return rc;
    int tc = table_col(t, "contract_amount");
    bool follow = !has_total;
    if (old && !row->set[tc] && has_total) {
        int64_t old_total = 0;
        Error ignore;
        if (schedule_total(old, s.rounding, &old_total, &ignore) == 0 && old_total == row_int(old, "contract_amount"))
            follow = true;   /* it was the schedule's total: it still is */
    }
    if (follow)
        row_set_int(row, "contract_amount", total);
    return 0;
}

static int rematch(Ctx *ctx, const char *id, const char *exclude, Error *err)
{
    if (recon_deferring()) {
        recon_defer_contract(ctx, id);
        return 0;
    }
    ReconSettings s;
    ReconStats st = {0};
    int rc = recon_settings_load(ctx, &s, err);
    if (rc == 0)
        rc = recon_match_contract(ctx, &s, id, exclude, &st, err);
    return rc;
}

static int contract_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    return rematch(ctx, row_text(row, "id"), NULL, err);
}

static int contract_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    int64_t n = 0;
    int rc = count_records(ctx, old, &n, err);
    if (rc < 0)
        return rc;
    if (n > 0)
        return err_set(err, ERR_CONFLICT, NULL,
                       "the contract has %lld billing record(s); delete them or link them elsewhere first",
                       (long long)n);
    return recon_close_contract(ctx, row_text(old, "id"), err);
}

static int act_match(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row c;
    int rc = crud_get(ctx, t, in->id, true, &c, err);
    if (rc < 0)
        return rc;
    ReconSettings s;
    ReconStats st = {0};
    rc = recon_settings_load(ctx, &s, err);
    if (rc == 0)
        rc = recon_match_contract(ctx, &s, in->id, NULL, &st, err);
    if (rc < 0)
        return rc;
    out->json = json_pack("{s:s, s:o}", "contract_id", in->id, "stats", recon_stats_json(&st));
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static const Hooks contract_hooks = {
    .before_write = contract_before_write,
    .after_write = contract_after_write,
    .before_delete = contract_before_delete,
};

static const Action match_action = {
    .verb = "match", .method = "POST", .write = true, .run = act_match,
    .doc = "Re-match the contract's billing records now; answers what changed",
};

void contracts_init(void)
{
    table_set_hooks("contracts", &contract_hooks);
    table_add_action("contracts", &match_action);
}
