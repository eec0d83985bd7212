/* domain/engine_bucket.c — bucket of hours (retainer) plans: hours used
 * against the period's allowance, overage, and rollover.
 *
 * Exports: engine_bucket_charges, engine_bucket_period.
 *
 * A bucket assignment has periods of bucket_plans.billing_period (anchored
 * like its plan's cycles). Each period that ends inside the invoice period —
 * and each earlier one no invoice recorded yet (a run catching up on skipped
 * months) — gets an EngineBucketResult (a bucket_usage row to write), with or
 * without time: an idle period still passes its unused hours on. Hours are counted in
 * minutes, exactly. The allowance is the full total_hours whenever the
 * assignment is active some day of the period, as in Alga PSA (the hours are
 * available from the start; a customer joining on the 20th gets them all), or
 * total_hours prorated to the active days when the bucket says
 * prorate_allowance; rolled-over hours are used before the period's own allowance and expire
 * after one period, so only the period's own unused allowance carries on:
 *   overage      = max(0, used - (allowance + rollover_in))
 *   rollover_out = allow_rollover ? max(0, allowance - max(0, used - rollover_in)) : 0
 * Overage is billed at overage_rate, minutes x rate / 60 rounded once.
 *
 * Late entries (their period was closed by an earlier invoice, and a
 * bucket_usage row exists) are added to that row: the row is updated and only
 * the extra overage is billed. The following period's rollover is not
 * reopened (it was invoiced with the rollover known then).
 */
#include "domain/engine.h"

void engine_bucket_period(EngineBucketResult *out, int64_t allowance_minutes,
                          int64_t rollover_in_minutes, int64_t used_minutes, bool allow_rollover)
{
    int64_t from_rollover = used_minutes < rollover_in_minutes ? used_minutes : rollover_in_minutes;
    int64_t rest = used_minutes - from_rollover;
    out->allowance_minutes = allowance_minutes;
    out->rollover_in_minutes = rollover_in_minutes;
    out->used_minutes = used_minutes;
    out->overage_minutes = rest > allowance_minutes ? rest - allowance_minutes : 0;
    out->rollover_out_minutes =
        allow_rollover && allowance_minutes > rest ? allowance_minutes - rest : 0;
}

typedef struct Group {
    const EngineCustomerPlan *cp;
    size_t cp_index;
    Period cycle;
    int64_t minutes;
} Group;

typedef struct Groups {
    Group *v;
    size_t n, cap;
} Groups;

static int add_group(Groups *gs, const EngineInput *in, const EngineCustomerPlan *cp, Period cycle,
                     int64_t minutes, Arena *arena, Error *err)
{
    for (size_t i = 0; i < gs->n; i++)
        if (gs->v[i].cp == cp && gs->v[i].cycle.start == cycle.start &&
            gs->v[i].cycle.end == cycle.end) {
            if (__builtin_add_overflow(gs->v[i].minutes, minutes, &gs->v[i].minutes))
                return err_set(err, ERR_OVERFLOW, NULL, "bucket hours add up to too many minutes");
            return 0;
        }
    Group *g = engine_push(arena, (void **)&gs->v, &gs->n, &gs->cap, sizeof *g);
    if (!g)
        return engine_oom(err);
    *g = (Group){cp, (size_t)(cp - in->customer_plans), cycle, minutes};
    return 0;
}

static const EngineCustomerPlan *find_cp(const EngineInput *in, const char *id)
{
    for (size_t i = 0; id && i < in->ncustomer_plans; i++)
        if (engine_id_eq(in->customer_plans[i].id, id))
            return &in->customer_plans[i];
    return NULL;
}

/* The allowance for cycle: total_hours x 60, in full when the assignment is
 * active some day of it, prorated to those days when the bucket says so. */
static int allowance(int64_t *out, const EngineInput *in, const EngineCustomerPlan *cp,
                     const EnginePlan *plan, const EngineBucketPlan *bp, Period cycle, Error *err)
{
    int days = engine_billable_days(in, cp, NULL, NULL, cycle, NULL, NULL);
    int len = period_days(cycle);
    *out = 0;
    if (days == 0 || len == 0)
        return 0;
    if (!bp->prorate_allowance || plan->no_proration)
        days = len;
    __int128 num = (__int128)bp->total_hours.coef * 60 * days, den = len;
    for (int k = 0; k < bp->total_hours.scale; k++)
        den *= 10;
    if (dec_is_negative(bp->total_hours) || !dec_round_div(out, num, den, in->settings->rounding))
        return err_set(err, ERR_RANGE, "total_hours", "bucket total_hours is out of range");
    return 0;
}

