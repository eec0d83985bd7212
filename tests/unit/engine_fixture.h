/* tests/unit/engine_fixture.h — a small world for the rating engine's tests:
 * one tenant (base USD unless changed), one customer, and builders that add
 * rows the way the database would hand them over. Everything is static
 * inline so that each test file takes only what it uses.
 *
 *   Fx f; fx_init(&f, "2024-06-01", "2024-07-01");
 *   fx_service(&f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "300.00");
 *   fx_plan(&f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
 *   fx_plan_service(&f, "p-gold", "s-support", 1);
 *   fx_assign(&f, "cp-1", "p-gold", "2024-06-11", NULL);
 *   fx_rate_ok(&f);               // engine_rate, asserting success
 *   cr_expect_eq(f.res.lines[0].amount, M("200.00"));
 *   fx_fini(&f);
 */
#ifndef REMIT_TESTS_ENGINE_FIXTURE_H
#define REMIT_TESTS_ENGINE_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "domain/engine.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FX_MAX 64

static inline Dec D(const char *s)
{
    Dec d;
    cr_assert_eq(dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, NULL, NULL), 0, "bad test decimal %s",
                 s);
    return d;
}

static inline Date DAY(const char *s)
{
    Date d;
    cr_assert_eq(date_parse(&d, s, strlen(s), NULL, NULL), 0, "bad test date %s", s);
    return d;
}

static inline Period PER(const char *a, const char *b)
{
    return (Period){DAY(a), DAY(b)};
}

static inline const Currency *CUR(const char *code)
{
    const Currency *c = currency_find(code);
    cr_assert_not_null(c, "no currency %s", code);
    return c;
}

/* An amount in minor units of `code`. */
static inline int64_t MC(const char *code, const char *s)
{
    int64_t v;
    cr_assert_eq(money_parse(&v, s, strlen(s), CUR(code), NULL, NULL), 0, "bad amount %s %s", code,
                 s);
    return v;
}

/* An amount in USD (two decimals), the fixture's default. */
static inline int64_t M(const char *s)
{
    return MC("USD", s);
}

typedef struct Fx {
    EngineSettings settings;
    EngineCustomer customer;
    EngineService services[FX_MAX];
    EnginePlan plans[FX_MAX];
    EnginePlanService plan_services[FX_MAX];
    EngineTier tiers[FX_MAX];
    EngineCustomerPlan cps[FX_MAX];
    EngineUser users[FX_MAX];
    EngineTimeEntry time[FX_MAX];
    EngineUsageRecord usage[FX_MAX];
    EnginePriorUsage prior_usage[FX_MAX];
    EngineBucketPlan bucket_plans[FX_MAX];
    EngineBucketUsage bucket_usage[FX_MAX];
    EngineDiscount discounts[FX_MAX];
    EnginePlanDiscount plan_discounts[FX_MAX];
    EngineTaxRate tax_rates[FX_MAX];
    EngineStatus statuses[FX_MAX];
    EngineBundle bundles[FX_MAX];
    EngineBundleService bundle_services[FX_MAX];
    EnginePriorCharge prior[FX_MAX];
    size_t ntiers;
    EngineInput in;
    Arena arena;
    EngineResult res;
    Error err;
} Fx;

/* Room to count rows: the builders bump in.nXXX and point in.XXX at the arrays. */
static inline int fx_room(size_t n)
{
    cr_assert_lt(n, FX_MAX, "fixture full");
    return 0;
}
#define FX_ADD(f, arr, count) (fx_room((f)->in.count), &(f)->arr[(f)->in.count++])

static inline void fx_init(Fx *f, const char *start, const char *end)
{
    memset(f, 0, sizeof *f);
    f->settings.base = CUR("USD");
    f->settings.rounding = ROUND_HALF_UP;
    f->customer.id = "cust-1";
    f->customer.currency = CUR("USD");
    f->customer.exchange_rate_to_base = dec_from_int(1);
    f->in.settings = &f->settings;
    f->in.customer = &f->customer;
    f->in.period = PER(start, end);
    f->in.services = f->services;
    f->in.plans = f->plans;
    f->in.plan_services = f->plan_services;
    f->in.customer_plans = f->cps;
    f->in.users = f->users;
    f->in.time_entries = f->time;
    f->in.usage = f->usage;
    f->in.prior_usage = f->prior_usage;
    f->in.bucket_plans = f->bucket_plans;
    f->in.bucket_usage = f->bucket_usage;
    f->in.discounts = f->discounts;
    f->in.plan_discounts = f->plan_discounts;
    f->in.tax_rates = f->tax_rates;
    f->in.statuses = f->statuses;
    f->in.bundles = f->bundles;
    f->in.bundle_services = f->bundle_services;
    f->in.prior_charges = f->prior;
    arena_init(&f->arena, 0);
}

