/* domain/tx.h — running domain code in a transaction of its own.
 *
 * Public endpoints (no token: password reset, email verification) and
 * workers have no request transaction; they open one per tenant through
 * tx_run, which commits when the function succeeds and rolls back otherwise.
 */
#ifndef REMIT_DOMAIN_TX_H
#define REMIT_DOMAIN_TX_H

#include "store/store.h"

/* Runs fn(ctx, arg, err) in a transaction of ctx->store scoped to `tenant` (ctx->tenant_id is set to
 * it and ctx->conn to the connection for the call; both are restored afterwards). Commits if fn
 * returned >= 0, and returns fn's result (or the commit's error). */
int tx_run(Ctx *ctx, const char *tenant, bool write, int (*fn)(Ctx *ctx, void *arg, Error *err), void *arg,
           Error *err);

#endif
