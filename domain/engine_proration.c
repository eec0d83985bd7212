/* domain/engine_proration.c — proration by days, the cycles a fixed fee is
 * due for, and corrections of fees billed earlier (upgrades, downgrades, late
 * end dates, suspensions recorded after the invoice).
 *
 * Exports: engine_prorate, engine_prorate_span, engine_billable_days, engine_fixed_amount,
 * engine_due_cycles, engine_adjustment_charges.
 *
 * The rule (DESIGN.md, docs/billing-rules.md): a fee for a cycle is
 * quantity x rate x days used / days in that cycle, the cycle's own length,
 * computed in 128 bits. A day is used when the assignment covers it,
 * precedence gives it the service, and the service is neither suspended nor
 * cancelled that day. Rounding is cumulative: the days [a, b) of an n-day
 * cycle cost round(fee x b / n) - round(fee x a / n), each term rounded once,
 * so the parts of a cycle billed to different plans, around a suspension or
 * in a credit and a re-bill always add up to the whole fee, to the cent, and
 * no part exceeds it; a part differs from its own direct rounding by at most
 * one minor unit. A span starting on the cycle's first day is exactly the
 * direct rounding (300.00 from the 11th of a 30-day month: 200.00).
 *
 * Corrections follow Kill Bill's repair model: the engine recomputes what a
 * cycle already invoiced should cost now and bills the difference as one
 * ADJUSTMENT line (negative = credit). An upgrade on day k of a cycle billed
 * in advance therefore yields a credit for the old plan's unused days and a
 * charge for the new plan's remaining days, and the customer pays exactly
 * what billing the two partial periods in arrears would have cost.
 */
#include "domain/engine.h"

#include <string.h>

static bool mul128(__int128 *out, __int128 a, __int128 b)
{
    return !__builtin_mul_overflow(a, b, out);
}

static __int128 pow10_128(int k)
{
    __int128 v = 1;
    while (k-- > 0)
        v *= 10;
    return v;
}

int engine_prorate(int64_t *out, Dec quantity, Dec rate, int days_used, int days_in_period,
                   const Currency *c, Rounding r, Error *err)
{
    if (days_in_period <= 0 || days_used < 0 || days_used > days_in_period)
        return err_set(err, ERR_RANGE, NULL, "days used %d is outside 0..%d", days_used,
                       days_in_period);
    int s = quantity.scale + rate.scale;
    __int128 num, den = days_in_period;
    if (!mul128(&num, quantity.coef, rate.coef) || !mul128(&num, num, days_used))
        goto overflow;
    if (s >= c->exponent) {
        if (s - c->exponent > 38 || !mul128(&den, den, pow10_128(s - c->exponent)))
            goto overflow;
    } else if (!mul128(&num, num, pow10_128(c->exponent - s))) {
        goto overflow;
    }
    if (!dec_round_div(out, num, den, r))
        goto overflow;
    return 0;
overflow:
    return err_set(err, ERR_OVERFLOW, NULL, "amount is too large to compute exactly");
}

/* cp's plan lists the service and cp's category restriction admits it. */
static bool covers(const EngineInput *in, const EngineCustomerPlan *cp, const EngineService *s)
{
    if (cp->service_category && !engine_id_eq(cp->service_category, s->category_id))
        return false;
    return engine_find_plan_service(in, cp->plan_id, s->id) != NULL;
}

/* Another active assignment of the customer could claim the service in cycle. */
static bool contested(const EngineInput *in, const EngineCustomerPlan *cp,
                      const EngineService *s, Period cycle)
{
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *o = &in->customer_plans[i];
        if (o == cp || !engine_is_customers(in, o))
            continue;
        if (period_overlaps(engine_assignment_span(o), cycle) && covers(in, o, s))
            return true;
    }
    return false;
}

/* The maximal runs of billable days of cp in cycle, in order; returns the
 * number of runs (at most one per day, so ENGINE_MAX_RUNS suffices). */
