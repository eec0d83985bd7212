/* domain/approvals.c — approval workflows (msp-flexible-billing.md "Approval
 * Workflows", issue 5): long time entries, large usage records and big
 * discounts wait for a decision before they are billed. Exports
 * approvals_init, approvals_settings_load, approvals_before_write,
 * approvals_after_write, approvals_before_delete.
 *
 * The thresholds are declared tenant settings (domain/settings.c):
 *   billing.approval.time_minutes      int      a time entry longer than this
 *   billing.approval.usage_quantity    decimal  a usage record above this quantity
 *   billing.approval.discount_percent  decimal  a percentage discount above this
 *   billing.approval.discount_amount   decimal  a fixed discount above this (base currency)
 * 0 or unset: nothing waits. "Needs approval" is the engine's own predicate
 * (engine_time_needs_approval, ...; a time entry that is not billable never
 * waits), so what waits here is exactly what the bill run holds back.
 *
 * The item's approval_status and its one approvals row (unique per item) move
 * together, in the transaction of the write that moves them:
 *   - an item that is not decided (none, pending) waits exactly while it is
 *     over a threshold: written over it -> pending, and a request is opened
 *     (or re-opened) naming the threshold, requested_by the writer, and the
 *     approvers are mailed; brought back under it -> none, and the request is
 *     withdrawn (status "withdrawn");
 *   - a decided item (approved, rejected) keeps its decision until what was
 *     judged changes (time: minutes, customer, service, user; usage:
 *     quantity, customer, service; discount: type, value, dates); then it is
 *     screened as if new: over a threshold it waits again (the request is
 *     re-opened, the earlier decision stays in the audit trail), else none;
 *   - deleting a waiting item withdraws its request; billed items cannot
 *     change at all (domain/billing.c);
 *   - changing or removing a threshold re-screens every unbilled item of its
 *     kind that is not decided, the same way (requested_by: the item's creator).
 *
 * Decisions: POST /api/v1/approvals/{id}/approve {"decision_note"?} and
 * /reject {"decision_note"} (required), permission "approvals.decide" (the
 * built-in manager and admin; a custom role may be granted it). Four eyes:
 * nobody approves a request they caused (requested_by) nor their own time
 * (403); rejecting one's own request is allowed (it only keeps something from
 * being billed). Only a pending request can be decided (409). The request and
 * the item change in one transaction, each audited under the verb.
 *
 * Concurrency notes: a decision locks the request, then the item (FOR UPDATE
 * on PostgreSQL), and commits both with their audit rows. A bill run reads
 * committed rows only and bills an item only when it is not waiting, so it
 * sees an item either before the decision (held back) or after it (billed),
 * never half; the record's guarded billed_at makes a second billing impossible. A run never
 * writes a waiting item, so a decision and a run share no row lock but the
 * tenant's audit chain head, which orders them (on PostgreSQL a decision
 * queues behind a running API bill run of its tenant). A decision takes no
 * customer lock on purpose: the run holds the chain head while it locks its
 * customers one by one, and customer-then-head here would deadlock with it.
 * SQLite's single writer serialises all of it anyway.
 */
#include "domain/approvals.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "domain/company.h"
#include "domain/domain.h"
#include "domain/outbox.h"
#include "domain/settings.h"
#include "model/codec.h"
#include "model/crud.h"
#include "model/perm.h"

#define PERMISSION "approvals.decide"

typedef enum KindId { K_TIME, K_USAGE, K_DISCOUNT } KindId;

typedef struct Kind {
    KindId id;
    const char *table;
    const char *item_type;           /* approvals.item_type */
    const char *what;                /* for messages */
    const char *const *judged;       /* what a decision judged: a change re-opens it ("minutes": the
                                      * entry's minutes, however they are given) */
} Kind;

static const char *const time_judged[] = {"minutes", "customer_id", "service_id", "user_id", NULL};
static const char *const usage_judged[] = {"quantity", "customer_id", "service_id", NULL};
static const char *const discount_judged[] = {"discount_type", "value", "start_date", "end_date", NULL};

