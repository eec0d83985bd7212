/* domain/billing_load.c — the database read before the engine: one
 * customer's rows into EngineInput (domain/engine.h has the struct <-> table
 * mapping). Exports billing_load.
 *
 * Only what can bill this customer is read: its assignments, their plans,
 * plan services, buckets and bundles, the services of those plans and of its
 * unbilled records, its unbilled (billed_at IS NULL) time entries and usage
 * records, its bucket_usage rows, the discounts linked to its plans or to it,
 * its status rows, the tenant's tax rates, and the fixed and bundle fees and
 * the usage its earlier (not cancelled) invoices billed. The preview and the bill run call
 * this same function, so the preview is the invoice the run makes.
 *
 * Conventions: the tax region of a customer is its GST place of supply
 * (state code) when it has one, else its country; a time entry's date is its
 * work_date (the tenant-local date of start_time, set when it is written).
 */
#include "domain/billing_load.h"

#include <string.h>

#include "domain/approvals.h"
#include "domain/document.h"

static const char *txt(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    if (v.kind != V_TEXT || v.len == 0)
        return NULL;
    return arena_strndup(ctx->arena, v.s, v.len);
}

static bool null_at(Rows *r, int i)
{
    return rows_get(r, i).kind == V_NULL;
}

static Dec dec_at(Rows *r, int i, int scale)
{
    return dec_from_scaled(rows_get(r, i).i, scale);
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

static EngineApproval approval_at(Rows *r, int i)
{
    Value v = rows_get(r, i);
    EngineApproval a = ENGINE_APPROVAL_NONE;
    if (v.kind == V_TEXT) {
        char s[16];
        size_t n = v.len < sizeof s - 1 ? v.len : sizeof s - 1;
        memcpy(s, v.s, n);
        s[n] = 0;
        engine_approval_parse(&a, s);
    }
    return a;
}

#define PUSH(arr, n, cap)                                                                          \
    ((arr) = (void *)(arr), engine_push(ctx->arena, (void **)&(arr), &(n), &(cap), sizeof *(arr)))

typedef struct Loader {
    Ctx *ctx;
    Value p[2];
    Error *err;
} Loader;

/* $2 is the customer; queries that bound the records by date also use $3 (PostgreSQL refuses a
 * parameter that a statement does not use, so each query says how many it takes). */
static int query_n(Loader *L, Rows *r, const char *sql, int np)
{
    return store_query(L->ctx->conn, r, sql, L->p, np, L->err);
}
#define query(L, r, sql) query_n((L), (r), (sql), strstr((sql), "$3") ? 2 : strstr((sql), "$2") ? 1 : 0)

#define OF_CUSTOMER_PLANS "SELECT plan_id FROM customer_billing_plans WHERE tenant_id = $1 AND customer_id = $2"

static int load_plans(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0, n = 0;
    EngineCustomerPlan *cps = NULL;
    int rc = query(L, &r,
                   "SELECT id, plan_id, service_category, start_date, end_date, is_active, billing_anchor,"
                   " charged_through FROM customer_billing_plans"
                   " WHERE tenant_id = $1 AND customer_id = $2 AND deleted_at IS NULL ORDER BY start_date, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineCustomerPlan *cp = PUSH(cps, n, cap);
        if (!cp)
            break;
        cp->id = txt(ctx, &r, 0);
        cp->customer_id = in->customer->id;
        cp->plan_id = txt(ctx, &r, 1);
        cp->service_category = txt(ctx, &r, 2);
        cp->start_date = date_at(&r, 3, NULL);
        cp->end_date = date_at(&r, 4, &cp->has_end_date);
        cp->is_active = rows_get(&r, 5).i != 0;
        cp->anchor = date_at(&r, 6, &cp->has_anchor);
        cp->charged_through = date_at(&r, 7, &cp->has_charged_through);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->customer_plans = cps;
    in->ncustomer_plans = n;
    if (rc < 0)
        return rc;

    EnginePlan *plans = NULL;
    n = cap = 0;
    rc = query(L, &r,
               "SELECT id, plan_name, billing_frequency, is_custom, plan_type, hourly_rate, use_user_rate,"
               " no_proration, billing_timing FROM billing_plans WHERE tenant_id = $1 AND id IN (" OF_CUSTOMER_PLANS
               ")");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EnginePlan *p = PUSH(plans, n, cap);
        if (!p)
            break;
        p->id = txt(ctx, &r, 0);
        p->name = txt(ctx, &r, 1);
        const char *f = txt(ctx, &r, 2), *t = txt(ctx, &r, 4), *tm = txt(ctx, &r, 8);
        frequency_parse(&p->frequency, f);
        p->is_custom = rows_get(&r, 3).i != 0;
        engine_plan_type_parse(&p->type, t);
        p->has_hourly_rate = !null_at(&r, 5);
        p->hourly_rate = dec_at(&r, 5, 6);
        p->use_user_rate = rows_get(&r, 6).i != 0;
        p->no_proration = rows_get(&r, 7).i != 0;
        if (tm)
            engine_timing_parse(&p->timing, tm);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->plans = plans;
    in->nplans = n;
    return rc;
}

static int parse_tiers(Ctx *ctx, const char *json, EnginePlanService *ps, Error *err)
{
    json_error_t je;
    json_t *a = json_loads(json, 0, &je);
    if (!json_is_array(a)) {
        json_decref(a);
        return err_set(err, ERR_INVALID, "tiers", "tiers must be an array");
    }
    size_t n = json_array_size(a);
    EngineTier *t = n ? ARENA_ARRAY(ctx->arena, EngineTier, n) : NULL;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *o = json_array_get(a, i);
        json_t *up = json_object_get(o, "up_to"), *ur = json_object_get(o, "unit_rate"),
               *ff = json_object_get(o, "flat_fee");
        t[i].unbounded = !up || json_is_null(up);
        if (!t[i].unbounded && json_is_string(up))
            rc = dec_parse(&t[i].up_to, json_string_value(up), strlen(json_string_value(up)), 6, "tiers", err);
        t[i].unit_rate = dec_from_int(0);
        t[i].flat_fee = dec_from_int(0);
        if (rc == 0 && json_is_string(ur))
            rc = dec_parse(&t[i].unit_rate, json_string_value(ur), strlen(json_string_value(ur)), 6, "tiers", err);
        if (rc == 0 && json_is_string(ff))
            rc = dec_parse(&t[i].flat_fee, json_string_value(ff), strlen(json_string_value(ff)), 6, "tiers", err);
    }
    json_decref(a);
    ps->tiers = t;
    ps->ntiers = n;
    return rc;
}

static int load_plan_services(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EnginePlanService *v = NULL;
    int rc = query(L, &r,
                   "SELECT plan_id, service_id, quantity, custom_rate, pricing_model, package_size, tiers, bundle_id"
                   " FROM plan_services WHERE tenant_id = $1 AND plan_id IN (" OF_CUSTOMER_PLANS ")"
                   " ORDER BY plan_id, id"); /* the plan's order, whatever the store's: lines follow it */
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        EnginePlanService *ps = PUSH(v, n, cap);
        if (!ps)
            break;
        ps->plan_id = txt(ctx, &r, 0);
        ps->service_id = txt(ctx, &r, 1);
        ps->quantity = rows_get(&r, 2).i;
        ps->has_custom_rate = !null_at(&r, 3);
        ps->custom_rate = dec_at(&r, 3, 6);
        const char *pm = txt(ctx, &r, 4);
        if (pm)
            engine_pricing_parse(&ps->pricing, pm);
        ps->package_size = dec_at(&r, 5, 6);
        const char *tiers = txt(ctx, &r, 6);
        if (tiers)
            rc = parse_tiers(ctx, tiers, ps, L->err);
        ps->bundle_id = txt(ctx, &r, 7);
    }
    if (rc == 0)
        rc = rows_error(&r, L->err);
    rows_close(&r);
    in->plan_services = v;
    in->nplan_services = n;
    return rc;
}

