/* cli/audit.c — `remit audit verify [--tenant SLUG]`: checks every tenant's
 * (or one tenant's) audit hash chain; exits 1 naming the first broken row.
 * Exports cmd_audit.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "model/audit.h"

int cmd_audit(const CliOpts *o)
{
    const char *slug = NULL;
    bool verify = false;
    for (int i = 0; i < o->nrest; i++) {
        if (strcmp(o->rest[i], "verify") == 0)
            verify = true;
        else if (strcmp(o->rest[i], "--tenant") == 0 && i + 1 < o->nrest)
            slug = o->rest[++i];
        else {
            fprintf(stderr, "usage: remit audit verify [--tenant SLUG]\n");
            return 2;
        }
    }
    if (!verify) {
        fprintf(stderr, "usage: remit audit verify [--tenant SLUG]\n");
        return 2;
    }
    Store *s = NULL;
    if (cli_open(o, &s, 2) < 0)
        return 1;
    Error e;
    err_clear(&e);
    Conn *c = NULL;
    int broken = 0, checked = 0, status = 0;
    if (store_acquire(s, &c, &e) < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        store_close(s);
        return 1;
    }
    /* The tenants to check (a reference table: a global read). */
    char ids[1024][40], slugs[1024][101];
    int n = 0;
    if (store_begin(c, NULL, false, &e) == 0) {
        Rows r;
        Value p[1] = {val_text(slug ? slug : "")};
        const char *sql = slug ? "SELECT id, slug FROM tenants WHERE slug = $1 OR CAST(id AS TEXT) = $1 ORDER BY slug"
                               : "SELECT id, slug FROM tenants ORDER BY slug";
        if (store_query_global(c, &r, sql, slug ? p : NULL, slug ? 1 : 0, &e) == 0) {
            while (n < 1024 && rows_next(&r)) {
                Value a = rows_get(&r, 0), b = rows_get(&r, 1);
                snprintf(ids[n], 40, "%.*s", (int)a.len, a.s);
                snprintf(slugs[n], 101, "%.*s", (int)b.len, b.s);
                n++;
            }
            rows_close(&r);
        }
        store_rollback(c);
    }
    if (slug && n == 0) {
        fprintf(stderr, "remit: no tenant %s\n", slug);
        status = 2;
    }
    for (int i = 0; i < n; i++) {
        Arena arena;
        arena_init(&arena, 0);
        Ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.arena = &arena;
        ctx.conn = c;
        ctx.now = clock_now();
        snprintf(ctx.tenant_id, sizeof ctx.tenant_id, "%.39s", ids[i]);
        json_t *res = NULL;
        int rc = store_begin(c, &ctx, false, &e);
        if (rc == 0)
            rc = audit_verify(&ctx, &res, &e);
        store_rollback(c);
        if (rc < 0) {
            fprintf(stderr, "remit: tenant %s: %s\n", slugs[i], e.message);
            status = 1;
        } else {
            json_t *fb = json_object_get(res, "first_broken");
            json_int_t rows = json_integer_value(json_object_get(res, "rows_checked"));
            checked += (int)rows;
            if (json_is_null(fb)) {
                printf("tenant %s: ok (%lld rows)\n", slugs[i], (long long)rows);
            } else {
                broken++;
                const char *id = json_string_value(json_object_get(fb, "id"));
                printf("tenant %s: BROKEN at seq %lld (audit_logs row %s): %s\n", slugs[i],
                       (long long)json_integer_value(json_object_get(fb, "seq")), id ? id : "?",
                       json_string_value(json_object_get(fb, "reason")));
            }
        }
        json_decref(res);
        arena_free(&arena);
    }
    store_release(c);
    store_close(s);
    printf("audit: %d tenant(s), %d row(s) checked, %d broken chain(s)\n", n, checked, broken);
    return broken ? 1 : status;
}
