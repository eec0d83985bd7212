/* model/migrate.c — migrations: numbered steps, then additive changes derived
 * from the registry. Exports migrate_run.
 *
 * schema_migrations(version, description, applied_at) records everything that
 * ran: numbered steps as "0001", "0002", ...; derived changes as
 * "table:customers", "column:customers.gst_number", "index:customers__code_key".
 * Additive changes are safe to derive: they never drop or rewrite data.
 * Anything else (rename, backfill, type change) is a numbered, hand-written step
 * in the table below, with its SQL for both dialects. Migrating never loses data.
 * A back-fill that needs business rules (the ledger from existing documents) is a
 * data step that domain/ registers (migrate_add_data_step), run after the schema.
 *
 * Concurrency notes: everything runs in one transaction; on PostgreSQL an
 * advisory lock makes concurrent `remit serve` start-ups migrate one at a time
 * (the others then find nothing to do); on SQLite the writer lock does the same.
 */
#include "model/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/log.h"
#include "model/ddl.h"

typedef struct Step {
    const char *version;
    const char *description;
    const char *sqlite;
    const char *postgres;
} Step;

/* Numbered steps run BEFORE the derived changes, in order. Append only. */
static const Step steps[] = {
    {"0001", "reference table of login emails (an email may sign in without naming its tenant)",
     "CREATE TABLE IF NOT EXISTS login_emails (email TEXT NOT NULL, tenant_id TEXT NOT NULL, user_id TEXT NOT NULL,"
     " PRIMARY KEY (email, tenant_id))",
     "CREATE TABLE IF NOT EXISTS login_emails (email text NOT NULL, tenant_id uuid NOT NULL, user_id uuid NOT NULL,"
     " PRIMARY KEY (email, tenant_id))"},
    {"0002", "reference table of tenants with outbox messages to deliver (the worker's index)",
     "CREATE TABLE IF NOT EXISTS outbox_tenants (tenant_id TEXT PRIMARY KEY)",
     "CREATE TABLE IF NOT EXISTS outbox_tenants (tenant_id uuid PRIMARY KEY)"},
    {"0003", "reference table of emails that used a free trial (one trial per email, across tenants)",
     "CREATE TABLE IF NOT EXISTS trial_emails (email TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, used_at TEXT NOT NULL)",
     "CREATE TABLE IF NOT EXISTS trial_emails (email text PRIMARY KEY, tenant_id uuid NOT NULL, used_at timestamptz NOT NULL)"},
};

/* p0003, the same in both dialects. */
static const char drop_unindexed[] =
    "DROP INDEX IF EXISTS matching_results__created_by_idx; DROP INDEX IF EXISTS matching_results__created_at_idx;"
    " DROP INDEX IF EXISTS matching_results__resolved_by_idx; DROP INDEX IF EXISTS alerts__created_by_idx;"
    " DROP INDEX IF EXISTS alerts__created_at_idx; DROP INDEX IF EXISTS alerts__read_by_idx;"
    " DROP INDEX IF EXISTS alerts__resolved_by_idx; DROP INDEX IF EXISTS matching_state__created_by_idx;"
    " DROP INDEX IF EXISTS matching_state__created_at_idx;";

/* p0006, the same in both dialects: the single-column indexes a declared composite index or key
 * begins with (test_ddl.c, no_index_is_made_that_a_longer_index_begins_with, keeps it so). */
static const char drop_led[] =
    "DROP INDEX IF EXISTS job_runs__job_idx; DROP INDEX IF EXISTS audit_logs__entity_type_idx;"
    " DROP INDEX IF EXISTS exchange_rates__currency_idx; DROP INDEX IF EXISTS tax_rates__category_idx;"
    " DROP INDEX IF EXISTS invoices__customer_id_idx; DROP INDEX IF EXISTS transactions__customer_id_idx;"
    " DROP INDEX IF EXISTS service_dependencies__service_id_idx;"
    " DROP INDEX IF EXISTS customer_billing_plans__customer_id_idx; DROP INDEX IF EXISTS plan_services__plan_id_idx;"
    " DROP INDEX IF EXISTS bundle_services__bundle_id_idx; DROP INDEX IF EXISTS contracts__customer_id_idx;"
    " DROP INDEX IF EXISTS billed_cycles__customer_billing_plan_id_idx;"
    " DROP INDEX IF EXISTS bucket_usage__customer_billing_plan_id_idx;"
    " DROP INDEX IF EXISTS billing_records__contract_id_idx;";

