/* api/router.h — maps a request to its handler. */
#ifndef REMIT_API_ROUTER_H
#define REMIT_API_ROUTER_H

#include "api/http.h"
#include "model/registry.h"

void router_dispatch(Request *r);

/* Handlers of the other api/ files (one concept each). */
void handle_openapi(Request *r);
void handle_metrics(Request *r);
void handle_static(Request *r);
void handle_auth(Request *r, const char *verb);
const char *auth_cookie_token(Request *r, const char *name);
void auth_set_cookies(Request *r, const char *access, const char *refresh);
void auth_clear_cookies(Request *r);
/* Authenticated resource requests: /api/v1/<segments...> once the tenant transaction is open. */
void handle_resource(Request *r, const char *const *seg, int nseg);
/* Idempotency-Key for POST, inside the open write transaction: returns true when it replied
 * (replay or mismatch); otherwise the handler runs and idem_store() saves its response. */
void run_action(Request *r, const char *method, bool raw_body, const char *id, const char *const *params, int np,
                const Table *t, const Action *a, const Endpoint *ep);
/* The body cap for a request, from its route (uploads may allow more). */
/* Per-IP limit for endpoints without a token: 0 = allowed, else seconds to wait. */
int ratelimit_check(const char *ip);
size_t router_body_cap(const char *method, const char *path, size_t dflt);
/* caller names who sends the request ("user:<id>" or "key:<id>"): part of its fingerprint. */
bool idem_begin(Request *r, const char *key, const char *caller, bool *owned);
int  idem_store(Request *r, const char *key, Error *err);

#endif
