/* tests/api/client.h — a small HTTP client for API tests (libcurl + jansson).
 *
 * One call sends one request and collects the whole answer: status, body (capped), the body
 * parsed as JSON when it is JSON, and the response headers. A request that got an answer,
 * whatever its status, returns 0; a transport failure (refused, timeout, body over the cap)
 * returns -1 with out->error set. Always release a result with http_result_free().
 *
 *     HttpResult r;
 *     const char *hdrs[] = {"Authorization: Bearer abc", NULL};
 *     if (http_call(&r, "http://127.0.0.1:8080", "POST", "/api/v1/customers", hdrs,
 *                   "{\"name\": \"Acme\"}") == 0 && r.status == 201)
 *         puts(json_string_value(json_object_get(r.json, "id")));
 *     http_result_free(&r);
 *
 * Concurrency notes: http_call and http_call_ex may be called from many threads at once
 * (libcurl is initialised once, on first use). An HttpClient keeps one connection alive
 * between calls and must be used by one thread at a time; give each thread its own.
 */
#ifndef REMIT_TESTS_API_CLIENT_H
#define REMIT_TESTS_API_CLIENT_H

#include <jansson.h>
#include <stddef.h>

#define HTTP_TIMEOUT_MS_DEFAULT 30000L
#define HTTP_MAX_BODY_DEFAULT   ((size_t)64 << 20)   /* 64 MiB */

typedef struct {
    char *name;                 /* as the server spelt it */
    char *value;                /* leading and trailing blanks removed */
} HttpHeader;

typedef struct {
    long status;                /* 0 when no response was received */
    char *body;                 /* always NUL-terminated (also when empty); body_len bytes */
    size_t body_len;
    json_t *json;               /* the body parsed as JSON, or NULL (not JSON, or empty) */
    HttpHeader *headers;        /* headers of the final response, in order */
    size_t nheaders;
    long elapsed_us;            /* total time of the exchange */
    char error[256];            /* transport error, or why json is NULL for a non-empty body */
} HttpResult;

typedef struct {
    const char *base;           /* "http://127.0.0.1:8080"; ignored when path is an absolute URL */
    const char *method;         /* "GET", "POST", ...; NULL means GET */
    const char *path;           /* "/api/v1/customers?limit=5", or "http://host/..." */
    const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL.
                                 * "Name:" with nothing after removes a default header. */
    const char *body;           /* NULL: no body */
    size_t body_len;            /* 0 with a body: strlen(body) */
    long timeout_ms;            /* whole exchange; 0: HTTP_TIMEOUT_MS_DEFAULT */
    size_t max_body;            /* response body cap; 0: HTTP_MAX_BODY_DEFAULT */
} HttpRequest;

typedef struct HttpClient HttpClient;

/* One request with its own connection. A body without a Content-Type header is sent as
 * application/json. Returns 0 when a response arrived, -1 otherwise (see out->error). */
int http_call(HttpResult *out, const char *base, const char *method, const char *path,
              const char *const *headers, const char *body);
int http_call_ex(HttpResult *out, const HttpRequest *req);

/* A client reuses its connection between calls (keep-alive). One thread at a time. */
HttpClient *http_client_new(void);
int http_client_call(HttpClient *client, HttpResult *out, const HttpRequest *req);
void http_client_free(HttpClient *client);

/* The last response header with this name (case-insensitive), or NULL. */
const char *http_header(const HttpResult *res, const char *name);

/* Frees what the result holds and zeroes it; safe on a zeroed or already freed result. */
void http_result_free(HttpResult *res);

/* Optional: release libcurl's global state at exit (keeps leak checkers quiet). Call it
 * once, after every other thread has finished using the client. */
void http_global_cleanup(void);

#endif
