/* domain/engine_bundle.c — service bundles: one line per bundle and cycle at
 * the bundle price, instead of the fees of the services inside it.
 *
 * Exports: engine_bundle_charges.
 *
 * A plan holds a bundle when some of its plan_services rows carry the
 * bundle's id (they were added with it). The bundle costs bundle_price per
 * cycle of the plan, prorated by the days the assignment covers and is not
 * suspended or cancelled at customer or plan level, exactly like a Fixed
 * service of quantity 1. The member services' own Fixed fees are not billed
 * (engine_fixed.c skips them, and precedence gives a bundled service to the
 * bundle's plan); their Time and Usage are metered as usual. The trace lists
 * the members and what they would have cost separately.
 */
#include "domain/engine.h"

#include <stdio.h>
#include <string.h>

typedef struct Ctx {
    EngineResult *res;
    const EngineInput *in;
    Arena *arena;
    Error *err;
    const EngineCustomerPlan *cp;
    const EnginePlan *plan;
} Ctx;

/* "covers Monitoring, Backup (separately 150.00)": the members of b in the plan. */
static const char *members(const Ctx *x, const EngineBundle *b)
{
    const EngineInput *in = x->in;
    char buf[512];
    size_t n = 0;
    int64_t sum = 0;
    bool overflow = false, first = true;
    n += (size_t)snprintf(buf, sizeof buf, "covers");
    for (size_t i = 0; i < in->nplan_services; i++) {
        const EnginePlanService *ps = &in->plan_services[i];
        if (!engine_id_eq(ps->plan_id, x->plan->id) || !engine_id_eq(ps->bundle_id, b->id))
            continue;
        const EngineService *s = engine_find_service(in, ps->service_id);
        if (!s)
            continue;
        if (n < sizeof buf)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %s", first ? "" : ",",
                                  s->name ? s->name : s->id);
        first = false;
        if (s->type == ENGINE_SERVICE_FIXED) {
            int64_t one;
            Dec rate = ps->has_custom_rate ? ps->custom_rate : s->default_rate;
            if (money_from_product(&one, dec_from_int(ps->quantity), rate, in->settings->base,
                                   in->settings->rounding, NULL) < 0 ||
                money_add(&sum, sum, one, NULL) < 0)
                overflow = true;
        }
    }
    char amt[MONEY_FORMAT_MAX];
    if (!overflow && money_format(amt, sizeof amt, sum, in->settings->base) >= 0 && n < sizeof buf)
        snprintf(buf + n, sizeof buf - n, " (their fixed fees separately: %s per cycle)", amt);
    return arena_strdup(x->arena, buf);
}

static int bill_cycle(Period cycle, void *p)
{
    Ctx *x = p;
    const EngineInput *in = x->in;
    int rc;
    for (size_t i = 0; i < in->nplan_services; i++) {
        const EnginePlanService *ps = &in->plan_services[i];
        if (!engine_id_eq(ps->plan_id, x->plan->id) || !ps->bundle_id)
            continue;
        bool seen = false; /* one line per bundle, at its first member */
        for (size_t k = 0; k < i && !seen; k++)
            seen = engine_id_eq(in->plan_services[k].plan_id, x->plan->id) &&
                   engine_id_eq(in->plan_services[k].bundle_id, ps->bundle_id);
        if (seen)
            continue;
        const EngineBundle *b = engine_find_bundle(in, ps->bundle_id);
        if (!b)
            return err_set(x->err, ERR_INVALID, "bundle_id", "plan \"%s\" names an unknown bundle",
                           x->plan->name ? x->plan->name : "-");
        if (engine_prior_exists(in, x->cp->id, NULL, b->id, cycle))
            continue;
        int64_t amount;
        int days;
        if ((rc = engine_fixed_amount(&amount, &days, in, x->cp, x->plan, NULL, NULL, b, cycle,
                                      x->err)) < 0)
            return rc;
        if (days == 0)
            continue;
        Date first, end;
        (void)engine_billable_days(in, x->cp, NULL, b->id, cycle, &first, &end);
        EngineCharge l = {
            .kind = ENGINE_CHARGE_BUNDLE,
            .customer_plan_id = x->cp->id,
            .plan_id = x->plan->id,
            .plan_name = x->plan->name,
            .service_name = b->name,
            .bundle_id = b->id,
            .period = cycle,
            .days_span = {first, end},
            .days_used = days,
            .days_in_period = period_days(cycle),
            .rate_source = ENGINE_RATE_BUNDLE,
            .rate = b->bundle_price,
            .quantity = dec_from_int(1),
            .amount_base = amount,
            .note = members(x, b),
        };
        if (!l.note)
            return engine_oom(x->err);
        if ((rc = engine_line_append(x->res, in, &l, x->arena, x->err)) < 0)
            return rc;
    }
    return engine_charged_through_update(x->res, x->cp->id, cycle.end, x->arena, x->err);
}

int engine_bundle_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
{
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *cp = &in->customer_plans[i];
        const EnginePlan *plan = engine_find_plan(in, cp->plan_id);
        if (!engine_is_customers(in, cp) || !plan)
            continue;
        Ctx x = {res, in, arena, err, cp, plan};
        int rc = engine_due_cycles(in, cp, plan, bill_cycle, &x);
        if (rc < 0)
            return rc;
    }
    return 0;
}