static const Kind kinds[] = {
    {K_TIME, "time_entries", "time_entry", "time entry", time_judged},
    {K_USAGE, "usage_records", "usage", "usage record", usage_judged},
    {K_DISCOUNT, "discounts", "discount", "discount", discount_judged},
};

static const Kind *kind_of_table(const Table *t)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].table, t->name) == 0)
            return &kinds[i];
    return NULL;
}

static const Kind *kind_of_item_type(const char *type)
{
    for (size_t i = 0; type && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].item_type, type) == 0)
            return &kinds[i];
    return NULL;
}

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static const char *status_of(const Row *row)
{
    const char *s = row ? row_text(row, "approval_status") : NULL;
    return s ? s : "none";
}

/* ---- thresholds ---- */

static int bad_setting(Error *err, const char *key, const char *want)
{
    return err_set(err, ERR_INVALID, "setting_value", "the setting %s must be %s", key, want);
}

static int read_decimal(Dec *out, json_t *v, const char *key, Error *err)
{
    Error e;
    if (!json_is_string(v) || dec_parse(out, json_string_value(v), json_string_length(v), 6, key, &e) < 0 ||
        dec_is_negative(*out))
        return bad_setting(err, key, "a decimal string of at least \"0\" with at most 6 decimals");
    return 0;
}

static int apply_setting(EngineSettings *s, const char *key, json_t *v, Error *err)
{
    if (!v || json_is_null(v))
        return 0;
    Dec d;
    int rc;
    if (strcmp(key, APPROVAL_TIME_MINUTES) == 0) {
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return bad_setting(err, key, "a whole number of minutes, 0 or more");
        s->time_approval_minutes = json_integer_value(v);
    } else if (strcmp(key, APPROVAL_USAGE_QUANTITY) == 0) {
        if ((rc = read_decimal(&d, v, key, err)) < 0)
            return rc;
        s->has_usage_approval = !dec_is_zero(d);
        s->usage_approval_quantity = d;
    } else if (strcmp(key, APPROVAL_DISCOUNT_PERCENT) == 0) {
        if ((rc = read_decimal(&d, v, key, err)) < 0)
            return rc;
        s->has_discount_approval_percent = !dec_is_zero(d);
        s->discount_approval_percent = d;
    } else if (strcmp(key, APPROVAL_DISCOUNT_AMOUNT) == 0) {
        if ((rc = read_decimal(&d, v, key, err)) < 0)
            return rc;
        Error e;
        int64_t minor = 0;
        if (!s->base || dec_to_scaled(&minor, d, s->base->exponent, &e) < 0)
            return err_set(err, ERR_INVALID, "setting_value", "the setting %s has more decimals than %s allows (%d)",
                           key, s->base ? s->base->code : "the base currency", s->base ? s->base->exponent : 0);
        s->discount_approval_amount = minor;
    }
    return 0;
}

int approvals_settings_load(Ctx *ctx, EngineSettings *s, Error *err)
{
    s->time_approval_minutes = 0;
    s->has_usage_approval = false;
    s->usage_approval_quantity = dec_from_int(0);
    s->has_discount_approval_percent = false;
    s->discount_approval_percent = dec_from_int(0);
    s->discount_approval_amount = 0;
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT setting_key, setting_value FROM system_settings WHERE tenant_id = $1 AND setting_key IN"
                         " ('" APPROVAL_TIME_MINUTES "', '" APPROVAL_USAGE_QUANTITY "', '" APPROVAL_DISCOUNT_PERCENT
                         "', '" APPROVAL_DISCOUNT_AMOUNT "')",
                         NULL, 0, err);
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        Value k = rows_get(&r, 0), v = rows_get(&r, 1);
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)k.len, k.s);
        json_t *j = v.kind == V_TEXT ? json_loadb(v.s, v.len, JSON_DECODE_ANY, NULL) : NULL;
        rc = apply_setting(s, key, j, err);
        json_decref(j);
    }
    int rr = rows_error(&r, err);
    rows_close(&r);
    return rc < 0 ? rc : rr;
}