#define ENGINE_MAX_RUNS 400
static int billable_runs(const EngineInput *in, const EngineCustomerPlan *cp,
                         const EngineService *service, Period cycle, Period *runs)
{
    Period p = period_intersect(cycle, engine_assignment_span(cp));
    const char *sid = service ? service->id : NULL;
    int n = 0;
    if (period_is_empty(p))
        return 0;
    if ((!service || !contested(in, cp, service, cycle)) &&
        engine_status_all_active(in, cp->plan_id, sid)) {
        runs[0] = p;
        return 1;
    }
    for (Date d = p.start; d < p.end; d++) {
        if (service && engine_plan_winner(in, service, d) != cp)
            continue;
        if (engine_status_on(in, cp->plan_id, sid, d) != ENGINE_STATUS_ACTIVE)
            continue;
        if (n > 0 && runs[n - 1].end == d)
            runs[n - 1].end = d + 1;
        else if (n < ENGINE_MAX_RUNS)
            runs[n++] = (Period){d, d + 1};
    }
    return n;
}

int engine_billable_days(const EngineInput *in, const EngineCustomerPlan *cp,
                         const EngineService *service, const char *bundle_id, Period cycle,
                         Date *first, Date *end)
{
    Period runs[ENGINE_MAX_RUNS];
    int n = billable_runs(in, cp, service, cycle, runs), days = 0;
    (void)bundle_id; /* bundles follow the plan's status; named for the reader */
    for (int i = 0; i < n; i++)
        days += period_days(runs[i]);
    if (first)
        *first = n ? runs[0].start : cycle.start;
    if (end)
        *end = n ? runs[n - 1].end : cycle.start;
    return days;
}

int engine_prorate_span(int64_t *out, Dec quantity, Dec rate, Period span, Period cycle,
                        const Currency *c, Rounding r, Error *err)
{
    int len = period_days(cycle), rc;
    Period x = period_intersect(span, cycle);
    int64_t hi, lo;
    *out = 0;
    if (period_is_empty(x) || len == 0)
        return 0;
    if ((rc = engine_prorate(&hi, quantity, rate, x.end - cycle.start, len, c, r, err)) < 0 ||
        (rc = engine_prorate(&lo, quantity, rate, x.start - cycle.start, len, c, r, err)) < 0)
        return rc;
    return money_sub(out, hi, lo, err);
}

int engine_fixed_amount(int64_t *out, int *days, const EngineInput *in,
                        const EngineCustomerPlan *cp, const EnginePlan *plan,
                        const EngineService *service, const EnginePlanService *ps,
                        const EngineBundle *bundle, Period cycle, Error *err)
{
    Dec qty, rate;
    Period runs[ENGINE_MAX_RUNS];
    int n, rc;
    if (bundle) {
        qty = dec_from_int(1);
        rate = bundle->bundle_price;
        n = billable_runs(in, cp, NULL, cycle, runs);
    } else {
        qty = dec_from_int(ps->quantity);
        rate = ps->has_custom_rate ? ps->custom_rate : service->default_rate;
        n = billable_runs(in, cp, service, cycle, runs);
    }
    const Currency *base = in->settings->base;
    Rounding r = in->settings->rounding;
    *days = 0;
    *out = 0;
    for (int i = 0; i < n; i++)
        *days += period_days(runs[i]);
    if (*days == 0)
        return 0;
    if (plan->no_proration)
        return engine_prorate_span(out, qty, rate, cycle, cycle, base, r, err);
    for (int i = 0; i < n; i++) {
        int64_t part;
        if ((rc = engine_prorate_span(&part, qty, rate, runs[i], cycle, base, r, err)) < 0 ||
            (rc = money_add(out, *out, part, err)) < 0)
            return rc;
    }
    return 0;
}

int engine_due_cycles(const EngineInput *in, const EngineCustomerPlan *cp, const EnginePlan *plan,
                      int (*fn)(Period cycle, void *ctx), void *ctx)
{
    Period span = engine_assignment_span(cp);
    if (period_is_empty(span))
        return 0;
    Date from = span.start;
    if (cp->has_charged_through && cp->charged_through > from)
        from = cp->charged_through;
    Period c = engine_cycle(cp, plan->frequency, from);
    if (cp->has_charged_through && c.start < cp->charged_through)
        c = engine_cycle(cp, plan->frequency, c.end); /* that cycle was billed */
    for (int guard = 0; guard < 100000; guard++) {
        if (c.start >= span.end)
            return 0;
        bool due = plan->timing == ENGINE_ADVANCE
                       ? (c.start > span.start ? c.start : span.start) < in->period.end
                       : c.end <= in->period.end;
        if (!due)
            return 0;
        int rc = fn(c, ctx);
        if (rc < 0)
            return rc;
        c = engine_cycle(cp, plan->frequency, c.end);
    }
    return 0;
}

