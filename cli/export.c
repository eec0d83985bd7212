/* cli/export.c — `remit export ubl --from D --to D --out DIR [--tenant SLUG] [--gst]`: every
 * finalized invoice and issued credit note dated in [from, to] (inclusive), of every tenant or of
 * one, written as UBL 2.1 (EN 16931 / Peppol BIS 3.0) files, or with --gst as India's GST
 * e-invoice JSON. Exports cmd_export.
 *
 * Files are DIR/<tenant slug>/<document number>.xml (slashes of the number become dashes). A
 * document that lacks business terms is not written: its problems go to stderr, one line each, the
 * others are still exported, and the exit status is 1. Each tenant is read in one read-only
 * transaction, so its export is one consistent snapshot on SQLite.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/date.h"
#include "domain/einvoice_export.h"

static int usage(void)
{
    fprintf(stderr, "usage: remit export ubl --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--tenant SLUG] [--gst]\n");
    return 2;
}

typedef struct Totals {
    int written, refused, failed;
} Totals;

static void print_problems(const char *slug, const char *number, json_t *problems)
{
    json_t *list = json_object_get(json_object_get(problems, "error"), "problems");
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p)
    {
        const char *where = json_string_value(json_object_get(p, "where"));
        const char *field = json_string_value(json_object_get(p, "field"));
        fprintf(stderr, "  %s %s: %s [%s%s%s%s%s]\n", slug, number, json_string_value(json_object_get(p, "message")),
                json_string_value(json_object_get(p, "rule")), where ? ", " : "", where ? where : "",
                field ? ", fill " : "", field ? field : "");
    }
}

/* Exports the documents of one table in the open transaction. */
static void export_table(Ctx *ctx, const char *table, const char *from, const char *to, const char *dir,
                         const char *slug, bool gst, Totals *t)
{
    bool cn = strcmp(table, "credit_notes") == 0;
    const char *sql = cn ? "SELECT id FROM credit_notes WHERE tenant_id = $1 AND credit_note_date >= $2 AND "
                           "credit_note_date <= $3 AND status IN ('issued', 'applied') ORDER BY credit_note_number"
                         : "SELECT id FROM invoices WHERE tenant_id = $1 AND invoice_date >= $2 AND invoice_date <= $3 "
                           "AND status NOT IN ('draft', 'cancelled') ORDER BY invoice_number";
    Value p[2] = {val_text(from), val_text(to)};
    Rows r;
    Error e;
    if (store_query(ctx->conn, &r, sql, p, 2, &e) < 0) {
        fprintf(stderr, "remit: %s %s: %s\n", slug, table, e.message);
        t->failed++;
        return;
    }
    char ids[4096][40];
    int n = 0;
    while (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        if (n < 4096)
            snprintf(ids[n++], 40, "%.*s", (int)v.len, v.s);
    }
    if (rows_error(&r, &e) < 0) {
        fprintf(stderr, "remit: %s %s: %s\n", slug, table, e.message);
        t->failed++;
    }
    rows_close(&r);
    for (int i = 0; i < n; i++) {
        Buf b;
        buf_init(&b, 16u << 20);
        EinvExport ex;
        int rc = gst ? einvoice_export_gst(ctx, table, ids[i], &b, &ex, &e)
                     : einvoice_export_ubl(ctx, table, ids[i], &b, &ex, &e);
        if (rc == -ERR_INVALID && ex.problems) {
            fprintf(stderr, "remit: %s %s not exported:\n", cn ? "credit note" : "invoice", ex.number ? ex.number : ids[i]);
            print_problems(slug, ex.number ? ex.number : ids[i], ex.problems);
            json_decref(ex.problems);
            t->refused++;
        } else if (rc < 0) {
            fprintf(stderr, "remit: %s %s: %s\n", slug, ex.number ? ex.number : ids[i], e.message);
            t->failed++;
        } else {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, ex.filename);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
                fprintf(stderr, "remit: cannot write %s: %s\n", path, strerror(errno));
                t->failed++;
            } else {
                t->written++;
            }
        }
        buf_free(&b);
    }
    if (n == 4096)
        fprintf(stderr, "remit: %s: more than 4096 %s in the range; export a shorter range\n", slug, table);
}

