/* domain/subscription.c — Remit's own subscriptions: the 14-day trial, paid
 * plans and their limits.
 * Exports subscription_init, subscription_start, subscription_check_write,
 * subscription_check_limit, subscription_activate, subscription_plan_find.
 *
 * Rules (multi-tenant-gst-billing.md): sign-up starts a 14-day trial unless the
 * email already used one (trial_emails, a reference table, because the check
 * spans tenants); a tenant whose trial ended without a paid plan, or whose
 * subscription is expired, cancelled or suspended, can still read everything
 * but every write answers 402. Each plan limits invoices, customers and users;
 * creating one more than the plan allows answers 402 with the limit in the
 * message. The operator (not the tenant) activates paid plans with
 * `remit tenant activate` (a payment provider would call the same function).
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "domain/domain.h"
#include "domain/jobs.h"
#include "model/codec.h"
#include "model/crud.h"

#define TRIAL_DAYS 14

typedef struct Plan {
    const char *code;
    int64_t max_invoices, max_customers, max_users;   /* 0 = unlimited */
    const char *monthly;                                /* price in INR */
} Plan;

static const Plan plans[] = {
    {"trial", 500, 100, 5, "0"},
    {"starter", 2000, 250, 5, "999.00"},
    {"growth", 25000, 2500, 25, "4999.00"},
    {"enterprise", 0, 0, 0, "19999.00"},
};

const Plan *subscription_plan_find(const char *code);
const Plan *subscription_plan_find(const char *code)
{
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++)
        if (strcmp(plans[i].code, code) == 0)
            return &plans[i];
    return NULL;
}

static void set_limits(Row *row, const Plan *p)
{
    row_set(row, "max_invoices", p->max_invoices ? val_int(p->max_invoices) : val_null());
    row_set(row, "max_customers", p->max_customers ? val_int(p->max_customers) : val_null());
    row_set(row, "max_users", p->max_users ? val_int(p->max_users) : val_null());
}

int subscription_start(Ctx *ctx, const char *email, Error *err)
{
    Rows r;
    Value p[1] = {val_text(email)};
    int rc = store_query_global(ctx->conn, &r, "SELECT tenant_id FROM trial_emails WHERE email = $1", p, 1, err);
    if (rc < 0)
        return rc;
    bool used = rows_next(&r);
    rows_close(&r);
    const Table *st = registry_find("subscriptions");
    Row s;
    row_init(&s, ctx, st);
    char start[40], end[40];
    ts_format(start, sizeof start, ctx->now);
    ts_format(end, sizeof end, ctx->now + (int64_t)TRIAL_DAYS * 86400 * 1000000);
    row_set_text(ctx, &s, "plan_type", "trial");
    row_set_text(ctx, &s, "plan_code", "trial");
    row_set_int(&s, "amount", 0);
    row_set_text(ctx, &s, "currency", ctx->currency ? ctx->currency : "INR");
    set_limits(&s, subscription_plan_find("trial"));
    if (used) {
        row_set(&s, "is_trial", val_bool(false));
        row_set_text(ctx, &s, "status", "expired");
        row_set_text(ctx, &s, "notes", "no trial: this email already used one; choose a paid plan");
        Value t[2] = {val_text("expired"), val_text(ctx->tenant_id)};
        rc = store_exec_global(ctx->conn,
                               "UPDATE tenants SET subscription_status = $1, trial_start_date = NULL, trial_end_date = NULL"
                               " WHERE id = $2", t, 2, NULL, err);
    } else {
        row_set(&s, "is_trial", val_bool(true));
        row_set_text(ctx, &s, "status", "active");
        row_set_text(ctx, &s, "trial_start_date", start);
        row_set_text(ctx, &s, "trial_end_date", end);
        row_set_int(&s, "trial_days_remaining", TRIAL_DAYS);
        Value t[3] = {val_text(email), val_text(ctx->tenant_id), val_text(start)};
        rc = store_exec_global(ctx->conn, "INSERT INTO trial_emails (email, tenant_id, used_at) VALUES ($1, $2, $3)", t, 3,
                               NULL, err);
    }
    if (rc == 0)
        rc = crud_insert_row(ctx, st, &s, err);
    return rc;
}

int subscription_check_write(Ctx *ctx, const char *status, const char *trial_end, Error *err)
{
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    if (status && strcmp(status, "active") == 0)
        return 0;
    if (status && strcmp(status, "trial") == 0) {
        if (!trial_end || strcmp(trial_end, now) > 0)
            return 0;
        int rc = err_set(err, ERR_PAYMENT_REQUIRED, NULL, "the free trial ended on %.10s; choose a paid plan to make changes",
                         trial_end);
        err_hint(err, "reading your data still works; an administrator can upgrade the subscription");
        return rc;
    }
    int rc = err_set(err, ERR_PAYMENT_REQUIRED, NULL, "the subscription is %s; choose a paid plan to make changes",
                     status ? status : "inactive");
    err_hint(err, "reading your data still works");
    return rc;
}

