/* tests/unit/test_store.c — store/: the tenant wall (a statement without "tenant_id = $1" is
 * refused, $1 is always the transaction's tenant), $N placeholders on SQLite, driver errors
 * mapped to the field they name, transactions and fault injection. Runs on a temporary SQLite
 * file (tests/unit/unit_db.c). Table-driven: one row per case, named after the rule.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "store/driver.h"
#include "tests/unit/unit_db.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static UnitDb db;
static Conn *conn;
static Ctx ctx_a, ctx_b;
static const char *tenant_a = "01890000-0000-7000-8000-00000000000a";
static const char *tenant_b = "01890000-0000-7000-8000-00000000000b";

static void setup(void)
{
    udb_open(&db, false);
    Error e;
    cr_assert_eq(store_acquire(db.store, &conn, &e), 0, "%s", e.message);
    cr_assert_eq(store_exec_script(conn,
                                   "CREATE TABLE wall (tenant_id TEXT NOT NULL, id TEXT NOT NULL, x TEXT,"
                                   " other_tenant_id TEXT, n INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tenant_id, id));"
                                   "CREATE UNIQUE INDEX wall__x_key ON wall (tenant_id, x)",
                                   &e),
                 0, "%s", e.message);
    memset(&ctx_a, 0, sizeof ctx_a);
    memset(&ctx_b, 0, sizeof ctx_b);
    snprintf(ctx_a.tenant_id, sizeof ctx_a.tenant_id, "%s", tenant_a);
    snprintf(ctx_b.tenant_id, sizeof ctx_b.tenant_id, "%s", tenant_b);
}

static void teardown(void)
{
    store_release(conn);
    udb_close(&db);
}

TestSuite(store, .init = setup, .fini = teardown);

static int exec(const char *sql, const Value *p, int n, int64_t *changes, Error *e)
{
    err_clear(e);
    return store_exec(conn, sql, p, n, changes, e);
}

Test(store, a_tenant_statement_must_filter_on_tenant_id_eq_1)
{
    static const struct { const char *sql; bool allowed; const char *why; } rows[] = {
        {"INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", true, "insert puts $1 in tenant_id"},
        {"SELECT id FROM wall WHERE tenant_id = $1", true, "plain filter"},
        {"SELECT w.id FROM wall w WHERE w.tenant_id = $1 AND w.id = $2", true, "qualified column"},
        {"UPDATE wall SET x = $3 WHERE tenant_id = $1 AND id = $2", true, "update with the filter"},
        {"DELETE FROM wall WHERE tenant_id = $1 AND id = $2", true, "delete with the filter"},
        {"SELECT id FROM wall", false, "no filter at all"},
        {"DELETE FROM wall WHERE id = $2", false, "delete without the filter"},
        {"SELECT id FROM wall WHERE tenant_id = $2", false, "filter on a caller parameter"},
        {"SELECT id FROM wall WHERE tenant_id = $10", false, "$10 is not $1"},
        {"SELECT id FROM wall WHERE tenant_id = $12 AND id = $2", false, "$12 is not $1"},
        {"SELECT id FROM wall WHERE other_tenant_id = $1", false, "another column ending in tenant_id"},
        {"SELECT id FROM wall WHERE xtenant_id = $1", false, "an identifier that only ends in tenant_id"},
        {"INSERT INTO wall (id, tenant_id) VALUES ($2, $1)", false, "insert with tenant_id not first"},
        {"INSERT INTO wall (tenant_id, id) VALUES ($10, $2)", false, "insert of $10 into tenant_id"},
        {"INSERT INTO wall (other_tenant_id, id, tenant_id) VALUES ($1, $2, $3)", false,
         "insert of $1 into another column"},
    };
    Error e;
    cr_assert_eq(store_begin(conn, &ctx_a, true, &e), 0);
    for (size_t i = 0; i < N(rows); i++) {
        Value p[11];
        for (int k = 0; k < 11; k++)
            p[k] = val_text("01890000-0000-7000-8000-0000000000ff");
        int rc = exec(rows[i].sql, p, 11, NULL, &e);
        if (rows[i].allowed) {
            cr_expect_eq(rc, 0, "%s (%s): refused: %s", rows[i].sql, rows[i].why, e.message);
        } else {
            cr_expect_eq(rc, -ERR_INTERNAL, "%s (%s): not refused", rows[i].sql, rows[i].why);
            cr_expect_str_eq(e.message, "statement without tenant filter refused", "%s", rows[i].sql);
        }
    }
    store_rollback(conn);
}

Test(store, a_tenant_statement_outside_a_tenant_transaction_is_refused)
{
    Error e;
    cr_assert_eq(store_begin(conn, NULL, true, &e), 0);
    Value p[1] = {val_text("x")};
    cr_expect_eq(exec("SELECT id FROM wall WHERE tenant_id = $1", p, 1, NULL, &e), -ERR_INTERNAL);
    cr_expect_str_eq(e.message, "statement needs a tenant");
    store_rollback(conn);
}

Test(store, dollar_one_is_always_the_transactions_tenant)
{
    Error e;
    Value p[2] = {val_text("r1"), val_text("hello")};
    cr_assert_eq(store_begin(conn, &ctx_a, true, &e), 0);
    cr_assert_eq(exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", p, 2, NULL, &e), 0, "%s", e.message);
    cr_assert_eq(store_commit(conn, &e), 0);
    /* B runs the same statements: it sees nothing of A's and cannot change A's row */
    cr_assert_eq(store_begin(conn, &ctx_b, true, &e), 0);
    int64_t n = -1;
    cr_assert_eq(store_query_int(conn, &n, "SELECT count(*) FROM wall WHERE tenant_id = $1", NULL, 0, &e), 0);
    cr_expect_eq(n, 0);
    int64_t changes = -1;
    Value q[2] = {val_text("r1"), val_text("stolen")};
    cr_assert_eq(exec("UPDATE wall SET x = $3 WHERE tenant_id = $1 AND id = $2", q, 2, &changes, &e), 0);
    cr_expect_eq(changes, 0, "B's update reached A's row");
    store_rollback(conn);
    cr_assert_eq(store_begin(conn, &ctx_a, false, &e), 0);
    Rows r;
    cr_assert_eq(store_query(conn, &r, "SELECT tenant_id, x FROM wall WHERE tenant_id = $1", NULL, 0, &e), 0);
    cr_assert(rows_next(&r));
    cr_expect_eq(strncmp(rows_get(&r, 0).s, tenant_a, 36), 0);
    cr_expect_eq(strncmp(rows_get(&r, 1).s, "hello", 5), 0);
    rows_close(&r);
    store_rollback(conn);
}

