/* domain/users.c — user management by admins. Exports users_init, which
 * attaches hooks to the users table:
 *
 * Create (POST /api/v1/users, users.write: admins). Either with a "password"
 * (8..256 characters, stored as argon2id): the user can sign in at once and
 * gets an email verification mail; or without one: an invitation — the user
 * gets a set-password link (a password_reset_tokens row with purpose
 * "invite", 72 hours) and cannot sign in until they use it. An invited
 * user's password_hash is the argon2id hash of 32 random bytes nobody knows,
 * so signing in as them costs the same time as a wrong password.
 * The email is added to login_emails (sign-in without a tenant slug).
 *
 * Update: changing the email updates login_emails, clears email_verified and
 * mails a verification link to the new address; deactivating a user revokes
 * their sessions; the last active admin cannot be demoted or deactivated (409).
 * "password" is refused on update: passwords change through the reset flow.
 * Nobody grants more than they hold: giving the admin role takes a built-in
 * admin, and giving a custom role (role_id) takes holding each of its
 * permissions (403), so a custom role with users.write is not a way up.
 * Nor does anyone change the email, role, password or status of a user who
 * outranks them (perm_rank), or raise a user above their own rank (403): an
 * email change moves the password-reset channel, so it is a takeover.
 *
 * Delete (soft): an admin cannot delete themselves or the last active admin
 * (409). Deleting anonymises the row first — email becomes
 * deleted-<id>@anonymized.invalid, names, phone, position, avatar, last
 * sign-in IP, time zone and language become null, the password unusable —
 * revokes the user's sessions and erases their IP and user agent, gives
 * their sign-in attempts (login_attempts) the anonymised email and erases
 * the IP and user agent there too, removes the login_emails row and the
 * user's one-time tokens, and redacts the mails addressed to them in the
 * outbox. The audit trail is never rewritten (legal
 * retention): earlier audit rows keep what they recorded, and the
 * anonymisation itself is audited as action "anonymize" with the new values
 * only, so it does not copy the personal data into a new row.
 *
 * Concurrency notes: the last-admin check locks every active admin row
 * (FOR UPDATE on PostgreSQL; the SQLite writer lock serialises), so two
 * admins removing each other at once cannot leave the tenant without one:
 * the second sees the first's change, or PostgreSQL reports the deadlock as
 * a retryable 409.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/id.h"
#include "domain/auth.h"
#include "domain/domain.h"
#include "domain/password.h"
#include "domain/usermail.h"
#include "model/audit.h"
#include "model/codec.h"
#include "model/crud.h"
#include "model/perm.h"

/* A hash nobody can match: argon2id of random bytes, so verification costs what a real one does. */
static int unusable_password(Ctx *ctx, Row *row, bool mark_set, Error *err)
{
    unsigned char raw[32];
    char text[64], hash[128];
    randombytes_buf(raw, sizeof raw);
    id_b64url_encode(text, sizeof text, raw, sizeof raw);
    int rc = auth_hash_password(hash, text, err);
    sodium_memzero(text, sizeof text);
    if (rc < 0)
        return rc;
    int c = table_col(row->t, "password_hash");
    row->v[c] = val_text(arena_strdup(ctx->arena, hash));
    if (mark_set)
        row->set[c] = 1;
    return 0;
}

static int users_extra_input(Ctx *ctx, const Table *t, Row *row, const char *key, json_t *value, Error *err)
{
    if (strcmp(key, "password") != 0)
        return 0;
    if (row->v[t->col_id].kind != V_NULL)
        return err_set(err, ERR_READONLY, "password",
                       "password cannot be set here; use POST /api/v1/auth/password/forgot to reset it");
    if (!json_is_string(value))
        return err_set(err, ERR_TYPE, "password", "password must be a string");
    int rc = password_check(json_string_value(value), err);
    if (rc < 0)
        return rc;
    char hash[128];
    rc = auth_hash_password(hash, json_string_value(value), err);
    if (rc < 0)
        return rc;
    row_set_text(ctx, row, "password_hash", hash);   /* marked set: the user chose no invitation */
    return 1;
}

