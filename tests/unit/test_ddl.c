/* tests/unit/test_ddl.c — model/ddl: the schema text derived from the registry for both
 * dialects — column types and constraints, defaults as literals, keys and foreign keys, added
 * columns, indexes, row-level security — and the rules that keep the schema distributable with
 * Citus (DESIGN.md), checked over every table linked in.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model/ddl.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void setup(void)
{
    Error e;
    cr_assert_eq(registry_init(&e), 0, "%s", e.message);
}

TestSuite(ddl, .init = setup);

static const char *column(const char *table, const char *field, Dialect d, bool adding)
{
    static char out[512];
    const Table *t = registry_find(table);
    cr_assert_not_null(t, "%s", table);
    int c = table_col(t, field);
    cr_assert_geq(c, 0, "%s.%s", table, field);
    Buf b;
    buf_init(&b, 0);
    if (adding)
        ddl_add_column(&b, t, c, d);
    else
        ddl_column(&b, t, c, d, false);
    snprintf(out, sizeof out, "%s", buf_cstr(&b));
    buf_free(&b);
    return out;
}

Test(ddl, each_field_type_has_its_column_type_in_both_dialects)
{
    static const struct { const char *field, *sqlite, *pg; } rows[] = {
        {"id", "id TEXT NOT NULL", "id uuid NOT NULL"},
        {"label", "label TEXT NOT NULL", "label text NOT NULL"},
        {"mail", "mail TEXT", "mail text"},
        {"size", "size TEXT DEFAULT 'm' NOT NULL", "size text DEFAULT 'm' NOT NULL"},
        {"flag", "flag INTEGER", "flag boolean"},
        {"enabled", "enabled INTEGER DEFAULT 1 NOT NULL", "enabled boolean DEFAULT true NOT NULL"},
        {"count", "count INTEGER", "count bigint"},
        {"stock", "stock INTEGER CHECK (stock >= 0)", "stock bigint CHECK (stock >= 0)"},
        {"rate", "rate INTEGER CHECK (rate >= 0)", "rate bigint CHECK (rate >= 0)"},
        {"price", "price INTEGER", "price bigint"},
        {"day", "day TEXT", "day date"},
        {"at", "at TEXT", "at timestamptz"},
        {"meta", "meta TEXT", "meta jsonb"},
        {"customer_id", "customer_id TEXT", "customer_id uuid"},
        {"quote", "quote TEXT DEFAULT 'it''s' NOT NULL", "quote text DEFAULT 'it''s' NOT NULL"},
        {"tries", "tries INTEGER DEFAULT 3 NOT NULL", "tries bigint DEFAULT 3 NOT NULL"},
        {"version", "version INTEGER NOT NULL", "version bigint NOT NULL"},
        {"created_at", "created_at TEXT NOT NULL", "created_at timestamptz NOT NULL"},
        {"created_by", "created_by TEXT", "created_by uuid"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        cr_expect_str_eq(column("unit_things", rows[i].field, DIALECT_SQLITE, false), rows[i].sqlite, "%s",
                         rows[i].field);
        cr_expect_str_eq(column("unit_things", rows[i].field, DIALECT_POSTGRES, false), rows[i].pg, "%s",
                         rows[i].field);
    }
}

Test(ddl, an_added_column_never_needs_a_value_the_existing_rows_lack)
{
    static const struct { const char *table, *field; Dialect d; const char *want; } rows[] = {
        {"unit_migrated", "b", DIALECT_SQLITE, "ALTER TABLE unit_migrated ADD COLUMN b TEXT DEFAULT 'bee' NOT NULL"},
        {"unit_migrated", "c", DIALECT_SQLITE, "ALTER TABLE unit_migrated ADD COLUMN c TEXT"},
        {"unit_migrated", "c", DIALECT_POSTGRES, "ALTER TABLE unit_migrated ADD COLUMN c text"},
        {"unit_migrated", "d", DIALECT_POSTGRES,
         "ALTER TABLE unit_migrated ADD COLUMN d bigint DEFAULT 4 NOT NULL CHECK (d >= 0)"},
        {"unit_migrated", "version", DIALECT_SQLITE, "ALTER TABLE unit_migrated ADD COLUMN version INTEGER DEFAULT 1 NOT NULL"},
        {"unit_migrated", "created_at", DIALECT_POSTGRES, "ALTER TABLE unit_migrated ADD COLUMN created_at timestamptz"},
        {"unit_migrated", "customer_id", DIALECT_SQLITE, "ALTER TABLE unit_migrated ADD COLUMN customer_id TEXT"},
        {"unit_globals", "tenant_ref", DIALECT_SQLITE,
         "ALTER TABLE unit_globals ADD COLUMN tenant_ref TEXT REFERENCES tenants(id)"},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_str_eq(column(rows[i].table, rows[i].field, rows[i].d, true), rows[i].want, "%s.%s", rows[i].table,
                         rows[i].field);
}

static const char *create(const char *table, Dialect d)
{
    static char out[16384];
    Buf b;
    buf_init(&b, 0);
    ddl_create_table(&b, registry_find(table), d);
    snprintf(out, sizeof out, "%s", buf_cstr(&b));
    buf_free(&b);
    return out;
}

Test(ddl, a_tenant_table_is_keyed_by_tenant_and_id_with_composite_foreign_keys)
{
    static const struct { const char *table; Dialect d; const char *has; } rows[] = {
        {"unit_things", DIALECT_SQLITE, "CREATE TABLE unit_things (\n  tenant_id TEXT NOT NULL REFERENCES tenants(id),\n  id TEXT NOT NULL"},
        {"unit_things", DIALECT_POSTGRES, "  tenant_id uuid NOT NULL REFERENCES tenants(id),\n"},
        {"unit_things", DIALECT_SQLITE, "PRIMARY KEY (tenant_id, id)"},
        {"unit_things", DIALECT_SQLITE,
         "CONSTRAINT unit_things__customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES customers(tenant_id, id)"},
        {"unit_lines", DIALECT_POSTGRES,
         "CONSTRAINT unit_lines__order_id_fkey FOREIGN KEY (tenant_id, order_id) REFERENCES unit_orders(tenant_id, id) ON DELETE CASCADE"},
        {"unit_globals", DIALECT_POSTGRES, "PRIMARY KEY (id)"},
        {"unit_globals", DIALECT_POSTGRES,
         "CONSTRAINT unit_globals__tenant_ref_fkey FOREIGN KEY (tenant_ref) REFERENCES tenants(id)"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const char *sql = create(rows[i].table, rows[i].d);
        cr_expect_not_null(strstr(sql, rows[i].has), "%s lacks\n%s\nin\n%s", rows[i].table, rows[i].has, sql);
    }
    cr_expect_null(strstr(create("unit_globals", DIALECT_SQLITE), "tenant_id "), "a global table has no tenant_id");
    cr_expect_null(strstr(create("unit_globals", DIALECT_SQLITE), "created_by"));
}

typedef struct Ix { char name[160][64]; char sql[160][640]; int n; } Ix;

static void on_index(const char *name, const char *sql, void *arg)
{
    Ix *ix = arg;
    cr_assert_lt(ix->n, 160);
    snprintf(ix->name[ix->n], sizeof ix->name[0], "%s", name);
    snprintf(ix->sql[ix->n], sizeof ix->sql[0], "%s", sql);
    ix->n++;
}

static const char *index_sql(Ix *ix, const char *name)
{
    for (int i = 0; i < ix->n; i++)
        if (strcmp(ix->name[i], name) == 0)
            return ix->sql[i];
    return NULL;
}

Test(ddl, indexes_lead_with_the_tenant_and_soft_deleted_rows_free_their_unique_values)
{
    static Ix ix;
    memset(&ix, 0, sizeof ix);
    ddl_indexes(registry_find("unit_things"), DIALECT_SQLITE, on_index, &ix);
    ddl_indexes(registry_find("unit_orders"), DIALECT_SQLITE, on_index, &ix);
    ddl_indexes(registry_find("unit_globals"), DIALECT_POSTGRES, on_index, &ix);
    static const struct { const char *name, *sql; } rows[] = {
        {"unit_things__code_key", "CREATE UNIQUE INDEX unit_things__code_key ON unit_things (tenant_id, code)"},
        {"unit_things__label_day_key", "CREATE UNIQUE INDEX unit_things__label_day_key ON unit_things (tenant_id, label,day)"},
        {"unit_things__count_rate_idx", "CREATE INDEX unit_things__count_rate_idx ON unit_things (tenant_id, count,rate)"},
        {"unit_things__customer_id_idx", "CREATE INDEX unit_things__customer_id_idx ON unit_things (tenant_id, customer_id)"},
        {"unit_things__day_idx", "CREATE INDEX unit_things__day_idx ON unit_things (tenant_id, day)"},
        {"unit_orders__number_key",
         "CREATE UNIQUE INDEX unit_orders__number_key ON unit_orders (tenant_id, number) WHERE deleted_at IS NULL"},
        {"unit_globals__code_key", "CREATE UNIQUE INDEX unit_globals__code_key ON unit_globals (code)"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        const char *sql = index_sql(&ix, rows[i].name);
        cr_expect_not_null(sql, "no index %s", rows[i].name);
        if (sql)
            cr_expect_str_eq(sql, rows[i].sql);
    }
    cr_expect_null(index_sql(&ix, "unit_things__secret_idx"), "a field that is neither filtered nor sorted");
}

/* "cols WHERE condition" declares a partial index: the records a bill run has yet to bill are found
 * by customer without reading the customer's billed history, the same SQL in both dialects. */
