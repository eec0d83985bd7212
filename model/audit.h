/* model/audit.h — the audit trail: one audit_logs row per audited write, in
 * the same transaction as the write. */
#ifndef REMIT_MODEL_AUDIT_H
#define REMIT_MODEL_AUDIT_H

#include "model/registry.h"

/* action: "create", "update", "delete" or an action verb ("finalize"); old/new may be NULL. */
int audit_write(Ctx *ctx, const Table *t, const char *action, const Row *old, const Row *row, Error *err);

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
