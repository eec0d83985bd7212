/* tests/unit/unit_db.h — a throwaway SQLite database for the unit tests of store/ and model/.
 *
 * udb_open() makes a temporary directory with an SQLite file, opens a Store on it and (when
 * migrate is true) brings it up to the registry, so every declared table exists — including the
 * test-only tables the unit tests declare (names starting "unit_"). udb_tenant() inserts a tenant
 * row and fills a Ctx for it (arena, tenant id, a user id, INR); udb_begin()/udb_end() wrap a
 * tenant transaction. udb_close() removes the directory.
 */
#ifndef REMIT_TESTS_UNIT_DB_H
#define REMIT_TESTS_UNIT_DB_H

#include <stdbool.h>

#include "core/arena.h"
#include "model/registry.h"
#include "store/store.h"

typedef struct UnitDb {
    char dir[256];
    char url[320];
    Store *store;
} UnitDb;

typedef struct UnitTenant {
    Arena arena;
    Ctx ctx;
    char slug[64];
} UnitTenant;

void udb_open(UnitDb *db, bool migrate);
void udb_close(UnitDb *db);
/* A new tenant (a row in tenants) and a Ctx scoped to it; the Ctx has no connection yet. */
void udb_tenant(UnitDb *db, UnitTenant *t, const char *slug);
/* Acquires a connection and begins a tenant transaction (write or read) for t. */
void udb_begin(UnitDb *db, UnitTenant *t, bool write);
/* Commits (commit = true) or rolls back, and releases the connection. */
void udb_end(UnitTenant *t, bool commit);
void udb_tenant_free(UnitTenant *t);
/* A JSON object from text; fails the test when the text is not JSON. */
json_t *udb_json(const char *text);

#endif
