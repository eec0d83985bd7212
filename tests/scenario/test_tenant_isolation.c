/* tests/scenario/test_tenant_isolation.c — one tenant can never see or touch another's rows,
 * for EVERY resource the server serves: the resources are enumerated from
 * GET /api/v1/openapi.json, so a table added later is covered without touching this file.
 *
 * For each served table, tenant A gets a row (created from the OpenAPI create schema with
 * every required field filled by its type, references first; tables without a generic create
 * use a row A already has, e.g. its own user or its audit trail). Then tenant B:
 *   - GET, PATCH and DELETE of A's id answer 404 (405 where the table has no such method);
 *   - A's id is in none of B's lists, not even filtered by id;
 *   - B cannot point a reference field of its own rows at A's row: 422 invalid_reference,
 *     on create and on patch, and nothing is written;
 *   - B cannot reach A's sub-resources through A's parent row (404);
 * and A's row is unchanged afterwards (same version). A table that cannot be created
 * generically (the server refuses the generic body with a 4xx) is reported and skipped; a 5xx
 * anywhere fails the test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/helpers.h"

#define MAX_TABLES 512

typedef struct Res {
    char name[96];
    bool create, patch, del;       /* the generic methods the document lists */
    char a_id[40];                 /* tenant A's row ("" = none) */
    char b_id[40];                 /* tenant B's own row, made on demand */
    int64_t a_version;
    bool tried_a, tried_b;
    char skip[300];                /* why the table could not be exercised */
} Res;

typedef struct Sub { char parent[96], name[96]; } Sub;

static json_t *doc;                /* the OpenAPI document */
static Res res[MAX_TABLES];
static int nres;
static Sub subs[MAX_TABLES];
static int nsubs;
static HttpClient *client;
static TestTenant ta, tb;

static Res *find_res(const char *name)
{
    for (int i = 0; i < nres; i++)
        if (!strcmp(res[i].name, name))
            return &res[i];
    return NULL;
}

static json_t *schema_of(const char *name, const char *suffix)
{
    char key[160];
    snprintf(key, sizeof key, "%s%s", name, suffix);
    return json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), key);
}

/* "/api/v1/x", "/api/v1/x/{id}", "/api/v1/p/{parent_id}/s" */
static void enumerate(void)
{
    json_t *paths = json_object_get(doc, "paths");
    cr_assert(json_is_object(paths), "openapi.json has no paths");
    const char *path;
    json_t *ops;
    json_object_foreach(paths, path, ops) {
        if (strncmp(path, "/api/v1/", 8) != 0)
            continue;
        const char *rest = path + 8;
        char seg[4][96];
        int n = 0;
        for (const char *p = rest; *p && n < 4;) {
            const char *slash = strchr(p, '/');
            size_t len = slash ? (size_t)(slash - p) : strlen(p);
            snprintf(seg[n++], sizeof seg[0], "%.*s", (int)len, p);
            p = slash ? slash + 1 : p + len;
        }
        if (n == 1 && json_object_get(ops, "get")) {
            char item[256];
            snprintf(item, sizeof item, "%s/{id}", path);
            json_t *iops = json_object_get(paths, item);
            if (!iops || !schema_of(seg[0], ""))
                continue;   /* /me, /tenant: not tables */
            cr_assert_lt(nres, MAX_TABLES);
            Res *r = &res[nres++];
            memset(r, 0, sizeof *r);
            snprintf(r->name, sizeof r->name, "%s", seg[0]);
            r->create = json_object_get(ops, "post") != NULL;
            r->patch = json_object_get(iops, "patch") != NULL;
            r->del = json_object_get(iops, "delete") != NULL;
        } else if (n == 3 && !strcmp(seg[1], "{parent_id}")) {
            cr_assert_lt(nsubs, MAX_TABLES);
            snprintf(subs[nsubs].parent, sizeof subs[0].parent, "%s", seg[0]);
            snprintf(subs[nsubs].name, sizeof subs[0].name, "%s", seg[2]);
            nsubs++;
        }
    }
}

static const char *type_of(json_t *prop)
{
    json_t *t = json_object_get(prop, "type");
    if (json_is_string(t))
        return json_string_value(t);
    for (size_t i = 0; i < json_array_size(t); i++) {
        const char *s = json_string_value(json_array_get(t, i));
        if (s && strcmp(s, "null"))
            return s;
    }
    return NULL;
}

