/* store/driver.h — what a database driver implements (internal to store/).
 *
 * store.c owns the pool, the per-connection statement cache, transactions'
 * bookkeeping, tenant binding and checks; a driver only connects, prepares,
 * binds and steps. Drivers: store/sqlite.c, store/postgres.c.
 */
#ifndef REMIT_STORE_DRIVER_H
#define REMIT_STORE_DRIVER_H

#include <pthread.h>

#include "store/store.h"

#define STMT_CACHE_SLOTS 512

typedef struct CachedStmt {
    char *sql;
    void *stmt;
    uint64_t hash;
    size_t len;
    bool tenant_filtered;     /* passed the tenant-filter check (store.c), tested once */
} CachedStmt;

typedef struct Driver {
    Dialect dialect;
    const char *name;
    int  (*connect)(Conn *c, const char *url, Error *err);
    void (*disconnect)(Conn *c);
    int  (*prepare)(Conn *c, const char *sql, void **out, Error *err);
    void (*finalize)(Conn *c, void *stmt);
    /* Binds and executes; on success r->impl is set and rows are read with step. */
    int  (*execute)(Conn *c, void *stmt, const Value *params, int n, Rows *r, Error *err);
    int  (*step)(Rows *r, Error *err);      /* 1 row, 0 end, <0 error */
    const char *(*colname)(Rows *r, int i);
    void (*close_rows)(Rows *r);
    int64_t (*changes)(Conn *c, Rows *r);
    int  (*exec_script)(Conn *c, const char *sql, Error *err);
    int  (*begin)(Conn *c, const char *tenant, bool write, Error *err);
    int  (*commit)(Conn *c, Error *err);
    void (*rollback)(Conn *c);
    int  (*table_exists)(Conn *c, const char *table, bool *out, Error *err);
    int  (*table_columns)(Conn *c, const char *table, void (*fn)(const char *, void *), void *arg, Error *err);
    int  (*index_exists)(Conn *c, const char *index, bool *out, Error *err);
} Driver;

struct Conn {
    Store *store;
    void *db;                 /* sqlite3* or PGconn* */
    void *drv;                /* the driver's own per-connection state, or NULL */
    CachedStmt cache[STMT_CACHE_SLOTS];
    int ncached;
    unsigned stmt_seq;        /* postgres statement names */
    bool in_tx, tx_write, tenant_tx;
    char tenant[40];
    int fault_countdown;
    bool broken;              /* connection lost: reconnect on next acquire */
    Conn *next_free;
    Error rows_err;
};

struct Store {
    const Driver *drv;
    char *url;
    pthread_mutex_t lock;
    pthread_cond_t avail;
    Conn **all;
    int pool_size, nconns, in_use;
    Conn *free_list;
    pthread_mutex_t writer;   /* SQLite: one writer */
    uint64_t queries, errors, waits;
};

extern const Driver sqlite_driver;
extern const Driver postgres_driver;

/* Maps a driver error on a statement to a store error (unique, foreign key, ...). */
int store_constraint_error(Error *err, ErrCode code, const char *constraint_or_msg);

#endif
