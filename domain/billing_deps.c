/* domain/billing_deps.c — service dependencies through the API (issue 5):
 * what a customer holds, plans kept closed under prerequisites, and
 * assignments refused when they would leave a service without one.
 *
 * Exports billing_holdings_load, billing_held_on, billing_deps_check,
 * billing_assignment_row_span, billing_deps_assignment_written,
 * billing_deps_assignment_deleting, billing_deps_init.
 *
 * The rules (docs/billing-rules.md section 13; the closure arithmetic is the
 * pure engine_deps_add / engine_deps_remove / engine_deps_check):
 *  - POST /billing_plans/{id}/services adds the service's missing
 *    prerequisites to the same plan, transitively, marked auto_added, at their
 *    default rate (quantity 1, no custom rate, no bundle). A plan is what
 *    customers subscribe to, so that is where "dependent services are added
 *    automatically when a primary service is selected".
 *  - DELETE of a plan service removes the auto-added prerequisites nothing
 *    else in the plan still needs; a service another one of the plan needs
 *    cannot be removed (409 naming who needs it). PATCH auto_added=false keeps
 *    a prerequisite for good; auto_added is never set to true by a client.
 *  - A plan service's bundle_id must name a bundle the service belongs to;
 *    POST /billing_plans/{id}/add_bundle adds every member of a bundle (and
 *    their prerequisites) in one request.
 *  - Writing an assignment (customer_billing_plans) must leave the customer
 *    holding every prerequisite of every service it holds, on every day of
 *    the assignment's old and new dates: otherwise 422 naming the services
 *    and nothing is written (the hook runs in the request's transaction). A
 *    plan is closed, so this bites when an assignment's service_category
 *    leaves the prerequisites out, when the assignment that provided them ends
 *    earlier, or when a dependency row was added after the plan was composed.
 *    Deleting an assignment other services need is a 409.
 *  - A service_dependencies row cannot name the service itself.
 * What is checked is the day-by-day closure of the held set, so a
 * prerequisite may come from another plan of the customer (an add-on plan
 * restricted to one category relies on the base plan's services).
 */
#include "domain/billing_deps.h"
#include "domain/billing_load.h"

#include <stdlib.h>
#include <string.h>

#include "domain/domain.h"
#include "model/codec.h"
#include "model/crud.h"

/* ---- reading ---- */

static const char *txt(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    return v.kind == V_TEXT && v.len > 0 ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
}

static Date date_at(Rows *r, int i, bool *has)
{
    Value v = rows_get(r, i);
    Date d = 0;
    bool ok = v.kind == V_TEXT && date_parse(&d, v.s, v.len, NULL, NULL) == 0;
    if (has)
        *has = ok;
    return ok ? d : 0;
}

typedef int (*RowFn)(Ctx *ctx, Rows *r, void *elem, void *arg);

/* Runs sql and appends one elem-sized element per row to *arr (arena-grown), filled by fn. */
static int load(Ctx *ctx, const char *sql, const Value *p, int np, void **arr, size_t *n, size_t elem, RowFn fn,
                void *arg, Error *err)
{
    size_t cap = 0;
    *arr = NULL;
    *n = 0;
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, p, np, err);
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        void *x = engine_push(ctx->arena, arr, n, &cap, elem);
        rc = x ? fn(ctx, &r, x, arg) : engine_oom(err);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

#define OF_CUSTOMER_PLANS                                                                                          \
    "SELECT plan_id FROM customer_billing_plans WHERE tenant_id = $1 AND customer_id = $2 AND deleted_at IS NULL"

static int cp_row(Ctx *ctx, Rows *r, void *elem, void *arg)
{
    EngineCustomerPlan *cp = elem;
    cp->id = txt(ctx, r, 0);
    cp->customer_id = arg;
    cp->plan_id = txt(ctx, r, 1);
    cp->service_category = txt(ctx, r, 2);
    cp->start_date = date_at(r, 3, NULL);
    cp->end_date = date_at(r, 4, &cp->has_end_date);
    cp->is_active = rows_get(r, 5).i != 0;
    return 0;
}

