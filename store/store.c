/* store/store.c — the store's common half: connection pool, statement cache,
 * transactions, tenant binding and the tenant-filter check; see store.h.
 * Exports every store_* and rows_* function of store.h; the drivers supply the
 * dialect-specific half through the Driver table (driver.h).
 *
 * Concurrency notes: the pool's free list and counters are guarded by
 * Store.lock; a thread that finds the pool empty waits on Store.avail (bounded
 * by a 10 s timeout, then ERR_UNAVAILABLE). A Conn's cache is touched only by the
 * thread holding the Conn. The SQLite writer mutex is taken in store_begin(write)
 * and released in commit/rollback by the same thread.
 */
#include "store/driver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

Value val_text(const char *s)
{
    if (!s)
        return val_null();
    Value v = {V_TEXT, 0, s, strlen(s)};
    return v;
}

Value val_textn(const char *s, size_t len)
{
    if (!s)
        return val_null();
    Value v = {V_TEXT, 0, s, len};
    return v;
}

static bool starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

int store_open(Store **out, const char *url, int pool_size, Error *err)
{
    *out = NULL;
    const Driver *drv;
    const char *target = url;
    if (starts_with(url, "postgres://") || starts_with(url, "postgresql://")) {
        drv = &postgres_driver;
    } else if (starts_with(url, "sqlite:")) {
        drv = &sqlite_driver;
        target = url + 7;
        if (starts_with(target, "//"))
            target += 2;
    } else {
        size_t n = strlen(url);
        if ((n > 3 && strcmp(url + n - 3, ".db") == 0) || (n > 7 && strcmp(url + n - 7, ".sqlite") == 0))
            drv = &sqlite_driver;
        else
            return err_set(err, ERR_INVALID, "db", "unknown database URL: use sqlite:FILE or postgres://...");
    }
    if (pool_size < 1)
        pool_size = 1;
    Store *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    s->drv = drv;
    s->url = strdup(target);
    s->pool_size = pool_size;
    s->all = calloc((size_t)pool_size, sizeof *s->all);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->avail, NULL);
    pthread_mutex_init(&s->writer, NULL);
    if (!s->url || !s->all) {
        store_close(s);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    /* Open one connection now, so a bad URL fails at start-up, not on the first request. */
    Conn *c = NULL;
    int rc = store_acquire(s, &c, err);
    if (rc < 0) {
        store_close(s);
        return rc;
    }
    store_release(c);
    *out = s;
    return 0;
}

static void cache_clear(Conn *c)
{
    for (int i = 0; i < STMT_CACHE_SLOTS; i++) {
        if (c->cache[i].sql) {
            c->store->drv->finalize(c, c->cache[i].stmt);
            free(c->cache[i].sql);
            c->cache[i].sql = NULL;
            c->cache[i].stmt = NULL;
        }
    }
    c->ncached = 0;
}

static void conn_destroy(Conn *c)
{
    if (!c)
        return;
    cache_clear(c);
    c->store->drv->disconnect(c);
    free(c);
}

void store_close(Store *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nconns; i++)
        conn_destroy(s->all[i]);
    free(s->all);
    free(s->url);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->avail);
    pthread_mutex_destroy(&s->writer);
    free(s);
}

Dialect store_dialect(const Store *s) { return s->drv->dialect; }
const char *store_dialect_name(const Store *s) { return s->drv->name; }
Store *conn_store(Conn *c) { return c->store; }
Dialect conn_dialect(const Conn *c) { return c->store->drv->dialect; }

int store_acquire(Store *s, Conn **out, Error *err)
{
    *out = NULL;
    pthread_mutex_lock(&s->lock);
    while (!s->free_list && s->nconns >= s->pool_size) {
        s->waits++;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 10;
        if (pthread_cond_timedwait(&s->avail, &s->lock, &ts) == ETIMEDOUT && !s->free_list) {
            pthread_mutex_unlock(&s->lock);
            return err_set(err, ERR_UNAVAILABLE, NULL, "no database connection available");
        }
    }
    Conn *c = s->free_list;
    if (c) {
        s->free_list = c->next_free;
        s->in_use++;
        pthread_mutex_unlock(&s->lock);
        if (c->broken) {     /* reconnect a connection that failed earlier */
            cache_clear(c);
            s->drv->disconnect(c);
            c->db = NULL;
            c->broken = false;
            int rc = s->drv->connect(c, s->url, err);
            if (rc < 0) {
                c->broken = true;
                store_release(c);
                return rc;
            }
        }
        *out = c;
        return 0;
    }
    /* Grow the pool: reserve the slot, connect outside the lock. */
    int slot = s->nconns++;
    s->in_use++;
    pthread_mutex_unlock(&s->lock);
    c = calloc(1, sizeof *c);
    int rc = c ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0) {
        c->store = s;
        rc = s->drv->connect(c, s->url, err);
    }
    pthread_mutex_lock(&s->lock);
    if (rc < 0) {
        free(c);
        /* give the slot back: move the last one down if needed */
        s->nconns--;
        s->in_use--;
        if (slot != s->nconns)
            s->all[slot] = s->all[s->nconns];
        pthread_cond_signal(&s->avail);
        pthread_mutex_unlock(&s->lock);
        return rc;
    }
    s->all[slot] = c;
    pthread_mutex_unlock(&s->lock);
    *out = c;
    return 0;
}

