/* api/openapi.c — GET /api/v1/openapi.json: an OpenAPI 3.1 document generated
 * from the registry (every served table, its fields, filters, actions and
 * sub-resources), the endpoints that are not a table's (registry_add_endpoint),
 * the sign-in endpoints and the error table.
 * The order parameter of a list carries x-sortable, the keys it accepts (the
 * web console reads it).
 * Exports handle_openapi.
 */
#include <stdio.h>
#include <string.h>

#include "api/router.h"
#include "model/registry.h"

static json_t *field_schema(const Table *t, const Field *f)
{
    json_t *s = json_object();
    switch (f->type) {
    case FT_UUID:
    case FT_REF:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("uuid"));
        if (f->ref)
            json_object_set_new(s, "x-references", json_string(f->ref));
        break;
    case FT_EMAIL:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("email"));
        json_object_set_new(s, "maxLength", json_integer(254));
        break;
    case FT_ENUM: {
        json_object_set_new(s, "type", json_string("string"));
        json_t *e = json_array();
        for (const char *const *v = f->values; *v; v++)
            json_array_append_new(e, json_string(*v));
        json_object_set_new(s, "enum", e);
        break;
    }
    case FT_BOOL: json_object_set_new(s, "type", json_string("boolean")); break;
    case FT_INT:
        json_object_set_new(s, "type", json_string("integer"));
        if (f->min < f->max) {
            json_object_set_new(s, "minimum", json_integer(f->min));
            json_object_set_new(s, "maximum", json_integer(f->max));
        } else if (f->flags & NONNEG) {
            json_object_set_new(s, "minimum", json_integer(0));
        }
        break;
    case FT_DECIMAL: {
        char pat[64];
        snprintf(pat, sizeof pat, "^-?[0-9]+(\\.[0-9]{1,%d})?$", f->size > 0 ? f->size : 1);
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("decimal"));
        json_object_set_new(s, "pattern", json_string(f->size > 0 ? pat : "^-?[0-9]+$"));
        break;
    }
    case FT_MONEY:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("money"));
        json_object_set_new(s, "pattern", json_string("^-?[0-9]+(\\.[0-9]+)?$"));
        if (f->currency)
            json_object_set_new(s, "x-currency-field", json_string(f->currency));
        break;
    case FT_DATE:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("date"));
        break;
    case FT_TIMESTAMP:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("date-time"));
        break;
    case FT_JSON: break;   /* any JSON */
    default:
        json_object_set_new(s, "type", json_string("string"));
        if (f->size > 0)
            json_object_set_new(s, "maxLength", json_integer(f->size));
    }
    bool nullable = !(f->flags & REQUIRED) && !f->def && f->type != FT_JSON;
    if (nullable && json_object_get(s, "type")) {
        json_t *types = json_pack("[O, s]", json_object_get(s, "type"), "null");
        json_object_set_new(s, "type", types);
        /* JSON Schema checks enum apart from type: a nullable enum must list null too */
        if (json_object_get(s, "enum"))
            json_array_append_new(json_object_get(s, "enum"), json_null());
    }
    if (f->doc)
        json_object_set_new(s, "description", json_string(f->doc));
    if (f->flags & READONLY)
        json_object_set_new(s, "readOnly", json_true());
    if (f->def)
        json_object_set_new(s, "x-default", json_string(f->def));
    (void)t;
    return s;
}

static json_t *schema(const Table *t, int mode /* 0 output, 1 create, 2 patch */)
{
    json_t *props = json_object();
    json_t *req = json_array();
    for (int c = 0; c < t->nfields; c++) {
        const Field *f = &t->fields[c];
        if (f->flags & INTERNAL)
            continue;
        if (mode == 0 && (f->flags & SECRET))
            continue;
        if (mode > 0 && (f->flags & READONLY))
            continue;
        if (mode == 2 && (f->flags & IMMUTABLE))
            continue;
        if (mode > 0 && t->parent && c == t->parent_col)
            continue;
        json_object_set_new(props, f->name, field_schema(t, f));
        if ((mode == 1 && (f->flags & REQUIRED) && !f->def) || mode == 0)
            json_array_append_new(req, json_string(f->name));
    }
    json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties",
                          mode == 0);
    if (json_array_size(req))
        json_object_set_new(s, "required", req);
    else
        json_decref(req);
    if (t->res->doc && mode == 0)
        json_object_set_new(s, "description", json_string(t->res->doc));
    return s;
}

static json_t *ref(const char *name)
{
    char buf[256];
    snprintf(buf, sizeof buf, "#/components/schemas/%s", name);
    return json_pack("{s:s}", "$ref", buf);
}

static json_t *content(json_t *schema_)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", schema_);
}