/* Counts the active admins other than `except`, locking their rows. */
static int other_admins(Ctx *ctx, const char *except, int64_t *out, Error *err)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT id FROM users WHERE tenant_id = $1 AND role = $2 AND is_active = $3 AND deleted_at IS NULL"
             " ORDER BY id%s",
             store_for_update(ctx->conn));
    Rows r;
    Value p[2] = {val_text("admin"), val_bool(true)};
    int rc = store_query(ctx->conn, &r, sql, p, 2, err);
    if (rc < 0)
        return rc;
    *out = 0;
    while (rows_next(&r)) {
        Value id = rows_get(&r, 0);
        if (!(id.len == strlen(except) && memcmp(id.s, except, id.len) == 0))
            (*out)++;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static bool active_admin(const Row *r)
{
    const char *role = row_text(r, "role");
    return role && strcmp(role, "admin") == 0 && row_int(r, "is_active");
}

static bool text_differs(const Row *a, const Row *b, const char *field)
{
    const char *x = row_text(a, field), *y = row_text(b, field);
    return (x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0);
}

static bool is_builtin_admin(const Ctx *ctx)
{
    return ctx->role >= ROLE_ADMIN && !(ctx->auth && ctx->auth->permissions);
}

/* Nobody grants more than they hold: the admin role only by an admin, a custom role only by
 * someone who holds each of its permissions (a custom role with users.write is not a way up). */
static int check_grant(Ctx *ctx, const Row *row, const Row *old, Error *err)
{
    const char *role = row_text(row, "role");
    bool to_admin = role && strcmp(role, "admin") == 0 && (!old || !row_text(old, "role") ||
                                                            strcmp(row_text(old, "role"), "admin") != 0);
    if (to_admin && !is_builtin_admin(ctx))
        return err_set(err, ERR_FORBIDDEN, "role", "only an admin can give the admin role");
    const char *role_id = row_text(row, "role_id");
    if (!role_id || (old && !text_differs(row, old, "role_id")))
        return 0;
    return permissions_check_role(ctx, role_id, "role_id", err);
}

/* See the banner: the fields that decide who can sign in as the user and with what rights. */
static int check_rank(Ctx *ctx, const Row *row, const Row *old, Error *err)
{
    Role mine = perm_rank(ctx);
    if (old && role_parse(row_text(old, "role")) > mine) {
        static const char *const guarded[] = {"email", "role", "password_hash"};
        for (size_t i = 0; i < sizeof guarded / sizeof guarded[0]; i++)
            if (text_differs(row, old, guarded[i]))
                return err_set(err, ERR_FORBIDDEN, strcmp(guarded[i], "password_hash") ? guarded[i] : "password",
                               "you cannot change the %s of a user whose role is higher than yours",
                               strcmp(guarded[i], "password_hash") ? guarded[i] : "password");
        if (row_int(row, "is_active") != row_int(old, "is_active"))
            return err_set(err, ERR_FORBIDDEN, "is_active",
                           "you cannot change the is_active of a user whose role is higher than yours");
    }
    if (role_parse(row_text(row, "role")) > mine && (!old || text_differs(row, old, "role")))
        return err_set(err, ERR_FORBIDDEN, "role", "you cannot give a role higher than yours (%s)", role_name(mine));
    return 0;
}

static int users_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int grc = check_grant(ctx, row, old, err);
    if (grc == 0)
        grc = check_rank(ctx, row, old, err);
    if (grc < 0)
        return grc;
    if (!old) {
        int c = table_col(t, "password_hash");
        if (!row->set[c])   /* an invitation: not marked set, so after_write knows */
            return unusable_password(ctx, row, false, err);
        return 0;
    }
    if (active_admin(old) && !active_admin(row)) {
        int64_t n = 0;
        int rc = other_admins(ctx, row_text(old, "id"), &n, err);
        if (rc < 0)
            return rc;
        if (n == 0)
            return err_set(err, ERR_CONFLICT, row_int(row, "is_active") ? "role" : "is_active",
                           "the tenant's last active admin cannot be demoted or deactivated");
    }
    if (text_differs(row, old, "email")) {
        row_set(row, "email_verified", val_bool(false));
        row_set(row, "email_verified_at", val_null());
    }
    return 0;
}

static int revoke_sessions(Ctx *ctx, const char *user_id, const char *reason, bool erase_client, Error *err)
{
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    Value p[5] = {val_bool(false), val_text(now), val_text(reason), val_text(user_id), val_bool(true)};
    int rc = store_exec(ctx->conn,
                        "UPDATE sessions SET is_active = $2, revoked_at = $3, revoked_reason = $4, updated_at = $3,"
                        " version = version + 1 WHERE tenant_id = $1 AND user_id = $5 AND is_active = $6",
                        p, 5, NULL, err);
    if (rc == 0 && erase_client) {
        Value q[1] = {val_text(user_id)};
        rc = store_exec(ctx->conn, "UPDATE sessions SET ip_address = NULL, user_agent = NULL WHERE tenant_id = $1"
                                   " AND user_id = $2", q, 1, NULL, err);
    }
    return rc;
}

static int users_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    const char *id = row_text(row, "id");
    if (!old) {
        Value p[3] = {row_get(row, "email"), val_text(ctx->tenant_id), val_text(id)};
        int rc = store_exec_global(ctx->conn, "INSERT INTO login_emails (email, tenant_id, user_id) VALUES ($1, $2, $3)",
                                   p, 3, NULL, err);
        if (rc < 0)
            return rc;
        bool invited = !row->set[table_col(t, "password_hash")];
        return usermail_send(ctx, invited ? TOKEN_INVITE : TOKEN_VERIFY, id, err);
    }
    int rc = 0;
    if (text_differs(row, old, "email")) {
        Value p[3] = {row_get(row, "email"), val_text(ctx->tenant_id), val_text(id)};
        rc = store_exec_global(ctx->conn, "UPDATE login_emails SET email = $1 WHERE tenant_id = $2 AND user_id = $3", p,
                               3, NULL, err);
        if (rc == 0)
            rc = usermail_send(ctx, TOKEN_VERIFY, id, err);
    }
    if (rc == 0 && row_int(old, "is_active") && !row_int(row, "is_active"))
        rc = revoke_sessions(ctx, id, "user deactivated", false, err);
    return rc;
}

