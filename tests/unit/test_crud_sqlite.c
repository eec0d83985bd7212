/* tests/unit/test_crud_sqlite.c — model/crud and model/migrate on a temporary SQLite file:
 * create/get/update/delete with versions, references (also another tenant's ids), soft and hard
 * delete, audit rows in the same transaction, sub-resources; list queries (every operator,
 * order keys with NULLs both ways, keyset cursors and their encoding); and migrations that are
 * idempotent (a second run applies nothing) and additive (a field added to a declared table
 * becomes a column and no row is lost).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "model/codec.h"
#include "model/crud.h"
#include "model/migrate.h"
#include "tests/unit/unit_db.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static UnitDb db;
static UnitTenant ta, tb;
static const Table *things, *orders, *lines, *customers;

static void setup(void)
{
    udb_open(&db, true);
    udb_tenant(&db, &ta, "unit-a");
    udb_tenant(&db, &tb, "unit-b");
    things = registry_find("unit_things");
    orders = registry_find("unit_orders");
    lines = registry_find("unit_lines");
    customers = registry_find("customers");
}

static void teardown(void)
{
    udb_tenant_free(&ta);
    udb_tenant_free(&tb);
    udb_close(&db);
}

TestSuite(crud, .init = setup, .fini = teardown);

/* Creates a row of t from JSON text in t's own transaction; returns its id (arena). */
static const char *make(UnitTenant *t, const Table *tbl, const char *json, const char *parent)
{
    json_t *body = udb_json(json);
    Row row;
    Error e;
    err_clear(&e);
    int rc = crud_create(&t->ctx, tbl, body, parent, &row, &e);
    json_decref(body);
    cr_assert_eq(rc, 0, "create %s %s: %s (%s)", tbl->name, json, e.message, e.field);
    return row_text(&row, "id");
}

static int64_t count(UnitTenant *t, const char *sql)
{
    int64_t n = -1;
    Error e;
    cr_assert_eq(store_query_int(t->ctx.conn, &n, sql, NULL, 0, &e), 0, "%s: %s", sql, e.message);
    return n;
}

Test(crud, create_get_update_delete_with_versions)
{
    udb_begin(&db, &ta, true);
    const char *id = make(&ta, things, "{\"label\": \"one\", \"count\": 1, \"frozen\": \"f\"}", NULL);
    cr_assert(uuid_valid(id, strlen(id)));
    Row got;
    Error e;
    cr_assert_eq(crud_get(&ta.ctx, things, id, false, &got, &e), 0, "%s", e.message);
    cr_expect_str_eq(row_text(&got, "label"), "one");
    cr_expect_eq(row_int(&got, "version"), 1);
    cr_expect_str_eq(row_text(&got, "created_by") ? row_text(&got, "created_by") : "", ta.ctx.user_id);
    cr_expect_str_eq(row_text(&got, "created_at"), row_text(&got, "updated_at"));
    cr_expect_str_eq(row_text(&got, "size"), "m", "defaults are stored");

    json_t *patch = udb_json("{\"count\": 2}");
    Row upd;
    cr_assert_eq(crud_update(&ta.ctx, things, id, patch, 1, NULL, &upd, &e), 0, "%s", e.message);
    cr_expect_eq(row_int(&upd, "version"), 2);
    cr_expect_eq(row_int(&upd, "count"), 2);
    cr_expect_str_eq(row_text(&upd, "label"), "one", "fields not given are kept");
    cr_expect_eq(crud_update(&ta.ctx, things, id, patch, 1, NULL, &upd, &e), -ERR_PRECONDITION, "stale If-Match");
    cr_expect_eq(crud_update(&ta.ctx, things, id, patch, -1, NULL, &upd, &e), 0, "no If-Match");
    json_decref(patch);
    patch = udb_json("{\"frozen\": \"g\"}");
    cr_expect_eq(crud_update(&ta.ctx, things, id, patch, -1, NULL, &upd, &e), -ERR_READONLY);
    cr_expect_str_eq(e.field, "frozen");
    json_decref(patch);
    patch = udb_json("{\"label\": null}");
    cr_expect_eq(crud_update(&ta.ctx, things, id, patch, -1, NULL, &upd, &e), -ERR_REQUIRED);
    json_decref(patch);

    cr_expect_eq(crud_delete(&ta.ctx, things, id, 2, NULL, &e), -ERR_PRECONDITION, "stale If-Match on delete");
    cr_expect_eq(crud_delete(&ta.ctx, things, id, 3, NULL, &e), 0, "%s", e.message);
    cr_expect_eq(crud_get(&ta.ctx, things, id, false, &got, &e), -ERR_NOT_FOUND);
    cr_expect_eq(count(&ta, "SELECT count(*) FROM unit_things WHERE tenant_id = $1"), 0, "a hard delete removes the row");
    cr_expect_eq(crud_delete(&ta.ctx, things, id, -1, NULL, &e), -ERR_NOT_FOUND);
    cr_expect_eq(crud_get(&ta.ctx, things, "not-a-uuid", false, &got, &e), -ERR_NOT_FOUND);
    udb_end(&ta, true);
}

