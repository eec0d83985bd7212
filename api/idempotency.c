/* api/idempotency.c — Idempotency-Key on POST.
 * Exports idem_begin, idem_store.
 *
 * The key's row is inserted in the request's own write transaction, before
 * the handler runs, and the response is saved in the same transaction: the
 * effect and the record of it commit together, or neither does. A concurrent
 * request with the same key waits on the key's unique index (PostgreSQL) or on
 * the writer lock (SQLite) until the first commits, then replays its response;
 * if the first failed and rolled back, the second simply runs. The same key
 * with another method, path, query string, body or caller is a 409: the
 * request's fingerprint names who sends it (the user, or the API key), so a
 * replay never shows one caller's response — an API key's secret, say — to
 * another who could not have made the request, and ?dry_run=true is not
 * answered for the real run. A replay is the first response
 * whole: status, body, content type and the headers that describe the result
 * (Location, ETag, Content-Disposition), plus Idempotent-Replayed: true.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/router.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/id.h"

static int hash_arg(Request *r, const char *k, const char *v, void *arg)
{
    (void)r;
    buf_printf((Buf *)arg, "%s%s%s\n", k, v ? "=" : "", v ? v : "");
    return 0;
}

/* The caller, the request line with its query arguments in order, then the body. */
static void request_hash(Request *r, const char *caller, char out[65])
{
    Buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s\n%s %s\n", caller, r->method, r->path);
    req_each_arg(r, hash_arg, &b);
    buf_append(&b, "\n", 1);
    buf_append(&b, r->body.data ? r->body.data : "", r->body.len);
    id_sha256_hex(out, buf_cstr(&b), b.len);
    buf_free(&b);
}

static bool key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 255)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] < 0x21 || (unsigned char)k[i] > 0x7e)
            return false;
    return true;
}

bool idem_begin(Request *r, const char *key, const char *caller, bool *owned)
{
    Error e;
    *owned = false;
    if (!key_ok(key)) {
        reply_errorf(r, ERR_MALFORMED, "Idempotency-Key", "Idempotency-Key must be 1 to 255 printable characters");
        return true;
    }
    char hash[65], id[40], ts[40];
    request_hash(r, caller, hash);
    uuid_v7_str(id);
    ts_format(ts, sizeof ts, r->ctx.now);
    Value p[7] = {val_text(id), val_text(key), val_text(r->method), val_text(r->path), val_text(hash), val_text(ts),
                  val_text(r->ctx.user_id)};
    int64_t changes = 0;
    int rc = store_exec(r->ctx.conn,
                        "INSERT INTO idempotency_keys (tenant_id, id, idempotency_key, method, path, request_hash,"
                        " status, version, created_by, created_at, updated_at)"
                        " VALUES ($1, $2, $3, $4, $5, $6, 0, 1, $8, $7, $7)"
                        " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING",
                        p, 7, &changes, &e);
    if (rc < 0) {
        reply_error(r, &e);
        return true;
    }
    if (changes == 1) {
        *owned = true;
        return false;
    }
    Rows rows;
    Value q[1] = {val_text(key)};
    rc = store_query(r->ctx.conn, &rows,
                     "SELECT request_hash, status, response, content_type, response_headers FROM idempotency_keys"
                     " WHERE tenant_id = $1 AND idempotency_key = $2",
                     q, 1, &e);
    if (rc < 0) {
        reply_error(r, &e);
        return true;
    }
    if (!rows_next(&rows)) {
        rows_close(&rows);
        reply_errorf(r, ERR_CONFLICT, "Idempotency-Key", "the request with this Idempotency-Key is still running");
        return true;
    }
    Value h = rows_get(&rows, 0), st = rows_get(&rows, 1), body = rows_get(&rows, 2), ct = rows_get(&rows, 3);
    if (h.kind != V_TEXT || h.len != 64 || memcmp(h.s, hash, 64) != 0) {
        rows_close(&rows);
        reply_errorf(r, ERR_IDEMPOTENCY, "Idempotency-Key",
                     "this Idempotency-Key was used with a different request; use a new key");
        return true;
    }
    if (st.i == 0) {
        rows_close(&rows);
        reply_errorf(r, ERR_CONFLICT, "Idempotency-Key", "the request with this Idempotency-Key is still running");
        return true;
    }
    const char *ctype = ct.kind == V_TEXT ? arena_strndup(&r->arena, ct.s, ct.len) : NULL;
    reply_bytes(r, (int)st.i, ctype, body.kind == V_TEXT ? body.s : "", body.kind == V_TEXT ? body.len : 0);
    Value hv = rows_get(&rows, 4);
    json_t *hdrs = hv.kind == V_TEXT ? json_loadb(hv.s, hv.len, 0, NULL) : NULL;
    const char *name;
    json_t *value;
    json_object_foreach(hdrs, name, value) {
        if (json_is_string(value))
            reply_header(r, arena_strdup(&r->arena, name), json_string_value(value));
    }
    json_decref(hdrs);
    rows_close(&rows);
    reply_header(r, "Idempotent-Replayed", "true");
    return true;
}

int idem_store(Request *r, const char *key, Error *err)
{
    static const char *const kept[] = {"Location", "ETag", "Content-Disposition"};
    json_t *hdrs = json_object();
    for (int i = 0; i < r->nheaders; i++)
        for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++)
            if (strcasecmp(r->headers[i].name, kept[k]) == 0)
                json_object_set_new(hdrs, kept[k], json_string(r->headers[i].value));
    char *htxt = json_object_size(hdrs) ? json_dumps(hdrs, JSON_COMPACT) : NULL;
    json_decref(hdrs);
    Value p[5] = {val_int(r->status), val_textn(buf_cstr(&r->out), r->out.len), val_text(r->content_type),
                  val_text(key), val_text(htxt)};
    int rc = store_exec(r->ctx.conn,
                        "UPDATE idempotency_keys SET status = $2, response = $3, content_type = $4,"
                        " response_headers = $6 WHERE tenant_id = $1 AND idempotency_key = $5",
                        p, 5, NULL, err);
    free(htxt);
    return rc;
}