static int load_services(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EngineService *v = NULL;
    int rc = query(L, &r,
                   "SELECT id, name, service_type, default_rate, unit_of_measure, category_id, tax_category, is_taxable"
                   " FROM services WHERE tenant_id = $1 AND ("
                   "id IN (SELECT service_id FROM plan_services WHERE tenant_id = $1 AND plan_id IN (" OF_CUSTOMER_PLANS
                   "))"
                   " OR id IN (SELECT service_id FROM time_entries WHERE tenant_id = $1 AND customer_id = $2"
                   " AND billed_at IS NULL)"
                   " OR id IN (SELECT service_id FROM usage_records WHERE tenant_id = $1 AND customer_id = $2"
                   " AND billed_at IS NULL))");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineService *s = PUSH(v, n, cap);
        if (!s)
            break;
        s->id = txt(ctx, &r, 0);
        s->name = txt(ctx, &r, 1);
        const char *t = txt(ctx, &r, 2);
        s->type = t && strcmp(t, "time") == 0 ? ENGINE_SERVICE_TIME
                  : t && strcmp(t, "usage") == 0 ? ENGINE_SERVICE_USAGE : ENGINE_SERVICE_FIXED;
        s->default_rate = dec_at(&r, 3, 6);
        s->unit = txt(ctx, &r, 4);
        s->category_id = txt(ctx, &r, 5);
        s->tax_category = txt(ctx, &r, 6);
        s->is_tax_exempt = rows_get(&r, 7).i == 0;
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->services = v;
    in->nservices = n;
    return rc;
}

