/* tests/scenario/support.h — what every scenario test needs to talk to the server under test:
 * the base URL (env REMIT_TEST_BASE; a test without it is skipped), a fresh tenant signed up
 * with a unique name, and one-line JSON calls that fail the test on a transport error.
 *
 * Concurrency notes: scen_call takes the caller's HttpClient (one per thread); scen_signup
 * and scen_unique may be called from any thread.
 */
#ifndef REMIT_TESTS_SCENARIO_SUPPORT_H
#define REMIT_TESTS_SCENARIO_SUPPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "tests/api/client.h"

typedef struct Tenant {
    char token[256];          /* access token */
    char tenant_id[40];
    char user_id[40];
    char slug[128];
} Tenant;

/* The server's base URL; skips the calling test (cr_skip_test) when REMIT_TEST_BASE is unset. */
const char *scen_base(void);
/* A short string unique in this run and across runs on one server ("r3f9c0a12-17"). */
void scen_unique(char *out, size_t cap);
/* Signs up a new tenant named after label; fails the test unless the answer is 201. */
void scen_signup(Tenant *out, const char *label);
/* Sends a JSON request as the tenant (tenant may be NULL: no token) and returns the status;
 * *json (may be NULL) receives the parsed body (the caller decrefs it), NULL if not JSON.
 * body may be NULL. A transport error fails the test. */
long scen_call(HttpClient *client, const Tenant *tenant, const char *method, const char *path,
               const char *body, json_t **json);
/* The same with a JSON value as the body (not consumed). */
long scen_call_json(HttpClient *client, const Tenant *tenant, const char *method, const char *path,
                    json_t *body, json_t **json);

#endif
