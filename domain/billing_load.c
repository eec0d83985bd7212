/* domain/billing_load.c — the database read before the engine: customers'
 * rows into EngineInput (domain/engine.h has the struct <-> table mapping).
 * Exports billing_chunk_load, billing_chunk_customer, billing_load.
 *
 * Only what can bill a customer is read: its assignments, their plans, plan
 * services, buckets and bundles, the services of those plans and of its
 * unbilled records, its unbilled (billed_at IS NULL) time entries and usage
 * records, its bucket_usage rows, the discounts linked to its plans or to it,
 * its status rows, the tenant's tax rates, and the fixed and bundle fees and
 * the usage its earlier (not cancelled) invoices billed.
 *
 * Chunks. The bill run reads a chunk of customers — every customer whose id
 * is in [first, last] — with ONE query per table (customer_id >= $2 AND
 * customer_id <= $3), instead of a dozen queries per customer; then
 * billing_chunk_customer() cuts one customer's EngineInput out of the chunk.
 * billing_load() (the preview, the assignment check) is the chunk of one
 * customer [id, id] cut the same way, so the preview is the invoice the run
 * makes: same queries, same order, same cutting. Every query has an ORDER BY,
 * and the cutting keeps that order.
 *
 * Rows of one customer (assignments, time, usage, bucket usage, statuses,
 * prior charges, the customer's own discount links) are sorted by customer
 * id in C (strcmp, stable: the database's collation may order ids otherwise)
 * and cut by binary search. Rows shared by many customers (plans, plan
 * services, services, bucket plans, bundles, discounts, users) are loaded
 * once per chunk, sorted by id, and a customer gets copies of the ones it
 * needs, in id order. Tax rates, the company settings (with the approval
 * thresholds) and the exchange rates are the tenant's, read once per chunk.
 *
 * Conventions: the tax region of a customer is, with GST, its place of
 * supply (state code) when it has one, else its country; without GST, its
 * place_of_supply when given, else its country; a time entry's date is its
 * work_date (the tenant-local date of start_time, set when it is written).
 */
#include "domain/billing_load.h"

#include <stdio.h>
#include <stdlib.h>
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
    Value p[3];          /* $2 first customer, $3 last customer, $4 period end */
    Error *err;
} Loader;

/* PostgreSQL refuses a parameter that a statement does not use: each query says how many of
 * $2..$4 it takes. */
static int query_n(Loader *L, Rows *r, const char *sql, int np)
{
    return store_query(L->ctx->conn, r, sql, L->p, np, L->err);
}
#define query(L, r, sql) query_n((L), (r), (sql), strstr((sql), "$4") ? 3 : strstr((sql), "$3") ? 2 : strstr((sql), "$2") ? 1 : 0)

/* The chunk's customers, as a condition on a customer_id column. */
#define IN_CHUNK(col) col " >= $2 AND " col " <= $3"
#define OF_CHUNK_PLANS                                                                             \
    "SELECT plan_id FROM customer_billing_plans WHERE tenant_id = $1 AND " IN_CHUNK("customer_id")

/* ---- sorting and searching in C ---- */

typedef struct Keyed {
    const char *key;
    size_t pos;          /* position in the query's order: ties keep it (a stable sort) */
} Keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const Keyed *x = a, *y = b;
    int c = strcmp(x->key ? x->key : "", y->key ? y->key : "");
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Sorts n elements of `size` bytes at base by the string at byte offset `off` of each (a const
 * char * member), stably; a no-op when they already are in order (the usual case). */
static int sort_by_key(Ctx *ctx, void *base, size_t n, size_t size, size_t off)
{
    unsigned char *b = base;
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++) {
        const char *p = *(const char **)(b + (i - 1) * size + off), *q = *(const char **)(b + i * size + off);
        sorted = strcmp(p ? p : "", q ? q : "") <= 0;
    }
    if (sorted)
        return 0;
    Keyed *k = ARENA_ARRAY(ctx->arena, Keyed, n);
    unsigned char *copy = arena_alloc(ctx->arena, n * size);
    if (!k || !copy)
        return -1;
    for (size_t i = 0; i < n; i++)
        k[i] = (Keyed){*(const char **)(b + i * size + off), i};
    qsort(k, n, sizeof *k, keyed_cmp);
    memcpy(copy, b, n * size);
    for (size_t i = 0; i < n; i++)
        memcpy(b + i * size, copy + k[i].pos * size, size);
    return 0;
}
#define SORT_BY(ctx, arr, n, member) sort_by_key((ctx), (arr), (n), sizeof *(arr), offsetof(__typeof__(*(arr)), member))