static const char *row_id(Res *r, const TestTenant *t);

/* A value for a required property, by its type; NULL (with *why) when none can be made. */
static json_t *fill(const TestTenant *t, const char *name, json_t *prop, char *why, size_t cap)
{
    const char *type = type_of(prop);
    const char *format = json_string_value(json_object_get(prop, "format"));
    const char *ref = json_string_value(json_object_get(prop, "x-references"));
    json_t *en = json_object_get(prop, "enum");
    char u[64];
    t_unique(u, sizeof u);
    if (ref) {
        Res *target = find_res(ref);
        const char *id = target ? row_id(target, t) : NULL;
        if (!id) {
            snprintf(why, cap, "required reference %s needs a row of %s, which cannot be made generically", name, ref);
            return NULL;
        }
        return json_string(id);
    }
    if (json_is_array(en)) {
        for (size_t i = 0; i < json_array_size(en); i++)
            if (json_is_string(json_array_get(en, i)))
                return json_copy(json_array_get(en, i));
    }
    if (!type)
        return json_object();                      /* json: any value */
    if (!strcmp(type, "boolean"))
        return json_false();
    if (!strcmp(type, "integer")) {
        json_t *min = json_object_get(prop, "minimum");
        return json_integer(json_is_integer(min) && json_integer_value(min) > 1 ? json_integer_value(min) : 1);
    }
    if (!strcmp(type, "number"))
        return json_integer(1);
    if (strcmp(type, "string") != 0) {
        snprintf(why, cap, "required field %s has type %s, which this test cannot fill", name, type);
        return NULL;
    }
    if (format && !strcmp(format, "uuid"))
        return json_string("01890000-0000-7000-8000-000000000001");
    if (format && !strcmp(format, "email")) {
        char e[128];
        snprintf(e, sizeof e, "iso-%s@example.com", u);
        return json_string(e);
    }
    if (format && !strcmp(format, "date"))
        return json_string("2026-01-15");
    if (format && !strcmp(format, "date-time"))
        return json_string("2026-01-15T10:00:00Z");
    if (format && (!strcmp(format, "money") || !strcmp(format, "decimal")))
        return json_string("10");
    json_t *maxl = json_object_get(prop, "maxLength");
    size_t max = json_is_integer(maxl) ? (size_t)json_integer_value(maxl) : sizeof u - 1;
    char v[96];
    snprintf(v, sizeof v, "%s-%s", name, u);
    size_t len = strlen(v);
    if (len > max) {   /* keep the unique tail */
        memmove(v, v + len - max, max + 1);
    }
    return json_string(v);
}

/* The generic create body of table r for tenant t: every required property filled. */
static json_t *create_body(Res *r, const TestTenant *t, char *why, size_t cap)
{
    json_t *s = schema_of(r->name, "_create");
    if (!s) {
        snprintf(why, cap, "no %s_create schema in openapi.json", r->name);
        return NULL;
    }
    json_t *props = json_object_get(s, "properties");
    json_t *req = json_object_get(s, "required");
    json_t *body = json_object();
    for (size_t i = 0; i < json_array_size(req); i++) {
        const char *name = json_string_value(json_array_get(req, i));
        json_t *v = name ? fill(t, name, json_object_get(props, name), why, cap) : NULL;
        if (!v) {
            json_decref(body);
            return NULL;
        }
        json_object_set_new(body, name, v);
    }
    return body;
}

static int depth;

