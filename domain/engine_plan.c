/* domain/engine_plan.c — plan assignments: lookups, billing cycles, which
 * assignment bills a service on a given day (precedence), and the checks an
 * assignment must pass.
 *
 * Exports: engine_find_service, engine_find_plan, engine_find_plan_service,
 * engine_find_bucket_plan, engine_find_user, engine_find_bundle,
 * engine_default_anchor, engine_anchor, engine_cycle,
 * engine_assignment_span, engine_assignment_covers, engine_plan_covers, engine_plan_winner,
 * engine_plan_candidates, engine_candidates_winner, engine_winners_init, engine_winner,
 * engine_route_record,
 * engine_service_index_init, engine_service_index_find, engine_cycle_memo,
 * engine_check_assignment.
 *
 * Lookups are linear: an EngineInput holds one customer's rows (tens of
 * services and plans), where a scan beats building an index. The precedence
 * order is the one written in engine.h and docs/billing-rules.md; change it in
 * both places or neither.
 */
#include "domain/engine.h"

#include <string.h>

const EngineService *engine_find_service(const EngineInput *in, const char *id)
{
    for (size_t i = 0; id && i < in->nservices; i++)
        if (engine_id_eq(in->services[i].id, id))
            return &in->services[i];
    return NULL;
}

const EnginePlan *engine_find_plan(const EngineInput *in, const char *id)
{
    for (size_t i = 0; id && i < in->nplans; i++)
        if (engine_id_eq(in->plans[i].id, id))
            return &in->plans[i];
    return NULL;
}

const EnginePlanService *engine_find_plan_service(const EngineInput *in, const char *plan_id,
                                                  const char *service_id)
{
    for (size_t i = 0; plan_id && service_id && i < in->nplan_services; i++)
        if (engine_id_eq(in->plan_services[i].plan_id, plan_id) &&
            engine_id_eq(in->plan_services[i].service_id, service_id))
            return &in->plan_services[i];
    return NULL;
}

const EngineBucketPlan *engine_find_bucket_plan(const EngineInput *in, const char *plan_id)
{
    for (size_t i = 0; plan_id && i < in->nbucket_plans; i++)
        if (engine_id_eq(in->bucket_plans[i].plan_id, plan_id))
            return &in->bucket_plans[i];
    return NULL;
}

const EngineUser *engine_find_user(const EngineInput *in, const char *id)
{
    for (size_t i = 0; id && i < in->nusers; i++)
        if (engine_id_eq(in->users[i].id, id))
            return &in->users[i];
    return NULL;
}

const EngineBundle *engine_find_bundle(const EngineInput *in, const char *id)
{
    for (size_t i = 0; id && i < in->nbundles; i++)
        if (engine_id_eq(in->bundles[i].id, id))
            return &in->bundles[i];
    return NULL;
}

Date engine_default_anchor(Frequency f, Date start)
{
    int y, m, d;
    date_to_ymd(start, &y, &m, &d);
    switch (f) {
    case FREQ_WEEKLY:
    case FREQ_BIWEEKLY: return date_add_days(start, 1 - date_weekday(start));
    case FREQ_MONTHLY: return date_from_ymd(y, m, 1);
    case FREQ_QUARTERLY: return date_from_ymd(y, (m - 1) / 3 * 3 + 1, 1);
    case FREQ_SEMIANNUAL: return date_from_ymd(y, m <= 6 ? 1 : 7, 1);
    case FREQ_ANNUAL: return date_from_ymd(y, 1, 1);
    }
    return start;
}

Date engine_anchor(const EngineCustomerPlan *cp, Frequency f)
{
    return cp->has_anchor ? cp->anchor : engine_default_anchor(f, cp->start_date);
}

Period engine_cycle(const EngineCustomerPlan *cp, Frequency f, Date d)
{
    return cycle_containing(engine_anchor(cp, f), f, d);
}

