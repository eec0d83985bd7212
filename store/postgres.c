/* store/postgres.c — the PostgreSQL driver (libpq), for production.
 * Exports postgres_driver (driver.h).
 *
 * Each pooled Conn is one PGconn with TimeZone UTC and DateStyle ISO; named
 * prepared statements are created once per connection (the cache is in
 * store.c). Parameters travel as text and the server infers their types from
 * the statement. Results are read in text format and normalised so both
 * drivers hand the model identical values: booleans as V_BOOL, integers as
 * V_INT, timestamptz as "YYYY-MM-DDTHH:MM:SS.ffffffZ", everything else as text.
 *
 * Row-level security: a tenant transaction runs
 * set_config('remit.tenant_id', $1, true) right after BEGIN (SET LOCAL), which
 * the policies compare with plain equality (model/ddl.c); both are sent in one
 * round trip (pipeline mode).
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/driver.h"

enum { OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_OID = 26, OID_TIMESTAMPTZ = 1184,
       OID_TIMESTAMP = 1114 };

typedef struct PgRows {
    PGresult *res;
    int nrows;
    int next;
    int64_t changes;
} PgRows;

static int from_result(Conn *c, PGresult *res, Error *err, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(c->db);
    if (PQstatus(c->db) != CONNECTION_OK) {
        c->broken = true;
        return err_set(err, ERR_UNAVAILABLE, NULL, "database connection lost");
    }
    if (!state)
        return err_set(err, ERR_INTERNAL, NULL, "database error in %s: %s", what, msg);
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    if (strcmp(state, "23505") == 0)
        return store_constraint_error(err, ERR_DUPLICATE, constraint);
    if (strcmp(state, "23503") == 0)
        return store_constraint_error(err, ERR_REFERENCE, constraint);
    if (strcmp(state, "23502") == 0) {
        const char *col = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
        return err_set(err, ERR_REQUIRED, col, "%s is required", col ? col : "a value");
    }
    if (strcmp(state, "23514") == 0)
        return err_set(err, ERR_INVALID, NULL, "a value is out of its allowed range");
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        return err_set(err, ERR_CONFLICT, NULL, "a concurrent change conflicted; retry the request");
    if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0 || strncmp(state, "53", 2) == 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "database is busy");
    if (strncmp(state, "08", 2) == 0) {
        c->broken = true;
        return err_set(err, ERR_UNAVAILABLE, NULL, "database connection lost");
    }
    if (strncmp(state, "22", 2) == 0)
        return err_set(err, ERR_INVALID, NULL, "a value is not valid: %s", msg);
    int rc = err_set(err, ERR_INTERNAL, NULL, "database error in %s", what);
    if (err)
        snprintf(err->detail, sizeof err->detail, "%s: %s", state, msg);
    return rc;
}

static int simple(Conn *c, const char *sql, Error *err)
{
    PGresult *res = PQexec(c->db, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = from_result(c, res, err, "script");
    PQclear(res);
    return rc;
}

/* Server notices ("relation already exists, skipping") are not errors: debug log only. */
static void on_notice(void *arg, const char *msg)
{
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        n--;
    log_printf(LOG_DEBUG, NULL, "postgres: %.*s", (int)n, msg);
}

static int pg_connect(Conn *c, const char *url, Error *err)
{
    PGconn *db = PQconnectdb(url);
    if (!db || PQstatus(db) != CONNECTION_OK) {
        int rc = err_set(err, ERR_UNAVAILABLE, NULL, "cannot connect to PostgreSQL: %s",
                         db ? PQerrorMessage(db) : "out of memory");
        if (err) {   /* libpq messages end in a newline */
            size_t n = strlen(err->message);
            while (n && (err->message[n - 1] == '\n' || err->message[n - 1] == ' '))
                err->message[--n] = '\0';
        }
        PQfinish(db);
        return rc;
    }
    c->db = db;
    PQsetNoticeProcessor(db, on_notice, NULL);
    return simple(c, "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET application_name = 'remit';"
                     " SET lock_timeout = '15s'", err);
}

static void pg_disconnect(Conn *c)
{
    if (c->db)
        PQfinish(c->db);
    c->db = NULL;
}

static int pg_prepare(Conn *c, const char *sql, void **out, Error *err)
{
    char name[24];
    snprintf(name, sizeof name, "s%u", ++c->stmt_seq);
    PGresult *res = PQprepare(c->db, name, sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int rc = from_result(c, res, err, "prepare");
        if (err && err->code == ERR_INTERNAL)
            snprintf(err->detail + strlen(err->detail), sizeof err->detail - strlen(err->detail), " [%.300s]", sql);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    char *n = strdup(name);
    if (!n)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    *out = n;
    return 0;
}

static void pg_finalize(Conn *c, void *stmt)
{
    /* DEALLOCATE on a live connection; a dropped one forgets them anyway. */
    if (c->db && PQstatus(c->db) == CONNECTION_OK && !c->in_tx) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", (char *)stmt);
        PQclear(PQexec(c->db, sql));
    }
    free(stmt);
}

