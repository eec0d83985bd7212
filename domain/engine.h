/* domain/engine.h — the rating engine: plans, Fixed/Time/Usage services,
 * buckets, bundles, proration, discounts, tax and currency, as pure functions
 * over plain structs.
 *
 * The engine never reads or writes the database, never looks at the clock and
 * never allocates except from the Arena its caller passes. A bill run (or the
 * preview endpoint) reads the rows below, fills an EngineInput, calls
 * engine_rate(), and writes what the EngineResult says: invoice lines, the
 * charged-through dates, bucket_usage rows and which time entries and usage
 * records were consumed. The same input always gives the same result, so the
 * preview of a customer is exactly the invoice the run makes.
 *
 * ---------------------------------------------------------------------------
 * Mapping onto the tables (msp-flexible-billing.md; one struct per table, the
 * seed's column names in the comments; "Remit addition" marks a column the
 * seed does not have and docs/billing-rules.md explains):
 *
 *   service_catalog (Remit: services)  EngineService
 *   service_categories                 (category_id strings only)
 *   billing_plans                      EnginePlan
 *   plan_services                      EnginePlanService (+ EngineTier rows)
 *   plan_service_tiers (Remit)         EngineTier
 *   company_billing_plans              EngineCustomerPlan (Remit: customer_billing_plans)
 *   users (rate)                       EngineUser
 *   time_entries                       EngineTimeEntry
 *   usage_tracking                     EngineUsageRecord
 *   bucket_plans                       EngineBucketPlan
 *   bucket_usage                       EngineBucketUsage (read) / EngineBucketResult (written)
 *   discounts                          EngineDiscount
 *   plan_discounts                     EnginePlanDiscount
 *   tax_rates                          EngineTaxRate
 *   currencies                         EngineCustomer.currency + exchange_rate_to_base,
 *                                      EngineAmount (reports)
 *   service_dependencies               EngineDependency
 *   service_bundles                    EngineBundle
 *   bundle_services                    EngineBundleService
 *   client_status                      EngineStatus
 *   approvals                          the `approval` field of the rows it approves
 *   invoice_items (earlier invoices)   EnginePriorCharge, EnginePriorUsage
 *   invoice_items (this invoice)       EngineCharge (one per line, with its trace)
 *   companies / customers              EngineCustomer
 *   tenant settings                    EngineSettings
 *
 * Conventions (docs/billing-rules.md has each with a worked example):
 *  - Money is int64 minor units; rates, quantities and percentages are Dec.
 *    Prices (default_rate, custom_rate, hourly_rate, overage_rate, tier rates,
 *    bundle_price, fixed discount values) are in the tenant's base currency.
 *  - A line is rated in the base currency and rounded once (amount_base),
 *    converted once to the customer's currency (amount), discounted (each
 *    discount rounded once), and taxed on the discounted amount (rounded once,
 *    or once per half for CGST/SGST). Totals are sums of rounded lines.
 *  - Periods are half-open [start, end). Stored end dates (plan assignments,
 *    discounts, tax rates) are INCLUSIVE last days, as users enter them; the
 *    engine turns them into [start, end + 1).
 *  - Every id is the row's UUID as text; NULL means "none" (SQL NULL).
 *
 * Fallible functions return 0 or -ERR_xxx and fill err (which may be NULL).
 */
#ifndef REMIT_DOMAIN_ENGINE_H
#define REMIT_DOMAIN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/decimal.h"
#include "core/error.h"
#include "core/money.h"

/* Scale of quantities the engine produces (hours from minutes, packages). */
#define ENGINE_QTY_SCALE 6

/* ------------------------------------------------------------------------ */
/* Enumerations (each has a _parse from the stored text and a _name).        */

typedef enum EngineServiceType { /* service_catalog.service_type */
    ENGINE_SERVICE_FIXED,        /* "Fixed" */
    ENGINE_SERVICE_TIME,         /* "Time" */
    ENGINE_SERVICE_USAGE         /* "Usage" */
} EngineServiceType;

typedef enum EnginePlanType { /* billing_plans.plan_type */
    ENGINE_PLAN_FIXED,        /* "fixed" */
    ENGINE_PLAN_TIME_BASED,   /* "time-based" */
    ENGINE_PLAN_USAGE_BASED,  /* "usage-based" */
    ENGINE_PLAN_BUCKET        /* "bucket" */
} EnginePlanType;

typedef enum EngineTiming { /* billing_plans.billing_timing (Remit addition) */
    ENGINE_ARREARS,         /* "arrears": a cycle's fixed fee is billed when the cycle ends */
    ENGINE_ADVANCE          /* "advance": billed when the cycle (or the assignment) starts */
} EngineTiming;

typedef enum EnginePricing { /* plan_services.pricing_model (Remit addition) */
    ENGINE_PRICE_PER_UNIT,   /* "per_unit": quantity x rate */
    ENGINE_PRICE_GRADUATED,  /* "graduated": each tier's units at that tier's rate */
    ENGINE_PRICE_VOLUME,     /* "volume": every unit at the rate of the tier the total reaches */
    ENGINE_PRICE_PACKAGE     /* "package": ceil(quantity / package_size) x rate per package */
} EnginePricing;

typedef enum EngineApproval { /* approvals.status of the row's approval, if any */
    ENGINE_APPROVAL_NONE,     /* no approval row */
    ENGINE_APPROVAL_PENDING,  /* "pending" */
    ENGINE_APPROVAL_APPROVED, /* "approved" */
    ENGINE_APPROVAL_REJECTED  /* "rejected" */
} EngineApproval;

typedef enum EngineStatusKind { /* client_status.status */
    ENGINE_STATUS_ACTIVE,       /* "active" */
    ENGINE_STATUS_SUSPENDED,    /* "suspended" */
    ENGINE_STATUS_CANCELLED     /* "cancelled" */
} EngineStatusKind;

