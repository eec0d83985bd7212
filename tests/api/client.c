/* tests/api/client.c — the API tests' HTTP client over libcurl (see client.h).
 * Exports http_call, http_call_ex, http_client_new, http_client_call, http_client_free,
 * http_header, http_result_free, http_global_cleanup.
 *
 * Every answer is bounded: the exchange has a time limit and the body a byte cap, so a
 * misbehaving server fails a test instead of hanging or exhausting the runner.
 *
 * Concurrency notes: libcurl's global state is set up once through pthread_once before the
 * first handle is made; each HttpClient owns one easy handle (and so one connection cache)
 * and is never shared between threads. Signals are off (CURLOPT_NOSIGNAL) so timeouts are
 * safe in threads.
 */
#include "tests/api/client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HEADERS 1000

struct HttpClient {
    CURL *curl;
};

typedef struct {
    HttpResult *res;
    size_t cap;                 /* allocated size of res->body */
    size_t max_body;
    bool too_big;
    size_t headers_cap;
    bool oom;
} Sink;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
    init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void http_global_cleanup(void)
{
    if (init_rc == CURLE_OK) {
        curl_global_cleanup();
        init_rc = CURLE_FAILED_INIT;
    }
}

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    Sink *sink = ctx;
    HttpResult *res = sink->res;
    size_t n = size * nmemb;

    if (n > sink->max_body - res->body_len) {
        sink->too_big = true;
        return 0;                       /* makes curl stop with CURLE_WRITE_ERROR */
    }
    if (res->body_len + n + 1 > sink->cap) {
        size_t cap = sink->cap ? sink->cap : 4096;
        while (cap < res->body_len + n + 1)
            cap *= 2;
        char *p = realloc(res->body, cap);
        if (!p) {
            sink->oom = true;
            return 0;
        }
        res->body = p;
        sink->cap = cap;
    }
    memcpy(res->body + res->body_len, data, n);
    res->body_len += n;
    res->body[res->body_len] = '\0';
    return n;
}

static void drop_headers(HttpResult *res)
{
    for (size_t i = 0; i < res->nheaders; i++) {
        free(res->headers[i].name);
        free(res->headers[i].value);
    }
    res->nheaders = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    Sink *sink = ctx;
    HttpResult *res = sink->res;
    size_t n = size * nmemb, len = n;

    while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
        len--;
    if (len == 0)
        return n;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        drop_headers(res);              /* a new response (after 100 Continue): start over */
        return n;
    }
    if (data[0] == ' ' || data[0] == '\t')
        return n;                       /* obsolete line folding: ignored */
    const char *colon = memchr(data, ':', len);
    if (!colon)
        return n;
    if (res->nheaders == MAX_HEADERS)
        return n;
    if (res->nheaders == sink->headers_cap) {
        size_t cap = sink->headers_cap ? sink->headers_cap * 2 : 16;
        HttpHeader *h = realloc(res->headers, cap * sizeof *h);
        if (!h) {
            sink->oom = true;
            return 0;
        }
        res->headers = h;
        sink->headers_cap = cap;
    }
    const char *v = colon + 1, *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    char *name = dup_range(data, (size_t)(colon - data));
    char *value = dup_range(v, (size_t)(end - v));
    if (!name || !value) {
        free(name);
        free(value);
        sink->oom = true;
        return 0;
    }
    res->headers[res->nheaders].name = name;
    res->headers[res->nheaders].value = value;
    res->nheaders++;
    return n;
}

static bool has_header(const char *const *headers, const char *name)
{
    size_t n = strlen(name);
    for (; headers && *headers; headers++)
        if (strncasecmp(*headers, name, n) == 0 && (*headers)[n] == ':')
            return true;
    return false;
}

HttpClient *http_client_new(void)
{
    pthread_once(&init_once, global_init);
    if (init_rc != CURLE_OK)
        return NULL;
    HttpClient *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c);
        return NULL;
    }
    return c;
}

void http_client_free(HttpClient *client)
{
    if (!client)
        return;
    curl_easy_cleanup(client->curl);
    free(client);
}

void http_result_free(HttpResult *res)
{
    if (!res)
        return;
    free(res->body);
    drop_headers(res);
    free(res->headers);
    json_decref(res->json);
    memset(res, 0, sizeof *res);
}