/* The tenant's base currency (the request's when it knows it). */
static int base_currency(Ctx *ctx, const Currency **out, Error *err)
{
    *out = ctx->currency ? currency_find(ctx->currency) : NULL;
    if (*out)
        return 0;
    Rows r;
    Value p[1] = {val_text(ctx->tenant_id)};
    int rc = store_query_global(ctx->conn, &r, "SELECT base_currency FROM tenants WHERE id = $1", p, 1, err);
    if (rc < 0)
        return rc;
    char code[4] = "";
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        if (v.kind == V_TEXT)
            snprintf(code, sizeof code, "%.*s", (int)v.len, v.s);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    *out = currency_find(code);
    return *out ? 0 : err_set(err, ERR_INVALID, "currency", "the tenant's base currency is not known");
}

static int thresholds(Ctx *ctx, EngineSettings *s, Error *err)
{
    memset(s, 0, sizeof *s);
    int rc = base_currency(ctx, &s->base, err);
    return rc < 0 ? rc : approvals_settings_load(ctx, s, err);
}

/* ---- does an item wait? ---- */

static Timestamp ts_of(const Row *row, const char *f)
{
    const char *s = row_text(row, f);
    Timestamp t = 0;
    if (s)
        ts_parse(&t, s, strlen(s), f, NULL);
    return t;
}

static int64_t minutes_of(const Row *row)
{
    EngineTimeEntry e = {0};
    e.duration = row_is_null(row, "duration") ? -1 : row_int(row, "duration");
    e.start_time = ts_of(row, "start_time");
    e.end_time = row_is_null(row, "end_time") ? e.start_time : ts_of(row, "end_time");
    return engine_entry_minutes(&e);
}

static Dec dec_of(const Row *row, const char *f)
{
    return dec_from_scaled(row_get(row, f).i, row->t->fields[table_col(row->t, f)].size);
}

static EngineDiscount discount_of(const Row *row)
{
    EngineDiscount d = {0};
    engine_discount_type_parse(&d.type, row_text(row, "discount_type"));
    d.value = dec_of(row, "value");
    return d;
}

/* Whether the item, as row says, is over a threshold of s; *reason (may be NULL) names it. */
static bool needs_approval(Ctx *ctx, const Kind *k, const Row *row, const EngineSettings *s, const char **reason)
{
    char v[DEC_FORMAT_MAX], t[DEC_FORMAT_MAX];
    const char *why = NULL;
    switch (k->id) {
    case K_TIME: {
        EngineTimeEntry e = {0};
        e.duration = minutes_of(row);
        if (!row_int(row, "billable") || !engine_time_needs_approval(&e, s))
            return false;
        why = arena_printf(ctx->arena, "%lld minutes exceed the approval threshold of %lld minutes",
                           (long long)e.duration, (long long)s->time_approval_minutes);
        break;
    }
    case K_USAGE: {
        EngineUsageRecord u = {0};
        u.quantity = dec_of(row, "quantity");
        if (!engine_usage_needs_approval(&u, s))
            return false;
        dec_format_trim(v, sizeof v, u.quantity);
        dec_format_trim(t, sizeof t, s->usage_approval_quantity);
        why = arena_printf(ctx->arena, "quantity %s exceeds the approval threshold of %s", v, t);
        break;
    }
    case K_DISCOUNT: {
        EngineDiscount d = discount_of(row);
        if (!row_is_null(row, "deleted_at") || !engine_discount_needs_approval(&d, s))
            return false;
        dec_format_trim(v, sizeof v, d.value);
        if (d.type == ENGINE_DISCOUNT_PERCENTAGE) {
            dec_format_trim(t, sizeof t, s->discount_approval_percent);
            why = arena_printf(ctx->arena, "%s%% exceeds the approval threshold of %s%%", v, t);
        } else {
            char m[MONEY_FORMAT_MAX];
            money_format(m, sizeof m, s->discount_approval_amount, s->base);
            why = arena_printf(ctx->arena, "%s %s exceeds the approval threshold of %s %s", v, s->base->code, m,
                               s->base->code);
        }
        break;
    }
    }
    if (reason)
        *reason = why;
    return true;
}

