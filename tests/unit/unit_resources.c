/* tests/unit/unit_resources.c — tables declared for the unit tests only (names "unit_..."),
 * linked into build/asan/unit-tests and never into remit. They exercise what the real tables
 * do not declare yet: every field type and flag (unit_things), a sub-resource (unit_lines of
 * unit_orders, deleted with their order), a global table (unit_globals), composite keys, and a
 * table whose columns the migration test creates partly by hand (unit_migrated).
 */
#include "model/registry.h"

static const char *const sizes[] = {"s", "m", "l", NULL};

/* A table without soft delete that unit_things refers to without CASCADE. */
static const Field tag_fields[] = {
    F_TEXT("name", 20, REQUIRED | FILTER),
};

RESOURCE(unit_tags) {
    .name = "unit_tags",
    .fields = tag_fields,
    .nfields = COUNT(tag_fields),
    .read = ROLE_USER, .write = ROLE_USER,
};

static const Field thing_fields[] = {
    F_TEXT("label", 5, REQUIRED | FILTER | SORT | SEARCH),
    F_EMAIL("mail", FILTER | SORT),
    F_ENUM("size", sizes, FILTER, .def = "m"),
    F_BOOL("flag", FILTER),
    F_INT("count", FILTER | SORT, .min = -5, .max = 5),
    F_INT("stock", NONNEG | FILTER),
    F_DEC("rate", 3, NONNEG | FILTER | SORT),
    F_TEXT("cur", 3, 0),
    F_MONEY("price", "cur", FILTER | SORT),
    F_MONEY("fee", NULL, 0),
    F_DATE("day", FILTER | SORT),
    F_TS("at", FILTER | SORT),
    F_JSON("meta", FILTER),
    F_REF("customer_id", "customers", FILTER),
    F_TEXT("secret", 20, SECRET),
    F_TEXT("frozen", 10, IMMUTABLE),
    F_INT("computed", READONLY),
    F_UUID("ext_id", FILTER),
    F_TEXT("quote", 20, 0, .def = "it's"),
    F_BOOL("enabled", 0, .def = "true"),
    F_INT("tries", 0, .def = "3"),
    F_TEXT("code", 20, UNIQUE_TENANT | FILTER),
    F_REF("tag_id", "unit_tags", 0),
};

RESOURCE(unit_things) {
    .name = "unit_things",
    .doc = "Every field type and flag (unit tests)",
    .fields = thing_fields,
    .nfields = COUNT(thing_fields),
    .read = ROLE_USER, .write = ROLE_USER,
    .uniques = (const char *const[]){"label,day", NULL},
    .indexes = (const char *const[]){"count,rate", NULL},
};

static const Field order_fields[] = {
    F_TEXT("number", 20, REQUIRED | UNIQUE_TENANT | FILTER | SORT),
    F_TEXT("note", 100, FILTER | SORT),
};

RESOURCE(unit_orders) {
    .name = "unit_orders",
    .fields = order_fields,
    .nfields = COUNT(order_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_USER,
    .uniques = (const char *const[]){"note,number", NULL},   /* partial (soft delete): note keeps its index */
};

static const Field line_fields[] = {
    F_REF("order_id", "unit_orders", REQUIRED | FILTER | CASCADE),
    F_TEXT("item", 50, REQUIRED | FILTER | SORT),
    F_INT("qty", NONNEG, .def = "1"),
};

RESOURCE(unit_lines) {
    .name = "unit_lines",
    .fields = line_fields,
    .nfields = COUNT(line_fields),
    .parent = "unit_orders",
    .parent_field = "order_id",
    .read = ROLE_USER, .write = ROLE_USER,
};

static const Field global_fields[] = {
    F_TEXT("code", 10, REQUIRED | UNIQUE | FILTER),
    F_REF("tenant_ref", "tenants", 0),
};

RESOURCE(unit_globals) {
    .name = "unit_globals",
    .fields = global_fields,
    .nfields = COUNT(global_fields),
    .global = true,
    .read = ROLE_USER, .write = ROLE_ADMIN,
};

/* The migration test (test_crud_sqlite.c) creates this table by hand with only id, a and the
 * system columns, inserts rows, and lets migrate_run() add the rest. */
static const Field migrated_fields[] = {
    F_TEXT("a", 20, FILTER),
    F_TEXT("b", 20, 0, .def = "bee"),
    F_TEXT("c", 20, REQUIRED),
    F_INT("d", NONNEG, .def = "4"),
    F_REF("customer_id", "customers", 0),
    F_TEXT("e", 20, UNIQUE_TENANT),
};

RESOURCE(unit_migrated) {
    .name = "unit_migrated",
    .fields = migrated_fields,
    .nfields = COUNT(migrated_fields),
    .read = ROLE_USER, .write = ROLE_USER,
};
