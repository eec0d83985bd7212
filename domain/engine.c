/* domain/engine.c — the rating engine's driver: one customer, one invoice
 * period, every step in order, then totals and the calculation trace.
 *
 * Owns: the enumerations' names, the EngineResult (lines, per-record outcomes,
 * warnings, totals, tax summary), input checks, and the text of each line
 * (description and trace). The arithmetic of each concept lives in its own
 * file (engine_fixed.c, engine_time.c, ...).
 *
 * Exports: engine_rate, engine_result_init, engine_line_append, engine_warn,
 * engine_totals, engine_explain, engine_id_eq, engine_push, engine_oom,
 * engine_charged_through_update, engine_prior_exists, engine_is_customers,
 * engine_*_parse and engine_*_name.
 *
 * What must stay true: the engine is pure. Nothing here reads the clock, the
 * database or the environment, and every allocation comes from the caller's
 * arena, so rating the same input twice gives byte-identical results.
 */
#include "domain/engine.h"

#include <stdio.h>
#include <string.h>

/* ---- names ---- */

#define NAMES(fn_parse, fn_name, T, ...)                                                           \
    static const char *const fn_name##_tab[] = {__VA_ARGS__};                                      \
    int fn_parse(T *out, const char *s)                                                            \
    {                                                                                              \
        for (size_t i = 0; s && i < sizeof fn_name##_tab / sizeof fn_name##_tab[0]; i++)           \
            if (strcmp(s, fn_name##_tab[i]) == 0) {                                                \
                *out = (T)i;                                                                       \
                return 0;                                                                          \
            }                                                                                      \
        return -1;                                                                                 \
    }                                                                                              \
    const char *fn_name(T v)                                                                       \
    {                                                                                              \
        return (size_t)v < sizeof fn_name##_tab / sizeof fn_name##_tab[0] ? fn_name##_tab[v]       \
                                                                           : NULL;                 \
    }

NAMES(engine_service_type_parse, engine_service_type_name, EngineServiceType, "Fixed", "Time",
      "Usage")
NAMES(engine_plan_type_parse, engine_plan_type_name, EnginePlanType, "fixed", "time-based",
      "usage-based", "bucket")
NAMES(engine_timing_parse, engine_timing_name, EngineTiming, "arrears", "advance")
NAMES(engine_pricing_parse, engine_pricing_name, EnginePricing, "per_unit", "graduated", "volume",
      "package")
NAMES(engine_approval_parse, engine_approval_name, EngineApproval, "none", "pending", "approved",
      "rejected")
NAMES(engine_status_parse, engine_status_name, EngineStatusKind, "active", "suspended",
      "cancelled")
NAMES(engine_discount_type_parse, engine_discount_type_name, EngineDiscountType, "percentage",
      "fixed")

static const char *const scope_names[] = {"service", "plan", "invoice"};
static const char *const kind_names[] = {"fixed", "bundle", "time", "usage", "bucket_overage",
                                         "adjustment", "account_adjustment"};
static const char *const source_names[] = {"custom_rate", "plan_rate",    "service_default",
                                           "user_rate",   "bundle_price", "overage_rate",
                                           "tiers",       "entered"};
static const char *const tax_names[] = {"none",   "exempt_customer", "exempt_service",
                                        "simple", "gst_intra_state", "gst_inter_state"};
static const char *const outcome_names[] = {
    "billed",         "in_bucket", "included",  "not_billable", "pending_approval",
    "rejected",       "no_plan",   "suspended", "cancelled",    "not_due",
    "other_customer"};

#define PICK(tab, v) ((size_t)(v) < sizeof tab / sizeof tab[0] ? tab[v] : NULL)
const char *engine_scope_name(EngineDiscountScope v) { return PICK(scope_names, v); }
const char *engine_charge_kind_name(EngineChargeKind v) { return PICK(kind_names, v); }
const char *engine_rate_source_name(EngineRateSource v) { return PICK(source_names, v); }
const char *engine_tax_kind_name(EngineTaxKind v) { return PICK(tax_names, v); }
const char *engine_outcome_name(EngineOutcome v) { return PICK(outcome_names, v); }

/* ---- shared helpers ---- */

bool engine_id_eq(const char *a, const char *b)
{
    if (a == b)
        return true;
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

void *engine_push(Arena *arena, void **v, size_t *n, size_t *cap, size_t elem)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        void *p = arena_realloc(arena, *v, *cap * elem, ncap * elem);
        if (!p)
            return NULL;
        *v = p;
        *cap = ncap;
    }
    unsigned char *slot = (unsigned char *)*v + *n * elem;
    memset(slot, 0, elem);
    (*n)++;
    return slot;
}

int engine_oom(Error *err)
{
    return err_set(err, ERR_UNAVAILABLE, NULL, "the billing calculation ran out of memory");
}

bool engine_is_customers(const EngineInput *in, const EngineCustomerPlan *cp)
{
    return in->customer && engine_id_eq(cp->customer_id, in->customer->id);
}

int engine_charged_through_update(EngineResult *res, const char *customer_plan_id, Date through,
                                  Arena *arena, Error *err)
{
    for (size_t i = 0; i < res->ncharged_through; i++)
        if (engine_id_eq(res->charged_through[i].customer_plan_id, customer_plan_id)) {
            if (through > res->charged_through[i].charged_through)
                res->charged_through[i].charged_through = through;
            return 0;
        }
    EngineChargedThrough *c =
        engine_push(arena, (void **)&res->charged_through, &res->ncharged_through,
                    &res->capcharged_through, sizeof *c);
    if (!c)
        return engine_oom(err);
    c->customer_plan_id = customer_plan_id;
    c->charged_through = through;
    return 0;
}

bool engine_prior_exists(const EngineInput *in, const char *customer_plan_id,
                         const char *service_id, const char *bundle_id, Period cycle)
{
    for (size_t i = 0; i < in->nprior_charges; i++) {
        const EnginePriorCharge *p = &in->prior_charges[i];
        if (engine_id_eq(p->customer_plan_id, customer_plan_id) &&
            engine_id_eq(p->service_id, service_id) && engine_id_eq(p->bundle_id, bundle_id) &&
            p->cycle.start == cycle.start && p->cycle.end == cycle.end)
            return true;
    }
    return false;
}

/* ---- the result ---- */

int engine_result_init(EngineResult *out, const EngineInput *in, Arena *arena, Error *err)
{
    memset(out, 0, sizeof *out);
    if (!in->settings || !in->settings->base)
        return err_set(err, ERR_INVALID, "settings.base", "the tenant has no base currency");
    if (!in->customer || !in->customer->currency)
        return err_set(err, ERR_INVALID, "customer.currency", "the customer has no currency");
    if (in->customer->exchange_rate_to_base.coef <= 0)
        return err_set(err, ERR_INVALID, "customer.exchange_rate_to_base",
                       "the exchange rate to the base currency must be positive");
    if (period_is_empty(in->period))
        return err_set(err, ERR_INVALID, "period_end", "the invoice period is empty");
    out->currency = in->customer->currency;
    out->exchange_rate_to_base = in->customer->exchange_rate_to_base;
    if (in->ntime_entries) {
        out->time = ARENA_ARRAY(arena, EngineSourceResult, in->ntime_entries);
        if (!out->time)
            return engine_oom(err);
        for (size_t i = 0; i < in->ntime_entries; i++)
            out->time[i] = (EngineSourceResult){.outcome = ENGINE_OUT_NO_PLAN, .line = -1};
    }
    if (in->nusage) {
        out->usage = ARENA_ARRAY(arena, EngineSourceResult, in->nusage);
        if (!out->usage)
            return engine_oom(err);
        for (size_t i = 0; i < in->nusage; i++)
            out->usage[i] = (EngineSourceResult){.outcome = ENGINE_OUT_NO_PLAN, .line = -1};
    }
    return 0;
}

int engine_line_append(EngineResult *res, const EngineInput *in, const EngineCharge *line,
                       Arena *arena, Error *err)
{
    EngineCharge *l =
        engine_push(arena, (void **)&res->lines, &res->nlines, &res->caplines, sizeof *l);
    if (!l)
        return engine_oom(err);
    *l = *line;
    int rc = engine_from_base(&l->amount, l->amount_base, in->settings->base, res->currency,
                              res->exchange_rate_to_base, in->settings->rounding, err);
    if (rc < 0) {
        res->nlines--;
        return rc;
    }
    l->net = l->amount;
    l->total = l->amount;
    return (int)(res->nlines - 1);
}

int engine_warn(EngineResult *res, Arena *arena, Error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(arena, fmt, ap);
    va_end(ap);
    if (!msg)
        return engine_oom(err);
    for (size_t i = 0; i < res->nwarnings; i++)
        if (strcmp(res->warnings[i], msg) == 0)
            return 0;
    const char **slot = engine_push(arena, (void **)&res->warnings, &res->nwarnings,
                                    &res->capwarnings, sizeof *slot);
    if (!slot)
        return engine_oom(err);
    *slot = msg;
    return 0;
}

static int add(int64_t *acc, int64_t v, Error *err)
{
    return money_add(acc, *acc, v, err);
}

int engine_totals(EngineResult *res, Arena *arena, Error *err)
{
    int rc;
    res->subtotal = res->discount_total = res->tax_total = res->total = 0;
    res->ntaxes = 0;
    for (size_t i = 0; i < res->nlines; i++) {
        const EngineCharge *l = &res->lines[i];
        if ((rc = add(&res->subtotal, l->amount, err)) < 0 ||
            (rc = add(&res->discount_total, l->discount, err)) < 0 ||
            (rc = add(&res->tax_total, l->tax, err)) < 0 || (rc = add(&res->total, l->total, err)) < 0)
            return rc;
        EngineTaxSummary *t = NULL;
        for (size_t k = 0; k < res->ntaxes; k++)
            if (engine_id_eq(res->taxes[k].tax_rate_id, l->tax_rate_id) &&
                res->taxes[k].kind == l->tax_kind && dec_cmp(res->taxes[k].rate, l->tax_rate) == 0)
                t = &res->taxes[k];
        if (!t) {
            t = engine_push(arena, (void **)&res->taxes, &res->ntaxes, &res->captaxes, sizeof *t);
            if (!t)
                return engine_oom(err);
            t->tax_rate_id = l->tax_rate_id;
            t->kind = l->tax_kind;
            t->rate = l->tax_rate;
        }
        if ((rc = add(&t->taxable, l->net, err)) < 0 || (rc = add(&t->tax, l->tax, err)) < 0 ||
            (rc = add(&t->cgst, l->cgst, err)) < 0 || (rc = add(&t->sgst, l->sgst, err)) < 0 ||
            (rc = add(&t->igst, l->igst, err)) < 0)
            return rc;
    }
    /* total = subtotal - discounts + tax holds line by line, hence in sum. */
    return 0;
}

/* ---- the trace ---- */

typedef struct Text {
    char buf[2048];
    size_t n;
} Text;

static void put(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(Text *t, const char *fmt, ...)
{
    if (t->n >= sizeof t->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->buf + t->n, sizeof t->buf - t->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        t->n = t->n + (size_t)k < sizeof t->buf ? t->n + (size_t)k : sizeof t->buf - 1;
}

typedef struct Num {
    char s[MONEY_FORMAT_MAX];
} Num;

static Num money_s(int64_t v, const Currency *c)
{
    Num n;
    if (money_format(n.s, sizeof n.s, v, c) < 0)
        n.s[0] = '\0';
    return n;
}

static Num dec_s(Dec d)
{
    Num n;
    if (dec_format_trim(n.s, sizeof n.s, d) < 0)
        n.s[0] = '\0';
    return n;
}

typedef struct Day {
    char s[11];
} Day;

static Day day_s(Date d)
{
    Day x;
    date_format(x.s, d);
    return x;
}

static const char *or_dash(const char *s)
{
    return s && s[0] ? s : "-";
}

/* Where a line's tax rate came from, for the trace. */
typedef struct RateFrom {
    char s[64];
} RateFrom;

static RateFrom rate_from(const EngineCharge *l)
{
    RateFrom r;
    if (l->tax_rate_from && strcmp(l->tax_rate_from, "service") == 0)
        snprintf(r.s, sizeof r.s, "the service's own rate");
    else if (l->tax_rate_from)
        snprintf(r.s, sizeof r.s, "the tenant's default rate");
    else
        snprintf(r.s, sizeof r.s, "rate %s", or_dash(l->tax_rate_id));
    return r;
}

static const char *rate_source_text(EngineRateSource s)
{
    switch (s) {
    case ENGINE_RATE_CUSTOM: return "the plan's custom rate";
    case ENGINE_RATE_PLAN: return "the plan's hourly rate";
    case ENGINE_RATE_SERVICE_DEFAULT: return "the service's default rate";
    case ENGINE_RATE_USER: return "the user's rate";
    case ENGINE_RATE_BUNDLE: return "the bundle price";
    case ENGINE_RATE_OVERAGE: return "the bucket's overage rate";
    case ENGINE_RATE_TIERS: return "the plan's tiers";
    case ENGINE_RATE_ENTERED: return "the amount entered";
    }
    return "?";
}

static void describe(Text *t, const EngineCharge *l, const EngineInput *in)
{
    const char *svc = or_dash(l->service_name);
    const char *plan = or_dash(l->plan_name);
    Day a = day_s(l->period.start), b = day_s(date_add_days(l->period.end, -1));
    switch (l->kind) {
    case ENGINE_CHARGE_FIXED:
    case ENGINE_CHARGE_BUNDLE:
        /* The days billed when they are one stretch, else the cycle. */
        if (l->days_used > 0 && l->days_used == period_days(l->days_span)) {
            a = day_s(l->days_span.start);
            b = day_s(date_add_days(l->days_span.end, -1));
        }
        put(t, "%s%s (%s), %s to %s", svc, l->kind == ENGINE_CHARGE_BUNDLE ? " bundle" : "", plan,
            a.s, b.s);
        if (l->days_used != l->days_in_period)
            put(t, ", %d of %d days", l->days_used, l->days_in_period);
        break;
    case ENGINE_CHARGE_TIME:
        put(t, "%s (%s): %s h, %s to %s", svc, plan, dec_s(l->quantity).s, a.s, b.s);
        break;
    case ENGINE_CHARGE_USAGE:
        put(t, "%s (%s): %s %s, %s to %s", svc, plan, dec_s(l->quantity).s, or_dash(l->unit), a.s,
            b.s);
        break;
    case ENGINE_CHARGE_BUCKET_OVERAGE:
        put(t, "%s bucket overage: %s h, %s to %s", plan, dec_s(l->quantity).s, a.s, b.s);
        break;
    case ENGINE_CHARGE_ADJUSTMENT:
        put(t, "%s for %s (%s), %s to %s", l->amount_base < 0 ? "Credit" : "Adjustment", svc, plan,
            a.s, b.s);
        break;
    case ENGINE_CHARGE_ACCOUNT:
        put(t, "%s", or_dash(l->note));
        break;
    }
    (void)in;
}

static void explain_rating(Text *t, const EngineCharge *l, const EngineInput *in)
{
    const Currency *base = in->settings->base;
    Day cs = day_s(l->period.start), ce = day_s(l->period.end);
    if (l->kind == ENGINE_CHARGE_ACCOUNT) {   /* entered by hand in the ledger: nothing was rated */
        put(t, "account_adjustment: ledger transaction %s, \"%s\"; amount %s %s", or_dash(l->transaction_id),
            or_dash(l->note), money_s(l->amount_base, base).s, base->code);
        return;
    }
    put(t, "%s: plan \"%s\" (assignment %s); ", engine_charge_kind_name(l->kind),
        or_dash(l->plan_name), or_dash(l->customer_plan_id));
    if (l->kind == ENGINE_CHARGE_BUNDLE || (l->kind == ENGINE_CHARGE_ADJUSTMENT && l->bundle_id))
        put(t, "bundle \"%s\"; ", or_dash(l->service_name));
    else if (l->service_name)
        put(t, "service \"%s\"; ", l->service_name);
    put(t, "cycle [%s, %s); ", cs.s, ce.s);
    put(t, "rate %s %s from %s", dec_s(l->rate).s, base->code, rate_source_text(l->rate_source));
    if (l->rate_source == ENGINE_RATE_USER && l->user_id)
        put(t, " (user %s)", l->user_id);
    put(t, "; ");
    switch (l->kind) {
    case ENGINE_CHARGE_FIXED:
    case ENGINE_CHARGE_BUNDLE:
    case ENGINE_CHARGE_ADJUSTMENT:
        put(t, "quantity %s; days used %d / days in period %d", dec_s(l->quantity).s, l->days_used,
            l->days_in_period);
        if (l->days_used > 0 && l->days_span.end > l->days_span.start)
            put(t, " (from %s, to %s exclusive)", day_s(l->days_span.start).s,
                day_s(l->days_span.end).s);
        break;
    case ENGINE_CHARGE_TIME:
        put(t, "%d time entr%s, %lld minutes = %s h", l->nsources, l->nsources == 1 ? "y" : "ies",
            (long long)l->minutes, dec_s(l->quantity).s);
        break;
    case ENGINE_CHARGE_USAGE:
        put(t, "%d usage record%s, quantity %s %s", l->nsources, l->nsources == 1 ? "" : "s",
            dec_s(l->quantity).s, or_dash(l->unit));
        break;
    case ENGINE_CHARGE_BUCKET_OVERAGE:
        put(t, "overage %lld minutes = %s h", (long long)l->minutes, dec_s(l->quantity).s);
        break;
    case ENGINE_CHARGE_ACCOUNT:
        break;
    }
    if (l->late)
        put(t, "; late records of a cycle invoiced before");
    if (l->note)
        put(t, "; %s", l->note);
    if (l->kind == ENGINE_CHARGE_ADJUSTMENT)
        put(t, "; billed before %s %s", money_s(l->prior_amount_base, base).s, base->code);
    put(t, "; amount %s %s", money_s(l->amount_base, base).s, base->code);
}

int engine_explain(EngineCharge *line, const EngineResult *res, const EngineInput *in, Arena *arena,
                   Error *err)
{
    Text t = {.n = 0};
    const Currency *cur = res->currency;

    describe(&t, line, in);
    line->description = arena_strdup(arena, t.buf);

    t.n = 0;
    t.buf[0] = '\0';
    explain_rating(&t, line, in);
    if (cur != in->settings->base)
        put(&t, " = %s %s at %s %s per %s", money_s(line->amount, cur).s, cur->code,
            dec_s(res->exchange_rate_to_base).s, in->settings->base->code, cur->code);
    for (int i = 0; i < line->ndiscounts; i++) {
        const EngineDiscountApplied *d = &line->discounts[i];
        if (d->type == ENGINE_DISCOUNT_PERCENTAGE)
            put(&t, "; discount \"%s\" (%s, %s%%", or_dash(d->name), engine_scope_name(d->scope),
                dec_s(d->value).s);
        else
            put(&t, "; discount \"%s\" (%s, %s %s", or_dash(d->name), engine_scope_name(d->scope),
                dec_s(d->value).s, in->settings->base->code);
        if (d->days_in_force != d->days)
            put(&t, ", in force %d of %d days", d->days_in_force, d->days);
        put(&t, ") -%s", money_s(d->amount, cur).s);
    }
    put(&t, "; net %s", money_s(line->net, cur).s);
    switch (line->tax_kind) {
    case ENGINE_TAX_NONE: put(&t, "; no tax rate in force"); break;
    case ENGINE_TAX_EXEMPT_CUSTOMER: put(&t, "; tax exempt (customer)"); break;
    case ENGINE_TAX_EXEMPT_SERVICE: put(&t, "; tax exempt (service)"); break;
    case ENGINE_TAX_SIMPLE:
        put(&t, "; tax %s%% (%s) %s", dec_s(line->tax_rate).s, rate_from(line).s, money_s(line->tax, cur).s);
        break;
    case ENGINE_TAX_GST_INTRA:
        put(&t, "; GST %s%% intra-state (%s): CGST %s + SGST %s", dec_s(line->tax_rate).s, rate_from(line).s,
            money_s(line->cgst, cur).s, money_s(line->sgst, cur).s);
        break;
    case ENGINE_TAX_GST_INTER:
        put(&t, "; GST %s%% inter-state (%s): IGST %s", dec_s(line->tax_rate).s, rate_from(line).s,
            money_s(line->igst, cur).s);
        break;
    }
    put(&t, "; total %s %s", money_s(line->total, cur).s, cur->code);
    line->explain = arena_strdup(arena, t.buf);
    if (!line->description || !line->explain)
        return engine_oom(err);
    return 0;
}

/* ---- input checks ---- */

static int check_input(const EngineInput *in, Error *err)
{
    char field[96];
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *cp = &in->customer_plans[i];
        if (!engine_is_customers(in, cp))
            continue;
        const EnginePlan *plan = engine_find_plan(in, cp->plan_id);
        snprintf(field, sizeof field, "customer_plans[%zu].plan_id", i);
        if (!plan)
            return err_set(err, ERR_INVALID, field, "plan assignment %s names an unknown plan",
                           or_dash(cp->id));
        if (plan->type == ENGINE_PLAN_BUCKET && !engine_find_bucket_plan(in, plan->id))
            return err_set(err, ERR_INVALID, field, "bucket plan \"%s\" has no bucket definition",
                           or_dash(plan->name));
        if (cp->has_end_date && cp->end_date < cp->start_date) {
            snprintf(field, sizeof field, "customer_plans[%zu].end_date", i);
            return err_set(err, ERR_INVALID, field, "plan assignment %s ends before it starts",
                           or_dash(cp->id));
        }
    }
    for (size_t i = 0; i < in->nplan_services; i++) {
        const EnginePlanService *ps = &in->plan_services[i];
        snprintf(field, sizeof field, "plan_services[%zu].service_id", i);
        if (!engine_find_service(in, ps->service_id))
            return err_set(err, ERR_INVALID, field, "plan service names an unknown service");
        if (ps->bundle_id && !engine_find_bundle(in, ps->bundle_id)) {
            snprintf(field, sizeof field, "plan_services[%zu].bundle_id", i);
            return err_set(err, ERR_INVALID, field, "plan service names an unknown bundle");
        }
        int rc = engine_pricing_validate(ps, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int engine_rate(EngineResult *out, const EngineInput *in, Arena *arena, Error *err)
{
    int rc;
    if ((rc = engine_result_init(out, in, arena, err)) < 0)
        return rc;
    if ((rc = check_input(in, err)) < 0)
        return rc;
    /* Order matters: bucket needs the time step's outcomes; discounts need
     * every line; tax needs the discounted amounts. */
    if ((rc = engine_fixed_charges(out, in, arena, err)) < 0 ||
        (rc = engine_bundle_charges(out, in, arena, err)) < 0 ||
        (rc = engine_adjustment_charges(out, in, arena, err)) < 0 ||
        (rc = engine_time_charges(out, in, arena, err)) < 0 ||
        (rc = engine_usage_charges(out, in, arena, err)) < 0 ||
        (rc = engine_bucket_charges(out, in, arena, err)) < 0 ||
        (rc = engine_discount_charges(out, in, arena, err)) < 0 ||
        (rc = engine_tax_charges(out, in, arena, err)) < 0 ||
        (rc = engine_totals(out, arena, err)) < 0)
        return rc;
    for (size_t i = 0; i < out->nlines; i++)
        if ((rc = engine_explain(&out->lines[i], out, in, arena, err)) < 0)
            return rc;
    return 0;
}
