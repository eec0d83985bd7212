/* domain/outbox.c — enqueueing messages with a change, and the delivery worker.
 * Exports outbox_enqueue, outbox_mail, outbox_deliver_due, outbox_start, outbox_stop.
 *
 * Delivery is at-least-once, in three steps per batch: (1) claim — in a short
 * tenant transaction, mark due messages "sending" with a lease (next_attempt_at
 * = now + 5 min) and count the attempt; (2) deliver, outside any transaction
 * (no lock is held during network I/O); (3) record — "sent", or back to
 * "pending" with exponential backoff (30 s × 2^attempts, at most 6 h), or
 * "dead" after 10 attempts. A crash between (2) and (3) lets the lease expire
 * and the message is sent again with the same idempotency key.
 *
 * Which tenants have pending messages is kept in the small reference table
 * outbox_tenants, so the worker never scans every tenant and never reads
 * across tenants (every query runs in that tenant's transaction).
 *
 * A payload with "redact_after_send": true (mails carrying a one-time token)
 * is replaced by {"redacted": true} once delivered.
 *
 * Sinks: mail goes to SMTP through libcurl when REMIT_SMTP_URL is set, else to
 * DATA_DIR/mail/<time>-<id>.eml (development and tests read it there);
 * webhooks are POSTed with Idempotency-Key and, when the payload names a
 * signing secret, X-Remit-Signature: sha256=HMAC(body); notifications are
 * in-app records, "sent" once claimed.
 *
 * Concurrency notes: one worker thread per process; several processes may
 * run workers — on PostgreSQL the claim uses FOR UPDATE SKIP LOCKED, on SQLite
 * the writer lock serialises claims.
 */
#include "domain/outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/id.h"
#include "core/log.h"
#include "model/codec.h"
#include "model/crud.h"

#define LEASE_US ((int64_t)300 * 1000000)
#define MAX_ATTEMPTS 10

int outbox_enqueue(Ctx *ctx, const char *kind, const char *topic, const char *recipient, const char *subject,
                   json_t *payload, const char *related_table, const char *related_id, Error *err)
{
    const Table *t = registry_find("outbox");
    Row row;
    if (row_init(&row, ctx, t) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    char id[40], ts[40];
    uuid_v7_str(id);
    ts_format(ts, sizeof ts, ctx->now);
    row_set_text(ctx, &row, "id", id);
    row_set_text(ctx, &row, "kind", kind);
    row_set_text(ctx, &row, "topic", topic);
    row_set_text(ctx, &row, "recipient", recipient);
    row_set_text(ctx, &row, "subject", subject);
    char *p = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    row_set_text(ctx, &row, "payload", p ? p : "{}");
    free(p);
    row_set_text(ctx, &row, "idempotency_key", id);
    row_set_text(ctx, &row, "status", "pending");
    row_set_int(&row, "attempts", 0);
    row_set_text(ctx, &row, "next_attempt_at", ts);
    row_set_text(ctx, &row, "related_table", related_table);
    row_set_text(ctx, &row, "related_id", related_id);
    int rc = crud_insert_row(ctx, t, &row, err);
    if (rc < 0)
        return rc;
    Value v[1] = {val_text(ctx->tenant_id)};
    /* PostgreSQL: the worker drops a tenant from outbox_tenants only under the tenant's exclusive
     * lock, after checking that nothing is pending; holding the shared lock until this transaction
     * commits keeps it from dropping the row while this message is not yet visible to it. */
    if (conn_dialect(ctx->conn) == DIALECT_POSTGRES)
        rc = store_exec_global(ctx->conn, "SELECT pg_advisory_xact_lock_shared(7270222, hashtext($1))", v, 1, NULL,
                               err);
    if (rc < 0)
        return rc;
    return store_exec_global(ctx->conn,
                             "INSERT INTO outbox_tenants (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING", v,
                             1, NULL, err);
}

int outbox_mail(Ctx *ctx, const char *topic, const char *to, const char *subject, const char *body,
                const char *related_table, const char *related_id, Error *err)
{
    json_t *p = json_pack("{s:s}", "text", body ? body : "");
    int rc = outbox_enqueue(ctx, "mail", topic, to, subject, p, related_table, related_id, err);
    json_decref(p);
    return rc;
}

/* ---- delivery ---- */

typedef struct Msg {
    char id[40];
    char kind[16];
    char *topic, *recipient, *subject, *payload;
    int64_t attempts;
} Msg;

static void msg_free(Msg *m)
{
    free(m->topic);
    free(m->recipient);
    free(m->subject);
    free(m->payload);
}

static char *dup_value(Value v)
{
    return v.kind == V_TEXT ? strndup(v.s, v.len) : NULL;
}

static int write_file(const OutboxConfig *cfg, const Msg *m, const char *text, Error *err)
{
    char dir[1024], path[1200], tmp[1300];
    snprintf(dir, sizeof dir, "%s/mail", cfg->data_dir ? cfg->data_dir : "data");
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot create %s: %s", dir, strerror(errno));
    char ts[40];
    ts_format(ts, sizeof ts, clock_now());
    snprintf(path, sizeof path, "%.1000s/%.19s-%.40s.eml", dir, ts, m->id);
    for (char *p = path + strlen(dir); *p; p++)
        if (*p == ':')
            *p = '-';
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot write %s: %s", tmp, strerror(errno));
    fprintf(f, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@remit>\r\nX-Remit-Topic: %s\r\n"
               "X-Remit-Idempotency-Key: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
            cfg->mail_from ? cfg->mail_from : "Remit <no-reply@remit.invalid>", m->recipient ? m->recipient : "",
            m->subject ? m->subject : "", m->id, m->topic ? m->topic : "", m->id, text);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot write %s", path);
    }
    return 0;
}