typedef enum EngineDiscountType { /* discounts.discount_type */
    ENGINE_DISCOUNT_PERCENTAGE,   /* "percentage": value is a percent (10 = 10%) */
    ENGINE_DISCOUNT_FIXED         /* "fixed": value is an amount in the base currency */
} EngineDiscountType;

typedef enum EngineDiscountScope { /* derived from the plan_discounts link */
    ENGINE_SCOPE_SERVICE,          /* service_id set: the lines of that service */
    ENGINE_SCOPE_PLAN,             /* plan_id set: the lines of that plan */
    ENGINE_SCOPE_INVOICE           /* neither: the whole invoice */
} EngineDiscountScope;

typedef enum EngineChargeKind {
    ENGINE_CHARGE_FIXED,          /* a Fixed service's recurring fee, prorated */
    ENGINE_CHARGE_BUNDLE,         /* a bundle's price, replacing its services' fixed fees */
    ENGINE_CHARGE_TIME,           /* billable hours x rate */
    ENGINE_CHARGE_USAGE,          /* quantity x rate, tiers or packages */
    ENGINE_CHARGE_BUCKET_OVERAGE, /* hours beyond allowance + rollover x overage rate */
    ENGINE_CHARGE_ADJUSTMENT,     /* correction of a fixed fee billed earlier (credit if < 0) */
    ENGINE_CHARGE_ACCOUNT         /* a ledger adjustment (domain/ledger.c), billed as it was entered */
} EngineChargeKind;

typedef enum EngineRateSource {
    ENGINE_RATE_CUSTOM,          /* plan_services.custom_rate */
    ENGINE_RATE_PLAN,            /* billing_plans.hourly_rate */
    ENGINE_RATE_SERVICE_DEFAULT, /* service_catalog.default_rate */
    ENGINE_RATE_USER,            /* users.rate (plan says use_user_rate) */
    ENGINE_RATE_BUNDLE,          /* service_bundles.bundle_price */
    ENGINE_RATE_OVERAGE,         /* bucket_plans.overage_rate */
    ENGINE_RATE_TIERS,           /* plan_service_tiers */
    ENGINE_RATE_ENTERED          /* an amount entered in the ledger (account adjustments) */
} EngineRateSource;

typedef enum EngineTaxKind {
    ENGINE_TAX_NONE,             /* no rate in force for the region (a warning says so) */
    ENGINE_TAX_EXEMPT_CUSTOMER,  /* customers.is_tax_exempt */
    ENGINE_TAX_EXEMPT_SERVICE,   /* services.is_tax_exempt */
    ENGINE_TAX_SIMPLE,           /* one tax at the rate (VAT, sales tax) */
    ENGINE_TAX_GST_INTRA,        /* CGST + SGST, half the rate each */
    ENGINE_TAX_GST_INTER         /* IGST at the full rate */
} EngineTaxKind;

/* What happened to one time entry or usage record. */
typedef enum EngineOutcome {
    ENGINE_OUT_BILLED,           /* rated on a line of this result */
    ENGINE_OUT_IN_BUCKET,        /* counted against a bucket (consumed; line = overage or -1) */
    ENGINE_OUT_INCLUDED,         /* its service is not metered that way (time on a Fixed
                                  * service is included in the fee): consumed, no charge */
    ENGINE_OUT_NOT_BILLABLE,     /* time_entries.billable = false */
    ENGINE_OUT_PENDING_APPROVAL, /* needs approval and has none yet */
    ENGINE_OUT_REJECTED,         /* its approval was rejected */
    ENGINE_OUT_NO_PLAN,          /* no active plan assignment covers the service that day */
    ENGINE_OUT_SUSPENDED,        /* the service was suspended that day */
    ENGINE_OUT_CANCELLED,        /* the service was cancelled by then */
    ENGINE_OUT_NOT_DUE,          /* its plan's cycle ends after this invoice period */
    ENGINE_OUT_OTHER_CUSTOMER    /* belongs to another customer (caller error, never billed) */
} EngineOutcome;

int engine_service_type_parse(EngineServiceType *out, const char *s);
int engine_plan_type_parse(EnginePlanType *out, const char *s);
int engine_timing_parse(EngineTiming *out, const char *s);
int engine_pricing_parse(EnginePricing *out, const char *s);
int engine_approval_parse(EngineApproval *out, const char *s);
int engine_status_parse(EngineStatusKind *out, const char *s);
int engine_discount_type_parse(EngineDiscountType *out, const char *s);
const char *engine_service_type_name(EngineServiceType v);
const char *engine_plan_type_name(EnginePlanType v);
const char *engine_timing_name(EngineTiming v);
const char *engine_pricing_name(EnginePricing v);
const char *engine_approval_name(EngineApproval v);
const char *engine_status_name(EngineStatusKind v);
const char *engine_discount_type_name(EngineDiscountType v);
const char *engine_scope_name(EngineDiscountScope v);
const char *engine_charge_kind_name(EngineChargeKind v);
const char *engine_rate_source_name(EngineRateSource v);
const char *engine_tax_kind_name(EngineTaxKind v);
const char *engine_outcome_name(EngineOutcome v);

/* ------------------------------------------------------------------------ */
/* Input rows.                                                              */

typedef struct EngineSettings {      /* tenant settings */
    const Currency *base;            /* the tenant's base currency: every price is in it */
    Rounding rounding;               /* half-up by default, half-even by setting */
    int64_t time_approval_minutes;   /* time entries longer than this need approval; 0 = never */
    bool has_usage_approval;
    Dec usage_approval_quantity;     /* usage records above this quantity need approval */
    bool has_discount_approval_percent;
    Dec discount_approval_percent;   /* percentage discounts above this need approval */
    int64_t discount_approval_amount;/* fixed discounts above this (base minor units); 0 = none */
    bool gst;                        /* the seller charges Indian GST (split by place of supply) */
    const char *seller_state_code;   /* two-digit GST state code of the seller */
    Dec default_tax_rate;            /* gst_settings.default_rate: a line of no tax category and no
                                      * rate of its service is taxed at it (0: untaxed) */
} EngineSettings;

