/* domain/engine_time.c — Time services: billable hours x rate.
 *
 * Exports: engine_time_charges, engine_entry_minutes, engine_hours,
 * engine_minutes_amount, engine_time_rate, engine_time_needs_approval.
 *
 * Each time entry is checked (customer, billable, approval), given to the
 * assignment that precedence picks on its work date, checked against the
 * service's status that day, and placed in its plan's cycle. Entries of a
 * bucket plan go to engine_bucket_charges (outcome IN_BUCKET); the others are
 * grouped into one line per (assignment, service, cycle, rate) and the line is
 * minutes x rate / 60 rounded once, so 50 minutes at 150.00 is exactly 125.00
 * even though 50/60 h has no finite decimal form. The hours shown on the line
 * are for reading; the amount comes from the minutes.
 *
 * Rate: the user's rate when the plan says use_user_rate and the user has
 * one; else plan_services.custom_rate > billing_plans.hourly_rate >
 * service_catalog.default_rate.
 */
#include "domain/engine.h"

#include <stdio.h>

int64_t engine_entry_minutes(const EngineTimeEntry *e)
{
    if (e->duration >= 0)
        return e->duration;
    int64_t us = e->end_time - e->start_time;
    if (us <= 0)
        return 0;
    return (us + 30 * TS_PER_SECOND) / (60 * TS_PER_SECOND);
}

Dec engine_hours(int64_t minutes)
{
    __int128 m = minutes;
    for (int k = 0; k <= ENGINE_QTY_SCALE; k++, m *= 10)
        if (m % 60 == 0 && m / 60 <= INT64_MAX && m / 60 >= INT64_MIN)
            return dec_make((int64_t)(m / 60), k);
    int64_t v;
    if (!dec_round_div(&v, (__int128)minutes * 1000000, 60, ROUND_HALF_UP))
        v = 0;
    return dec_make(v, ENGINE_QTY_SCALE);
}

int engine_minutes_amount(int64_t *out, int64_t minutes, Dec rate, const Currency *c, Rounding r,
                          Error *err)
{
    __int128 num, den = 60;
    int e = c->exponent;
    if (__builtin_mul_overflow((__int128)minutes, (__int128)rate.coef, &num))
        goto overflow;
    for (int k = rate.scale; k > e; k--)
        den *= 10; /* <= 60 * 10^18 */
    for (int k = rate.scale; k < e; k++)
        if (__builtin_mul_overflow(num, (__int128)10, &num))
            goto overflow;
    if (!dec_round_div(out, num, den, r))
        goto overflow;
    return 0;
overflow:
    return err_set(err, ERR_OVERFLOW, NULL, "amount is too large to compute exactly");
}

void engine_time_rate(Dec *rate, EngineRateSource *source, const EnginePlan *plan,
                      const EnginePlanService *ps, const EngineService *service,
                      const EngineUser *user)
{
    if (plan && plan->use_user_rate && user && user->has_rate) {
        *rate = user->rate;
        *source = ENGINE_RATE_USER;
    } else if (ps && ps->has_custom_rate) {
        *rate = ps->custom_rate;
        *source = ENGINE_RATE_CUSTOM;
    } else if (plan && plan->has_hourly_rate) {
        *rate = plan->hourly_rate;
        *source = ENGINE_RATE_PLAN;
    } else {
        *rate = service->default_rate;
        *source = ENGINE_RATE_SERVICE_DEFAULT;
    }
}

bool engine_time_needs_approval(const EngineTimeEntry *e, const EngineSettings *s)
{
    return s->time_approval_minutes > 0 && engine_entry_minutes(e) > s->time_approval_minutes;
}

typedef struct Group {
    const EngineCustomerPlan *cp;
    const EnginePlan *plan;
    const EngineService *svc;
    Period cycle;
    EngineRateSource src;
    Dec rate;
    const char *user_id;
    int64_t minutes;
    int n;
    bool late;
    int line;
} Group;

static bool same_group(const Group *g, const EngineCustomerPlan *cp, const EngineService *svc,
                       Period cycle, EngineRateSource src, Dec rate, const char *user_id)
{
    return g->cp == cp && g->svc == svc && g->cycle.start == cycle.start &&
           g->cycle.end == cycle.end && g->src == src && dec_cmp(g->rate, rate) == 0 &&
           (src != ENGINE_RATE_USER || engine_id_eq(g->user_id, user_id));
}

