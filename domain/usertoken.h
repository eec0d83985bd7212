/* domain/usertoken.h — single-use tokens mailed to users: password reset,
 * invitation (set your first password) and email verification.
 *
 * Token text: prefix + base64url(tenant uuid[16] | row id[16] | random[32]):
 *   "rpt_" password_reset_tokens (purpose reset or invite), "rev_" email_verifications.
 * The tenant and the row are read from the token, so a lookup never searches
 * across tenants; only the SHA-256 of the whole text is stored and compared
 * (constant time). Issuing a token marks the user's earlier unused tokens of
 * the same table as replaced (invalidated_at).
 */
#ifndef REMIT_DOMAIN_USERTOKEN_H
#define REMIT_DOMAIN_USERTOKEN_H

#include "model/registry.h"

typedef enum TokenKind { TOKEN_RESET, TOKEN_INVITE, TOKEN_VERIFY } TokenKind;

#define USERTOKEN_MAX 128               /* text length bound, NUL included */
#define RESET_TTL_S (60 * 60)           /* 1 hour (issue 3) */
#define INVITE_TTL_S (72 * 60 * 60)     /* 3 days: an invitation waits for the invitee to read mail */
#define VERIFY_TTL_S (24 * 60 * 60)     /* 24 hours (GST email_verifications) */

int64_t usertoken_ttl_s(TokenKind kind);

/* In ctx's tenant write transaction: replaces the user's older unused tokens of the kind's table and
 * stores a new one; the token text goes to out (cap >= USERTOKEN_MAX). email: the address the token is
 * mailed to (kept on email_verifications, whose token is void once the user's email changes). */
int usertoken_issue(Ctx *ctx, TokenKind kind, const char *user_id, const char *email, char *out, size_t cap,
                    Error *err);

/* The token text shared by every mailed token (these and the notification preference links of
 * domain/notify_link.c): prefix + base64url(tenant uuid[16] | row id[16] | 32 random bytes). out must
 * hold USERTOKEN_MAX. usertoken_split reads the tenant and the row back; -1 if the text is not such a
 * token with that prefix. */
void usertoken_format(char *out, size_t cap, const char *prefix, const char *tenant, const char *row_id);
int usertoken_split(const char *token, const char *prefix, char tenant[40], char row_id[40]);

/* Reads the tenant out of a token of the kind's table without touching the database; -1 if the text is
 * not such a token. */
int usertoken_tenant(const char *token, TokenKind kind, char tenant[40]);

/* In the token's tenant write transaction: finds the token, checks it (hash, unused, not replaced, not
 * expired) and marks it used. *out gets the token row (user_id, purpose, email). Failures are
 * ERR_INVALID on field "token" with a message saying which check failed. */
int usertoken_take(Ctx *ctx, TokenKind kind, const char *token, Row *out, Error *err);

#endif