/* Rewrites the user's personal fields in place (see the banner). */
static int anonymise(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    const char *id = row_text(old, "id");
    char email[96], now[40];
    snprintf(email, sizeof email, "deleted-%s@anonymized.invalid", id);
    ts_format(now, sizeof now, ctx->now);
    Row nw;
    row_copy(ctx, &nw, old);
    int rc = unusable_password(ctx, &nw, true, err);
    if (rc < 0)
        return rc;
    static const char *const personal[] = {"first_name", "last_name", "phone", "position", "avatar_url",
                                           "last_login_ip", "timezone", "language", "email_verified_at",
                                           "locked_until"};
    for (size_t i = 0; i < sizeof personal / sizeof personal[0]; i++)
        row_set(&nw, personal[i], val_null());
    row_set_text(ctx, &nw, "email", email);
    row_set(&nw, "is_active", val_bool(false));
    row_set(&nw, "email_verified", val_bool(false));
    row_set_int(&nw, "failed_login_attempts", 0);
    row_set_int(&nw, "version", row_int(old, "version") + 1);
    row_set_text(ctx, &nw, "updated_at", now);
    Value p[8] = {row_get(&nw, "email"), row_get(&nw, "password_hash"), val_bool(false), val_int(0),
                  row_get(&nw, "version"), val_text(now), val_text(id), row_get(old, "version")};
    int64_t changes = 0;
    rc = store_exec(ctx->conn,
                    "UPDATE users SET email = $2, password_hash = $3, first_name = NULL, last_name = NULL, phone = NULL,"
                    " position = NULL, avatar_url = NULL, last_login_ip = NULL, timezone = NULL, language = NULL,"
                    " email_verified_at = NULL, locked_until = NULL, is_active = $4, email_verified = $4,"
                    " failed_login_attempts = $5, version = $6, updated_at = $7"
                    " WHERE tenant_id = $1 AND id = $8 AND version = $9",
                    p, 8, &changes, err);
    if (rc < 0)
        return rc;
    if (changes != 1)
        return err_set(err, ERR_PRECONDITION, NULL, "the user was changed by another request; re-read it and retry");
    rc = audit_write(ctx, t, "anonymize", NULL, &nw, err);
    if (rc == 0)
        rc = revoke_sessions(ctx, id, "user deleted", true, err);
    Value u[1] = {val_text(id)};
    if (rc == 0) {
        Value g[2] = {val_text(ctx->tenant_id), val_text(id)};
        rc = store_exec_global(ctx->conn, "DELETE FROM login_emails WHERE tenant_id = $1 AND user_id = $2", g, 2, NULL,
                               err);
    }
    if (rc == 0) {   /* the sign-in log keeps the attempts, not who made them */
        Value l[3] = {val_text(email), val_text(id), row_get(old, "email")};
        rc = store_exec(ctx->conn,
                        "UPDATE login_attempts SET email = $2, ip_address = NULL, user_agent = NULL"
                        " WHERE tenant_id = $1 AND (user_id = $3 OR (user_id IS NULL AND email = $4))",
                        l, 3, NULL, err);
    }
    if (rc == 0)
        rc = store_exec(ctx->conn, "DELETE FROM password_reset_tokens WHERE tenant_id = $1 AND user_id = $2", u, 1,
                        NULL, err);
    if (rc == 0)
        rc = store_exec(ctx->conn, "DELETE FROM email_verifications WHERE tenant_id = $1 AND user_id = $2", u, 1, NULL,
                        err);
    if (rc == 0) {
        Value o[6] = {val_text(email), val_text("{\"redacted\":true}"), val_text("users"), val_text(id),
                      val_text("dead"), val_text("the recipient was deleted")};
        rc = store_exec(ctx->conn,
                        "UPDATE outbox SET recipient = $2, payload = $3,"
                        " last_error = CASE WHEN status IN ('pending', 'failed') THEN $7 ELSE last_error END,"
                        " status = CASE WHEN status IN ('pending', 'failed') THEN $6 ELSE status END"
                        " WHERE tenant_id = $1 AND related_table = $4 AND related_id = $5",
                        o, 6, NULL, err);
    }
    return rc;
}

static int users_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    const char *id = row_text(old, "id");
    if (id && strcmp(id, ctx->user_id) == 0)
        return err_set(err, ERR_CONFLICT, NULL, "you cannot delete your own user; ask another admin");
    if (active_admin(old)) {
        int64_t n = 0;
        int rc = other_admins(ctx, id, &n, err);
        if (rc < 0)
            return rc;
        if (n == 0)
            return err_set(err, ERR_CONFLICT, NULL, "the tenant's last active admin cannot be deleted");
    }
    return anonymise(ctx, t, old, err);
}

static const Hooks user_hooks = {
    .before_write = users_before_write,
    .after_write = users_after_write,
    .before_delete = users_before_delete,
    .extra_input = users_extra_input,
};

void users_init(void)
{
    table_set_hooks("users", &user_hooks);
}