static json_t *responses(int ok, const char *desc, json_t *schema_)
{
    json_t *r = json_object();
    char code[8];
    snprintf(code, sizeof code, "%d", ok);
    json_t *okr = json_pack("{s:s}", "description", desc);
    if (schema_)
        json_object_set_new(okr, "content", content(schema_));
    json_object_set_new(r, code, okr);
    json_object_set_new(r, "default", json_pack("{s:s, s:o}", "description", "Error (see the error codes table)",
                                                "content", content(ref("Error"))));
    return r;
}

static json_t *list_params(const Table *t)
{
    json_t *ps = json_array();
    json_array_append_new(ps, json_pack("{s:s, s:s, s:s, s:{s:s, s:i, s:i}}", "name", "limit", "in", "query",
                                        "description", "Rows per page (default 50)", "schema", "type", "integer",
                                        "minimum", 1, "maximum", 500));
    json_array_append_new(ps, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "cursor", "in", "query", "description",
                                        "next_cursor of the previous page", "schema", "type", "string"));
    char sortable[2048] = "";
    size_t off = 0;
    for (int c = 0; c < t->nfields; c++)
        if ((t->fields[c].flags & SORT) && !(t->fields[c].flags & (SECRET | INTERNAL))) {
            int w = snprintf(sortable + off, sizeof sortable - off, "%s%s", off ? ", " : "", t->fields[c].name);
            if (w > 0 && (size_t)w < sizeof sortable - off)
                off += (size_t)w;
        }
    char desc[2200];
    snprintf(desc, sizeof desc, "Comma-separated keys, '-' for descending. Sortable: %s", sortable);
    json_t *keys = json_array();
    for (int c = 0; c < t->nfields; c++)
        if ((t->fields[c].flags & SORT) && !(t->fields[c].flags & (SECRET | INTERNAL)))
            json_array_append_new(keys, json_string(t->fields[c].name));
    /* x-sortable: the same list as the description, for clients (the web console) to read */
    json_array_append_new(ps, json_pack("{s:s, s:s, s:s, s:{s:s}, s:o}", "name", "order", "in", "query", "description",
                                        desc, "schema", "type", "string", "x-sortable", keys));
    bool search = false;
    for (int c = 0; c < t->nfields; c++) {
        const Field *f = &t->fields[c];
        if (f->flags & SEARCH)
            search = true;
        if (!(f->flags & FILTER) || (f->flags & (SECRET | INTERNAL)))
            continue;
        json_array_append_new(ps, json_pack("{s:s, s:s, s:s, s:o}", "name", f->name, "in", "query", "description",
                                            "Equals; also name[ne|gt|gte|lt|lte|in|like|null]=value", "schema",
                                            json_pack("{s:s}", "type", "string")));
    }
    if (search)
        json_array_append_new(ps, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "q", "in", "query", "description",
                                            "Case-insensitive search in the text fields", "schema", "type",
                                            "string"));
    return ps;
}

static json_t *id_param(const char *name)
{
    return json_pack("{s:s, s:s, s:b, s:{s:s, s:s}}", "name", name, "in", "path", "required", 1, "schema", "type",
                     "string", "format", "uuid");
}

