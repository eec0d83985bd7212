/* domain/auth.c — sign-up, sign-in, refresh rotation, access tokens.
 * Exports the functions of auth.h.
 *
 * Token formats (base64url, no padding):
 *   access  "rat_" + b64(ver | tenant[16] | session[16] | user[16] | exp[8] | hmac[32])
 *   refresh "rrt_" + b64(tenant[16] | session[16] | random[32]); stored as SHA-256 hex.
 * Sign-in failures all answer the same 401 body, and an unknown email runs a
 * password verification against a dummy hash, so neither the body nor the
 * time tells whether the email exists.
 *
 * Concurrency notes: refresh reads the session FOR UPDATE, so two concurrent
 * uses of one refresh token rotate once and the second counts as reuse.
 */
#include "domain/auth.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/date.h"
#include "core/id.h"
#include "core/log.h"
#include "core/money.h"
#include "core/tz.h"
#include "domain/usermail.h"
#include "model/codec.h"
#include "model/crud.h"
#include "model/perm.h"
#include "domain/domain.h"

static unsigned char secret_key[32];
/* HMAC-SHA256 state with the secret key already absorbed (its inner and outer pads): each
 * token's MAC starts from a copy, which saves two of its five SHA-256 blocks per request. */
static crypto_auth_hmacsha256_state keyed_mac;
static bool fast;
static char dummy_hash[crypto_pwhash_STRBYTES];

enum { TOKEN_VER = 1, PAYLOAD = 1 + 16 + 16 + 16 + 8, MAC = 32 };

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    Error e;
    auth_hash_password(dummy_hash, "remit-dummy-password-for-timing", &e);
}

/* The hash a sign-in for no one is verified against. Made on first use (a password hash costs
 * 64 MiB and ~0.1 s: commands that never sign anyone in — bill-run, reconcile, migrate — should
 * not pay it, nor carry it in their peak memory); the server makes it at start (auth_warm), so
 * no request's timing includes it. */
static const char *dummy(void)
{
    pthread_once(&dummy_once, dummy_make);
    return dummy_hash;
}

void auth_init(const unsigned char secret[32], bool fast_hash)
{
    memcpy(secret_key, secret, 32);
    crypto_auth_hmacsha256_init(&keyed_mac, secret_key, 32);
    fast = fast_hash;
}

void auth_warm(void)
{
    (void)dummy();
}

/* Production: 64 MiB, 3 passes (~0.1 s). Test mode: 4 MiB, 1 pass (a few ms) — cheap enough for
 * suites that sign up hundreds of tenants, yet still the dominant cost of a sign-in, as in
 * production, so the timing of failures is measured on the same shape of work. */
static unsigned long long opslimit(void) { return fast ? crypto_pwhash_OPSLIMIT_MIN : 3; }
static size_t memlimit(void) { return fast ? (size_t)4 * 1024 * 1024 : (size_t)64 * 1024 * 1024; }