/* The day after 9999-12-31: "no end". */
static Date forever(void)
{
    return date_add_days(date_from_ymd(9999, 12, 31), 1);
}

Period engine_assignment_span(const EngineCustomerPlan *cp)
{
    if (!cp->is_active)
        return (Period){cp->start_date, cp->start_date};
    Date end = cp->has_end_date ? date_add_days(cp->end_date, 1) : forever();
    if (end < cp->start_date)
        end = cp->start_date;
    return (Period){cp->start_date, end};
}

bool engine_assignment_covers(const EngineCustomerPlan *cp, Date d)
{
    return period_contains(engine_assignment_span(cp), d);
}

const EnginePlanService *engine_plan_covers(const EngineInput *in, const EngineCustomerPlan *cp,
                                           const EngineService *s)
{
    if (cp->service_category && !engine_id_eq(cp->service_category, s->category_id))
        return NULL;
    return engine_find_plan_service(in, cp->plan_id, s->id);
}

typedef struct Rank {
    int bundle, category, bucket, custom;
    Date start;
    const char *id;
} Rank;

/* > 0 when a outranks b. */
static int outranks(const Rank *a, const Rank *b)
{
    if (a->bundle != b->bundle)
        return a->bundle - b->bundle;
    if (a->category != b->category)
        return a->category - b->category;
    if (a->bucket != b->bucket)
        return a->bucket - b->bucket;
    if (a->custom != b->custom)
        return a->custom - b->custom;
    if (a->start != b->start)
        return a->start > b->start ? 1 : -1;
    int c = strcmp(a->id ? a->id : "", b->id ? b->id : "");
    return c < 0 ? 1 : c > 0 ? -1 : 0;
}

static Rank rank_of(const EngineInput *in, const EngineCustomerPlan *cp,
                    const EnginePlanService *ps, const EnginePlan *plan,
                    const EngineService *service)
{
    (void)in;
    return (Rank){
        .bundle = service->type == ENGINE_SERVICE_FIXED && ps->bundle_id != NULL,
        .category = cp->service_category != NULL,
        .bucket = service->type == ENGINE_SERVICE_TIME && plan->type == ENGINE_PLAN_BUCKET,
        .custom = plan->is_custom,
        .start = cp->start_date,
        .id = cp->id,
    };
}

const EngineCustomerPlan *engine_plan_winner(const EngineInput *in, const EngineService *service,
                                             Date d)
{
    const EngineCustomerPlan *best = NULL;
    Rank br = {0};
    for (size_t i = 0; service && i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *cp = &in->customer_plans[i];
        if (!engine_is_customers(in, cp) || !engine_assignment_covers(cp, d))
            continue;
        const EnginePlanService *ps = engine_plan_covers(in, cp, service);
        const EnginePlan *plan = ps ? engine_find_plan(in, cp->plan_id) : NULL;
        if (!plan)
            continue;
        Rank r = rank_of(in, cp, ps, plan, service);
        if (!best || outranks(&r, &br) > 0) {
            best = cp;
            br = r;
        }
    }
    return best;
}

