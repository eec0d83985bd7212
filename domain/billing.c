/* domain/billing.c — rules on the billing engine's tables (model/billing.c)
 * when they are written through the API. Exports billing_init.
 *
 *  - time_entries: the user defaults to the creator; duration (minutes)
 *    derives from start and end when not given (or when an update moves the
 *    times and leaves the duration as it was), a duration that contradicts
 *    both times is refused (422 on duration), and end must not precede
 *    start; work_date is start_time's date in the tenant's time zone (the
 *    engine bills by it); a billed entry cannot be changed or deleted.
 *  - usage_records: a billed record cannot be changed or deleted.
 *  - time_entries, usage_records, discounts: over the tenant's approval
 *    threshold an item waits for approval (domain/approvals.c sets its
 *    approval_status and keeps its approvals row in step, in this write's
 *    transaction).
 *  - discounts: a percentage is from 0 to 100 (engine_discount_value_ok, the
 *    engine's own rule) and end_date is not before start_date (422).
 *  - customer_billing_plans: end_date >= start_date, and a bucket plan that
 *    overlaps another bucket assignment of the customer covering a common
 *    service is refused (409, engine_check_assignment); the services the
 *    customer then holds must keep their prerequisites (422 on a write, 409 on
 *    a delete: domain/billing_deps.c).
 */
#include <string.h>

#include "core/tz.h"
#include "domain/approvals.h"
#include "domain/billing_deps.h"
#include "domain/domain.h"
#include "model/crud.h"

static int parse_ts(Timestamp *out, const Row *row, const char *f)
{
    const char *s = row_text(row, f);
    return s ? ts_parse(out, s, strlen(s), f, NULL) : -1;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int refuse_billed(const Row *old, const char *what, Error *err)
{
    if (old && !row_is_null(old, "billed_at"))
        return err_set(err, ERR_STATE, NULL, "this %s has been billed and cannot change", what);
    return 0;
}

static int time_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    /* references first: another tenant's id is a 422 naming it, whatever else is wrong */
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc == 0)
        rc = refuse_billed(old, "time entry", err);
    if (rc < 0)
        return rc;
    if (row_is_null(row, "user_id") && ctx->user_id[0])
        row_set_text(ctx, row, "user_id", ctx->user_id);
    Timestamp st = 0, en = 0;
    if (parse_ts(&st, row, "start_time") < 0)
        return err_set(err, ERR_REQUIRED, "start_time", "start_time is required");
    bool has_end = parse_ts(&en, row, "end_time") == 0;
    if (has_end && en < st)
        return err_set(err, ERR_INVALID, "end_time", "end_time must not be before start_time");
    if (!has_end && row_is_null(row, "duration"))
        return err_set(err, ERR_REQUIRED, "duration", "duration is required without an end_time");
    if (has_end) {
        /* microseconds to minutes, halves up: with both times the duration is theirs (section 9) */
        int64_t derived = (int64_t)((en - st + 30000000) / 60000000);
        bool times_moved = old && (!same_text(row_text(row, "start_time"), row_text(old, "start_time")) ||
                                   !same_text(row_text(row, "end_time"), row_text(old, "end_time")));
        bool duration_kept = old && !row_is_null(old, "duration") && !row_is_null(row, "duration") &&
                             row_int(row, "duration") == row_int(old, "duration");
        if (row_is_null(row, "duration") || (times_moved && duration_kept))
            row_set_int(row, "duration", derived);
        else if (row_int(row, "duration") != derived)
            return err_set(err, ERR_INVALID, "duration",
                           "duration is %lld minutes but start_time to end_time is %lld; give one or the other",
                           (long long)row_int(row, "duration"), (long long)derived);
    }
    Date d;
    rc = tz_date(&d, ctx->timezone ? ctx->timezone : "UTC", st);
    if (rc < 0)
        return err_set(err, ERR_INVALID, "start_time", "start_time cannot be placed in the tenant's time zone");
    char ds[11];
    date_format(ds, d);
    row_set_text(ctx, row, "work_date", ds);
    return approvals_before_write(ctx, t, row, old, err);
}

