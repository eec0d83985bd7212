/* domain/export.c — the privacy export: all of a tenant's data as one JSON
 * archive. Exports export_init, which registers
 *   GET /api/v1/tenant/export   (admins; permission tenant.export)
 * answering
 *   {"format": "remit-export-1", "exported_at": "...", "tenant": {...},
 *    "tables": {"<table>": [rows...], ...}}
 * with a key for EVERY tenant table of the registry (enumerated with
 * registry_at, so a new table is exported without touching this file),
 * internal ones included (sessions, tokens, outbox), soft-deleted rows
 * included with their deleted_at — all but idempotency_keys: that table is a
 * cache of recent responses, not the tenant's data, and a cached response can
 * hold a secret shown only once (a new API key's "key"). Leaving the table out
 * is safer than redacting responses, whose content no field type describes. Rows are the stored values
 * in the API's JSON forms (money and decimals as strings), without
 * decoration, ordered by id. SECRET fields (password and token hashes,
 * encrypted setting values) are never written.
 *
 * The archive is built in a capped buffer (REMIT_EXPORT_MAX bytes, default
 * 32 MiB); a larger tenant gets a 413 naming the cap rather than a server
 * that runs out of memory. Rows are decoded in a scratch arena released
 * every few hundred rows, so memory stays at the archive plus a batch.
 *
 * Consistency: the export runs in the request's read transaction. On SQLite
 * that is one snapshot of every table; on PostgreSQL (read committed) each
 * table is read at its own statement's snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/log.h"
#include "domain/domain.h"
#include "model/codec.h"
#include "model/crud.h"

#define EXPORT_MAX_DEFAULT ((size_t)32 << 20)
#define BATCH 256

static size_t export_max = EXPORT_MAX_DEFAULT;

/* A row as JSON: every field but SECRET ones, deleted_at included. */
static json_t *row_object(Ctx *ctx, const Row *row)
{
    json_t *o = json_object();
    const Table *t = row->t;
    for (int c = 0; o && c < t->nfields; c++)
        if (!(t->fields[c].flags & SECRET))
            json_object_set_new(o, t->fields[c].name, codec_value_json(ctx, row, c));
    return o;
}

static bool put_json(Buf *b, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    bool ok = s && buf_puts(b, s);
    free(s);
    return ok;
}

static int too_large(Error *err)
{
    int rc = err_set(err, ERR_TOO_LARGE, NULL, "the export is larger than %zu MiB", export_max >> 20);
    err_hint(err, "the server's REMIT_EXPORT_MAX sets the cap");
    return rc;
}

static int export_table(Ctx *ctx, const Table *t, Buf *b, int64_t *rows, Error *err)
{
    char *sql = arena_printf(ctx->arena, "SELECT %s FROM %s WHERE tenant_id = $1 ORDER BY id", t->select_list,
                             t->name);
    if (!sql)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    Arena scratch;
    arena_init(&scratch, 0);
    Ctx sc = *ctx;
    sc.arena = &scratch;
    buf_json_str(b, t->name, strlen(t->name));
    buf_puts(b, ":[");
    int n = 0;
    while (rc == 0 && rows_next(&r)) {
        Row row;
        if (codec_from_rows(&sc, t, &r, &row) < 0) {
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
            break;
        }
        json_t *o = row_object(&sc, &row);
        if (n++)
            buf_putc(b, ',');
        if (!put_json(b, o))
            rc = b->failed ? too_large(err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        json_decref(o);
        if (n % BATCH == 0)
            arena_free(&scratch);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    arena_free(&scratch);
    buf_putc(b, ']');
    *rows += n;
    return rc;
}

static int tenant_export(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const Table *tt = registry_find("tenants");
    Row tenant;
    int rc = crud_get(ctx, tt, ctx->tenant_id, false, &tenant, err);
    if (rc < 0)
        return rc;
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    Buf b;
    buf_init(&b, export_max);
    buf_puts(&b, "{\"format\":\"remit-export-1\",\"exported_at\":");
    buf_json_str(&b, now, strlen(now));
    buf_puts(&b, ",\"tenant\":");
    json_t *to = row_object(ctx, &tenant);
    bool ok = put_json(&b, to);
    json_decref(to);
    if (!ok)
        rc = b.failed ? too_large(err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    buf_puts(&b, ",\"tables\":{");
    int ntables = 0;
    int64_t nrows = 0;
    for (int i = 0; rc == 0 && i < registry_count(); i++) {
        const Table *t = registry_at(i);
        if (table_is_global(t) || strcmp(t->name, "idempotency_keys") == 0)   /* a cache; see the banner */
            continue;
        if (ntables++)
            buf_putc(&b, ',');
        rc = export_table(ctx, t, &b, &nrows, err);
    }
    buf_puts(&b, "}}");
    if (rc == 0 && b.failed)
        rc = too_large(err);
    if (rc == 0) {
        char *bytes = arena_alloc(ctx->arena, b.len + 1);
        if (!bytes) {
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        } else {
            memcpy(bytes, b.data, b.len);
            out->bytes = bytes;
            out->nbytes = b.len;
            out->content_type = "application/json";
            const char *slug = row_text(&tenant, "slug");
            out->filename = arena_printf(ctx->arena, "remit-export-%s-%.10s.json", slug ? slug : "tenant", now);
            char sz[32], nt[16], nr[24];
            snprintf(sz, sizeof sz, "%zu", b.len);
            snprintf(nt, sizeof nt, "%d", ntables);
            snprintf(nr, sizeof nr, "%lld", (long long)nrows);
            log_event(LOG_INFO, ctx->request_id, "tenant export", "tenant_id", ctx->tenant_id, "user_id", ctx->user_id,
                      "bytes", sz, "tables", nt, "rows", nr, NULL);
        }
    }
    buf_free(&b);
    return rc;
}

static const Endpoint endpoint = {
    .method = "GET", .path = "tenant/export", .role = ROLE_ADMIN, .permission = "tenant.export",
    .run = tenant_export,
    .doc = "All of the tenant's data as one JSON archive (every table; secrets left out)",
};

void export_init(void)
{
    const char *e = getenv("REMIT_EXPORT_MAX");
    long long v = e ? strtoll(e, NULL, 10) : 0;
    if (v >= 4096)
        export_max = (size_t)v;
    registry_add_endpoint(&endpoint);
}
