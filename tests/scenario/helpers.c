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

json_t *t_json(const char *token, long want, const char *method, const char *body, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    HttpResult r;
    long st = t_req(&r, token, method, path, body);
    cr_assert_eq(st, want, "%s %s: expected %ld, got %ld: %s", method, path, want, st, r.body);
    json_t *j = r.json ? json_incref(r.json) : NULL;
    http_result_free(&r);
    return j;
}

void t_user(const TestTenant *admin, const char *role, const char *role_id, TestUser *out)
{
    static int seq;
    memset(out, 0, sizeof *out);
    snprintf(out->email, sizeof out->email, "%s%d.%s", role, ++seq, admin->email);
    json_t *b = json_pack("{s:s, s:s, s:s}", "email", out->email, "role", role, "password", "scenario password 1");
    if (role_id)
        json_object_set_new(b, "role_id", json_string(role_id));
    char *body = json_dumps(b, 0);
    json_decref(b);
    json_t *u = t_json(admin->token, 201, "POST", body, "/api/v1/users");
    free(body);
    snprintf(out->id, sizeof out->id, "%s", json_string_value(json_object_get(u, "id")));
    json_decref(u);
    b = json_pack("{s:s, s:s}", "email", out->email, "password", "scenario password 1");
    body = json_dumps(b, 0);
    json_decref(b);
    json_t *s = t_json(NULL, 200, "POST", body, "/api/v1/auth/login");
    free(body);
    snprintf(out->token, sizeof out->token, "%s", json_string_value(json_object_get(s, "access_token")));
    json_decref(s);
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

void t_audit_tamper(const char *victim)
{
    const char *store = t_env("REMIT_TEST_STORE");
    const char *db = t_env("REMIT_TEST_DB");
    char out[8192];
    int st;
    if (strcmp(store, "sqlite") == 0) {
        const char *file = db + strlen("sqlite:");
        st = t_sh(out, sizeof out,
                  "sqlite3 -cmd '.timeout 15000' '%s' \"UPDATE audit_logs SET user_email = 'x@evil' WHERE id = '%s'\" 2>&1",
                  file, victim);
        cr_assert_neq(st, 0, "the append-only trigger must refuse a direct UPDATE: %s", out);
        st = t_sh(out, sizeof out, "sqlite3 -cmd '.timeout 15000' '%s' \"DELETE FROM audit_logs WHERE id = '%s'\" 2>&1",
                  file, victim);
        cr_assert_neq(st, 0, "the append-only trigger must refuse a direct DELETE: %s", out);
        st = t_sh(out, sizeof out,
                  "sqlite3 -cmd '.timeout 15000' '%s' \"DROP TRIGGER IF EXISTS audit_logs_no_update;"
                  " UPDATE audit_logs SET user_email = 'x@evil' WHERE id = '%s';"
                  " CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs"
                  " BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END;\" 2>&1",
                  file, victim);
        cr_assert_eq(st, 0, "%s", out);
        return;
    }
    st = t_sh(out, sizeof out, "psql -X -q '%s' -c \"UPDATE audit_logs SET user_email = 'x@evil' WHERE id = '%s'\" 2>&1", db,
              victim);
    cr_assert_neq(st, 0, "PostgreSQL must refuse UPDATE audit_logs for Remit's role: %s", out);
    cr_assert(strstr(out, "permission denied") || strstr(out, "append-only"), "%s", out);
    st = t_sh(out, sizeof out, "psql -X -q '%s' -c \"DELETE FROM audit_logs WHERE id = '%s'\" 2>&1", db, victim);
    cr_assert_neq(st, 0, "PostgreSQL must refuse DELETE FROM audit_logs: %s", out);
    st = t_sh(out, sizeof out,
              "psql -X -q '%s' -c \"SET session_replication_role = replica;"
              " UPDATE audit_logs SET user_email = 'x@evil' WHERE id = '%s'\" 2>&1",
              t_env("REMIT_TEST_ADMIN_DB"), victim);
    cr_assert_eq(st, 0, "superuser tampering for the test: %s", out);
}

void t_audit_broken(const TestTenant *t, const char *victim)
{
    json_t *v = t_json(t->token, 200, "GET", NULL, "/api/v1/audit_logs/verify");
    cr_assert(json_is_false(json_object_get(v, "ok")), "verify must fail");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "first_broken"), "id")), victim);
    json_decref(v);
    char out[8192];
    int st = t_sh(out, sizeof out, "REMIT_LOG_LEVEL=error '%s' audit verify --db '%s' --data-dir '%s/cli' --tenant '%s' 2>&1",
                  t_env("REMIT_TEST_BIN"), t_env("REMIT_TEST_DB"), t_env("REMIT_TEST_WORK"), t->slug);
    cr_assert_eq(st, 1, "remit audit verify must exit 1: %s", out);
    cr_assert(strstr(out, victim), "the output must name the row %s: %s", victim, out);
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