static int load_time(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EngineTimeEntry *v = NULL;
    int rc = query(L, &r,
                   "SELECT id, user_id, ticket_id, service_id, start_time, end_time, duration, work_date, billable,"
                   " approval_status FROM time_entries"
                   " WHERE tenant_id = $1 AND customer_id = $2 AND billed_at IS NULL AND work_date < $3"
                   " ORDER BY work_date, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineTimeEntry *e = PUSH(v, n, cap);
        if (!e)
            break;
        e->id = txt(ctx, &r, 0);
        e->customer_id = in->customer->id;
        e->user_id = txt(ctx, &r, 1);
        e->ticket_id = txt(ctx, &r, 2);
        e->service_id = txt(ctx, &r, 3);
        Value st = rows_get(&r, 4), en = rows_get(&r, 5);
        if (st.kind == V_TEXT)
            ts_parse(&e->start_time, st.s, st.len, NULL, NULL);
        e->end_time = e->start_time;
        if (en.kind == V_TEXT)
            ts_parse(&e->end_time, en.s, en.len, NULL, NULL);
        e->duration = null_at(&r, 6) ? -1 : rows_get(&r, 6).i;
        e->work_date = date_at(&r, 7, NULL);
        e->billable = rows_get(&r, 8).i != 0;
        e->approval = approval_at(&r, 9);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->time_entries = v;
    in->ntime_entries = n;
    if (rc < 0)
        return rc;

    EngineUser *u = NULL;
    n = cap = 0;
    rc = query(L, &r,
               "SELECT id, hourly_rate FROM users WHERE tenant_id = $1 AND id IN (SELECT user_id FROM time_entries"
               " WHERE tenant_id = $1 AND customer_id = $2 AND billed_at IS NULL AND work_date < $3)");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineUser *x = PUSH(u, n, cap);
        if (!x)
            break;
        x->id = txt(ctx, &r, 0);
        x->has_rate = !null_at(&r, 1);
        x->rate = dec_at(&r, 1, 6);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->users = u;
    in->nusers = n;
    return rc;
}

static int load_usage(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EngineUsageRecord *v = NULL;
    int rc = query(L, &r,
                   "SELECT id, service_id, usage_date, quantity, approval_status FROM usage_records"
                   " WHERE tenant_id = $1 AND customer_id = $2 AND billed_at IS NULL AND usage_date < $3"
                   " ORDER BY usage_date, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineUsageRecord *u = PUSH(v, n, cap);
        if (!u)
            break;
        u->id = txt(ctx, &r, 0);
        u->customer_id = in->customer->id;
        u->service_id = txt(ctx, &r, 1);
        u->usage_date = date_at(&r, 2, NULL);
        u->quantity = dec_at(&r, 3, 6);
        u->approval = approval_at(&r, 4);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->usage = v;
    in->nusage = n;
    return rc;
}

static int load_buckets(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EngineBucketPlan *v = NULL;
    int rc = query(L, &r,
                   "SELECT id, plan_id, total_hours, billing_period, overage_rate, allow_rollover, prorate_allowance"
                   " FROM bucket_plans WHERE tenant_id = $1 AND plan_id IN (" OF_CUSTOMER_PLANS ")");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBucketPlan *b = PUSH(v, n, cap);
        if (!b)
            break;
        b->id = txt(ctx, &r, 0);
        b->plan_id = txt(ctx, &r, 1);
        b->total_hours = dec_at(&r, 2, 2);
        frequency_parse(&b->billing_period, txt(ctx, &r, 3));
        b->overage_rate = dec_at(&r, 4, 6);
        b->allow_rollover = rows_get(&r, 5).i != 0;
        b->prorate_allowance = rows_get(&r, 6).i != 0;
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->bucket_plans = v;
    in->nbucket_plans = n;
    if (rc < 0)
        return rc;

    EngineBucketUsage *u = NULL;
    n = cap = 0;
    rc = query(L, &r,
               "SELECT bucket_plan_id, customer_billing_plan_id, period_start, period_end, used_minutes,"
               " overage_minutes, allowance_minutes, rollover_in_minutes, rollover_out_minutes"
               " FROM bucket_usage WHERE tenant_id = $1 AND customer_id = $2 ORDER BY period_start");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBucketUsage *x = PUSH(u, n, cap);
        if (!x)
            break;
        x->bucket_plan_id = txt(ctx, &r, 0);
        x->customer_id = in->customer->id;
        x->customer_plan_id = txt(ctx, &r, 1);
        x->period.start = date_at(&r, 2, NULL);
        x->period.end = date_at(&r, 3, NULL);
        x->used_minutes = rows_get(&r, 4).i;
        x->overage_minutes = rows_get(&r, 5).i;
        x->allowance_minutes = rows_get(&r, 6).i;
        x->rollover_in_minutes = rows_get(&r, 7).i;
        x->rollover_out_minutes = rows_get(&r, 8).i;
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->bucket_usage = u;
    in->nbucket_usage = n;
    return rc;
}

static int load_discounts(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EnginePlanDiscount *pd = NULL;
#define LINKS                                                                                      \
    " FROM plan_discounts WHERE tenant_id = $1 AND (customer_id = $2 OR (customer_id IS NULL AND plan_id IN (" \
    OF_CUSTOMER_PLANS ")))"
    int rc = query(L, &r, "SELECT plan_id, customer_id, discount_id, service_id" LINKS);
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EnginePlanDiscount *x = PUSH(pd, n, cap);
        if (!x)
            break;
        x->plan_id = txt(ctx, &r, 0);
        x->customer_id = txt(ctx, &r, 1);
        x->discount_id = txt(ctx, &r, 2);
        x->service_id = txt(ctx, &r, 3);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->plan_discounts = pd;
    in->nplan_discounts = n;
    if (rc < 0)
        return rc;

    EngineDiscount *d = NULL;
    n = cap = 0;
    rc = query(L, &r,
               "SELECT id, discount_name, discount_type, value, start_date, end_date, is_active, approval_status"
               " FROM discounts WHERE tenant_id = $1 AND deleted_at IS NULL AND id IN (SELECT discount_id" LINKS ")");
#undef LINKS
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineDiscount *x = PUSH(d, n, cap);
        if (!x)
            break;
        x->id = txt(ctx, &r, 0);
        x->name = txt(ctx, &r, 1);
        engine_discount_type_parse(&x->type, txt(ctx, &r, 2));
        x->value = dec_at(&r, 3, 6);
        x->start_date = date_at(&r, 4, &x->has_start_date);
        x->end_date = date_at(&r, 5, &x->has_end_date);
        x->is_active = rows_get(&r, 6).i != 0;
        x->approval = approval_at(&r, 7);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->discounts = d;
    in->ndiscounts = n;
    return rc;
}

static int load_tax_and_status(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EngineTaxRate *t = NULL;
    int rc = query(L, &r,
                   "SELECT id, region, category, rate, description, effective_from, effective_to FROM tax_rates"
                   " WHERE tenant_id = $1 AND deleted_at IS NULL AND is_active");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineTaxRate *x = PUSH(t, n, cap);
        if (!x)
            break;
        x->id = txt(ctx, &r, 0);
        x->region = txt(ctx, &r, 1);
        x->tax_category = txt(ctx, &r, 2);
        x->tax_percentage = dec_at(&r, 3, 4);
        x->description = txt(ctx, &r, 4);
        x->start_date = date_at(&r, 5, NULL);
        x->end_date = date_at(&r, 6, &x->has_end_date);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->tax_rates = t;
    in->ntax_rates = n;
    if (rc < 0)
        return rc;

    EngineStatus *s = NULL;
    n = cap = 0;
    rc = query(L, &r,
               "SELECT plan_id, service_id, status, status_date, reason FROM service_status"
               " WHERE tenant_id = $1 AND customer_id = $2 ORDER BY status_date, created_at");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineStatus *x = PUSH(s, n, cap);
        if (!x)
            break;
        x->customer_id = in->customer->id;
        x->plan_id = txt(ctx, &r, 0);
        x->service_id = txt(ctx, &r, 1);
        engine_status_parse(&x->status, txt(ctx, &r, 2));
        x->status_date = date_at(&r, 3, NULL);
        x->reason = txt(ctx, &r, 4);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->statuses = s;
    in->nstatuses = n;
    return rc;
}

static int load_bundles(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EngineBundle *b = NULL;
#define BUNDLES                                                                                    \
    "SELECT bundle_id FROM plan_services WHERE tenant_id = $1 AND plan_id IN (" OF_CUSTOMER_PLANS ")"
    int rc = query(L, &r,
                   "SELECT id, bundle_name, bundle_description, bundle_price FROM service_bundles"
                   " WHERE tenant_id = $1 AND id IN (" BUNDLES ")");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBundle *x = PUSH(b, n, cap);
        if (!x)
            break;
        x->id = txt(ctx, &r, 0);
        x->name = txt(ctx, &r, 1);
        x->description = txt(ctx, &r, 2);
        x->bundle_price = dec_at(&r, 3, 6);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->bundles = b;
    in->nbundles = n;
    if (rc < 0)
        return rc;
    EngineBundleService *bs = NULL;
    n = cap = 0;
    rc = query(L, &r, "SELECT bundle_id, service_id FROM bundle_services WHERE tenant_id = $1 AND bundle_id IN (" BUNDLES
                      ")");
#undef BUNDLES
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBundleService *x = PUSH(bs, n, cap);
        if (!x)
            break;
        x->bundle_id = txt(ctx, &r, 0);
        x->service_id = txt(ctx, &r, 1);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->bundle_services = bs;
    in->nbundle_services = n;
    return rc;
}

static int load_prior(Loader *L, EngineInput *in)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EnginePriorCharge *v = NULL;
    int rc = query(L, &r,
                   "SELECT l.customer_billing_plan_id, l.service_id, l.bundle_id, l.period_start, l.period_end,"
                   " l.amount_base FROM invoice_line_items l JOIN invoices i ON i.tenant_id = l.tenant_id"
                   " AND i.id = l.invoice_id WHERE l.tenant_id = $1 AND i.customer_id = $2 AND i.status <> 'cancelled'"
                   " AND l.charge_kind IN ('fixed', 'bundle', 'adjustment')");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EnginePriorCharge *x = PUSH(v, n, cap);
        if (!x)
            break;
        x->customer_plan_id = txt(ctx, &r, 0);
        x->service_id = txt(ctx, &r, 1);
        x->bundle_id = txt(ctx, &r, 2);
        x->cycle.start = date_at(&r, 3, NULL);
        x->cycle.end = date_at(&r, 4, NULL);
        x->amount_base = rows_get(&r, 5).i;
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    in->prior_charges = v;
    in->nprior_charges = n;
    return rc;
}

/* Usage already billed per cycle: each usage line of an earlier (not cancelled) invoice, so that a
 * late record is priced at the margin of what its cycle was billed (engine_usage.c) instead of
 * restarting the tiers. The units come from the line's calculation trace (the quantity column
 * shows 1 for a line of no units), the amount from amount_base. Read only when there are
 * unbilled records to price. */
static int load_prior_usage(Loader *L, EngineInput *in)
{
    if (in->nusage == 0)
        return 0;
    Ctx *ctx = L->ctx;
    Rows r;
    size_t n = 0, cap = 0;
    EnginePriorUsage *v = NULL;
    int rc = query(L, &r,
                   "SELECT l.customer_billing_plan_id, l.service_id, l.period_start, l.period_end, l.amount_base,"
                   " l.calculation FROM invoice_line_items l JOIN invoices i ON i.tenant_id = l.tenant_id"
                   " AND i.id = l.invoice_id WHERE l.tenant_id = $1 AND i.customer_id = $2 AND i.status <> 'cancelled'"
                   " AND l.charge_kind = 'usage'");
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        EnginePriorUsage *x = PUSH(v, n, cap);
        if (!x)
            break;
        x->customer_plan_id = txt(ctx, &r, 0);
        x->service_id = txt(ctx, &r, 1);
        x->cycle.start = date_at(&r, 2, NULL);
        x->cycle.end = date_at(&r, 3, NULL);
        x->amount_base = rows_get(&r, 4).i;
        Value c = rows_get(&r, 5);
        json_t *calc = c.kind == V_TEXT ? json_loadb(c.s, c.len, 0, NULL) : NULL;
        const char *q = json_string_value(json_object_get(calc, "quantity"));
        x->quantity = dec_from_int(0);
        if (!q || dec_parse(&x->quantity, q, strlen(q), 6, "quantity", L->err) < 0)
            rc = err_set(L->err, ERR_INTERNAL, NULL, "a usage line billed before has no readable quantity");
        json_decref(calc);
    }
    if (rc == 0)
        rc = rows_error(&r, L->err);
    rows_close(&r);
    in->prior_usage = v;
    in->nprior_usage = n;
    return rc;
}

