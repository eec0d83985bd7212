/* domain/tx.c — one function in one transaction, for code without a request
 * transaction (public endpoints, workers). Exports tx_run.
 *
 * Concurrency notes: the connection is held for the duration of fn only; fn
 * must not do slow work (password hashing, network) — do it before calling.
 */
#include "domain/tx.h"

#include <stdio.h>
#include <string.h>

int tx_run(Ctx *ctx, const char *tenant, bool write, int (*fn)(Ctx *ctx, void *arg, Error *err), void *arg,
           Error *err)
{
    char saved[sizeof ctx->tenant_id];
    memcpy(saved, ctx->tenant_id, sizeof saved);
    struct Conn *saved_conn = ctx->conn;
    Conn *c = NULL;
    int rc = store_acquire(ctx->store, &c, err);
    if (rc < 0)
        return rc;
    snprintf(ctx->tenant_id, sizeof ctx->tenant_id, "%s", tenant ? tenant : "");
    ctx->conn = c;
    rc = store_begin(c, ctx, write, err);
    if (rc == 0) {
        rc = fn(ctx, arg, err);
        if (rc >= 0) {
            int crc = store_commit(c, err);
            if (crc < 0)
                rc = crc;
        } else {
            store_rollback(c);
        }
    }
    store_release(c);
    ctx->conn = saved_conn;
    memcpy(ctx->tenant_id, saved, sizeof saved);
    return rc;
}
