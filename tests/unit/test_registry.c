/* tests/unit/test_registry.c — model/registry: every declared table is compiled with its
 * implicit columns, ordered after the tables it references, with references, currencies and
 * parents resolved; lookups, row helpers, actions and endpoints. Runs over every table linked
 * in (the real ones and tests/unit/unit_resources.c), so a new table is checked too.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "model/registry.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void setup(void)
{
    Error e;
    cr_assert_eq(registry_init(&e), 0, "registry_init: %s", e.message);
}

TestSuite(registry, .init = setup);

Test(registry, every_table_has_id_first_then_its_fields_then_the_system_columns)
{
    cr_assert_gt(registry_count(), 5);
    for (int i = 0; i < registry_count(); i++) {
        const Table *t = registry_at(i);
        const Resource *r = t->res;
        cr_assert_eq(t->col_id, 0, "%s", t->name);
        cr_expect_str_eq(t->fields[0].name, "id", "%s", t->name);
        cr_expect_eq(t->fields[0].type, FT_UUID, "%s", t->name);
        cr_expect(t->fields[0].flags & READONLY, "%s.id must be read-only", t->name);
        for (int f = 0; f < r->nfields; f++)
            cr_expect_str_eq(t->fields[1 + f].name, r->fields[f].name, "%s keeps the declared order", t->name);
        cr_expect_str_eq(t->fields[t->col_version].name, "version", "%s", t->name);
        cr_expect(t->fields[t->col_version].flags & READONLY, "%s.version", t->name);
        cr_expect_str_eq(t->fields[t->col_created_at].name, "created_at", "%s", t->name);
        cr_expect_str_eq(t->fields[t->col_updated_at].name, "updated_at", "%s", t->name);
        cr_expect_eq(t->fields[t->col_created_at].type, FT_TIMESTAMP, "%s", t->name);
        if (r->global)
            cr_expect_eq(t->col_created_by, -1, "global table %s has no created_by", t->name);
        else
            cr_expect_str_eq(t->fields[t->col_created_by].name, "created_by", "%s", t->name);
        if (r->soft_delete) {
            cr_assert_geq(t->col_deleted_at, 0, "%s is soft-delete", t->name);
            cr_expect(t->fields[t->col_deleted_at].flags & INTERNAL, "%s.deleted_at is internal", t->name);
        } else {
            cr_expect_eq(t->col_deleted_at, -1, "%s", t->name);
        }
        int expect = 1 + r->nfields + 3 + (r->global ? 0 : 1) + (r->soft_delete ? 1 : 0);
        cr_expect_eq(t->nfields, expect, "%s: %d columns", t->name, t->nfields);
    }
}

Test(registry, the_select_list_names_every_column_in_order)
{
    for (int i = 0; i < registry_count(); i++) {
        const Table *t = registry_at(i);
        const char *p = t->select_list;
        for (int c = 0; c < t->nfields; c++) {
            size_t n = strlen(t->fields[c].name);
            cr_assert_eq(strncmp(p, t->fields[c].name, n), 0, "%s: select list %s at %s", t->name, t->select_list,
                         t->fields[c].name);
            p += n;
            if (c + 1 < t->nfields) {
                cr_assert_eq(strncmp(p, ", ", 2), 0, "%s", t->name);
                p += 2;
            }
        }
        cr_expect_eq(*p, '\0', "%s: select list has more: %s", t->name, p);
    }
}

Test(registry, tables_come_after_the_tables_they_reference_and_tenant_tables_after_tenants)
{
    const Table *tenants = registry_find("tenants");
    cr_assert_not_null(tenants);
    for (int i = 0; i < registry_count(); i++) {
        const Table *t = registry_at(i);
        cr_expect_eq(t->order, i, "%s", t->name);
        if (!t->res->global)
            cr_expect_lt(tenants->order, i, "tenant table %s comes before tenants", t->name);
        for (int c = 0; c < t->nfields; c++) {
            const Field *f = &t->fields[c];
            if (f->type != FT_REF)
                continue;
            cr_assert_not_null(t->refs[c], "%s.%s is not resolved", t->name, f->name);
            cr_expect_eq(t->refs[c], registry_find(f->ref), "%s.%s", t->name, f->name);
            if (strcmp(f->ref, t->name) != 0)
                cr_expect_lt(t->refs[c]->order, i, "%s comes before %s, which it references", t->name, f->ref);
            if (t->res->global)
                cr_expect(t->refs[c]->res->global, "global table %s refers to tenant table %s", t->name, f->ref);
        }
    }
}

Test(registry, a_money_field_knows_the_column_of_its_currency)
{
    const Table *t = registry_find("unit_things");
    cr_assert_not_null(t);
    cr_expect_eq(t->currency_col[table_col(t, "price")], table_col(t, "cur"));
    cr_expect_eq(t->currency_col[table_col(t, "fee")], -1, "no currency field: the tenant's");
    cr_expect_eq(t->currency_col[table_col(t, "label")], -1);
    const Table *cu = registry_find("customers");
    cr_expect_eq(cu->currency_col[table_col(cu, "credit_limit")], table_col(cu, "currency"));
}

Test(registry, a_sub_resource_knows_its_parent_and_the_field_that_links_them)
{
    const Table *lines = registry_find("unit_lines"), *orders = registry_find("unit_orders");
    cr_assert_not_null(lines);
    cr_expect_eq(lines->parent, orders);
    cr_expect_eq(lines->parent_col, table_col(lines, "order_id"));
    cr_expect_null(orders->parent);
    cr_expect_eq(orders->parent_col, -1);
}

Test(registry, lookups_by_name_and_by_length)
{
    static const struct { const char *name; size_t len; const char *want; } rows[] = {
        {"customers", 9, "customers"},
        {"customers/123", 9, "customers"},
        {"customer", 8, NULL},
        {"customersx", 10, NULL},
        {"", 0, NULL},
        {"unit_things", 11, "unit_things"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const Table *t = registry_findn(rows[i].name, rows[i].len);
        if (rows[i].want)
            cr_expect(t && strcmp(t->name, rows[i].want) == 0, "%.*s", (int)rows[i].len, rows[i].name);
        else
            cr_expect_null(t, "%.*s", (int)rows[i].len, rows[i].name);
    }
    const Table *t = registry_find("unit_things");
    cr_expect_eq(table_col(t, "label"), 1);
    cr_expect_eq(table_col(t, "nope"), -1);
    cr_expect_eq(table_coln(t, "label[gte]", 5), 1);
    cr_expect_eq(table_coln(t, "lab", 3), -1);
    cr_expect(!table_is_global(t));
    cr_expect(table_is_global(registry_find("unit_globals")));
}

Test(registry, field_type_names_cover_every_type)
{
    for (int ft = 0; ft < FT__COUNT; ft++)
        cr_expect_neq(strcmp(field_type_name((FieldType)ft), "?"), 0, "type %d has no name", ft);
    cr_expect_str_eq(field_type_name(FT_REF), "reference");
    cr_expect_str_eq(field_type_name(FT__COUNT), "?");
}

Test(registry, row_helpers_set_get_and_copy)
{
    Arena a;
    arena_init(&a, 0);
    Ctx ctx = {.arena = &a};
    const Table *t = registry_find("unit_things");
    Row r;
    cr_assert_eq(row_init(&r, &ctx, t), 0);
    for (int c = 0; c < t->nfields; c++) {
        cr_expect_eq(r.v[c].kind, V_NULL);
        cr_expect_eq(r.set[c], 0);
    }
    char label[] = "abc";
    row_set_text(&ctx, &r, "label", label);
    label[0] = 'X';   /* row_set_text copies */
    row_set_int(&r, "count", 4);
    row_set(&r, "flag", val_bool(true));
    row_set(&r, "no_such_field", val_int(1));   /* ignored */
    cr_expect_str_eq(row_text(&r, "label"), "abc");
    cr_expect_eq(row_int(&r, "count"), 4);
    cr_expect_eq(row_int(&r, "flag"), 1);
    cr_expect(row_is_null(&r, "mail"));
    cr_expect(!row_is_null(&r, "label"));
    cr_expect_null(row_text(&r, "count"), "an int is not text");
    cr_expect_eq(row_int(&r, "mail"), 0, "null reads as 0");
    cr_expect(r.set[table_col(t, "label")] && r.set[table_col(t, "count")] && !r.set[table_col(t, "mail")]);
    row_set_text(&ctx, &r, "code", "42");
    cr_expect_eq(row_int(&r, "code"), 42, "text digits read as an int");
    Row cp;
    row_copy(&ctx, &cp, &r);
    cr_expect_str_eq(row_text(&cp, "label"), "abc");
    cr_expect_neq(row_text(&cp, "label"), row_text(&r, "label"), "row_copy copies text");
    cr_expect_eq(row_int(&cp, "count"), 4);
    cr_expect_eq(cp.set[table_col(t, "label")], 0, "a copy starts with nothing set");
    arena_free(&a);
}

