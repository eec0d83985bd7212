/* tests/scenario/helpers.h — small helpers shared by the scenario tests:
 * the server's base URL, signing up a fresh tenant, JSON requests with a token.
 * Every test makes its own tenant (a unique name), so tests never share data.
 */
#ifndef REMIT_TESTS_SCENARIO_HELPERS_H
#define REMIT_TESTS_SCENARIO_HELPERS_H

#include <jansson.h>
#include <stdbool.h>

#include "tests/api/client.h"

typedef struct TestTenant {
    char slug[128];
    char email[160];
    char password[64];
    char token[512];
    char refresh[512];
    char tenant_id[40];
    char user_id[40];
} TestTenant;

const char *t_base(void);
/* A unique client IP for X-Remit-Test-Ip, so each test has its own rate-limit bucket. */
const char *t_ip(void);
/* Uses another client IP from now on (tests of many sign-ins stay under the rate limit). */
void t_next_ip(void);
/* Signs up a new tenant; email may be NULL for a unique one. Asserts 201. */
void t_signup(TestTenant *out, const char *email);
/* Sends a request with the token (may be NULL) and a JSON body (may be NULL). */
long t_req(HttpResult *res, const char *token, const char *method, const char *path, const char *body);
/* Same with printf-style path. */
long t_reqf(HttpResult *res, const char *token, const char *method, const char *body, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Moves the server's clock (test mode). */
void t_clock(long long offset_seconds);
/* Runs a shell command, returns its exit status; its stdout goes to out (may be NULL). */
int t_sh(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *t_env(const char *name);

#endif
