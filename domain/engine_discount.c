/* domain/engine_discount.c — discounts and promotions on the rated lines.
 *
 * Exports: engine_discount_charges, engine_discount_days,
 * engine_discount_needs_approval.
 *
 * A plan_discounts link gives a discount its scope: a service (service_id
 * set), a plan (plan_id set) or the whole invoice (neither); company_id makes
 * it the customer's own, otherwise it is the plan's default for everyone. The
 * rules (docs/billing-rules.md, with examples):
 *  - only active discounts, and only for the days of their date range: a
 *    discount covering k of a line's n days takes k/n of its value (prorated);
 *  - a customer's own discount on a plan overrides that plan's defaults;
 *  - a discount above the tenant's approval threshold is applied only once
 *    approved; until then it is listed in res->approvals;
 *  - order: service scope, then plan, then invoice; inside a scope
 *    percentages before fixed amounts; each works on what the previous left;
 *  - percentages of service and plan scope apply line by line (to credits
 *    too, so a credit mirrors the discounted charge); a fixed amount on a
 *    service applies to each of its lines, prorated by the line's days; on a
 *    plan once per assignment per invoice and on the invoice once, prorated
 *    over the invoice period and spread over the positive lines in
 *    proportion to what they still owe (largest remainder, exact to the
 *    cent); an invoice-wide percentage is computed on the invoice's total
 *    once and spread the same way;
 *  - never below zero: no line's discount exceeds what the line still owes.
 * Every amount is rounded once, in the invoice currency.
 */
#include "domain/engine.h"

#include <stdio.h>
#include <string.h>

int engine_discount_days(const EngineDiscount *d, Period p)
{
    if (!d->is_active)
        return 0;
    Date lo = p.start, hi = p.end;
    if (d->has_start_date && d->start_date > lo)
        lo = d->start_date;
    if (d->has_end_date && date_add_days(d->end_date, 1) < hi)
        hi = date_add_days(d->end_date, 1);
    return hi > lo ? hi - lo : 0;
}

bool engine_discount_needs_approval(const EngineDiscount *d, const EngineSettings *s)
{
    if (d->type == ENGINE_DISCOUNT_PERCENTAGE)
        return s->has_discount_approval_percent && dec_cmp(d->value, s->discount_approval_percent) > 0;
    return s->discount_approval_amount > 0 && s->base &&
           dec_cmp(d->value, dec_make(s->discount_approval_amount, s->base->exponent)) > 0;
}

typedef struct Link {
    const EnginePlanDiscount *pd;
    const EngineDiscount *d;
    EngineDiscountScope scope;
} Link;

typedef struct Ctx {
    EngineResult *res;
    const EngineInput *in;
    Arena *arena;
    Error *err;
    int64_t *rem;     /* what each line still owes */
    int64_t *weights; /* scratch for allocations */
    size_t *idx;      /* scratch: the lines of an allocation */
    size_t maxd;      /* capacity of each line's discounts array */
} Ctx;

static const EngineDiscount *find_discount(const EngineInput *in, const char *id)
{
    for (size_t i = 0; id && i < in->ndiscounts; i++)
        if (engine_id_eq(in->discounts[i].id, id))
            return &in->discounts[i];
    return NULL;
}

static bool approved(const EngineDiscount *d, const EngineSettings *s)
{
    if (d->approval == ENGINE_APPROVAL_APPROVED)
        return true;
    if (d->approval != ENGINE_APPROVAL_NONE)
        return false;
    return !engine_discount_needs_approval(d, s);
}

/* Applicable: a link of this customer (or a default), active, in force some
 * day of the invoice period, approved when it has to be. */
static bool usable(const EngineInput *in, const EnginePlanDiscount *pd, const EngineDiscount *d)
{
    return d && (!pd->customer_id || engine_id_eq(pd->customer_id, in->customer->id)) &&
           d->is_active && engine_discount_days(d, in->period) > 0 && approved(d, in->settings);
}

static bool overridden(const EngineInput *in, const EnginePlanDiscount *pd)
{
    if (pd->customer_id || !pd->plan_id)
        return false;
    for (size_t i = 0; i < in->nplan_discounts; i++) {
        const EnginePlanDiscount *o = &in->plan_discounts[i];
        if (o->customer_id && engine_id_eq(o->customer_id, in->customer->id) &&
            engine_id_eq(o->plan_id, pd->plan_id) && usable(in, o, find_discount(in, o->discount_id)))
            return true;
    }
    return false;
}

