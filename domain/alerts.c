/* domain/alerts.c — what people do with matching's output: read and resolve
 * alerts, accept a mismatched result. Exports alerts_init.
 *
 *   POST /api/v1/alerts/{id}/read                          is_read, who and when
 *   POST /api/v1/alerts/{id}/resolve   {"note": "..."}     the note is required
 *   POST /api/v1/matching_results/{id}/accept {"reason": "..."}
 *   PATCH /api/v1/alerts/{id} {"assigned_to": ...}          reassign (the generic update)
 *
 * Rules: an alert goes read -> resolved; resolving an unread alert reads it
 * too; resolving twice is 409. Accepting needs a reason, applies to a result
 * with discrepancies that is not resolved yet (409 otherwise), and resolves
 * the result's open alerts with the same reason. Who did it and when is kept
 * on the row, and each action leaves an audit record. Matching does not undo
 * an acceptance unless what it finds changes (domain/reconcile.c).
 */
#include <ctype.h>
#include <string.h>

#include "domain/domain.h"
#include "domain/reconcile.h"
#include "model/audit.h"
#include "model/codec.h"
#include "model/crud.h"

/* The one text field an action takes, trimmed; ERR_REQUIRED when absent or blank. */
static int note_arg(Ctx *ctx, json_t *body, const char *key, const char **out, Error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        if (strcmp(k, key) != 0)
            return err_set(err, ERR_UNKNOWN_FIELD, k, "%s is not an input of this action (give %s)", k, key);
    }
    v = json_object_get(body, key);
    if (v && !json_is_string(v))
        return err_set(err, ERR_TYPE, key, "%s must be a string", key);
    const char *s = v ? json_string_value(v) : NULL;
    while (s && isspace((unsigned char)*s))
        s++;
    if (!s || !*s)
        return err_set(err, ERR_REQUIRED, key, "%s is required", key);
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n > 2000)
        return err_set(err, ERR_RANGE, key, "%s is longer than 2000 characters", key);
    *out = arena_strndup(ctx->arena, s, n);
    return *out ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static void stamp_now(Ctx *ctx, char out[TS_FORMAT_MAX])
{
    ts_format(out, TS_FORMAT_MAX, ctx->now);
}

static Value who(Ctx *ctx)
{
    return ctx->user_id[0] ? val_text(arena_strdup(ctx->arena, ctx->user_id)) : val_null();
}

/* Writes the alert's new state; audited as the action's verb. */
static int save_alert(Ctx *ctx, const Table *t, Row *nw, const Row *old, Error *err)
{
    return crud_update_row(ctx, t, nw, old, err);
}

static void mark_read(Ctx *ctx, Row *nw, const char *now)
{
    if (!row_int(nw, "is_read")) {
        row_set(nw, "is_read", val_bool(true));
        row_set_text(ctx, nw, "read_at", now);
        row_set(nw, "read_by", who(ctx));
    }
}