typedef struct EngineCustomer {      /* customers (seed: companies) + currencies */
    const char *id;                  /* company_id */
    const Currency *currency;        /* customers.currency: the invoice's currency */
    Dec exchange_rate_to_base;       /* currencies.exchange_rate_to_base of that currency, in
                                      * force on the invoice date: base units per 1 unit (1 for
                                      * the base itself); stored on the invoice */
    const char *tax_region;          /* matched against tax_rates.region (NULL: none) */
    const char *state_code;          /* GST place of supply (NULL/"": the seller's state) */
    bool is_tax_exempt;              /* customers.is_tax_exempt */
} EngineCustomer;

typedef struct EngineService {       /* service_catalog (Remit: services) */
    const char *id;                  /* service_id */
    const char *name;                /* service_name */
    EngineServiceType type;          /* service_type */
    Dec default_rate;                /* default_rate (per unit, hour or package) */
    const char *unit;                /* unit_of_measure */
    const char *category_id;         /* category_id */
    const char *tax_category;        /* Remit addition (issue 4): NULL = the region's general rate */
    bool is_tax_exempt;              /* Remit addition: service-level exemption */
    bool has_tax_rate;               /* services.tax_rate is set: the service's own rate, used */
    Dec tax_rate;                    /* when it has no tax category (percent) */
} EngineService;

typedef struct EnginePlan {          /* billing_plans */
    const char *id;                  /* plan_id */
    const char *name;                /* plan_name */
    Frequency frequency;             /* billing_frequency */
    bool is_custom;                  /* is_custom */
    EnginePlanType type;             /* plan_type */
    bool has_hourly_rate;
    Dec hourly_rate;                 /* Remit addition: the plan's rate for Time services */
    bool use_user_rate;              /* Remit addition: Time at the user's own rate */
    bool no_proration;               /* Remit addition: partial cycles are billed in full */
    EngineTiming timing;             /* Remit addition: fixed fees in arrears (default) or advance */
} EnginePlan;

typedef struct EngineTier {          /* plan_service_tiers (Remit addition), ordered by up_to */
    bool unbounded;                  /* the last tier: no upper bound */
    Dec up_to;                       /* upper bound of the tier, inclusive */
    Dec unit_rate;                   /* price per unit inside the tier */
    Dec flat_fee;                    /* charged once when the quantity reaches the tier */
} EngineTier;

typedef struct EnginePlanService {   /* plan_services */
    const char *plan_id;             /* plan_id */
    const char *service_id;          /* service_id */
    int64_t quantity;                /* quantity: units of a Fixed service per cycle */
    bool has_custom_rate;
    Dec custom_rate;                 /* custom_rate */
    EnginePricing pricing;           /* Remit addition: Usage pricing model */
    Dec package_size;                /* Remit addition: units per package (package pricing) */
    const EngineTier *tiers;         /* Remit addition: graduated / volume tiers */
    size_t ntiers;
    const char *bundle_id;           /* Remit addition: the bundle this service came with */
} EnginePlanService;

typedef struct EngineCustomerPlan {  /* company_billing_plans (Remit: customer_billing_plans) */
    const char *id;                  /* company_billing_id */
    const char *customer_id;         /* company_id */
    const char *plan_id;             /* plan_id */
    const char *service_category;    /* service_category: only the plan's services of that
                                      * category are covered (NULL: all of them) */
    Date start_date;                 /* start_date: first day covered */
    bool has_end_date;
    Date end_date;                   /* end_date: LAST day covered (inclusive) */
    bool is_active;                  /* is_active */
    bool has_anchor;
    Date anchor;                     /* Remit addition: billing cycle anchor; default
                                      * engine_default_anchor(frequency, start_date) */
    bool has_charged_through;
    Date charged_through;            /* Remit addition (Kill Bill's CTD): fixed fees are billed
                                      * for cycles starting before it; none = never billed */
} EngineCustomerPlan;

typedef struct EngineUser {          /* users */
    const char *id;                  /* user_id */
    bool has_rate;
    Dec rate;                        /* rate: the user's hourly rate */
} EngineUser;

typedef struct EngineTimeEntry {     /* time_entries */
    const char *id;                  /* entry_id */
    const char *customer_id;         /* Remit addition: the customer billed (via the ticket) */
    const char *user_id;             /* user_id */
    const char *ticket_id;           /* ticket_id */
    const char *service_id;          /* service_id */
    Timestamp start_time, end_time;  /* start_time, end_time */
    int64_t duration;                /* duration in minutes; < 0: derived from the times */
    Date work_date;                  /* the tenant-local date of start_time (the caller's
                                      * time-zone work: the engine does none) */
    bool billable;                   /* billable */
    EngineApproval approval;         /* its approvals row (item_type 'time_entry') */
} EngineTimeEntry;

typedef struct EngineUsageRecord {   /* usage_tracking */
    const char *id;                  /* usage_id */
    const char *customer_id;         /* company_id */
    const char *service_id;          /* service_id */
    Date usage_date;                 /* usage_date */
    Dec quantity;                    /* quantity */
    EngineApproval approval;         /* its approvals row (item_type 'usage') */
} EngineUsageRecord;

/* Quantity and amount already billed for a usage cycle (earlier invoices), so
 * that late records are priced at the margin of the tiers, not from zero. */
typedef struct EnginePriorUsage {
    const char *customer_plan_id, *service_id;
    Period cycle;
    Dec quantity;
    int64_t amount_base;
} EnginePriorUsage;

typedef struct EngineBucketPlan {    /* bucket_plans */
    const char *id;                  /* bucket_plan_id */
    const char *plan_id;             /* plan_id */
    Dec total_hours;                 /* total_hours per period */
    Frequency billing_period;        /* billing_period */
    Dec overage_rate;                /* overage_rate per hour */
    bool allow_rollover;             /* Remit addition: unused hours carry one period */
    bool prorate_allowance;          /* Remit addition: a partial period gets a prorated
                                      * allowance (default: the full allowance, as Alga PSA) */
} EngineBucketPlan;