static void add_table(json_t *paths, json_t *schemas, const Table *t)
{
    char name[160], in[170], patch[170], path[320], listname[180];
    snprintf(name, sizeof name, "%s", t->name);
    snprintf(in, sizeof in, "%s_create", t->name);
    snprintf(patch, sizeof patch, "%s_patch", t->name);
    snprintf(listname, sizeof listname, "%s_list", t->name);
    json_object_set_new(schemas, name, schema(t, 0));
    json_object_set_new(schemas, in, schema(t, 1));
    json_object_set_new(schemas, patch, schema(t, 2));
    json_object_set_new(schemas, listname,
                        json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[s, s]}}, s:[s, s]}", "type", "object", "properties",
                                  "data", "type", "array", "items", ref(name), "next_cursor", "type", "string", "null",
                                  "required", "data", "next_cursor"));
    const char *base_fmt = t->parent ? "/api/v1/%s/{parent_id}/%s" : "/api/v1/%s%s";
    if (t->parent)
        snprintf(path, sizeof path, base_fmt, t->parent->name, t->segment);
    else
        snprintf(path, sizeof path, base_fmt, t->name, "");
    json_t *coll = json_object();
    json_t *get = json_pack("{s:[s], s:s, s:o, s:o}", "tags", t->parent ? t->parent->name : t->name, "summary",
                            "List (filters, order, cursor pagination)", "parameters", list_params(t), "responses",
                            responses(200, "A page", ref(listname)));
    if (t->parent)
        json_array_insert_new(json_object_get(get, "parameters"), 0, id_param("parent_id"));
    json_object_set_new(coll, "get", get);
    if (!t->res->no_create) {
        json_t *post = json_pack("{s:[s], s:s, s:{s:b, s:o}, s:o}", "tags", t->parent ? t->parent->name : t->name,
                                 "summary", "Create (accepts Idempotency-Key)", "requestBody", "required", 1,
                                 "content", content(ref(in)), "responses", responses(201, "Created", ref(name)));
        if (t->parent)
            json_object_set_new(post, "parameters", json_pack("[o]", id_param("parent_id")));
        json_object_set_new(coll, "post", post);
    }
    json_object_set_new(paths, path, coll);

    char ipath[360];
    snprintf(ipath, sizeof ipath, "%s/{id}", path);
    json_t *item = json_object();
    json_t *params = t->parent ? json_pack("[o, o]", id_param("parent_id"), id_param("id"))
                               : json_pack("[o]", id_param("id"));
    json_object_set_new(item, "parameters", params);
    json_object_set_new(item, "get", json_pack("{s:[s], s:s, s:o}", "tags", t->parent ? t->parent->name : t->name,
                                               "summary", "Get (ETag is the version)", "responses",
                                               responses(200, "The row", ref(name))));
    if (!t->res->no_update)
        json_object_set_new(item, "patch",
                            json_pack("{s:[s], s:s, s:{s:b, s:o}, s:o}", "tags", t->parent ? t->parent->name : t->name,
                                      "summary", "Update some fields (If-Match: \"<version>\" answers 412 when stale)",
                                      "requestBody", "required", 1, "content", content(ref(patch)), "responses",
                                      responses(200, "The updated row", ref(name))));
    if (!t->res->no_delete)
        json_object_set_new(item, "delete",
                            json_pack("{s:[s], s:s, s:o}", "tags", t->parent ? t->parent->name : t->name, "summary",
                                      t->res->soft_delete ? "Delete (soft: the row is kept, hidden)" : "Delete",
                                      "responses", responses(204, "Deleted", NULL)));
    json_object_set_new(paths, ipath, item);

    for (int i = 0; i < t->nactions; i++) {
        const Action *a = t->actions[i];
        char apath[400];
        if (a->collection)
            snprintf(apath, sizeof apath, "/api/v1/%s/%s", t->name, a->verb);
        else
            snprintf(apath, sizeof apath, "/api/v1/%s/{id}/%s", t->name, a->verb);
        json_t *op = json_pack("{s:[s], s:s, s:o}", "tags", t->name, "summary", a->doc ? a->doc : a->verb, "responses",
                               responses(200, "Result", NULL));
        if (!a->collection)
            json_object_set_new(op, "parameters", json_pack("[o]", id_param("id")));
        char method[8];
        snprintf(method, sizeof method, "%s", a->method);
        for (char *p = method; *p; p++)
            *p = (char)(*p - 'A' + 'a');
        json_t *holder = json_object_get(paths, apath);
        if (!holder) {
            holder = json_object();
            json_object_set_new(paths, apath, holder);
        }
        json_object_set_new(holder, method, op);
    }
}

static void add_auth(json_t *paths)
{
    static const struct { const char *verb, *summary, *props; } eps[] = {
        {"signup", "Create a tenant and its first (admin) user; starts a 14-day trial", "tenant_name email password"},
        {"login", "Sign in; tenant (slug) may be left out when the email belongs to one tenant", "tenant email password"},
        {"refresh", "Rotate the refresh token and get a new access token", "refresh_token"},
    };
    for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "/api/v1/auth/%s", eps[i].verb);
        json_t *props = json_object();
        for (const char *p = eps[i].props; *p;) {
            const char *sp = strchr(p, ' ');
            size_t len = sp ? (size_t)(sp - p) : strlen(p);
            char key[32];
            snprintf(key, sizeof key, "%.*s", (int)len, p);
            json_object_set_new(props, key, json_pack("{s:s}", "type", "string"));
            p += len + (sp ? 1 : 0);
        }
        json_t *op = json_pack("{s:[s], s:s, s:[], s:{s:b, s:o}, s:o}", "tags", "auth", "summary", eps[i].summary,
                               "security", "requestBody", "required", 1, "content",
                               content(json_pack("{s:s, s:o}", "type", "object", "properties", props)), "responses",
                               responses(i == 0 ? 201 : 200, "Tokens", ref("auth_tokens")));
        json_object_set_new(paths, path, json_pack("{s:o}", "post", op));
    }
    json_object_set_new(paths, "/api/v1/auth/logout",
                        json_pack("{s:{s:[s], s:s, s:o}}", "post", "tags", "auth", "summary",
                                  "Revoke the caller's session", "responses", responses(204, "Signed out", NULL)));
    json_object_set_new(paths, "/api/v1/me",
                        json_pack("{s:{s:[s], s:s, s:o}}", "get", "tags", "auth", "summary", "The signed-in user",
                                  "responses", responses(200, "User", ref("users"))));
    json_object_set_new(paths, "/api/v1/tenant",
                        json_pack("{s:{s:[s], s:s, s:o}}", "get", "tags", "auth", "summary", "The caller's tenant",
                                  "responses", responses(200, "Tenant", NULL)));
}