const char *http_header(const HttpResult *res, const char *name)
{
    for (size_t i = res->nheaders; i-- > 0;)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}

static int fail(HttpResult *out, const char *why)
{
    snprintf(out->error, sizeof out->error, "%s", why);
    return -1;
}

int http_client_call(HttpClient *client, HttpResult *out, const HttpRequest *req)
{
    struct curl_slist *list = NULL;
    char *url = NULL;
    int rc = -1;
    Sink sink = {.res = out};

    memset(out, 0, sizeof *out);
    out->body = calloc(1, 1);
    if (!out->body)
        return fail(out, "out of memory");
    sink.cap = 1;
    sink.max_body = req->max_body ? req->max_body : HTTP_MAX_BODY_DEFAULT;

    const char *path = req->path ? req->path : "/";
    bool absolute = strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0;
    if (absolute) {
        url = strdup(path);
    } else {
        const char *base = req->base ? req->base : "";
        size_t bl = strlen(base);
        while (bl > 0 && base[bl - 1] == '/')
            bl--;
        if (asprintf(&url, "%.*s%s%s", (int)bl, base, path[0] == '/' ? "" : "/", path) < 0)
            url = NULL;
    }
    if (!url) {
        fail(out, "out of memory");
        goto cleanup;
    }

    for (const char *const *h = req->headers; h && *h; h++) {
        struct curl_slist *l = curl_slist_append(list, *h);
        if (!l) {
            fail(out, "out of memory");
            goto cleanup;
        }
        list = l;
    }
    /* A POST, PUT or PATCH always says how long its body is, even when it has none. */
    const char *method = req->method ? req->method : "GET";
    const char *body = req->body;
    if (!body && (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                  strcmp(method, "PATCH") == 0))
        body = "";
    /* curl's defaults that would otherwise leak into every test request: no 100-continue
     * round trip, and no form content type (a body is JSON unless the test says otherwise) */
    const char *defaults[][2] = {
        {"Expect", "Expect:"},
        {"Content-Type", req->body ? "Content-Type: application/json" : "Content-Type:"},
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if (has_header(req->headers, defaults[i][0]))
            continue;
        struct curl_slist *l = curl_slist_append(list, defaults[i][1]);
        if (!l) {
            fail(out, "out of memory");
            goto cleanup;
        }
        list = l;
    }

    CURL *c = client->curl;
    curl_easy_reset(c);                 /* keeps the connection cache */
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");             /* never through an env proxy */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     req->timeout_ms > 0 ? req->timeout_ms : HTTP_TIMEOUT_MS_DEFAULT);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink.max_body);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "remit-api-tests");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "GET") != 0 || body)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        size_t n = req->body && req->body_len ? req->body_len : strlen(body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }

    CURLcode cc = curl_easy_perform(c);
    curl_off_t elapsed = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &elapsed);
    out->elapsed_us = (long)elapsed;
    if (sink.oom) {
        fail(out, "out of memory reading the response");
        goto cleanup;
    }
    if (sink.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(out->error, sizeof out->error, "response body exceeds %zu bytes", sink.max_body);
        goto cleanup;
    }
    if (cc != CURLE_OK) {
        fail(out, curl_easy_strerror(cc));
        goto cleanup;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);

    if (out->body_len > 0) {
        json_error_t jerr;
        out->json = json_loadb(out->body, out->body_len,
                               JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
        if (!out->json)
            snprintf(out->error, sizeof out->error, "body is not JSON: %s (line %d, column %d)",
                     jerr.text, jerr.line, jerr.column);
    }
    rc = 0;

cleanup:
    if (rc != 0)
        out->status = 0;
    curl_slist_free_all(list);
    free(url);
    return rc;
}

int http_call_ex(HttpResult *out, const HttpRequest *req)
{
    HttpClient *client = http_client_new();
    if (!client) {
        memset(out, 0, sizeof *out);
        return fail(out, "cannot initialise libcurl");
    }
    int rc = http_client_call(client, out, req);
    http_client_free(client);
    return rc;
}

int http_call(HttpResult *out, const char *base, const char *method, const char *path,
              const char *const *headers, const char *body)
{
    HttpRequest req = {
        .base = base, .method = method, .path = path, .headers = headers, .body = body,
    };
    return http_call_ex(out, &req);
}