Test(crud, deleting_a_row_that_other_rows_still_refer_to_is_a_conflict)
{
    udb_begin(&db, &ta, true);
    const char *tag = make(&ta, registry_find("unit_tags"), "{\"name\": \"blue\"}", NULL);
    char body[160];
    snprintf(body, sizeof body, "{\"label\": \"tag\", \"tag_id\": \"%s\"}", tag);
    const char *thing = make(&ta, things, body, NULL);
    Error e;
    err_clear(&e);
    cr_expect_eq(crud_delete(&ta.ctx, registry_find("unit_tags"), tag, -1, NULL, &e), -ERR_CONFLICT);
    cr_expect_neq(strstr(e.message, "still"), NULL, "the message says the row is still referred to: %s", e.message);
    Row got;
    cr_expect_eq(crud_get(&ta.ctx, registry_find("unit_tags"), tag, false, &got, &e), 0, "the tag is still there");
    cr_expect_eq(crud_delete(&ta.ctx, things, thing, -1, NULL, &e), 0);
    cr_expect_eq(crud_delete(&ta.ctx, registry_find("unit_tags"), tag, -1, NULL, &e), 0, "%s", e.message);
    udb_end(&ta, false);
}

Test(crud, a_lost_update_is_impossible_the_second_writer_of_a_version_gets_412)
{
    udb_begin(&db, &ta, true);
    const char *id = make(&ta, things, "{\"label\": \"race\"}", NULL);
    Row old, a, b;
    Error e;
    cr_assert_eq(crud_get(&ta.ctx, things, id, true, &old, &e), 0);
    row_copy(&ta.ctx, &a, &old);
    row_copy(&ta.ctx, &b, &old);
    row_set_int(&a, "count", 1);
    row_set_int(&b, "count", 2);
    cr_expect_eq(crud_update_row(&ta.ctx, things, &a, &old, &e), 0);
    cr_expect_eq(crud_update_row(&ta.ctx, things, &b, &old, &e), -ERR_PRECONDITION, "both read version 1");
    Row now;
    crud_get(&ta.ctx, things, id, false, &now, &e);
    cr_expect_eq(row_int(&now, "count"), 1);
    udb_end(&ta, false);
}