static int plan_row(Ctx *ctx, Rows *r, void *elem, void *arg)
{
    EnginePlan *p = elem;
    p->id = txt(ctx, r, 0);
    p->name = txt(ctx, r, 1);
    const char *t = txt(ctx, r, 2);
    if (t)
        engine_plan_type_parse(&p->type, t);
    p->is_custom = rows_get(r, 3).i != 0;
    return 0;
}

typedef struct PsRow {
    EnginePlanService ps;
    bool auto_added;
    const char *row_id;
} PsRow;

static int ps_row(Ctx *ctx, Rows *r, void *elem, void *arg)
{
    PsRow *x = elem;
    x->ps.plan_id = txt(ctx, r, 0);
    x->ps.service_id = txt(ctx, r, 1);
    x->ps.bundle_id = txt(ctx, r, 2);
    x->ps.quantity = 1;
    x->auto_added = rows_get(r, 3).i != 0;
    x->row_id = txt(ctx, r, 4);
    return 0;
}

static int service_row(Ctx *ctx, Rows *r, void *elem, void *arg)
{
    EngineService *s = elem;
    s->id = txt(ctx, r, 0);
    s->name = txt(ctx, r, 1);
    const char *t = txt(ctx, r, 2);
    s->type = t && strcmp(t, "time") == 0    ? ENGINE_SERVICE_TIME
              : t && strcmp(t, "usage") == 0 ? ENGINE_SERVICE_USAGE
                                             : ENGINE_SERVICE_FIXED;
    s->category_id = txt(ctx, r, 3);
    return 0;
}

static int dep_row(Ctx *ctx, Rows *r, void *elem, void *arg)
{
    EngineDependency *d = elem;
    d->service_id = txt(ctx, r, 0);
    d->dependent_service_id = txt(ctx, r, 1);
    return 0;
}

static int status_row(Ctx *ctx, Rows *r, void *elem, void *arg)
{
    EngineStatus *s = elem;
    s->customer_id = arg;
    s->plan_id = txt(ctx, r, 0);
    s->service_id = txt(ctx, r, 1);
    const char *st = txt(ctx, r, 2);
    if (st)
        engine_status_parse(&s->status, st);
    s->status_date = date_at(r, 3, NULL);
    s->reason = txt(ctx, r, 4);
    return 0;
}

static int load_deps(Ctx *ctx, const EngineDependency **out, size_t *n, Error *err)
{
    return load(ctx, "SELECT service_id, dependent_service_id FROM service_dependencies WHERE tenant_id = $1", NULL, 0,
                (void **)out, n, sizeof **out, dep_row, NULL, err);
}