int engine_plan_candidates(EngineCandidates *out, const EngineInput *in,
                           const EngineService *service, Arena *arena, Error *err)
{
    size_t n = 0;
    out->n = 0;
    out->cps = NULL;
    out->spans = NULL;
    if (in->ncustomer_plans == 0)
        return 0;
    Rank *ranks = ARENA_ARRAY(arena, Rank, in->ncustomer_plans);
    out->cps = ARENA_ARRAY(arena, const EngineCustomerPlan *, in->ncustomer_plans);
    out->plans = ARENA_ARRAY(arena, const EnginePlan *, in->ncustomer_plans);
    out->ps = ARENA_ARRAY(arena, const EnginePlanService *, in->ncustomer_plans);
    out->spans = ARENA_ARRAY(arena, Period, in->ncustomer_plans);
    if (!ranks || !out->cps || !out->plans || !out->ps || !out->spans)
        return engine_oom(err);
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *cp = &in->customer_plans[i];
        Period span = engine_assignment_span(cp);
        if (!engine_is_customers(in, cp) || period_is_empty(span))
            continue;
        const EnginePlanService *ps = engine_plan_covers(in, cp, service);
        const EnginePlan *plan = ps ? engine_find_plan(in, cp->plan_id) : NULL;
        if (!plan)
            continue;
        /* Insertion in rank order, best first. */
        Rank r = rank_of(in, cp, ps, plan, service);
        size_t k = n++;
        while (k > 0 && outranks(&r, &ranks[k - 1]) > 0) {
            ranks[k] = ranks[k - 1];
            out->cps[k] = out->cps[k - 1];
            out->plans[k] = out->plans[k - 1];
            out->ps[k] = out->ps[k - 1];
            out->spans[k] = out->spans[k - 1];
            k--;
        }
        ranks[k] = r;
        out->cps[k] = cp;
        out->plans[k] = plan;
        out->ps[k] = ps;
        out->spans[k] = span;
    }
    out->n = n;
    return 0;
}

long engine_candidates_winner(const EngineCandidates *c, Date d)
{
    for (size_t i = 0; i < c->n; i++)
        if (period_contains(c->spans[i], d))
            return (long)i;
    return -1;
}

int engine_winners_init(EngineWinners *w, const EngineInput *in, Arena *arena, Error *err)
{
    w->by_service = NULL;
    w->built = NULL;
    if (in->nservices == 0)
        return 0;
    w->by_service = ARENA_ARRAY(arena, EngineCandidates, in->nservices);
    w->built = ARENA_ARRAY(arena, unsigned char, in->nservices);
    return w->by_service && w->built ? 0 : engine_oom(err);
}

int engine_winner(EngineWinner *out, EngineWinners *w, const EngineInput *in,
                  const EngineService *service, Date d, Arena *arena, Error *err)
{
    size_t i = (size_t)(service - in->services);
    *out = (EngineWinner){0};
    if (i >= in->nservices) { /* not one of in->services: no cache */
        out->cp = engine_plan_winner(in, service, d);
        out->plan = out->cp ? engine_find_plan(in, out->cp->plan_id) : NULL;
        out->ps = out->cp ? engine_find_plan_service(in, out->cp->plan_id, service->id) : NULL;
        return 0;
    }
    if (!w->built[i]) {
        int rc = engine_plan_candidates(&w->by_service[i], in, service, arena, err);
        if (rc < 0)
            return rc;
        w->built[i] = 1;
    }
    const EngineCandidates *c = &w->by_service[i];
    long k = engine_candidates_winner(c, d);
    if (k >= 0)
        *out = (EngineWinner){c->cps[k], c->plans[k], c->ps[k]};
    return 0;
}

int engine_route_record(EngineWinner *out, EngineSourceResult *r, EngineWinners *w,
                        const EngineInput *in, const EngineService *service,
                        EngineServiceType metered, Date d, Arena *arena, Error *err)
{
    int rc = engine_winner(out, w, in, service, d, arena, err);
    if (rc < 0)
        return rc;
    if (!out->cp) {
        r->outcome = ENGINE_OUT_NO_PLAN;
        return 0;
    }
    r->customer_plan_id = out->cp->id;
    EngineStatusKind st = engine_status_on(in, out->cp->plan_id, service->id, d);
    if (st != ENGINE_STATUS_ACTIVE)
        r->outcome = st == ENGINE_STATUS_SUSPENDED ? ENGINE_OUT_SUSPENDED : ENGINE_OUT_CANCELLED;
    else if (service->type != metered)
        r->outcome = ENGINE_OUT_INCLUDED;
    return 0;
}