typedef struct Upload { const char *data; size_t len, off; } Upload;

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
    Upload *u = arg;
    size_t n = size * nmemb;
    if (n > u->len - u->off)
        n = u->len - u->off;
    memcpy(ptr, u->data + u->off, n);
    u->off += n;
    return n;
}

static size_t discard_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
    (void)ptr;
    (void)arg;
    return size * nmemb;
}

static int send_smtp(const OutboxConfig *cfg, const Msg *m, const char *text, Error *err)
{
    CURL *c = curl_easy_init();
    if (!c)
        return err_set(err, ERR_UNAVAILABLE, NULL, "curl unavailable");
    Buf b;
    buf_init(&b, 0);
    const char *from = cfg->mail_from ? cfg->mail_from : "no-reply@remit.invalid";
    buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@remit>\r\n"
                   "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
               from, m->recipient, m->subject ? m->subject : "", m->id, text);
    Upload u = {buf_cstr(&b), b.len, 0};
    struct curl_slist *rcpt = curl_slist_append(NULL, m->recipient);
    curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    buf_free(&b);
    return rc == CURLE_OK ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "smtp: %s", curl_easy_strerror(rc));
}

static int send_webhook(const Msg *m, json_t *payload, Error *err)
{
    json_t *event = json_object_get(payload, "event");
    const char *secret = json_string_value(json_object_get(payload, "secret"));
    char *body = json_dumps(event ? event : payload, JSON_COMPACT);
    if (!body)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char line[256];
    h = curl_slist_append(h, "Content-Type: application/json");
    snprintf(line, sizeof line, "Idempotency-Key: %.40s", m->id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-Remit-Event: %.200s", m->topic ? m->topic : "");
    h = curl_slist_append(h, line);
    if (secret) {
        unsigned char key[32], mac[32];
        id_sha256(key, secret, strlen(secret));   /* the signing key is SHA-256(secret) */
        id_hmac_sha256(mac, key, body, strlen(body));
        char hex[65];
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", mac[i]);
        snprintf(line, sizeof line, "X-Remit-Signature: sha256=%s", hex);
        h = curl_slist_append(h, line);
    }
    curl_easy_setopt(c, CURLOPT_URL, m->recipient);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(body);
    if (rc != CURLE_OK)
        return err_set(err, ERR_UNAVAILABLE, NULL, "webhook: %s", curl_easy_strerror(rc));
    return status >= 200 && status < 300 ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "webhook answered %ld", status);
}

static int deliver(const OutboxConfig *cfg, const Msg *m, Error *err)
{
    json_t *payload = m->payload ? json_loads(m->payload, 0, NULL) : NULL;
    int rc = 0;
    if (strcmp(m->kind, "mail") == 0) {
        const char *text = json_string_value(json_object_get(payload, "text"));
        if (!m->recipient || !*m->recipient)
            rc = err_set(err, ERR_INVALID, NULL, "mail without a recipient");
        else if (cfg->smtp_url && *cfg->smtp_url)
            rc = send_smtp(cfg, m, text ? text : "", err);
        else
            rc = write_file(cfg, m, text ? text : "", err);
    } else if (strcmp(m->kind, "webhook") == 0) {
        rc = send_webhook(m, payload, err);
    }
    json_decref(payload);
    return rc;
}

