/* tests/scenario/identity_helpers.c — helpers of the identity scenario tests; see
 * identity_helpers.h. Exports the idt_* functions.
 *
 * The environment comes from scripts/api-suite.sh: REMIT_TEST_BASE (the server),
 * REMIT_TEST_WORK (its work directory: mails land in data/mail/), REMIT_TEST_STORE,
 * REMIT_TEST_DB and REMIT_TEST_ADMIN_DB (the database, for SQL checks).
 */
#include "tests/scenario/identity_helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/api/client.h"

static char ip[64] = "10.39.0.1";

void idt_use_ip(const char *s)
{
    snprintf(ip, sizeof ip, "%s", s);
}

const char *idt_run(void)
{
    static char run[16];
    if (!run[0])
        snprintf(run, sizeof run, "%lx%x", (unsigned long)time(NULL) & 0xffffff, (unsigned)getpid() & 0xfff);
    return run;
}

static const char *base(void)
{
    const char *b = getenv("REMIT_TEST_BASE");
    cr_assert(b && *b, "REMIT_TEST_BASE is not set (run through scripts/api-suite.sh)");
    return b;
}

static long call(const char *url, json_t **out, const char *method, const char *path, const char *token,
                 const char *extra, const char *body)
{
    char iph[96], auth[400];
    const char *hdrs[4];
    int n = 0;
    snprintf(iph, sizeof iph, "X-Remit-Test-Ip: %s", ip);
    hdrs[n++] = iph;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdrs[n++] = auth;
    }
    if (extra)
        hdrs[n++] = extra;
    hdrs[n] = NULL;
    HttpResult r;
    int rc = http_call(&r, url, method, path, hdrs, body);
    cr_assert(rc == 0, "%s %s: no response: %s", method, path, r.error);
    long status = r.status;
    if (out)
        *out = r.json ? json_incref(r.json) : json_null();
    http_result_free(&r);
    return status;
}

long idt_call_at(const char *url, json_t **out, const char *method, const char *path, const char *token,
                 const char *body)
{
    return call(url, out, method, path, token, NULL, body);
}

long idt_call(json_t **out, const char *method, const char *path, const char *token, const char *body)
{
    return call(base(), out, method, path, token, NULL, body);
}

long idt_call_hdr(json_t **out, const char *method, const char *path, const char *token, const char *header,
                  const char *body)
{
    return call(base(), out, method, path, token, header, body);
}

long idt_callf(json_t **out, const char *method, const char *path, const char *token, const char *fmt, ...)
{
    char body[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    return idt_call(out, method, path, token, body);
}

const char *idt_str(json_t *o, const char *path)
{
    char key[128];
    const char *p = path;
    while (o && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        o = json_object_get(o, key);
        p += n + (dot ? 1 : 0);
    }
    return json_is_string(o) ? json_string_value(o) : NULL;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void fill(IdtAccount *a, json_t *j)
{
    copy(a->token, sizeof a->token, idt_str(j, "access_token"));
    copy(a->refresh, sizeof a->refresh, idt_str(j, "refresh_token"));
    copy(a->session_id, sizeof a->session_id, idt_str(j, "session_id"));
    copy(a->tenant_id, sizeof a->tenant_id, idt_str(j, "tenant.id"));
    copy(a->slug, sizeof a->slug, idt_str(j, "tenant.slug"));
    copy(a->user_id, sizeof a->user_id, idt_str(j, "user.id"));
    copy(a->email, sizeof a->email, idt_str(j, "user.email"));
}

void idt_signup(IdtAccount *out, const char *tenant_name, const char *email, const char *password)
{
    json_t *j = NULL;
    long st = idt_callf(&j, "POST", "/api/v1/auth/signup", NULL,
                        "{\"tenant_name\": \"%s\", \"email\": \"%s\", \"password\": \"%s\", \"first_name\": \"Tess\"}",
                        tenant_name, email, password);
    cr_assert_eq(st, 201, "signup %s: %ld", email, st);
    memset(out, 0, sizeof *out);
    fill(out, j);
    json_decref(j);
}

void idt_login(IdtAccount *out, const char *email, const char *password, const char *slug)
{
    json_t *j = NULL;
    char tenant[160] = "";
    if (slug)
        snprintf(tenant, sizeof tenant, ", \"tenant\": \"%s\"", slug);
    long st = idt_callf(&j, "POST", "/api/v1/auth/login", NULL, "{\"email\": \"%s\", \"password\": \"%s\"%s}", email,
                        password, tenant);
    cr_assert_eq(st, 200, "login %s: %ld", email, st);
    memset(out, 0, sizeof *out);
    fill(out, j);
    /* login answers the tenant too */
    json_decref(j);
}

void idt_create_user(const IdtAccount *admin, const char *email, const char *role, const char *password,
                     char out_id[40])
{
    json_t *j = NULL;
    char pw[200] = "";
    if (password)
        snprintf(pw, sizeof pw, ", \"password\": \"%s\"", password);
    long st = idt_callf(&j, "POST", "/api/v1/users", admin->token,
                        "{\"email\": \"%s\", \"role\": \"%s\", \"first_name\": \"Una\", \"last_name\": \"User\","
                        " \"phone\": \"+91 90000 00000\"%s}",
                        email, role, pw);
    cr_assert_eq(st, 201, "create user %s: %ld", email, st);
    copy(out_id, 40, idt_str(j, "id"));
    json_decref(j);
}

/* ---- mails ---- */

typedef struct Mail { char id[64]; char *token; } Mail;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const Mail *)a)->id, ((const Mail *)b)->id);
}