static bool same_value(Value a, Value b)
{
    if (a.kind == V_NULL || b.kind == V_NULL)
        return a.kind == b.kind;
    if (a.kind == V_TEXT || b.kind == V_TEXT)
        return a.kind == b.kind && a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
    return a.i == b.i;
}

/* Whether a write changed what a decision on the item judged. */
static bool judged_changed(const Kind *k, const Row *row, const Row *old)
{
    if (!old)
        return true;
    for (const char *const *f = k->judged; *f; f++) {
        if (strcmp(*f, "minutes") == 0 ? minutes_of(row) != minutes_of(old)
                                       : !same_value(row_get(row, *f), row_get(old, *f)))
            return true;
    }
    return false;
}

/* ---- the approvals row ---- */

static Value user_or_null(Ctx *ctx, const char *id)
{
    return id && *id ? val_text(arena_strdup(ctx->arena, id)) : val_null();
}

static const char *today(Ctx *ctx)
{
    char d[11];
    date_format(d, company_today(ctx));
    return arena_strdup(ctx->arena, d);
}

/* The item's request, locked; *found false when it has none. */
static int find_request(Ctx *ctx, const Kind *k, const char *item_id, Row *out, bool *found, Error *err)
{
    *found = false;
    Rows r;
    Value p[2] = {val_text(k->item_type), val_text(item_id)};
    int rc = store_query(ctx->conn, &r, "SELECT id FROM approvals WHERE tenant_id = $1 AND item_type = $2 AND item_id = $3",
                         p, 2, err);
    if (rc < 0)
        return rc;
    char id[64] = "";
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        snprintf(id, sizeof id, "%.*s", (int)v.len, v.s);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0 || !id[0])
        return rc;
    *found = true;
    return crud_get(ctx, registry_find("approvals"), id, true, out, err);
}

typedef struct Approver {
    const char *id, *email;
} Approver;

/* Does a custom role's permissions array (JSON text) grant the decision? */
static bool grants(Value perms)
{
    if (perms.kind != V_TEXT)
        return false;
    json_t *a = json_loadb(perms.s, perms.len, 0, NULL);
    bool yes = false;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (is(json_string_value(v), PERMISSION))
            yes = true;
    }
    json_decref(a);
    return yes;
}

/* Mails everyone who may decide the request (active users holding the permission), except
 * those the four-eyes rule keeps from approving it. */
static int mail_approvers(Ctx *ctx, const Kind *k, const Row *item, const Row *req, Error *err)
{
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT u.id, u.email, u.role, u.role_id, r.permissions, r.is_active, r.deleted_at"
                         " FROM users u LEFT JOIN roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id"
                         " WHERE u.tenant_id = $1 AND u.is_active AND u.deleted_at IS NULL ORDER BY u.id",
                         NULL, 0, err);
    if (rc < 0)
        return rc;
    const char *requester = row_text(req, "requested_by");
    const char *worker = k->id == K_TIME ? row_text(item, "user_id") : NULL;
    Approver *to = NULL;
    size_t n = 0, cap = 0;
    while (rows_next(&r)) {
        Value id = rows_get(&r, 0), email = rows_get(&r, 1), role = rows_get(&r, 2), role_id = rows_get(&r, 3),
              perms = rows_get(&r, 4), ractive = rows_get(&r, 5), rdel = rows_get(&r, 6);
        bool holds = role_id.kind == V_NULL
                         ? role.kind == V_TEXT && role_parse(arena_strndup(ctx->arena, role.s, role.len)) >= ROLE_MANAGER
                         : ractive.i && rdel.kind == V_NULL && grants(perms);
        char *uid = arena_strndup(ctx->arena, id.s, id.len);
        if (!holds || email.kind != V_TEXT || is(uid, requester) || is(uid, worker))
            continue;
        Approver *a = engine_push(ctx->arena, (void **)&to, &n, &cap, sizeof *a);
        if (!a)
            break;
        a->id = uid;
        a->email = arena_strndup(ctx->arena, email.s, email.len);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    const char *req_id = row_text(req, "id"), *reason = row_text(req, "reason");
    const char *subject = arena_printf(ctx->arena, "Approval needed: %s %s", k->what, row_text(item, "id"));
    const char *body = arena_printf(ctx->arena,
                                    "A %s waits for your approval before it is billed: %s.\n"
                                    "Requested by: %s\n\n"
                                    "Approve: POST /api/v1/approvals/%s/approve\n"
                                    "Reject:  POST /api/v1/approvals/%s/reject {\"decision_note\": \"why\"}\n",
                                    k->what, reason ? reason : "over the tenant's threshold",
                                    requester ? requester : "the system", req_id, req_id);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = outbox_mail(ctx, "approvals.requested", to[i].email, subject, body, "approvals", req_id, err);
    return rc;
}

