/* tests/unit/unit_db.c — the unit tests' throwaway SQLite database; see unit_db.h.
 * Exports udb_open, udb_close, udb_tenant, udb_begin, udb_end, udb_tenant_free, udb_json.
 */
#include "tests/unit/unit_db.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/date.h"
#include "core/id.h"
#include "model/migrate.h"

void udb_open(UnitDb *db, bool migrate)
{
    memset(db, 0, sizeof *db);
    snprintf(db->dir, sizeof db->dir, "/tmp/remit-unit.XXXXXX");
    cr_assert_not_null(mkdtemp(db->dir), "mkdtemp");
    snprintf(db->url, sizeof db->url, "sqlite:%s/unit.db", db->dir);
    Error e;
    err_clear(&e);
    cr_assert_eq(id_init(), 0);
    cr_assert_eq(registry_init(&e), 0, "registry: %s", e.message);
    cr_assert_eq(store_open(&db->store, db->url, 4, &e), 0, "store_open: %s", e.message);
    if (migrate) {
        int n = 0;
        cr_assert_eq(migrate_run(db->store, &n, &e), 0, "migrate: %s %s", e.message, e.detail);
        cr_assert_gt(n, 0);
    }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

void udb_close(UnitDb *db)
{
    store_close(db->store);
    db->store = NULL;
    nftw(db->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

void udb_tenant(UnitDb *db, UnitTenant *t, const char *slug)
{
    memset(t, 0, sizeof *t);
    arena_init(&t->arena, 0);
    t->ctx.arena = &t->arena;
    t->ctx.now = clock_now();
    t->ctx.currency = "INR";
    t->ctx.role = ROLE_ADMIN;
    t->ctx.role_name = "admin";
    t->ctx.store = db->store;
    snprintf(t->slug, sizeof t->slug, "%s", slug);
    uuid_v7_str(t->ctx.tenant_id);
    char ts[40];
    ts_format(ts, sizeof ts, t->ctx.now);
    Conn *c = NULL;
    Error e;
    cr_assert_eq(store_acquire(db->store, &c, &e), 0, "%s", e.message);
    cr_assert_eq(store_begin(c, NULL, true, &e), 0, "%s", e.message);
    Value p[5] = {val_text(t->ctx.tenant_id), val_text(slug), val_text(slug), val_text("owner@example.com"),
                  val_text(ts)};
    int rc = store_exec_global(c,
                               "INSERT INTO tenants (id, name, slug, email, version, created_at, updated_at)"
                               " VALUES ($1, $2, $3, $4, 1, $5, $5)",
                               p, 5, NULL, &e);
    cr_assert_eq(rc, 0, "tenant insert: %s %s", e.message, e.detail);
    cr_assert_eq(store_commit(c, &e), 0, "%s", e.message);
    store_release(c);
}

void udb_begin(UnitDb *db, UnitTenant *t, bool write)
{
    Error e;
    Conn *c = NULL;
    cr_assert_eq(store_acquire(db->store, &c, &e), 0, "%s", e.message);
    cr_assert_eq(store_begin(c, &t->ctx, write, &e), 0, "%s", e.message);
    t->ctx.conn = c;
}

void udb_end(UnitTenant *t, bool commit)
{
    Error e;
    if (commit)
        cr_assert_eq(store_commit(t->ctx.conn, &e), 0, "commit: %s", e.message);
    else
        store_rollback(t->ctx.conn);
    store_release(t->ctx.conn);
    t->ctx.conn = NULL;
}

void udb_tenant_free(UnitTenant *t)
{
    arena_free(&t->arena);
}

json_t *udb_json(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
    cr_assert_not_null(j, "bad JSON in the test: %s (%s)", text, je.text);
    return j;
}
