/* model/audit.c — audit_logs: the table and the writer.
 * Exports audit_write.
 *
 * Each row records who (user, email, role, ip, user agent, request id), what
 * (entity type and id, action), and the change (old and new values of the
 * fields that changed, and their names). Secret fields are never copied into
 * the trail. The table is append-only: the generic API serves it read-only.
 */
#include "model/audit.h"

#include <stdlib.h>
#include <string.h>

#include "model/codec.h"
#include "model/crud.h"


static const Field audit_fields[] = {
    F_UUID("user_id", READONLY | FILTER, .doc = "User who acted (null for the system)"),
    F_TEXT("user_email", 254, READONLY),
    F_TEXT("user_role", 50, READONLY),
    F_TEXT("ip_address", 45, READONLY),
    F_TEXT("user_agent", 512, READONLY),
    F_TEXT("request_id", 64, READONLY | FILTER),
    F_TEXT("entity_type", 100, READONLY | FILTER | SORT, .doc = "Table name"),
    F_UUID("entity_id", READONLY | FILTER),
    F_TEXT("action", 50, READONLY | FILTER, .doc = "create, update, delete, or an action verb"),
    F_JSON("old_values", READONLY),
    F_JSON("new_values", READONLY),
    F_JSON("changed_fields", READONLY),
};

RESOURCE(audit_logs) {
    .name = "audit_logs",
    .doc = "Append-only trail of every change",
    .fields = audit_fields,
    .nfields = COUNT(audit_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .indexes = (const char *const[]){"entity_type,entity_id", NULL},
};

static bool same(Value a, Value b)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind == V_TEXT)
        return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
    return a.i == b.i;
}

static bool skip(const Table *t, int c)
{
    return (t->fields[c].flags & SECRET) || c == t->col_version || c == t->col_updated_at;
}

int audit_write(Ctx *ctx, const Table *t, const char *action, const Row *old, const Row *row, Error *err)
{
    const Table *at = registry_find("audit_logs");
    if (!at || t == at)
        return 0;
    json_t *oldv = old ? json_object() : NULL;
    json_t *newv = row ? json_object() : NULL;
    json_t *changed = json_array();
    for (int c = 0; c < t->nfields; c++) {
        if (skip(t, c))
            continue;
        bool differs = !old || !row || !same(old->v[c], row->v[c]);
        if (!differs)
            continue;
        if (old && (row || old->v[c].kind != V_NULL))
            json_object_set_new(oldv, t->fields[c].name, codec_value_json(ctx, old, c));
        if (row && (old || row->v[c].kind != V_NULL))
            json_object_set_new(newv, t->fields[c].name, codec_value_json(ctx, row, c));
        if (old && row)
            json_array_append_new(changed, json_string(t->fields[c].name));
    }
    Row a;
    int rc = row_init(&a, ctx, at);
    if (rc < 0) {
        json_decref(oldv);
        json_decref(newv);
        json_decref(changed);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    const Row *any = row ? row : old;
    row_set(&a, "user_id", ctx->user_id[0] ? val_text(arena_strdup(ctx->arena, ctx->user_id)) : val_null());
    row_set_text(ctx, &a, "user_email", ctx->user_email);
    row_set_text(ctx, &a, "user_role", ctx->role_name);
    row_set_text(ctx, &a, "ip_address", ctx->ip);
    row_set_text(ctx, &a, "user_agent", ctx->user_agent);
    row_set_text(ctx, &a, "request_id", ctx->request_id);
    row_set_text(ctx, &a, "entity_type", t->name);
    row_set(&a, "entity_id", any->v[t->col_id]);
    row_set_text(ctx, &a, "action", action);
    json_t *parts[3] = {oldv, newv, changed};
    const char *names[3] = {"old_values", "new_values", "changed_fields"};
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || (i == 2 && !(old && row)))
            continue;
        char *s = json_dumps(parts[i], JSON_COMPACT | JSON_SORT_KEYS);
        if (s) {
            row_set_text(ctx, &a, names[i], s);
            free(s);
        }
    }
    json_decref(oldv);
    json_decref(newv);
    json_decref(changed);
    return crud_insert_row(ctx, at, &a, err);
}
