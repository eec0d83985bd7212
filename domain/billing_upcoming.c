/* domain/billing_upcoming.c — what the bill runs of the coming days will bill:
 * GET /api/v1/billing/upcoming?days=30. Exports billing_upcoming_init.
 *
 * For every active plan assignment, the next day a bill run bills its fixed
 * fee, by the same cycle rule the engine uses (engine_cycle: the plan's
 * frequency from the assignment's anchor):
 *   - the first cycle not billed yet starts at charged_through (set by bill
 *     runs), or at the assignment's start when nothing was billed;
 *   - arrears (the default): billed by the run on the day the cycle ends
 *     (periods are half-open, so that is the cycle's exclusive end), or the
 *     day after the assignment's last day when it ends inside the cycle;
 *   - advance: billed by the run on the day the cycle (or the assignment)
 *     starts.
 * A bill date already past (no run has billed it yet) is listed with
 * "overdue": true, so a dashboard shows work the daily job has not done.
 * The list is ordered by date, then customer; at most 500 rows (`limit`).
 * Time, usage and bucket overage bill with the same cycles, so the dates are
 * the customer's next invoices; amounts are the preview's business
 * (POST /api/v1/billing/preview), not estimated here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "domain/domain.h"
#include "domain/engine.h"
#include "model/registry.h"

#define UPCOMING_MAX 500

typedef struct Upcoming {
    const char *assignment_id, *customer_id, *customer_name, *plan_id, *plan_name, *frequency, *timing;
    Date bill_date;
    Period cycle;
} Upcoming;

static const char *text_at(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    return v.kind == V_NULL ? NULL : arena_strndup(ctx->arena, v.s, v.len);
}

static bool date_at(Date *out, Rows *r, int i)
{
    Value v = rows_get(r, i);
    return v.kind != V_NULL && date_parse(out, v.s, v.len, NULL, NULL) == 0;
}

static int by_date(const void *a, const void *b)
{
    const Upcoming *x = a, *y = b;
    if (x->bill_date != y->bill_date)
        return x->bill_date < y->bill_date ? -1 : 1;
    int c = strcmp(x->customer_name ? x->customer_name : "", y->customer_name ? y->customer_name : "");
    return c ? c : strcmp(x->assignment_id, y->assignment_id);
}

/* The next bill date of one assignment, or false when nothing is left to bill. */
static bool next_bill(Upcoming *u, const EngineCustomerPlan *cp, Frequency f, bool advance)
{
    Period span = engine_assignment_span(cp);
    Date from = cp->has_charged_through && cp->charged_through > cp->start_date ? cp->charged_through
                                                                                  : cp->start_date;
    if (period_is_empty(span) || from >= span.end)
        return false;
    u->cycle = engine_cycle(cp, f, from);
    if (u->cycle.end > span.end)
        u->cycle.end = span.end;
    if (u->cycle.start < from)
        u->cycle.start = from;
    u->bill_date = advance ? u->cycle.start : u->cycle.end;
    return true;
}

static int upcoming(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    long days = 30, limit = 100;
    const char *ds = action_arg(in, "days"), *ls = action_arg(in, "limit");
    char *end;
    if (ds && (days = strtol(ds, &end, 10), *ds == '\0' || *end || days < 0 || days > 366))
        return err_set(err, ERR_BAD_QUERY, "days", "days must be a whole number from 0 to 366");
    if (ls && (limit = strtol(ls, &end, 10), *ls == '\0' || *end || limit < 1 || limit > UPCOMING_MAX))
        return err_set(err, ERR_BAD_QUERY, "limit", "limit must be a whole number from 1 to %d", UPCOMING_MAX);
    Date today;
    if (tz_date(&today, ctx->timezone ? ctx->timezone : "UTC", ctx->now) < 0)
        return err_set(err, ERR_INTERNAL, NULL, "today cannot be placed in the tenant's time zone");
    Date horizon = today + (Date)days;

    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT a.id, a.customer_id, c.name, a.plan_id, p.plan_name, p.billing_frequency,"
                         " p.billing_timing, a.start_date, a.end_date, a.billing_anchor, a.charged_through"
                         " FROM customer_billing_plans a"
                         " JOIN billing_plans p ON p.tenant_id = a.tenant_id AND p.id = a.plan_id"
                         " JOIN customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id"
                         " WHERE a.tenant_id = $1 AND a.deleted_at IS NULL AND a.is_active"
                         " AND p.deleted_at IS NULL AND c.deleted_at IS NULL",
                         NULL, 0, err);
    if (rc < 0)
        return rc;
    Upcoming *list = NULL;
    size_t n = 0, cap = 0;
    while (rc == 0 && rows_next(&r)) {
        Upcoming u = {.assignment_id = text_at(ctx, &r, 0), .customer_id = text_at(ctx, &r, 1),
                      .customer_name = text_at(ctx, &r, 2), .plan_id = text_at(ctx, &r, 3),
                      .plan_name = text_at(ctx, &r, 4), .frequency = text_at(ctx, &r, 5),
                      .timing = text_at(ctx, &r, 6)};
        EngineCustomerPlan cp = {.id = u.assignment_id, .customer_id = u.customer_id, .plan_id = u.plan_id,
                                 .is_active = true};
        Frequency f;
        if (!date_at(&cp.start_date, &r, 7) || !u.frequency || frequency_parse(&f, u.frequency) < 0)
            continue;   /* the registry validated both on write: nothing to bill from a row without them */
        cp.has_end_date = date_at(&cp.end_date, &r, 8);
        cp.has_anchor = date_at(&cp.anchor, &r, 9);
        cp.has_charged_through = date_at(&cp.charged_through, &r, 10);
        bool advance = u.timing && strcmp(u.timing, "advance") == 0;
        if (!next_bill(&u, &cp, f, advance) || u.bill_date > horizon)
            continue;
        if (!engine_push(ctx->arena, (void **)&list, &n, &cap, sizeof *list))
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        else
            list[n - 1] = u;
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (n > 1)
        qsort(list, n, sizeof *list, by_date);

    json_t *data = json_array();
    for (size_t i = 0; i < n && i < (size_t)limit; i++) {
        char d[3][11];
        date_format(d[0], list[i].bill_date);
        date_format(d[1], list[i].cycle.start);
        date_format(d[2], list[i].cycle.end);
        json_array_append_new(
            data, json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s, s:s, s:s, s:s, s:s?, s:b}", "date", d[0],
                            "customer_id", list[i].customer_id, "customer_name", list[i].customer_name, "plan_id",
                            list[i].plan_id, "plan_name", list[i].plan_name, "customer_billing_plan_id",
                            list[i].assignment_id, "period_start", d[1], "period_end", d[2], "frequency",
                            list[i].frequency, "billing_timing", list[i].timing, "overdue",
                            list[i].bill_date < today));
    }
    char t[11];
    date_format(t, today);
    out->json = json_pack("{s:o, s:s, s:i, s:b}", "data", data, "today", t, "days", (int)days, "has_more",
                          n > (size_t)limit);
    return 0;
}

static const Endpoint upcoming_ep = {
    .method = "GET", .path = "billing/upcoming", .role = ROLE_USER,
    .run = upcoming,
    .doc = "The next bill date of every active plan assignment within `days` (default 30; past ones not billed yet are "
           "`overdue`), ordered by date: what the coming bill runs will invoice",
};

void billing_upcoming_init(void)
{
    registry_add_endpoint(&upcoming_ep);
}