Test(ddl, a_partial_index_holds_only_the_rows_its_condition_names)
{
    for (int d = 0; d < 2; d++) {
        static Ix ix;
        memset(&ix, 0, sizeof ix);
        ddl_indexes(registry_find("usage_records"), d ? DIALECT_POSTGRES : DIALECT_SQLITE, on_index, &ix);
        const char *sql = index_sql(&ix, "usage_records__customer_id_usage_date_pidx");
        cr_assert_not_null(sql);
        cr_expect_str_eq(sql, "CREATE INDEX usage_records__customer_id_usage_date_pidx ON usage_records"
                              " (tenant_id, customer_id,usage_date) WHERE billed_at IS NULL");
        cr_expect_null(index_sql(&ix, "usage_records__customer_id_invoice_id_idx"), "replaced by the partial index");
    }
}

/* A table matching writes a million rows of at a time keeps only the indexes its queries use
 * (domain/README.md, reconciliation): its unindexed columns get no index, their foreign keys stay. */
Test(ddl, unindexed_columns_get_no_index_but_keep_their_foreign_key)
{
    static Ix ix;
    memset(&ix, 0, sizeof ix);
    const Table *t = registry_find("matching_results");
    cr_assert_not_null(t);
    ddl_indexes(t, DIALECT_SQLITE, on_index, &ix);
    static const char *const gone[] = {"matching_results__created_by_idx", "matching_results__created_at_idx",
                                       "matching_results__resolved_by_idx"};
    for (size_t i = 0; i < N(gone); i++)
        cr_expect_null(index_sql(&ix, gone[i]), "%s is not needed by any query", gone[i]);
    static const char *const kept[] = {"matching_results__result_key_key", "matching_results__contract_id_idx",
                                       "matching_results__billing_record_id_idx"};
    for (size_t i = 0; i < N(kept); i++)
        cr_expect_not_null(index_sql(&ix, kept[i]), "%s serves the upsert or a filter", kept[i]);
    for (int d = 0; d < 2; d++)
        cr_expect_not_null(strstr(create("matching_results", d ? DIALECT_POSTGRES : DIALECT_SQLITE),
                                  "FOREIGN KEY (tenant_id, resolved_by) REFERENCES users"),
                           "the reference is still checked");
}

