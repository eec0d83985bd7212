/* domain/engine_usage.c — Usage services: quantity x rate, tiers and
 * packages.
 *
 * Exports: engine_usage_charges, engine_usage_price, engine_pricing_validate,
 * engine_usage_needs_approval.
 *
 * Records are screened like time entries (customer, approval, plan by
 * precedence on the usage date, status that day), summed per (assignment,
 * service, cycle), and the sum is priced once:
 *   per_unit   quantity x rate (prices may have 6+ decimals: 0.000015/unit);
 *   graduated  each tier's share of the quantity at that tier's rate, plus the
 *              flat fee of every tier the quantity reaches (Stripe, Lago);
 *   volume     the whole quantity at the rate of the tier it ends in, plus that
 *              tier's flat fee;
 *   package    ceil(quantity / package_size) packages x rate per package.
 * Every term is carried exactly in 128 bits at a common scale and the sum is
 * rounded once to minor units. A cycle that earlier invoices already billed
 * some usage of (late records) is priced at the margin:
 * price(before + now) - amount billed before, so tiers continue where they
 * stopped instead of restarting at zero.
 */
#include "domain/engine.h"

#include <stdio.h>

bool engine_usage_needs_approval(const EngineUsageRecord *u, const EngineSettings *s)
{
    return s->has_usage_approval && dec_cmp(u->quantity, s->usage_approval_quantity) > 0;
}

int engine_pricing_validate(const EnginePlanService *ps, Error *err)
{
    if (ps->has_custom_rate && dec_is_negative(ps->custom_rate))
        return err_set(err, ERR_RANGE, "custom_rate", "custom_rate must not be negative");
    bool tiered = ps->pricing == ENGINE_PRICE_GRADUATED || ps->pricing == ENGINE_PRICE_VOLUME;
    if (!tiered && ps->ntiers > 0)
        return err_set(err, ERR_INVALID, "tiers", "tiers apply to graduated or volume pricing, not %s",
                       engine_pricing_name(ps->pricing));
    switch (ps->pricing) {
    case ENGINE_PRICE_PER_UNIT: return 0;
    case ENGINE_PRICE_PACKAGE:
        if (ps->package_size.coef <= 0)
            return err_set(err, ERR_RANGE, "package_size", "package_size must be positive");
        return 0;
    case ENGINE_PRICE_GRADUATED:
    case ENGINE_PRICE_VOLUME: break;
    }
    if (ps->ntiers == 0 || !ps->tiers)
        return err_set(err, ERR_REQUIRED, "tiers", "%s pricing needs at least one tier",
                       engine_pricing_name(ps->pricing));
    for (size_t i = 0; i < ps->ntiers; i++) {
        const EngineTier *t = &ps->tiers[i];
        char field[48];
        if (dec_is_negative(t->unit_rate) || dec_is_negative(t->flat_fee)) {
            snprintf(field, sizeof field, "tiers[%zu].%s", i, dec_is_negative(t->unit_rate) ? "unit_rate" : "flat_fee");
            return err_set(err, ERR_RANGE, field, "tier rates and fees must not be negative");
        }
        snprintf(field, sizeof field, "tiers[%zu].up_to", i);
        if (t->unbounded != (i + 1 == ps->ntiers))
            return err_set(err, ERR_INVALID, field, "only the last tier is unbounded (up_to null), and it must be");
        if (!t->unbounded &&
            (t->up_to.coef <= 0 || (i > 0 && dec_cmp(t->up_to, ps->tiers[i - 1].up_to) <= 0)))
            return err_set(err, ERR_INVALID, field, "tier bounds must be positive and increase");
    }
    return 0;
}

/* An exact sum of products and amounts at one scale. */
typedef struct Acc {
    __int128 v;
    int scale;
    bool overflow;
} Acc;

static void acc_add_scaled(Acc *a, __int128 coef, int scale)
{
    for (int k = scale; k < a->scale; k++)
        if (__builtin_mul_overflow(coef, (__int128)10, &coef))
            a->overflow = true;
    if (__builtin_add_overflow(a->v, coef, &a->v))
        a->overflow = true;
}

static void acc_product(Acc *a, Dec x, Dec y)
{
    acc_add_scaled(a, (__int128)x.coef * y.coef, x.scale + y.scale);
}

static int acc_round(int64_t *out, const Acc *a, const Currency *c, Rounding r, Error *err)
{
    __int128 v = a->v;
    bool ok = !a->overflow;
    if (ok && a->scale >= c->exponent)
        ok = dec_round_div_pow10(out, v, a->scale - c->exponent, r);
    else if (ok) {
        for (int k = a->scale; k < c->exponent && ok; k++)
            ok = !__builtin_mul_overflow(v, (__int128)10, &v);
        ok = ok && dec_round_div_pow10(out, v, 0, r);
    }
    if (!ok)
        return err_set(err, ERR_OVERFLOW, NULL, "usage amount is too large to compute exactly");
    return 0;
}

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

