/* api/resources.c — the generic REST endpoints of every registry table:
 *   GET    /api/v1/<t>                 list (filters, order, limit, cursor)
 *   POST   /api/v1/<t>                 create (201, Location, ETag)
 *   GET    /api/v1/<t>/{id}            get (ETag: "<version>")
 *   PATCH  /api/v1/<t>/{id}            update (If-Match: "<version>" -> 412 if stale)
 *   DELETE /api/v1/<t>/{id}            delete (soft where declared); 204
 *   POST   /api/v1/<t>/{id}/<verb>     an action; GET for read actions (pdf)
 *   POST   /api/v1/<t>/<verb>          a collection action
 *   /api/v1/<t>/{id}/<sub>[/{sid}]     a sub-resource owned by the row
 * Exports handle_resource. Runs inside the transaction router.c opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "api/server.h"
#include "core/id.h"
#include "domain/domain.h"
#include "model/codec.h"
#include "model/crud.h"
#include "model/perm.h"

static void not_allowed(Request *r, const char *allow)
{
    reply_header(r, "Allow", allow);
    reply_errorf(r, ERR_METHOD, NULL, "%s is not allowed here", r->method);
}

static bool is_id(const char *s)
{
    return uuid_valid(s, strlen(s));
}

static void etag(Request *r, const Row *row)
{
    char tag[32];
    snprintf(tag, sizeof tag, "\"%lld\"", (long long)row->v[row->t->col_version].i);
    reply_header(r, "ETag", tag);
}

static void reply_row(Request *r, int status, const Row *row)
{
    if (codec_write_json(&r->ctx, row, reply_json_begin(r)) < 0) {
        reply_errorf(r, ERR_UNAVAILABLE, NULL, "out of memory");
        return;
    }
    etag(r, row);
    reply_json_end(r, status);
}

/* If-Match: "3", 3, W/"3" or *; absent = -1 (no precondition). */
static int if_match(Request *r, int64_t *out)
{
    *out = -1;
    const char *h = req_header(r, "If-Match");
    if (!h || strcmp(h, "*") == 0)
        return 0;
    if (strncmp(h, "W/", 2) == 0)
        h += 2;
    char buf[32];
    size_t n = strlen(h);
    if (n >= 2 && h[0] == '"' && h[n - 1] == '"') {
        if (n - 2 >= sizeof buf)
            return -1;
        memcpy(buf, h + 1, n - 2);
        buf[n - 2] = '\0';
    } else {
        if (n >= sizeof buf)
            return -1;
        memcpy(buf, h, n + 1);
    }
    char *end = NULL;
    long long v = strtoll(buf, &end, 10);
    if (!buf[0] || *end || v < 0)
        return -1;
    *out = v;
    return 0;
}

typedef struct ListArgs { ListQuery *q; const Table *t; Error *e; } ListArgs;

static int on_arg(Request *r, const char *k, const char *v, void *arg)
{
    ListArgs *la = arg;
    return list_query_arg(&r->ctx, la->q, la->t, k, v, la->e);
}

typedef struct ListOut { Buf *b; int rows; } ListOut;

/* Appends one row of a list to the response, comma-separated. */
static int write_row(Ctx *ctx, const Row *row, void *arg)
{
    ListOut *lo = arg;
    if (lo->rows++)
        buf_putc(lo->b, ',');
    return codec_write_json(ctx, row, lo->b);
}

static void list(Request *r, const Table *t, const char *parent_id)
{
    Error e;
    ListQuery q;
    list_query_init(&q, t, &e);
    q.parent_id = parent_id;
    ListArgs la = {&q, t, &e};
    if (req_each_arg(r, on_arg, &la) < 0 || list_query_finish(&r->ctx, &q, t, &e) < 0) {
        reply_error(r, &e);
        return;
    }
    if (parent_id) {   /* the owner must exist (and be the caller's) */
        Row p;
        if (crud_get(&r->ctx, t->parent, parent_id, false, &p, &e) < 0) {
            reply_error(r, &e);
            return;
        }
    }
    /* {"data": [...], "next_cursor": "..." | null}, rows written as they are read */
    const char *next = NULL;
    Buf *b = reply_json_begin(r);
    ListOut lo = {b, 0};
    buf_puts(b, "{\"data\":[");
    err_clear(&e);
    if (crud_list_rows(&r->ctx, t, &q, write_row, &lo, &next, &e) < 0) {
        if (e.code == ERR_OK)
            err_set(&e, ERR_UNAVAILABLE, NULL, "out of memory");
        reply_error(r, &e);
        return;
    }
    buf_puts(b, "],\"next_cursor\":");
    if (next)
        buf_json_str(b, next, strlen(next));
    else
        buf_puts(b, "null");
    buf_putc(b, '}');
    reply_json_end(r, 200);
}