int billing_holdings_load(Ctx *ctx, const char *customer_id, bool lock, BillingHoldings *out, Error *err)
{
    memset(out, 0, sizeof *out);
    const char *cid = arena_strdup(ctx->arena, customer_id);
    if (!cid)
        return engine_oom(err);
    out->customer.id = cid;
    EngineInput *in = &out->in;
    in->customer = &out->customer;
    Value p[1] = {val_text(cid)};
    void *v;
    int rc = 0;
    if (lock) {
        /* NO KEY UPDATE: the write being checked may already hold the key-share lock its reference
         * to the customer took, and two such writes must queue here, not deadlock */
        const char *sql = arena_printf(ctx->arena, "SELECT id FROM customers WHERE tenant_id = $1 AND id = $2%s",
                                       *store_for_update(ctx->conn) ? " FOR NO KEY UPDATE" : "");
        Rows r;
        rc = sql ? store_query(ctx->conn, &r, sql, p, 1, err) : engine_oom(err);
        if (rc < 0)
            return rc;
        while (rows_next(&r))
            ;
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    rc = load(ctx,
                  "SELECT id, plan_id, service_category, start_date, end_date, is_active FROM customer_billing_plans"
                  " WHERE tenant_id = $1 AND customer_id = $2 AND deleted_at IS NULL ORDER BY start_date, id",
                  p, 1, &v, &in->ncustomer_plans, sizeof(EngineCustomerPlan), cp_row, (void *)cid, err);
    out->cps = v;
    in->customer_plans = out->cps;
    if (rc == 0)
        rc = load(ctx, "SELECT id, plan_name, plan_type, is_custom FROM billing_plans WHERE tenant_id = $1 AND id IN ("
                  OF_CUSTOMER_PLANS ")", p, 1, &v, &in->nplans, sizeof(EnginePlan), plan_row, NULL, err);
    if (rc == 0)
        in->plans = v;
    size_t nps = 0;
    PsRow *ps = NULL;
    if (rc == 0)
        rc = load(ctx, "SELECT plan_id, service_id, bundle_id, auto_added, id FROM plan_services WHERE tenant_id = $1"
                  " AND plan_id IN (" OF_CUSTOMER_PLANS ") ORDER BY plan_id, id", p, 1, (void **)&ps, &nps,
                  sizeof *ps, ps_row, NULL, err);
    if (rc == 0 && nps > 0) {
        EnginePlanService *a = ARENA_ARRAY(ctx->arena, EnginePlanService, nps);
        bool *aa = ARENA_ARRAY(ctx->arena, bool, nps);
        if (!a || !aa)
            return engine_oom(err);
        for (size_t i = 0; i < nps; i++) {
            a[i] = ps[i].ps;
            aa[i] = ps[i].auto_added;
        }
        in->plan_services = a;
        in->nplan_services = nps;
        out->auto_added = aa;
    }
    if (rc == 0)
        rc = load(ctx,
                  "SELECT id, name, service_type, category_id FROM services WHERE tenant_id = $1 AND (id IN ("
                  "SELECT service_id FROM plan_services WHERE tenant_id = $1 AND plan_id IN (" OF_CUSTOMER_PLANS "))"
                  " OR id IN (SELECT dependent_service_id FROM service_dependencies WHERE tenant_id = $1))",
                  p, 1, &v, &in->nservices, sizeof(EngineService), service_row, NULL, err);
    if (rc == 0)
        in->services = v;
    if (rc == 0)
        rc = load_deps(ctx, &out->deps, &out->ndeps, err);
    if (rc == 0)
        rc = load(ctx,
                  "SELECT plan_id, service_id, status, status_date, reason FROM service_status WHERE tenant_id = $1"
                  " AND customer_id = $2 ORDER BY status_date, created_at, id",
                  p, 1, &v, &in->nstatuses, sizeof(EngineStatus), status_row, (void *)cid, err);
    if (rc == 0)
        in->statuses = v;
    return rc;
}

/* ---- what is held, and the check ---- */

int billing_held_on(BillingHeld **out, size_t *n, const BillingHoldings *h, Date d, Arena *arena, Error *err)
{
    const EngineInput *in = &h->in;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *cp = &in->customer_plans[i];
        const EnginePlan *plan = engine_find_plan(in, cp->plan_id);
        if (!plan || !engine_is_customers(in, cp) || !engine_assignment_covers(cp, d))
            continue;
        for (size_t k = 0; k < in->nplan_services; k++) {
            const EnginePlanService *ps = &in->plan_services[k];
            const EngineService *s = engine_id_eq(ps->plan_id, cp->plan_id) ? engine_find_service(in, ps->service_id)
                                                                             : NULL;
            if (!s || !engine_plan_covers(in, cp, s))
                continue;
            EngineStatusKind st = engine_status_on(in, cp->plan_id, s->id, d);
            if (st == ENGINE_STATUS_CANCELLED)
                continue;
            BillingHeld *x = engine_push(arena, (void **)out, n, &cap, sizeof **out);
            if (!x)
                return engine_oom(err);
            *x = (BillingHeld){s, cp, plan, h->auto_added && h->auto_added[k], engine_plan_winner(in, s, d) == cp,
                               st};
        }
    }
    return 0;
}

static int cmp_date(const void *a, const void *b)
{
    Date x = *(const Date *)a, y = *(const Date *)b;
    return x < y ? -1 : x > y;
}