static inline void fx_fini(Fx *f)
{
    arena_free(&f->arena);
}

static inline EngineService *fx_service(Fx *f, const char *id, const char *name,
                                        EngineServiceType type, const char *rate)
{
    EngineService *s = FX_ADD(f, services, nservices);
    *s = (EngineService){.id = id, .name = name, .type = type, .default_rate = D(rate),
                         .unit = type == ENGINE_SERVICE_TIME ? "hours" : "units"};
    return s;
}

static inline EnginePlan *fx_plan(Fx *f, const char *id, const char *name, Frequency freq,
                                  EnginePlanType type)
{
    EnginePlan *p = FX_ADD(f, plans, nplans);
    *p = (EnginePlan){.id = id, .name = name, .frequency = freq, .type = type};
    return p;
}

static inline EnginePlanService *fx_plan_service(Fx *f, const char *plan, const char *service,
                                                 int64_t qty)
{
    EnginePlanService *ps = FX_ADD(f, plan_services, nplan_services);
    *ps = (EnginePlanService){.plan_id = plan, .service_id = service, .quantity = qty};
    return ps;
}

static inline void fx_custom_rate(EnginePlanService *ps, const char *rate)
{
    ps->has_custom_rate = true;
    ps->custom_rate = D(rate);
}

/* Adds a tier to ps (tiers must be added to one plan service at a time). */
static inline void fx_tier(Fx *f, EnginePlanService *ps, const char *up_to, const char *rate,
                           const char *flat)
{
    cr_assert_lt(f->ntiers, FX_MAX);
    EngineTier *t = &f->tiers[f->ntiers++];
    *t = (EngineTier){.unbounded = up_to == NULL, .unit_rate = D(rate), .flat_fee = D(flat)};
    if (up_to)
        t->up_to = D(up_to);
    if (!ps->tiers)
        ps->tiers = t;
    ps->ntiers++;
}

/* end: the last day covered (inclusive), or NULL for none. */
static inline EngineCustomerPlan *fx_assign(Fx *f, const char *id, const char *plan,
                                            const char *start, const char *end)
{
    EngineCustomerPlan *cp = FX_ADD(f, cps, ncustomer_plans);
    *cp = (EngineCustomerPlan){.id = id, .customer_id = "cust-1", .plan_id = plan,
                               .start_date = DAY(start), .is_active = true};
    if (end) {
        cp->has_end_date = true;
        cp->end_date = DAY(end);
    }
    return cp;
}

static inline EngineUser *fx_user(Fx *f, const char *id, const char *rate)
{
    EngineUser *u = FX_ADD(f, users, nusers);
    *u = (EngineUser){.id = id, .has_rate = rate != NULL};
    if (rate)
        u->rate = D(rate);
    return u;
}

static inline EngineTimeEntry *fx_time(Fx *f, const char *id, const char *service, const char *day,
                                       int64_t minutes)
{
    EngineTimeEntry *e = FX_ADD(f, time, ntime_entries);
    *e = (EngineTimeEntry){.id = id, .customer_id = "cust-1", .user_id = "u-1", .service_id = service,
                           .duration = minutes, .work_date = DAY(day), .billable = true};
    e->start_time = ts_from_date(e->work_date) + 9 * 3600 * TS_PER_SECOND;
    e->end_time = e->start_time + minutes * 60 * TS_PER_SECOND;
    return e;
}

static inline EngineUsageRecord *fx_usage(Fx *f, const char *id, const char *service,
                                          const char *day, const char *qty)
{
    EngineUsageRecord *u = FX_ADD(f, usage, nusage);
    *u = (EngineUsageRecord){.id = id, .customer_id = "cust-1", .service_id = service,
                             .usage_date = DAY(day), .quantity = D(qty)};
    return u;
}