static int claim(Store *s, const char *tenant, Msg *msgs, int max, int *n, Error *err)
{
    Conn *c = NULL;
    *n = 0;
    int rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    snprintf(ctx.tenant_id, sizeof ctx.tenant_id, "%s", tenant);
    rc = store_begin(c, &ctx, true, err);
    if (rc < 0) {
        store_release(c);
        return rc;
    }
    char now[40], lease[40];
    int64_t t = clock_now();
    ts_format(now, sizeof now, t);
    ts_format(lease, sizeof lease, t + LEASE_US);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, kind, topic, recipient, subject, payload, attempts FROM outbox"
             " WHERE tenant_id = $1 AND status IN ('pending', 'sending') AND next_attempt_at <= $2"
             " ORDER BY next_attempt_at LIMIT $3%s",
             conn_dialect(c) == DIALECT_POSTGRES ? " FOR UPDATE SKIP LOCKED" : "");
    Rows r;
    Value p[2] = {val_text(now), val_int(max)};
    rc = store_query(c, &r, sql, p, 2, err);
    while (rc == 0 && rows_next(&r)) {
        Msg *m = &msgs[(*n)++];
        memset(m, 0, sizeof *m);
        Value id = rows_get(&r, 0), kind = rows_get(&r, 1);
        snprintf(m->id, sizeof m->id, "%.*s", (int)id.len, id.s);
        snprintf(m->kind, sizeof m->kind, "%.*s", (int)kind.len, kind.s);
        m->topic = dup_value(rows_get(&r, 2));
        m->recipient = dup_value(rows_get(&r, 3));
        m->subject = dup_value(rows_get(&r, 4));
        m->payload = dup_value(rows_get(&r, 5));
        m->attempts = rows_get(&r, 6).i;
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    for (int i = 0; rc == 0 && i < *n; i++) {
        Value u[3] = {val_text(lease), val_int(msgs[i].attempts + 1), val_text(msgs[i].id)};
        rc = store_exec(c, "UPDATE outbox SET status = 'sending', next_attempt_at = $2, attempts = $3"
                           " WHERE tenant_id = $1 AND id = $4", u, 3, NULL, err);
    }
    if (rc == 0 && *n == 0) {   /* nothing left for this tenant: drop it from the index */
        Value k[1] = {val_text(tenant)};
        if (conn_dialect(c) == DIALECT_POSTGRES)   /* waits for enqueuing transactions (outbox_enqueue) */
            rc = store_exec_global(c, "SELECT pg_advisory_xact_lock(7270222, hashtext($1))", k, 1, NULL, err);
        Rows left;
        if (rc == 0)
            rc = store_query(c, &left,
                             "SELECT 1 FROM outbox WHERE tenant_id = $1 AND status IN ('pending', 'sending') LIMIT 1",
                             NULL, 0, err);
        bool any = rc == 0 && rows_next(&left);
        if (rc == 0)
            rows_close(&left);
        Value v[1] = {val_text(tenant)};
        if (rc == 0 && !any)
            rc = store_exec_global(c, "DELETE FROM outbox_tenants WHERE tenant_id = $1", v, 1, NULL, err);
    }
    if (rc == 0)
        rc = store_commit(c, err);
    else
        store_rollback(c);
    store_release(c);
    if (rc < 0) {
        for (int i = 0; i < *n; i++)
            msg_free(&msgs[i]);
        *n = 0;
    }
    return rc;
}

/* Payloads carrying a live credential (password reset and verification links, domain/usermail.c)
 * say "redact_after_send": their text is replaced once the message is delivered. */
static bool redact_after_send(const Msg *m)
{
    json_t *p = m->payload ? json_loads(m->payload, 0, NULL) : NULL;
    bool yes = json_is_true(json_object_get(p, "redact_after_send"));
    json_decref(p);
    return yes;
}