int cmd_export(const CliOpts *o)
{
    const char *from = NULL, *to = NULL, *out = NULL, *slug = NULL;
    bool gst = false;
    if (o->nrest < 1 || strcmp(o->rest[0], "ubl") != 0)
        return usage();
    for (int i = 1; i < o->nrest; i++) {
        const char *a = o->rest[i], *v = i + 1 < o->nrest ? o->rest[i + 1] : NULL;
        if (strcmp(a, "--gst") == 0) {
            gst = true;
            continue;
        }
        const char **slot = strcmp(a, "--from") == 0 ? &from : strcmp(a, "--to") == 0 ? &to
                            : strcmp(a, "--out") == 0 ? &out : strcmp(a, "--tenant") == 0 ? &slug : NULL;
        if (!slot || !v)
            return usage();
        *slot = v;
        i++;
    }
    Date df, dt;
    Error e;
    if (!from || !to || !out)
        return usage();
    if (date_parse(&df, from, strlen(from), "--from", &e) < 0 || date_parse(&dt, to, strlen(to), "--to", &e) < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        return 2;
    }
    if (dt < df) {
        fprintf(stderr, "remit: --to is before --from\n");
        return 2;
    }
    if (mkdir(out, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "remit: cannot create %s: %s\n", out, strerror(errno));
        return 1;
    }
    Store *s = NULL;
    if (cli_open(o, &s, 2) < 0)
        return 1;
    Conn *c = NULL;
    if (store_acquire(s, &c, &e) < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        store_close(s);
        return 1;
    }
    /* The tenants (a reference table: a global read). */
    static char ids[1024][40], slugs[1024][101], curs[1024][4], tzs[1024][64];
    int n = 0, status = 0;
    if (store_begin(c, NULL, false, &e) == 0) {
        Rows r;
        Value p[1] = {val_text(slug ? slug : "")};
        const char *sql = slug ? "SELECT id, slug, base_currency, timezone FROM tenants WHERE slug = $1"
                               : "SELECT id, slug, base_currency, timezone FROM tenants ORDER BY slug";
        if (store_query_global(c, &r, sql, slug ? p : NULL, slug ? 1 : 0, &e) == 0) {
            while (n < 1024 && rows_next(&r)) {
                Value v[4] = {rows_get(&r, 0), rows_get(&r, 1), rows_get(&r, 2), rows_get(&r, 3)};
                snprintf(ids[n], 40, "%.*s", (int)v[0].len, v[0].s);
                snprintf(slugs[n], 101, "%.*s", (int)v[1].len, v[1].s);
                snprintf(curs[n], 4, "%.*s", (int)v[2].len, v[2].s ? v[2].s : "");
                snprintf(tzs[n], 64, "%.*s", (int)v[3].len, v[3].s ? v[3].s : "");
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
    Totals t = {0};
    for (int i = 0; i < n; i++) {
        char dir[4096];
        if (snprintf(dir, sizeof dir, "%s/%.100s", out, slugs[i]) >= (int)sizeof dir) {
            fprintf(stderr, "remit: the output path is too long\n");
            status = 2;
            break;
        }
        Arena arena;
        arena_init(&arena, 0);
        Ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.arena = &arena;
        ctx.conn = c;
        ctx.now = clock_now();
        ctx.currency = curs[i][0] ? curs[i] : NULL;
        ctx.timezone = tzs[i][0] ? tzs[i] : NULL;
        ctx.role = ROLE_ADMIN;
        snprintf(ctx.tenant_id, sizeof ctx.tenant_id, "%.39s", ids[i]);
        Totals before = t;
        if (store_begin(c, &ctx, false, &e) < 0) {
            fprintf(stderr, "remit: tenant %s: %s\n", slugs[i], e.message);
            t.failed++;
        } else if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            fprintf(stderr, "remit: cannot create %s: %s\n", dir, strerror(errno));
            t.failed++;
            store_rollback(c);
        } else {
            export_table(&ctx, "invoices", from, to, dir, slugs[i], gst, &t);
            export_table(&ctx, "credit_notes", from, to, dir, slugs[i], gst, &t);
            store_rollback(c);
            if (t.written == before.written)
                rmdir(dir);   /* nothing for this tenant: no empty folder */
        }
        arena_free(&arena);
    }
    store_release(c);
    store_close(s);
    printf("export: %d document(s) written to %s, %d refused for missing data, %d failed\n", t.written, out,
           t.refused, t.failed);
    return t.refused || t.failed ? 1 : status;
}