typedef struct EngineBucketUsage {   /* bucket_usage rows already written */
    const char *bucket_plan_id;      /* bucket_plan_id */
    const char *customer_id;         /* company_id */
    const char *customer_plan_id;    /* Remit addition */
    Period period;                   /* period_start, period_end (end exclusive) */
    int64_t used_minutes;            /* hours_used x 60 */
    int64_t overage_minutes;         /* overage_hours x 60 (already billed) */
    int64_t allowance_minutes;       /* Remit addition: the period's (prorated) allowance */
    int64_t rollover_in_minutes;     /* Remit addition: carried in from the period before */
    int64_t rollover_out_minutes;    /* Remit addition: available to the period after */
} EngineBucketUsage;

typedef struct EngineDiscount {      /* discounts */
    const char *id;                  /* discount_id */
    const char *name;                /* discount_name */
    EngineDiscountType type;         /* discount_type */
    Dec value;                       /* value: percent, or amount in the base currency */
    bool has_start_date;
    Date start_date;                 /* start_date (first day) */
    bool has_end_date;
    Date end_date;                   /* end_date (last day, inclusive) */
    bool is_active;                  /* is_active */
    EngineApproval approval;         /* its approvals row (item_type 'discount') */
} EngineDiscount;

typedef struct EnginePlanDiscount {  /* plan_discounts */
    const char *plan_id;             /* plan_id (NULL: not tied to a plan) */
    const char *customer_id;         /* company_id (NULL: the plan's default for everyone) */
    const char *discount_id;         /* discount_id */
    const char *service_id;          /* Remit addition: only that service's lines */
} EnginePlanDiscount;

typedef struct EngineTaxRate {       /* tax_rates */
    const char *id;                  /* tax_rate_id */
    const char *region;              /* region (NULL: every region without its own rate) */
    const char *tax_category;        /* Remit addition (issue 4: category); NULL = general */
    Dec tax_percentage;              /* tax_percentage */
    const char *description;         /* description */
    Date start_date;                 /* start_date (first day in force) */
    bool has_end_date;
    Date end_date;                   /* end_date (last day in force, inclusive) */
} EngineTaxRate;

typedef struct EngineStatus {        /* client_status */
    const char *customer_id;         /* company_id */
    const char *plan_id;             /* plan_id (NULL: every plan) */
    const char *service_id;          /* service_id (NULL: every service) */
    EngineStatusKind status;         /* status */
    Date status_date;                /* status_date: in force from that day */
    const char *reason;              /* reason */
} EngineStatus;

typedef struct EngineBundle {        /* service_bundles */
    const char *id;                  /* bundle_id */
    const char *name;                /* bundle_name */
    const char *description;         /* bundle_description */
    Dec bundle_price;                /* Remit addition: price per cycle of the whole bundle */
} EngineBundle;

typedef struct EngineBundleService { /* bundle_services */
    const char *bundle_id, *service_id;
} EngineBundleService;

typedef struct EngineDependency {    /* service_dependencies */
    const char *service_id;          /* service_id: the service that needs ... */
    const char *dependent_service_id;/* dependent_service_id: ... this prerequisite */
} EngineDependency;

/* A fixed or bundle fee already invoiced (invoice_items of earlier invoices,
 * adjustments included): the engine compares it with what the assignments,
 * statuses and dates say now and bills the difference. */
typedef struct EnginePriorCharge {
    const char *customer_plan_id;
    const char *service_id;          /* NULL for a bundle line */
    const char *bundle_id;           /* NULL for a service line */
    Period cycle;                    /* the cycle the line billed */
    int64_t amount_base;             /* gross amount in the base currency */
    const char *service_name;        /* as billed (the service's or bundle's name), and the plan's: */
    const char *plan_name;           /* a credit of one since deleted still says what it credits */
} EnginePriorCharge;

/* Everything engine_rate needs for one customer and one invoice period.
 * Arrays may hold rows the customer does not use; rows of other customers are
 * ignored (time and usage rows of another customer come back OTHER_CUSTOMER). */
typedef struct EngineInput {
    const EngineSettings *settings;
    const EngineCustomer *customer;
    Period period;                   /* the invoice period [start, end) */
    const EngineService *services;           size_t nservices;
    const EnginePlan *plans;                 size_t nplans;
    const EnginePlanService *plan_services;  size_t nplan_services;
    const EngineCustomerPlan *customer_plans;size_t ncustomer_plans;
    const EngineUser *users;                 size_t nusers;
    const EngineTimeEntry *time_entries;     size_t ntime_entries;
    const EngineUsageRecord *usage;          size_t nusage;
    const EnginePriorUsage *prior_usage;     size_t nprior_usage;
    const EngineBucketPlan *bucket_plans;    size_t nbucket_plans;
    const EngineBucketUsage *bucket_usage;   size_t nbucket_usage;
    const EngineDiscount *discounts;         size_t ndiscounts;
    const EnginePlanDiscount *plan_discounts;size_t nplan_discounts;
    const EngineTaxRate *tax_rates;          size_t ntax_rates;
    const EngineStatus *statuses;            size_t nstatuses;
    const EngineBundle *bundles;             size_t nbundles;
    const EngineBundleService *bundle_services; size_t nbundle_services;
    const EnginePriorCharge *prior_charges;  size_t nprior_charges;
} EngineInput;

/* ------------------------------------------------------------------------ */
/* Output.                                                                  */

typedef struct EngineDiscountApplied {
    const char *discount_id, *name;
    EngineDiscountScope scope;
    EngineDiscountType type;
    Dec value;
    int days_in_force, days;         /* the share of the line's period it covered */
    int64_t amount;                  /* reduction in the invoice currency (negative on credits) */
} EngineDiscountApplied;