int billing_load(Ctx *ctx, const char *customer_id, Period period, BillingData *out, Error *err)
{
    memset(out, 0, sizeof *out);
    CustomerInfo ci;
    int rc = company_settings_load(ctx, &out->cs, err);
    if (rc == 0)
        rc = doc_customer(ctx, customer_id, &ci, err);
    if (rc == -ERR_REFERENCE)
        return err_set(err, ERR_NOT_FOUND, "customer_id", "no customer with this id");
    if (rc < 0)
        return rc;
    out->invoice_date = period.end;
    EngineSettings *s = &out->settings;
    s->base = currency_find(out->cs.base_currency);
    s->rounding = out->cs.rounding;
    s->gst = out->cs.gst;
    s->seller_state_code = out->cs.state_code;
    if (s->base && (rc = approvals_settings_load(ctx, s, err)) < 0)   /* the approval thresholds */
        return rc;
    EngineCustomer *c = &out->customer;
    c->id = arena_strdup(ctx->arena, customer_id);
    c->currency = currency_find(ci.currency ? ci.currency : out->cs.base_currency);
    if (!s->base || !c->currency)
        return err_set(err, ERR_INVALID, "currency", "the customer's or the tenant's currency is not known");
    rc = doc_exchange_rate(ctx, c->currency->code, s->base->code, out->invoice_date, "exchange_rate",
                           &out->exchange_rate_scaled, err);
    if (rc < 0)
        return rc;
    c->exchange_rate_to_base = dec_from_scaled(out->exchange_rate_scaled, 6);
    const char *place = doc_customer_place(&ci);
    c->state_code = place;
    /* The region tax rates are matched on. With GST it is the place of supply (a GST state code,
     * "96" abroad); a seller without GST taxes by the customer's own region: its place_of_supply
     * when given, else its country ("DE" for a German customer, matching a rate of region "DE"). */
    c->tax_region = s->gst ? (place ? place : ci.country) : (ci.place_of_supply ? ci.place_of_supply : ci.country);
    c->is_tax_exempt = ci.exempt;

    EngineInput *in = &out->in;
    in->settings = s;
    in->customer = c;
    in->period = period;
    char end[11];
    date_format(end, period.end);
    Loader L = {.ctx = ctx, .err = err};
    L.p[0] = val_text(c->id);
    L.p[1] = val_text(arena_strdup(ctx->arena, end));
    rc = load_plans(&L, in);
    if (rc == 0)
        rc = load_plan_services(&L, in);
    if (rc == 0)
        rc = load_services(&L, in);
    if (rc == 0)
        rc = load_time(&L, in);
    if (rc == 0)
        rc = load_usage(&L, in);
    if (rc == 0)
        rc = load_buckets(&L, in);
    if (rc == 0)
        rc = load_discounts(&L, in);
    if (rc == 0)
        rc = load_tax_and_status(&L, in);
    if (rc == 0)
        rc = load_bundles(&L, in);
    if (rc == 0)
        rc = load_prior(&L, in);
    if (rc == 0)
        rc = load_prior_usage(&L, in);
    return rc;
}