/* FNV-1a: ids are UUIDs whose differences are at the end. */
static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int engine_service_index_init(EngineServiceIndex *x, const EngineInput *in, Arena *arena,
                              Error *err)
{
    size_t cap = 8;
    while (cap < in->nservices * 2)
        cap *= 2;
    x->mask = cap - 1;
    x->slots = ARENA_ARRAY(arena, const EngineService *, cap);
    if (!x->slots)
        return engine_oom(err);
    for (size_t i = 0; i < in->nservices; i++) {
        const EngineService *s = &in->services[i];
        if (!s->id)
            continue;
        size_t k = (size_t)hash_id(s->id) & x->mask;
        while (x->slots[k] && !engine_id_eq(x->slots[k]->id, s->id))
            k = (k + 1) & x->mask;
        if (!x->slots[k]) /* the first row with an id wins, as engine_find_service */
            x->slots[k] = s;
    }
    return 0;
}

const EngineService *engine_service_index_find(const EngineServiceIndex *x, const char *id)
{
    if (!id)
        return NULL;
    for (size_t k = (size_t)hash_id(id) & x->mask; x->slots[k]; k = (k + 1) & x->mask)
        if (engine_id_eq(x->slots[k]->id, id))
            return x->slots[k];
    return NULL;
}

Period engine_cycle_memo(EngineCycleMemo *m, const EngineCustomerPlan *cp, Frequency f, Date d)
{
    if (m->cp != cp || m->f != f || !period_contains(m->cycle, d)) {
        m->cp = cp;
        m->f = f;
        m->cycle = engine_cycle(cp, f, d);
    }
    return m->cycle;
}

/* Some service both assignments' plans cover (within their categories). */
static const EngineService *common_service(const EngineInput *in, const EngineCustomerPlan *a,
                                           const EngineCustomerPlan *b)
{
    for (size_t i = 0; i < in->nplan_services; i++) {
        const EnginePlanService *ps = &in->plan_services[i];
        if (!engine_id_eq(ps->plan_id, a->plan_id))
            continue;
        const EngineService *s = engine_find_service(in, ps->service_id);
        if (s && engine_plan_covers(in, a, s) && engine_plan_covers(in, b, s))
            return s;
    }
    return NULL;
}

int engine_check_assignment(const EngineInput *in, const EngineCustomerPlan *cand, Error *err)
{
    const EnginePlan *plan = engine_find_plan(in, cand->plan_id);
    if (!plan)
        return err_set(err, ERR_INVALID, "plan_id", "no such billing plan");
    if (cand->has_end_date && cand->end_date < cand->start_date)
        return err_set(err, ERR_INVALID, "end_date", "end_date is before start_date");
    if (plan->type != ENGINE_PLAN_BUCKET || !cand->is_active)
        return 0;
    Period span = engine_assignment_span(cand);
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *o = &in->customer_plans[i];
        if (engine_id_eq(o->id, cand->id) || !engine_id_eq(o->customer_id, cand->customer_id))
            continue;
        const EnginePlan *op = engine_find_plan(in, o->plan_id);
        if (!op || op->type != ENGINE_PLAN_BUCKET)
            continue;
        if (!period_overlaps(span, engine_assignment_span(o)))
            continue;
        const EngineService *s = common_service(in, cand, o);
        if (!s)
            continue;
        char from[11], to[11];
        date_format(from, o->start_date);
        if (o->has_end_date)
            date_format(to, o->end_date);
        else
            memcpy(to, "open end", 9);
        err_set(err, ERR_CONFLICT, "plan_id",
                "bucket plan overlaps bucket plan \"%s\" of this customer (%s to %s)",
                op->name ? op->name : "-", from, to);
        err_detail(err, "both cover service \"%s\"; assignment %s", s->name ? s->name : "-",
                   o->id ? o->id : "-");
        err_hint(err, "end the other bucket assignment before this one starts");
        return -ERR_CONFLICT;
    }
    return 0;
}
