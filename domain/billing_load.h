/* domain/billing_load.h — reading customers' billing data from the database
 * into the pure engine's structs (domain/engine.h), for the preview and the
 * bill run. Reads only; everything lives in ctx->arena.
 *
 * The bill run reads a chunk of customers at once (one query per table for
 * all of them, billing_chunk_load) and cuts each customer's input out of it
 * (billing_chunk_customer); the preview reads the chunk of one customer
 * (billing_load). Both cut the same way, so the preview is the invoice the run
 * makes.
 */
#ifndef REMIT_DOMAIN_BILLING_LOAD_H
#define REMIT_DOMAIN_BILLING_LOAD_H

#include "domain/company.h"
#include "domain/document.h"
#include "domain/engine.h"
#include "model/registry.h"

typedef struct BillingData {
    CompanySettings cs;
    CustomerInfo ci;                 /* the customer as an invoice copies it */
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

/* Parses a plan service's tiers column ([{"up_to": "100"|null, "unit_rate": "0.10", "flat_fee": "0"}])
 * into arena-held EngineTier rows. Strict, so a typo cannot price usage at 0: a key other than those
 * three is ERR_UNKNOWN_FIELD naming "tiers[i].key"; a value that is not a decimal string names
 * "tiers[i].up_to" (etc.). The bounds and rates are then engine_pricing_validate's to judge. Used by
 * the write path (domain/billing_deps.c) and the loader, so both read tiers the same way. */
int billing_tiers_parse(Arena *arena, const char *json, const EngineTier **out, size_t *n, Error *err);

/* ---- chunks of customers (the bill run) ---- */

typedef struct BillingChunkCustomer {
    const char *id;
    CustomerInfo info;
} BillingChunkCustomer;

typedef struct BillingLink {         /* a plan_discounts row and its id (the order of links) */
    const char *id;
    EnginePlanDiscount link;
} BillingLink;

typedef struct BillingPrior {        /* a fee billed before, and whose */
    const char *customer_id;
    EnginePriorCharge charge;
} BillingPrior;

typedef struct BillingPriorUsage {   /* usage billed before, and whose */
    const char *customer_id;
    EnginePriorUsage usage;
} BillingPriorUsage;

typedef struct BillingRate {         /* a currency's rate to base on the invoice date */
    const char *currency;
    int64_t scaled;
    bool missing;                    /* none in force: its customers fail with `error` */
    Error error;
} BillingRate;

/* Everything billing_chunk_customer cuts customers' inputs from. Rows of one customer are
 * sorted by customer id; rows shared by customers by id (plan services, bucket plans: by plan id;
 * bundle services: by bundle id). */
typedef struct BillingChunk {
    Period period;
    CompanySettings cs;
    EngineSettings settings;             /* the tenant's, approval thresholds included */
    BillingChunkCustomer *customers;     size_t ncustomers;
    EngineCustomerPlan *customer_plans;  size_t ncustomer_plans;
    EngineTimeEntry *time_entries;       size_t ntime_entries;
    EngineUsageRecord *usage;            size_t nusage;
    EngineBucketUsage *bucket_usage;     size_t nbucket_usage;
    EngineStatus *statuses;              size_t nstatuses;
    BillingPrior *prior;                 size_t nprior;
    BillingPriorUsage *prior_usage;      size_t nprior_usage;     /* read when the chunk has usage */
    BillingLink *customer_links;         size_t ncustomer_links;   /* customer_id set */
    BillingLink *plan_links;             size_t nplan_links;       /* a plan's, for everyone: by id */
    EnginePlan *plans;                   size_t nplans;
    EnginePlanService *plan_services;    size_t nplan_services;
    EngineService *services;             size_t nservices, capservices;
    EngineBucketPlan *bucket_plans;      size_t nbucket_plans;
    EngineBundle *bundles;               size_t nbundles;
    EngineBundleService *bundle_services;size_t nbundle_services;
    EngineDiscount *discounts;           size_t ndiscounts;
    EngineUser *users;                   size_t nusers;
    EngineTaxRate *tax_rates;            size_t ntax_rates;
    BillingRate rates[16];               size_t nrates;   /* more currencies: read per customer */
} BillingChunk;

/* Reads the billing data of every customer whose id is in [first, last] (ids compared as the
 * database orders them), for the invoice period: one query per table. In ctx->arena. */
int billing_chunk_load(Ctx *ctx, const char *first, const char *last, Period period, BillingChunk *out,
                       Error *err);

/* One customer's input out of a chunk, exactly what billing_load would read for it. The arrays
 * made for it live in ctx->arena (which may be the customer's own, freed before the chunk's);
 * the rows point into the chunk. ERR_NOT_FOUND when the chunk has no such customer. */
int billing_chunk_customer(Ctx *ctx, const BillingChunk *ch, const char *customer_id, BillingData *out,
                           Error *err);

#endif