static int act_read(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row old, nw;
    int rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    if (json_object_size(in->body) > 0)
        return err_set(err, ERR_UNKNOWN_FIELD, NULL, "read takes no input");
    row_copy(ctx, &nw, &old);
    if (!row_int(&old, "is_read")) {
        char now[TS_FORMAT_MAX];
        stamp_now(ctx, now);
        mark_read(ctx, &nw, now);
        rc = save_alert(ctx, t, &nw, &old, err);
        if (rc < 0)
            return rc;
    }
    out->json = codec_to_json(ctx, &nw);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int resolve_alert(Ctx *ctx, const Table *t, Row *old, const char *note, Row *nw, Error *err)
{
    char now[TS_FORMAT_MAX];
    stamp_now(ctx, now);
    row_copy(ctx, nw, old);
    mark_read(ctx, nw, now);
    row_set(nw, "is_resolved", val_bool(true));
    row_set_text(ctx, nw, "resolution_note", note);
    row_set(nw, "resolved_by", who(ctx));
    row_set_text(ctx, nw, "resolved_at", now);
    return save_alert(ctx, t, nw, old, err);
}

static int act_resolve(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row old, nw;
    int rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    const char *note = NULL;
    rc = note_arg(ctx, in->body, "note", &note, err);
    if (rc < 0)
        return rc;
    if (row_int(&old, "is_resolved"))
        return err_set(err, ERR_STATE, NULL, "the alert is already resolved");
    rc = resolve_alert(ctx, t, &old, note, &nw, err);
    if (rc < 0)
        return rc;
    out->json = codec_to_json(ctx, &nw);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

typedef struct Open {
    Row rows[500];
    int n;
} Open;

static int collect(Ctx *ctx, const Row *row, void *arg)
{
    Open *o = arg;
    if (o->n < 500)
        row_copy(ctx, &o->rows[o->n++], row);
    return 0;
}

static int act_accept(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row old, nw;
    int rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    const char *reason = NULL;
    rc = note_arg(ctx, in->body, "reason", &reason, err);
    if (rc < 0)
        return rc;
    const char *status = row_text(&old, "matching_status");
    if (status && strcmp(status, "matched") == 0)
        return err_set(err, ERR_STATE, NULL, "a matched result has nothing to accept");
    if (row_int(&old, "is_resolved"))
        return err_set(err, ERR_STATE, NULL, "the result is already resolved");
    char now[TS_FORMAT_MAX];
    stamp_now(ctx, now);
    row_copy(ctx, &nw, &old);
    row_set(&nw, "is_resolved", val_bool(true));
    row_set_text(ctx, &nw, "resolution", "accepted");
    row_set_text(ctx, &nw, "resolution_note", reason);
    row_set(&nw, "resolved_by", who(ctx));
    row_set_text(ctx, &nw, "resolved_at", now);
    rc = crud_update_row(ctx, t, &nw, &old, err);
    if (rc == 0)
        rc = audit_write(ctx, t, "accept", &old, &nw, err);
    if (rc < 0)
        return rc;
    /* its open alerts, with the same reason */
    const Table *at = registry_find("alerts");
    ListQuery q;
    list_query_init(&q, at, err);
    const char *next = NULL;
    if ((rc = list_query_arg(ctx, &q, at, "matching_result_id", in->id, err)) < 0 ||
        (rc = list_query_arg(ctx, &q, at, "is_resolved", "false", err)) < 0 ||
        (rc = list_query_arg(ctx, &q, at, "limit", "500", err)) < 0 || (rc = list_query_finish(ctx, &q, at, err)) < 0)
        return rc;
    /* read first, then write: no cursor is open on the rows being changed */
    Open *o = arena_alloc(ctx->arena, sizeof *o);
    if (!o)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    rc = crud_list_rows(ctx, at, &q, collect, o, &next, err);
    const char *note = arena_printf(ctx->arena, "accepted: %s", reason);
    for (int i = 0; i < o->n && rc == 0; i++) {
        Row done;
        rc = resolve_alert(ctx, at, &o->rows[i], note, &done, err);
    }
    if (rc < 0)
        return rc;
    out->json = codec_to_json(ctx, &nw);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static const Action read_action = {
    .verb = "read", .method = "POST", .write = true, .run = act_read,
    .doc = "Mark the alert read (who and when are kept)",
};

static const Action resolve_action = {
    .verb = "resolve", .method = "POST", .write = true, .run = act_resolve,
    .doc = "Resolve the alert: {\"note\": \"what was done\"} (required)",
};

static const Action accept_action = {
    .verb = "accept", .method = "POST", .write = true, .role = ROLE_MANAGER, .run = act_accept,
    .doc = "Accept a result's discrepancies as they are: {\"reason\": \"...\"} (required); resolves its alerts",
};

void alerts_init(void)
{
    table_add_action("alerts", &read_action);
    table_add_action("alerts", &resolve_action);
    table_add_action("matching_results", &accept_action);
}