Test(store, placeholders_may_repeat_and_come_in_any_order_and_not_inside_strings)
{
    static const struct { const char *sql; const char *want; } rows[] = {
        {"SELECT $2 || '-' || $1", "b-a"},
        {"SELECT $1 || $1 || $2", "aab"},
        {"SELECT '$1' || $2", "$1b"},
        {"SELECT 'it''s $2' || $1", "it's $2a"},
        {"SELECT $12 || $1", "la"},
    };
    Error e;
    cr_assert_eq(store_begin(conn, NULL, false, &e), 0);
    for (size_t i = 0; i < N(rows); i++) {
        Value p[12];
        static const char *const letters[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
        for (int k = 0; k < 12; k++)
            p[k] = val_text(letters[k]);
        Rows r;
        int rc = store_query_global(conn, &r, rows[i].sql, p, 12, &e);
        cr_assert_eq(rc, 0, "%s: %s %s", rows[i].sql, e.message, e.detail);
        cr_assert(rows_next(&r), "%s: no row", rows[i].sql);
        Value v = rows_get(&r, 0);
        cr_expect_eq(v.len, strlen(rows[i].want), "%s", rows[i].sql);
        cr_expect_eq(memcmp(v.s, rows[i].want, v.len), 0, "%s gave %.*s", rows[i].sql, (int)v.len, v.s);
        rows_close(&r);
    }
    store_rollback(conn);
}

Test(store, constraint_names_and_messages_map_to_the_field_they_name)
{
    static const struct { ErrCode code; const char *what; const char *field; } rows[] = {
        {ERR_DUPLICATE, "customers.tenant_id, customers.code", "code"},          /* SQLite message */
        {ERR_DUPLICATE, "customers__code_key", "code"},                           /* PostgreSQL name */
        {ERR_DUPLICATE, "invoices__customer_id_invoice_number_key", "customer_id_invoice_number"},
        {ERR_REFERENCE, "contacts__customer_id_fkey", "customer_id"},
        {ERR_REFERENCE, "customers__owner_id_fkey", "owner_id"},
        {ERR_DUPLICATE, NULL, ""},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Error e;
        err_clear(&e);
        int rc = store_constraint_error(&e, rows[i].code, rows[i].what);
        cr_expect_eq(rc, -(int)rows[i].code);
        cr_expect_eq(e.code, rows[i].code);
        cr_expect_str_eq(e.field, rows[i].field, "%s", rows[i].what ? rows[i].what : "(null)");
    }
}

Test(store, a_unique_violation_is_a_duplicate_naming_the_column)
{
    Error e;
    cr_assert_eq(store_begin(conn, &ctx_a, true, &e), 0);
    Value p[2] = {val_text("r1"), val_text("same")};
    cr_assert_eq(exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", p, 2, NULL, &e), 0);
    Value q[2] = {val_text("r2"), val_text("same")};
    cr_expect_eq(exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", q, 2, NULL, &e), -ERR_DUPLICATE);
    cr_expect_str_eq(e.field, "x");
    /* the same value in another tenant is fine: unique keys are per tenant */
    store_rollback(conn);
    cr_assert_eq(store_begin(conn, &ctx_b, true, &e), 0);
    cr_expect_eq(exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", q, 2, NULL, &e), 0);
    store_rollback(conn);
}

Test(store, a_missing_required_value_names_the_column)
{
    Error e;
    cr_assert_eq(store_begin(conn, &ctx_a, true, &e), 0);
    Value p[2] = {val_text("r1"), val_null()};
    cr_expect_eq(exec("INSERT INTO wall (tenant_id, id, x, n) VALUES ($1, $2, NULL, $3)", p, 2, NULL, &e),
                 -ERR_REQUIRED);
    cr_expect_str_eq(e.field, "n");
    store_rollback(conn);
}

Test(store, a_rolled_back_transaction_leaves_nothing)
{
    Error e;
    cr_assert_eq(store_begin(conn, &ctx_a, true, &e), 0);
    Value p[2] = {val_text("r1"), val_text("gone")};
    cr_assert_eq(exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", p, 2, NULL, &e), 0);
    store_rollback(conn);
    cr_assert_eq(store_begin(conn, &ctx_a, false, &e), 0);
    int64_t n = -1;
    cr_assert_eq(store_query_int(conn, &n, "SELECT count(*) FROM wall WHERE tenant_id = $1", NULL, 0, &e), 0);
    cr_expect_eq(n, 0);
    store_rollback(conn);
}

Test(store, an_injected_fault_fails_the_nth_statement_or_the_commit_and_nothing_is_kept)
{
    for (int nth = 1; nth <= 3; nth++) {
        Error e;
        cr_assert_eq(store_begin(conn, &ctx_a, true, &e), 0);
        store_inject_fault(conn, nth);
        Value p1[2] = {val_text("f1"), val_text("one")}, p2[2] = {val_text("f2"), val_text("two")};
        int rc = exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", p1, 2, NULL, &e);
        if (rc == 0)
            rc = exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", p2, 2, NULL, &e);
        if (rc == 0)
            rc = store_commit(conn, &e);
        else
            store_rollback(conn);
        cr_expect_eq(rc, -ERR_UNAVAILABLE, "fault %d", nth);
        cr_expect_eq(e.code, ERR_UNAVAILABLE);
        cr_expect(!store_in_tx(conn), "fault %d left a transaction open", nth);
        cr_assert_eq(store_begin(conn, &ctx_a, false, &e), 0);
        int64_t n = -1;
        cr_assert_eq(store_query_int(conn, &n, "SELECT count(*) FROM wall WHERE tenant_id = $1", NULL, 0, &e), 0);
        cr_expect_eq(n, 0, "fault %d kept %lld rows", nth, (long long)n);
        store_rollback(conn);
    }
}

Test(store, query_int_without_a_row_is_not_found)
{
    Error e;
    cr_assert_eq(store_begin(conn, &ctx_a, false, &e), 0);
    int64_t n = 7;
    Value p[1] = {val_text("nope")};
    cr_expect_eq(store_query_int(conn, &n, "SELECT n FROM wall WHERE tenant_id = $1 AND id = $2", p, 1, &e),
                 -ERR_NOT_FOUND);
    cr_expect_eq(n, 7);
    store_rollback(conn);
}

Test(store, a_failed_statement_leaks_nothing_and_the_connection_stays_usable)
{
    /* LeakSanitizer checks the first half at exit: a failed INSERT used to leak its row buffer */
    Error e;
    cr_assert_eq(store_begin(conn, &ctx_a, true, &e), 0);
    Value p[2] = {val_text("r1"), val_text("dup")};
    cr_assert_eq(exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", p, 2, NULL, &e), 0);
    for (int i = 0; i < 3; i++)
        cr_expect_eq(exec("INSERT INTO wall (tenant_id, id, x) VALUES ($1, $2, $3)", p, 2, NULL, &e), -ERR_DUPLICATE);
    cr_expect_eq(exec("SELECT no_such_column FROM wall WHERE tenant_id = $1", NULL, 0, NULL, &e), -ERR_INTERNAL);
    int64_t n = -1;
    cr_expect_eq(store_query_int(conn, &n, "SELECT count(*) FROM wall WHERE tenant_id = $1", NULL, 0, &e), 0);
    cr_expect_eq(n, 1);
    store_rollback(conn);
}

Test(store, introspection_sees_tables_columns_and_indexes)
{
    Error e;
    bool have = false;
    cr_assert_eq(store_table_exists(conn, "wall", &have, &e), 0);
    cr_expect(have);
    cr_assert_eq(store_table_exists(conn, "no_such_table", &have, &e), 0);
    cr_expect(!have);
    cr_assert_eq(store_index_exists(conn, "wall__x_key", &have, &e), 0);
    cr_expect(have);
}

Test(store, the_pool_hands_out_distinct_connections_up_to_its_size)
{
    Conn *c[3] = {NULL};
    Error e;
    for (int i = 0; i < 3; i++)   /* pool of 4, one held by the suite */
        cr_assert_eq(store_acquire(db.store, &c[i], &e), 0, "%s", e.message);
    cr_expect(c[0] != c[1] && c[1] != c[2] && c[0] != c[2] && c[0] != conn);
    StoreStats st;
    store_stats(db.store, &st);
    cr_expect_eq(st.in_use, 4);
    for (int i = 0; i < 3; i++)
        store_release(c[i]);
    store_stats(db.store, &st);
    cr_expect_eq(st.in_use, 1);
}
