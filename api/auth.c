/* api/auth.c — the sign-in endpoints that need no token: signup, login,
 * refresh. Exports handle_auth. The rules are in domain/auth.c.
 */
#include <string.h>

#include "api/router.h"
#include "api/server.h"
#include "domain/auth.h"

void handle_auth(Request *r, const char *verb)
{
    int (*fn)(Store *, Ctx *, json_t *, json_t **, Error *) = NULL;
    int ok_status = 200;
    if (strcmp(verb, "signup") == 0) {
        fn = auth_signup;
        ok_status = 201;
    } else if (strcmp(verb, "login") == 0) {
        fn = auth_login;
    } else if (strcmp(verb, "refresh") == 0) {
        fn = auth_refresh;
    } else {
        reply_errorf(r, ERR_NOT_FOUND, NULL, "no such endpoint");
        return;
    }
    json_t *body = req_json_or_reply(r);
    if (!body)
        return;
    json_t *out = NULL;
    Error e;
    err_clear(&e);
    int rc = fn(r->srv->store, &r->ctx, body, &out, &e);
    json_decref(body);
    if (rc < 0)
        reply_error(r, &e);
    else
        reply_json(r, ok_status, out);
}