Test(crud, references_must_exist_in_the_same_tenant_and_not_be_deleted)
{
    udb_begin(&db, &tb, true);
    const char *b_customer = make(&tb, customers, "{\"name\": \"B's\"}", NULL);
    udb_end(&tb, true);
    udb_begin(&db, &ta, true);
    const char *a_customer = make(&ta, customers, "{\"name\": \"A's\"}", NULL);
    char body[256];
    static const struct { const char *fmt; const char *id; int want; } rows[] = {
        {"{\"label\": \"r1\", \"customer_id\": \"%s\"}", NULL, 0},
        {"{\"label\": \"r2\", \"customer_id\": \"%s\"}", "b", -ERR_REFERENCE},
        {"{\"label\": \"r3\", \"customer_id\": \"%s\"}", "none", -ERR_REFERENCE},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const char *id = !rows[i].id ? a_customer : !strcmp(rows[i].id, "b") ? b_customer
                                                                               : "01890000-0000-7000-8000-000000000001";
        snprintf(body, sizeof body, rows[i].fmt, id);
        json_t *j = udb_json(body);
        Row row;
        Error e;
        err_clear(&e);
        int rc = crud_create(&ta.ctx, things, j, NULL, &row, &e);
        json_decref(j);
        cr_expect_eq(rc, rows[i].want, "%s: %s", body, e.message);
        if (rc < 0)
            cr_expect_str_eq(e.field, "customer_id");
    }
    Error e;
    cr_assert_eq(crud_delete(&ta.ctx, customers, a_customer, -1, NULL, &e), 0);
    snprintf(body, sizeof body, "{\"label\": \"r4\", \"customer_id\": \"%s\"}", a_customer);
    json_t *j = udb_json(body);
    Row row;
    cr_expect_eq(crud_create(&ta.ctx, things, j, NULL, &row, &e), -ERR_REFERENCE, "a soft-deleted row");
    json_decref(j);
    /* another tenant's row is not found at all */
    Row got;
    cr_expect_eq(crud_get(&ta.ctx, customers, b_customer, false, &got, &e), -ERR_NOT_FOUND);
    cr_expect_eq(crud_delete(&ta.ctx, customers, b_customer, -1, NULL, &e), -ERR_NOT_FOUND);
    udb_end(&ta, true);
}

Test(crud, soft_delete_hides_the_row_and_frees_its_unique_values_and_audit_rows_commit_with_it)
{
    udb_begin(&db, &ta, true);
    const char *id = make(&ta, orders, "{\"number\": \"SO-1\"}", NULL);
    Error e;
    Row row;
    json_t *dup = udb_json("{\"number\": \"SO-1\"}");
    cr_expect_eq(crud_create(&ta.ctx, orders, dup, NULL, &row, &e), -ERR_DUPLICATE);
    cr_expect_str_eq(e.field, "number");
    cr_assert_eq(crud_delete(&ta.ctx, orders, id, -1, NULL, &e), 0, "%s", e.message);
    cr_expect_eq(crud_get(&ta.ctx, orders, id, false, &row, &e), -ERR_NOT_FOUND);
    cr_expect_eq(count(&ta, "SELECT count(*) FROM unit_orders WHERE tenant_id = $1 AND deleted_at IS NOT NULL"), 1,
                 "the row is kept");
    cr_expect_eq(crud_create(&ta.ctx, orders, dup, NULL, &row, &e), 0, "the number is free again: %s", e.message);
    json_decref(dup);
    cr_expect_eq(count(&ta, "SELECT count(*) FROM audit_logs WHERE tenant_id = $1 AND entity_type = 'unit_orders'"),
                 3, "create, delete, create");
    udb_end(&ta, false);
    udb_begin(&db, &ta, false);
    cr_expect_eq(count(&ta, "SELECT count(*) FROM unit_orders WHERE tenant_id = $1"), 0, "rolled back");
    cr_expect_eq(count(&ta, "SELECT count(*) FROM audit_logs WHERE tenant_id = $1"), 0, "with its audit rows");
    udb_end(&ta, false);
}

Test(crud, a_sub_resource_belongs_to_its_parent_given_by_the_url)
{
    udb_begin(&db, &ta, true);
    const char *o1 = make(&ta, orders, "{\"number\": \"SO-1\"}", NULL);
    const char *o2 = make(&ta, orders, "{\"number\": \"SO-2\"}", NULL);
    const char *l1 = make(&ta, lines, "{\"item\": \"bolt\"}", o1);
    make(&ta, lines, "{\"item\": \"nut\"}", o1);
    make(&ta, lines, "{\"item\": \"gear\"}", o2);
    Error e;
    Row row;
    json_t *j = udb_json("{\"item\": \"x\", \"order_id\": \"01890000-0000-7000-8000-000000000001\"}");
    cr_expect_eq(crud_create(&ta.ctx, lines, j, o1, &row, &e), -ERR_READONLY, "the parent comes from the URL");
    json_decref(j);
    j = udb_json("{\"item\": \"x\"}");
    cr_expect_eq(crud_create(&ta.ctx, lines, j, "01890000-0000-7000-8000-000000000001", &row, &e), -ERR_NOT_FOUND);
    cr_expect_eq(crud_update(&ta.ctx, lines, l1, j, -1, o2, &row, &e), -ERR_NOT_FOUND, "under another parent");
    cr_expect_eq(crud_update(&ta.ctx, lines, l1, j, -1, o1, &row, &e), 0, "%s", e.message);
    json_decref(j);
    ListQuery q;
    list_query_init(&q, lines, &e);
    q.parent_id = o1;
    cr_assert_eq(list_query_finish(&ta.ctx, &q, lines, &e), 0);
    json_t *data = NULL;
    const char *next = NULL;
    cr_assert_eq(crud_list(&ta.ctx, lines, &q, &data, &next, &e), 0);
    cr_expect_eq(json_array_size(data), 2, "only the parent's lines");
    json_decref(data);
    udb_end(&ta, false);
}