static const EngineBucketUsage *stored_row(const EngineInput *in, const EngineBucketPlan *bp,
                                           Date start, Date end, bool match_start)
{
    for (size_t i = 0; i < in->nbucket_usage; i++) {
        const EngineBucketUsage *u = &in->bucket_usage[i];
        if (!engine_id_eq(u->bucket_plan_id, bp->id) ||
            !engine_id_eq(u->customer_id, in->customer->id))
            continue;
        if (match_start ? (u->period.start == start && u->period.end == end) : u->period.end == end)
            return u;
    }
    return NULL;
}

static void sort_groups(Groups *gs)
{
    for (size_t i = 1; i < gs->n; i++) {
        Group g = gs->v[i];
        size_t k = i;
        while (k > 0 && (gs->v[k - 1].cp_index > g.cp_index ||
                         (gs->v[k - 1].cp_index == g.cp_index &&
                          gs->v[k - 1].cycle.start > g.cycle.start))) {
            gs->v[k] = gs->v[k - 1];
            k--;
        }
        gs->v[k] = g;
    }
}

static Dec hours(int64_t minutes)
{
    return engine_hours(minutes);
}

/* The service an overage line is of: the bucket plan's first Time service (plan_services in the
 * order they were added). Its tax category taxes the overage like the hours it extends, and
 * reports by service count it there; NULL (no Time service) leaves the general rate. */
static const char *hours_service(const EngineInput *in, const char *plan_id)
{
    for (size_t i = 0; i < in->nplan_services; i++) {
        const EnginePlanService *ps = &in->plan_services[i];
        if (!engine_id_eq(ps->plan_id, plan_id))
            continue;
        const EngineService *svc = engine_find_service(in, ps->service_id);
        if (svc && svc->type == ENGINE_SERVICE_TIME)
            return svc->id;
    }
    return NULL;
}