int billing_deps_check(const BillingHoldings *h, Period range, ErrCode code, const char *field, Arena *arena,
                       Error *err)
{
    if (period_is_empty(range) || h->ndeps == 0)
        return 0;
    const EngineInput *in = &h->in;
    /* The held set only changes where an assignment starts or ends or a status takes effect. */
    size_t cap = 1 + 2 * in->ncustomer_plans + in->nstatuses, nd = 0;
    Date *days = ARENA_ARRAY(arena, Date, cap);
    if (!days)
        return engine_oom(err);
    days[nd++] = range.start;
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        Period s = engine_assignment_span(&in->customer_plans[i]);
        if (period_contains(range, s.start))
            days[nd++] = s.start;
        if (period_contains(range, s.end))
            days[nd++] = s.end;
    }
    for (size_t i = 0; i < in->nstatuses; i++)
        if (period_contains(range, in->statuses[i].status_date))
            days[nd++] = in->statuses[i].status_date;
    qsort(days, nd, sizeof *days, cmp_date);
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && days[i] == days[i - 1])
            continue;
        BillingHeld *held;
        size_t n;
        int rc = billing_held_on(&held, &n, h, days[i], arena, err);
        if (rc < 0)
            return rc;
        const char **ids = ARENA_ARRAY(arena, const char *, n + 1);
        if (!ids)
            return engine_oom(err);
        for (size_t k = 0; k < n; k++)
            ids[k] = held[k].service->id;
        Error e;
        err_clear(&e);
        if (engine_deps_check(ids, n, h->deps, h->ndeps, in->services, in->nservices, &e) == 0)
            continue;
        char d[11];
        date_format(d, days[i]);
        err_set(err, code, field, "missing prerequisites from %s: %s", d, e.detail);
        err_detail(err, "%s", e.detail);
        err_hint(err, "%s", code == ERR_CONFLICT ? "end or remove the services that need them first"
                                                 : "assign a plan that holds the prerequisites for those dates first");
        return -(int)code;
    }
    return 0;
}

Period billing_assignment_row_span(const Row *row)
{
    EngineCustomerPlan cp = {.is_active = row_int(row, "is_active") != 0};
    const char *s = row_text(row, "start_date"), *e = row_text(row, "end_date");
    if (!s || date_parse(&cp.start_date, s, strlen(s), NULL, NULL) < 0)
        return (Period){0, 0};
    cp.has_end_date = e && date_parse(&cp.end_date, e, strlen(e), NULL, NULL) == 0;
    return engine_assignment_span(&cp);
}

static bool changed(const Row *row, const Row *old, const char *f)
{
    const char *a = row_text(row, f), *b = row_text(old, f);
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0) || row_int(row, f) != row_int(old, f);
}

int billing_deps_assignment_written(Ctx *ctx, const BillingHoldings *h, const Row *row, const Row *old,
                                    Error *err)
{
    Period a = billing_assignment_row_span(row), b = old ? billing_assignment_row_span(old) : (Period){0, 0};
    Period range = period_is_empty(a) ? b : a;
    if (!period_is_empty(a) && !period_is_empty(b))
        range = (Period){a.start < b.start ? a.start : b.start, a.end > b.end ? a.end : b.end};
    if (period_is_empty(range))
        return 0;
    const char *field = "plan_id";
    static const char *const fields[] = {"end_date", "is_active", "start_date", "service_category"};
    for (size_t i = 0; old && i < sizeof fields / sizeof *fields; i++)
        if (changed(row, old, fields[i])) {
            field = fields[i];
            break;
        }
    return billing_deps_check(h, range, ERR_INVALID, field, ctx->arena, err);
}

int billing_deps_assignment_deleting(Ctx *ctx, const Row *old, Error *err)
{
    BillingHoldings h;
    int rc = billing_holdings_load(ctx, row_text(old, "customer_id"), true, &h, err);
    if (rc < 0)
        return rc;
    const char *id = row_text(old, "id");
    for (size_t i = 0; i < h.in.ncustomer_plans; i++)
        if (engine_id_eq(h.cps[i].id, id))
            h.cps[i].is_active = false;
    return billing_deps_check(&h, billing_assignment_row_span(old), ERR_CONFLICT, NULL, ctx->arena, err);
}

/* ---- plans: prerequisites come and go with their services ---- */