/* An index that a longer one begins with serves nothing the longer one does not, and costs a write
 * per row: invoices by customer are found by (customer, invoice date), a plan's services by the
 * (plan, service) key. Checked over every table: no index is a column prefix of another one that
 * holds every row (a partial index holds only some). */
static void index_columns(const char *sql, char *out, size_t cap)
{
    const char *open = strchr(sql, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    snprintf(out, cap, "%.*s", open && close ? (int)(close - open - 1) : 0, open ? open + 1 : "");
}

Test(ddl, no_index_is_made_that_a_longer_index_begins_with)
{
    static Ix ix;
    for (int i = 0; i < registry_count(); i++) {
        memset(&ix, 0, sizeof ix);
        ddl_indexes(registry_at(i), DIALECT_SQLITE, on_index, &ix);
        for (int a = 0; a < ix.n; a++) {
            if (strstr(ix.sql[a], "UNIQUE") || strstr(ix.sql[a], " WHERE "))
                continue;
            char ca[256], cb[256];
            index_columns(ix.sql[a], ca, sizeof ca);
            size_t n = strlen(ca);
            for (int b = 0; b < ix.n; b++) {
                index_columns(ix.sql[b], cb, sizeof cb);
                if (b != a && !strstr(ix.sql[b], " WHERE ") && strncmp(cb, ca, n) == 0 && cb[n] == ',')
                    cr_expect(false, "%s is served by %s", ix.name[a], ix.name[b]);
            }
        }
    }
    memset(&ix, 0, sizeof ix);
    ddl_indexes(registry_find("invoices"), DIALECT_SQLITE, on_index, &ix);
    cr_expect_null(index_sql(&ix, "invoices__customer_id_idx"), "(customer, invoice date) serves it");
    cr_expect_not_null(index_sql(&ix, "invoices__customer_id_invoice_date_idx"));
    memset(&ix, 0, sizeof ix);
    ddl_indexes(registry_find("unit_things"), DIALECT_SQLITE, on_index, &ix);
    cr_expect_null(index_sql(&ix, "unit_things__label_idx"), "the (label, day) key serves it");
    cr_expect_null(index_sql(&ix, "unit_things__count_idx"), "the (count, rate) index serves it");
    cr_expect_not_null(index_sql(&ix, "unit_things__day_idx"), "day is the key's second column");
    memset(&ix, 0, sizeof ix);
    ddl_indexes(registry_find("unit_orders"), DIALECT_SQLITE, on_index, &ix);
    cr_expect_not_null(index_sql(&ix, "unit_orders__note_idx"),
                       "a soft-deleting table's (note, number) key holds only live rows: note keeps its own index");
}

Test(ddl, row_level_security_is_a_plain_equality_on_the_tenant_setting)
{
    Buf b;
    buf_init(&b, 0);
    ddl_rls(&b, registry_find("unit_things"));
    const char *sql = buf_cstr(&b);
    cr_expect_not_null(strstr(sql, "ALTER TABLE unit_things ENABLE ROW LEVEL SECURITY;"));
    cr_expect_not_null(strstr(sql, "ALTER TABLE unit_things FORCE ROW LEVEL SECURITY;"));
    cr_expect_not_null(strstr(sql, "USING (tenant_id = NULLIF(current_setting('remit.tenant_id', true), '')::uuid)"));
    cr_expect_not_null(strstr(sql, "WITH CHECK (tenant_id = NULLIF(current_setting('remit.tenant_id', true), '')::uuid)"));
    cr_expect_null(strstr(sql, "RESTRICTIVE"));
    cr_expect_null(strstr(sql, "SELECT"), "no subqueries in policies (Citus)");
    buf_reset(&b);
    ddl_rls(&b, registry_find("unit_globals"));
    cr_expect_eq(b.len, 0, "global tables have no policy");
    buf_free(&b);
}

/* DESIGN.md: every primary key, unique index and foreign key between tenant tables includes
 * tenant_id in the same (first) position; global tables never point at tenant tables. */
Test(ddl, every_tenant_table_follows_the_citus_distribution_rules)
{
    static Ix ix;
    for (int i = 0; i < registry_count(); i++) {
        const Table *t = registry_at(i);
        for (int d = 0; d < 2; d++) {
            const char *sql = create(t->name, d ? DIALECT_POSTGRES : DIALECT_SQLITE);
            if (t->res->global) {
                cr_expect_not_null(strstr(sql, "PRIMARY KEY (id)"), "%s", t->name);
                continue;
            }
            cr_expect_not_null(strstr(sql, "PRIMARY KEY (tenant_id, id)"), "%s", t->name);
            for (const char *p = strstr(sql, "FOREIGN KEY ("); p; p = strstr(p + 1, "FOREIGN KEY (")) {
                const char *refs = strstr(p, "REFERENCES ");
                cr_assert_not_null(refs);
                char target[96] = "";
                sscanf(refs + 11, "%95[a-z_]", target);
                const Table *tt = registry_find(target);
                cr_assert_not_null(tt, "%s refers to %s", t->name, target);
                if (!tt->res->global) {
                    cr_expect_eq(strncmp(p, "FOREIGN KEY (tenant_id, ", 24), 0, "%s: %.80s", t->name, p);
                    cr_expect_not_null(strstr(refs, "(tenant_id, id)"), "%s: %.80s", t->name, refs);
                }
            }
        }
        memset(&ix, 0, sizeof ix);
        ddl_indexes(t, DIALECT_POSTGRES, on_index, &ix);
        for (int k = 0; k < ix.n; k++) {
            if (t->res->global)
                cr_expect_null(strstr(ix.sql[k], "tenant_id"), "%s", ix.sql[k]);
            else
                cr_expect_not_null(strstr(ix.sql[k], " (tenant_id, "), "%s does not lead with tenant_id", ix.sql[k]);
            size_t n = strlen(ix.name[k]);
            cr_expect(n < 64, "index name %s is longer than PostgreSQL's 63", ix.name[k]);
        }
    }
}