static inline EngineBucketPlan *fx_bucket(Fx *f, const char *id, const char *plan,
                                          const char *hours, Frequency period, const char *overage,
                                          bool rollover)
{
    EngineBucketPlan *b = FX_ADD(f, bucket_plans, nbucket_plans);
    *b = (EngineBucketPlan){.id = id, .plan_id = plan, .total_hours = D(hours),
                            .billing_period = period, .overage_rate = D(overage),
                            .allow_rollover = rollover};
    return b;
}

static inline EngineDiscount *fx_discount(Fx *f, const char *id, const char *name,
                                          EngineDiscountType type, const char *value,
                                          const char *start, const char *end)
{
    EngineDiscount *d = FX_ADD(f, discounts, ndiscounts);
    *d = (EngineDiscount){.id = id, .name = name, .type = type, .value = D(value), .is_active = true};
    if (start) {
        d->has_start_date = true;
        d->start_date = DAY(start);
    }
    if (end) {
        d->has_end_date = true;
        d->end_date = DAY(end);
    }
    return d;
}

static inline EnginePlanDiscount *fx_link(Fx *f, const char *discount, const char *plan,
                                          const char *customer, const char *service)
{
    EnginePlanDiscount *l = FX_ADD(f, plan_discounts, nplan_discounts);
    *l = (EnginePlanDiscount){.plan_id = plan, .customer_id = customer, .discount_id = discount,
                              .service_id = service};
    return l;
}

static inline EngineTaxRate *fx_tax(Fx *f, const char *id, const char *region, const char *pct,
                                    const char *start, const char *end)
{
    EngineTaxRate *t = FX_ADD(f, tax_rates, ntax_rates);
    *t = (EngineTaxRate){.id = id, .region = region, .tax_percentage = D(pct),
                         .start_date = DAY(start)};
    if (end) {
        t->has_end_date = true;
        t->end_date = DAY(end);
    }
    return t;
}

static inline EngineStatus *fx_status(Fx *f, const char *plan, const char *service,
                                      EngineStatusKind st, const char *day, const char *reason)
{
    EngineStatus *s = FX_ADD(f, statuses, nstatuses);
    *s = (EngineStatus){.customer_id = "cust-1", .plan_id = plan, .service_id = service,
                        .status = st, .status_date = DAY(day), .reason = reason};
    return s;
}

static inline EngineBundle *fx_bundle(Fx *f, const char *id, const char *name, const char *price)
{
    EngineBundle *b = FX_ADD(f, bundles, nbundles);
    *b = (EngineBundle){.id = id, .name = name, .bundle_price = D(price)};
    return b;
}

static inline EnginePriorCharge *fx_prior(Fx *f, const char *cp, const char *service,
                                          const char *bundle, Period cycle, int64_t amount)
{
    EnginePriorCharge *p = FX_ADD(f, prior, nprior_charges);
    *p = (EnginePriorCharge){.customer_plan_id = cp, .service_id = service, .bundle_id = bundle,
                             .cycle = cycle, .amount_base = amount};
    return p;
}

static inline int fx_rate(Fx *f)
{
    arena_free(&f->arena);
    err_clear(&f->err);
    return engine_rate(&f->res, &f->in, &f->arena, &f->err);
}

static inline void fx_rate_ok(Fx *f)
{
    int rc = fx_rate(f);
    cr_assert_eq(rc, 0, "engine_rate failed: %s (%s)", f->err.message, f->err.field);
}

/* The n-th line of a kind (0-based), or NULL. */
static inline const EngineCharge *fx_line(const Fx *f, EngineChargeKind kind, int n)
{
    for (size_t i = 0; i < f->res.nlines; i++)
        if (f->res.lines[i].kind == kind && n-- == 0)
            return &f->res.lines[i];
    return NULL;
}

static inline int fx_count(const Fx *f, EngineChargeKind kind)
{
    int n = 0;
    for (size_t i = 0; i < f->res.nlines; i++)
        n += f->res.lines[i].kind == kind;
    return n;
}

/* Sum of the amounts (base currency) of the lines of a kind, or of all (-1). */
static inline int64_t fx_sum_base(const Fx *f, int kind)
{
    int64_t s = 0;
    for (size_t i = 0; i < f->res.nlines; i++)
        if (kind < 0 || (int)f->res.lines[i].kind == kind)
            s += f->res.lines[i].amount_base;
    return s;
}

#endif
