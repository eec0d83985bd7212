/* domain/company.h — the seller's side of every document: the tenant's
 * company profile, GST settings, rounding, time zone and financial year,
 * gathered once per request by the modules that need them.
 */
#ifndef REMIT_DOMAIN_COMPANY_H
#define REMIT_DOMAIN_COMPANY_H

#include <stdbool.h>

#include "core/date.h"
#include "core/decimal.h"
#include "store/store.h"

struct Row;

typedef struct CompanySettings {
    const char *base_currency;    /* tenants.base_currency */
    Rounding rounding;            /* tenants.rounding */
    const char *timezone;         /* tenants.timezone */
    Date today;                   /* in the tenant's time zone */
    int fy_start_month;           /* 1..12, April (4) unless the profile says otherwise */
    bool has_profile;
    const char *name, *address, *gstin, *pan, *state_code, *invoice_terms, *signatory;
    const char *bank_name, *bank_account_name, *bank_account_number, *bank_ifsc, *upi_id;
    const char *contact_email, *contact_phone;
    bool gst;                     /* GST invoices: the seller is registered and GST is applicable */
    Dec default_rate;             /* gst_settings.default_rate (0 without settings) */
    bool inclusive;               /* gst_settings.display_format == inclusive */
} CompanySettings;

/* Reads the tenant row, the company profile and the GST settings (arena strings). */
int company_settings_load(Ctx *ctx, CompanySettings *out, Error *err);
/* GSTIN / PAN / state code rules shared by the company profile, GST settings and customers: upper-cases
 * the GSTIN and PAN, validates them, checks that the PAN is the one inside the GSTIN (filling it when
 * missing) and that the state code agrees with the GSTIN (filling it when missing). pan_field and
 * state_field may be NULL. */
int company_gst_identity(Ctx *ctx, struct Row *row, const char *gst_field, const char *pan_field,
                         const char *state_field, Error *err);
/* Today's date in the tenant's time zone (ctx->timezone; UTC when unknown). */
Date company_today(const Ctx *ctx);
/* A stored timestamp ("2030-06-01T10:00:00.000000Z") as the tenant's local date; false when s is
 * NULL or not a timestamp. The day a reversal (a bounce, a cancellation) happened for the tenant. */
bool company_local_date(const Ctx *ctx, const char *s, Date *out);

#endif
