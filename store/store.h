/* store/store.h — the only door to the database.
 *
 * One interface, two drivers (store/sqlite.c, store/postgres.c). Statements
 * are always prepared and parameters always bound; SQL text never carries a
 * value. Placeholders are PostgreSQL style ($1, $2, ...) in both dialects.
 *
 * Tenant scoping. A transaction begun with a Ctx whose tenant_id is set is a
 * tenant transaction: in every statement of it, $1 IS the tenant id — the
 * store binds it itself, the caller's parameters are $2, $3, ... — and the
 * store refuses (ERR_INTERNAL, logged loudly) any statement whose text does not
 * filter on "tenant_id = $1" (or, for INSERT, put $1 in the tenant_id column).
 * A handler therefore cannot forget the tenant filter, and cannot pass another
 * tenant's id. On PostgreSQL the same tenant is also SET LOCAL for row-level
 * security, the second wall. Statements that are deliberately not per tenant
 * (reference tables, sign-in lookups, schedulers, migrations) use
 * store_query_global(), which is easy to grep for and review.
 *
 * Concurrency notes. A Store is shared by all threads; a Conn is used by one
 * thread at a time (acquire / release). SQLite allows one writer: write
 * transactions take the Store's writer mutex and BEGIN IMMEDIATE, readers run
 * in WAL snapshots beside them. PostgreSQL: a pool of connections; rows that are
 * read and then changed are read FOR NO KEY UPDATE (store_for_update() returns
 * "" on SQLite, where the writer lock already serialises).
 */
#ifndef REMIT_STORE_STORE_H
#define REMIT_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/ctx.h"

typedef enum Dialect { DIALECT_SQLITE, DIALECT_POSTGRES } Dialect;

typedef enum ValueKind { V_NULL, V_INT, V_TEXT, V_BOOL } ValueKind;
typedef struct Value {
    ValueKind kind;
    int64_t i;          /* V_INT, V_BOOL (0/1) */
    const char *s;      /* V_TEXT, not necessarily NUL-terminated: use len */
    size_t len;
} Value;

static inline Value val_null(void) { Value v = {V_NULL, 0, NULL, 0}; return v; }
static inline Value val_int(int64_t i) { Value v = {V_INT, i, NULL, 0}; return v; }
static inline Value val_bool(bool b) { Value v = {V_BOOL, b ? 1 : 0, NULL, 0}; return v; }
Value val_text(const char *s);                 /* NULL s gives V_NULL */
Value val_textn(const char *s, size_t len);

typedef struct Store Store;
typedef struct Conn Conn;

typedef struct Rows {
    Conn *conn;
    void *impl;          /* driver state */
    int ncols;
    int row;             /* current row, -1 before the first */
    Value *cur;          /* ncols values of the current row */
    char *scratch;       /* driver scratch for normalised text */
} Rows;

/* url: "sqlite:FILE" (or a path ending in .db), or "postgres://..." / "postgresql://...". */
int  store_open(Store **out, const char *url, int pool_size, Error *err);
void store_close(Store *s);
Dialect store_dialect(const Store *s);
const char *store_dialect_name(const Store *s);

int  store_acquire(Store *s, Conn **out, Error *err);
void store_release(Conn *c);
Store *conn_store(Conn *c);
Dialect conn_dialect(const Conn *c);

/* ctx may be NULL or have an empty tenant_id for a system transaction. */
int  store_begin(Conn *c, const Ctx *ctx, bool write, Error *err);
int  store_commit(Conn *c, Error *err);
void store_rollback(Conn *c);
bool store_in_tx(const Conn *c);
bool store_tx_is_write(const Conn *c);

/* Runs a statement in the current tenant transaction ($1 = tenant). */
int  store_query(Conn *c, Rows *out, const char *sql, const Value *params, int nparams, Error *err);
/* Runs a statement and discards rows; *changes (may be NULL) gets the affected row count. */
int  store_exec(Conn *c, const char *sql, const Value *params, int nparams, int64_t *changes, Error *err);
/* The same, without tenant binding or checks: for deliberately global statements. */
int  store_query_global(Conn *c, Rows *out, const char *sql, const Value *params, int nparams, Error *err);
int  store_exec_global(Conn *c, const char *sql, const Value *params, int nparams, int64_t *changes, Error *err);
/* Runs one or more statements without parameters (DDL in migrations). */
int  store_exec_script(Conn *c, const char *sql, Error *err);

bool rows_next(Rows *r);          /* false at the end or on error (rows_error tells) */
int  rows_error(Rows *r, Error *err);
const char *rows_colname(Rows *r, int i);
Value rows_get(Rows *r, int i);
void rows_close(Rows *r);

/* Convenience: first column of the first row as int / copied text (into the ctx arena).
 * ERR_NOT_FOUND when there is no row. */
int  store_query_int(Conn *c, int64_t *out, const char *sql, const Value *params, int n, Error *err);

/* Dialect helpers for SQL builders. */
const char *store_for_update(const Conn *c);     /* " FOR NO KEY UPDATE" or "" */
const char *store_ilike(const Conn *c);          /* "ILIKE" or "LIKE" (SQLite LIKE is ASCII case-insensitive) */

/* Introspection for migrations. */
int  store_table_exists(Conn *c, const char *table, bool *out, Error *err);
/* Calls fn for each column name of the table. */
int  store_table_columns(Conn *c, const char *table, void (*fn)(const char *col, void *arg), void *arg,
                         Error *err);
int  store_index_exists(Conn *c, const char *index, bool *out, Error *err);

/* Fault injection (tests): the n-th following statement on this connection fails with
 * ERR_UNAVAILABLE, as a lost connection would. 0 disables. */
void store_inject_fault(Conn *c, int nth);

/* Statistics for /metrics. */
typedef struct StoreStats { uint64_t queries, errors, waits; int pool_size, in_use; } StoreStats;
void store_stats(Store *s, StoreStats *out);

#endif
