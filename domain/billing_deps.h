/* domain/billing_deps.h — what a customer holds, and the service dependencies
 * that rule it (issue 5): the services of a customer's plan assignments on a
 * given day, the check that none of them lacks a prerequisite, and the hooks
 * that keep a plan closed under its services' prerequisites.
 *
 * A customer HOLDS a service on day d when one of its active assignments
 * covers d, the assignment's plan lists the service (and its service_category,
 * when set, is the service's), and no status row cancelled it by d (the
 * customer, the plan, the service or the service in that plan). Suspended
 * services are still held: suspension stops billing, not the subscription.
 * docs/billing-rules.md section 13 has the rules with examples.
 */
#ifndef REMIT_DOMAIN_BILLING_DEPS_H
#define REMIT_DOMAIN_BILLING_DEPS_H

#include "domain/engine.h"
#include "model/registry.h"

/* One customer's assignments, their plans and plan services, the services involved, its status
 * rows and the tenant's dependency rows, as the engine's structs (everything in ctx->arena). */
typedef struct BillingHoldings {
    EngineCustomer customer;
    EngineInput in;                  /* customer_plans, plans, plan_services, services, statuses */
    EngineCustomerPlan *cps;         /* = in.customer_plans, writable (a hook may drop one) */
    const bool *auto_added;          /* parallel to in.plan_services */
    const EngineDependency *deps;
    size_t ndeps;
} BillingHoldings;

/* lock: first lock the customer row (FOR UPDATE on PostgreSQL; SQLite's one writer serialises),
 * as bill runs do, so that two writes checking the same customer's holdings, or a write and a
 * bill run, take turns instead of each passing its check on what the other is changing. */
int billing_holdings_load(Ctx *ctx, const char *customer_id, bool lock, BillingHoldings *out, Error *err);

typedef struct BillingHeld {         /* one service held on a day, through one assignment */
    const EngineService *service;
    const EngineCustomerPlan *cp;
    const EnginePlan *plan;
    bool auto_added;                 /* the plan holds it as another service's prerequisite */
    bool bills;                      /* this assignment bills it that day (engine_plan_winner) */
    EngineStatusKind status;         /* active or suspended: cancelled services are not held */
} BillingHeld;

/* The services held on day d, ordered as the assignments and their plan services were read. */
int billing_held_on(BillingHeld **out, size_t *n, const BillingHoldings *h, Date d, Arena *arena, Error *err);

/* Refuses, with `code` naming `field`, when on some day of `range` the customer would hold a
 * service without one of its prerequisites; the message names them ("missing prerequisites from
 * 2030-06-01: Backup requires Monitoring"). */
int billing_deps_check(const BillingHoldings *h, Period range, ErrCode code, const char *field, Arena *arena,
                       Error *err);

/* The span of an assignment row ([start_date, end_date + 1), empty when inactive). */
Period billing_assignment_row_span(const Row *row);

/* customer_billing_plans hooks (domain/billing.c calls them): after a write, the customer's
 * holdings h (read after the write) over the old and new dates must keep every prerequisite
 * (422); deleting an assignment that another one's services need is a 409. */
int billing_deps_assignment_written(Ctx *ctx, const BillingHoldings *h, const Row *row, const Row *old,
                                    Error *err);
int billing_deps_assignment_deleting(Ctx *ctx, const Row *old, Error *err);

#endif
