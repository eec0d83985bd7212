/* domain/billing_status.c — suspension and cancellation through the API
 * (issue 5, the seed's client_status): the rules of a service_status row and
 * what a cancellation does to the customer's plan assignments; and
 * GET /api/v1/customers/{id}/services, what a customer holds on a day.
 * Exports billing_status_init.
 *
 * A service_status row applies from its status_date to one scope: the
 * customer (no plan, no service), a plan, a service in every plan, or a
 * service in one plan (engine_status.c). Rows are never changed or deleted:
 * they ARE the history (date, reason, who and when in created_by/created_at,
 * and the audit trail). Writing one:
 *  - the plan (service) must be one the customer has an assignment of (holds
 *    through one of its assignments), 422 otherwise;
 *  - engine_status_change_check against the scope's last row: a reason is
 *    required, the date may not precede the last change, the same status
 *    twice is refused, and a cancellation is final (also when a wider scope
 *    was cancelled by that date). A scope's first row may be "active" (an
 *    activation record; its reason is optional);
 *  - a cancellation of the customer or of a plan also ENDS the assignments
 *    concerned, so they leave the customer's active plans with their history
 *    kept: an assignment running on the cancellation date D gets end_date =
 *    D - 1 (unless it ends earlier), one starting on or after D becomes
 *    is_active = false; both are audited as "cancel". A cancelled service (of
 *    a plan that goes on) leaves the customer's held services from D
 *    (GET /customers/{id}/services), and the engine never bills it again;
 *  - a cancellation must not leave a held service without its prerequisite
 *    (409 naming them: cancel the dependent service first).
 * Suspension and reactivation change no assignment: the engine skips the
 * suspended days (fixed fees lose them, time and usage dated on them are not
 * billed) and bills again from the reactivation date.
 */
#include <string.h>

#include "domain/billing_deps.h"
#include "domain/company.h"
#include "domain/domain.h"
#include "model/crud.h"

static Date parse_date(const char *s)
{
    Date d = 0;
    if (s)
        date_parse(&d, s, strlen(s), NULL, NULL);
    return d;
}

/* Some assignment of the customer (of plan_id when given) holds service_id, category included. */
static bool holds(const BillingHoldings *h, const char *plan_id, const char *service_id)
{
    const EngineInput *in = &h->in;
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *cp = &in->customer_plans[i];
        if (plan_id && !engine_id_eq(cp->plan_id, plan_id))
            continue;
        if (!service_id)
            return true;
        const EngineService *s = engine_find_service(in, service_id);
        if (s && engine_plan_covers(in, cp, s))
            return true;
    }
    return false;
}

static int status_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc < 0)
        return rc;
    const char *plan = row_text(row, "plan_id"), *svc = row_text(row, "service_id");
    EngineStatusKind to = ENGINE_STATUS_ACTIVE;
    engine_status_parse(&to, row_text(row, "status"));
    Date d = parse_date(row_text(row, "status_date"));
    BillingHoldings h;
    rc = billing_holdings_load(ctx, row_text(row, "customer_id"), true, &h, err);
    if (rc < 0)
        return rc;
    if (plan && !holds(&h, plan, NULL))
        return err_set(err, ERR_INVALID, "plan_id", "the customer has no assignment of this plan");
    if (svc && !holds(&h, plan, svc))
        return err_set(err, ERR_INVALID, "service_id", "the customer holds no such service%s",
                       plan ? " in this plan" : "");
    /* the scope's last change (rows come ordered by date, then as recorded) */
    const EngineStatus *last = NULL;
    for (size_t i = 0; i < h.in.nstatuses; i++)
        if (engine_id_eq(h.in.statuses[i].plan_id, plan) && engine_id_eq(h.in.statuses[i].service_id, svc))
            last = &h.in.statuses[i];
    EngineStatusKind from = last ? last->status : ENGINE_STATUS_ACTIVE;
    if (engine_status_on(&h.in, plan, svc, d) == ENGINE_STATUS_CANCELLED)
        from = ENGINE_STATUS_CANCELLED; /* a wider scope was cancelled by then */
    if (!last && from == ENGINE_STATUS_ACTIVE && to == ENGINE_STATUS_ACTIVE)
        return 0;                       /* an activation record */
    return engine_status_change_check(from, last ? last->status_date : d, to, d, row_text(row, "reason"), err);
}

/* Ends (or deactivates) the customer's assignments that a cancellation on d of the customer, or
 * of plan_id, takes away. */