typedef struct EngineCharge {        /* one invoice line and its calculation trace */
    EngineChargeKind kind;
    const char *customer_plan_id, *plan_id, *plan_name;
    const char *service_id, *service_name, *bundle_id, *user_id;
    Period period;                   /* the cycle (service period) the line bills */
    Period days_span;                /* fixed/bundle: the days billed, when contiguous */
    int days_used, days_in_period;   /* fixed, bundle, adjustment: proration */
    EngineRateSource rate_source;
    Dec rate;                        /* unit rate in the base currency */
    Dec quantity;                    /* units, hours or packages (ENGINE_QTY_SCALE at most) */
    const char *unit;
    int64_t minutes;                 /* time and bucket lines: the exact minutes */
    int nsources;                    /* time entries / usage records on the line */
    bool late;                       /* holds records of a cycle invoiced before */
    int64_t prior_amount_base;       /* adjustments: what earlier invoices billed */
    int64_t amount_base;             /* rated in the base currency, rounded once */
    int64_t amount;                  /* converted to the invoice currency, rounded once */
    EngineDiscountApplied *discounts;
    int ndiscounts;
    int64_t discount;                /* sum of discounts[].amount */
    int64_t net;                     /* amount - discount (never below zero on a charge) */
    const char *tax_rate_id;         /* the tax_rates row; NULL with tax_rate_from set */
    const char *tax_rate_from;       /* NULL: tax_rates; "service": the service's own rate;
                                      * "default": the tenant's default rate */
    EngineTaxKind tax_kind;
    Dec tax_rate;                    /* percent */
    int64_t tax, cgst, sgst, igst;   /* tax = cgst + sgst or igst for GST */
    int64_t total;                   /* net + tax */
    const char *note;                /* step-specific trace (bundle members, bucket figures; the
                                      * text of an account adjustment) */
    const char *transaction_id;      /* account adjustments: the ledger row billed (domain/ledger.c) */
    const char *description;         /* the invoice line's text */
    const char *explain;             /* the trace: plan, service, rate source, quantity,
                                      * days, discounts, tax rate and amount */
} EngineCharge;

typedef struct EngineSourceResult {  /* one per input time entry / usage record */
    EngineOutcome outcome;
    int line;                        /* index into lines, or -1 */
    const char *customer_plan_id;    /* the assignment that rated it (NULL if none) */
    Period cycle;                    /* its plan's cycle (empty if none) */
} EngineSourceResult;

typedef struct EngineBucketResult {  /* a bucket_usage row to insert or update */
    const char *bucket_plan_id, *customer_plan_id, *customer_id;
    Period period;
    int64_t allowance_minutes;       /* total_hours x 60 (prorated if the bucket says so) */
    int64_t rollover_in_minutes;     /* unused allowance of the period before */
    int64_t used_minutes;            /* hours_used x 60 */
    int64_t overage_minutes;         /* overage_hours x 60 */
    int64_t rollover_out_minutes;    /* this period's unused allowance (0 without rollover) */
    int64_t overage_billed_minutes;  /* overage minutes on this invoice (late ones: the delta) */
    bool update;                     /* a row for this period existed: update it */
    int line;                        /* the overage line, or -1 */
} EngineBucketResult;

typedef struct EngineChargedThrough {/* company_billing_plans.charged_through to write */
    const char *customer_plan_id;
    Date charged_through;
} EngineChargedThrough;

typedef struct EngineTaxSummary {    /* the invoice's tax per rate and kind */
    const char *tax_rate_id;
    EngineTaxKind kind;
    Dec rate;
    int64_t taxable, tax, cgst, sgst, igst;
} EngineTaxSummary;

typedef struct EngineApprovalNeeded {/* a discount that waits for approval (not applied) */
    const char *discount_id, *name;
    const char *reason;
} EngineApprovalNeeded;

typedef struct EngineResult {
    const Currency *currency;        /* the invoice currency */
    Dec exchange_rate_to_base;       /* the rate used, to store on the invoice */
    EngineCharge *lines;             size_t nlines, caplines;
    EngineSourceResult *time;        /* parallel to in->time_entries */
    EngineSourceResult *usage;       /* parallel to in->usage */
    EngineBucketResult *buckets;     size_t nbuckets, capbuckets;
    EngineChargedThrough *charged_through; size_t ncharged_through, capcharged_through;
    EngineTaxSummary *taxes;         size_t ntaxes, captaxes;
    EngineApprovalNeeded *approvals; size_t napprovals, capapprovals;
    const char **warnings;           size_t nwarnings, capwarnings;
    int64_t subtotal;                /* sum of line amounts */
    int64_t discount_total;          /* sum of line discounts */
    int64_t tax_total;               /* sum of line taxes */
    int64_t total;                   /* subtotal - discount_total + tax_total */
    int64_t credits_applied;         /* account credit the invoice takes when issued (domain/ledger.c) */
} EngineResult;

/* ------------------------------------------------------------------------ */
/* Helpers shared by the engine's files (domain/engine.c).                  */

/* Ids are equal when both are NULL or both are the same text. */
bool engine_id_eq(const char *a, const char *b);
/* Appends a zeroed element to an arena-grown array; NULL when the arena is
 * exhausted. */
void *engine_push(Arena *arena, void **v, size_t *n, size_t *cap, size_t elem);
/* ERR_UNAVAILABLE: the calculation ran out of arena. */
int engine_oom(Error *err);
/* Records that cp's fixed fees are billed for cycles before `through` (keeps
 * the latest date per assignment). */
int engine_charged_through_update(EngineResult *res, const char *customer_plan_id, Date through,
                                  Arena *arena, Error *err);
/* True when an earlier invoice billed this fixed fee (service or bundle) for
 * this cycle: the fee is then corrected by an adjustment, never billed twice. */
bool engine_prior_exists(const EngineInput *in, const char *customer_plan_id,
                         const char *service_id, const char *bundle_id, Period cycle);
/* Whether cp belongs to the input's customer. */
bool engine_is_customers(const EngineInput *in, const EngineCustomerPlan *cp);

/* ------------------------------------------------------------------------ */
/* The whole calculation (domain/engine.c).                                 */