/* The item starts waiting: its request is created, or re-opened (the earlier decision stays in the
 * audit trail), and the approvers are told. */
static int open_request(Ctx *ctx, const Kind *k, const Row *item, const char *requested_by, const char *reason,
                        Error *err)
{
    const Table *at = registry_find("approvals");
    const char *item_id = row_text(item, "id");
    Row old, nw;
    bool found;
    int rc = find_request(ctx, k, item_id, &old, &found, err);
    if (rc < 0)
        return rc;
    if (found)
        row_copy(ctx, &nw, &old);
    else if (row_init(&nw, ctx, at) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, &nw, "item_type", k->item_type);
    row_set_text(ctx, &nw, "item_id", item_id);
    row_set(&nw, "requested_by", user_or_null(ctx, requested_by));
    row_set_text(ctx, &nw, "status", "pending");
    row_set_text(ctx, &nw, "request_date", today(ctx));
    row_set_text(ctx, &nw, "reason", reason);
    row_set(&nw, "approved_by", val_null());
    row_set(&nw, "approval_date", val_null());
    row_set(&nw, "decision_note", val_null());
    rc = found ? crud_update_row_as(ctx, at, &nw, &old, "reopen", err) : crud_insert_row(ctx, at, &nw, err);
    return rc < 0 ? rc : mail_approvers(ctx, k, item, &nw, err);
}

/* A waiting item changed in what is judged (requested_by: the writer, who now answers for it), or
 * the threshold moved (requested_by NULL: kept): the request follows. A request found decided or
 * missing (never the case while the rules above hold) is opened afresh. */
static int refresh_request(Ctx *ctx, const Kind *k, const Row *item, const char *requested_by, const char *reason,
                           Error *err)
{
    Row old, nw;
    bool found;
    int rc = find_request(ctx, k, row_text(item, "id"), &old, &found, err);
    if (rc < 0)
        return rc;
    if (!found || !is(row_text(&old, "status"), "pending"))
        return open_request(ctx, k, item, requested_by ? requested_by : row_text(item, "created_by"), reason, err);
    bool same_requester = !requested_by || (*requested_by ? is(row_text(&old, "requested_by"), requested_by)
                                                          : row_is_null(&old, "requested_by"));
    if (is(row_text(&old, "reason"), reason) && same_requester)
        return 0;
    row_copy(ctx, &nw, &old);
    if (requested_by) {
        row_set(&nw, "requested_by", user_or_null(ctx, requested_by));
        row_set_text(ctx, &nw, "request_date", today(ctx));
    }
    row_set_text(ctx, &nw, "reason", reason);
    return crud_update_row(ctx, registry_find("approvals"), &nw, &old, err);
}