int subscription_check_limit(Ctx *ctx, const char *table, Error *err)
{
    const char *col = strcmp(table, "invoices") == 0    ? "max_invoices"
                      : strcmp(table, "customers") == 0 ? "max_customers"
                      : strcmp(table, "users") == 0     ? "max_users"
                                                        : NULL;
    const Table *t = registry_find(table);
    if (!col || !t)
        return 0;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT %s, plan_code FROM subscriptions WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1", col);
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    int64_t max = 0;
    char plan[64] = "";
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0), pc = rows_get(&r, 1);
        max = v.kind == V_NULL ? 0 : v.i;
        if (pc.kind == V_TEXT)
            snprintf(plan, sizeof plan, "%.*s", (int)pc.len, pc.s);
    }
    rows_close(&r);
    if (max <= 0)
        return 0;
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE tenant_id = $1%s", table,
             t->col_deleted_at >= 0 ? " AND deleted_at IS NULL" : "");
    int64_t count = 0;
    rc = store_query_int(ctx->conn, &count, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    if (count >= max) {
        rc = err_set(err, ERR_PAYMENT_REQUIRED, NULL, "the %s plan allows %lld %s; upgrade to add more", plan,
                     (long long)max, table);
        err_hint(err, "an administrator can change the plan");
        return rc;
    }
    return 0;
}

/* Operator: turn a tenant's subscription into a paid plan for `months` months. */
int subscription_activate(Ctx *ctx, const char *plan_code, int months, Error *err)
{
    const Plan *p = subscription_plan_find(plan_code);
    if (!p || strcmp(plan_code, "trial") == 0)
        return err_set(err, ERR_INVALID, "plan", "plan must be one of starter, growth, enterprise");
    const Table *st = registry_find("subscriptions");
    Row s;
    row_init(&s, ctx, st);
    char start[40], end[40];
    ts_format(start, sizeof start, ctx->now);
    Date today = ts_date(ctx->now);
    ts_format(end, sizeof end, ts_from_date(date_add_months(today, months > 0 ? months : 1)));
    row_set_text(ctx, &s, "plan_type", "paid");
    row_set_text(ctx, &s, "plan_code", plan_code);
    row_set_text(ctx, &s, "billing_cycle", months >= 12 ? "yearly" : "monthly");
    row_set_text(ctx, &s, "currency", "INR");
    row_set(&s, "is_trial", val_bool(false));
    row_set_text(ctx, &s, "status", "active");
    row_set_text(ctx, &s, "next_billing_date", end);
    set_limits(&s, p);
    int rc = codec_field_from_text(ctx, st, table_col(st, "amount"), p->monthly, &s, &s.v[table_col(st, "amount")], err);
    if (rc == 0)
        rc = crud_insert_row(ctx, st, &s, err);
    Value t[4] = {val_text("active"), val_text(start), val_text(end), val_text(ctx->tenant_id)};
    if (rc == 0)
        rc = store_exec_global(ctx->conn,
                               "UPDATE tenants SET subscription_status = $1, converted_to_paid_at = $2,"
                               " subscription_start_date = $2, subscription_end_date = $3 WHERE id = $4",
                               t, 4, NULL, err);
    return rc;
}

/* Daily: a trial past its end becomes "expired" (the request cycle already treats it so; this
 * records it for reports and the console), and so does a paid plan past its end date. */
static int expire(Ctx *ctx, Date today, Error *err)
{
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    Value p[2] = {val_text(now), val_text(ctx->tenant_id)};
    int rc = store_exec_global(ctx->conn,
                               "UPDATE tenants SET subscription_status = 'expired' WHERE id = $2 AND"
                               " ((subscription_status = 'trial' AND trial_end_date <= $1) OR"
                               " (subscription_status = 'active' AND subscription_end_date <= $1))",
                               p, 2, NULL, err);
    if (rc == 0)
        rc = store_exec(ctx->conn,
                        "UPDATE subscriptions SET status = 'expired' WHERE tenant_id = $1 AND status = 'active' AND"
                        " ((is_trial = true AND trial_end_date <= $2) OR (is_trial = false AND next_billing_date <= $2))",
                        p, 1, NULL, err);
    return rc;
}

static const DailyJob expire_job = {.name = "subscription.expire", .run = expire};

void subscription_init(void)
{
    /* The write and limit checks are called by the request cycle (api/router.c) and by the
     * generic create (api/resources.c), because they apply to every write. */
    jobs_add_daily(&expire_job);
}