enum { STACK_PARAMS = 64 };

static int pg_execute(Conn *c, void *stmt, const Value *p, int n, Rows *r, Error *err)
{
    /* Parameters travel as text. Up to STACK_PARAMS on the stack; a statement with more (a
     * list filter "[in]" with many values, a wide table's INSERT) gets them from the heap,
     * up to PostgreSQL's own limit of 65535. */
    const char *vals_s[STACK_PARAMS] = {0};
    char ints_s[STACK_PARAMS][24];
    char *copies_s[STACK_PARAMS];
    const char **vals = vals_s;
    char (*ints)[24] = ints_s;
    char **copies = copies_s;
    int ncopies = 0, rc = 0;
    PGresult *res = NULL;
    if (n > 65535)
        return err_set(err, ERR_INTERNAL, NULL, "too many parameters");
    if (n > STACK_PARAMS) {
        vals = calloc((size_t)n, sizeof *vals);
        ints = calloc((size_t)n, sizeof *ints);
        copies = calloc((size_t)n, sizeof *copies);
        if (!vals || !ints || !copies) {
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
            goto cleanup;
        }
    }
    for (int i = 0; i < n; i++) {
        switch (p[i].kind) {
        case V_NULL: vals[i] = NULL; break;
        case V_INT:
            snprintf(ints[i], sizeof ints[i], "%lld", (long long)p[i].i);
            vals[i] = ints[i];
            break;
        case V_BOOL: vals[i] = p[i].i ? "true" : "false"; break;
        default:
            /* libpq wants NUL-terminated text; values from JSON and the arena are. When a
             * length is shorter than the string, copy. */
            if (p[i].s[p[i].len] != '\0') {
                char *cp = strndup(p[i].s, p[i].len);
                if (!cp) {
                    rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                    goto cleanup;
                }
                copies[ncopies++] = cp;
                vals[i] = cp;
            } else {
                vals[i] = p[i].s;
            }
        }
    }
    res = PQexecPrepared(c->db, (const char *)stmt, n, vals, NULL, NULL, 0);
cleanup:
    while (ncopies)
        free(copies[--ncopies]);
    if (vals != vals_s) {
        free(vals);
        free(ints);
        free(copies);
    }
    if (rc < 0)
        return rc;
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        rc = from_result(c, res, err, "execute");
        PQclear(res);
        return rc;
    }
    PgRows *pr = calloc(1, sizeof *pr);
    if (!pr) {
        PQclear(res);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    pr->res = res;
    pr->nrows = PQntuples(res);
    const char *ct = PQcmdTuples(res);
    pr->changes = (ct && *ct) ? strtoll(ct, NULL, 10) : 0;
    r->impl = pr;
    r->ncols = PQnfields(res);
    r->cur = calloc((size_t)(r->ncols ? r->ncols : 1), sizeof(Value));
    r->scratch = calloc((size_t)(r->ncols ? r->ncols : 1), 40);
    if (!r->cur || !r->scratch)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    return 0;
}

/* "2026-11-21 10:00:00.5+00" -> "2026-11-21T10:00:00.500000Z" */
static size_t norm_ts(char *out, const char *s, size_t len)
{
    if (len < 19 || len > 35)
        return 0;
    memcpy(out, s, 19);
    out[10] = 'T';
    size_t j = 19, i = 19;
    out[j++] = '.';
    int digits = 0;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 6) {
            out[j++] = s[i++];
            digits++;
        }
    }
    while (digits++ < 6)
        out[j++] = '0';
    out[j++] = 'Z';
    out[j] = '\0';
    return j;
}

static int pg_step(Rows *r, Error *err)
{
    PgRows *pr = r->impl;
    if (pr->next >= pr->nrows)
        return 0;
    int row = pr->next++;
    for (int i = 0; i < r->ncols; i++) {
        Value *v = &r->cur[i];
        if (PQgetisnull(pr->res, row, i)) {
            *v = val_null();
            continue;
        }
        const char *s = PQgetvalue(pr->res, row, i);
        size_t len = (size_t)PQgetlength(pr->res, row, i);
        switch (PQftype(pr->res, i)) {
        case OID_BOOL: *v = val_bool(s[0] == 't'); break;
        case OID_INT8:
        case OID_INT4:
        case OID_INT2:
        case OID_OID: *v = val_int(strtoll(s, NULL, 10)); break;
        case OID_TIMESTAMPTZ:
        case OID_TIMESTAMP: {
            char *buf = r->scratch + 40 * i;
            size_t n = norm_ts(buf, s, len);
            *v = n ? val_textn(buf, n) : val_textn(s, len);
            break;
        }
        default: *v = val_textn(s, len);
        }
    }
    return 1;
}

