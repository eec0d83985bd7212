/* domain/notify_plan.c — notifications about a customer's plan assignments: bucket overage alerts,
 * when a time entry is written, and renewal notices, by the daily job "renewal_notices". Exports
 * notify_plan_init.
 *
 * Overage alerts (seed: "alerts ... triggered when usage exceeds predefined thresholds"). The
 * tenant setting billing.overage_alert_thresholds lists percentages of a bucket period's hours
 * ("80,100" by default). When a time entry is created or changed, in the same transaction, each
 * bucket assignment of the customer that covers the entry's service on its work_date is measured
 * for the bucket period holding that date:
 *   used     = minutes of the customer's billable, not rejected, time entries on the bucket plan's
 *              Time services (the assignment's service_category, when set) dated in the period and
 *              in the assignment (pending approval counts: the work was done)
 *   capacity = the allowance (total_hours, prorated to the assignment's days when the bucket says
 *              prorate_allowance) + the rollover in (the previous period's bucket_usage row, once a
 *              bill run has written it; 0 before)
 * and the thresholds reached (used x 100 >= p x capacity, exactly) are recorded once per
 * (assignment, period, threshold): schedule_key "<period start>@<p>%". Only the highest threshold
 * newly reached is mailed; lower ones reached by the same write are recorded as skipped ("covered
 * by the 100% alert"), so one big entry sends one mail. Alerts are not taken back when an entry is
 * deleted or shortened. The period and allowance follow the rating engine's rules (engine_cycle,
 * the bucket's billing_period and the assignment's anchor; docs/billing-rules.md section 11); two
 * simplifications, both on the side of alerting early: suspended days do not shrink a prorated
 * allowance, and an entry that precedence gives to another plan (an assignment restricted to the
 * service's category) still counts.
 *
 * The hook wraps whatever hooks time_entries already has (domain/billing.c's, and any module's that
 * attached before): notify_init runs last in domain_init for that reason.
 *
 * Renewal notices: each day, every active assignment whose end_date (its last day) is within
 * billing.renewal_notice_days days (default 30; 0 = none) gets one notice per end date
 * (schedule_key "ends-<end date>"): moving the end date later gives a new notice for the new date.
 * An assignment followed by another of the same plan for the same customer starting after its end
 * (a renewal already recorded) gets none.
 *
 * Concurrency notes: both run in the caller's transaction (the time entry's request, the job's
 * claim). Two entries written at once for one bucket both see their own write; on PostgreSQL the
 * second insert of the same threshold waits for the first transaction and then adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"
#include "domain/company.h"
#include "domain/engine.h"
#include "domain/jobs.h"
#include "domain/notify.h"
#include "model/crud.h"

static Date date_at(Rows *r, int i, bool *has)
{
    Value v = rows_get(r, i);
    Date d = 0;
    bool ok = v.kind == V_TEXT && date_parse(&d, v.s, v.len, "date", NULL) == 0;
    if (has)
        *has = ok;
    return d;
}

static const char *date_s(Ctx *ctx, Date d)
{
    char buf[11];
    date_format(buf, d);
    return arena_strdup(ctx->arena, buf);
}

/* "12.5" hours from minutes (to the hundredth). */
static const char *hours_s(Ctx *ctx, int64_t minutes)
{
    int64_t h = 0;
    char buf[DEC_FORMAT_MAX];
    if (!dec_round_div(&h, (__int128)minutes * 100, 60, ROUND_HALF_UP) ||
        dec_format_trim(buf, sizeof buf, dec_from_scaled(h, 2)) < 0)
        return "?";
    return arena_strdup(ctx->arena, buf);
}

/* ---- overage alerts ---- */

typedef struct Bucket {
    const char *id, *plan_id, *category, *plan_name;
    EngineCustomerPlan cp;
    int64_t total_hours;       /* scaled by 100 (bucket_plans.total_hours has 2 decimals) */
    Frequency period;
    bool rollover, prorate, no_proration;
    const char *overage_rate;  /* decimal text, base currency */
} Bucket;

