/* model/audit.h — the audit trail: one audit_logs row per audited write, in
 * the same transaction as the write. */
#ifndef REMIT_MODEL_AUDIT_H
#define REMIT_MODEL_AUDIT_H

#include "model/registry.h"

/* action: "create", "update", "delete" or an action verb ("finalize"); old/new may be NULL. */
int audit_write(Ctx *ctx, const Table *t, const char *action, const Row *old, const Row *row, Error *err);

#endif