/* Tenant t's row of table r: created generically, or one t already has. NULL if none. */
static const char *row_id(Res *r, const TestTenant *t)
{
    bool a = t == &ta;
    char *id = a ? r->a_id : r->b_id;
    bool *tried = a ? &r->tried_a : &r->tried_b;
    if (id[0] || *tried)
        return id[0] ? id : NULL;
    *tried = true;
    if (++depth > 8) {
        depth--;
        snprintf(r->skip, sizeof r->skip, "references nest too deep");
        return NULL;
    }
    char path[256];
    json_t *ans = NULL;
    if (!strcmp(r->name, "users")) {
        snprintf(id, 40, "%s", t->user_id);
    } else if (r->create) {
        char why[300] = "";
        json_t *body = create_body(r, t, why, sizeof why);
        if (body) {
            snprintf(path, sizeof path, "/api/v1/%.95s", r->name);
            long st = t_call_json(client, t->token, "POST", path, body, &ans);
            cr_assert_lt(st, 500, "POST %s answered %ld", path, st);
            /* A JSON field has no declared shape: when {} is refused as the wrong type, try []. */
            const char *bad = json_string_value(json_object_get(json_object_get(ans, "error"), "field"));
            json_t *given = bad ? json_object_get(body, bad) : NULL;
            if (st == 422 && json_is_object(given) && json_object_size(given) == 0) {
                json_object_set_new(body, bad, json_array());
                json_decref(ans);
                ans = NULL;
                st = t_call_json(client, t->token, "POST", path, body, &ans);
                cr_assert_lt(st, 500, "POST %s answered %ld", path, st);
            }
            if (st == 201) {
                snprintf(id, 40, "%s", json_string_value(json_object_get(ans, "id")));
            } else {
                char *b = json_dumps(body, JSON_COMPACT), *e = ans ? json_dumps(ans, JSON_COMPACT) : NULL;
                snprintf(r->skip, sizeof r->skip, "the generic body %.100s was refused with %ld %.120s", b, st,
                         e ? e : "");
                free(b);
                free(e);
            }
            json_decref(body);
        } else {
            snprintf(r->skip, sizeof r->skip, "%s", why);
        }
    }
    if (!id[0] && !r->create) {   /* read-only tables: a row the tenant already has */
        snprintf(path, sizeof path, "/api/v1/%.95s?limit=1", r->name);
        long st = t_call(client, t->token, "GET", path, NULL, &ans);
        cr_assert_eq(st, 200, "GET %s answered %ld", path, st);
        const char *s = json_string_value(json_object_get(json_array_get(json_object_get(ans, "data"), 0), "id"));
        if (s)
            snprintf(id, 40, "%s", s);
        else
            snprintf(r->skip, sizeof r->skip, "has no generic create and the tenant has no row of it");
    }
    json_decref(ans);
    depth--;
    return id[0] ? id : NULL;
}

static int64_t version_of(const TestTenant *t, const char *table, const char *id)
{
    char path[256];
    json_t *ans = NULL;
    snprintf(path, sizeof path, "/api/v1/%.95s/%s", table, id);
    long st = t_call(client, t->token, "GET", path, NULL, &ans);
    cr_assert_eq(st, 200, "GET %s as its owner answered %ld", path, st);
    int64_t v = json_integer_value(json_object_get(ans, "version"));
    json_decref(ans);
    return v;
}

static void expect_error(long st, json_t *ans, long want, const char *code, const char *field, const char *what)
{
    cr_assert_eq(st, want, "%s: expected %ld, got %ld", what, want, st);
    json_t *e = json_object_get(ans, "error");
    cr_assert_str_eq(json_string_value(json_object_get(e, "code")) ?: "(none)", code, "%s: error code", what);
    if (field)
        cr_assert_str_eq(json_string_value(json_object_get(e, "field")) ?: "(none)", field, "%s: error field", what);
}

/* B's lists never show A's id: filtered by id, and the whole list (first 500 rows). */
static void check_lists(Res *r)
{
    char path[256];
    json_t *ans = NULL;
    snprintf(path, sizeof path, "/api/v1/%.95s?id=%s", r->name, r->a_id);
    long st = t_call(client, tb.token, "GET", path, NULL, &ans);
    cr_assert_eq(st, 200, "B: GET %s answered %ld", path, st);
    cr_assert_eq(json_array_size(json_object_get(ans, "data")), 0, "B sees A's %s row %s through ?id=", r->name,
                 r->a_id);
    json_decref(ans);
    snprintf(path, sizeof path, "/api/v1/%.95s?limit=500", r->name);
    st = t_call(client, tb.token, "GET", path, NULL, &ans);
    cr_assert_eq(st, 200, "B: GET %s answered %ld", path, st);
    json_t *data = json_object_get(ans, "data");
    for (size_t i = 0; i < json_array_size(data); i++) {
        const char *id = json_string_value(json_object_get(json_array_get(data, i), "id"));
        cr_assert(id && strcmp(id, r->a_id) != 0, "B's list of %s holds A's row %s", r->name, r->a_id);
    }
    json_decref(ans);
}