/* The outcome of entry e before rating, or BILLED when it is to be rated. */
static EngineOutcome screen(const EngineInput *in, const EngineTimeEntry *e)
{
    if (!engine_id_eq(e->customer_id, in->customer->id))
        return ENGINE_OUT_OTHER_CUSTOMER;
    if (!e->billable)
        return ENGINE_OUT_NOT_BILLABLE;
    if (e->approval == ENGINE_APPROVAL_REJECTED)
        return ENGINE_OUT_REJECTED;
    if (e->approval == ENGINE_APPROVAL_PENDING ||
        (e->approval == ENGINE_APPROVAL_NONE && engine_time_needs_approval(e, in->settings)))
        return ENGINE_OUT_PENDING_APPROVAL;
    return ENGINE_OUT_BILLED;
}

int engine_time_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
{
    size_t n = in->ntime_entries, ngroups = 0;
    int rc;
    if (n == 0)
        return 0;
    Group *groups = ARENA_ARRAY(arena, Group, n);
    int *gi = ARENA_ARRAY(arena, int, n);
    EngineWinners winners;
    EngineServiceIndex services;
    EngineCycleMemo memo = {0};
    if (!groups || !gi)
        return engine_oom(err);
    if ((rc = engine_winners_init(&winners, in, arena, err)) < 0 ||
        (rc = engine_service_index_init(&services, in, arena, err)) < 0)
        return rc;

    for (size_t i = 0; i < n; i++) {
        const EngineTimeEntry *e = &in->time_entries[i];
        EngineSourceResult *r = &res->time[i];
        *r = (EngineSourceResult){.outcome = screen(in, e), .line = -1};
        gi[i] = -1;
        if (r->outcome != ENGINE_OUT_BILLED)
            continue;
        const EngineService *svc = engine_service_index_find(&services, e->service_id);
        if (!svc) {
            char field[64];
            snprintf(field, sizeof field, "time_entries[%zu].service_id", i);
            return err_set(err, ERR_INVALID, field, "time entry names an unknown service");
        }
        EngineWinner w;
        if ((rc = engine_route_record(&w, r, &winners, in, svc, ENGINE_SERVICE_TIME, e->work_date, arena, err)) < 0)
            return rc;
        if (r->outcome != ENGINE_OUT_BILLED)
            continue;
        const EngineCustomerPlan *cp = w.cp;
        const EnginePlan *plan = w.plan;
        const EngineBucketPlan *bp =
            plan->type == ENGINE_PLAN_BUCKET ? engine_find_bucket_plan(in, plan->id) : NULL;
        r->cycle = engine_cycle_memo(&memo, cp, bp ? bp->billing_period : plan->frequency,
                                     e->work_date);
        if (r->cycle.end > in->period.end) {
            r->outcome = ENGINE_OUT_NOT_DUE;
            continue;
        }
        if (bp) {
            r->outcome = ENGINE_OUT_IN_BUCKET;
            continue;
        }
        Dec rate;
        EngineRateSource src;
        engine_time_rate(&rate, &src, plan, w.ps, svc,
                         engine_find_user(in, e->user_id));
        size_t g = 0;
        while (g < ngroups && !same_group(&groups[g], cp, svc, r->cycle, src, rate, e->user_id))
            g++;
        if (g == ngroups)
            groups[ngroups++] = (Group){cp, plan, svc, r->cycle, src, rate, e->user_id, 0, 0, false, -1};
        int64_t m = engine_entry_minutes(e);
        if (__builtin_add_overflow(groups[g].minutes, m, &groups[g].minutes))
            return err_set(err, ERR_OVERFLOW, NULL, "time entries add up to too many minutes");
        groups[g].n++;
        if (r->cycle.end <= in->period.start)
            groups[g].late = true;
        gi[i] = (int)g;
    }

    for (size_t g = 0; g < ngroups; g++) {
        Group *x = &groups[g];
        if (x->minutes == 0)
            continue; /* consumed, nothing to charge */
        EngineCharge l = {
            .kind = ENGINE_CHARGE_TIME,
            .customer_plan_id = x->cp->id,
            .plan_id = x->plan->id,
            .plan_name = x->plan->name,
            .service_id = x->svc->id,
            .service_name = x->svc->name,
            .user_id = x->src == ENGINE_RATE_USER ? x->user_id : NULL,
            .period = x->cycle,
            .rate_source = x->src,
            .rate = x->rate,
            .quantity = engine_hours(x->minutes),
            .unit = "hours",
            .minutes = x->minutes,
            .nsources = x->n,
            .late = x->late,
        };
        if ((rc = engine_minutes_amount(&l.amount_base, x->minutes, x->rate, in->settings->base,
                                        in->settings->rounding, err)) < 0)
            return rc;
        if ((rc = engine_line_append(res, in, &l, arena, err)) < 0)
            return rc;
        x->line = rc;
    }
    for (size_t i = 0; i < n; i++)
        if (gi[i] >= 0)
            res->time[i].line = groups[gi[i]].line;
    return 0;
}
