/* domain/permissions.c — the permission list and custom roles.
 * Exports permissions_init, permissions_list, permissions_known, permissions_load,
 * permissions_check_held, permissions_check_role.
 *
 * The codenames are derived from the registry: "<table>.read" and
 * "<table>.write" for every served table (sub-resources go with their owner),
 * plus the codenames actions and endpoints declare. Each codename lists the
 * built-in roles that hold it (from the table's declared minimum roles), which
 * is what GET /api/v1/permissions returns and what the role-matrix test checks.
 * A custom role is a set of codenames; a user or API key with a custom role has
 * exactly those permissions, nothing from the built-in role.
 *
 * Nobody grants more than they hold: giving a custom role to a user or a key,
 * or putting a codename into a role, takes holding each codename (403), so a
 * custom role with users.write, api_keys.write or roles.write is not a way up.
 */
#include <stdio.h>
#include <string.h>

#include "domain/domain.h"
#include "model/perm.h"
#include "model/registry.h"

static void add(json_t *list, const char *code, const char *desc, const char *resource, Role min)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "codename")), code) == 0)
            return;
    }
    json_t *roles = json_array();
    for (Role r = ROLE_ADMIN; r >= ROLE_USER; r--)
        if (r >= (min ? min : ROLE_ADMIN))
            json_array_append_new(roles, json_string(role_name(r)));
    json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:o}", "codename", code, "description", desc, "resource",
                                          resource, "builtin_roles", roles));
}

json_t *permissions_list(void)
{
    json_t *list = json_array();
    char code[160], desc[256];
    for (int i = 0; i < registry_count(); i++) {
        const Table *t = registry_at(i);
        if (t->res->internal || t->parent)
            continue;
        snprintf(code, sizeof code, "%s.read", t->name);
        snprintf(desc, sizeof desc, "List and read %s", t->name);
        add(list, code, desc, t->name, t->res->read);
        snprintf(code, sizeof code, "%s.write", t->name);
        snprintf(desc, sizeof desc, "Create, change and delete %s, and run their actions", t->name);
        add(list, code, desc, t->name, t->res->write);
        for (int a = 0; a < t->nactions; a++)
            if (t->actions[a]->permission)
                add(list, t->actions[a]->permission, t->actions[a]->doc ? t->actions[a]->doc : t->actions[a]->verb,
                    t->name, t->actions[a]->role ? t->actions[a]->role : (t->actions[a]->write ? t->res->write : t->res->read));
    }
    for (int i = 0; i < registry_endpoint_count(); i++) {
        const Endpoint *e = registry_endpoint_at(i);
        if (e->permission && *e->permission)
            add(list, e->permission, e->doc ? e->doc : e->path, NULL, e->role ? e->role : ROLE_USER);
    }
    return list;
}

bool permissions_known(const char *code)
{
    json_t *list = permissions_list();
    bool found = false;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "codename")), code) == 0)
            found = true;
    }
    json_decref(list);
    return found;
}

/* Turns a role's JSON array of codenames into ctx->auth (arena memory). */
int permissions_load(Ctx *ctx, const char *json_text, size_t len)
{
    json_t *arr = json_loadb(json_text, len, 0, NULL);
    if (!json_is_array(arr)) {
        json_decref(arr);
        return -1;
    }
    size_t n = json_array_size(arr);
    AuthInfo *a = ARENA_NEW(ctx->arena, AuthInfo);
    const char **codes = ARENA_ARRAY(ctx->arena, const char *, n + 1);
    if (!a || !codes) {
        json_decref(arr);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s)
            codes[k++] = arena_strdup(ctx->arena, s);
    }
    codes[k] = NULL;   /* an empty role grants nothing: permissions is non-NULL, npermissions 0 */
    a->permissions = codes;
    a->npermissions = (int)k;
    ctx->auth = a;
    json_decref(arr);
    return 0;
}

int permissions_check_held(Ctx *ctx, json_t *codes, const char *field, Error *err)
{
    size_t i;
    json_t *code;
    json_array_foreach(codes, i, code) {
        if (json_is_string(code) && !perm_has(ctx, json_string_value(code), ROLE_ADMIN))
            return err_set(err, ERR_FORBIDDEN, field, "the role grants %s, which you do not hold",
                           json_string_value(code));
    }
    return 0;
}

int permissions_check_role(Ctx *ctx, const char *role_id, const char *field, Error *err)
{
    Rows r;
    Value p[1] = {val_text(role_id)};
    int rc = store_query(ctx->conn, &r, "SELECT permissions FROM roles WHERE tenant_id = $1 AND id = $2", p, 1, err);
    if (rc < 0)
        return rc;
    json_t *perms = NULL;
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        if (v.kind == V_TEXT)
            perms = json_loadb(v.s, v.len, 0, NULL);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc == 0)
        rc = permissions_check_held(ctx, perms, field, err);
    json_decref(perms);
    return rc;
}

static int list_endpoint(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    out->json = json_pack("{s:o}", "data", permissions_list());
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int role_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const char *p = row_text(row, "permissions");
    json_t *arr = p ? json_loads(p, 0, NULL) : NULL;
    int rc = 0;
    if (!json_is_array(arr)) {
        rc = err_set(err, ERR_TYPE, "permissions", "permissions must be an array of permission codenames");
    } else {
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
            if (!json_is_string(v)) {
                rc = err_set(err, ERR_TYPE, "permissions", "permissions must be an array of strings");
                break;
            }
            if (!permissions_known(json_string_value(v))) {
                rc = err_set(err, ERR_INVALID, "permissions", "%s is not a permission (see GET /api/v1/permissions)",
                             json_string_value(v));
                break;
            }
        }
    }
    if (rc == 0)   /* nobody grants more than they hold, to their own role or a new one */
        rc = permissions_check_held(ctx, arr, "permissions", err);
    json_decref(arr);
    return rc;
}

static const Hooks role_hooks = {.before_write = role_before_write};

static const Endpoint list_ep = {
    .method = "GET",
    .path = "permissions",
    .role = ROLE_USER,
    .run = list_endpoint,
    .doc = "Every permission codename, derived from the registry, with the built-in roles that hold it",
};

void permissions_init(void)
{
    table_set_hooks("roles", &role_hooks);
    registry_add_endpoint(&list_ep);
}