/* ---- lists ---- */

/* Ten rows: label L0..L9, count i-5 (-5..4), day NULL for i % 3 == 0, else 2024-01-(10 - i). */
static void ten_rows(UnitTenant *t)
{
    char body[256];
    for (int i = 0; i < 10; i++) {
        if (i % 3 == 0)
            snprintf(body, sizeof body, "{\"label\": \"L%d\", \"count\": %d, \"flag\": %s, \"mail\": \"m%d@x.io\"}", i,
                     i - 5, i % 2 ? "true" : "false", i);
        else
            snprintf(body, sizeof body,
                     "{\"label\": \"L%d\", \"count\": %d, \"flag\": %s, \"day\": \"2024-01-%02d\", \"rate\": \"%d.5\"}",
                     i, i - 5, i % 2 ? "true" : "false", 10 - i, i);
        make(t, things, body, NULL);
    }
}

/* Runs a list with query-string arguments and returns the labels joined by commas. */
static const char *labels(UnitTenant *t, const char *const *args, int nargs, const char **next, int *rc_out)
{
    static char out[512];
    ListQuery q;
    Error e;
    err_clear(&e);
    list_query_init(&q, things, &e);
    int rc = 0;
    for (int i = 0; i + 1 < nargs * 2 && rc == 0; i += 2)
        rc = list_query_arg(&t->ctx, &q, things, args[i], args[i + 1], &e);
    if (rc == 0)
        rc = list_query_finish(&t->ctx, &q, things, &e);
    json_t *data = NULL;
    *next = NULL;
    if (rc == 0)
        rc = crud_list(&t->ctx, things, &q, &data, next, &e);
    if (rc_out)
        *rc_out = rc;
    out[0] = '\0';
    if (rc < 0) {
        snprintf(out, sizeof out, "error %s %s", err_name(e.code), e.field);
        return out;
    }
    for (size_t i = 0; i < json_array_size(data); i++) {
        size_t n = strlen(out);
        snprintf(out + n, sizeof out - n, "%s%s", i ? "," : "",
                 json_string_value(json_object_get(json_array_get(data, i), "label")));
    }
    json_decref(data);
    return out;
}

Test(crud, every_filter_operator_selects_the_right_rows)
{
    udb_begin(&db, &tb, true);   /* one writer at a time on SQLite: B first */
    make(&tb, things, "{\"label\": \"B0\", \"count\": 0}", NULL);   /* another tenant's row never shows */
    udb_end(&tb, true);
    udb_begin(&db, &ta, true);
    ten_rows(&ta);
    static const struct { const char *k, *v; const char *want; } rows[] = {
        {"count", "0", "L5"},
        {"count[eq]", "-5", "L0"},
        {"count[ne]", "0", "L0,L1,L2,L3,L4,L6,L7,L8,L9"},
        {"count[gt]", "2", "L8,L9"},
        {"count[gte]", "2", "L7,L8,L9"},
        {"count[lt]", "-3", "L0,L1"},
        {"count[lte]", "-3", "L0,L1,L2"},
        {"count[in]", "-5,0,4,5", "L0,L5,L9"},
        {"label[like]", "l1%", "L1"},
        {"mail[like]", "%@X.IO", "L0,L3,L6,L9"},
        {"day[null]", "true", "L0,L3,L6,L9"},
        {"day[null]", "false", "L1,L2,L4,L5,L7,L8"},
        {"day[gte]", "2024-01-05", "L1,L2,L4,L5"},
        {"day[ne]", "2024-01-09", "L0,L2,L3,L4,L5,L6,L7,L8,L9"},
        {"rate[gt]", "4.5", "L5,L7,L8"},
        {"flag", "true", "L1,L3,L5,L7,L9"},
        {"label", "none", ""},
        {"label", "toolong", "error bad_query label"},   /* longer than the field: cannot match */
    };
    for (size_t i = 0; i < N(rows); i++) {
        const char *args[] = {rows[i].k, rows[i].v, "order", "label"};
        const char *next = NULL;
        cr_expect_str_eq(labels(&ta, args, 2, &next, NULL), rows[i].want, "%s=%s", rows[i].k, rows[i].v);
        cr_expect_null(next);
    }
    const char *args[] = {"q", "l7"};
    const char *next;
    cr_expect_str_eq(labels(&ta, args, 1, &next, NULL), "L7", "search");
    udb_end(&ta, false);
}