/* Rates one customer for in->period: fixed fees and bundles of the cycles due,
 * adjustments of fees billed earlier, time, usage and bucket overage of the
 * cycles ending by period.end, then currency, discounts, tax, totals and the
 * trace of every line. out is initialised here; everything it points to lives
 * in arena. ERR_INVALID names the input that is wrong (e.g. a plan id no plan
 * has), ERR_OVERFLOW when an amount cannot be computed exactly, and
 * ERR_UNAVAILABLE when the arena is exhausted. */
int engine_rate(EngineResult *out, const EngineInput *in, Arena *arena, Error *err);

/* Sets up an empty result for in (invoice currency and rate, per-record
 * outcome arrays); engine_rate calls it, tests that call the steps alone too. */
int engine_result_init(EngineResult *out, const EngineInput *in, Arena *arena, Error *err);

/* Appends a line (amount_base set by the caller; amount converted here) and
 * returns its index, or a negative error code. */
int engine_line_append(EngineResult *res, const EngineInput *in, const EngineCharge *line,
                       Arena *arena, Error *err);
int engine_warn(EngineResult *res, Arena *arena, Error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Totals (sums of rounded lines) and the tax summary, after the steps ran. */
int engine_totals(EngineResult *res, Arena *arena, Error *err);

/* The invoice text and the calculation trace of a line (after tax). */
int engine_explain(EngineCharge *line, const EngineResult *res, const EngineInput *in, Arena *arena,
                   Error *err);

/* ------------------------------------------------------------------------ */
/* The steps, callable alone (each appends to res).                         */

/* Fixed services: quantity x rate per cycle, prorated by days (engine_fixed.c). */
int engine_fixed_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);
/* Bundles: one line per bundle and cycle at the bundle price (engine_bundle.c). */
int engine_bundle_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);
/* Time entries: billable hours x rate (engine_time.c). */
int engine_time_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);
/* Usage records: quantity x rate, tiers, packages (engine_usage.c). */
int engine_usage_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);
/* Bucket plans: overage and the bucket_usage rows (engine_bucket.c). */
int engine_bucket_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);
/* Fixed fees billed earlier vs. now: credits and debits (engine_proration.c). */
int engine_adjustment_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);
/* A discount's value is a percentage of 0 to 100 or a non-negative amount: the engine refuses
 * any other when it applies the discount, and the write path (domain/billing.c) when it is saved. */
bool engine_discount_value_ok(const EngineDiscount *d);
/* Discounts on the lines, in scope order (engine_discount.c). */
int engine_discount_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);
/* Tax on every line after discounts (engine_tax.c). */
int engine_tax_charges(EngineResult *res, const EngineInput *in, Arena *arena, Error *err);

/* ------------------------------------------------------------------------ */
/* Plans, cycles and precedence (engine_plan.c).                            */

const EngineService *engine_find_service(const EngineInput *in, const char *id);
const EnginePlan *engine_find_plan(const EngineInput *in, const char *id);
const EnginePlanService *engine_find_plan_service(const EngineInput *in, const char *plan_id,
                                                  const char *service_id);
const EngineBucketPlan *engine_find_bucket_plan(const EngineInput *in, const char *plan_id);
const EngineUser *engine_find_user(const EngineInput *in, const char *id);
const EngineBundle *engine_find_bundle(const EngineInput *in, const char *id);

/* Calendar alignment when no anchor is stored: weekly and bi-weekly cycles
 * start on the Monday of the start date's week; monthly on the 1st of the
 * month; quarterly on Jan/Apr/Jul/Oct 1; semi-annual on Jan/Jul 1; annual on
 * Jan 1. */
Date engine_default_anchor(Frequency f, Date start);
Date engine_anchor(const EngineCustomerPlan *cp, Frequency f);
/* The cycle of cp (frequency f) that contains d. */
Period engine_cycle(const EngineCustomerPlan *cp, Frequency f, Date d);
/* The days the assignment covers: [start_date, end_date + 1), or to the end
 * of time; empty when inactive. */
Period engine_assignment_span(const EngineCustomerPlan *cp);
bool engine_assignment_covers(const EngineCustomerPlan *cp, Date d);
/* cp's plan lists the service and cp's service_category, when set, is the service's: its
 * plan_services row, or NULL. */
const EnginePlanService *engine_plan_covers(const EngineInput *in, const EngineCustomerPlan *cp,
                                           const EngineService *s);

/* The assignment that bills `service` on day d among the customer's active
 * assignments, or NULL. Candidates list the service in their plan (and match
 * their service_category, when set). Precedence, highest first:
 *   1. for a Fixed service, the plan that holds it in a bundle;
 *   2. an assignment restricted to the service's category over an unrestricted one;
 *   3. for a Time service, a bucket plan (prepaid hours are used first);
 *   4. a custom plan (is_custom) over a standard one;
 *   5. the later start_date (the newer agreement);
 *   6. the smaller company_billing_id (a stable tie-break). */
const EngineCustomerPlan *engine_plan_winner(const EngineInput *in, const EngineService *service,
                                             Date d);

/* The winner search of engine_plan_winner with the date-independent part done
 * once per service: the assignments that could bill `service`, ranked by the
 * precedence above; the winner on day d is then the first whose dates cover
 * d. Used by the time and usage steps, which ask once per record. */
typedef struct EngineCandidates {
    const EngineCustomerPlan **cps;
    const EnginePlan **plans;        /* each assignment's plan ... */
    const EnginePlanService **ps;    /* ... and its plan_services row for the service */
    Period *spans;
    size_t n;
} EngineCandidates;
int engine_plan_candidates(EngineCandidates *out, const EngineInput *in,
                           const EngineService *service, Arena *arena, Error *err);
/* The index of the winner on day d in c, or -1. */
long engine_candidates_winner(const EngineCandidates *c, Date d);

/* engine_plan_candidates built on first use for each service of the input:
 * engine_winner(&winner, &w, in, service, d, ...) answers what
 * engine_plan_winner(in, service, d) answers (with the plan and plan service
 * found on the way), at the cost of a few integer comparisons per call. */