/* Numbered steps run AFTER the derived changes (they need the registry's tables). Append only. */
static const Step post_steps[] = {
    {"p0001", "audit_logs is append-only: no UPDATE, DELETE or TRUNCATE for Remit's role, and a trigger",
     "CREATE TRIGGER IF NOT EXISTS audit_logs_no_update BEFORE UPDATE ON audit_logs"
     " BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END;"
     " CREATE TRIGGER IF NOT EXISTS audit_logs_no_delete BEFORE DELETE ON audit_logs"
     " BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END;",
     "REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM CURRENT_USER;"
     " CREATE OR REPLACE FUNCTION remit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
     " $fn$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501'; END $fn$;"
     " DROP TRIGGER IF EXISTS audit_logs_append_only ON audit_logs;"
     " CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs"
     " FOR EACH ROW EXECUTE FUNCTION remit_append_only();"
     " DROP TRIGGER IF EXISTS audit_logs_no_truncate ON audit_logs;"
     " CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs"
     " FOR EACH STATEMENT EXECUTE FUNCTION remit_append_only();"},
    {"p0002", "notifications are once per (type, subject, schedule_key): the unique key without schedule_key goes",
     "DROP INDEX IF EXISTS notifications__notification_type_subject_id_key",
     "DROP INDEX IF EXISTS notifications__notification_type_subject_id_key"},
    {"p0003", "matching results, alerts and digests: no indexes on created_by, created_at, resolved_by, read_by"
              " (written by matching a million at a time; nobody looks them up by these)",
     drop_unindexed, drop_unindexed},
    {"p0004", "billed_records goes: a record's own billed_at, set by an UPDATE guarded by billed_at IS NULL whose"
              " count is checked, already makes billing it twice impossible (the table doubled a run's writes)",
     "DROP TABLE IF EXISTS billed_records", "DROP TABLE IF EXISTS billed_records"},
    {"p0005", "unbilled time entries and usage records are found by partial indexes (customer, date WHERE billed_at"
              " IS NULL): the (customer, invoice) indexes they replace made the bill run read every billed record of"
              " a customer's history, and cost two writes per record billed",
     "DROP INDEX IF EXISTS time_entries__customer_id_invoice_id_idx;"
     " DROP INDEX IF EXISTS usage_records__customer_id_invoice_id_idx;",
     "DROP INDEX IF EXISTS time_entries__customer_id_invoice_id_idx;"
     " DROP INDEX IF EXISTS usage_records__customer_id_invoice_id_idx;"},
    {"p0006", "no index a longer one begins with (model/ddl.c, covered): each cost a write per row and served"
              " nothing the longer index does not",
     drop_led, drop_led},
};

/* Data steps registered by domain/ (migrate_add_data_step); run after the schema is up to date. */
static const MigrateDataStep *data_steps[16];
static int ndata_steps;

void migrate_add_data_step(const MigrateDataStep *step)
{
    if (ndata_steps < (int)(sizeof data_steps / sizeof data_steps[0]))
        data_steps[ndata_steps++] = step;
}

typedef struct Ctl {
    Conn *c;
    Error *err;
    int applied;
    int rc;
    const Table *t;
    char cols[256][64];
    int ncols;
} Ctl;

static int record(Ctl *m, const char *version, const char *description)
{
    char ts[40];
    ts_format(ts, sizeof ts, clock_now());
    Value p[3] = {val_text(version), val_text(description), val_text(ts)};
    m->applied++;
    return store_exec_global(m->c, "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
                             p, 3, NULL, m->err);
}

static int applied(Ctl *m, const char *version, bool *out)
{
    Rows r;
    Value p[1] = {val_text(version)};
    int rc = store_query_global(m->c, &r, "SELECT 1 FROM schema_migrations WHERE version = $1", p, 1, m->err);
    if (rc < 0)
        return rc;
    *out = rows_next(&r);
    rc = rows_error(&r, m->err);
    rows_close(&r);
    return rc;
}

static int script(Ctl *m, const char *sql)
{
    log_printf(LOG_DEBUG, NULL, "migrate: %s", sql);
    int rc = store_exec_script(m->c, sql, m->err);
    if (rc < 0 && m->err && !m->err->detail[0])
        snprintf(m->err->detail, sizeof m->err->detail, "%.500s", sql);
    return rc;
}

static void on_col(const char *col, void *arg)
{
    Ctl *m = arg;
    if (m->ncols < 256)
        snprintf(m->cols[m->ncols++], 64, "%s", col);
}

static void on_index(const char *name, const char *sql, void *arg)
{
    Ctl *m = arg;
    if (m->rc < 0)
        return;
    bool have = false;
    m->rc = store_index_exists(m->c, name, &have, m->err);
    if (m->rc < 0 || have)
        return;
    m->rc = script(m, sql);
    if (m->rc == 0) {
        char v[200];
        snprintf(v, sizeof v, "index:%s", name);
        m->rc = record(m, v, sql);
    }
}