int auth_hash_password(char out[128], const char *password, Error *err)
{
    if (crypto_pwhash_str(out, password, strlen(password), opslimit(), memlimit()) != 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot hash the password (out of memory)");
    return 0;
}

bool auth_verify_password(const char *hash, const char *password)
{
    return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static int fail_login(Error *err)
{
    int rc = err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid email or password");
    err_hint(err, "if your email belongs to more than one organisation, give its tenant slug");
    return rc;
}

/* HMAC-SHA256(secret_key, data): the same value as id_hmac_sha256 with secret_key. */
static void token_mac(unsigned char out[32], const unsigned char *data, size_t len)
{
    crypto_auth_hmacsha256_state st = keyed_mac;
    crypto_auth_hmacsha256_update(&st, data, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void make_access(char *out, size_t cap, const char *tenant, const char *session, const char *user,
                        int64_t exp_s)
{
    unsigned char buf[PAYLOAD + MAC];
    Uuid u;
    buf[0] = TOKEN_VER;
    uuid_parse(&u, tenant, strlen(tenant));
    memcpy(buf + 1, u.b, 16);
    uuid_parse(&u, session, strlen(session));
    memcpy(buf + 17, u.b, 16);
    uuid_parse(&u, user, strlen(user));
    memcpy(buf + 33, u.b, 16);
    put_u64(buf + 49, (uint64_t)exp_s);
    token_mac(buf + PAYLOAD, buf, PAYLOAD);
    memcpy(out, "rat_", 4);
    id_b64url_encode(out + 4, cap - 4, buf, sizeof buf);
}

void auth_csrf_token(char out[64], const char *session_id)
{
    unsigned char buf[64], mac[32];
    size_t n = strlen(session_id);
    if (n > 56)
        n = 56;
    memcpy(buf, "csrf", 4);
    memcpy(buf + 4, session_id, n);
    id_hmac_sha256(mac, secret_key, buf, 4 + n);
    id_b64url_encode(out, 64, mac, sizeof mac);
}

int auth_decode_access(const char *token, Ctx *ctx, char session_id[40], Error *err)
{
    unsigned char buf[PAYLOAD + MAC + 4];
    if (!token || strncmp(token, "rat_", 4) != 0)
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid access token");
    long n = id_b64url_decode(buf, sizeof buf, token + 4, strlen(token + 4));
    if (n != PAYLOAD + MAC || buf[0] != TOKEN_VER)
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid access token");
    unsigned char mac[MAC];
    token_mac(mac, buf, PAYLOAD);
    if (!id_equal_ct(mac, buf + PAYLOAD, MAC))
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid access token");
    if ((int64_t)get_u64(buf + 49) * 1000000 < clock_now())
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "access token expired");
    Uuid u;
    memcpy(u.b, buf + 1, 16);
    uuid_format(ctx->tenant_id, &u);
    memcpy(u.b, buf + 17, 16);
    uuid_format(session_id, &u);
    memcpy(u.b, buf + 33, 16);
    uuid_format(ctx->user_id, &u);
    return 0;
}

static void make_refresh(char *out, size_t cap, const char *tenant, const char *session)
{
    unsigned char buf[64];
    Uuid u;
    uuid_parse(&u, tenant, strlen(tenant));
    memcpy(buf, u.b, 16);
    uuid_parse(&u, session, strlen(session));
    memcpy(buf + 16, u.b, 16);
    randombytes_buf(buf + 32, 32);
    memcpy(out, "rrt_", 4);
    id_b64url_encode(out + 4, cap - 4, buf, sizeof buf);
}

static int parse_refresh(const char *token, char tenant[40], char session[40])
{
    unsigned char buf[70];
    if (!token || strncmp(token, "rrt_", 4) != 0)
        return -1;
    if (id_b64url_decode(buf, sizeof buf, token + 4, strlen(token + 4)) != 64)
        return -1;
    Uuid u;
    memcpy(u.b, buf, 16);
    uuid_format(tenant, &u);
    memcpy(u.b, buf + 16, 16);
    uuid_format(session, &u);
    return 0;
}

static const char *str_field(json_t *body, const char *key)
{
    json_t *v = json_object_get(body, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int only_keys(json_t *body, const char *const *allowed, Error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = true;
        if (!ok)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an accepted field", key);
        if (!json_is_string(v))
            return err_set(err, ERR_TYPE, key, "%s must be a string", key);
    }
    return 0;
}

int auth_tenant_json(Ctx *ctx, const char *tenant_id, json_t **out, Error *err)
{
    const Table *t = registry_find("tenants");
    Row row;
    int rc = crud_get(ctx, t, tenant_id, false, &row, err);
    if (rc < 0)
        return rc;
    json_t *o = codec_to_json(ctx, &row);
    if (!o)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    *out = o;
    return 0;
}

static json_t *user_json(Ctx *ctx, const char *user_id, Error *err)
{
    Row row;
    if (crud_get(ctx, registry_find("users"), user_id, false, &row, err) < 0)
        return NULL;
    return codec_to_json(ctx, &row);
}

/* Creates a session for the user in ctx's tenant transaction and builds the sign-in response. */
static int open_session(Ctx *ctx, const char *user_id, json_t **out, Error *err)
{
    const Table *st = registry_find("sessions");
    Row s;
    int rc = row_init(&s, ctx, st);
    if (rc < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    char session_id[40], refresh[128], access[160], hash[65], exp[40];
    uuid_v7_str(session_id);
    make_refresh(refresh, sizeof refresh, ctx->tenant_id, session_id);
    id_sha256_hex(hash, refresh, strlen(refresh));
    ts_format(exp, sizeof exp, ctx->now + (int64_t)REFRESH_TTL_S * 1000000);
    row_set_text(ctx, &s, "id", session_id);
    row_set_text(ctx, &s, "user_id", user_id);
    row_set_text(ctx, &s, "refresh_token_hash", hash);
    row_set_text(ctx, &s, "expires_at", exp);
    row_set_text(ctx, &s, "last_activity_at", NULL);
    row_set_text(ctx, &s, "ip_address", ctx->ip);
    row_set_text(ctx, &s, "user_agent", ctx->user_agent);
    row_set(&s, "is_active", val_bool(true));
    rc = crud_insert_row(ctx, st, &s, err);
    if (rc < 0)
        return rc;
    int64_t access_exp = ctx->now / 1000000 + ACCESS_TTL_S;
    make_access(access, sizeof access, ctx->tenant_id, session_id, user_id, access_exp);
    json_t *tenant = NULL;
    rc = auth_tenant_json(ctx, ctx->tenant_id, &tenant, err);
    if (rc < 0)
        return rc;
    json_t *user = user_json(ctx, user_id, err);
    if (!user) {
        json_decref(tenant);
        return -ERR_NOT_FOUND;
    }
    *out = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:o}", "access_token", access, "refresh_token", refresh,
                     "token_type", "Bearer", "expires_in", ACCESS_TTL_S, "session_id", session_id, "tenant", tenant,
                     "user", user);
    return *out ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static void slugify(char *out, size_t cap, const char *name)
{
    size_t j = 0;
    bool dash = false;
    for (const char *p = name; *p && j + 1 < cap && j < 40; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) && c < 128) {
            out[j++] = (char)tolower(c);
            dash = false;
        } else if (j && !dash) {
            out[j++] = '-';
            dash = true;
        }
    }
    while (j && out[j - 1] == '-')
        j--;
    if (j == 0) {
        snprintf(out, cap, "org");
        j = 3;
    }
    out[j] = '\0';
}

static int slug_taken(Ctx *ctx, const char *slug, bool *out, Error *err)
{
    Rows r;
    Value p[1] = {val_text(slug)};
    int rc = store_query_global(ctx->conn, &r, "SELECT 1 FROM tenants WHERE slug = $1", p, 1, err);
    if (rc < 0)
        return rc;
    *out = rows_next(&r);
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

int auth_create_user(Ctx *ctx, const char *email, const char *password, const char *role, const char *first_name,
                     const char *last_name, char user_id[40], Error *err)
{
    const Table *ut = registry_find("users");
    if (!password || strlen(password) < 8)
        return err_set(err, ERR_INVALID, "password", "password must have at least 8 characters");
    if (strlen(password) > 256)
        return err_set(err, ERR_RANGE, "password", "password is longer than 256 characters");
    Row u;
    if (row_init(&u, ctx, ut) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    json_t *in = json_pack("{s:s, s:s}", "email", email ? email : "", "role", role);
    if (first_name)
        json_object_set_new(in, "first_name", json_string(first_name));
    if (last_name)
        json_object_set_new(in, "last_name", json_string(last_name));
    int rc = codec_from_json(ctx, ut, in, &u, false, err);
    json_decref(in);
    if (rc == 0)
        rc = codec_apply_defaults(ctx, ut, &u, err);
    if (rc < 0)
        return rc;
    char hash[128];
    rc = auth_hash_password(hash, password, err);
    if (rc < 0)
        return rc;
    row_set_text(ctx, &u, "password_hash", hash);
    uuid_v7_str(user_id);
    row_set_text(ctx, &u, "id", user_id);
    rc = crud_insert_row(ctx, ut, &u, err);
    if (rc < 0)
        return rc;
    Value p[3] = {u.v[table_col(ut, "email")], val_text(ctx->tenant_id), val_text(user_id)};
    return store_exec_global(ctx->conn, "INSERT INTO login_emails (email, tenant_id, user_id) VALUES ($1, $2, $3)", p,
                             3, NULL, err);
}

int auth_signup(Store *s, Ctx *ctx, json_t *body, json_t **out, Error *err)
{
    static const char *const keys[] = {"tenant_name", "email", "password", "first_name", "last_name",
                                       "base_currency", "timezone", NULL};
    int rc = only_keys(body, keys, err);
    if (rc < 0)
        return rc;
    const char *name = str_field(body, "tenant_name");
    const char *email = str_field(body, "email");
    const char *password = str_field(body, "password");
    if (!name || !*name)
        return err_set(err, ERR_REQUIRED, "tenant_name", "tenant_name is required");
    if (!email)
        return err_set(err, ERR_REQUIRED, "email", "email is required");
    if (!password)
        return err_set(err, ERR_REQUIRED, "password", "password is required");

    const Table *tt = registry_find("tenants");
    Conn *c = NULL;
    rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    ctx->conn = c;
    uuid_v7_str(ctx->tenant_id);
    int attempts = 0;
again:
    rc = store_begin(c, ctx, true, err);
    if (rc < 0)
        goto out;
    Row t;
    row_init(&t, ctx, tt);
    json_t *tin = json_pack("{s:s, s:s, s:s}", "name", name, "slug", "pending", "email", email);
    const char *cur = str_field(body, "base_currency");
    const char *tz = str_field(body, "timezone");
    if (cur)
        json_object_set_new(tin, "base_currency", json_string(cur));
    if (tz)
        json_object_set_new(tin, "timezone", json_string(tz));
    rc = codec_from_json(ctx, tt, tin, &t, false, err);
    json_decref(tin);
    if (rc == 0 && cur && !currency_find(cur))
        rc = err_set(err, ERR_INVALID, "base_currency", "base_currency must be an ISO 4217 code");
    if (rc == 0 && tz && !tz_valid(tz))
        rc = err_set(err, ERR_INVALID, "timezone", "timezone must be an IANA time zone such as \"Asia/Kolkata\"");
    if (rc == 0)
        rc = codec_apply_defaults(ctx, tt, &t, err);
    if (rc < 0)
        goto rollback;
    /* A unique slug: the name's, then with -2, -3, ... */
    char base[48], slug[64];
    slugify(base, sizeof base, name);
    snprintf(slug, sizeof slug, "%s", base);
    for (int i = 2;; i++) {
        bool taken = false;
        rc = slug_taken(ctx, slug, &taken, err);
        if (rc < 0)
            goto rollback;
        if (!taken)
            break;
        snprintf(slug, sizeof slug, "%s-%d", base, i);
    }
    char ts[40], trial_end[40];
    ts_format(ts, sizeof ts, ctx->now);
    ts_format(trial_end, sizeof trial_end, ctx->now + (int64_t)14 * 86400 * 1000000);
    row_set_text(ctx, &t, "id", ctx->tenant_id);
    row_set_text(ctx, &t, "slug", slug);
    row_set_text(ctx, &t, "trial_start_date", ts);
    row_set_text(ctx, &t, "trial_end_date", trial_end);
    row_set(&t, "is_trial_used", val_bool(true));
    row_set_int(&t, "current_user_count", 1);
    rc = crud_insert_row(ctx, tt, &t, err);
    if (rc < 0)
        goto rollback;
    ctx->currency = row_text(&t, "base_currency");
    char user_id[40];
    rc = auth_create_user(ctx, email, password, "admin", str_field(body, "first_name"), str_field(body, "last_name"),
                          user_id, err);
    if (rc < 0)
        goto rollback;
    snprintf(ctx->user_id, sizeof ctx->user_id, "%s", user_id);
    ctx->role = ROLE_ADMIN;
    ctx->role_name = "admin";
    rc = subscription_start(ctx, row_text(&t, "email"), err);
    if (rc == 0)
        rc = usermail_send(ctx, TOKEN_VERIFY, user_id, err);   /* verify the address (domain/verify.c) */
    if (rc < 0)
        goto rollback;
    rc = open_session(ctx, user_id, out, err);
    if (rc < 0)
        goto rollback;
    rc = store_commit(c, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    goto out;
rollback:
    store_rollback(c);
    /* Two sign-ups with one name can choose the same free slug at once (PostgreSQL runs them
     * side by side): the loser's insert waits for the winner's commit and fails on the unique
     * slug. Run it again; it now sees that slug taken and takes the next one. */
    if (rc == -ERR_DUPLICATE && err && strcmp(err->field, "slug") == 0 && ++attempts < 5)
        goto again;
out:
    store_release(c);
    ctx->conn = NULL;
    return rc;
}

/* Finds the tenant for a login: by slug, or by the email when it belongs to one tenant only. */
static int find_tenant(Ctx *ctx, const char *slug, const char *email, char tenant[40], Error *err)
{
    Rows r;
    int rc;
    if (slug) {
        Value p[2] = {val_text(slug), val_bool(true)};
        rc = store_query_global(ctx->conn, &r, "SELECT id FROM tenants WHERE slug = $1 AND is_active = $2", p, 2,
                                err);
    } else {
        Value p[1] = {val_text(email)};
        rc = store_query_global(ctx->conn, &r, "SELECT tenant_id FROM login_emails WHERE email = $1 LIMIT 2", p, 1, err);
    }
    if (rc < 0)
        return rc;
    int n = 0;
    while (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        if (n == 0)
            snprintf(tenant, 40, "%.*s", (int)v.len, v.s);
        n++;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    return n == 1 ? 0 : fail_login(err);
}

/* One row per attempt, in the attempt's own transaction: unknown emails and wrong passwords do
 * the same work (a hash verification and one committed write), so time does not tell them apart. */
static int record_attempt(Ctx *ctx, const char *email, const char *user_id, bool ok, const char *reason, Error *err)
{
    const Table *t = registry_find("login_attempts");
    Row a;
    if (row_init(&a, ctx, t) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, &a, "email", email);
    row_set_text(ctx, &a, "user_id", user_id);
    row_set(&a, "success", val_bool(ok));
    row_set_text(ctx, &a, "reason", reason);
    row_set_text(ctx, &a, "ip_address", ctx->ip);
    row_set_text(ctx, &a, "user_agent", ctx->user_agent);
    return crud_insert_row(ctx, t, &a, err);
}

/* Counts a failed sign-in; the fifth in a row locks the account for LOCKOUT_S and restarts the
 * count. A direct statement, not an audited update: the attempt itself is in login_attempts. */
static int count_failure(Ctx *ctx, const char *email, int64_t fails, Error *err)
{
    char until[40];
    bool lock = fails >= LOCKOUT_FAILURES;
    if (lock)
        ts_format(until, sizeof until, ctx->now + (int64_t)LOCKOUT_S * 1000000);
    Value p[3] = {val_int(lock ? 0 : fails), lock ? val_text(until) : val_null(), val_text(email)};
    return store_exec(ctx->conn,
                      "UPDATE users SET failed_login_attempts = $2, locked_until = COALESCE($3, locked_until)"
                      " WHERE tenant_id = $1 AND email = $4 AND deleted_at IS NULL",
                      p, 3, NULL, err);
}

int auth_login(Store *s, Ctx *ctx, json_t *body, json_t **out, Error *err)
{
    static const char *const keys[] = {"tenant", "email", "password", NULL};
    int rc = only_keys(body, keys, err);
    if (rc < 0)
        return rc;
    const char *slug = str_field(body, "tenant");
    const char *email_in = str_field(body, "email");
    const char *password = str_field(body, "password");
    if (!email_in)
        return err_set(err, ERR_REQUIRED, "email", "email is required");
    if (!password)
        return err_set(err, ERR_REQUIRED, "password", "password is required");
    char *email = arena_strdup(ctx->arena, email_in);
    for (char *p = email; *p; p++)
        *p = (char)tolower((unsigned char)*p);

    Conn *c = NULL;
    rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    ctx->conn = c;
    char tenant[40] = "";
    rc = store_begin(c, NULL, false, err);
    if (rc == 0) {
        rc = find_tenant(ctx, slug, email, tenant, err);
        store_rollback(c);
    }
    if (rc < 0) {
        if (err->code == ERR_UNAUTHENTICATED)
            auth_verify_password(dummy(), password);   /* same cost as a wrong password */
        goto out;
    }
    snprintf(ctx->tenant_id, sizeof ctx->tenant_id, "%s", tenant);
    rc = store_begin(c, ctx, true, err);
    if (rc < 0)
        goto out;
    const Table *ut = registry_find("users");
    Rows r;
    Value p[1] = {val_text(email)};
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT %s FROM users WHERE tenant_id = $1 AND email = $2 AND deleted_at IS NULL%s",
             ut->select_list, store_for_update(c));
    rc = store_query(c, &r, sql, p, 1, err);
    if (rc < 0)
        goto rollback;
    Row u;
    bool found = rows_next(&r);
    if (found)
        codec_from_rows(ctx, ut, &r, &u);
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        goto rollback;
    if (!found) {
        /* The same work as a wrong password: a hash verification, the counter statement (it
         * matches no row here) and the attempt row, in one committed transaction. */
        auth_verify_password(dummy(), password);
        Error e2;
        if (strlen(email) <= 254 && count_failure(ctx, email, 1, &e2) == 0 &&
            record_attempt(ctx, email, NULL, false, "unknown_email", &e2) == 0)
            store_commit(c, &e2);
        else
            store_rollback(c);
        rc = fail_login(err);
        goto out;
    }
    const char *locked = row_text(&u, "locked_until");
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    bool is_locked = locked && strcmp(locked, now) > 0;
    bool ok = auth_verify_password(row_text(&u, "password_hash"), password);
    Row nu;
    row_copy(ctx, &nu, &u);
    if (is_locked || !ok || !row_int(&u, "is_active")) {
        const char *why = is_locked ? "locked" : !ok ? "wrong_password" : "inactive";
        rc = record_attempt(ctx, email, row_text(&u, "id"), false, why, err);
        if (rc < 0)
            goto rollback;
        if (!is_locked && !ok) {
            rc = count_failure(ctx, email, row_int(&u, "failed_login_attempts") + 1, err);
            if (rc < 0)
                goto rollback;
        }
        rc = store_commit(c, err);
        if (rc == 0)
            rc = fail_login(err);
        goto out;
    }
    row_set_int(&nu, "failed_login_attempts", 0);
    row_set(&nu, "locked_until", val_null());
    row_set_text(ctx, &nu, "last_login_at", now);
    row_set_text(ctx, &nu, "last_login_ip", ctx->ip);
    rc = crud_update_row(ctx, ut, &nu, &u, err);
    if (rc == 0)
        rc = record_attempt(ctx, email, row_text(&u, "id"), true, "ok", err);
    if (rc < 0)
        goto rollback;
    snprintf(ctx->user_id, sizeof ctx->user_id, "%s", row_text(&u, "id"));
    ctx->user_email = row_text(&u, "email");
    ctx->role_name = row_text(&u, "role");
    ctx->role = role_parse(ctx->role_name);
    rc = open_session(ctx, ctx->user_id, out, err);
    if (rc < 0)
        goto rollback;
    rc = store_commit(c, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    goto out;
rollback:
    store_rollback(c);
out:
    store_release(c);
    ctx->conn = NULL;
    return rc;
}

int auth_refresh(Store *s, Ctx *ctx, json_t *body, json_t **out, Error *err)
{
    static const char *const keys[] = {"refresh_token", NULL};
    int rc = only_keys(body, keys, err);
    if (rc < 0)
        return rc;
    const char *token = str_field(body, "refresh_token");
    char session_id[40];
    if (!token || parse_refresh(token, ctx->tenant_id, session_id) < 0)
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid refresh token");
    char hash[65];
    id_sha256_hex(hash, token, strlen(token));
    Conn *c = NULL;
    rc = store_acquire(s, &c, err);
    if (rc < 0)
        return rc;
    ctx->conn = c;
    rc = store_begin(c, ctx, true, err);
    if (rc < 0)
        goto out;
    const Table *st = registry_find("sessions");
    Row old;
    rc = crud_get(ctx, st, session_id, true, &old, err);
    if (rc < 0) {
        rc = err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid refresh token");
        goto rollback;
    }
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    const char *cur = row_text(&old, "refresh_token_hash");
    const char *prev = row_text(&old, "previous_token_hash");
    Row nw;
    row_copy(ctx, &nw, &old);
    if (!row_int(&old, "is_active")) {
        rc = err_set(err, ERR_UNAUTHENTICATED, NULL, "session revoked");
        goto rollback;
    }
    if (prev && strcmp(prev, hash) == 0) {
        /* A rotated-out token came back: it was stolen or replayed. Revoke the whole session. */
        row_set(&nw, "is_active", val_bool(false));
        row_set_text(ctx, &nw, "revoked_at", now);
        row_set_text(ctx, &nw, "revoked_reason", "refresh token reuse");
        rc = crud_update_row(ctx, st, &nw, &old, err);
        if (rc == 0)
            rc = store_commit(c, err);
        else
            store_rollback(c);
        log_event(LOG_WARN, ctx->request_id, "refresh token reuse: session revoked", "session_id", session_id, NULL);
        if (rc == 0)
            rc = err_set(err, ERR_UNAUTHENTICATED, NULL, "refresh token already used; the session is revoked");
        goto out;
    }
    const char *exp = row_text(&old, "expires_at");
    if (!cur || strcmp(cur, hash) != 0 || !exp || strcmp(exp, now) <= 0) {
        rc = err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid refresh token");
        goto rollback;
    }
    char refresh[128], access[160], nhash[65];
    make_refresh(refresh, sizeof refresh, ctx->tenant_id, session_id);
    id_sha256_hex(nhash, refresh, strlen(refresh));
    row_set_text(ctx, &nw, "previous_token_hash", hash);
    row_set_text(ctx, &nw, "refresh_token_hash", nhash);
    row_set_text(ctx, &nw, "last_activity_at", now);
    char nexp[40];
    ts_format(nexp, sizeof nexp, ctx->now + (int64_t)REFRESH_TTL_S * 1000000);
    row_set_text(ctx, &nw, "expires_at", nexp);
    rc = crud_update_row(ctx, st, &nw, &old, err);
    if (rc < 0)
        goto rollback;
    const char *user_id = row_text(&old, "user_id");
    make_access(access, sizeof access, ctx->tenant_id, session_id, user_id, ctx->now / 1000000 + ACCESS_TTL_S);
    rc = store_commit(c, err);
    if (rc == 0)
        *out = json_pack("{s:s, s:s, s:s, s:i, s:s}", "access_token", access, "refresh_token", refresh, "token_type",
                         "Bearer", "expires_in", ACCESS_TTL_S, "session_id", session_id);
    goto out;
rollback:
    store_rollback(c);
out:
    store_release(c);
    ctx->conn = NULL;
    return rc;
}

int auth_load_session(Ctx *ctx, const char *session_id, Error *err)
{
    Rows r;
    Value p[2] = {val_text(session_id), val_text(ctx->user_id)};
    int rc = store_query(ctx->conn, &r,
                         "SELECT s.is_active, s.expires_at, u.role, u.email, u.is_active, t.base_currency, t.timezone,"
                         " u.deleted_at, u.role_id, r.permissions, r.is_active, r.deleted_at, t.subscription_status,"
                         " t.trial_end_date FROM sessions s"
                         " JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id"
                         " JOIN tenants t ON t.id = s.tenant_id"
                         " LEFT JOIN roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id"
                         " WHERE s.tenant_id = $1 AND s.id = $2 AND s.user_id = $3",
                         p, 2, err);
    if (rc < 0)
        return rc;
    if (!rows_next(&r)) {
        rc = rows_error(&r, err);
        rows_close(&r);
        return rc < 0 ? rc : err_set(err, ERR_UNAUTHENTICATED, NULL, "session not found");
    }
    Value active = rows_get(&r, 0), exp = rows_get(&r, 1), role = rows_get(&r, 2), email = rows_get(&r, 3),
          uactive = rows_get(&r, 4), cur = rows_get(&r, 5), tz = rows_get(&r, 6), deleted = rows_get(&r, 7);
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    if (!active.i || !uactive.i || deleted.kind != V_NULL || exp.kind != V_TEXT ||
        strncmp(exp.s, now, exp.len) <= 0) {
        rows_close(&r);
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "session expired or revoked");
    }
    ctx->role_name = arena_strndup(ctx->arena, role.s, role.len);
    ctx->role = role_parse(ctx->role_name);
    ctx->user_email = arena_strndup(ctx->arena, email.s, email.len);
    ctx->currency = arena_strndup(ctx->arena, cur.s, cur.len);
    ctx->timezone = arena_strndup(ctx->arena, tz.s, tz.len);
    snprintf(ctx->session_id, sizeof ctx->session_id, "%s", session_id);
    Value role_id = rows_get(&r, 8), perms = rows_get(&r, 9), ractive = rows_get(&r, 10), rdel = rows_get(&r, 11),
          sub = rows_get(&r, 12), tend = rows_get(&r, 13);
    ctx->subscription_status = sub.kind == V_TEXT ? arena_strndup(ctx->arena, sub.s, sub.len) : NULL;
    ctx->trial_end = tend.kind == V_TEXT ? arena_strndup(ctx->arena, tend.s, tend.len) : NULL;
    rc = 0;
    if (role_id.kind != V_NULL) {   /* a custom role: exactly its permissions (none if it is disabled) */
        bool usable = perms.kind == V_TEXT && ractive.i && rdel.kind == V_NULL;
        if (permissions_load(ctx, usable ? perms.s : "[]", usable ? perms.len : 2) < 0)
            rc = err_set(err, ERR_INTERNAL, NULL, "cannot read the user's role");
    }
    rows_close(&r);
    return rc;
}

int auth_logout(Ctx *ctx, const char *session_id, Error *err)
{
    const Table *st = registry_find("sessions");
    Row old;
    int rc = crud_get(ctx, st, session_id, true, &old, err);
    if (rc < 0)
        return rc;
    Row nw;
    row_copy(ctx, &nw, &old);
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    row_set(&nw, "is_active", val_bool(false));
    row_set_text(ctx, &nw, "revoked_at", now);
    row_set_text(ctx, &nw, "revoked_reason", "logout");
    return crud_update_row(ctx, st, &nw, &old, err);
}
