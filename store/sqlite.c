/* store/sqlite.c — the SQLite driver (the embedded default).
 * Exports sqlite_driver (driver.h).
 *
 * Settings: WAL journal, foreign_keys=ON, busy_timeout 10 s, synchronous=FULL
 * (a committed payment survives a power cut, not only a process crash), one
 * connection per pooled Conn in multi-thread mode (a Conn is used by one
 * thread at a time). PostgreSQL-style $N placeholders are rewritten to ?N at
 * prepare time, so $N may repeat and appear in any order.
 *
 * Transaction control (BEGIN, BEGIN IMMEDIATE, COMMIT, ROLLBACK) runs from
 * statements prepared once per connection, not through sqlite3_exec, which
 * would parse them again for every request. SQLite's memory statistics are
 * switched off before the first connection opens: they take a process-wide
 * mutex on every allocation, which the request threads then queue on.
 *
 * Concurrency notes: one writer per process through the Store's writer mutex
 * (store.c) plus BEGIN IMMEDIATE, so a write transaction never fails to upgrade
 * its lock half-way; another process (the CLI) waits on busy_timeout.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

#include <pthread.h>

enum { TX_BEGIN, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK, TX_N };
static const char *const tx_sql[TX_N] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};

/* Per connection (Conn.drv): the prepared transaction statements. */
typedef struct SqlConn {
    sqlite3_stmt *tx[TX_N];
} SqlConn;

typedef struct SqlRows {
    sqlite3_stmt *st;
    bool done;
} SqlRows;

static int fail(Conn *c, Error *err, const char *what)
{
    sqlite3 *db = c->db;
    int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
    const char *msg = db ? sqlite3_errmsg(db) : "no database";
    switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return store_constraint_error(err, ERR_DUPLICATE, strchr(msg, ':') ? strchr(msg, ':') + 2 : msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return err_set(err, ERR_REFERENCE, NULL, "a reference does not refer to an existing row");
    case SQLITE_CONSTRAINT_NOTNULL: {
        const char *col = strrchr(msg, '.');
        return err_set(err, ERR_REQUIRED, col ? col + 1 : NULL, "%s is required", col ? col + 1 : "a value");
    }
    case SQLITE_CONSTRAINT_CHECK:
        return err_set(err, ERR_INVALID, NULL, "a value is out of its allowed range");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_set(err, ERR_UNAVAILABLE, NULL, "database is busy");
    case SQLITE_NOMEM:
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    default:
        return err_set(err, ERR_INTERNAL, NULL, "database error in %s: %s", what, msg);
    }
}