typedef struct EngineWinners {
    EngineCandidates *by_service; /* parallel to in->services */
    unsigned char *built;
} EngineWinners;
int engine_winners_init(EngineWinners *w, const EngineInput *in, Arena *arena, Error *err);
typedef struct EngineWinner {
    const EngineCustomerPlan *cp;    /* NULL: no assignment bills the service that day */
    const EnginePlan *plan;
    const EnginePlanService *ps;
} EngineWinner;
int engine_winner(EngineWinner *out, EngineWinners *w, const EngineInput *in,
                  const EngineService *service, Date d, Arena *arena, Error *err);

/* Where a metered record (a time entry or a usage record) of service on day d
 * goes: r->outcome stays ENGINE_OUT_BILLED with *out the billing assignment
 * (r->customer_plan_id set) when the service is metered as `metered` there;
 * otherwise r->outcome says why not (no plan, suspended, cancelled, or
 * included in a fee). One rule for time and usage (engine_time.c,
 * engine_usage.c). */
int engine_route_record(EngineWinner *out, EngineSourceResult *r, EngineWinners *w,
                        const EngineInput *in, const EngineService *service,
                        EngineServiceType metered, Date d, Arena *arena, Error *err);

/* in->services indexed by id (a small open-addressing hash table in the
 * arena), for the steps that look a service up once per record. */
typedef struct EngineServiceIndex {
    const EngineService **slots;
    size_t mask;
} EngineServiceIndex;
int engine_service_index_init(EngineServiceIndex *x, const EngineInput *in, Arena *arena,
                              Error *err);
const EngineService *engine_service_index_find(const EngineServiceIndex *x, const char *id);

/* The last cycle computed, reused while the dates asked fall in it (records
 * of one cycle come in runs). Zero-initialise before use. */
typedef struct EngineCycleMemo {
    const EngineCustomerPlan *cp;
    Frequency f;
    Period cycle;
} EngineCycleMemo;
Period engine_cycle_memo(EngineCycleMemo *m, const EngineCustomerPlan *cp, Frequency f, Date d);

/* Refuses a new assignment that the existing ones make invalid: an end before
 * the start, an unknown plan, or a bucket plan overlapping in dates another
 * bucket assignment of the same customer that covers a common service
 * (ERR_CONFLICT naming it). in->customer_plans may contain cand itself (same
 * id): it is skipped. Meant for the hook that writes an assignment. */
int engine_check_assignment(const EngineInput *in, const EngineCustomerPlan *cand, Error *err);

/* ------------------------------------------------------------------------ */
/* Suspension and cancellation (engine_status.c).                           */

/* The status of (plan, service) on day d: each scope (the customer, the plan,
 * the service) has its latest status row on or before d; cancelled in any
 * scope wins, then suspended, else active. A cancellation is final: a later
 * "active" row in that scope does not undo it. */
EngineStatusKind engine_status_on(const EngineInput *in, const char *plan_id,
                                  const char *service_id, Date d);
/* True when no status row could affect (plan, service): the fast path. */
bool engine_status_all_active(const EngineInput *in, const char *plan_id, const char *service_id);
/* Checks a status change: a reason is required for suspend and cancel; a
 * cancelled service cannot change again (ERR_STATE); the date may not precede
 * the last change (ERR_INVALID). from_date is the last change's date. */
int engine_status_change_check(EngineStatusKind from, Date from_date, EngineStatusKind to,
                               Date to_date, const char *reason, Error *err);

/* ------------------------------------------------------------------------ */
/* Proration (engine_proration.c).                                          */

/* quantity x rate x days_used / days_in_period, rounded once to c's minor
 * units: the fee of the cycle's first days_used days. days_used must be
 * 0..days_in_period and days_in_period > 0. */
int engine_prorate(int64_t *out, Dec quantity, Dec rate, int days_used, int days_in_period,
                   const Currency *c, Rounding r, Error *err);
/* The fee of the days `span` of `cycle`, cumulatively rounded:
 * prorate(span.end - cycle.start) - prorate(span.start - cycle.start). Any
 * partition of a cycle into spans sums exactly to the full fee. */
int engine_prorate_span(int64_t *out, Dec quantity, Dec rate, Period span, Period cycle,
                        const Currency *c, Rounding r, Error *err);

/* The days of `cycle` on which assignment cp bills `service` (or, when
 * service is NULL, the bundle `bundle_id` or the plan as a whole): covered by
 * the assignment, won by precedence, and neither suspended nor cancelled.
 * *first and *end (may be
 * NULL) receive the first billed day and the day after the last one (both
 * cycle.start when no day is billable). */
int engine_billable_days(const EngineInput *in, const EngineCustomerPlan *cp,
                         const EngineService *service, const char *bundle_id, Period cycle,
                         Date *first, Date *end);

/* The gross amount (base currency) a fixed service or bundle of cp costs for
 * `cycle` as things stand; *days receives the billable days. */
int engine_fixed_amount(int64_t *out, int *days, const EngineInput *in,
                        const EngineCustomerPlan *cp, const EnginePlan *plan,
                        const EngineService *service, const EnginePlanService *ps,
                        const EngineBundle *bundle, Period cycle, Error *err);

/* Fixed-fee cycles of cp that are due on an invoice for `period`: arrears
 * cycles ending by period.end, advance cycles whose first billed day is
 * before period.end, in both cases starting at or after charged_through and
 * overlapping the assignment. Calls fn for each in order. */
int engine_due_cycles(const EngineInput *in, const EngineCustomerPlan *cp, const EnginePlan *plan,
                      int (*fn)(Period cycle, void *ctx), void *ctx);

/* ------------------------------------------------------------------------ */
/* Time, usage, buckets.                                                    */

/* Minutes of an entry: duration when >= 0, else (end - start) to the nearest
 * minute (halves up); never negative. */
int64_t engine_entry_minutes(const EngineTimeEntry *e);
/* minutes / 60 as an exact decimal when it has at most ENGINE_QTY_SCALE
 * places, else rounded half-up to that scale (display only: amounts are
 * computed from the minutes). */