static int end_assignments(Ctx *ctx, const char *customer_id, const char *plan_id, Date d, Error *err)
{
    const Table *t = registry_find("customer_billing_plans");
    Value p[2] = {val_text(customer_id), val_text(plan_id)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         plan_id ? "SELECT id FROM customer_billing_plans WHERE tenant_id = $1 AND customer_id = $2"
                                   " AND deleted_at IS NULL AND is_active AND plan_id = $3 ORDER BY id"
                                 : "SELECT id FROM customer_billing_plans WHERE tenant_id = $1 AND customer_id = $2"
                                   " AND deleted_at IS NULL AND is_active ORDER BY id",
                         p, plan_id ? 2 : 1, err);
    if (rc < 0)
        return rc;
    const char **ids = NULL;
    size_t n = 0, cap = 0;
    while (rc == 0 && rows_next(&r)) {
        Value v = rows_get(&r, 0);
        const char **x = engine_push(ctx->arena, (void **)&ids, &n, &cap, sizeof *ids);
        if (x)
            *x = arena_strndup(ctx->arena, v.s, v.len);
        else
            rc = engine_oom(err);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    char last[11];
    date_format(last, date_add_days(d, -1));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Row old, nw;
        rc = crud_get(ctx, t, ids[i], true, &old, err);
        if (rc < 0)
            break;
        const char *end = row_text(&old, "end_date");
        row_copy(ctx, &nw, &old);
        if (parse_date(row_text(&old, "start_date")) >= d)
            row_set(&nw, "is_active", val_bool(false));
        else if (!end || parse_date(end) >= d)
            row_set_text(ctx, &nw, "end_date", last);
        else
            continue;
        rc = crud_update_row_as(ctx, t, &nw, &old, "cancel", err);
    }
    return rc;
}

static int status_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    EngineStatusKind st = ENGINE_STATUS_ACTIVE;
    engine_status_parse(&st, row_text(row, "status"));
    if (st != ENGINE_STATUS_CANCELLED)
        return 0;
    const char *cid = row_text(row, "customer_id");
    Date d = parse_date(row_text(row, "status_date"));
    int rc = row_text(row, "service_id") ? 0 : end_assignments(ctx, cid, row_text(row, "plan_id"), d, err);
    BillingHoldings h;
    if (rc == 0)
        rc = billing_holdings_load(ctx, cid, false, &h, err);   /* locked before the write */
    Period rest = {d, date_add_days(date_from_ymd(9999, 12, 31), 1)};
    return rc < 0 ? rc : billing_deps_check(&h, rest, ERR_CONFLICT, "status", ctx->arena, err);
}

/* ---- GET /api/v1/customers/{id}/services?on=YYYY-MM-DD ---- */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int held_services(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    Row cust;
    int rc = crud_get(ctx, registry_find("customers"), in->params[0], false, &cust, err);
    if (rc < 0)
        return rc;
    Date on = company_today(ctx);
    const char *s = action_arg(in, "on");
    if (s && date_parse(&on, s, strlen(s), "on", NULL) < 0)
        return err_set(err, ERR_BAD_QUERY, "on", "on must be a date YYYY-MM-DD");
    BillingHoldings h;
    BillingHeld *held;
    size_t n;
    rc = billing_holdings_load(ctx, row_text(&cust, "id"), false, &h, err);
    if (rc == 0)
        rc = billing_held_on(&held, &n, &h, on, ctx->arena, err);
    if (rc < 0)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++) {
        const BillingHeld *x = &held[i];
        const char *type = x->service->type == ENGINE_SERVICE_TIME    ? "time"
                           : x->service->type == ENGINE_SERVICE_USAGE ? "usage"
                                                                      : "fixed";
        json_array_append_new(
            data, json_pack("{s:s, s:o, s:s, s:o, s:s, s:o, s:s, s:b, s:b, s:s}", "service_id", x->service->id,
                            "service_name", jstr(x->service->name), "service_type", type, "category_id",
                            jstr(x->service->category_id), "plan_id", x->plan->id, "plan_name", jstr(x->plan->name),
                            "customer_billing_plan_id", x->cp->id, "auto_added", x->auto_added, "bills", x->bills,
                            "status", engine_status_name(x->status)));
    }
    char d[11];
    date_format(d, on);
    out->json = json_pack("{s:s, s:s, s:o}", "customer_id", row_text(&cust, "id"), "on", d, "data", data);
    return out->json ? 0 : engine_oom(err);
}

static const Hooks status_hooks = {.before_write = status_before_write, .after_write = status_after_write};

static const Endpoint held_ep = {
    .method = "GET", .path = "customers/{id}/services", .role = ROLE_USER,
    .permission = "customer_billing_plans.read", .run = held_services,
    .doc = "The services a customer holds on a day (?on=, default today): through which assignment and plan, "
           "whether it came as a prerequisite, which assignment bills it, active or suspended (cancelled ones are "
           "not held)",
};

void billing_status_init(void)
{
    table_set_hooks("service_status", &status_hooks);
    registry_add_endpoint(&held_ep);
}
