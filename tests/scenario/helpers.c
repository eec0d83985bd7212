/* tests/scenario/helpers.c — see helpers.h. */
#include "tests/scenario/helpers.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *t_env(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "";
}

const char *t_base(void)
{
    const char *b = getenv("REMIT_TEST_BASE");
    cr_assert(b && *b, "REMIT_TEST_BASE is not set (run through scripts/api-suite.sh)");
    return b;
}

static char cur_ip[64];
static int ip_seq;

void t_next_ip(void)
{
    cur_ip[0] = 0;
    ip_seq++;
}

const char *t_ip(void)
{
    if (!cur_ip[0]) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(cur_ip, sizeof cur_ip, "10.%d.%d.%d", (int)(getpid() % 250), (int)((ts.tv_nsec / 1000 + ip_seq) % 250),
                 (int)((ts.tv_sec + ip_seq * 7) % 250));
    }
    return cur_ip;
}

long t_req(HttpResult *res, const char *token, const char *method, const char *path, const char *body)
{
    char auth[600], ip[100];
    const char *hdrs[3] = {NULL, NULL, NULL};
    int n = 0;
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t_ip());
    hdrs[n++] = ip;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdrs[n++] = auth;
    }
    memset(res, 0, sizeof *res);
    int rc = http_call(res, t_base(), method, path, hdrs, body);
    cr_assert_eq(rc, 0, "%s %s: %s", method, path, res->error);
    return res->status;
}

long t_reqf(HttpResult *res, const char *token, const char *method, const char *body, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return t_req(res, token, method, path, body);
}

void t_signup(TestTenant *out, const char *email)
{
    static int seq;
    memset(out, 0, sizeof *out);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char name[96];
    snprintf(name, sizeof name, "T %d %ld %ld %d", (int)getpid(), (long)ts.tv_sec, ts.tv_nsec, ++seq);
    if (email)
        snprintf(out->email, sizeof out->email, "%s", email);
    else
        snprintf(out->email, sizeof out->email, "u%d.%ld.%ld.%d@test.example", (int)getpid(), (long)ts.tv_sec,
                 ts.tv_nsec, seq);
    snprintf(out->password, sizeof out->password, "correct horse %d", seq);
    json_t *b = json_pack("{s:s, s:s, s:s}", "tenant_name", name, "email", out->email, "password", out->password);
    char *body = json_dumps(b, 0);
    json_decref(b);
    HttpResult r;
    long st = t_req(&r, NULL, "POST", "/api/v1/auth/signup", body);
    free(body);
    cr_assert_eq(st, 201, "signup: %ld %s", st, r.body);
    snprintf(out->token, sizeof out->token, "%s", json_string_value(json_object_get(r.json, "access_token")));
    snprintf(out->refresh, sizeof out->refresh, "%s", json_string_value(json_object_get(r.json, "refresh_token")));
    json_t *t = json_object_get(r.json, "tenant");
    snprintf(out->slug, sizeof out->slug, "%s", json_string_value(json_object_get(t, "slug")));
    snprintf(out->tenant_id, sizeof out->tenant_id, "%s", json_string_value(json_object_get(t, "id")));
    snprintf(out->user_id, sizeof out->user_id, "%s",
             json_string_value(json_object_get(json_object_get(r.json, "user"), "id")));
    http_result_free(&r);
}

void t_clock(long long offset_seconds)
{
    char body[64];
    snprintf(body, sizeof body, "{\"offset_seconds\": %lld}", offset_seconds);
    HttpResult r;
    long st = t_req(&r, NULL, "POST", "/api/v1/_test/clock", body);
    cr_assert_eq(st, 200, "clock: %ld %s", st, r.body);
    http_result_free(&r);
}

int t_sh(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = 0;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
        if (out && n + got < cap) {
            memcpy(out + n, buf, got);
            n += got;
        }
    }
    if (out)
        out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- kept-alive calls (tests/scenario/test_pagination.c, test_tenant_isolation.c) ---- */

long t_call(HttpClient *client, const char *token, const char *method, const char *path, const char *body,
            json_t **json)
{
    char auth[600], ip[100];
    const char *hdrs[3] = {NULL, NULL, NULL};
    int n = 0;
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t_ip());
    hdrs[n++] = ip;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdrs[n++] = auth;
    }
    HttpRequest req = {.base = t_base(), .method = method, .path = path, .headers = hdrs, .body = body};
    HttpResult r;
    int rc = client ? http_client_call(client, &r, &req) : http_call_ex(&r, &req);
    if (rc < 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", r.error);
        http_result_free(&r);
        cr_assert_fail("%s %s: no response: %s", method, path, why);
    }
    long status = r.status;
    if (json) {
        *json = r.json;
        r.json = NULL;
    }
    http_result_free(&r);
    return status;
}

long t_call_json(HttpClient *client, const char *token, const char *method, const char *path, json_t *body,
                 json_t **json)
{
    char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;
    long st = t_call(client, token, method, path, txt, json);
    free(txt);
    return st;
}

void t_unique(char *out, size_t cap)
{
    static unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
    snprintf(out, cap, "r%lx%05lx-%u-%u", (unsigned long)ts.tv_sec, (unsigned long)(ts.tv_nsec / 10000) & 0xfffff,
             (unsigned)getpid(), n);
}