/* The first index whose key (at offset off) is >= key, in an array sorted by that key. */
static size_t lower_bound(const void *base, size_t n, size_t size, size_t off, const char *key)
{
    const unsigned char *b = base;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k = *(const char *const *)(b + mid * size + off);
        if (strcmp(k ? k : "", key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
#define LOWER(arr, n, member, key) lower_bound((arr), (n), sizeof *(arr), offsetof(__typeof__(*(arr)), member), (key))

/* The run [*first, *first + return) of rows whose key equals key. */
static size_t equal_run(const void *base, size_t n, size_t size, size_t off, const char *key, size_t *first)
{
    size_t i = lower_bound(base, n, size, off, key), j = i;
    const unsigned char *b = base;
    while (j < n) {
        const char *k = *(const char *const *)(b + j * size + off);
        if (!k || strcmp(k, key) != 0)
            break;
        j++;
    }
    *first = i;
    return j - i;
}
#define RUN(arr, n, member, key, first)                                                            \
    equal_run((arr), (n), sizeof *(arr), offsetof(__typeof__(*(arr)), member), (key), (first))

/* A set of indices into a chunk array, kept sorted and without duplicates (small: a customer's). */
typedef struct IdxSet {
    size_t *v;
    size_t n, cap;
} IdxSet;

static int idx_add(Ctx *ctx, IdxSet *s, size_t i)
{
    size_t k = 0;
    while (k < s->n && s->v[k] < i)
        k++;
    if (k < s->n && s->v[k] == i)
        return 0;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 16;
        size_t *nv = arena_realloc(ctx->arena, s->v, s->cap * sizeof *nv, ncap * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = ncap;
    }
    memmove(s->v + k + 1, s->v + k, (s->n - k) * sizeof *s->v);
    s->v[k] = i;
    s->n++;
    return 0;
}

/* Adds the element of arr whose id is `id` (if any). */
static int idx_add_id(Ctx *ctx, IdxSet *s, const void *arr, size_t n, size_t size, size_t off, const char *id)
{
    if (!id)
        return 0;
    size_t first;
    if (equal_run(arr, n, size, off, id, &first) == 0)
        return 0;
    return idx_add(ctx, s, first);
}
#define ADD_ID(ctx, set, arr, n, key) idx_add_id((ctx), (set), (arr), (n), sizeof *(arr), offsetof(__typeof__(*(arr)), id), (key))

/* Copies the chosen elements, in order, into a new array of the customer's arena. */
static void *pick(Ctx *ctx, const void *arr, size_t size, const IdxSet *s)
{
    if (s->n == 0)
        return NULL;
    unsigned char *out = arena_alloc(ctx->arena, s->n * size);
    if (!out)
        return NULL;
    for (size_t i = 0; i < s->n; i++)
        memcpy(out + i * size, (const unsigned char *)arr + s->v[i] * size, size);
    return out;
}

/* ---- the chunk's queries ---- */

static int load_customers(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT id, " DOC_CUSTOMER_COLUMNS " FROM customers WHERE tenant_id = $1 AND " IN_CHUNK("id")
                   " AND deleted_at IS NULL ORDER BY id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        BillingChunkCustomer *c = PUSH(ch->customers, ch->ncustomers, cap);
        if (!c)
            break;
        c->id = txt(ctx, &r, 0);
        doc_customer_read(ctx, &r, 1, &c->info);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->customers, ch->ncustomers, id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_plans(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT customer_id, id, plan_id, service_category, start_date, end_date, is_active, billing_anchor,"
                   " charged_through FROM customer_billing_plans WHERE tenant_id = $1 AND " IN_CHUNK("customer_id")
                   " AND deleted_at IS NULL ORDER BY customer_id, start_date, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineCustomerPlan *cp = PUSH(ch->customer_plans, ch->ncustomer_plans, cap);
        if (!cp)
            break;
        cp->customer_id = txt(ctx, &r, 0);
        cp->id = txt(ctx, &r, 1);
        cp->plan_id = txt(ctx, &r, 2);
        cp->service_category = txt(ctx, &r, 3);
        cp->start_date = date_at(&r, 4, NULL);
        cp->end_date = date_at(&r, 5, &cp->has_end_date);
        cp->is_active = rows_get(&r, 6).i != 0;
        cp->anchor = date_at(&r, 7, &cp->has_anchor);
        cp->charged_through = date_at(&r, 8, &cp->has_charged_through);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (SORT_BY(ctx, ch->customer_plans, ch->ncustomer_plans, customer_id) < 0)
        return engine_oom(L->err);

    cap = 0;
    rc = query(L, &r,
               "SELECT id, plan_name, billing_frequency, is_custom, plan_type, hourly_rate, use_user_rate,"
               " no_proration, billing_timing FROM billing_plans WHERE tenant_id = $1 AND id IN (" OF_CHUNK_PLANS
               ") ORDER BY id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EnginePlan *p = PUSH(ch->plans, ch->nplans, cap);
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
    if (rc == 0 && SORT_BY(ctx, ch->plans, ch->nplans, id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

/* One decimal of a tier: a JSON string (or absent: *out keeps its default); tiers[i].key names it. */
static int tier_dec(Dec *out, json_t *o, size_t i, const char *key, bool allow_null, Error *err)
{
    char field[48];
    snprintf(field, sizeof field, "tiers[%zu].%s", i, key);
    json_t *v = json_object_get(o, key);
    if (!v || (allow_null && json_is_null(v)))
        return 0;
    if (!json_is_string(v))
        return err_set(err, ERR_TYPE, field, "%s must be a decimal string%s", field, allow_null ? " or null" : "");
    const char *s = json_string_value(v);
    return dec_parse(out, s, strlen(s), 6, field, err);
}

int billing_tiers_parse(Arena *arena, const char *json, const EngineTier **out, size_t *n_out, Error *err)
{
    json_error_t je;
    json_t *a = json_loads(json, JSON_DECODE_ANY, &je);
    *out = NULL;
    *n_out = 0;
    if (!json_is_array(a)) {
        json_decref(a);
        return err_set(err, ERR_TYPE, "tiers", "tiers must be an array of {up_to, unit_rate, flat_fee}");
    }
    size_t n = json_array_size(a);
    EngineTier *t = n ? ARENA_ARRAY(arena, EngineTier, n) : NULL;
    int rc = n && !t ? engine_oom(err) : 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *o = json_array_get(a, i);
        if (!json_is_object(o)) {
            char field[32];
            snprintf(field, sizeof field, "tiers[%zu]", i);
            rc = err_set(err, ERR_TYPE, field, "%s must be an object {up_to, unit_rate, flat_fee}", field);
            break;
        }
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v) {
            if (strcmp(key, "up_to") != 0 && strcmp(key, "unit_rate") != 0 && strcmp(key, "flat_fee") != 0) {
                char field[96];
                snprintf(field, sizeof field, "tiers[%zu].%.60s", i, key);
                rc = err_set(err, ERR_UNKNOWN_FIELD, field, "%s is not a tier field (up_to, unit_rate, flat_fee)",
                             field);
                break;
            }
        }
        if (rc < 0)
            break;
        json_t *up = json_object_get(o, "up_to");
        t[i].unbounded = !up || json_is_null(up);
        t[i].up_to = dec_from_int(0);
        t[i].unit_rate = dec_from_int(0);
        t[i].flat_fee = dec_from_int(0);
        rc = tier_dec(&t[i].up_to, o, i, "up_to", true, err);
        if (rc == 0)
            rc = tier_dec(&t[i].unit_rate, o, i, "unit_rate", false, err);
        if (rc == 0)
            rc = tier_dec(&t[i].flat_fee, o, i, "flat_fee", false, err);
    }
    json_decref(a);
    if (rc == 0) {
        *out = t;
        *n_out = n;
    }
    return rc;
}

static int parse_tiers(Ctx *ctx, const char *json, EnginePlanService *ps, Error *err)
{
    return billing_tiers_parse(ctx->arena, json, &ps->tiers, &ps->ntiers, err);
}

static int load_plan_services(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT plan_id, service_id, quantity, custom_rate, pricing_model, package_size, tiers, bundle_id"
                   " FROM plan_services WHERE tenant_id = $1 AND plan_id IN (" OF_CHUNK_PLANS ") ORDER BY plan_id, id");
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        EnginePlanService *ps = PUSH(ch->plan_services, ch->nplan_services, cap);
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
    if (rc == 0 && SORT_BY(ctx, ch->plan_services, ch->nplan_services, plan_id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

#define SERVICE_COLUMNS                                                                            \
    "SELECT id, name, service_type, default_rate, unit_of_measure, category_id, tax_category, is_taxable, tax_rate"    \
    " FROM services"

static void service_read(Ctx *ctx, Rows *r, EngineService *s)
{
    s->id = txt(ctx, r, 0);
    s->name = txt(ctx, r, 1);
    const char *t = txt(ctx, r, 2);
    s->type = t && strcmp(t, "time") == 0 ? ENGINE_SERVICE_TIME
              : t && strcmp(t, "usage") == 0 ? ENGINE_SERVICE_USAGE : ENGINE_SERVICE_FIXED;
    s->default_rate = dec_at(r, 3, 6);
    s->unit = txt(ctx, r, 4);
    s->category_id = txt(ctx, r, 5);
    s->tax_category = txt(ctx, r, 6);
    s->is_tax_exempt = rows_get(r, 7).i == 0;
    s->has_tax_rate = rows_get(r, 8).kind != V_NULL;
    s->tax_rate = s->has_tax_rate ? dec_at(r, 8, 4) : dec_from_int(0);
}

/* The services of the chunk's plans; those only unbilled records name are added by
 * load_record_services once the records are read. */
static int load_services(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    int rc = query(L, &r,
                   SERVICE_COLUMNS " WHERE tenant_id = $1 AND id IN (SELECT service_id FROM plan_services"
                   " WHERE tenant_id = $1 AND plan_id IN (" OF_CHUNK_PLANS ")) ORDER BY id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineService *s = PUSH(ch->services, ch->nservices, ch->capservices);
        if (!s)
            break;
        service_read(ctx, &r, s);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->services, ch->nservices, id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

/* A service named by an unbilled record but by no plan of the chunk (its records come back
 * "no plan"): read by id, once per chunk. */
static int load_record_service(Loader *L, BillingChunk *ch, const char *id)
{
    if (!id || RUN(ch->services, ch->nservices, id, id, &(size_t){0}) > 0)
        return 0;
    Ctx *ctx = L->ctx;
    Value p[1] = {val_text(id)};
    Rows r;
    int rc = store_query(ctx->conn, &r, SERVICE_COLUMNS " WHERE tenant_id = $1 AND id = $2", p, 1, L->err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        EngineService *s = PUSH(ch->services, ch->nservices, ch->capservices);
        if (s)
            service_read(ctx, &r, s);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->services, ch->nservices, id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_record_services(Loader *L, BillingChunk *ch)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ch->ntime_entries; i++)
        rc = load_record_service(L, ch, ch->time_entries[i].service_id);
    for (size_t i = 0; rc == 0 && i < ch->nusage; i++)
        rc = load_record_service(L, ch, ch->usage[i].service_id);
    return rc;
}

#define UNBILLED_TIME                                                                              \
    " FROM time_entries WHERE tenant_id = $1 AND " IN_CHUNK("customer_id") " AND billed_at IS NULL AND work_date < $4"

static int load_time(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT customer_id, id, user_id, ticket_id, service_id, start_time, end_time, duration, work_date,"
                   " billable, approval_status" UNBILLED_TIME " ORDER BY customer_id, work_date, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineTimeEntry *e = PUSH(ch->time_entries, ch->ntime_entries, cap);
        if (!e)
            break;
        e->customer_id = txt(ctx, &r, 0);
        e->id = txt(ctx, &r, 1);
        e->user_id = txt(ctx, &r, 2);
        e->ticket_id = txt(ctx, &r, 3);
        e->service_id = txt(ctx, &r, 4);
        Value st = rows_get(&r, 5), en = rows_get(&r, 6);
        if (st.kind == V_TEXT)
            ts_parse(&e->start_time, st.s, st.len, NULL, NULL);
        e->end_time = e->start_time;
        if (en.kind == V_TEXT)
            ts_parse(&e->end_time, en.s, en.len, NULL, NULL);
        e->duration = null_at(&r, 7) ? -1 : rows_get(&r, 7).i;
        e->work_date = date_at(&r, 8, NULL);
        e->billable = rows_get(&r, 9).i != 0;
        e->approval = approval_at(&r, 10);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (SORT_BY(ctx, ch->time_entries, ch->ntime_entries, customer_id) < 0)
        return engine_oom(L->err);

    cap = 0;
    rc = query(L, &r, "SELECT id, hourly_rate FROM users WHERE tenant_id = $1 AND id IN (SELECT user_id" UNBILLED_TIME
                      ") ORDER BY id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineUser *x = PUSH(ch->users, ch->nusers, cap);
        if (!x)
            break;
        x->id = txt(ctx, &r, 0);
        x->has_rate = !null_at(&r, 1);
        x->rate = dec_at(&r, 1, 6);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->users, ch->nusers, id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_usage(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT customer_id, id, service_id, usage_date, quantity, approval_status FROM usage_records"
                   " WHERE tenant_id = $1 AND " IN_CHUNK("customer_id") " AND billed_at IS NULL AND usage_date < $4"
                   " ORDER BY customer_id, usage_date, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineUsageRecord *u = PUSH(ch->usage, ch->nusage, cap);
        if (!u)
            break;
        u->customer_id = txt(ctx, &r, 0);
        u->id = txt(ctx, &r, 1);
        u->service_id = txt(ctx, &r, 2);
        u->usage_date = date_at(&r, 3, NULL);
        u->quantity = dec_at(&r, 4, 6);
        u->approval = approval_at(&r, 5);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->usage, ch->nusage, customer_id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_buckets(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT id, plan_id, total_hours, billing_period, overage_rate, allow_rollover, prorate_allowance"
                   " FROM bucket_plans WHERE tenant_id = $1 AND plan_id IN (" OF_CHUNK_PLANS ") ORDER BY plan_id, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBucketPlan *b = PUSH(ch->bucket_plans, ch->nbucket_plans, cap);
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
    if (rc < 0)
        return rc;
    if (SORT_BY(ctx, ch->bucket_plans, ch->nbucket_plans, plan_id) < 0)
        return engine_oom(L->err);

    cap = 0;
    rc = query(L, &r,
               "SELECT customer_id, bucket_plan_id, customer_billing_plan_id, period_start, period_end, used_minutes,"
               " overage_minutes, allowance_minutes, rollover_in_minutes, rollover_out_minutes"
               " FROM bucket_usage WHERE tenant_id = $1 AND " IN_CHUNK("customer_id")
               " ORDER BY customer_id, period_start, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBucketUsage *x = PUSH(ch->bucket_usage, ch->nbucket_usage, cap);
        if (!x)
            break;
        x->customer_id = txt(ctx, &r, 0);
        x->bucket_plan_id = txt(ctx, &r, 1);
        x->customer_plan_id = txt(ctx, &r, 2);
        x->period.start = date_at(&r, 3, NULL);
        x->period.end = date_at(&r, 4, NULL);
        x->used_minutes = rows_get(&r, 5).i;
        x->overage_minutes = rows_get(&r, 6).i;
        x->allowance_minutes = rows_get(&r, 7).i;
        x->rollover_in_minutes = rows_get(&r, 8).i;
        x->rollover_out_minutes = rows_get(&r, 9).i;
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->bucket_usage, ch->nbucket_usage, customer_id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_discounts(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0, pcap = 0;
#define LINKS                                                                                      \
    " FROM plan_discounts WHERE tenant_id = $1 AND (" IN_CHUNK("customer_id")                      \
    " OR (customer_id IS NULL AND plan_id IN (" OF_CHUNK_PLANS ")))"
    int rc = query(L, &r, "SELECT plan_id, customer_id, discount_id, service_id, id" LINKS " ORDER BY id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        bool mine = !null_at(&r, 1);
        BillingLink *x = mine ? PUSH(ch->customer_links, ch->ncustomer_links, cap)
                              : PUSH(ch->plan_links, ch->nplan_links, pcap);
        if (!x)
            break;
        x->link.plan_id = txt(ctx, &r, 0);
        x->link.customer_id = txt(ctx, &r, 1);
        x->link.discount_id = txt(ctx, &r, 2);
        x->link.service_id = txt(ctx, &r, 3);
        x->id = txt(ctx, &r, 4);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (SORT_BY(ctx, ch->customer_links, ch->ncustomer_links, link.customer_id) < 0)
        return engine_oom(L->err);

    cap = 0;
    rc = query(L, &r,
               "SELECT id, discount_name, discount_type, value, start_date, end_date, is_active, approval_status"
               " FROM discounts WHERE tenant_id = $1 AND deleted_at IS NULL AND id IN (SELECT discount_id" LINKS
               ") ORDER BY id");
#undef LINKS
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineDiscount *x = PUSH(ch->discounts, ch->ndiscounts, cap);
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
    if (rc == 0 && SORT_BY(ctx, ch->discounts, ch->ndiscounts, id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_tax_and_status(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT id, region, category, rate, description, effective_from, effective_to FROM tax_rates"
                   " WHERE tenant_id = $1 AND deleted_at IS NULL AND is_active ORDER BY id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineTaxRate *x = PUSH(ch->tax_rates, ch->ntax_rates, cap);
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
    if (rc < 0)
        return rc;

    cap = 0;
    rc = query(L, &r,
               "SELECT customer_id, plan_id, service_id, status, status_date, reason FROM service_status"
               " WHERE tenant_id = $1 AND " IN_CHUNK("customer_id") " ORDER BY customer_id, status_date, created_at, id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineStatus *x = PUSH(ch->statuses, ch->nstatuses, cap);
        if (!x)
            break;
        x->customer_id = txt(ctx, &r, 0);
        x->plan_id = txt(ctx, &r, 1);
        x->service_id = txt(ctx, &r, 2);
        engine_status_parse(&x->status, txt(ctx, &r, 3));
        x->status_date = date_at(&r, 4, NULL);
        x->reason = txt(ctx, &r, 5);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->statuses, ch->nstatuses, customer_id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_bundles(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
#define BUNDLES                                                                                    \
    "SELECT bundle_id FROM plan_services WHERE tenant_id = $1 AND plan_id IN (" OF_CHUNK_PLANS ")"
    int rc = query(L, &r,
                   "SELECT id, bundle_name, bundle_description, bundle_price FROM service_bundles"
                   " WHERE tenant_id = $1 AND id IN (" BUNDLES ") ORDER BY id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBundle *x = PUSH(ch->bundles, ch->nbundles, cap);
        if (!x)
            break;
        x->id = txt(ctx, &r, 0);
        x->name = txt(ctx, &r, 1);
        x->description = txt(ctx, &r, 2);
        x->bundle_price = dec_at(&r, 3, 6);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (SORT_BY(ctx, ch->bundles, ch->nbundles, id) < 0)
        return engine_oom(L->err);
    cap = 0;
    rc = query(L, &r,
               "SELECT bundle_id, service_id FROM bundle_services WHERE tenant_id = $1 AND bundle_id IN (" BUNDLES
               ") ORDER BY bundle_id, id");
#undef BUNDLES
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        EngineBundleService *x = PUSH(ch->bundle_services, ch->nbundle_services, cap);
        if (!x)
            break;
        x->bundle_id = txt(ctx, &r, 0);
        x->service_id = txt(ctx, &r, 1);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->bundle_services, ch->nbundle_services, bundle_id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

static int load_prior(Loader *L, BillingChunk *ch)
{
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT i.customer_id, l.customer_billing_plan_id, l.service_id, l.bundle_id, l.period_start,"
                   " l.period_end, l.amount_base, COALESCE(b.bundle_name, s.name), p.plan_name"
                   " FROM invoice_line_items l JOIN invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id"
                   " LEFT JOIN services s ON s.tenant_id = l.tenant_id AND s.id = l.service_id"
                   " LEFT JOIN service_bundles b ON b.tenant_id = l.tenant_id AND b.id = l.bundle_id"
                   " LEFT JOIN billing_plans p ON p.tenant_id = l.tenant_id AND p.id = l.billing_plan_id"
                   " WHERE l.tenant_id = $1 AND " IN_CHUNK("i.customer_id")
                   " AND i.status <> 'cancelled' AND l.charge_kind IN ('fixed', 'bundle', 'adjustment')"
                   " ORDER BY i.customer_id, l.id");
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        BillingPrior *x = PUSH(ch->prior, ch->nprior, cap);
        if (!x)
            break;
        x->customer_id = txt(ctx, &r, 0);
        x->charge.customer_plan_id = txt(ctx, &r, 1);
        x->charge.service_id = txt(ctx, &r, 2);
        x->charge.bundle_id = txt(ctx, &r, 3);
        x->charge.cycle.start = date_at(&r, 4, NULL);
        x->charge.cycle.end = date_at(&r, 5, NULL);
        x->charge.amount_base = rows_get(&r, 6).i;
        x->charge.service_name = txt(ctx, &r, 7);
        x->charge.plan_name = txt(ctx, &r, 8);
    }
    rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->prior, ch->nprior, customer_id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

/* Usage already billed per cycle: each usage line of an earlier (not cancelled) invoice, so that a
 * late record is priced at the margin of what its cycle was billed (engine_usage.c) instead of
 * restarting the tiers. The units come from the line's calculation trace (the quantity column
 * shows 1 for a line of no units), the amount from amount_base. Read only when there are
 * unbilled records to price. */
static int load_prior_usage(Loader *L, BillingChunk *ch)
{
    if (ch->nusage == 0)
        return 0;
    Ctx *ctx = L->ctx;
    Rows r;
    size_t cap = 0;
    int rc = query(L, &r,
                   "SELECT i.customer_id, l.customer_billing_plan_id, l.service_id, l.period_start, l.period_end,"
                   " l.amount_base, l.calculation FROM invoice_line_items l JOIN invoices i ON i.tenant_id = l.tenant_id"
                   " AND i.id = l.invoice_id WHERE l.tenant_id = $1 AND " IN_CHUNK("i.customer_id")
                   " AND i.status <> 'cancelled' AND l.charge_kind = 'usage' ORDER BY i.customer_id, l.id");
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        BillingPriorUsage *x = PUSH(ch->prior_usage, ch->nprior_usage, cap);
        if (!x)
            break;
        x->customer_id = txt(ctx, &r, 0);
        x->usage.customer_plan_id = txt(ctx, &r, 1);
        x->usage.service_id = txt(ctx, &r, 2);
        x->usage.cycle.start = date_at(&r, 3, NULL);
        x->usage.cycle.end = date_at(&r, 4, NULL);
        x->usage.amount_base = rows_get(&r, 5).i;
        Value c = rows_get(&r, 6);
        json_t *calc = c.kind == V_TEXT ? json_loadb(c.s, c.len, 0, NULL) : NULL;
        const char *q = json_string_value(json_object_get(calc, "quantity"));
        x->usage.quantity = dec_from_int(0);
        if (!q || dec_parse(&x->usage.quantity, q, strlen(q), 6, "quantity", L->err) < 0)
            rc = err_set(L->err, ERR_INTERNAL, NULL, "a usage line billed before has no readable quantity");
        json_decref(calc);
    }
    if (rc == 0)
        rc = rows_error(&r, L->err);
    rows_close(&r);
    if (rc == 0 && SORT_BY(ctx, ch->prior_usage, ch->nprior_usage, customer_id) < 0)
        rc = engine_oom(L->err);
    return rc;
}

/* The exchange rate of every currency the chunk's customers pay in, on the invoice date. */
static int load_rates(Loader *L, BillingChunk *ch)
{
    const char *base = ch->cs.base_currency;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ch->ncustomers; i++) {
        const char *code = ch->customers[i].info.currency ? ch->customers[i].info.currency : base;
        bool have = false;
        for (size_t k = 0; k < ch->nrates && !have; k++)
            have = strcmp(ch->rates[k].currency, code) == 0;
        if (have || !currency_find(code) || ch->nrates == sizeof ch->rates / sizeof ch->rates[0])
            continue;
        BillingRate *x = &ch->rates[ch->nrates];
        Error e;
        err_clear(&e);
        rc = doc_exchange_rate(L->ctx, code, base, ch->period.end, "exchange_rate", &x->scaled, &e);
        if (rc == -ERR_INVALID) {   /* no rate: the customers paying in it fail, not the chunk */
            x->missing = true;
            x->error = e;
            rc = 0;
        } else if (rc < 0) {
            if (L->err)
                *L->err = e;
            return rc;
        }
        x->currency = code;
        ch->nrates++;
    }
    return rc;
}

int billing_chunk_load(Ctx *ctx, const char *first, const char *last, Period period, BillingChunk *out,
                       Error *err)
{
    memset(out, 0, sizeof *out);
    out->period = period;
    int rc = company_settings_load(ctx, &out->cs, err);
    if (rc < 0)
        return rc;
    EngineSettings *s = &out->settings;
    s->base = currency_find(out->cs.base_currency);
    s->rounding = out->cs.rounding;
    s->gst = out->cs.gst;
    s->seller_state_code = out->cs.state_code;
    s->default_tax_rate = out->cs.default_rate;
    if (s->base && (rc = approvals_settings_load(ctx, s, err)) < 0)   /* the approval thresholds */
        return rc;
    char end[11];
    date_format(end, period.end);
    Loader L = {.ctx = ctx, .err = err};
    L.p[0] = val_text(arena_strdup(ctx->arena, first));
    L.p[1] = val_text(arena_strdup(ctx->arena, last));
    L.p[2] = val_text(arena_strdup(ctx->arena, end));
    rc = load_customers(&L, out);
    if (rc == 0)
        rc = load_plans(&L, out);
    if (rc == 0)
        rc = load_plan_services(&L, out);
    if (rc == 0)
        rc = load_services(&L, out);
    if (rc == 0)
        rc = load_time(&L, out);
    if (rc == 0)
        rc = load_usage(&L, out);
    if (rc == 0)
        rc = load_record_services(&L, out);
    if (rc == 0)
        rc = load_buckets(&L, out);
    if (rc == 0)
        rc = load_discounts(&L, out);
    if (rc == 0)
        rc = load_tax_and_status(&L, out);
    if (rc == 0)
        rc = load_bundles(&L, out);
    if (rc == 0)
        rc = load_prior(&L, out);
    if (rc == 0)
        rc = load_prior_usage(&L, out);
    if (rc == 0)
        rc = load_rates(&L, out);
    return rc;
}

/* ---- one customer out of the chunk ---- */

/* The rows of `arr` (n of them, sorted by customer_id) that belong to customer id. */
#define SLICE(in_arr, in_n, ch_arr, ch_n, id)                                                      \
    do {                                                                                           \
        size_t first_ = 0, n_ = RUN((ch_arr), (ch_n), customer_id, (id), &first_);                 \
        (in_arr) = n_ ? (ch_arr) + first_ : NULL;                                                  \
        (in_n) = n_;                                                                               \
    } while (0)

/* A discount link of a plan (for every customer on it) that is one of the customer's plans. */
static bool plan_link_ours(const BillingChunk *ch, const IdxSet *plans, const BillingLink *l)
{
    for (size_t i = 0; i < plans->n; i++)
        if (engine_id_eq(l->link.plan_id, ch->plans[plans->v[i]].id))
            return true;
    return false;
}

int billing_chunk_customer(Ctx *ctx, const BillingChunk *ch, const char *customer_id, BillingData *out, Error *err)
{
    memset(out, 0, sizeof *out);
    size_t at = 0;
    if (RUN(ch->customers, ch->ncustomers, id, customer_id, &at) == 0)
        return err_set(err, ERR_NOT_FOUND, "customer_id", "no customer with this id");
    const BillingChunkCustomer *cu = &ch->customers[at];
    out->cs = ch->cs;
    out->ci = cu->info;
    out->invoice_date = ch->period.end;
    out->settings = ch->settings;
    EngineSettings *s = &out->settings;
    EngineCustomer *c = &out->customer;
    c->id = cu->id;
    c->currency = currency_find(cu->info.currency ? cu->info.currency : out->cs.base_currency);
    if (!s->base || !c->currency)
        return err_set(err, ERR_INVALID, "currency", "the customer's or the tenant's currency is not known");
    const BillingRate *rate = NULL;
    for (size_t k = 0; k < ch->nrates && !rate; k++)
        if (strcmp(ch->rates[k].currency, c->currency->code) == 0)
            rate = &ch->rates[k];
    if (rate && rate->missing) {
        if (err)
            *err = rate->error;
        return -rate->error.code;
    }
    if (rate)
        out->exchange_rate_scaled = rate->scaled;
    else {   /* more currencies in the chunk than it keeps rates for: read this one */
        int rc = doc_exchange_rate(ctx, c->currency->code, s->base->code, ch->period.end, "exchange_rate",
                                   &out->exchange_rate_scaled, err);
        if (rc < 0)
            return rc;
    }
    c->exchange_rate_to_base = dec_from_scaled(out->exchange_rate_scaled, 6);
    const char *place = doc_customer_place(&cu->info);
    c->state_code = place;
    /* The region tax rates are matched on. With GST it is the place of supply (a GST state code,
     * "96" abroad); a seller without GST taxes by the customer's own region: its place_of_supply
     * when given, else its country ("DE" for a German customer, matching a rate of region "DE"). */
    c->tax_region = s->gst ? (place ? place : cu->info.country)
                           : (cu->info.place_of_supply ? cu->info.place_of_supply : cu->info.country);
    c->is_tax_exempt = cu->info.exempt;

    EngineInput *in = &out->in;
    in->settings = s;
    in->customer = c;
    in->period = ch->period;
    SLICE(in->customer_plans, in->ncustomer_plans, ch->customer_plans, ch->ncustomer_plans, c->id);
    SLICE(in->time_entries, in->ntime_entries, ch->time_entries, ch->ntime_entries, c->id);
    SLICE(in->usage, in->nusage, ch->usage, ch->nusage, c->id);
    SLICE(in->bucket_usage, in->nbucket_usage, ch->bucket_usage, ch->nbucket_usage, c->id);
    SLICE(in->statuses, in->nstatuses, ch->statuses, ch->nstatuses, c->id);
    in->tax_rates = ch->tax_rates;
    in->ntax_rates = ch->ntax_rates;

    /* the customer's plans, and what hangs off them */
    IdxSet plans = {0}, services = {0}, bundles = {0}, users = {0}, discounts = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < in->ncustomer_plans; i++)
        rc = ADD_ID(ctx, &plans, ch->plans, ch->nplans, in->customer_plans[i].plan_id);
    EnginePlan *pl = pick(ctx, ch->plans, sizeof *ch->plans, &plans);
    size_t nps = 0, nbp = 0;
    for (size_t i = 0; i < plans.n; i++) {
        size_t f;
        nps += RUN(ch->plan_services, ch->nplan_services, plan_id, ch->plans[plans.v[i]].id, &f);
        nbp += RUN(ch->bucket_plans, ch->nbucket_plans, plan_id, ch->plans[plans.v[i]].id, &f);
    }
    EnginePlanService *ps = nps ? ARENA_ARRAY(ctx->arena, EnginePlanService, nps) : NULL;
    EngineBucketPlan *bp = nbp ? ARENA_ARRAY(ctx->arena, EngineBucketPlan, nbp) : NULL;
    if ((plans.n && !pl) || (nps && !ps) || (nbp && !bp))
        return engine_oom(err);
    nps = nbp = 0;
    for (size_t i = 0; rc == 0 && i < plans.n; i++) {
        const char *pid = ch->plans[plans.v[i]].id;
        size_t f, k = RUN(ch->plan_services, ch->nplan_services, plan_id, pid, &f);
        for (size_t j = f; rc == 0 && j < f + k; j++) {
            ps[nps++] = ch->plan_services[j];
            rc = ADD_ID(ctx, &services, ch->services, ch->nservices, ch->plan_services[j].service_id);
            if (rc == 0)
                rc = ADD_ID(ctx, &bundles, ch->bundles, ch->nbundles, ch->plan_services[j].bundle_id);
        }
        k = RUN(ch->bucket_plans, ch->nbucket_plans, plan_id, pid, &f);
        if (k)
            memcpy(bp + nbp, ch->bucket_plans + f, k * sizeof *bp);
        nbp += k;
    }
    for (size_t i = 0; rc == 0 && i < in->ntime_entries; i++) {
        rc = ADD_ID(ctx, &services, ch->services, ch->nservices, in->time_entries[i].service_id);
        if (rc == 0)
            rc = ADD_ID(ctx, &users, ch->users, ch->nusers, in->time_entries[i].user_id);
    }
    for (size_t i = 0; rc == 0 && i < in->nusage; i++)
        rc = ADD_ID(ctx, &services, ch->services, ch->nservices, in->usage[i].service_id);
    if (rc < 0)
        return engine_oom(err);
    in->plans = pl;
    in->nplans = plans.n;
    in->plan_services = ps;
    in->nplan_services = nps;
    in->bucket_plans = bp;
    in->nbucket_plans = nbp;
    in->services = pick(ctx, ch->services, sizeof *ch->services, &services);
    in->nservices = services.n;
    in->users = pick(ctx, ch->users, sizeof *ch->users, &users);
    in->nusers = users.n;

    /* bundles and their services */
    in->bundles = pick(ctx, ch->bundles, sizeof *ch->bundles, &bundles);
    in->nbundles = bundles.n;
    size_t nbs = 0;
    for (size_t i = 0; i < bundles.n; i++)
        nbs += RUN(ch->bundle_services, ch->nbundle_services, bundle_id, ch->bundles[bundles.v[i]].id, &(size_t){0});
    EngineBundleService *bs = nbs ? ARENA_ARRAY(ctx->arena, EngineBundleService, nbs) : NULL;
    nbs = 0;
    for (size_t i = 0; bs && i < bundles.n; i++) {
        size_t f, k = RUN(ch->bundle_services, ch->nbundle_services, bundle_id, ch->bundles[bundles.v[i]].id, &f);
        if (k)
            memcpy(bs + nbs, ch->bundle_services + f, k * sizeof *bs);
        nbs += k;
    }
    in->bundle_services = bs;
    in->nbundle_services = nbs;

    /* discount links: the customer's own, then those of its plans for everyone, in id order */
    size_t fl, nl = RUN(ch->customer_links, ch->ncustomer_links, link.customer_id, c->id, &fl);
    EnginePlanDiscount *pd = ARENA_ARRAY(ctx->arena, EnginePlanDiscount, nl + ch->nplan_links + 1);
    if (!pd)
        return engine_oom(err);
    size_t npd = 0, a = fl, b = 0;
    for (;;) {
        while (b < ch->nplan_links && !plan_link_ours(ch, &plans, &ch->plan_links[b]))
            b++;
        const BillingLink *x;
        if (a < fl + nl && (b >= ch->nplan_links || strcmp(ch->customer_links[a].id, ch->plan_links[b].id) < 0))
            x = &ch->customer_links[a++];
        else if (b < ch->nplan_links)
            x = &ch->plan_links[b++];
        else
            break;
        pd[npd++] = x->link;
        if (ADD_ID(ctx, &discounts, ch->discounts, ch->ndiscounts, x->link.discount_id) < 0)
            return engine_oom(err);
    }
    in->plan_discounts = npd ? pd : NULL;
    in->nplan_discounts = npd;
    in->discounts = pick(ctx, ch->discounts, sizeof *ch->discounts, &discounts);
    in->ndiscounts = discounts.n;

    /* the fees billed before */
    size_t fp, np = RUN(ch->prior, ch->nprior, customer_id, c->id, &fp);
    EnginePriorCharge *pc = np ? ARENA_ARRAY(ctx->arena, EnginePriorCharge, np) : NULL;
    if (np && !pc)
        return engine_oom(err);
    for (size_t i = 0; i < np; i++)
        pc[i] = ch->prior[fp + i].charge;
    in->prior_charges = pc;
    in->nprior_charges = np;

    /* the usage billed before, when the customer has records to price */
    np = in->nusage ? RUN(ch->prior_usage, ch->nprior_usage, customer_id, c->id, &fp) : 0;
    EnginePriorUsage *pu = np ? ARENA_ARRAY(ctx->arena, EnginePriorUsage, np) : NULL;
    if (np && !pu)
        return engine_oom(err);
    for (size_t i = 0; i < np; i++)
        pu[i] = ch->prior_usage[fp + i].usage;
    in->prior_usage = pu;
    in->nprior_usage = np;
    return 0;
}

int billing_load(Ctx *ctx, const char *customer_id, Period period, BillingData *out, Error *err)
{
    BillingChunk *ch = ARENA_NEW(ctx->arena, BillingChunk);
    if (!ch)
        return engine_oom(err);
    int rc = billing_chunk_load(ctx, customer_id, customer_id, period, ch, err);
    return rc < 0 ? rc : billing_chunk_customer(ctx, ch, customer_id, out, err);
}