/* Endpoints that are not a table's (registry_add_endpoint: reports, sessions, the export...). */
static void add_endpoints(json_t *paths)
{
    for (int i = 0; i < registry_endpoint_count(); i++) {
        const Endpoint *e = registry_endpoint_at(i);
        char path[320], tag[64];
        snprintf(path, sizeof path, "/api/v1/%s", e->path);
        snprintf(tag, sizeof tag, "%.*s", (int)strcspn(e->path, "/"), e->path);
        json_t *params = json_array();
        for (const char *p = strchr(e->path, '{'); p; p = strchr(p + 1, '{')) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(p + 1, "}"), p + 1);
            json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", name, "in", "path",
                                                    "required", 1, "schema", "type", "string"));
        }
        json_t *resp = responses(200, "OK", NULL);
        json_object_set(resp, "2XX", json_object_get(resp, "200"));
        json_object_del(resp, "200");
        json_t *op = json_pack("{s:[s], s:s, s:o, s:o}", "tags", tag, "summary", e->doc ? e->doc : "", "parameters",
                               params, "responses", resp);
        if (e->public)
            json_object_set_new(op, "security", json_array());
        if (e->permission)
            json_object_set_new(op, "x-permission", json_string(e->permission));
        if (!e->public)
            json_object_set_new(op, "x-min-role", json_string(e->role == ROLE_ADMIN     ? "admin"
                                                              : e->role == ROLE_MANAGER ? "manager"
                                                                                        : "user"));
        if (strcmp(e->method, "POST") == 0)
            json_object_set_new(op, "requestBody",
                                e->raw_body ? json_pack("{s:{s:{}}}", "content", "application/octet-stream")
                                            : json_pack("{s:b, s:o}", "required", 0, "content",
                                                        content(json_pack("{s:s}", "type", "object"))));
        json_t *item = json_object_get(paths, path);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, path, item);
        }
        json_object_set_new(item, strcmp(e->method, "POST") == 0 ? "post" : "get", op);
    }
}

void handle_openapi(Request *r)
{
    json_t *paths = json_object();
    json_t *schemas = json_object();
    json_t *codes = json_array();
    for (int c = 1; c < ERR__COUNT; c++)
        json_array_append_new(codes, json_string(err_name((ErrCode)c)));
    json_object_set_new(schemas, "Error",
                        json_pack("{s:s, s:{s:{s:s, s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}},"
                                  " s:[s, s]}}, s:[s]}",
                                  "type", "object", "properties", "error", "type", "object", "properties", "code",
                                  "type", "string", "enum", codes, "message", "type", "string", "field", "type",
                                  "string", "detail", "type", "string", "hint", "type", "string", "required", "code",
                                  "message", "required", "error"));
    json_object_set_new(schemas, "auth_tokens",
                        json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}", "type", "object", "properties",
                                  "access_token", "type", "string", "refresh_token", "type", "string", "token_type",
                                  "type", "string", "expires_in", "type", "integer"));
    add_auth(paths);
    add_endpoints(paths);
    for (int i = 0; i < registry_count(); i++) {
        const Table *t = registry_at(i);
        if (!t->res->internal)
            add_table(paths, schemas, t);
    }
    json_t *errors = json_array();
    for (int c = 1; c < ERR__COUNT; c++)
        json_array_append_new(errors, json_pack("{s:s, s:i, s:s}", "code", err_name((ErrCode)c), "status",
                                                err_http_status((ErrCode)c), "description",
                                                err_description((ErrCode)c)));
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s}}}, s:[{s:[]}], s:o}", "openapi", "3.1.0",
        "info", "title", "Remit API", "version", "1", "description",
        "Multi-tenant contract-to-cash billing. Money and decimals are strings; errors are "
        "{\"error\":{\"code\",\"message\",\"field\"}}.",
        "servers", "url", "/", "paths", paths, "components", "schemas", schemas, "securitySchemes", "bearer", "type",
        "http", "scheme", "bearer", "security", "bearer", "x-error-codes", errors);
    reply_json(r, 200, doc);
}
