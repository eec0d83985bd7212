/* domain/engine_fixed.c — Fixed services: the recurring fee of each plan
 * service, per cycle, prorated by the days used.
 *
 * Exports: engine_fixed_charges.
 *
 * A Fixed service costs quantity x rate per cycle of its plan's frequency,
 * with rate = plan_services.custom_rate, else service_catalog.default_rate
 * (the plan's hourly rate is for Time services only). A cycle is billed when
 * engine_due_cycles says so (in arrears at its end by default, or in advance),
 * once: a cycle an earlier invoice billed is corrected by
 * engine_adjustment_charges instead. Services that came with a bundle are
 * billed by engine_bundle_charges at the bundle price, never here.
 */
#include "domain/engine.h"

typedef struct Ctx {
    EngineResult *res;
    const EngineInput *in;
    Arena *arena;
    Error *err;
    const EngineCustomerPlan *cp;
    const EnginePlan *plan;
} Ctx;

static int bill_cycle(Period cycle, void *p)
{
    Ctx *x = p;
    const EngineInput *in = x->in;
    int rc;
    for (size_t i = 0; i < in->nplan_services; i++) {
        const EnginePlanService *ps = &in->plan_services[i];
        if (!engine_id_eq(ps->plan_id, x->plan->id) || ps->bundle_id || ps->quantity == 0)
            continue;
        const EngineService *svc = engine_find_service(in, ps->service_id);
        if (!svc || svc->type != ENGINE_SERVICE_FIXED)
            continue;
        if (x->cp->service_category && !engine_id_eq(x->cp->service_category, svc->category_id))
            continue;
        if (engine_prior_exists(in, x->cp->id, svc->id, NULL, cycle))
            continue;
        int64_t amount;
        int days;
        if ((rc = engine_fixed_amount(&amount, &days, in, x->cp, x->plan, svc, ps, NULL, cycle,
                                      x->err)) < 0)
            return rc;
        if (days == 0)
            continue;
        Date first, end;
        (void)engine_billable_days(in, x->cp, svc, NULL, cycle, &first, &end);
        EngineCharge l = {
            .kind = ENGINE_CHARGE_FIXED,
            .customer_plan_id = x->cp->id,
            .plan_id = x->plan->id,
            .plan_name = x->plan->name,
            .service_id = svc->id,
            .service_name = svc->name,
            .period = cycle,
            .days_span = {first, end},
            .days_used = days,
            .days_in_period = period_days(cycle),
            .rate_source = ps->has_custom_rate ? ENGINE_RATE_CUSTOM : ENGINE_RATE_SERVICE_DEFAULT,
            .rate = ps->has_custom_rate ? ps->custom_rate : svc->default_rate,
            .quantity = dec_from_int(ps->quantity),
            .unit = svc->unit,
            .amount_base = amount,
        };
        if (x->plan->no_proration && days < l.days_in_period)
            l.note = "the plan does not prorate: a partial cycle is billed in full";
        if ((rc = engine_line_append(x->res, in, &l, x->arena, x->err)) < 0)
            return rc;
    }
    return engine_charged_through_update(x->res, x->cp->id, cycle.end, x->arena, x->err);
}

int engine_fixed_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
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