/* A plan's services with their auto_added marks, the dependency rows and the names involved. */
typedef struct PlanSet {
    EngineHeldService *held;
    const char **row_ids;
    size_t n;
    const EngineDependency *deps;
    size_t ndeps;
    const EngineService *services;
    size_t nservices;
} PlanSet;

static int plan_set_load(Ctx *ctx, const char *plan_id, PlanSet *s, Error *err)
{
    memset(s, 0, sizeof *s);
    Value p[1] = {val_text(plan_id)};
    PsRow *ps = NULL;
    int rc = load(ctx,
                  "SELECT plan_id, service_id, bundle_id, auto_added, id FROM plan_services WHERE tenant_id = $1"
                  " AND plan_id = $2 ORDER BY id",
                  p, 1, (void **)&ps, &s->n, sizeof *ps, ps_row, NULL, err);
    if (rc < 0)
        return rc;
    s->held = ARENA_ARRAY(ctx->arena, EngineHeldService, s->n + 1);
    s->row_ids = ARENA_ARRAY(ctx->arena, const char *, s->n + 1);
    if (!s->held || !s->row_ids)
        return engine_oom(err);
    for (size_t i = 0; i < s->n; i++) {
        s->held[i] = (EngineHeldService){ps[i].ps.service_id, ps[i].auto_added};
        s->row_ids[i] = ps[i].row_id;
    }
    rc = load_deps(ctx, &s->deps, &s->ndeps, err);
    if (rc == 0)
        rc = load(ctx,
                  "SELECT id, name, service_type, category_id FROM services WHERE tenant_id = $1 AND (id IN ("
                  "SELECT service_id FROM plan_services WHERE tenant_id = $1 AND plan_id = $2) OR id IN ("
                  "SELECT dependent_service_id FROM service_dependencies WHERE tenant_id = $1))",
                  p, 1, (void **)&s->services, &s->nservices, sizeof *s->services, service_row, NULL, err);
    return rc;
}

static bool held_has(const EngineHeldService *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (engine_id_eq(v[i].service_id, id))
            return true;
    return false;
}

/* The row's pricing as the engine will read it, judged by the engine's own rule
 * (engine_pricing_validate), so a price that cannot bill is refused when written. */
static int ps_pricing_check(Ctx *ctx, const Row *row, Error *err)
{
    EnginePlanService ps = {.pricing = ENGINE_PRICE_PER_UNIT};
    const char *pm = row_text(row, "pricing_model");
    if (pm)
        engine_pricing_parse(&ps.pricing, pm);
    ps.has_custom_rate = !row_is_null(row, "custom_rate");
    ps.custom_rate = dec_from_scaled(row_int(row, "custom_rate"), 6);
    ps.package_size = dec_from_scaled(row_int(row, "package_size"), 6);
    const char *tiers = row_text(row, "tiers");
    if (tiers && strcmp(tiers, "null") != 0) {
        int rc = billing_tiers_parse(ctx->arena, tiers, &ps.tiers, &ps.ntiers, err);
        if (rc < 0)
            return rc;
    }
    return engine_pricing_validate(&ps, err);
}

static int ps_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    /* references first: another tenant's id is a 422 naming it, whatever else is wrong */
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc == 0)
        rc = ps_pricing_check(ctx, row, err);
    if (rc < 0)
        return rc;
    bool was = old && row_int(old, "auto_added") != 0, now = row_int(row, "auto_added") != 0;
    if (now && !was)
        return err_set(err, ERR_INVALID, "auto_added",
                       "auto_added is set by Remit when it adds a prerequisite; it can only be set to false");
    const char *bundle = row_text(row, "bundle_id");
    if (!bundle || (old && row_text(old, "bundle_id") && strcmp(bundle, row_text(old, "bundle_id")) == 0))
        return 0;
    Value p[2] = {val_text(bundle), val_text(row_text(row, "service_id"))};
    int64_t n = 0;
    rc = store_query_int(ctx->conn, &n,
                         "SELECT COUNT(*) FROM bundle_services WHERE tenant_id = $1 AND bundle_id = $2"
                         " AND service_id = $3",
                         p, 2, err);
    if (rc < 0)
        return rc;
    if (n == 0)
        return err_set(err, ERR_INVALID, "bundle_id", "the service is not one of the bundle's services");
    return 0;
}