/* The customer's bucket assignments covering a Time service on day d. */
static int buckets(Ctx *ctx, const char *customer_id, const char *service_id, const char *day, Bucket **out, int *n,
                   Error *err)
{
    *n = 0;
    *out = NULL;
    Rows r;
    Value p[4] = {val_text(customer_id), val_text(service_id), val_text(day), val_bool(true)};
    int rc = store_query(ctx->conn, &r,
                         "SELECT a.id, a.plan_id, a.service_category, a.start_date, a.end_date, a.billing_anchor,"
                         " b.total_hours, b.billing_period, b.allow_rollover, b.prorate_allowance, p.no_proration,"
                         " p.plan_name, b.overage_rate"
                         " FROM customer_billing_plans a"
                         " JOIN billing_plans p ON p.tenant_id = a.tenant_id AND p.id = a.plan_id"
                         " JOIN bucket_plans b ON b.tenant_id = a.tenant_id AND b.plan_id = a.plan_id"
                         " JOIN plan_services ps ON ps.tenant_id = a.tenant_id AND ps.plan_id = a.plan_id"
                         " JOIN services s ON s.tenant_id = a.tenant_id AND s.id = ps.service_id"
                         " WHERE a.tenant_id = $1 AND a.customer_id = $2 AND ps.service_id = $3"
                         " AND a.deleted_at IS NULL AND a.is_active = $5 AND p.deleted_at IS NULL"
                         " AND p.plan_type = 'bucket' AND s.service_type = 'time'"
                         " AND (a.service_category IS NULL OR a.service_category = s.category_id)"
                         " AND a.start_date <= $4 AND (a.end_date IS NULL OR a.end_date >= $4)"
                         " ORDER BY a.id",
                         p, 4, err);
    if (rc < 0)
        return rc;
    size_t cap = 0, cnt = 0;
    while (rows_next(&r)) {
        Bucket *b = engine_push(ctx->arena, (void **)out, &cnt, &cap, sizeof *b);
        if (!b)
            break;
        memset(b, 0, sizeof *b);
        b->id = notify_text(ctx, &r, 0);
        b->plan_id = notify_text(ctx, &r, 1);
        b->category = notify_text(ctx, &r, 2);
        b->cp = (EngineCustomerPlan){.id = b->id, .customer_id = customer_id, .plan_id = b->plan_id,
                                     .service_category = b->category, .is_active = true};
        b->cp.start_date = date_at(&r, 3, NULL);
        b->cp.end_date = date_at(&r, 4, &b->cp.has_end_date);
        b->cp.anchor = date_at(&r, 5, &b->cp.has_anchor);
        Value th = rows_get(&r, 6);
        b->total_hours = th.kind == V_TEXT ? strtoll(th.s, NULL, 10) : th.i;
        const char *freq = notify_text(ctx, &r, 7);
        if (!freq || frequency_parse(&b->period, freq) < 0)
            b->period = FREQ_MONTHLY;
        b->rollover = rows_get(&r, 8).i != 0;
        b->prorate = rows_get(&r, 9).i != 0;
        b->no_proration = rows_get(&r, 10).i != 0;
        b->plan_name = notify_text(ctx, &r, 11);
        Value rate = rows_get(&r, 12);
        char buf[DEC_FORMAT_MAX];
        int64_t scaled = rate.kind == V_TEXT ? strtoll(rate.s, NULL, 10) : rate.i;
        b->overage_rate = dec_format_trim(buf, sizeof buf, dec_from_scaled(scaled, 6)) < 0 ? NULL
                                                                                          : arena_strdup(ctx->arena, buf);
    }
    *n = (int)cnt;
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

/* Minutes used against the bucket in span (the period within the assignment). */
static int used_minutes(Ctx *ctx, const char *customer_id, const Bucket *b, Period span, int64_t *out, Error *err)
{
    Value p[6] = {val_text(customer_id), val_bool(true), val_text(date_s(ctx, span.start)),
                  val_text(date_s(ctx, span.end)), val_text(b->plan_id), val_text(b->category)};
    static const char base[] =
        "SELECT COALESCE(SUM(te.duration), 0) FROM time_entries te"
        " JOIN services s ON s.tenant_id = te.tenant_id AND s.id = te.service_id"
        " WHERE te.tenant_id = $1 AND te.customer_id = $2 AND te.billable = $3 AND te.approval_status <> 'rejected'"
        " AND te.work_date >= $4 AND te.work_date < $5 AND s.service_type = 'time'"
        " AND te.service_id IN (SELECT service_id FROM plan_services WHERE tenant_id = $1 AND plan_id = $6)";
    char sql[sizeof base + 64];
    snprintf(sql, sizeof sql, "%s%s", base, b->category ? " AND s.category_id = $7" : "");
    return store_query_int(ctx->conn, out, sql, p, b->category ? 6 : 5, err);
}

/* Allowance + rollover in, in minutes, for the period `cycle` (span: the days the assignment covers). */
static int capacity(Ctx *ctx, const Bucket *b, Period cycle, Period span, int64_t *out, Error *err)
{
    int days = period_days(span), len = period_days(cycle);
    if (!b->prorate || b->no_proration)
        days = len;
    int64_t allowance = 0;
    if (len > 0 && !dec_round_div(&allowance, (__int128)b->total_hours * 60 * days, (__int128)100 * len, ROUND_HALF_UP))
        return err_set(err, ERR_RANGE, "total_hours", "bucket total_hours is out of range");
    int64_t rollover = 0;
    if (b->rollover) {
        Value p[2] = {val_text(b->id), val_text(date_s(ctx, cycle.start))};
        Rows r;
        int rc = store_query(ctx->conn, &r,
                             "SELECT rollover_out_minutes FROM bucket_usage WHERE tenant_id = $1"
                             " AND customer_billing_plan_id = $2 AND period_end = $3",
                             p, 2, err);
        if (rc < 0)
            return rc;
        if (rows_next(&r))
            rollover = rows_get(&r, 0).i;
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    *out = allowance + rollover;
    return 0;
}

static int alert(Ctx *ctx, const char *customer_id, const Bucket *b, Period cycle, int64_t used, int64_t cap, int pct,
                 const char *covered_by, Error *err)
{
    const char *start = date_s(ctx, cycle.start), *last = date_s(ctx, date_add_days(cycle.end, -1));
    int64_t share = cap > 0 ? (int64_t)((__int128)used * 100 / cap) : 0;
    const char *rate = b->overage_rate ? arena_printf(ctx->arena, " at %s%s%s per hour", b->overage_rate,
                                                      ctx->currency ? " " : "", ctx->currency ? ctx->currency : "")
                                       : "";
    Notice n = {
        .kind = NOTIFY_OVERAGE_ALERT,
        .customer_id = customer_id,
        .subject_id = b->id,
        .schedule_key = arena_printf(ctx->arena, "%s@%d%%", start, pct),
        .today = company_today(ctx),
        .subject = arena_printf(ctx->arena, "%s: %d%% of your hours for %s to %s used", b->plan_name, pct, start, last),
        .text = arena_printf(ctx->arena,
                             "Your %s hours for %s to %s have reached %d%% of what the period includes.\n\n"
                             "  Used:      %s hours (%lld%%)\n"
                             "  Included:  %s hours\n\n"
                             "Hours beyond what is included are billed as overage%s.",
                             b->plan_name, start, last, pct, hours_s(ctx, used), (long long)share, hours_s(ctx, cap),
                             rate),
        .skip_reason = covered_by,
    };
    int rc = notify_send(ctx, &n, err);
    return rc < 0 ? rc : 0;
}

static int check_overage(Ctx *ctx, const Row *entry, Error *err)
{
    const char *customer_id = row_text(entry, "customer_id"), *service_id = row_text(entry, "service_id");
    const char *day = row_text(entry, "work_date");
    Date d;
    if (!customer_id || !service_id || !day || date_parse(&d, day, strlen(day), "work_date", NULL) < 0)
        return 0;
    Bucket *bs;
    int nb = 0;
    int rc = buckets(ctx, customer_id, service_id, day, &bs, &nb, err);
    if (rc < 0 || nb == 0)
        return rc;
    int pcts[NOTIFY_MAX_LIST], np = 0;
    rc = notify_setting_list(ctx, NOTIFY_THRESHOLDS_KEY, NOTIFY_THRESHOLDS_DEFAULT, 1, 1000, pcts, &np, err);
    for (int i = 0; rc == 0 && i < nb; i++) {
        Bucket *b = &bs[i];
        Period cycle = engine_cycle(&b->cp, b->period, d);
        Period span = period_intersect(cycle, engine_assignment_span(&b->cp));
        int64_t used = 0, cap = 0;
        rc = used_minutes(ctx, customer_id, b, span, &used, err);
        if (rc == 0)
            rc = capacity(ctx, b, cycle, span, &cap, err);
        int k = rc == 0 ? notify_thresholds_reached(pcts, np, used, cap) : 0;
        const char *covered = NULL;
        for (int j = k - 1; rc == 0 && j >= 0; j--) {
            rc = alert(ctx, customer_id, b, cycle, used, cap, pcts[j], covered, err);
            covered = arena_printf(ctx->arena, "covered by the %d%% alert", pcts[k - 1]);
        }
    }
    return rc;
}

static const Hooks *time_before;   /* time_entries' hooks before notify_plan_init wrapped them */
static Hooks time_hooks;

static int time_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    int rc = time_before && time_before->after_write ? time_before->after_write(ctx, t, row, old, err) : 0;
    return rc < 0 ? rc : check_overage(ctx, row, err);
}

/* ---- renewal notices ---- */

typedef struct Ending { const char *id, *customer_id, *end, *plan; } Ending;

static int renewals_run(Ctx *ctx, Date today, Error *err)
{
    int days[NOTIFY_MAX_LIST], n = 0;
    char dflt[16];
    snprintf(dflt, sizeof dflt, "%d", NOTIFY_RENEWAL_DAYS_DEFAULT);
    int rc = notify_setting_list(ctx, NOTIFY_RENEWAL_DAYS_KEY, dflt, 0, 365, days, &n, err);
    if (rc < 0 || n == 0 || days[n - 1] == 0)
        return rc;
    const char *seller = notify_seller(ctx, err);
    if (!seller)
        return -(int)err->code;
    Value p[3] = {val_bool(true), val_text(date_s(ctx, today)), val_text(date_s(ctx, date_add_days(today, days[n - 1])))};
    Rows r;
    rc = store_query(ctx->conn, &r,
                     "SELECT a.id, a.customer_id, a.end_date, p.plan_name FROM customer_billing_plans a"
                     " JOIN billing_plans p ON p.tenant_id = a.tenant_id AND p.id = a.plan_id"
                     " WHERE a.tenant_id = $1 AND a.deleted_at IS NULL AND a.is_active = $2"
                     " AND a.end_date >= $3 AND a.end_date <= $4"
                     " AND NOT EXISTS (SELECT 1 FROM customer_billing_plans x WHERE x.tenant_id = $1"
                     " AND x.customer_id = a.customer_id AND x.plan_id = a.plan_id AND x.deleted_at IS NULL"
                     " AND x.id <> a.id AND x.start_date > a.end_date)"
                     " ORDER BY a.id",
                     p, 3, err);
    if (rc < 0)
        return rc;
    Ending *v = NULL;
    size_t cnt = 0, cap = 0;
    while (rows_next(&r)) {
        Ending *e = engine_push(ctx->arena, (void **)&v, &cnt, &cap, sizeof *e);
        if (!e)
            break;
        *e = (Ending){notify_text(ctx, &r, 0), notify_text(ctx, &r, 1), notify_text(ctx, &r, 2), notify_text(ctx, &r, 3)};
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    for (size_t i = 0; rc == 0 && i < cnt; i++) {
        Date end = 0;
        date_parse(&end, v[i].end, strlen(v[i].end), "end_date", NULL);
        int left = date_diff_days(today, end);
        Notice no = {
            .kind = NOTIFY_RENEWAL_NOTICE,
            .customer_id = v[i].customer_id,
            .subject_id = v[i].id,
            .schedule_key = arena_printf(ctx->arena, "ends-%s", v[i].end),
            .today = today,
            .seller = seller,
            .subject = arena_printf(ctx->arena, "Your %s plan ends on %s", v[i].plan, v[i].end),
            .text = arena_printf(ctx->arena,
                                 "Your %s plan with %s ends on %s (%s). It is not billed after that day.\n\n"
                                 "To renew it, or to change it, please contact %s before then.",
                                 v[i].plan, seller, v[i].end,
                                 left == 0 ? "today" : left == 1 ? "tomorrow" : arena_printf(ctx->arena, "in %d days", left),
                                 seller),
        };
        int sent = notify_send(ctx, &no, err);
        rc = sent < 0 ? sent : 0;
    }
    return rc;
}

static const DailyJob renewal_job = {.name = "renewal_notices", .run = renewals_run};

void notify_plan_init(void)
{
    const Table *t = registry_find("time_entries");
    time_before = t ? t->hooks : NULL;
    if (time_before)
        time_hooks = *time_before;
    time_hooks.after_write = time_after_write;
    table_set_hooks("time_entries", &time_hooks);
    jobs_add_daily(&renewal_job);
}