/* The item no longer needs a decision: its request, if any is open or decided, is withdrawn. */
static int withdraw_request(Ctx *ctx, const Kind *k, const char *item_id, Error *err)
{
    Row old, nw;
    bool found;
    int rc = find_request(ctx, k, item_id, &old, &found, err);
    if (rc < 0 || !found || is(row_text(&old, "status"), "withdrawn"))
        return rc;
    row_copy(ctx, &nw, &old);
    row_set_text(ctx, &nw, "status", "withdrawn");
    return crud_update_row_as(ctx, registry_find("approvals"), &nw, &old, "withdraw", err);
}

/* ---- hooks of the items ---- */

int approvals_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const Kind *k = kind_of_table(t);
    if (!k)
        return 0;
    EngineSettings s;
    int rc = thresholds(ctx, &s, err);
    if (rc < 0)
        return rc;
    bool needs = needs_approval(ctx, k, row, &s, NULL);
    const char *was = status_of(old), *now;
    if (is(was, "approved") || is(was, "rejected"))
        now = !judged_changed(k, row, old) ? was : needs ? "pending" : "none";
    else
        now = needs ? "pending" : "none";
    row_set_text(ctx, row, "approval_status", now);
    return 0;
}

int approvals_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    const Kind *k = kind_of_table(t);
    if (!k)
        return 0;
    const char *was = status_of(old), *now = status_of(row);
    if (is(now, "none") && !is(was, "none"))
        return withdraw_request(ctx, k, row_text(row, "id"), err);
    if (!is(now, "pending") || (is(was, "pending") && !judged_changed(k, row, old)))
        return 0;
    EngineSettings s;
    const char *reason = NULL;
    int rc = thresholds(ctx, &s, err);
    if (rc < 0)
        return rc;
    needs_approval(ctx, k, row, &s, &reason);
    return is(was, "pending") ? refresh_request(ctx, k, row, ctx->user_id, reason, err)
                              : open_request(ctx, k, row, ctx->user_id, reason, err);
}

int approvals_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    const Kind *k = kind_of_table(t);
    return k && is(status_of(old), "pending") ? withdraw_request(ctx, k, row_text(old, "id"), err) : 0;
}

/* ---- a threshold changed: re-screen the items that are not decided ---- */

typedef struct Ids {
    const char **v;
    size_t n, cap;
} Ids;

static int collect_ids(Ctx *ctx, Ids *ids, const char *sql, const Value *p, int np, Error *err)
{
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, p, np, err);
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        const char **x = engine_push(ctx->arena, (void **)&ids->v, &ids->n, &ids->cap, sizeof *x);
        if (!x)
            break;
        Value v = rows_get(&r, 0);
        *x = arena_strndup(ctx->arena, v.s, v.len);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static int64_t scaled6(Dec d)
{
    int64_t v = 0;
    Error e;
    return dec_to_scaled(&v, d, 6, &e) == 0 ? v : INT64_MAX;
}

static int rescreen_item(Ctx *ctx, const Kind *k, const EngineSettings *s, const char *id, Error *err)
{
    const Table *t = registry_find(k->table);
    Row old, nw;
    int rc = crud_get(ctx, t, id, true, &old, err);
    if (rc < 0)
        return rc == -ERR_NOT_FOUND ? 0 : rc;
    if (table_col(t, "billed_at") >= 0 && !row_is_null(&old, "billed_at"))
        return 0;
    const char *was = status_of(&old), *reason = NULL;
    if (!is(was, "none") && !is(was, "pending"))
        return 0;
    bool needs = needs_approval(ctx, k, &old, s, &reason);
    if (is(was, "pending") && needs)   /* the same request; its reason names the new threshold */
        return refresh_request(ctx, k, &old, NULL, reason, err);
    if (is(was, "pending") == needs)
        return 0;
    row_copy(ctx, &nw, &old);
    row_set_text(ctx, &nw, "approval_status", needs ? "pending" : "none");
    rc = crud_update_row_as(ctx, t, &nw, &old, needs ? "request_approval" : "withdraw_approval", err);
    if (rc < 0)
        return rc;
    return needs ? open_request(ctx, k, &nw, row_text(&old, "created_by"), reason, err)
                 : withdraw_request(ctx, k, id, err);
}