void store_release(Conn *c)
{
    if (!c)
        return;
    if (c->in_tx)
        store_rollback(c);
    c->fault_countdown = 0;
    Store *s = c->store;
    pthread_mutex_lock(&s->lock);
    c->next_free = s->free_list;
    s->free_list = c;
    s->in_use--;
    pthread_cond_signal(&s->avail);
    pthread_mutex_unlock(&s->lock);
}

int store_begin(Conn *c, const Ctx *ctx, bool write, Error *err)
{
    if (c->in_tx)
        return err_set(err, ERR_INTERNAL, NULL, "transaction already open");
    const char *tenant = (ctx && ctx->tenant_id[0]) ? ctx->tenant_id : NULL;
    bool sqlite = c->store->drv->dialect == DIALECT_SQLITE;
    if (write && sqlite)
        pthread_mutex_lock(&c->store->writer);
    int rc = c->store->drv->begin(c, tenant, write, err);
    if (rc < 0) {
        if (write && sqlite)
            pthread_mutex_unlock(&c->store->writer);
        return rc;
    }
    c->in_tx = true;
    c->tx_write = write;
    c->tenant_tx = tenant != NULL;
    snprintf(c->tenant, sizeof c->tenant, "%s", tenant ? tenant : "");
    return 0;
}

static void end_tx(Conn *c)
{
    bool unlock = c->tx_write && c->store->drv->dialect == DIALECT_SQLITE;
    c->in_tx = c->tx_write = c->tenant_tx = false;
    c->tenant[0] = '\0';
    if (unlock)
        pthread_mutex_unlock(&c->store->writer);
}

int store_commit(Conn *c, Error *err)
{
    if (!c->in_tx)
        return err_set(err, ERR_INTERNAL, NULL, "no transaction to commit");
    if (c->fault_countdown > 0 && --c->fault_countdown == 0) {
        c->store->drv->rollback(c);
        end_tx(c);
        return err_set(err, ERR_UNAVAILABLE, NULL, "injected fault at commit");
    }
    int rc = c->store->drv->commit(c, err);
    if (rc < 0)
        c->store->drv->rollback(c);
    end_tx(c);
    return rc;
}

void store_rollback(Conn *c)
{
    if (!c->in_tx)
        return;
    c->store->drv->rollback(c);
    end_tx(c);
}

bool store_in_tx(const Conn *c) { return c->in_tx; }
bool store_tx_is_write(const Conn *c) { return c->tx_write; }

/* A statement's cache key: 8 bytes at a time (statements run to a kilobyte and more, and
 * each one is hashed on every run), then the tail, then a final mix. */
