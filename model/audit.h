/* model/audit.h — the audit trail: one audit_logs row per audited write, in
 * the same transaction as the write. */
#ifndef REMIT_MODEL_AUDIT_H
#define REMIT_MODEL_AUDIT_H

#include "model/registry.h"

/* action: "create", "update", "delete" or an action verb ("finalize"); old/new may be NULL. */
int audit_write(Ctx *ctx, const Table *t, const char *action, const Row *old, const Row *row, Error *err);

/* The head of ctx's tenant chain held in memory by a writer of many audited rows in one
 * transaction (the bill run): audit_head_load reads and locks it (FOR UPDATE) and sets
 * ctx->audit_head; audit_write then chains from it without reading or updating the audit_chains
 * row; audit_head_store writes it back once, before the commit. A caller that rolls back to a
 * savepoint restores seq and hash to what they were when it took the savepoint. */
typedef struct AuditHead {
    Row row;                         /* the audit_chains row as read (its version) */
    bool exists;                     /* it was there (else audit_head_store inserts it) */
    int64_t seq;                     /* the last row's seq and hash */
    char hash[65];
} AuditHead;
int audit_head_load(Ctx *ctx, AuditHead *h, Error *err);
int audit_head_store(Ctx *ctx, AuditHead *h, Error *err);

/* Locks ctx's tenant chain head now (FOR UPDATE on PostgreSQL; nothing when the tenant has none
 * yet), for a transaction that will write audited rows and must take the head before the rows it
 * locks: the order the API bill run takes (it holds the head while it locks its customers' rows),
 * so the two queue instead of deadlocking. */
int audit_lock(Ctx *ctx, Error *err);

/* SHA-256 (hex) of prev_hash and the canonical form of an audit row. */
int audit_hash(Ctx *ctx, const Row *a, const char *tenant_id, const char *prev, char out[65]);
/* Walks ctx's tenant chain (transaction open). *out = {"ok", "rows_checked", "first_broken": null |
 * {"seq", "id", "reason", "expected_seq"}}. */
int audit_verify(Ctx *ctx, json_t **out, Error *err);

#endif
