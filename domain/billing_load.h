/* domain/billing_load.h — reading one customer's billing data from the
 * database into the pure engine's structs (domain/engine.h), for the preview
 * and the bill run. Reads only; everything lives in ctx->arena.
 */
#ifndef REMIT_DOMAIN_BILLING_LOAD_H
#define REMIT_DOMAIN_BILLING_LOAD_H

#include "domain/company.h"
#include "domain/engine.h"
#include "model/registry.h"

typedef struct BillingData {
    CompanySettings cs;
    EngineSettings settings;
    EngineCustomer customer;
    EngineInput in;
    Date invoice_date;               /* period.end: the date the invoice is dated */
    int64_t exchange_rate_scaled;    /* the customer's rate to base on invoice_date, x 10^6 */
} BillingData;

/* Loads customer_id's plans, services, unbilled time and usage, buckets, discounts, tax rates,
 * statuses, bundles and the fixed fees billed before, for the invoice period [period.start,
 * period.end). ERR_NOT_FOUND naming "customer_id" when there is no such customer. */
int billing_load(Ctx *ctx, const char *customer_id, Period period, BillingData *out, Error *err);

#endif