static int run_simple(Conn *c, const char *sql, Error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = fail(c, err, "script");
        if (msg && err && err->code == ERR_INTERNAL)
            snprintf(err->detail, sizeof err->detail, "%s", msg);
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static void sq_disconnect(Conn *c);

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void configure(void)
{
    /* Only possible before SQLite initialises; if something already did, statistics stay on. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_connect(Conn *c, const char *path, Error *err)
{
    pthread_once(&config_once, configure);
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        int rc = err_set(err, ERR_UNAVAILABLE, NULL, "cannot open SQLite database %s: %s", path,
                         db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return rc;
    }
    c->db = db;
    sqlite3_busy_timeout(db, 10000);
    sqlite3_extended_result_codes(db, 1);
    int rc = run_simple(c, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                           " PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;", err);
    SqlConn *sc = rc == 0 ? calloc(1, sizeof *sc) : NULL;
    if (rc == 0 && !sc)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; rc == 0 && i < TX_N; i++)
        if (sqlite3_prepare_v3(db, tx_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &sc->tx[i], NULL) != SQLITE_OK)
            rc = fail(c, err, "prepare");
    c->drv = sc;
    if (rc < 0)
        sq_disconnect(c);
    return rc;
}

static void sq_disconnect(Conn *c)
{
    SqlConn *sc = c->drv;
    if (sc) {
        for (int i = 0; i < TX_N; i++)
            sqlite3_finalize(sc->tx[i]);
        free(sc);
    }
    c->drv = NULL;
    if (c->db)
        sqlite3_close_v2(c->db);
    c->db = NULL;
}

/* Runs one of the prepared transaction statements. */
static int tx(Conn *c, int which, Error *err)
{
    SqlConn *sc = c->drv;
    sqlite3_stmt *st = sc->tx[which];
    int rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE ? 0 : fail(c, err, tx_sql[which]);
    sqlite3_reset(st);
    return out;
}

/* $12 -> ?12, outside string literals. */
static char *rewrite(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    bool quoted = false;
    for (size_t i = 0; i <= n; i++) {
        char ch = sql[i];
        if (ch == '\'')
            quoted = !quoted;
        out[i] = (!quoted && ch == '$' && sql[i + 1] >= '0' && sql[i + 1] <= '9') ? '?' : ch;
    }
    return out;
}

static int sq_prepare(Conn *c, const char *sql, void **out, Error *err)
{
    char *q = rewrite(sql);
    if (!q)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(c->db, q, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    free(q);
    if (rc != SQLITE_OK) {
        int r = fail(c, err, "prepare");
        if (err)
            snprintf(err->detail, sizeof err->detail, "%.500s", sql);
        return r;
    }
    *out = st;
    return 0;
}

static void sq_finalize(Conn *c, void *stmt)
{
    sqlite3_finalize(stmt);
}

static int sq_execute(Conn *c, void *stmt, const Value *p, int n, Rows *r, Error *err)
{
    sqlite3_stmt *st = stmt;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int want = sqlite3_bind_parameter_count(st);
    for (int i = 0; i < n && i < want; i++) {
        int rc;
        switch (p[i].kind) {
        case V_NULL: rc = sqlite3_bind_null(st, i + 1); break;
        case V_INT:
        case V_BOOL: rc = sqlite3_bind_int64(st, i + 1, p[i].i); break;
        default: rc = sqlite3_bind_text(st, i + 1, p[i].s, (int)p[i].len, SQLITE_STATIC); break;
        }
        if (rc != SQLITE_OK)
            return fail(c, err, "bind");
    }
    SqlRows *sr = calloc(1, sizeof *sr);
    if (!sr)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    sr->st = st;
    r->impl = sr;
    r->ncols = sqlite3_column_count(st);
    r->cur = calloc((size_t)(r->ncols ? r->ncols : 1), sizeof(Value));
    if (!r->cur) {
        free(sr);
        r->impl = NULL;
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    /* Statements without result columns run now, so errors surface at execute. */
    if (r->ncols == 0) {
        int rc = sqlite3_step(st);
        sr->done = true;
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            int e = fail(c, err, "execute");
            sqlite3_reset(st);
            free(sr);
            free(r->cur);
            r->impl = NULL;
            r->cur = NULL;
            return e;
        }
    }
    return 0;
}

static int sq_step(Rows *r, Error *err)
{
    SqlRows *sr = r->impl;
    if (sr->done)
        return 0;
    int rc = sqlite3_step(sr->st);
    if (rc == SQLITE_DONE) {
        sr->done = true;
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sr->done = true;
        return fail(r->conn, err, "step");
    }
    for (int i = 0; i < r->ncols; i++) {
        Value *v = &r->cur[i];
        switch (sqlite3_column_type(sr->st, i)) {
        case SQLITE_NULL: *v = val_null(); break;
        case SQLITE_INTEGER: *v = val_int(sqlite3_column_int64(sr->st, i)); break;
        default: {
            const char *s = (const char *)sqlite3_column_text(sr->st, i);
            *v = val_textn(s ? s : "", (size_t)sqlite3_column_bytes(sr->st, i));
        }
        }
    }
    return 1;
}

static const char *sq_colname(Rows *r, int i)
{
    SqlRows *sr = r->impl;
    return sr ? sqlite3_column_name(sr->st, i) : "";
}

static void sq_close_rows(Rows *r)
{
    SqlRows *sr = r->impl;
    sqlite3_reset(sr->st);
    free(sr);
}

static int64_t sq_changes(Conn *c, Rows *r)
{
    return sqlite3_changes64(c->db);
}

static int sq_exec_script(Conn *c, const char *sql, Error *err)
{
    return run_simple(c, sql, err);
}

static int sq_begin(Conn *c, const char *tenant, bool write, Error *err)
{
    return tx(c, write ? TX_BEGIN_WRITE : TX_BEGIN, err);
}

static int sq_commit(Conn *c, Error *err)
{
    return tx(c, TX_COMMIT, err);
}

static void sq_rollback(Conn *c)
{
    if (!sqlite3_get_autocommit(c->db))
        tx(c, TX_ROLLBACK, NULL);
}

static int exists(Conn *c, const char *type, const char *name, bool *out, Error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2", -1, &st, NULL) != SQLITE_OK)
        return fail(c, err, "introspection");
    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    *out = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return 0;
}

static int sq_table_exists(Conn *c, const char *table, bool *out, Error *err)
{
    return exists(c, "table", table, out, err);
}

static int sq_index_exists(Conn *c, const char *index, bool *out, Error *err)
{
    return exists(c, "index", index, out, err);
}

static int sq_table_columns(Conn *c, const char *table, void (*fn)(const char *, void *), void *arg, Error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL) != SQLITE_OK)
        return fail(c, err, "introspection");
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        fn((const char *)sqlite3_column_text(st, 0), arg);
    sqlite3_finalize(st);
    return 0;
}

const Driver sqlite_driver = {
    .dialect = DIALECT_SQLITE,
    .name = "sqlite",
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .execute = sq_execute,
    .step = sq_step,
    .colname = sq_colname,
    .close_rows = sq_close_rows,
    .changes = sq_changes,
    .exec_script = sq_exec_script,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .table_exists = sq_table_exists,
    .table_columns = sq_table_columns,
    .index_exists = sq_index_exists,
};