static void record(Store *s, const char *tenant, const Msg *m, const Error *failure)
{
    Error err;
    Conn *c = NULL;
    if (store_acquire(s, &c, &err) < 0)
        return;
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    snprintf(ctx.tenant_id, sizeof ctx.tenant_id, "%s", tenant);
    char now[40], next[40];
    int64_t t = clock_now();
    ts_format(now, sizeof now, t);
    int rc = store_begin(c, &ctx, true, &err);
    if (rc == 0 && !failure) {
        Value p[2] = {val_text(now), val_text(m->id)};
        rc = store_exec(c, "UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL"
                           " WHERE tenant_id = $1 AND id = $3", p, 2, NULL, &err);
        if (rc == 0 && redact_after_send(m)) {   /* a mailed credential does not stay in the table */
            Value q[2] = {val_text("{\"redacted\":true}"), val_text(m->id)};
            rc = store_exec(c, "UPDATE outbox SET payload = $2 WHERE tenant_id = $1 AND id = $3", q, 2, NULL, &err);
        }
    } else if (rc == 0) {
        int64_t attempts = m->attempts + 1;
        int64_t backoff = (int64_t)30 * 1000000 << (attempts < 10 ? attempts : 10);
        if (backoff > (int64_t)6 * 3600 * 1000000)
            backoff = (int64_t)6 * 3600 * 1000000;
        ts_format(next, sizeof next, t + backoff);
        const char *status = attempts >= MAX_ATTEMPTS ? "dead" : "pending";
        Value p[4] = {val_text(status), val_text(next), val_text(failure->message), val_text(m->id)};
        rc = store_exec(c, "UPDATE outbox SET status = $2, next_attempt_at = $3, last_error = $4"
                           " WHERE tenant_id = $1 AND id = $5", p, 4, NULL, &err);
        log_event(LOG_WARN, NULL, "outbox delivery failed", "id", m->id, "error", failure->message, "status", status,
                  NULL);
    }
    if (rc == 0)
        store_commit(c, &err);
    else
        store_rollback(c);
    store_release(c);
}

int outbox_deliver_due(Store *s, const OutboxConfig *cfg, int limit, Error *err)
{
    Conn *c = NULL;
    int rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    char (*tenants)[40] = calloc(256, 40);
    int nt = 0;
    rc = tenants ? store_begin(c, NULL, false, err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0) {
        Rows r;
        Value p[1] = {val_int(256)};
        rc = store_query_global(c, &r, "SELECT tenant_id FROM outbox_tenants ORDER BY tenant_id LIMIT $1", p, 1, err);
        while (rc == 0 && rows_next(&r)) {
            Value v = rows_get(&r, 0);
            snprintf(tenants[nt++], 40, "%.*s", (int)v.len, v.s);
        }
        if (rc == 0) {
            rc = rows_error(&r, err);
            rows_close(&r);
        }
        store_rollback(c);
    }
    store_release(c);
    int sent = 0;
    Msg msgs[32];
    for (int i = 0; rc == 0 && i < nt && sent < limit; i++) {
        int n = 0;
        if (claim(s, tenants[i], msgs, 32, &n, err) < 0)
            continue;
        for (int k = 0; k < n; k++) {
            Error e;
            err_clear(&e);
            int drc = strcmp(msgs[k].kind, "notification") == 0 ? 0 : deliver(cfg, &msgs[k], &e);
            record(s, tenants[i], &msgs[k], drc < 0 ? &e : NULL);
            if (drc == 0)
                sent++;
            msg_free(&msgs[k]);
        }
    }
    free(tenants);
    return rc < 0 ? rc : sent;
}

static pthread_t worker;
static volatile int running;
static Store *worker_store;
static OutboxConfig worker_cfg;

static void *loop(void *arg)
{
    (void)arg;
    while (running) {
        Error e;
        if (outbox_deliver_due(worker_store, &worker_cfg, 200, &e) < 0)
            log_event(LOG_WARN, NULL, "outbox worker", "error", e.message, NULL);
        for (int i = 0; running && i < worker_cfg.interval_ms / 50; i++)
            usleep(50000);
    }
    return NULL;
}

int outbox_start(Store *s, const OutboxConfig *cfg)
{
    worker_store = s;
    worker_cfg = *cfg;
    if (worker_cfg.interval_ms <= 0)
        worker_cfg.interval_ms = 1000;
    running = 1;
    return pthread_create(&worker, NULL, loop, NULL) == 0 ? 0 : -1;
}

void outbox_stop(void)
{
    if (!running)
        return;
    running = 0;
    pthread_join(worker, NULL);
}