/* The units of quantity q that fall in tier i: min(q, up_to) - lower, >= 0. */
static Dec tier_units(const EnginePlanService *ps, size_t i, Dec q)
{
    Dec lower = i == 0 ? dec_from_int(0) : ps->tiers[i - 1].up_to, top = q, u;
    if (!ps->tiers[i].unbounded && dec_cmp(ps->tiers[i].up_to, q) < 0)
        top = ps->tiers[i].up_to;
    if (dec_cmp(top, lower) <= 0 || dec_sub(&u, top, lower, NULL) < 0)
        return dec_from_int(0);
    return u;
}

int engine_usage_price(int64_t *out, Dec *packages, Dec quantity, const EnginePlanService *ps,
                       Dec rate, const Currency *c, Rounding r, Error *err)
{
    int rc;
    if (packages)
        *packages = dec_from_int(0);
    *out = 0;
    if (dec_is_negative(quantity))
        return err_set(err, ERR_RANGE, "quantity", "usage quantity must not be negative");
    if ((rc = engine_pricing_validate(ps, err)) < 0)
        return rc;
    if (dec_is_zero(quantity))
        return 0;
    switch (ps->pricing) {
    case ENGINE_PRICE_PER_UNIT:
        return money_from_product(out, quantity, rate, c, r, err);
    case ENGINE_PRICE_PACKAGE: {
        /* ceil(q / size) in 128 bits: q.coef * 10^size.scale / (size.coef * 10^q.scale) */
        __int128 num = quantity.coef, den = ps->package_size.coef;
        for (int k = 0; k < ps->package_size.scale; k++)
            num *= 10;
        for (int k = 0; k < quantity.scale; k++)
            den *= 10;
        __int128 p = (num + den - 1) / den;
        if (p > INT64_MAX)
            return err_set(err, ERR_OVERFLOW, NULL, "too many packages to compute");
        Dec np = dec_from_int((int64_t)p);
        if (packages)
            *packages = np;
        return money_from_product(out, np, rate, c, r, err);
    }
    case ENGINE_PRICE_VOLUME: {
        size_t t = 0;
        while (!ps->tiers[t].unbounded && dec_cmp(quantity, ps->tiers[t].up_to) > 0)
            t++;
        Acc a = {.scale = max_i(quantity.scale + ps->tiers[t].unit_rate.scale,
                                ps->tiers[t].flat_fee.scale)};
        acc_product(&a, quantity, ps->tiers[t].unit_rate);
        acc_add_scaled(&a, ps->tiers[t].flat_fee.coef, ps->tiers[t].flat_fee.scale);
        return acc_round(out, &a, c, r, err);
    }
    case ENGINE_PRICE_GRADUATED: {
        Acc a = {.scale = 0};
        for (size_t i = 0; i < ps->ntiers; i++) {
            Dec u = tier_units(ps, i, quantity);
            a.scale = max_i(a.scale, max_i(u.scale + ps->tiers[i].unit_rate.scale,
                                           ps->tiers[i].flat_fee.scale));
        }
        for (size_t i = 0; i < ps->ntiers; i++) {
            Dec u = tier_units(ps, i, quantity);
            if (dec_is_zero(u))
                break;
            acc_product(&a, u, ps->tiers[i].unit_rate);
            acc_add_scaled(&a, ps->tiers[i].flat_fee.coef, ps->tiers[i].flat_fee.scale);
        }
        return acc_round(out, &a, c, r, err);
    }
    }
    return err_set(err, ERR_INVALID, "pricing_model", "unknown pricing model");
}

static EngineOutcome screen(const EngineInput *in, const EngineUsageRecord *u)
{
    if (!engine_id_eq(u->customer_id, in->customer->id))
        return ENGINE_OUT_OTHER_CUSTOMER;
    if (u->approval == ENGINE_APPROVAL_REJECTED)
        return ENGINE_OUT_REJECTED;
    if (u->approval == ENGINE_APPROVAL_PENDING ||
        (u->approval == ENGINE_APPROVAL_NONE && engine_usage_needs_approval(u, in->settings)))
        return ENGINE_OUT_PENDING_APPROVAL;
    return ENGINE_OUT_BILLED;
}

typedef struct Group {
    const EngineCustomerPlan *cp;
    const EnginePlan *plan;
    const EngineService *svc;
    const EnginePlanService *ps;
    Period cycle;
    Dec qty;
    int n;
    bool late;
    int line;
} Group;

/* Quantity and amount earlier invoices billed for the group's cycle. */
static int prior(Dec *qty, int64_t *amount, const EngineInput *in, const Group *g, Error *err)
{
    *qty = dec_from_int(0);
    *amount = 0;
    for (size_t i = 0; i < in->nprior_usage; i++) {
        const EnginePriorUsage *p = &in->prior_usage[i];
        if (!engine_id_eq(p->customer_plan_id, g->cp->id) ||
            !engine_id_eq(p->service_id, g->svc->id) || p->cycle.start != g->cycle.start ||
            p->cycle.end != g->cycle.end)
            continue;
        int rc;
        if ((rc = dec_add(qty, *qty, p->quantity, err)) < 0 ||
            (rc = money_add(amount, *amount, p->amount_base, err)) < 0)
            return rc;
    }
    return 0;
}

