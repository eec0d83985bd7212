/* api/http.h — one HTTP request and its response, as the handlers see them.
 *
 * The server (server.c) fills a Request, picks a handler through the router
 * (router.c) and sends what the handler put in the response part. Handlers
 * use the reply_* helpers and never touch libmicrohttpd directly.
 */
#ifndef REMIT_API_HTTP_H
#define REMIT_API_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "store/store.h"

struct MHD_Connection;
struct Server;

typedef struct Header { const char *name, *value; } Header;

typedef struct Request {
    struct Server *srv;
    struct MHD_Connection *mhd;
    Arena arena;
    const char *method;
    const char *path;
    char request_id[72];
    int64_t t0;                 /* monotonic start, microseconds */
    Buf body;
    bool body_too_large;
    Ctx ctx;
    const char *route;          /* route label for metrics: "list", "get", ... */
    /* response */
    int status;
    Buf out;
    const char *content_type;
    Header headers[12];
    int nheaders;
    bool replied;
} Request;

const char *req_header(Request *r, const char *name);
const char *req_arg(Request *r, const char *name);
/* Calls fn for every query-string argument, in order; stops at the first error. */
int  req_each_arg(Request *r, int (*fn)(Request *r, const char *k, const char *v, void *arg), void *arg);
/* Parses the body as a JSON object or answers 400 itself (then returns NULL). */
json_t *req_json_or_reply(Request *r);

void reply_header(Request *r, const char *name, const char *value);
/* Takes ownership of j. */
void reply_json(Request *r, int status, json_t *j);
/* A JSON body written straight into the response buffer (no json_t): begin empties and returns
 * it, the handler appends, end sends it with status, or a 503 when the buffer failed. */
Buf *reply_json_begin(Request *r);
void reply_json_end(Request *r, int status);
void reply_text(Request *r, int status, const char *ctype, const char *text);
void reply_bytes(Request *r, int status, const char *ctype, const void *data, size_t len);
/* {"error": {"code", "message", "field"?, "detail"?, "hint"?}} with the code's HTTP status. */
void reply_error(Request *r, const Error *e);
void reply_errorf(Request *r, ErrCode code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