static int need_approval(EngineResult *res, const EngineInput *in, const EngineDiscount *d,
                         Arena *arena, Error *err)
{
    for (size_t i = 0; i < res->napprovals; i++)
        if (engine_id_eq(res->approvals[i].discount_id, d->id))
            return 0;
    EngineApprovalNeeded *a = engine_push(arena, (void **)&res->approvals, &res->napprovals,
                                          &res->capapprovals, sizeof *a);
    if (!a)
        return engine_oom(err);
    char v[DEC_FORMAT_MAX], t[MONEY_FORMAT_MAX] = "";
    dec_format_trim(v, sizeof v, d->value);
    a->discount_id = d->id;
    a->name = d->name;
    if (d->approval == ENGINE_APPROVAL_REJECTED)
        a->reason = "the discount's approval was rejected";
    else if (d->type == ENGINE_DISCOUNT_PERCENTAGE) {
        char p[DEC_FORMAT_MAX] = "";
        if (in->settings->has_discount_approval_percent)
            dec_format_trim(p, sizeof p, in->settings->discount_approval_percent);
        a->reason = p[0] ? arena_printf(arena, "%s%% exceeds the approval threshold of %s%%", v, p)
                         : "the discount waits for approval";
    } else {
        money_format(t, sizeof t, in->settings->discount_approval_amount, in->settings->base);
        a->reason = in->settings->discount_approval_amount > 0
                        ? arena_printf(arena, "%s %s exceeds the approval threshold of %s %s", v,
                                       in->settings->base->code, t, in->settings->base->code)
                        : "the discount waits for approval";
    }
    return a->reason ? 0 : engine_oom(err);
}

/* round(v x num / den) for a percentage: v x pct x num / (100 x den). */
static int percent_of(int64_t *out, int64_t v, Dec pct, int num, int den, Rounding r, Error *err)
{
    __int128 n, d = (__int128)den * 100;
    if (__builtin_mul_overflow((__int128)v, (__int128)pct.coef, &n) ||
        __builtin_mul_overflow(n, (__int128)num, &n))
        goto overflow;
    for (int k = 0; k < pct.scale; k++)
        d *= 10;
    if (!dec_round_div(out, n, d, r))
        goto overflow;
    return 0;
overflow:
    return err_set(err, ERR_OVERFLOW, NULL, "discount is too large to compute exactly");
}

/* A fixed value (base currency) x num / den in the invoice currency, rounded once. */
static int fixed_of(int64_t *out, const Ctx *x, Dec value, int num, int den)
{
    const Currency *base = x->in->settings->base, *cur = x->res->currency;
    Dec rate = cur == base ? dec_from_int(1) : x->res->exchange_rate_to_base;
    __int128 n, d = (__int128)den * rate.coef;
    if (__builtin_mul_overflow((__int128)value.coef, (__int128)num, &n))
        goto overflow;
    for (int k = 0; k < cur->exponent + rate.scale; k++)
        if (__builtin_mul_overflow(n, (__int128)10, &n))
            goto overflow;
    for (int k = 0; k < value.scale; k++)
        if (__builtin_mul_overflow(d, (__int128)10, &d))
            goto overflow;
    if (!dec_round_div(out, n, d, x->in->settings->rounding))
        goto overflow;
    return 0;
overflow:
    return err_set(x->err, ERR_OVERFLOW, NULL, "discount is too large to compute exactly");
}

static int64_t cap(int64_t amt, int64_t rem)
{
    if (rem >= 0)
        return amt < 0 ? 0 : amt > rem ? rem : amt;
    return amt > 0 ? 0 : amt < rem ? rem : amt; /* credits: never beyond the credit */
}

static void record(Ctx *x, size_t li, const Link *k, int days_in, int days, int64_t amt)
{
    EngineCharge *l = &x->res->lines[li];
    if (amt == 0 || (size_t)l->ndiscounts >= x->maxd)
        return;
    l->discounts[l->ndiscounts++] = (EngineDiscountApplied){
        .discount_id = k->d->id,
        .name = k->d->name,
        .scope = k->scope,
        .type = k->d->type,
        .value = k->d->value,
        .days_in_force = days_in,
        .days = days,
        .amount = amt,
    };
    l->discount += amt;
    x->rem[li] -= amt;
}