static int rescreen(Ctx *ctx, const char *key, bool removed, Error *err)
{
    EngineSettings s;
    int rc = thresholds(ctx, &s, err);
    if (rc < 0)
        return rc;
    bool time = strcmp(key, APPROVAL_TIME_MINUTES) == 0, usage = strcmp(key, APPROVAL_USAGE_QUANTITY) == 0;
    if (removed && time)
        s.time_approval_minutes = 0;
    if (removed && usage)
        s.has_usage_approval = false;
    if (removed && strcmp(key, APPROVAL_DISCOUNT_PERCENT) == 0)
        s.has_discount_approval_percent = false;
    if (removed && strcmp(key, APPROVAL_DISCOUNT_AMOUNT) == 0)
        s.discount_approval_amount = 0;
    const Kind *k = &kinds[time ? K_TIME : usage ? K_USAGE : K_DISCOUNT];
    Ids ids = {0};
    /* the superset of what may change, read before anything is written; needs_approval decides */
    if (k->id == K_TIME) {
        Value p[1] = {val_int(s.time_approval_minutes > 0 ? s.time_approval_minutes : INT64_MAX)};
        rc = collect_ids(ctx, &ids,
                         "SELECT id FROM time_entries WHERE tenant_id = $1 AND billed_at IS NULL AND"
                         " (approval_status = 'pending' OR (approval_status = 'none' AND billable AND duration > $2))",
                         p, 1, err);
    } else if (k->id == K_USAGE) {
        Value p[1] = {val_int(s.has_usage_approval ? scaled6(s.usage_approval_quantity) : INT64_MAX)};
        rc = collect_ids(ctx, &ids,
                         "SELECT id FROM usage_records WHERE tenant_id = $1 AND billed_at IS NULL AND"
                         " (approval_status = 'pending' OR (approval_status = 'none' AND quantity > $2))",
                         p, 1, err);
    } else {
        int64_t amount = INT64_MAX;
        if (s.discount_approval_amount > 0)
            amount = scaled6(dec_make(s.discount_approval_amount, s.base->exponent));
        Value p[2] = {val_int(s.has_discount_approval_percent ? scaled6(s.discount_approval_percent) : INT64_MAX),
                      val_int(amount)};
        rc = collect_ids(ctx, &ids,
                         "SELECT id FROM discounts WHERE tenant_id = $1 AND deleted_at IS NULL AND"
                         " (approval_status = 'pending' OR (approval_status = 'none' AND"
                         " ((discount_type = 'percentage' AND value > $2) OR (discount_type = 'fixed' AND value > $3))))",
                         p, 2, err);
    }
    for (size_t i = 0; rc == 0 && i < ids.n; i++)
        rc = rescreen_item(ctx, k, &s, ids.v[i], err);
    return rc;
}

/* ---- decisions ---- */

