/* tests/scenario/identity_helpers.h — small helpers for the identity scenario tests
 * (test_identity_*.c): HTTP calls with a per-test client IP, sign-up, mails from the
 * server's mail sink, the test clock, and read-only SQL against the test database.
 *
 * Every helper asserts (Criterion) on transport failures, so a test reads as its story.
 */
#ifndef REMIT_TESTS_SCENARIO_IDENTITY_HELPERS_H
#define REMIT_TESTS_SCENARIO_IDENTITY_HELPERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Every following call sends X-Remit-Test-Ip: ip (its own rate-limit bucket). */
void idt_use_ip(const char *ip);
/* A unique suffix for emails and tenant names within this run. */
const char *idt_run(void);

/* Sends a request; returns the status and, in *out (may be NULL), the JSON body (new reference,
 * json_null() when the body is not JSON). token may be NULL; body may be NULL. */
long idt_call(json_t **out, const char *method, const char *path, const char *token, const char *body);
long idt_callf(json_t **out, const char *method, const char *path, const char *token, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same with one more header ("Idempotency-Key: k1"). */
long idt_call_hdr(json_t **out, const char *method, const char *path, const char *token, const char *header,
                  const char *body);
/* The same against another server's base URL. */
long idt_call_at(const char *base, json_t **out, const char *method, const char *path, const char *token,
                 const char *body);

typedef struct IdtAccount {
    char token[256];
    char refresh[256];
    char session_id[40];
    char tenant_id[40];
    char slug[120];
    char user_id[40];
    char email[200];
} IdtAccount;

/* Signs up a tenant (asserts 201). */
void idt_signup(IdtAccount *out, const char *tenant_name, const char *email, const char *password);
/* Signs in (asserts 200); slug may be NULL. */
void idt_login(IdtAccount *out, const char *email, const char *password, const char *slug);
/* An admin creates a user (asserts 201); password NULL = an invitation. Returns the new id in out_id. */
void idt_create_user(const IdtAccount *admin, const char *email, const char *role, const char *password,
                     char out_id[40]);

/* Mails in the server's sink to `to` with X-Remit-Topic `topic`, in the order they were queued. */
int idt_mail_count(const char *to, const char *topic);
/* Waits (up to 20 s) until the index-th such mail (0-based) exists; returns its token (malloc'ed). */
char *idt_mail_token(const char *to, const char *topic, int index);
/* Waits until `n` such mails exist (asserts). */
void idt_wait_mails(const char *to, const char *topic, int n);

/* Sets the server's test clock offset (seconds from the real time). */
void idt_clock(int64_t offset_seconds);

/* Runs SQL on the test database as its owner (sqlite3 / psql as superuser) and returns its output,
 * rows on lines, columns separated by '|', trailing newline removed (malloc'ed). */
char *idt_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool idt_is_postgres(void);

/* Frees with json_decref, for cleanup(). */
const char *idt_str(json_t *o, const char *path);   /* "a.b" path into objects; NULL if absent */

#endif
