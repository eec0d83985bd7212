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

typedef struct TestUser {          /* another user of a tenant, signed in */
    char email[200];
    char token[512];
    char id[40];
} TestUser;

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
/* Sends a request (printf-style path), asserts its status, returns the JSON body (caller decrefs;
 * NULL when there is none). */
json_t *t_json(const char *token, long want, const char *method, const char *body, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Adds a user to admin's tenant with a built-in role ("admin", "manager", "user") and, when
 * role_id is not NULL, that custom role; signs it in. */
void t_user(const TestTenant *admin, const char *role, const char *role_id, TestUser *out);
/* Moves the server's clock (test mode). */
void t_clock(long long offset_seconds);
/* Runs a shell command, returns its exit status; its stdout goes to out (may be NULL). */
int t_sh(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *t_env(const char *name);

/* Calls on a kept-alive connection (client: one per thread; NULL = a new connection), for
 * tests that send thousands of requests: returns the status and hands the parsed JSON body
 * to *json (may be NULL; the caller decrefs it). body may be NULL. A transport error fails
 * the test, so call it from the test's own thread only. */
long t_call(HttpClient *client, const char *token, const char *method, const char *path, const char *body,
            json_t **json);
long t_call_json(HttpClient *client, const char *token, const char *method, const char *path, json_t *body,
                 json_t **json);
/* Tampers with one audit_logs row (by id) behind Remit's back, as only someone with the database's
 * keys could: first asserts that Remit's own database role cannot (SQLite: the append-only
 * triggers refuse UPDATE and DELETE; PostgreSQL: UPDATE and DELETE are refused for Remit's role),
 * then changes the row's user_email anyway (SQLite: trigger dropped and put back; PostgreSQL: as
 * the superuser with triggers off). The chain check must then name the row. */
void t_audit_tamper(const char *audit_id);
/* Asserts that t's audit chain check names audit_id as the first broken row, through the API
 * (GET /api/v1/audit_logs/verify) and the CLI (remit audit verify exits 1 naming it). */
void t_audit_broken(const TestTenant *t, const char *audit_id);

/* A string unique across runs and processes ("r3f9c0a1205-1234-7"), for codes and names. */
void t_unique(char *out, size_t cap);

#endif