/* ---- corrections of fees billed earlier ---- */

static bool same_key(const EnginePriorCharge *a, const EnginePriorCharge *b)
{
    return engine_id_eq(a->customer_plan_id, b->customer_plan_id) &&
           engine_id_eq(a->service_id, b->service_id) && engine_id_eq(a->bundle_id, b->bundle_id) &&
           a->cycle.start == b->cycle.start && a->cycle.end == b->cycle.end;
}

static const EngineCustomerPlan *find_cp(const EngineInput *in, const char *id)
{
    for (size_t i = 0; id && i < in->ncustomer_plans; i++)
        if (engine_id_eq(in->customer_plans[i].id, id) &&
            engine_is_customers(in, &in->customer_plans[i]))
            return &in->customer_plans[i];
    return NULL;
}

int engine_adjustment_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
{
    for (size_t i = 0; i < in->nprior_charges; i++) {
        const EnginePriorCharge *p = &in->prior_charges[i];
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = same_key(&in->prior_charges[k], p);
        if (dup)
            continue;
        int64_t billed = 0;
        for (size_t k = i; k < in->nprior_charges; k++)
            if (same_key(&in->prior_charges[k], p) &&
                money_add(&billed, billed, in->prior_charges[k].amount_base, err) < 0)
                return -ERR_OVERFLOW;

        const EngineCustomerPlan *cp = find_cp(in, p->customer_plan_id);
        const EnginePlan *plan = cp ? engine_find_plan(in, cp->plan_id) : NULL;
        const EngineService *svc = p->service_id ? engine_find_service(in, p->service_id) : NULL;
        const EngineBundle *bundle = p->bundle_id ? engine_find_bundle(in, p->bundle_id) : NULL;
        const EnginePlanService *ps =
            plan && svc ? engine_find_plan_service(in, plan->id, svc->id) : NULL;
        int64_t now = 0;
        int days = 0;
        EngineCharge l = {
            .kind = ENGINE_CHARGE_ADJUSTMENT,
            .customer_plan_id = p->customer_plan_id,
            .plan_id = plan ? plan->id : NULL,
            .plan_name = plan ? plan->name : p->plan_name,
            .service_id = p->service_id,
            .service_name = bundle ? bundle->name : svc ? svc->name : p->service_name ? p->service_name : p->service_id,
            .bundle_id = p->bundle_id,
            .period = p->cycle,
            .days_in_period = period_days(p->cycle),
            .quantity = dec_from_int(1),
            .unit = svc ? svc->unit : NULL,
        };
        /* What the cycle costs today; nothing if the assignment, the plan's
         * listing of the service or the bundle is gone. */
        bool priced = false;
        if (cp && plan && bundle) {
            int rc = engine_fixed_amount(&now, &days, in, cp, plan, NULL, NULL, bundle, p->cycle, err);
            if (rc < 0)
                return rc;
            l.rate = bundle->bundle_price;
            l.rate_source = ENGINE_RATE_BUNDLE;
            priced = true;
        } else if (cp && plan && svc && ps && !ps->bundle_id && svc->type == ENGINE_SERVICE_FIXED) {
            int rc = engine_fixed_amount(&now, &days, in, cp, plan, svc, ps, NULL, p->cycle, err);
            if (rc < 0)
                return rc;
            l.rate = ps->has_custom_rate ? ps->custom_rate : svc->default_rate;
            l.rate_source = ps->has_custom_rate ? ENGINE_RATE_CUSTOM : ENGINE_RATE_SERVICE_DEFAULT;
            l.quantity = dec_from_int(ps->quantity);
            priced = true;
        }
        /* Not priced (assignment, listing or bundle gone): now = 0, so
         * everything billed for the cycle is credited. */
        int64_t delta;
        if (money_sub(&delta, now, billed, err) < 0)
            return -ERR_OVERFLOW;
        if (delta == 0)
            continue;
        Date first = p->cycle.start, end = p->cycle.start;
        if (cp && priced)
            (void)engine_billable_days(in, cp, bundle ? NULL : svc, p->bundle_id, p->cycle, &first,
                                       &end);
        l.days_used = days;
        l.days_span = (Period){first, end};
        l.prior_amount_base = billed;
        l.amount_base = delta;
        int rc = engine_line_append(res, in, &l, arena, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}