static void check_item(Res *r)
{
    char path[256];
    json_t *ans = NULL;
    snprintf(path, sizeof path, "/api/v1/%.95s/%s", r->name, r->a_id);
    long st = t_call(client, tb.token, "GET", path, NULL, &ans);
    expect_error(st, ans, 404, "not_found", NULL, "B: GET of A's row");
    json_decref(ans);
    st = t_call(client, tb.token, "PATCH", path, "{}", &ans);
    if (r->patch)
        expect_error(st, ans, 404, "not_found", NULL, "B: PATCH of A's row");
    else
        expect_error(st, ans, 405, "method_not_allowed", NULL, "B: PATCH of A's read-only row");
    json_decref(ans);
    st = t_call(client, tb.token, "DELETE", path, NULL, &ans);
    if (r->del)
        expect_error(st, ans, 404, "not_found", NULL, "B: DELETE of A's row");
    else
        expect_error(st, ans, 405, "method_not_allowed", NULL, "B: DELETE of A's undeletable row");
    json_decref(ans);
}

/* B points each reference field of its own rows of r at A's row of the target: 422. */
static int check_references(Res *r)
{
    int checked = 0;
    json_t *s = schema_of(r->name, "_create");
    json_t *props = json_object_get(s, "properties");
    const char *name;
    json_t *prop;
    json_object_foreach(props, name, prop) {
        const char *ref = json_string_value(json_object_get(prop, "x-references"));
        Res *target = ref ? find_res(ref) : NULL;
        if (!target || !row_id(target, &ta))
            continue;
        char why[300] = "", path[256], what[300];
        json_t *body = create_body(r, &tb, why, sizeof why);
        if (!body)
            continue;
        /* create: refused, nothing written */
        json_object_set_new(body, name, json_string(target->a_id));
        json_t *ans = NULL;
        snprintf(path, sizeof path, "/api/v1/%.95s", r->name);
        long st = t_call_json(client, tb.token, "POST", path, body, &ans);
        snprintf(what, sizeof what, "B: POST %.95s with %s = A's %s", r->name, name, ref);
        expect_error(st, ans, 422, "invalid_reference", name, what);
        json_decref(ans);
        json_decref(body);
        snprintf(path, sizeof path, "/api/v1/%.95s?%s=%s", r->name, name, target->a_id);
        st = t_call(client, tb.token, "GET", path, NULL, &ans);
        if (st == 200)   /* where the field is filterable: nothing of B's points at A's row */
            cr_assert_eq(json_array_size(json_object_get(ans, "data")), 0, "%s: a row was written", what);
        json_decref(ans);
        /* patch of B's own row: refused, the row unchanged */
        json_t *pschema = schema_of(r->name, "_patch");
        const char *bid = r->patch && json_object_get(json_object_get(pschema, "properties"), name)
                              ? row_id(r, &tb)
                              : NULL;
        if (bid) {
            int64_t v = version_of(&tb, r->name, bid);
            json_t *pb = json_pack("{s:s}", name, target->a_id);
            snprintf(path, sizeof path, "/api/v1/%.95s/%s", r->name, bid);
            st = t_call_json(client, tb.token, "PATCH", path, pb, &ans);
            snprintf(what, sizeof what, "B: PATCH %.95s with %s = A's %s", r->name, name, ref);
            expect_error(st, ans, 422, "invalid_reference", name, what);
            json_decref(ans);
            json_decref(pb);
            cr_assert_eq(version_of(&tb, r->name, bid), v, "%s changed the row", what);
        }
        checked++;
    }
    return checked;
}