static void create(Request *r, const Table *t, const char *parent_id)
{
    if (t->res->no_create) {
        not_allowed(r, "GET");
        return;
    }
    json_t *body = req_json_or_reply(r);
    if (!body)
        return;
    Error e;
    err_clear(&e);
    Row row;
    int rc = subscription_check_limit(&r->ctx, t->name, &e);
    if (rc == 0)
        rc = crud_create(&r->ctx, t, body, parent_id, &row, &e);
    json_decref(body);
    if (rc < 0) {
        reply_error(r, &e);
        return;
    }
    char loc[512];
    Value id = row.v[t->col_id];
    if (parent_id)
        snprintf(loc, sizeof loc, "/api/v1/%s/%s/%s/%s", t->parent->name, parent_id, t->segment, id.s);
    else
        snprintf(loc, sizeof loc, "/api/v1/%s/%s", t->name, id.s);
    reply_header(r, "Location", loc);
    json_t *o = codec_to_json(&r->ctx, &row);
    if (!o) {
        reply_errorf(r, ERR_UNAVAILABLE, NULL, "out of memory");
        return;
    }
    if (r->ctx.reply_extra) {   /* shown once: e.g. a new API key's secret */
        json_object_update(o, (json_t *)r->ctx.reply_extra);
        json_decref((json_t *)r->ctx.reply_extra);
        r->ctx.reply_extra = NULL;
    }
    etag(r, &row);
    reply_json(r, 201, o);
}

static void item(Request *r, const Table *t, const char *id, const char *parent_id)
{
    Error e;
    err_clear(&e);
    Row row;
    if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) {
        if (crud_get(&r->ctx, t, id, false, &row, &e) < 0)
            reply_error(r, &e);
        else if (parent_id && strcmp(row_text(&row, t->fields[t->parent_col].name) ?: "", parent_id) != 0)
            reply_errorf(r, ERR_NOT_FOUND, NULL, "no such %s", t->name);
        else
            reply_row(r, 200, &row);
        return;
    }
    int64_t match;
    if (if_match(r, &match) < 0) {
        reply_errorf(r, ERR_MALFORMED, "If-Match", "If-Match must be a version such as \"3\"");
        return;
    }
    if (strcmp(r->method, "PATCH") == 0 && !t->res->no_update) {
        json_t *body = req_json_or_reply(r);
        if (!body)
            return;
        int rc = crud_update(&r->ctx, t, id, body, match, parent_id, &row, &e);
        json_decref(body);
        if (rc < 0)
            reply_error(r, &e);
        else
            reply_row(r, 200, &row);
        return;
    }
    if (strcmp(r->method, "DELETE") == 0 && !t->res->no_delete) {
        if (crud_delete(&r->ctx, t, id, match, parent_id, &e) < 0)
            reply_error(r, &e);
        else
            reply_bytes(r, 204, NULL, "", 0);
        return;
    }
    not_allowed(r, t->res->no_update ? (t->res->no_delete ? "GET" : "GET, DELETE")
                                     : (t->res->no_delete ? "GET, PATCH" : "GET, PATCH, DELETE"));
}

static const char *arg_of(void *req, const char *name)
{
    return req_arg((Request *)req, name);
}