Test(crud, undeclared_or_malformed_query_arguments_are_refused_naming_them)
{
    udb_begin(&db, &ta, false);
    static const struct { const char *k, *v; const char *want; } rows[] = {
        {"secret", "x", "error bad_query secret"},
        {"quote", "x", "error bad_query quote"},
        {"nope", "x", "error bad_query nope"},
        {"count[regex]", "1", "error bad_query count[regex]"},
        {"count[gt", "1", "error bad_query count[gt"},
        {"count", "x", "error bad_query count"},
        {"flag[gt]", "true", "error bad_query flag[gt]"},
        {"count[like]", "1", "error bad_query count[like]"},
        {"meta", "{}", "error bad_query meta"},
        {"day[null]", "maybe", "error bad_query day[null]"},
        {"order", "secret", "error bad_query order"},
        {"order", "label,label", "error bad_query order"},
        {"order", "-", "error bad_query order"},
        {"order", "mail,label,count,rate,day", "error bad_query order"},
        {"limit", "0", "error bad_query limit"},
        {"limit", "501", "error bad_query limit"},
        {"limit", "5x", "error bad_query limit"},
        {"limit", "", "error bad_query limit"},
        {"cursor", "@@@", "error bad_query cursor"},
        {"cursor", "", "error bad_query cursor"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const char *args[] = {rows[i].k, rows[i].v};
        const char *next;
        cr_expect_str_eq(labels(&ta, args, 1, &next, NULL), rows[i].want, "%s=%s", rows[i].k, rows[i].v);
    }
    udb_end(&ta, false);
}

/* Pages through with limit 1..4 under an order and checks the concatenation equals the whole. */
static void page_through(UnitTenant *t, const char *order, const char *whole)
{
    for (int limit = 1; limit <= 4; limit++) {
        char lim[16], all[512] = "";
        snprintf(lim, sizeof lim, "%d", limit);
        const char *cursor = NULL;
        int pages = 0;
        for (;;) {
            const char *args[] = {"order", order, "limit", lim, "cursor", cursor};
            const char *next = NULL;
            int rc = 0;
            const char *got = labels(t, args, cursor ? 3 : 2, &next, &rc);
            cr_assert_eq(rc, 0, "order %s limit %d: %s", order, limit, got);
            size_t n = strlen(all);
            snprintf(all + n, sizeof all - n, "%s%s", n && *got ? "," : "", got);
            pages++;
            cr_assert_lt(pages, 20, "order %s limit %d: the cursor does not advance", order, limit);
            if (!next)
                break;
            cursor = next;
        }
        cr_expect_str_eq(all, whole, "order %s limit %d", order, limit);
    }
}

Test(crud, keyset_pages_follow_the_order_with_nulls_last_ascending_and_first_descending)
{
    udb_begin(&db, &ta, true);
    ten_rows(&ta);
    /* days: L1 09, L2 08, L4 06, L5 05, L7 03, L8 02; NULL for L0 L3 L6 L9 (ties broken by id,
     * i.e. creation order, in the first key's direction) */
    static const struct { const char *order, *whole; } rows[] = {
        {"day", "L8,L7,L5,L4,L2,L1,L0,L3,L6,L9"},
        {"-day", "L9,L6,L3,L0,L1,L2,L4,L5,L7,L8"},
        {"day,-label", "L8,L7,L5,L4,L2,L1,L9,L6,L3,L0"},
        {"-day,label", "L0,L3,L6,L9,L1,L2,L4,L5,L7,L8"},
        {"rate", "L1,L2,L4,L5,L7,L8,L0,L3,L6,L9"},
        {"-count", "L9,L8,L7,L6,L5,L4,L3,L2,L1,L0"},
        {"mail,-count", "L0,L3,L6,L9,L8,L7,L5,L4,L2,L1"},
        {"-id", "L9,L8,L7,L6,L5,L4,L3,L2,L1,L0"},
        {"id", "L0,L1,L2,L3,L4,L5,L6,L7,L8,L9"},
    };
    for (size_t i = 0; i < N(rows); i++)
        page_through(&ta, rows[i].order, rows[i].whole);
    udb_end(&ta, false);
}

Test(crud, a_cursor_is_base64url_json_of_the_order_and_the_last_rows_keys)
{
    udb_begin(&db, &ta, true);
    ten_rows(&ta);
    const char *args[] = {"order", "-day,label", "limit", "5"};
    const char *next = NULL;
    cr_expect_str_eq(labels(&ta, args, 2, &next, NULL), "L0,L3,L6,L9,L1");
    cr_assert_not_null(next);
    unsigned char raw[512];
    long n = id_b64url_decode(raw, sizeof raw, next, strlen(next));
    cr_assert_gt(n, 0, "not base64url: %s", next);
    json_t *c = json_loadb((const char *)raw, (size_t)n, 0, NULL);
    cr_assert_not_null(c, "not JSON: %.*s", (int)n, raw);
    cr_expect_str_eq(json_string_value(json_object_get(c, "o")), "-day,label");
    json_t *k = json_object_get(c, "k");
    cr_assert_eq(json_array_size(k), 3, "day, label and the id");
    cr_expect_str_eq(json_string_value(json_array_get(k, 0)), "2024-01-09");
    cr_expect_str_eq(json_string_value(json_array_get(k, 1)), "L1");
    const char *id = json_string_value(json_array_get(k, 2));
    cr_expect(id && uuid_valid(id, strlen(id)));
    json_decref(c);

    /* made by hand: the same keys resume at the same place; wrong shapes are refused */
    static const struct { const char *json; const char *want; } rows[] = {
        /* ids run in the first key's direction (descending here): every real id is after ffff... */
        {"{\"o\":\"-day,label\",\"k\":[\"2024-01-09\",\"L1\",\"ffffffff-ffff-7fff-bfff-ffffffffffff\"]}",
         "L1,L2,L4,L5,L7,L8"},
        {"{\"o\":\"-day,label\",\"k\":[null,\"L3\",\"00000000-0000-7000-8000-000000000000\"]}",
         "L6,L9,L1,L2,L4,L5,L7,L8"},
        {"{\"o\":\"day\",\"k\":[\"2024-01-09\",\"00000000-0000-7000-8000-000000000000\"]}", "error bad_query cursor"},
        {"{\"o\":\"-day,label\",\"k\":[\"2024-01-09\",\"L1\"]}", "error bad_query cursor"},
        {"{\"o\":\"-day,label\",\"k\":[\"2024-01-09\",\"L1\",\"not-a-uuid\"]}", "error bad_query cursor"},
        {"{\"o\":\"-day,label\",\"k\":[\"2024-01-09\",5,\"00000000-0000-7000-8000-000000000000\"]}",
         "error bad_query cursor"},
        {"{\"k\":[]}", "error bad_query cursor"},
        {"[1,2]", "error bad_query cursor"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char cur[512];
        cr_assert_gt(id_b64url_encode(cur, sizeof cur, rows[i].json, strlen(rows[i].json)), 0);
        const char *a2[] = {"order", "-day,label", "cursor", cur};
        cr_expect_str_eq(labels(&ta, a2, 2, &next, NULL), rows[i].want, "%s", rows[i].json);
    }
    /* an integer key must be an integer in the cursor */
    const char *a3[] = {"order", "count", "limit", "2"};
    cr_expect_str_eq(labels(&ta, a3, 2, &next, NULL), "L0,L1");
    const char *bad = "{\"o\":\"count\",\"k\":[\"-4\",\"00000000-0000-7000-8000-000000000000\"]}";
    char cur[512];
    id_b64url_encode(cur, sizeof cur, bad, strlen(bad));
    const char *a4[] = {"order", "count", "cursor", cur};
    cr_expect_str_eq(labels(&ta, a4, 2, &next, NULL), "error bad_query cursor");
    udb_end(&ta, false);
}

/* ---- migrations ---- */

static int64_t migrations_recorded(UnitDb *d)
{
    Conn *c;
    Error e;
    cr_assert_eq(store_acquire(d->store, &c, &e), 0);
    cr_assert_eq(store_begin(c, NULL, false, &e), 0);
    Rows r;
    cr_assert_eq(store_query_global(c, &r, "SELECT count(*) FROM schema_migrations", NULL, 0, &e), 0);
    cr_assert(rows_next(&r));
    int64_t n = rows_get(&r, 0).i;
    rows_close(&r);
    store_rollback(c);
    store_release(c);
    return n;
}

Test(crud, migrations_are_idempotent_a_second_run_applies_nothing)
{
    int64_t before = migrations_recorded(&db);
    cr_expect_gt(before, registry_count(), "a table and its indexes each leave a record");
    int n = -1;
    Error e;
    cr_assert_eq(migrate_run(db.store, &n, &e), 0, "%s", e.message);
    cr_expect_eq(n, 0, "the second run applied %d changes", n);
    cr_assert_eq(migrate_run(db.store, &n, &e), 0, "%s", e.message);
    cr_expect_eq(n, 0);
    cr_expect_eq(migrations_recorded(&db), before);
}

static int data_step_runs;

static int count_data_step(Store *s, Error *err)
{
    (void)s;
    (void)err;
    data_step_runs++;
    return 0;
}

/* Criterion runs each test in its own process: the registration stays in this one. */
Test(crud, a_data_step_runs_once_after_the_schema_and_is_recorded)
{
    static const MigrateDataStep step = {.version = "d9999", .description = "counts its runs", .run = count_data_step};
    migrate_add_data_step(&step);
    int64_t before = migrations_recorded(&db);
    int n = -1;
    Error e;
    cr_assert_eq(migrate_run(db.store, &n, &e), 0, "%s", e.message);
    cr_expect_eq(n, 1, "the data step is the one change");
    cr_expect_eq(data_step_runs, 1);
    cr_expect_eq(migrations_recorded(&db), before + 1);
    cr_assert_eq(migrate_run(db.store, &n, &e), 0, "%s", e.message);
    cr_expect_eq(n, 0);
    cr_expect_eq(data_step_runs, 1, "a recorded data step does not run again");
}

/* Runs sql on d (an older release's schema), then the migrations; returns how many applied. */
static int migrate_after(UnitDb *d, const char *sql)
{
    Conn *c;
    Error e;
    cr_assert_eq(store_acquire(d->store, &c, &e), 0);
    cr_assert_eq(store_exec_script(c, sql, &e), 0, "%s", e.message);
    store_release(c);
    int n = 0;
    cr_assert_eq(migrate_run(d->store, &n, &e), 0, "%s %s", e.message, e.detail);
    return n;
}

/* Migration p0003: a database made before matching_results, alerts and matching_state declared
 * their unindexed columns loses those indexes (and keeps the ones queries use). */
Test(crud, indexes_a_table_no_longer_declares_are_dropped_by_their_migration)
{
    int n = migrate_after(&db, "CREATE INDEX matching_results__created_at_idx ON matching_results (tenant_id, created_at);"
                               "CREATE INDEX alerts__read_by_idx ON alerts (tenant_id, read_by);"
                               "DELETE FROM schema_migrations WHERE version = 'p0003'");
    cr_expect_eq(n, 1, "the numbered step ran again, nothing else");
    Conn *c;
    Error e;
    cr_assert_eq(store_acquire(db.store, &c, &e), 0);
    static const struct { const char *name; bool want; } ix[] = {
        {"matching_results__created_at_idx", false}, {"alerts__read_by_idx", false},
        {"matching_results__contract_id_idx", true}, {"matching_results__result_key_key", true},
    };
    for (size_t i = 0; i < N(ix); i++) {
        bool have = !ix[i].want;
        cr_assert_eq(store_index_exists(c, ix[i].name, &have, &e), 0);
        cr_expect_eq(have, ix[i].want, "%s", ix[i].name);
    }
    store_release(c);
}

typedef struct Cols { char name[64][64]; int n; } Cols;

static void on_col(const char *col, void *arg)
{
    Cols *c = arg;
    if (c->n < 64)
        snprintf(c->name[c->n++], 64, "%s", col);
}

static bool has_col(const Cols *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->name[i], name))
            return true;
    return false;
}

