/* tests/scenario/invoicing_helpers.h — a tenant of its own per test, and JSON calls that
 * assert their status, for the invoicing scenarios (tests/scenario/invoicing_*.c).
 *
 * Each test signs up a fresh tenant (from its own client IP, so the sign-in rate limit never
 * bites) with a company profile, and talks to the server named by REMIT_TEST_BASE.
 */
#ifndef REMIT_TESTS_SCENARIO_INVOICING_HELPERS_H
#define REMIT_TESTS_SCENARIO_INVOICING_HELPERS_H

#include <jansson.h>

#include "tests/api/client.h"

typedef struct ItTenant {
    const char *base;
    char token[1024];
    char ip[32];
    char email[128];
} ItTenant;

/* Signs up a tenant named after tag and gives it a company profile (GSTIN 27AAPFU0939F1ZV,
 * Maharashtra). */
void it_tenant_new(ItTenant *t, const char *tag);
/* Signs in again (after the test clock moved past the access token's life). */
void it_login(ItTenant *t);

/* Sends a request (body may be NULL; extra: one more "Name: value" header or NULL). */
void it_call(ItTenant *t, HttpResult *r, const char *method, const char *path, const char *body,
                 const char *extra);
/* Sends a request, asserts the status, returns the JSON body (caller decrefs). */
json_t *it_json(ItTenant *t, long want, const char *method, const char *path, const char *body);
/* The same with a body packed by json_pack (the packed value is stolen). */
json_t *it_pack(ItTenant *t, long want, const char *method, const char *path, json_t *body);

/* A customer (gstin, state_code may be NULL); returns its id (malloc'd). */
char *it_customer(ItTenant *t, const char *code, const char *gstin, const char *state_code);
/* A draft invoice for customer with one line of qty x rate at tax_rate (percent text);
 * returns its id (malloc'd). invoice_date / due_date may be NULL. */
char *it_invoice(ItTenant *t, const char *customer, const char *qty, const char *rate, const char *tax_rate,
                   const char *invoice_date, const char *due_date);
/* Finalizes it, asserts 200, returns the invoice JSON. */
json_t *it_finalize(ItTenant *t, const char *invoice);

/* Sends n POST /api/v1/billing/runs {"date": date} at once (threads released together by a barrier),
 * asserts that each answered 201, and returns the number of invoices they made together. */
long long it_runs_at_once(ItTenant *t, const char *date, int n);

/* String field of an object (NULL if absent or not a string). */
const char *it_str(json_t *o, const char *key);
/* Money or decimal text of a field as minor units (2 decimals). */
long long it_money(json_t *o, const char *key);
/* "12.34" as it_cents. */
long long it_cents(const char *s);

#endif