static uint64_t sql_hash(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    memcpy(&tail, s + i, n - i);
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Does pat occur in sql as whole tokens: not preceded by an identifier character (so
 * "other_tenant_id" is not "tenant_id") and not followed by a digit (so "$10" is not "$1")? */
static bool has_token(const char *sql, const char *pat)
{
    size_t n = strlen(pat);
    for (const char *p = strstr(sql, pat); p; p = strstr(p + 1, pat)) {
        bool start = p == sql || !ident_char(p[-1]);
        if (start && !(p[n] >= '0' && p[n] <= '9'))
            return true;
    }
    return false;
}

/* The wall: a statement in a tenant transaction must filter on the tenant. */
static bool tenant_filtered(const char *sql)
{
    if (has_token(sql, "tenant_id = $1"))
        return true;
    return starts_with(sql, "INSERT INTO ") && (strstr(sql, " (tenant_id, ") || strstr(sql, " (tenant_id)")) &&
           has_token(sql, "VALUES ($1");
}

static int refuse_unfiltered(const char *sql, Error *err)
{
    log_printf(LOG_ERROR, NULL, "statement without tenant filter refused: %.200s", sql);
    return err_set(err, ERR_INTERNAL, NULL, "statement without tenant filter refused");
}

/* The connection's prepared statement for sql, preparing it on first use. A tenant statement
 * (global false) must pass the tenant-filter check, which runs once per cached statement. */
static int get_stmt(Conn *c, const char *sql, bool global, CachedStmt **out, Error *err)
{
    size_t n = strlen(sql);
    uint64_t h = sql_hash(sql, n);
    unsigned i = (unsigned)(h % STMT_CACHE_SLOTS);
    for (unsigned probe = 0; probe < STMT_CACHE_SLOTS; probe++, i = (i + 1) % STMT_CACHE_SLOTS) {
        CachedStmt *e = &c->cache[i];
        if (!e->sql)
            break;
        if (e->hash == h && e->len == n && memcmp(e->sql, sql, n) == 0) {
            if (!global && !e->tenant_filtered)
                return refuse_unfiltered(sql, err);
            *out = e;
            return 0;
        }
    }
    bool filtered = tenant_filtered(sql);
    if (!global && !filtered)
        return refuse_unfiltered(sql, err);
    if (c->ncached >= STMT_CACHE_SLOTS * 3 / 4)
        cache_clear(c);   /* rare: dynamic SQL with many shapes; start over */
    void *stmt = NULL;
    int rc = c->store->drv->prepare(c, sql, &stmt, err);
    if (rc < 0)
        return rc;
    i = (unsigned)(h % STMT_CACHE_SLOTS);
    while (c->cache[i].sql)
        i = (i + 1) % STMT_CACHE_SLOTS;
    CachedStmt *e = &c->cache[i];
    e->sql = malloc(n + 1);
    if (!e->sql) {
        c->store->drv->finalize(c, stmt);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    memcpy(e->sql, sql, n + 1);
    e->stmt = stmt;
    e->hash = h;
    e->len = n;
    e->tenant_filtered = filtered;
    c->ncached++;
    *out = e;
    return 0;
}

static int run(Conn *c, Rows *out, const char *sql, const Value *params, int n, bool global, Error *err)
{
    memset(out, 0, sizeof *out);
    out->conn = c;
    out->row = -1;
    Store *s = c->store;
    __atomic_add_fetch(&s->queries, 1, __ATOMIC_RELAXED);
    if (c->fault_countdown > 0 && --c->fault_countdown == 0) {
        __atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
        return err_set(err, ERR_UNAVAILABLE, NULL, "injected database fault");
    }
    Value stackp[24];
    Value *p = (Value *)params;
    int np = n;
    if (!global && !c->tenant_tx) {
        log_printf(LOG_ERROR, NULL, "tenant statement outside a tenant transaction: %.200s", sql);
        return err_set(err, ERR_INTERNAL, NULL, "statement needs a tenant");
    }
    CachedStmt *cs = NULL;
    int rc = get_stmt(c, sql, global, &cs, err);
    if (rc < 0) {
        __atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
        return rc;
    }
    if (!global) {
        np = n + 1;
        p = np <= 24 ? stackp : malloc(sizeof(Value) * (size_t)np);
        if (!p)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        p[0] = val_text(c->tenant);
        if (n)
            memcpy(p + 1, params, sizeof(Value) * (size_t)n);
    }
    rc = s->drv->execute(c, cs->stmt, p, np, out, err);
    if (p != params && p != stackp)
        free(p);
    if (rc < 0) {
        /* A driver that failed half-way may have filled part of out (the sqlite driver's
         * row buffer when a statement without result columns fails at its first step):
         * callers only close rows that were opened, so release them here. */
        rows_close(out);
        __atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
    }
    return rc;
}

int store_query(Conn *c, Rows *out, const char *sql, const Value *params, int n, Error *err)
{
    return run(c, out, sql, params, n, false, err);
}

int store_query_global(Conn *c, Rows *out, const char *sql, const Value *params, int n, Error *err)
{
    return run(c, out, sql, params, n, true, err);
}

static int exec_common(Conn *c, const char *sql, const Value *params, int n, int64_t *changes, bool global,
                       Error *err)
{
    Rows r;
    int rc = run(c, &r, sql, params, n, global, err);
    if (rc < 0)
        return rc;
    while (rows_next(&r))
        ;
    rc = rows_error(&r, err);
    if (rc == 0 && changes)
        *changes = c->store->drv->changes(c, &r);
    rows_close(&r);
    return rc;
}

int store_exec(Conn *c, const char *sql, const Value *params, int n, int64_t *changes, Error *err)
{
    return exec_common(c, sql, params, n, changes, false, err);
}

int store_exec_global(Conn *c, const char *sql, const Value *params, int n, int64_t *changes, Error *err)
{
    return exec_common(c, sql, params, n, changes, true, err);
}

int store_exec_script(Conn *c, const char *sql, Error *err)
{
    return c->store->drv->exec_script(c, sql, err);
}

bool rows_next(Rows *r)
{
    if (!r->impl)
        return false;
    int rc = r->conn->store->drv->step(r, &r->conn->rows_err);
    if (rc < 0) {
        __atomic_add_fetch(&r->conn->store->errors, 1, __ATOMIC_RELAXED);
        r->row = -2;
        return false;
    }
    if (rc == 0)
        return false;
    r->row++;
    return true;
}

int rows_error(Rows *r, Error *err)
{
    if (r->row != -2)
        return 0;
    if (err)
        *err = r->conn->rows_err;
    return -(int)r->conn->rows_err.code;
}

const char *rows_colname(Rows *r, int i)
{
    return r->conn->store->drv->colname(r, i);
}

Value rows_get(Rows *r, int i)
{
    if (!r->cur || i < 0 || i >= r->ncols)
        return val_null();
    return r->cur[i];
}

void rows_close(Rows *r)
{
    if (r->impl)
        r->conn->store->drv->close_rows(r);
    free(r->cur);
    free(r->scratch);
    r->cur = NULL;
    r->scratch = NULL;
    r->impl = NULL;
}

int store_query_int(Conn *c, int64_t *out, const char *sql, const Value *params, int n, Error *err)
{
    Rows r;
    int rc = store_query(c, &r, sql, params, n, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        *out = v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i;
    } else {
        rc = rows_error(&r, err);
        if (rc == 0)
            rc = err_set(err, ERR_NOT_FOUND, NULL, "no row");
    }
    rows_close(&r);
    return rc;
}

const char *store_for_update(const Conn *c)
{
    /* NO KEY UPDATE: the lock an UPDATE of non-key columns takes. It does not block the FOR KEY
     * SHARE that a foreign-key check of another row takes, so locking a customer (a bill run does,
     * for its whole run) never makes an insert of a row pointing at it wait — such a wait, with
     * the audit chain head taken in the other order, was a deadlock. */
    return c->store->drv->dialect == DIALECT_POSTGRES ? " FOR NO KEY UPDATE" : "";
}

const char *store_ilike(const Conn *c)
{
    return c->store->drv->dialect == DIALECT_POSTGRES ? "ILIKE" : "LIKE";
}

int store_table_exists(Conn *c, const char *table, bool *out, Error *err)
{
    return c->store->drv->table_exists(c, table, out, err);
}

int store_table_columns(Conn *c, const char *table, void (*fn)(const char *, void *), void *arg, Error *err)
{
    return c->store->drv->table_columns(c, table, fn, arg, err);
}

int store_index_exists(Conn *c, const char *index, bool *out, Error *err)
{
    return c->store->drv->index_exists(c, index, out, err);
}

void store_inject_fault(Conn *c, int nth)
{
    c->fault_countdown = nth;
}

void store_stats(Store *s, StoreStats *out)
{
    pthread_mutex_lock(&s->lock);
    out->pool_size = s->pool_size;
    out->in_use = s->in_use;
    pthread_mutex_unlock(&s->lock);
    out->queries = __atomic_load_n(&s->queries, __ATOMIC_RELAXED);
    out->errors = __atomic_load_n(&s->errors, __ATOMIC_RELAXED);
    out->waits = s->waits;
}

/* Constraint names follow "<table>_<column>_key" / "<table>_<column>_fkey" (see model/ddl.c);
 * the field an error names is the column part. SQLite reports "table.col1, table.col2". */
int store_constraint_error(Error *err, ErrCode code, const char *what)
{
    char field[96] = "";
    if (what) {
        const char *last = strrchr(what, '.');
        if (last) {   /* sqlite: "UNIQUE constraint failed: customers.tenant_id, customers.code" */
            snprintf(field, sizeof field, "%s", last + 1);
        } else {
            snprintf(field, sizeof field, "%s", what);
            size_t n = strlen(field);
            if (n > 5 && strcmp(field + n - 5, "_fkey") == 0)
                field[n - 5] = '\0';
            else if (n > 4 && strcmp(field + n - 4, "_key") == 0)
                field[n - 4] = '\0';
            /* strip "<table>__" prefix: constraint names are "<table>__<column>" */
            char *sep = strstr(field, "__");
            if (sep)
                memmove(field, sep + 2, strlen(sep + 2) + 1);
        }
    }
    if (code == ERR_DUPLICATE)
        return err_set(err, code, field[0] ? field : NULL, "%s is already used", field[0] ? field : "a unique value");
    if (code == ERR_REFERENCE)
        return err_set(err, code, field[0] ? field : NULL, "%s does not refer to an existing row",
                       field[0] ? field : "a reference");
    return err_set(err, code, field[0] ? field : NULL, "constraint violated");
}