/* Collects the matching mails, sorted by Message-ID (UUIDv7: the order they were queued). */
static int scan(const char *to, const char *topic, Mail *out, int max)
{
    const char *work = getenv("REMIT_TEST_WORK");
    cr_assert(work, "REMIT_TEST_WORK is not set");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/mail", work);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0)
            continue;
        char path[1400], line[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        bool to_ok = false, topic_ok = false;
        char id[64] = "", token[256] = "";
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (strncmp(line, "To: ", 4) == 0)
                to_ok = strcmp(line + 4, to) == 0;
            else if (strncmp(line, "X-Remit-Topic: ", 15) == 0)
                topic_ok = strcmp(line + 15, topic) == 0;
            else if (strncmp(line, "Message-ID: <", 13) == 0)
                snprintf(id, sizeof id, "%.*s", (int)strcspn(line + 13, ">"), line + 13);
            else if (strncmp(line, "token: ", 7) == 0)
                snprintf(token, sizeof token, "%.200s", line + 7);
        }
        fclose(f);
        if (to_ok && topic_ok) {
            snprintf(out[n].id, sizeof out[n].id, "%s", id);
            out[n].token = strdup(token);
            n++;
        }
    }
    closedir(d);
    qsort(out, (size_t)n, sizeof *out, by_id);
    return n;
}

static void free_mails(Mail *m, int n)
{
    for (int i = 0; i < n; i++)
        free(m[i].token);
}

int idt_mail_count(const char *to, const char *topic)
{
    Mail m[64];
    int n = scan(to, topic, m, 64);
    free_mails(m, n);
    return n;
}

/* Waits up to 90 s (returns as soon as the mails are there): the outbox worker polls every
 * 200 ms, but a sanitizer build on a loaded machine can fall far behind. */
void idt_wait_mails(const char *to, const char *topic, int want)
{
    for (int i = 0; i < 1800; i++) {
        if (idt_mail_count(to, topic) >= want)
            return;
        usleep(50000);
    }
    cr_assert_fail("no %d %s mail(s) to %s within 90 s", want, topic, to);
}

char *idt_mail_token(const char *to, const char *topic, int index)
{
    idt_wait_mails(to, topic, index + 1);
    Mail m[64];
    int n = scan(to, topic, m, 64);
    cr_assert(n > index);
    char *t = strdup(m[index].token);
    free_mails(m, n);
    cr_assert(t && *t, "the %s mail to %s carries no token line", topic, to);
    return t;
}

/* ---- clock ---- */

void idt_clock(int64_t offset_seconds)
{
    char body[64];
    snprintf(body, sizeof body, "{\"offset_seconds\": %lld}", (long long)offset_seconds);
    long st = idt_call(NULL, "POST", "/api/v1/_test/clock", NULL, body);
    cr_assert_eq(st, 200, "moving the test clock: %ld", st);
}

/* ---- SQL ---- */

bool idt_is_postgres(void)
{
    const char *s = getenv("REMIT_TEST_STORE");
    return s && strcmp(s, "postgres") == 0;
}

char *idt_sql(const char *fmt, ...)
{
    char sql[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    const char *work = getenv("REMIT_TEST_WORK");
    char file[1100];
    snprintf(file, sizeof file, "%s/idt-sql-XXXXXX", work ? work : "/tmp");
    int fd = mkstemp(file);
    cr_assert(fd >= 0, "mkstemp");
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%s;\n", sql);
    fclose(f);
    char cmd[4096];
    if (idt_is_postgres()) {
        const char *url = getenv("REMIT_TEST_ADMIN_DB");
        cr_assert(url && *url, "REMIT_TEST_ADMIN_DB is not set");
        snprintf(cmd, sizeof cmd, "psql -X -q -At -v ON_ERROR_STOP=1 '%s' -f '%s' 2>&1", url, file);
    } else {
        const char *db = getenv("REMIT_TEST_DB");
        cr_assert(db, "REMIT_TEST_DB is not set");
        if (strncmp(db, "sqlite:", 7) == 0)
            db += 7;
        snprintf(cmd, sizeof cmd, "sqlite3 -batch -noheader -cmd '.timeout 5000' '%s' < '%s' 2>&1", db, file);
    }
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    out[len] = '\0';
    int rc = pclose(p);
    unlink(file);
    cr_assert(rc == 0, "SQL failed: %s\n%s", sql, out);
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    return out;
}