static int price_group(EngineResult *res, const EngineInput *in, Group *g, Arena *arena, Error *err)
{
    const EnginePlanService *ps = g->ps;
    Dec rate = ps->has_custom_rate ? ps->custom_rate : g->svc->default_rate, before, total, pk;
    EngineRateSource src = ps->has_custom_rate ? ENGINE_RATE_CUSTOM : ENGINE_RATE_SERVICE_DEFAULT;
    int64_t billed, amount;
    int rc;
    if (ps->pricing == ENGINE_PRICE_GRADUATED || ps->pricing == ENGINE_PRICE_VOLUME) {
        src = ENGINE_RATE_TIERS;
        rate = ps->tiers[0].unit_rate;
    }
    if ((rc = prior(&before, &billed, in, g, err)) < 0 || (rc = dec_add(&total, before, g->qty, err)) < 0)
        return rc;
    if ((rc = engine_usage_price(&amount, &pk, total, ps, rate, in->settings->base,
                                 in->settings->rounding, err)) < 0)
        return rc;
    EngineCharge l = {
        .kind = ENGINE_CHARGE_USAGE,
        .customer_plan_id = g->cp->id,
        .plan_id = g->plan->id,
        .plan_name = g->plan->name,
        .service_id = g->svc->id,
        .service_name = g->svc->name,
        .period = g->cycle,
        .rate_source = src,
        .rate = rate,
        .quantity = g->qty,
        .unit = g->svc->unit,
        .nsources = g->n,
        .late = g->late,
    };
    if (money_sub(&l.amount_base, amount, billed, err) < 0)
        return -ERR_OVERFLOW;
    char nb[DEC_FORMAT_MAX], nt[DEC_FORMAT_MAX], np[DEC_FORMAT_MAX], ns[DEC_FORMAT_MAX];
    dec_format_trim(nb, sizeof nb, before);
    dec_format_trim(nt, sizeof nt, total);
    dec_format_trim(np, sizeof np, pk);
    dec_format_trim(ns, sizeof ns, ps->package_size);
    const char *pricing = engine_pricing_name(ps->pricing);
    if (!dec_is_zero(before))
        l.note = arena_printf(arena, "%s pricing; %s already billed this cycle, priced at the "
                              "margin of %s", pricing, nb, nt);
    else if (ps->pricing == ENGINE_PRICE_PACKAGE)
        l.note = arena_printf(arena, "package pricing: %s packages of %s, rounded up", np, ns);
    else
        l.note = arena_printf(arena, "%s pricing", pricing);
    if (!l.note)
        return engine_oom(err);
    return engine_line_append(res, in, &l, arena, err);
}

int engine_usage_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
{
    size_t n = in->nusage, ngroups = 0;
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
        const EngineUsageRecord *u = &in->usage[i];
        EngineSourceResult *r = &res->usage[i];
        char field[64];
        *r = (EngineSourceResult){.outcome = screen(in, u), .line = -1};
        gi[i] = -1;
        if (r->outcome != ENGINE_OUT_BILLED)
            continue;
        if (dec_is_negative(u->quantity)) {
            snprintf(field, sizeof field, "usage[%zu].quantity", i);
            return err_set(err, ERR_RANGE, field, "usage quantity must not be negative");
        }
        const EngineService *svc = engine_service_index_find(&services, u->service_id);
        if (!svc) {
            snprintf(field, sizeof field, "usage[%zu].service_id", i);
            return err_set(err, ERR_INVALID, field, "usage record names an unknown service");
        }
        EngineWinner w;
        if ((rc = engine_route_record(&w, r, &winners, in, svc, ENGINE_SERVICE_USAGE, u->usage_date, arena, err)) < 0)
            return rc;
        if (r->outcome != ENGINE_OUT_BILLED)
            continue;
        const EngineCustomerPlan *cp = w.cp;
        const EnginePlan *plan = w.plan;
        r->cycle = engine_cycle_memo(&memo, cp, plan->frequency, u->usage_date);
        if (r->cycle.end > in->period.end) {
            r->outcome = ENGINE_OUT_NOT_DUE;
            continue;
        }
        size_t g = 0;
        while (g < ngroups && !(groups[g].cp == cp && groups[g].svc == svc &&
                                groups[g].cycle.start == r->cycle.start &&
                                groups[g].cycle.end == r->cycle.end))
            g++;
        if (g == ngroups)
            groups[ngroups++] = (Group){cp, plan, svc, w.ps,
                                        r->cycle, dec_from_int(0), 0, false, -1};
        if ((rc = dec_add(&groups[g].qty, groups[g].qty, u->quantity, err)) < 0)
            return rc;
        groups[g].n++;
        if (r->cycle.end <= in->period.start)
            groups[g].late = true;
        gi[i] = (int)g;
    }
    for (size_t g = 0; g < ngroups; g++) {
        if (dec_is_zero(groups[g].qty))
            continue;
        if ((rc = price_group(res, in, &groups[g], arena, err)) < 0)
            return rc;
        groups[g].line = rc;
    }
    for (size_t i = 0; i < n; i++)
        if (gi[i] >= 0)
            res->usage[i].line = groups[gi[i]].line;
    return 0;
}