static int time_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    int rc = refuse_billed(old, "time entry", err);
    return rc < 0 ? rc : approvals_before_delete(ctx, t, old, err);
}

static int usage_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc == 0)
        rc = refuse_billed(old, "usage record", err);
    return rc < 0 ? rc : approvals_before_write(ctx, t, row, old, err);
}

static int usage_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    int rc = refuse_billed(old, "usage record", err);
    return rc < 0 ? rc : approvals_before_delete(ctx, t, old, err);
}

static int assignment_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const char *sd = row_text(row, "start_date"), *ed = row_text(row, "end_date");
    Date s = 0, e = 0;
    if (sd && ed && date_parse(&s, sd, strlen(sd), "start_date", NULL) == 0 &&
        date_parse(&e, ed, strlen(ed), "end_date", NULL) == 0 && e < s)
        return err_set(err, ERR_INVALID, "end_date", "end_date must not be before start_date");
    return 0;
}

/* After the write, in the same transaction: the customer's assignments as the engine sees them
 * (this one included) must not hold two overlapping bucket plans for a common service, and every
 * service the customer then holds keeps its prerequisites (domain/billing_deps.c). A refusal
 * rolls the request back. */
static int assignment_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    const char *id = row_text(row, "id");
    BillingHoldings h;
    int rc = billing_holdings_load(ctx, row_text(row, "customer_id"), true, &h, err);
    for (size_t i = 0; rc == 0 && i < h.in.ncustomer_plans; i++)
        if (h.in.customer_plans[i].id && strcmp(h.in.customer_plans[i].id, id) == 0)
            rc = engine_check_assignment(&h.in, &h.in.customer_plans[i], err);
    return rc < 0 ? rc : billing_deps_assignment_written(ctx, &h, row, old, err);
}

static int assignment_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    return billing_deps_assignment_deleting(ctx, old, err);
}

/* What the engine cannot apply is refused when saved: a value the engine rejects (a percentage
 * over 100) and a period that ends before it starts (a discount that could never apply). */
static int discount_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    EngineDiscount d = {.type = ENGINE_DISCOUNT_PERCENTAGE};
    const char *type = row_text(row, "discount_type");
    if (type)
        engine_discount_type_parse(&d.type, type);
    d.value = dec_from_scaled(row_int(row, "value"), 6);
    if (!engine_discount_value_ok(&d))
        return err_set(err, ERR_RANGE, "value", d.type == ENGINE_DISCOUNT_PERCENTAGE
                                                    ? "a percentage discount is from 0 to 100"
                                                    : "a discount amount must not be negative");
    const char *sd = row_text(row, "start_date"), *ed = row_text(row, "end_date");
    Date s = 0, e = 0;
    if (sd && ed && date_parse(&s, sd, strlen(sd), "start_date", NULL) == 0 &&
        date_parse(&e, ed, strlen(ed), "end_date", NULL) == 0 && e < s)
        return err_set(err, ERR_INVALID, "end_date", "end_date must not be before start_date");
    return approvals_before_write(ctx, t, row, old, err);
}

static const Hooks time_hooks = {.before_write = time_before_write, .after_write = approvals_after_write,
                                 .before_delete = time_before_delete};
static const Hooks usage_hooks = {.before_write = usage_before_write, .after_write = approvals_after_write,
                                  .before_delete = usage_before_delete};
static const Hooks discount_hooks = {.before_write = discount_before_write, .after_write = approvals_after_write,
                                     .before_delete = approvals_before_delete};
static const Hooks assignment_hooks = {.before_write = assignment_before_write,
                                       .after_write = assignment_after_write,
                                       .before_delete = assignment_before_delete};

void billing_init(void)
{
    table_set_hooks("time_entries", &time_hooks);
    table_set_hooks("usage_records", &usage_hooks);
    table_set_hooks("discounts", &discount_hooks);
    table_set_hooks("customer_billing_plans", &assignment_hooks);
}