static int table_up(Ctl *m, const Table *t, Dialect d)
{
    bool exists = false;
    int rc = store_table_exists(m->c, t->name, &exists, m->err);
    if (rc < 0)
        return rc;
    Buf b;
    buf_init(&b, 0);
    char v[200];
    if (!exists) {
        ddl_create_table(&b, t, d);
        rc = script(m, buf_cstr(&b));
        snprintf(v, sizeof v, "table:%s", t->name);
        if (rc == 0)
            rc = record(m, v, "create table");
        if (rc == 0 && d == DIALECT_POSTGRES && !t->res->global) {
            buf_reset(&b);
            ddl_rls(&b, t);
            rc = script(m, buf_cstr(&b));
            snprintf(v, sizeof v, "rls:%s", t->name);
            if (rc == 0)
                rc = record(m, v, "row-level security");
        }
    } else {
        m->ncols = 0;
        rc = store_table_columns(m->c, t->name, on_col, m, m->err);
        for (int c = 0; c < t->nfields && rc == 0; c++) {
            bool have = false;
            for (int i = 0; i < m->ncols; i++)
                if (strcmp(m->cols[i], t->fields[c].name) == 0)
                    have = true;
            if (have)
                continue;
            buf_reset(&b);
            ddl_add_column(&b, t, c, d);
            rc = script(m, buf_cstr(&b));
            snprintf(v, sizeof v, "column:%s.%s", t->name, t->fields[c].name);
            if (rc == 0)
                rc = record(m, v, buf_cstr(&b));
        }
    }
    buf_free(&b);
    if (rc < 0)
        return rc;
    m->rc = 0;
    ddl_indexes(t, d, on_index, m);
    return m->rc;
}

/* Runs the registered data steps not recorded yet, each outside the schema transaction (a step
 * opens its own, per tenant), then records it; "ON CONFLICT DO NOTHING" because a concurrent
 * start-up may have run and recorded the same (idempotent) step meanwhile. */
static int data_steps_run(Store *s, int *napplied, Error *err)
{
    for (int i = 0; i < ndata_steps; i++) {
        const MigrateDataStep *st = data_steps[i];
        Conn *c = NULL;
        int rc = store_acquire(s, &c, err);
        if (rc < 0)
            return rc;
        Ctl m = {.c = c, .err = err};
        bool done = false;
        rc = store_begin(c, NULL, false, err);
        if (rc == 0)
            rc = applied(&m, st->version, &done);
        if (store_in_tx(c))
            store_rollback(c);
        store_release(c);
        if (rc < 0)
            return rc;
        if (done)
            continue;
        log_printf(LOG_INFO, NULL, "migrate: data step %s: %s", st->version, st->description);
        rc = st->run(s, err);
        if (rc < 0)
            return rc;
        if ((rc = store_acquire(s, &c, err)) < 0)
            return rc;
        char ts[40];
        ts_format(ts, sizeof ts, clock_now());
        Value p[3] = {val_text(st->version), val_text(st->description), val_text(ts)};
        rc = store_begin(c, NULL, true, err);
        if (rc == 0)
            rc = store_exec_global(c,
                                   "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)"
                                   " ON CONFLICT (version) DO NOTHING",
                                   p, 3, NULL, err);
        if (rc == 0)
            rc = store_commit(c, err);
        else if (store_in_tx(c))
            store_rollback(c);
        store_release(c);
        if (rc < 0)
            return rc;
        if (napplied)
            (*napplied)++;
    }
    return 0;
}

int migrate_run(Store *s, int *napplied, Error *err)
{
    Conn *c = NULL;
    int rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    Dialect d = conn_dialect(c);
    Ctl m = {.c = c, .err = err};
    rc = store_begin(c, NULL, true, err);
    if (rc < 0)
        goto out;
    if (d == DIALECT_POSTGRES)
        rc = store_exec_global(c, "SELECT pg_advisory_xact_lock(7270221)", NULL, 0, NULL, err);
    if (rc == 0)
        rc = store_exec_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY,"
                                  " description TEXT NOT NULL, applied_at TEXT NOT NULL)", err);
    for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof steps[0]; i++) {
        bool done = false;
        rc = applied(&m, steps[i].version, &done);
        if (rc == 0 && !done) {
            rc = script(&m, d == DIALECT_POSTGRES ? steps[i].postgres : steps[i].sqlite);
            if (rc == 0)
                rc = record(&m, steps[i].version, steps[i].description);
        }
    }
    for (int i = 0; rc == 0 && i < registry_count(); i++)
        rc = table_up(&m, registry_at(i), d);
    for (size_t i = 0; rc == 0 && i < sizeof post_steps / sizeof post_steps[0]; i++) {
        bool done = false;
        rc = applied(&m, post_steps[i].version, &done);
        if (rc == 0 && !done) {
            rc = script(&m, d == DIALECT_POSTGRES ? post_steps[i].postgres : post_steps[i].sqlite);
            if (rc == 0)
                rc = record(&m, post_steps[i].version, post_steps[i].description);
        }
    }
    if (rc == 0)
        rc = store_commit(c, err);
    else
        store_rollback(c);
out:
    store_release(c);
    if (rc == 0 && napplied)
        *napplied = m.applied;
    return rc == 0 ? data_steps_run(s, napplied, err) : rc;
}
