/* tests/fuzz/fuzz_list_query.c — libFuzzer target for the list query string (model/crud.c):
 * the arguments of GET /api/v1/<table>?... — filters, operators, order, limit, cursor, q — and
 * the SQL built from them, run for real on an in-memory SQLite database with every table of the
 * registry. Input: byte 0 picks the table, the rest is "key=value&key=value..." (already
 * percent-decoded, as the server hands them over). Checks that every refusal is a 400
 * (bad_query), and that no accepted query makes the database refuse its SQL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "model/crud.h"
#include "model/migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Store *store;
static Conn *conn;

static void start(void)
{
    Error e;
    id_init();
    if (registry_init(&e) < 0 || store_open(&store, "sqlite::memory:", 1, &e) < 0 || migrate_run(store, NULL, &e) < 0)
        abort();
    if (store_acquire(store, &conn, &e) < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store)
        start();
    if (size < 1 || size > 4096)
        return 0;
    const Table *t = registry_at(data[0] % registry_count());
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    Arena a;
    arena_init(&a, 64 << 20);
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &a;
    ctx.currency = "INR";
    ctx.conn = conn;
    ctx.now = clock_now();
    snprintf(ctx.tenant_id, sizeof ctx.tenant_id, "01890000-0000-7000-8000-000000000001");
    ListQuery q;
    Error e;
    err_clear(&e);
    list_query_init(&q, t, &e);
    int rc = 0;
    for (char *p = text, *next; p && rc == 0; p = next) {
        next = strchr(p, '&');
        if (next)
            *next++ = '\0';
        char *eq = strchr(p, '=');
        if (eq)
            *eq = '\0';
        rc = list_query_arg(&ctx, &q, t, p, eq ? eq + 1 : NULL, &e);
    }
    if (rc == 0)
        rc = list_query_finish(&ctx, &q, t, &e);
    if (rc == 0) {
        if (store_begin(conn, t->res->global ? NULL : &ctx, false, &e) < 0)
            abort();
        json_t *rows = NULL;
        const char *cursor = NULL;
        rc = crud_list(&ctx, t, &q, &rows, &cursor, &e);
        json_decref(rows);
        store_rollback(conn);
    }
    if (rc < 0 && e.code != ERR_BAD_QUERY)
        abort();   /* a bad query is the client's 400, never the database's 500 */
    free(text);
    arena_free(&a);
    return 0;
}