static const char *pg_colname(Rows *r, int i)
{
    PgRows *pr = r->impl;
    return pr ? PQfname(pr->res, i) : "";
}

static void pg_close_rows(Rows *r)
{
    PgRows *pr = r->impl;
    PQclear(pr->res);
    free(pr);
}

static int64_t pg_changes(Conn *c, Rows *r)
{
    PgRows *pr = r->impl;
    return pr ? pr->changes : 0;
}

static int pg_exec_script(Conn *c, const char *sql, Error *err)
{
    return simple(c, sql, err);
}

/* A tenant transaction's BEGIN and its set_config travel together in libpq's pipeline mode:
 * one round trip instead of two, on every authenticated request. The results come back in
 * order — BEGIN's, a NULL, set_config's, a NULL, then the sync; a query after a failed one
 * answers PGRES_PIPELINE_ABORTED. */
static int begin_tenant(Conn *c, const char *tenant, Error *err)
{
    PGconn *db = c->db;
    const char *vals[1] = {tenant};
    if (!PQenterPipelineMode(db) || !PQsendQueryParams(db, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) ||
        !PQsendQueryParams(db, "SELECT set_config('remit.tenant_id', $1, true)", 1, NULL, vals, NULL, NULL, 0) ||
        !PQpipelineSync(db)) {
        log_printf(LOG_WARN, NULL, "postgres: cannot send BEGIN: %s", PQerrorMessage(db));
        c->broken = true;   /* reconnected on its next acquire */
        return err_set(err, ERR_UNAVAILABLE, NULL, "database connection lost");
    }
    int rc = 0, ends = 0;
    for (;;) {
        PGresult *res = PQgetResult(db);
        if (!res) {   /* the end of one query's results; a third one means no sync is coming */
            if (++ends > 2)
                break;
            continue;
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            break;
        }
        if (rc == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            rc = from_result(c, res, err, "begin");
        PQclear(res);
    }
    if (!PQexitPipelineMode(db)) {
        c->broken = true;
        return rc < 0 ? rc : err_set(err, ERR_UNAVAILABLE, NULL, "database connection lost");
    }
    if (rc < 0)
        simple(c, "ROLLBACK", NULL);
    return rc;
}

static int pg_begin(Conn *c, const char *tenant, bool write, Error *err)
{
    return tenant ? begin_tenant(c, tenant, err) : simple(c, "BEGIN", err);
}

static int pg_commit(Conn *c, Error *err)
{
    return simple(c, "COMMIT", err);
}

static void pg_rollback(Conn *c)
{
    if (c->db && PQstatus(c->db) == CONNECTION_OK && PQtransactionStatus(c->db) != PQTRANS_IDLE)
        PQclear(PQexec(c->db, "ROLLBACK"));
}

static int one_row(Conn *c, const char *sql, const char *a, bool *out, Error *err)
{
    const char *vals[1] = {a};
    PGresult *res = PQexecParams(c->db, sql, 1, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = from_result(c, res, err, "introspection");
        PQclear(res);
        return rc;
    }
    *out = PQntuples(res) > 0;
    PQclear(res);
    return 0;
}

static int pg_table_exists(Conn *c, const char *table, bool *out, Error *err)
{
    return one_row(c, "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
                   table, out, err);
}

static int pg_index_exists(Conn *c, const char *index, bool *out, Error *err)
{
    return one_row(c, "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1", index, out, err);
}

static int pg_table_columns(Conn *c, const char *table, void (*fn)(const char *, void *), void *arg, Error *err)
{
    const char *vals[1] = {table};
    PGresult *res = PQexecParams(c->db,
                                 "SELECT column_name FROM information_schema.columns"
                                 " WHERE table_schema = current_schema() AND table_name = $1",
                                 1, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = from_result(c, res, err, "introspection");
        PQclear(res);
        return rc;
    }
    for (int i = 0; i < PQntuples(res); i++)
        fn(PQgetvalue(res, i, 0), arg);
    PQclear(res);
    return 0;
}

const Driver postgres_driver = {
    .dialect = DIALECT_POSTGRES,
    .name = "postgres",
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .execute = pg_execute,
    .step = pg_step,
    .colname = pg_colname,
    .close_rows = pg_close_rows,
    .changes = pg_changes,
    .exec_script = pg_exec_script,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .table_exists = pg_table_exists,
    .table_columns = pg_table_columns,
    .index_exists = pg_index_exists,
};