Dec engine_hours(int64_t minutes);
/* round(minutes x rate / 60) in c's minor units. */
int engine_minutes_amount(int64_t *out, int64_t minutes, Dec rate, const Currency *c, Rounding r,
                          Error *err);
/* The hourly rate of an entry's service under plan ps: the user's rate when
 * the plan says so and the user has one, else custom rate > plan hourly rate >
 * service default. */
void engine_time_rate(Dec *rate, EngineRateSource *source, const EnginePlan *plan,
                      const EnginePlanService *ps, const EngineService *service,
                      const EngineUser *user);
bool engine_time_needs_approval(const EngineTimeEntry *e, const EngineSettings *s);
bool engine_usage_needs_approval(const EngineUsageRecord *u, const EngineSettings *s);

/* The price of `quantity` under ps's pricing model at unit rate `rate` (per
 * package for package pricing; tiers carry their own rates), rounded once to
 * c's minor units. *packages receives the package count (package pricing). */
int engine_usage_price(int64_t *out, Dec *packages, Dec quantity, const EnginePlanService *ps,
                       Dec rate, const Currency *c, Rounding r, Error *err);
/* Tiers are valid when bounds strictly increase, only the last is unbounded
 * (and it exists), and no rate or fee is negative; a package size is > 0;
 * tiers are given only with graduated or volume pricing. A refusal names the
 * field: "package_size", "tiers", "tiers[i].up_to", "tiers[i].unit_rate", ...
 * The write path (domain/billing_deps.c) and the engine both apply it. */
int engine_pricing_validate(const EnginePlanService *ps, Error *err);

/* One bucket period: rolled-over hours are used first, then the allowance.
 *   overage      = max(0, used - (allowance + rollover_in))
 *   rollover_out = allow_rollover ? max(0, allowance - max(0, used - rollover_in)) : 0
 * so unused hours carry into the next period only, never further. */
void engine_bucket_period(EngineBucketResult *out, int64_t allowance_minutes,
                          int64_t rollover_in_minutes, int64_t used_minutes, bool allow_rollover);

/* ------------------------------------------------------------------------ */
/* Discounts (engine_discount.c).                                           */

/* Days of `p` inside the discount's date range (inclusive end), 0 when it is
 * inactive. */
int engine_discount_days(const EngineDiscount *d, Period p);
/* Percentage discounts above settings' percent threshold, fixed ones above
 * the amount threshold. */
bool engine_discount_needs_approval(const EngineDiscount *d, const EngineSettings *s);

/* ------------------------------------------------------------------------ */
/* Tax (engine_tax.c).                                                      */

/* The rate in force on day `on` for region and tax category: a rate for the
 * region beats a region-less one, a category-specific rate beats a general
 * one, then the latest start_date. NULL if none. */
const EngineTaxRate *engine_tax_rate_find(const EngineTaxRate *rates, size_t n,
                                          const char *region, const char *tax_category, Date on);
/* GST on a net amount: intra-state = CGST and SGST at half the rate each,
 * each rounded once; inter-state = IGST at the full rate, rounded once. */
int engine_gst_split(int64_t *cgst, int64_t *sgst, int64_t *igst, int64_t net, Dec rate,
                     bool intra_state, Rounding r, Error *err);
/* Intra-state when the seller's and the customer's state codes are equal, or
 * the customer's is unknown (the supply is then in the seller's state). */
bool engine_gst_intra_state(const char *seller_state, const char *customer_state);

/* ------------------------------------------------------------------------ */
/* Currency (engine_currency.c).                                            */

/* An amount in the base currency to `to` at rate_to_base (base units per 1
 * unit of `to`): base / rate, rounded once. */
int engine_from_base(int64_t *out, int64_t base_minor, const Currency *base, const Currency *to,
                     Dec rate_to_base, Rounding r, Error *err);
/* An amount in `from` to the base currency: amount x rate_to_base, rounded once. */
int engine_to_base(int64_t *out, int64_t minor, const Currency *from, const Currency *base,
                   Dec rate_to_base, Rounding r, Error *err);

typedef struct EngineAmount {        /* an amount as stored: its currency and its rate */
    int64_t minor;
    const Currency *currency;
    Dec rate_to_base;
} EngineAmount;
/* Reports: the sum in the base currency, each amount converted at its own
 * stored rate and rounded once, then added exactly. */
int engine_report_to_base(int64_t *out, const EngineAmount *v, size_t n, const Currency *base,
                          Rounding r, Error *err);

/* ------------------------------------------------------------------------ */
/* Service dependencies (engine_deps.c).                                    */

typedef struct EngineHeldService {   /* a service a customer holds */
    const char *service_id;
    bool auto_added;                 /* added only as another service's prerequisite */
} EngineHeldService;

/* Adds service_id and, transitively, every prerequisite not yet held (marked
 * auto_added). out (capacity cap) receives the new set: held first, in order,
 * then the additions. Adding a service already held as a prerequisite makes it
 * explicit. ERR_RANGE when cap is too small. */
int engine_deps_add(EngineHeldService *out, size_t *nout, size_t cap, const EngineHeldService *held,
                    size_t nheld, const char *service_id, const EngineDependency *deps,
                    size_t ndeps, Error *err);
/* Removes service_id and every auto-added prerequisite that no remaining
 * service needs any more (transitively). ERR_CONFLICT naming the services
 * that still require it (field "service_id"); ERR_NOT_FOUND if not held. */
int engine_deps_remove(EngineHeldService *out, size_t *nout, size_t cap,
                       const EngineHeldService *held, size_t nheld, const char *service_id,
                       const EngineDependency *deps, size_t ndeps, const EngineService *services,
                       size_t nservices, Error *err);
/* ERR_INVALID naming every missing prerequisite ("Backup requires
 * Monitoring, Antivirus"), field "services"; 0 when the set is closed. */
int engine_deps_check(const char *const *service_ids, size_t n, const EngineDependency *deps,
                      size_t ndeps, const EngineService *services, size_t nservices, Error *err);

#endif
