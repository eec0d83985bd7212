/* domain/approvals.h — approval workflows for billing items (domain/approvals.c): the tenant's
 * thresholds, the screening of time entries, usage records and discounts when they are written,
 * and the decisions. docs/billing-rules.md section 18 has the rules with a worked example.
 */
#ifndef REMIT_DOMAIN_APPROVALS_H
#define REMIT_DOMAIN_APPROVALS_H

#include "domain/engine.h"
#include "model/registry.h"

/* The tenant settings that make items wait (0 or unset: nothing waits). */
#define APPROVAL_TIME_MINUTES "billing.approval.time_minutes"      /* int: minutes */
#define APPROVAL_USAGE_QUANTITY "billing.approval.usage_quantity"  /* decimal: units */
#define APPROVAL_DISCOUNT_PERCENT "billing.approval.discount_percent" /* decimal: percent */
#define APPROVAL_DISCOUNT_AMOUNT "billing.approval.discount_amount"   /* decimal: base currency */

/* Fills s's approval thresholds from the tenant's settings. s->base must be set (the amount
 * threshold is held in its minor units). ERR_INVALID naming the setting when a stored value
 * cannot be read as its type says, or has more decimals than the base currency. */
int approvals_settings_load(Ctx *ctx, EngineSettings *s, Error *err);

/* Hooks of the three tables that can wait (time_entries, usage_records, discounts), called by
 * their modules' hooks in the write's transaction:
 *  - before_write sets row's approval_status (pending when over a threshold and not decided, or
 *    decided but changed in what was judged);
 *  - after_write opens, re-opens, refreshes or withdraws the item's approvals row to match, and
 *    mails the approvers when the item starts waiting;
 *  - before_delete withdraws a pending request. */
int approvals_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err);
int approvals_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err);
int approvals_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err);

#endif