static int noop_run(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return 0;
}

static int noop_ep(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    return 0;
}

Test(registry, actions_are_found_by_verb_and_kind)
{
    static const Action approve = {.verb = "approve", .method = "POST", .write = true, .run = noop_run};
    static const Action import = {.verb = "import", .method = "POST", .collection = true, .run = noop_run};
    table_add_action("unit_orders", &approve);
    table_add_action("unit_orders", &import);
    table_add_action("no_such_table", &approve);   /* ignored */
    const Table *t = registry_find("unit_orders");
    cr_expect_eq(table_find_action(t, "approve", 7, false), &approve);
    cr_expect_null(table_find_action(t, "approve", 7, true), "an item action is not a collection action");
    cr_expect_eq(table_find_action(t, "import", 6, true), &import);
    cr_expect_null(table_find_action(t, "approv", 6, false));
    cr_expect_null(table_find_action(t, "approve2", 8, false));
}

Test(registry, endpoints_match_method_and_segments_and_capture_parameters)
{
    static const Endpoint stmt = {.method = "GET", .path = "unit/{id}/statement", .run = noop_ep};
    static const Endpoint preview = {.method = "POST", .path = "unit/preview", .run = noop_ep};
    registry_add_endpoint(&stmt);
    registry_add_endpoint(&preview);
    static const struct { const char *method; const char *segs[4]; int nseg; const Endpoint *want; const char *param; }
    rows[] = {
        {"GET", {"unit", "abc", "statement"}, 3, &stmt, "abc"},
        {"HEAD", {"unit", "abc", "statement"}, 3, &stmt, "abc"},
        {"POST", {"unit", "abc", "statement"}, 3, NULL, NULL},
        {"GET", {"unit", "abc"}, 2, NULL, NULL},
        {"GET", {"unit", "abc", "statement", "x"}, 4, NULL, NULL},
        {"POST", {"unit", "preview"}, 2, &preview, NULL},
        {"GET", {"unit", "preview"}, 2, NULL, NULL},
        {"POST", {"unit", "previewx"}, 2, NULL, NULL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const char *params[4] = {NULL};
        int np = -1;
        const Endpoint *e = registry_match_endpoint(rows[i].method, rows[i].segs, rows[i].nseg, params, &np);
        cr_expect_eq(e, rows[i].want, "row %zu", i);
        if (e && rows[i].param) {
            cr_expect_eq(np, 1);
            cr_expect_str_eq(params[0], rows[i].param);
        }
    }
}

Test(registry, a_table_or_field_name_must_be_usable_unquoted_in_both_dialects)
{
    static const struct { const char *table, *field; bool ok; } rows[] = {
        {"customers", NULL, true},
        {"customers", "code", true},
        {"unit_things", "label2", true},
        {"customers", "order", false},           /* SQL reserved words break the DDL */
        {"customers", "on", false},
        {"customers", "user", false},            /* reserved in PostgreSQL */
        {"customers", "index", false},           /* refused by SQLite */
        {"customers", "group", false},
        {"order", NULL, false},
        {"customers", "Code", false},            /* identifiers are lower case */
        {"customers", "2fa", false},
        {"customers", "credit-limit", false},
        {"customers", "", false},
        {"customers", "created_at", false},      /* the system columns */
        {"customers", "tenant_id", false},
        {"customers", "version", false},
        {"customers", "deleted_at", false},
        {"customers", "position", true},         /* non-reserved key words are fine */
        {"customers", "action", true},
        /* "<table>__<field>_fkey" must fit 63 characters */
        {"reconciliation_results", "contract_billing_record_identifier", true},
        {"reconciliation_results", "contract_billing_record_identifierx", false},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(registry_name_ok(rows[i].table, rows[i].field), rows[i].ok, "%s.%s", rows[i].table,
                     rows[i].field ? rows[i].field : "(table)");
    for (int i = 0; i < registry_count(); i++) {   /* every declared name passes */
        const Table *t = registry_at(i);
        cr_expect(registry_name_ok(t->name, NULL), "%s", t->name);
        for (int f = 0; f < t->res->nfields; f++)
            cr_expect(registry_name_ok(t->name, t->res->fields[f].name), "%s.%s", t->name, t->res->fields[f].name);
    }
}