/* unit_migrated as an older release would have created it: fields a and c only (c nullable,
 * as it was then). The registry now declares b (default), d (default, NONNEG), customer_id
 * (a reference) and e (unique per tenant) too. */
Test(crud, an_added_field_becomes_a_column_and_no_row_is_lost)
{
    UnitDb old;
    udb_open(&old, false);
    int n = migrate_after(&old, "CREATE TABLE unit_migrated (tenant_id TEXT NOT NULL, id TEXT NOT NULL, a TEXT,"
                                " c TEXT, version INTEGER NOT NULL, created_by TEXT, created_at TEXT NOT NULL,"
                                " updated_at TEXT NOT NULL, PRIMARY KEY (tenant_id, id));"
                                "INSERT INTO unit_migrated VALUES ('t1', 'r1', 'one', 'x', 1, NULL,"
                                " '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z');"
                                "INSERT INTO unit_migrated VALUES ('t1', 'r2', 'two', NULL, 3, NULL,"
                                " '2026-01-01T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z');");
    cr_expect_gt(n, 0);
    Conn *c;
    Error e;
    cr_assert_eq(store_acquire(old.store, &c, &e), 0);
    Cols cols = {0};
    cr_assert_eq(store_table_columns(c, "unit_migrated", on_col, &cols, &e), 0);
    static const char *const want[] = {"a", "b", "c", "d", "customer_id", "e"};
    for (size_t i = 0; i < N(want); i++)
        cr_expect(has_col(&cols, want[i]), "column %s was not added", want[i]);
    bool ix = false;
    cr_assert_eq(store_index_exists(c, "unit_migrated__e_key", &ix, &e), 0);
    cr_expect(ix, "the unique index of the added field");
    cr_assert_eq(store_begin(c, NULL, false, &e), 0);
    Rows r;
    cr_assert_eq(store_query_global(c, &r, "SELECT id, a, b, c, d, customer_id, version FROM unit_migrated ORDER BY id",
                                    NULL, 0, &e),
                 0, "%s", e.message);
    static const struct { const char *id, *a, *b; int64_t d, version; } rows[] = {{"r1", "one", "bee", 4, 1},
                                                                                 {"r2", "two", "bee", 4, 3}};
    for (size_t i = 0; i < N(rows); i++) {
        cr_assert(rows_next(&r), "row %s was lost", rows[i].id);
        cr_expect_eq(strncmp(rows_get(&r, 0).s, rows[i].id, 2), 0);
        cr_expect_eq(strncmp(rows_get(&r, 1).s, rows[i].a, 3), 0, "the old values are kept");
        cr_expect_eq(strncmp(rows_get(&r, 2).s, rows[i].b, 3), 0, "existing rows get the default");
        cr_expect_eq(rows_get(&r, 4).i, rows[i].d);
        cr_expect_eq(rows_get(&r, 5).kind, V_NULL);
        cr_expect_eq(rows_get(&r, 6).i, rows[i].version);
    }
    cr_expect(!rows_next(&r));
    rows_close(&r);
    store_rollback(c);
    store_release(c);
    int64_t recorded = migrations_recorded(&old);
    cr_assert_eq(migrate_run(old.store, &n, &e), 0);
    cr_expect_eq(n, 0, "and a second run applies nothing");
    cr_expect_eq(migrations_recorded(&old), recorded);
    udb_close(&old);
}
