/* store/ctx.h — the request context.
 *
 * Built by api/ for each request (or by the CLI for a command) and passed down
 * through domain/ and model/ to the store, which uses tenant_id to scope every
 * statement. It also carries who is acting (for audit and permissions) and the
 * request's arena, which owns everything allocated for the request.
 */
#ifndef REMIT_STORE_CTX_H
#define REMIT_STORE_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"

struct Conn;
struct Store;
struct AuthInfo;

typedef enum Role { ROLE_NONE = 0, ROLE_USER = 1, ROLE_MANAGER = 2, ROLE_ADMIN = 3 } Role;

typedef struct Ctx {
    Arena *arena;
    struct Conn *conn;         /* the request's transaction; NULL for public endpoints */
    struct Store *store;       /* for code that runs its own transactions (sign-in, workers) */
    const char *data_dir;      /* where files live (uploads, mail sink) */
    void *reply_extra;         /* json_t*: keys merged into a create response once (e.g. a new API key) */
    char tenant_id[40];        /* "" = system scope */
    char user_id[40];          /* "" = no user (system, signup) */
    char session_id[40];       /* the sign-in session the request runs under; "" otherwise */
    const char *user_email;
    Role role;
    const char *role_name;
    const struct AuthInfo *auth;   /* permissions (model/perm.h); NULL = role only */
    const char *request_id;
    const char *ip;
    const char *user_agent;
    const char *currency;      /* the tenant's base currency */
    const char *timezone;      /* the tenant's time zone (IANA) */
    const char *subscription_status;   /* the tenant's, for the 402 rule (domain/subscription.c) */
    const char *trial_end;
    int64_t now;               /* clock_now() at the start of the request */
    struct AuditHead *audit_head;  /* a writer of many rows in one transaction (the bill run) keeps
                                    * the audit chain's head here instead of re-reading it for each
                                    * audited row (model/audit.h); NULL otherwise */
    bool test_mode;
} Ctx;

#endif