static int insert_prerequisite(Ctx *ctx, const Table *t, const char *plan_id, const char *service_id, Error *err)
{
    Row r;
    int rc = row_init(&r, ctx, t);
    if (rc < 0)
        return rc;
    row_set_text(ctx, &r, "plan_id", plan_id);
    row_set_text(ctx, &r, "service_id", service_id);
    row_set(&r, "auto_added", val_bool(true));
    rc = codec_apply_defaults(ctx, t, &r, err);
    return rc < 0 ? rc : crud_insert_row(ctx, t, &r, err);
}

static int ps_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    if (old)
        return 0;
    const char *plan = row_text(row, "plan_id"), *svc = row_text(row, "service_id");
    PlanSet s;
    int rc = plan_set_load(ctx, plan, &s, err);
    if (rc < 0 || s.ndeps == 0)
        return rc;
    /* the plan before this service, then the service added with everything it needs */
    size_t nheld = 0;
    for (size_t i = 0; i < s.n; i++)
        if (!engine_id_eq(s.held[i].service_id, svc))
            s.held[nheld++] = s.held[i];
    size_t cap = nheld + s.ndeps + 1, nout = 0;
    EngineHeldService *out = ARENA_ARRAY(ctx->arena, EngineHeldService, cap);
    if (!out)
        return engine_oom(err);
    rc = engine_deps_add(out, &nout, cap, s.held, nheld, svc, s.deps, s.ndeps, err);
    for (size_t i = nheld; rc == 0 && i < nout; i++)
        if (out[i].auto_added)
            rc = insert_prerequisite(ctx, t, plan, out[i].service_id, err);
    return rc;
}

static int ps_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    const char *svc = row_text(old, "service_id");
    PlanSet s;
    int rc = plan_set_load(ctx, row_text(old, "plan_id"), &s, err);
    if (rc < 0 || s.ndeps == 0)
        return rc;
    size_t nout = 0;
    EngineHeldService *out = ARENA_ARRAY(ctx->arena, EngineHeldService, s.n + 1);
    if (!out)
        return engine_oom(err);
    rc = engine_deps_remove(out, &nout, s.n, s.held, s.n, svc, s.deps, s.ndeps, s.services, s.nservices, err);
    /* what no longer stays goes with it (the target itself is the generic delete's) */
    for (size_t i = 0; rc == 0 && i < s.n; i++) {
        if (engine_id_eq(s.held[i].service_id, svc) || held_has(out, nout, s.held[i].service_id))
            continue;
        Row r;
        rc = crud_get(ctx, t, s.row_ids[i], true, &r, err);
        if (rc == 0)
            rc = crud_delete_row(ctx, t, &r, err);
    }
    return rc;
}

static int dep_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc < 0)
        return rc;
    const char *a = row_text(row, "service_id"), *b = row_text(row, "dependent_service_id");
    if (a && b && strcmp(a, b) == 0)
        return err_set(err, ERR_INVALID, "dependent_service_id", "a service cannot be its own prerequisite");
    return 0;
}

/* ---- POST /billing_plans/{id}/add_bundle {"bundle_id"} ---- */