static bool targets(const EngineCharge *l, const Link *k)
{
    switch (k->scope) {
    case ENGINE_SCOPE_SERVICE:
        return l->service_id && engine_id_eq(l->service_id, k->pd->service_id) &&
               (!k->pd->plan_id || engine_id_eq(l->plan_id, k->pd->plan_id));
    case ENGINE_SCOPE_PLAN: return l->plan_id && engine_id_eq(l->plan_id, k->pd->plan_id);
    case ENGINE_SCOPE_INVOICE: return true;
    }
    return false;
}

/* Spreads `total` over the positive lines listed in x->idx[0..n) by what
 * they still owe; total is first capped at their sum. */
static int spread(Ctx *x, size_t n, const Link *k, int64_t total, int days_in, int days)
{
    int64_t sum = 0;
    if (n == 0 || total <= 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        x->weights[i] = x->rem[x->idx[i]]; /* all > 0 */
    int rc = money_sum(&sum, x->weights, n, x->err);
    if (rc < 0)
        return rc;
    if (total > sum)
        total = sum;
    if ((rc = money_allocate(x->weights, total, x->weights, n, x->err)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        record(x, x->idx[i], k, days_in, days, cap(x->weights[i], x->rem[x->idx[i]]));
    return 0;
}

static int apply(Ctx *x, const Link *k)
{
    const EngineInput *in = x->in;
    EngineResult *res = x->res;
    const EngineDiscount *d = k->d;
    Rounding r = in->settings->rounding;
    int rc;
    int pin = engine_discount_days(d, in->period), pdays = period_days(in->period);

    /* Percentages of service and plan scope, and fixed amounts of service
     * scope: line by line, prorated by the line's own period. */
    if (k->scope == ENGINE_SCOPE_SERVICE ||
        (k->scope == ENGINE_SCOPE_PLAN && d->type == ENGINE_DISCOUNT_PERCENTAGE)) {
        for (size_t i = 0; i < res->nlines; i++) {
            const EngineCharge *l = &res->lines[i];
            if (!targets(l, k) || x->rem[i] == 0)
                continue;
            int days = period_days(l->period), din = engine_discount_days(d, l->period);
            if (days == 0 || din == 0)
                continue;
            int64_t amt;
            if (d->type == ENGINE_DISCOUNT_PERCENTAGE)
                rc = percent_of(&amt, x->rem[i], d->value, din, days, r, x->err);
            else if (x->rem[i] < 0)
                continue; /* fixed amounts never reduce a credit */
            else
                rc = fixed_of(&amt, x, d->value, din, days);
            if (rc < 0)
                return rc;
            record(x, i, k, din, days, cap(amt, x->rem[i]));
        }
        return 0;
    }
    if (pin == 0)
        return 0;
    if (k->scope == ENGINE_SCOPE_PLAN) {
        /* A fixed amount per assignment of the plan, per invoice. */
        for (size_t i = 0; i < res->nlines; i++) {
            const EngineCharge *l = &res->lines[i];
            if (!targets(l, k))
                continue;
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                seen = targets(&res->lines[j], k) &&
                       engine_id_eq(res->lines[j].customer_plan_id, l->customer_plan_id);
            if (seen)
                continue;
            size_t n = 0;
            for (size_t j = i; j < res->nlines; j++)
                if (targets(&res->lines[j], k) &&
                    engine_id_eq(res->lines[j].customer_plan_id, l->customer_plan_id) &&
                    x->rem[j] > 0)
                    x->idx[n++] = j;
            int64_t total;
            if ((rc = fixed_of(&total, x, d->value, pin, pdays)) < 0 ||
                (rc = spread(x, n, k, total, pin, pdays)) < 0)
                return rc;
        }
        return 0;
    }
    /* Invoice scope: on the total of the positive lines, then spread. */
    size_t n = 0;
    int64_t owed = 0;
    for (size_t i = 0; i < res->nlines; i++)
        if (x->rem[i] > 0) {
            x->idx[n++] = i;
            if ((rc = money_add(&owed, owed, x->rem[i], x->err)) < 0)
                return rc;
        }
    int64_t total;
    if (d->type == ENGINE_DISCOUNT_PERCENTAGE)
        rc = percent_of(&total, owed, d->value, pin, pdays, r, x->err);
    else
        rc = fixed_of(&total, x, d->value, pin, pdays);
    if (rc < 0)
        return rc;
    return spread(x, n, k, total, pin, pdays);
}

bool engine_discount_value_ok(const EngineDiscount *d)
{
    return !dec_is_negative(d->value) &&
           (d->type != ENGINE_DISCOUNT_PERCENTAGE || dec_cmp(d->value, dec_from_int(100)) <= 0);
}

int engine_discount_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
{
    int rc;
    size_t nl = 0;
    Link *links = NULL;
    if (in->nplan_discounts) {
        links = ARENA_ARRAY(arena, Link, in->nplan_discounts);
        if (!links)
            return engine_oom(err);
    }
    for (size_t i = 0; i < in->nplan_discounts; i++) {
        const EnginePlanDiscount *pd = &in->plan_discounts[i];
        const EngineDiscount *d = find_discount(in, pd->discount_id);
        if (!d) {
            char field[64];
            snprintf(field, sizeof field, "plan_discounts[%zu].discount_id", i);
            return err_set(err, ERR_INVALID, field, "plan discount names an unknown discount");
        }
        if (pd->customer_id && !engine_id_eq(pd->customer_id, in->customer->id))
            continue;
        if (!d->is_active || engine_discount_days(d, in->period) == 0)
            continue;
        if (!engine_discount_value_ok(d)) {
            char field[64];
            snprintf(field, sizeof field, "discounts[%zu].value", (size_t)(d - in->discounts));
            return err_set(err, ERR_RANGE, field,
                           "a discount is a percentage of 0 to 100 or a non-negative amount");
        }
        if (!approved(d, in->settings)) {
            if ((rc = need_approval(res, in, d, arena, err)) < 0)
                return rc;
            continue;
        }
        if (overridden(in, pd))
            continue;
        links[nl++] = (Link){pd, d,
                             pd->service_id ? ENGINE_SCOPE_SERVICE
                             : pd->plan_id  ? ENGINE_SCOPE_PLAN
                                            : ENGINE_SCOPE_INVOICE};
    }
    for (size_t i = 0; i < res->nlines; i++) {
        EngineCharge *l = &res->lines[i];
        l->discount = 0;
        l->ndiscounts = 0;
        l->net = l->total = l->amount;
    }
    if (nl == 0 || res->nlines == 0)
        return 0;

    Ctx x = {res, in, arena, err, NULL, NULL, NULL, nl};
    x.rem = ARENA_ARRAY(arena, int64_t, res->nlines);
    x.weights = ARENA_ARRAY(arena, int64_t, res->nlines);
    x.idx = ARENA_ARRAY(arena, size_t, res->nlines);
    if (!x.rem || !x.weights || !x.idx)
        return engine_oom(err);
    for (size_t i = 0; i < res->nlines; i++) {
        x.rem[i] = res->lines[i].amount;
        res->lines[i].discounts = ARENA_ARRAY(arena, EngineDiscountApplied, nl);
        if (!res->lines[i].discounts)
            return engine_oom(err);
    }
    static const EngineDiscountScope order[] = {ENGINE_SCOPE_SERVICE, ENGINE_SCOPE_PLAN,
                                                ENGINE_SCOPE_INVOICE};
    static const EngineDiscountType types[] = {ENGINE_DISCOUNT_PERCENTAGE, ENGINE_DISCOUNT_FIXED};
    for (size_t s = 0; s < 3; s++)
        for (size_t t = 0; t < 2; t++)
            for (size_t i = 0; i < nl; i++)
                if (links[i].scope == order[s] && links[i].d->type == types[t] &&
                    (rc = apply(&x, &links[i])) < 0)
                    return rc;
    for (size_t i = 0; i < res->nlines; i++) {
        EngineCharge *l = &res->lines[i];
        l->net = l->total = l->amount - l->discount;
    }
    return 0;
}