Test(tenant_isolation, no_tenant_can_read_change_delete_or_reference_another_tenants_rows_of_any_resource,
     .timeout = 600)
{
    t_base();
    client = http_client_new();
    cr_assert_not_null(client);
    long st = t_call(client, NULL, "GET", "/api/v1/openapi.json", NULL, &doc);
    cr_assert_eq(st, 200);
    enumerate();
    cr_assert_gt(nres, 0, "openapi.json lists no resource");
    t_signup(&ta, NULL);
    t_signup(&tb, NULL);
    /* A signs in once and the daily jobs run (test mode), so the tables those write
     * (sign-in attempts, job runs) have rows of A too. */
    json_t *login = json_pack("{s:s, s:s, s:s}", "tenant", ta.slug, "email", ta.email, "password", ta.password);
    st = t_call_json(client, NULL, "POST", "/api/v1/auth/login", login, NULL);
    json_decref(login);
    cr_assert_eq(st, 200, "A's sign-in answered %ld", st);
    st = t_call(client, NULL, "POST", "/api/v1/_test/jobs", NULL, NULL);
    cr_assert(st == 200 || st == 404, "running the daily jobs answered %ld", st);
    /* A writes first, so read-only tables (the audit trail) have rows of A. */
    for (int i = 0; i < nres; i++)
        if (res[i].create)
            row_id(&res[i], &ta);
    for (int i = 0; i < nres; i++)
        row_id(&res[i], &ta);

    int exercised = 0, refs = 0;
    for (int i = 0; i < nres; i++) {
        Res *r = &res[i];
        if (!r->a_id[0]) {
            cr_log_info("tenant isolation: SKIPPED %s: %s", r->name, r->skip[0] ? r->skip : "no row");
            continue;
        }
        r->a_version = version_of(&ta, r->name, r->a_id);
        check_item(r);
        check_lists(r);
        exercised++;
    }
    for (int i = 0; i < nres; i++)
        if (res[i].create)
            refs += check_references(&res[i]);
    for (int i = 0; i < nsubs; i++) {
        Res *p = find_res(subs[i].parent);
        if (!p || !p->a_id[0]) {
            cr_log_info("tenant isolation: SKIPPED sub-resource %s of %s: no row of %s", subs[i].name,
                        subs[i].parent, subs[i].parent);
            continue;
        }
        char path[300];
        json_t *ans = NULL;
        snprintf(path, sizeof path, "/api/v1/%.95s/%s/%s", p->name, p->a_id, subs[i].name);
        st = t_call(client, tb.token, "GET", path, NULL, &ans);
        expect_error(st, ans, 404, "not_found", NULL, "B: list of a sub-resource of A's row");
        json_decref(ans);
        st = t_call(client, tb.token, "POST", path, "{}", &ans);
        cr_assert(st == 404 || st == 405, "B: POST to a sub-resource of A's row answered %ld", st);
        json_decref(ans);
    }
    /* A's rows are as they were. */
    for (int i = 0; i < nres; i++)
        if (res[i].a_id[0])
            cr_assert_eq(version_of(&ta, res[i].name, res[i].a_id), res[i].a_version,
                         "A's %s row changed while B probed it", res[i].name);
    cr_log_info("tenant isolation: %d of %d resources exercised, %d reference fields, %d sub-resources", exercised,
                nres, refs, nsubs);
    cr_assert_gt(exercised, 0);
    cr_assert_gt(refs, 0, "no reference field was exercised");
    json_decref(doc);
    http_client_free(client);
}

/* The document lists only what the server really serves: every listed collection answers a
 * list (200) to a signed-in tenant, and an internal table is not listed. */
Test(tenant_isolation, every_resource_in_openapi_is_served_and_internal_tables_are_not)
{
    t_base();
    client = http_client_new();
    long st = t_call(client, NULL, "GET", "/api/v1/openapi.json", NULL, &doc);
    cr_assert_eq(st, 200);
    enumerate();
    t_signup(&ta, NULL);
    for (int i = 0; i < nres; i++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/%.95s", res[i].name);
        st = t_call(client, ta.token, "GET", path, NULL, NULL);
        cr_assert_eq(st, 200, "GET %s answered %ld", path, st);
    }
    static const char *const internal[] = {"tenants", "sessions", "idempotency_keys"};
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++) {
        cr_assert_null(find_res(internal[i]), "openapi.json lists the internal table %s", internal[i]);
        char path[256];
        snprintf(path, sizeof path, "/api/v1/%.95s", internal[i]);
        st = t_call(client, ta.token, "GET", path, NULL, NULL);
        cr_assert_eq(st, 404, "GET %s answered %ld", path, st);
    }
    json_decref(doc);
    http_client_free(client);
}
