/* domain/usermail.h — the mails Remit sends a user about their account:
 * password reset, invitation (set your first password), email verification.
 * Each carries a fresh single-use token (domain/usertoken.h) and goes through
 * the outbox in the caller's transaction.
 */
#ifndef REMIT_DOMAIN_USERMAIL_H
#define REMIT_DOMAIN_USERMAIL_H

#include "domain/usertoken.h"

/* In ctx's tenant write transaction: issues a token of `kind` for the user (replacing older ones) and
 * queues the mail to the user's current address. */
int usermail_send(Ctx *ctx, TokenKind kind, const char *user_id, Error *err);

#endif