static int add_bundle(Ctx *ctx, const Table *plans, const ActionIn *in, ActionResult *out, Error *err)
{
    const Table *t = registry_find("plan_services");
    json_t *b = json_object_get(in->body, "bundle_id");
    const char *k;
    json_t *v;
    json_object_foreach(in->body, k, v) {
        if (strcmp(k, "bundle_id") != 0)
            return err_set(err, ERR_UNKNOWN_FIELD, k, "unknown field %s", k);
    }
    if (!b || json_is_null(b))
        return err_set(err, ERR_REQUIRED, "bundle_id", "bundle_id is required");
    if (!json_is_string(b))
        return err_set(err, ERR_TYPE, "bundle_id", "bundle_id must be a string");
    Row plan, bundle;
    int rc = crud_get(ctx, plans, in->id, true, &plan, err);
    if (rc < 0)
        return rc;
    rc = crud_get(ctx, registry_find("service_bundles"), json_string_value(b), false, &bundle, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "bundle_id", "bundle_id does not refer to an existing row of service_bundles");
    if (rc < 0)
        return rc;
    const char *bid = row_text(&bundle, "id");
    Value p[2] = {val_text(bid), val_text(in->id)};
    Rows r;
    rc = store_query(ctx->conn, &r,
                     "SELECT m.service_id, s.name, (SELECT COUNT(*) FROM plan_services ps WHERE ps.tenant_id = $1"
                     " AND ps.plan_id = $3 AND ps.service_id = m.service_id) FROM bundle_services m JOIN services s"
                     " ON s.tenant_id = m.tenant_id AND s.id = m.service_id WHERE m.tenant_id = $1 AND m.bundle_id = $2"
                     " ORDER BY m.id",
                     p, 2, err);
    if (rc < 0)
        return rc;
    const char **members = NULL;
    size_t n = 0, cap = 0;
    while (rc == 0 && rows_next(&r)) {
        if (rows_get(&r, 2).i > 0) {
            rc = err_set(err, ERR_CONFLICT, "bundle_id", "%s is already in the plan", txt(ctx, &r, 1));
            err_hint(err, "remove it from the plan first, or add the bundle's other services one by one");
            break;
        }
        const char **x = engine_push(ctx->arena, (void **)&members, &n, &cap, sizeof *members);
        if (x)
            *x = txt(ctx, &r, 0);
        else
            rc = engine_oom(err);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc == 0 && n == 0)
        rc = err_set(err, ERR_INVALID, "bundle_id", "the bundle has no services");
    /* each member with the bundle; one that an earlier member brought in as a prerequisite becomes
     * a member of the bundle (chosen, no longer auto-added) */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Value q[2] = {val_text(in->id), val_text(members[i])};
        char id[64] = "";
        rc = store_query(ctx->conn, &r,
                         "SELECT id FROM plan_services WHERE tenant_id = $1 AND plan_id = $2 AND service_id = $3", q, 2,
                         err);
        if (rc < 0)
            break;
        if (rows_next(&r)) {
            Value x = rows_get(&r, 0);
            if (x.kind == V_TEXT && x.len < sizeof id)
                memcpy(id, x.s, x.len);
        }
        rc = rows_error(&r, err);
        rows_close(&r);
        Row made;
        json_t *body = id[0] ? json_pack("{s:s, s:b}", "bundle_id", bid, "auto_added", 0)
                             : json_pack("{s:s, s:s}", "service_id", members[i], "bundle_id", bid);
        if (rc == 0)
            rc = id[0] ? crud_update(ctx, t, id, body, -1, in->id, &made, err)
                       : crud_create(ctx, t, body, in->id, &made, err);
        json_decref(body);
    }
    if (rc < 0)
        return rc;
    ListQuery lq;
    rc = list_query_init(&lq, t, err);
    lq.parent_id = in->id;
    if (rc == 0)
        rc = list_query_arg(ctx, &lq, t, "limit", "500", err);
    if (rc == 0)
        rc = list_query_finish(ctx, &lq, t, err);
    json_t *data = NULL;
    const char *next = NULL;
    if (rc == 0)
        rc = crud_list(ctx, t, &lq, &data, &next, err);
    if (rc < 0)
        return rc;
    out->status = 201;
    out->json = json_pack("{s:s, s:s, s:o}", "plan_id", in->id, "bundle_id", bid, "services", data);
    return out->json ? 0 : engine_oom(err);
}

static const Hooks ps_hooks = {.before_write = ps_before_write, .after_write = ps_after_write,
                               .before_delete = ps_before_delete};
static const Hooks dep_hooks = {.before_write = dep_before_write};
static const Action add_bundle_action = {
    .verb = "add_bundle", .method = "POST", .write = true, .role = ROLE_MANAGER,
    .run = add_bundle,
    .doc = "Adds every service of a bundle to the plan, sold in the bundle ({\"bundle_id\"}), with their prerequisites",
};

void billing_deps_init(void)
{
    table_set_hooks("plan_services", &ps_hooks);
    table_set_hooks("service_dependencies", &dep_hooks);
    table_add_action("billing_plans", &add_bundle_action);
}
