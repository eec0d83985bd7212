/* model/tokens.c — one-time tokens mailed to users: password resets (and the
 * set-password links of invitations) and email verifications.
 * Declares the tables only (RESOURCE); the rules live in domain/usertoken.c,
 * domain/password.c and domain/verify.c.
 *
 * Seeds merged here: GST email_verifications (token, expires_at, is_used,
 * used_at), ERP PasswordResetToken (token, expires_at, used) and CRM
 * PASSWORD_RESET_TOKENS (token, expires_at, used_at). The token itself is
 * never stored: token_hash is its SHA-256, so a copy of the database cannot be
 * used to reset anyone's password. Both tables are internal (no generic API)
 * and not audited (the user rows they change are).
 */
#include "model/registry.h"

static const char *const reset_purposes[] = {"reset", "invite", NULL};

static const Field reset_fields[] = {
    F_REF("user_id", "users", REQUIRED | FILTER | CASCADE),
    F_TEXT("token_hash", 64, SECRET | READONLY, .doc = "SHA-256 of the token (seeds: token)"),
    F_ENUM("purpose", reset_purposes, READONLY | FILTER, .def = "reset",
           .doc = "reset: forgotten password (1 h); invite: set-password link of a new user (72 h)"),
    F_TS("expires_at", READONLY),
    F_BOOL("used", READONLY, .def = "false", .doc = "ERP used"),
    F_TS("used_at", READONLY, .doc = "CRM used_at"),
    F_TS("invalidated_at", READONLY, .doc = "Set when a newer token replaced this one"),
    F_TEXT("ip_address", 45, READONLY, .doc = "Where the token was requested from"),
    F_TEXT("user_agent", 512, READONLY),
};

RESOURCE(password_reset_tokens) {
    .name = "password_reset_tokens",
    .doc = "Single-use password reset and invitation tokens (stored hashed)",
    .fields = reset_fields,
    .nfields = COUNT(reset_fields),
    .internal = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};

static const Field verify_fields[] = {
    F_REF("user_id", "users", REQUIRED | FILTER | CASCADE),
    F_TEXT("token_hash", 64, SECRET | READONLY, .doc = "SHA-256 of the token (seeds: token)"),
    F_EMAIL("email", READONLY, .doc = "The address being verified: the token is void once the user's email changes"),
    F_TS("expires_at", READONLY),
    F_BOOL("is_used", READONLY, .def = "false"),
    F_TS("used_at", READONLY),
    F_TS("invalidated_at", READONLY, .doc = "Set when a newer token replaced this one"),
    F_TEXT("ip_address", 45, READONLY),
    F_TEXT("user_agent", 512, READONLY),
};

RESOURCE(email_verifications) {
    .name = "email_verifications",
    .doc = "Single-use email verification tokens (stored hashed)",
    .fields = verify_fields,
    .nfields = COUNT(verify_fields),
    .internal = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};
