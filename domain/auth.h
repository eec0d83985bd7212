/* domain/auth.h — sign-up, sign-in, sessions and access tokens.
 *
 * Access tokens are stateless-signed (HMAC-SHA256 with the server secret) and
 * carry their tenant, session and user ids, so authenticating a request never
 * searches across tenants; each request still checks that its session is
 * active, so a revoked session stops working at once. Refresh tokens are
 * random, stored hashed, and rotated on every use.
 */
#ifndef REMIT_DOMAIN_AUTH_H
#define REMIT_DOMAIN_AUTH_H

#include <jansson.h>

#include "store/store.h"

#define ACCESS_TTL_S (15 * 60)
#define REFRESH_TTL_S (7 * 24 * 3600)
#define LOCKOUT_FAILURES 5
#define LOCKOUT_S (15 * 60)

/* secret: 32 bytes; fast_hash: minimal argon2id cost (test mode only). */
void auth_init(const unsigned char secret[32], bool fast_hash);
/* Makes the dummy password hash unknown sign-ins are verified against now, not on first use
 * (the server calls it at start). */
void auth_warm(void);

/* Each runs its own transaction(s) and returns the sign-in response object in *out:
 * {"access_token","refresh_token","token_type","expires_in","tenant","user"}. */
int auth_signup(Store *s, Ctx *ctx, json_t *body, json_t **out, Error *err);
int auth_login(Store *s, Ctx *ctx, json_t *body, json_t **out, Error *err);
int auth_refresh(Store *s, Ctx *ctx, json_t *body, json_t **out, Error *err);

/* Checks a bearer token's signature and expiry and fills ctx->tenant_id, ctx->user_id and
 * *session_id (no database access). ERR_UNAUTHENTICATED otherwise. */
int auth_decode_access(const char *token, Ctx *ctx, char session_id[40], Error *err);
/* In the request's tenant transaction: checks the session and fills role, email, currency. */
int auth_load_session(Ctx *ctx, const char *session_id, Error *err);
/* The CSRF token of a session, for cookie-authenticated requests: HMAC(secret, "csrf" | session),
 * 43 characters; nothing to store, nothing to look up. */
void auth_csrf_token(char out[64], const char *session_id);
/* Revokes the session (logout). */
int auth_logout(Ctx *ctx, const char *session_id, Error *err);

/* A tenant JSON for responses (id, name, slug, base_currency, timezone, subscription). */
int auth_tenant_json(Ctx *ctx, const char *tenant_id, json_t **out, Error *err);
/* Password hashing (argon2id, libsodium). */
int auth_hash_password(char out[128], const char *password, Error *err);
bool auth_verify_password(const char *hash, const char *password);
/* Creates a user in ctx's tenant (transaction open) with a hashed password; row JSON in *out. */
int auth_create_user(Ctx *ctx, const char *email, const char *password, const char *role, const char *first_name,
                     const char *last_name, char user_id[40], Error *err);

#endif