int engine_bucket_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err)
{
    Groups gs = {0};
    int rc;

    /* Time counted against buckets by engine_time_charges. */
    for (size_t i = 0; res->time && i < in->ntime_entries; i++) {
        const EngineSourceResult *r = &res->time[i];
        if (r->outcome != ENGINE_OUT_IN_BUCKET)
            continue;
        const EngineCustomerPlan *cp = find_cp(in, r->customer_plan_id);
        if (cp && (rc = add_group(&gs, in, cp, r->cycle, engine_entry_minutes(&in->time_entries[i]),
                                  arena, err)) < 0)
            return rc;
    }
    /* Every bucket period ending inside the invoice period, used or not. */
    for (size_t i = 0; i < in->ncustomer_plans; i++) {
        const EngineCustomerPlan *cp = &in->customer_plans[i];
        const EnginePlan *plan = engine_find_plan(in, cp->plan_id);
        if (!engine_is_customers(in, cp) || !plan || plan->type != ENGINE_PLAN_BUCKET)
            continue;
        const EngineBucketPlan *bp = engine_find_bucket_plan(in, plan->id);
        Period span = engine_assignment_span(cp);
        if (!bp || period_is_empty(span))
            continue;
        /* From the first period no invoice recorded — after the last bucket_usage row, else
         * from what the assignment was charged through, else from its start: a run that catches
         * up on skipped months must pass an idle month's unused hours on — or the earliest period
         * of unbilled time, when earlier than the invoice period. */
        Date from = in->period.start;
        for (size_t k = 0; k < gs.n; k++)
            if (gs.v[k].cp == cp && gs.v[k].cycle.start < from)
                from = gs.v[k].cycle.start;
        const EngineBucketUsage *last = NULL;
        for (size_t k = 0; k < in->nbucket_usage; k++) {
            const EngineBucketUsage *u = &in->bucket_usage[k];
            if (engine_id_eq(u->bucket_plan_id, bp->id) && engine_id_eq(u->customer_id, in->customer->id) &&
                (!last || u->period.end > last->period.end))
                last = u;
        }
        Date first_open = last ? last->period.end : cp->has_charged_through ? cp->charged_through : span.start;
        if (first_open < from)
            from = first_open;
        for (Period c = engine_cycle(cp, bp->billing_period, from);
             c.end <= in->period.end && c.start < span.end;
             c = engine_cycle(cp, bp->billing_period, c.end))
            if (c.end > from && period_overlaps(c, span) &&
                (rc = add_group(&gs, in, cp, c, 0, arena, err)) < 0)
                return rc;
    }
    sort_groups(&gs);

    for (size_t g = 0; g < gs.n; g++) {
        const Group *x = &gs.v[g];
        const EnginePlan *plan = engine_find_plan(in, x->cp->plan_id);
        const EngineBucketPlan *bp = engine_find_bucket_plan(in, plan->id);
        EngineBucketResult *b =
            engine_push(arena, (void **)&res->buckets, &res->nbuckets, &res->capbuckets, sizeof *b);
        if (!b)
            return engine_oom(err);
        const EngineBucketUsage *row = stored_row(in, bp, x->cycle.start, x->cycle.end, true);
        int64_t billed_before = 0;
        if (row) {
            int64_t used;
            if (__builtin_add_overflow(row->used_minutes, x->minutes, &used))
                return err_set(err, ERR_OVERFLOW, NULL, "bucket hours add up to too many minutes");
            engine_bucket_period(b, row->allowance_minutes, row->rollover_in_minutes, used,
                                 bp->allow_rollover);
            billed_before = row->overage_minutes;
            b->update = true;
        } else {
            int64_t allow, roll = 0;
            if ((rc = allowance(&allow, in, x->cp, plan, bp, x->cycle, err)) < 0)
                return rc;
            /* The period before: from this run, else from the stored rows. */
            const EngineBucketResult *prev = NULL;
            for (size_t k = 0; k + 1 < res->nbuckets; k++)
                if (res->buckets[k].customer_plan_id == x->cp->id &&
                    res->buckets[k].period.end == x->cycle.start)
                    prev = &res->buckets[k];
            if (prev)
                roll = prev->rollover_out_minutes;
            else {
                const EngineBucketUsage *pr = stored_row(in, bp, 0, x->cycle.start, false);
                roll = pr ? pr->rollover_out_minutes : 0;
            }
            if (!bp->allow_rollover)
                roll = 0;
            engine_bucket_period(b, allow, roll, x->minutes, bp->allow_rollover);
        }
        b->bucket_plan_id = bp->id;
        b->customer_plan_id = x->cp->id;
        b->customer_id = in->customer->id;
        b->period = x->cycle;
        b->line = -1;
        b->overage_billed_minutes =
            b->overage_minutes > billed_before ? b->overage_minutes - billed_before : 0;
        if (b->overage_billed_minutes > 0) {
            EngineCharge l = {
                .kind = ENGINE_CHARGE_BUCKET_OVERAGE,
                .service_id = hours_service(in, plan->id),
                .customer_plan_id = x->cp->id,
                .plan_id = plan->id,
                .plan_name = plan->name,
                .period = x->cycle,
                .rate_source = ENGINE_RATE_OVERAGE,
                .rate = bp->overage_rate,
                .quantity = hours(b->overage_billed_minutes),
                .unit = "hours",
                .minutes = b->overage_billed_minutes,
                .late = row != NULL,
            };
            char ha[DEC_FORMAT_MAX], hr[DEC_FORMAT_MAX], hu[DEC_FORMAT_MAX], ho[DEC_FORMAT_MAX];
            dec_format_trim(ha, sizeof ha, hours(b->allowance_minutes));
            dec_format_trim(hr, sizeof hr, hours(b->rollover_in_minutes));
            dec_format_trim(hu, sizeof hu, hours(b->used_minutes));
            dec_format_trim(ho, sizeof ho, hours(b->overage_minutes));
            l.note = arena_printf(arena,
                                  "allowance %s h + rollover %s h, used %s h, overage %s h%s", ha,
                                  hr, hu, ho, row ? " (late entries: only the extra overage)" : "");
            if (!l.note)
                return engine_oom(err);
            if ((rc = engine_minutes_amount(&l.amount_base, l.minutes, bp->overage_rate,
                                            in->settings->base, in->settings->rounding, err)) < 0)
                return rc;
            if ((rc = engine_line_append(res, in, &l, arena, err)) < 0)
                return rc;
            b = &res->buckets[res->nbuckets - 1];
            b->line = rc;
        }
        for (size_t i = 0; res->time && i < in->ntime_entries; i++) {
            EngineSourceResult *r = &res->time[i];
            if (r->outcome == ENGINE_OUT_IN_BUCKET && engine_id_eq(r->customer_plan_id, x->cp->id) &&
                r->cycle.start == x->cycle.start && r->cycle.end == x->cycle.end)
                r->line = b->line;
        }
    }
    return 0;
}