/* {"decision_note": "..."}: nothing else; required to reject; trimmed. */
static int decision_note(Ctx *ctx, json_t *body, bool required, const char **out, Error *err)
{
    const char *key;
    json_t *v;
    *out = NULL;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "decision_note") != 0)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an input of this action (give decision_note)", key);
    }
    v = json_object_get(body, "decision_note");
    if (v && !json_is_null(v) && !json_is_string(v))
        return err_set(err, ERR_TYPE, "decision_note", "decision_note must be a string");
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    while (s && isspace((unsigned char)*s))
        s++;
    size_t n = s ? strlen(s) : 0;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0)
        return required ? err_set(err, ERR_REQUIRED, "decision_note", "decision_note is required to reject") : 0;
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    if (chars > 1000)
        return err_set(err, ERR_RANGE, "decision_note", "decision_note is longer than 1000 characters");
    *out = arena_strndup(ctx->arena, s, n);
    return *out ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int decide(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, bool approve, Error *err)
{
    Row old, nw, iold, inw;
    int rc = crud_get(ctx, t, in->id, true, &old, err);   /* the request, then its item: one lock order */
    if (rc < 0)
        return rc;
    const char *note = NULL;
    rc = decision_note(ctx, in->body, !approve, &note, err);
    if (rc < 0)
        return rc;
    const Kind *k = kind_of_item_type(row_text(&old, "item_type"));
    if (!k)
        return err_set(err, ERR_STATE, NULL, "the approval names no item that can be decided");
    const char *item_id = row_text(&old, "item_id");
    const char *status = row_text(&old, "status");
    if (!is(status, "pending"))
        return err_set(err, ERR_STATE, "status", "the request is %s already; only a pending request can be decided",
                       status ? status : "closed");
    const Table *it = registry_find(k->table);
    rc = crud_get(ctx, it, item_id, true, &iold, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_STATE, NULL, "the %s of this request no longer exists", k->what);
    if (rc < 0)
        return rc;
    if (!is(status_of(&iold), "pending"))
        return err_set(err, ERR_STATE, NULL, "the %s does not wait for approval", k->what);
    if (approve && is(row_text(&old, "requested_by"), ctx->user_id))
        return err_set(err, ERR_FORBIDDEN, NULL,
                       "you requested this approval; another approver must decide it (four eyes)");
    if (approve && k->id == K_TIME && is(row_text(&iold, "user_id"), ctx->user_id))
        return err_set(err, ERR_FORBIDDEN, NULL, "this is your own time; another approver must decide it (four eyes)");
    const char *verdict = approve ? "approved" : "rejected", *verb = approve ? "approve" : "reject";
    row_copy(ctx, &nw, &old);
    row_set_text(ctx, &nw, "status", verdict);
    row_set(&nw, "approved_by", user_or_null(ctx, ctx->user_id));
    row_set_text(ctx, &nw, "approval_date", today(ctx));
    row_set(&nw, "decision_note", note ? val_text(note) : val_null());
    rc = crud_update_row_as(ctx, t, &nw, &old, verb, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, &inw, &iold);
    row_set_text(ctx, &inw, "approval_status", verdict);
    rc = crud_update_row_as(ctx, it, &inw, &iold, verb, err);
    if (rc < 0)
        return rc;
    out->json = codec_to_json(ctx, &nw);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int act_approve(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return decide(ctx, t, in, out, true, err);
}

static int act_reject(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return decide(ctx, t, in, out, false, err);
}

static const Action approve_action = {
    .verb = "approve", .method = "POST", .write = true, .role = ROLE_MANAGER, .permission = PERMISSION,
    .run = act_approve,
    .doc = "Decide pending approvals (time entries, usage records, discounts): approve with an optional "
           "{\"decision_note\"}; the item is billed by the next run. Not a request you caused, nor your own time",
};

static const Action reject_action = {
    .verb = "reject", .method = "POST", .write = true, .role = ROLE_MANAGER, .permission = PERMISSION,
    .run = act_reject,
    .doc = "Reject a pending approval: {\"decision_note\": \"why\"} (required); the item is never billed",
};

static const SettingDecl settings[] = {
    {APPROVAL_TIME_MINUTES, "int", "{\"min\": 0}",
     "Time entries longer than this many minutes wait for approval before they are billed (0: none)", rescreen},
    {APPROVAL_USAGE_QUANTITY, "decimal", "{\"min\": \"0\", \"scale\": 6}",
     "Usage records above this quantity wait for approval before they are billed (0: none)", rescreen},
    {APPROVAL_DISCOUNT_PERCENT, "decimal", "{\"min\": \"0\", \"max\": \"100\", \"scale\": 6}",
     "Percentage discounts above this percent wait for approval before they apply (0: none)", rescreen},
    {APPROVAL_DISCOUNT_AMOUNT, "decimal", "{\"min\": \"0\", \"scale\": 6}",
     "Fixed discounts above this amount (base currency) wait for approval before they apply (0: none)", rescreen},
};

void approvals_init(void)
{
    table_add_action("approvals", &approve_action);
    table_add_action("approvals", &reject_action);
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        settings_declare(&settings[i]);
}