/* Runs an action or endpoint: builds its input, replies with its result. */
void run_action(Request *r, const char *method, bool raw_body, const char *id, const char *const *params, int np,
                const Table *t, const Action *a, const Endpoint *ep)
{
    json_t *body = NULL;
    ActionIn in = {.id = id, .arg = arg_of, .req = r};
    for (int i = 0; i < np && i < 4; i++)
        in.params[i] = params[i];
    in.nparams = np;
    if (strcmp(method, "POST") == 0) {
        if (raw_body) {
            in.raw = (const unsigned char *)r->body.data;
            in.raw_len = r->body.len;
            in.content_type = req_header(r, "Content-Type");
        } else if (r->body.len == 0) {
            body = json_object();
        } else {
            body = req_json_or_reply(r);
            if (!body)
                return;
        }
    }
    in.body = body;
    ActionResult out = {.status = 200};
    Error e;
    err_clear(&e);
    int rc = a ? a->run(&r->ctx, t, &in, &out, &e) : ep->run(&r->ctx, &in, &out, &e);
    json_decref(body);
    if (rc < 0) {
        json_decref(out.json);
        reply_error(r, &e);
        return;
    }
    if (out.filename) {
        char cd[300];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", out.filename);
        reply_header(r, "Content-Disposition", cd);
    }
    if (out.json)
        reply_json(r, out.status, out.json);
    else
        reply_bytes(r, out.status, out.content_type ? out.content_type : "application/octet-stream", out.bytes,
                    out.nbytes);
}

static void action(Request *r, const Table *t, const Action *a, const char *id)
{
    if (strcmp(r->method, a->method) != 0 && !(strcmp(a->method, "GET") == 0 && strcmp(r->method, "HEAD") == 0)) {
        not_allowed(r, a->method);
        return;
    }
    if (!perm_allows_action(&r->ctx, t, a)) {
        reply_errorf(r, ERR_FORBIDDEN, NULL, "your role does not allow %s on %s", a->verb, t->name);
        return;
    }
    run_action(r, a->method, a->raw_body, id, NULL, 0, t, a, NULL);
}

void handle_resource(Request *r, const char *const *seg, int nseg)
{
    const Table *t = registry_find(seg[0]);
    if (!t || t->res->internal || t->parent) {
        reply_errorf(r, ERR_NOT_FOUND, NULL, "no such endpoint: %s", seg[0]);
        return;
    }
    bool read = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (nseg == 2 && !is_id(seg[1])) {   /* collection action */
        const Action *a = table_find_action(t, seg[1], strlen(seg[1]), true);
        if (a)
            action(r, t, a, NULL);
        else
            reply_errorf(r, ERR_NOT_FOUND, NULL, "no such %s", t->name);
        return;
    }
    if (nseg >= 3) {
        const Action *a = nseg == 3 ? table_find_action(t, seg[2], strlen(seg[2]), false) : NULL;
        if (a) {
            action(r, t, a, seg[1]);
            return;
        }
        const Table *sub = table_find_child(t, seg[2]);
        if (!sub || nseg > 4 || (nseg == 4 && !is_id(seg[3]))) {
            reply_errorf(r, ERR_NOT_FOUND, NULL, "no such endpoint");
            return;
        }
        /* Sub-resource: the owner's permission covers the lines. */
        if (!perm_allows(&r->ctx, sub, !read)) {
            reply_errorf(r, ERR_FORBIDDEN, NULL, "your role does not allow %s %s", read ? "reading" : "changing",
                         sub->name);
            return;
        }
        if (nseg == 3) {
            if (read)
                list(r, sub, seg[1]);
            else if (strcmp(r->method, "POST") == 0)
                create(r, sub, seg[1]);
            else
                not_allowed(r, "GET, POST");
        } else {
            item(r, sub, seg[3], seg[1]);
        }
        return;
    }
    if (!perm_allows(&r->ctx, t, !read)) {
        reply_errorf(r, ERR_FORBIDDEN, NULL, "your role does not allow %s %s", read ? "reading" : "changing", t->name);
        return;
    }
    if (nseg == 1) {
        if (read)
            list(r, t, NULL);
        else if (strcmp(r->method, "POST") == 0)
            create(r, t, NULL);
        else
            not_allowed(r, t->res->no_create ? "GET" : "GET, POST");
        return;
    }
    item(r, t, seg[1], NULL);
}
