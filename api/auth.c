/* api/auth.c — the sign-in endpoints that need no token: signup, login,
 * refresh. Exports handle_auth, auth_cookie_token. The rules are in
 * domain/auth.c.
 *
 * Two ways to hold a session. API clients get the tokens in the JSON body and
 * send "Authorization: Bearer". The web console asks for cookies (header
 * "X-Remit-Cookie: 1"): the access and refresh tokens then travel only in
 * HttpOnly, SameSite=Strict cookies the page's scripts cannot read (the refresh
 * cookie only to /api/v1/auth), and the body carries a CSRF token instead,
 * which every cookie-authenticated write must echo in X-CSRF-Token. The
 * console keeps that token in memory, never in localStorage; after a reload it
 * asks GET /api/v1/auth/csrf for it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "api/server.h"
#include "domain/auth.h"

static bool cookie_mode(Request *r)
{
    const char *h = req_header(r, "X-Remit-Cookie");
    return h && strcmp(h, "1") == 0;
}

/* The value of one cookie from the Cookie header, copied into the arena; NULL if absent. */
const char *auth_cookie_token(Request *r, const char *name)
{
    const char *h = req_header(r, "Cookie");
    if (!h)
        return NULL;
    size_t nl = strlen(name);
    for (const char *p = h; *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=')
            return arena_strndup(&r->arena, p + nl + 1, len - nl - 1);
        p += len;
    }
    return NULL;
}

static const char *secure_attr(void)
{
    const char *e = getenv("REMIT_COOKIE_SECURE");
    return e && strcmp(e, "1") == 0 ? "; Secure" : "";
}

void auth_set_cookies(Request *r, const char *access, const char *refresh)
{
    char c[1024];
    if (access) {
        snprintf(c, sizeof c, "remit_at=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", access, ACCESS_TTL_S,
                 secure_attr());
        reply_header(r, "Set-Cookie", c);
    }
    if (refresh) {
        snprintf(c, sizeof c, "remit_rt=%s; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=%d%s", refresh,
                 REFRESH_TTL_S, secure_attr());
        reply_header(r, "Set-Cookie", c);
    }
}

void auth_clear_cookies(Request *r)
{
    reply_header(r, "Set-Cookie", "remit_at=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    reply_header(r, "Set-Cookie", "remit_rt=; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=0");
}

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
    bool cookies = cookie_mode(r);
    json_t *body = NULL;
    if (fn == auth_refresh && cookies && r->body.len == 0) {
        const char *rt = auth_cookie_token(r, "remit_rt");
        body = json_pack("{s:s}", "refresh_token", rt ? rt : "");
    } else {
        body = req_json_or_reply(r);
        if (!body)
            return;
    }
    json_t *out = NULL;
    Error e;
    err_clear(&e);
    int rc = fn(r->srv->store, &r->ctx, body, &out, &e);
    json_decref(body);
    if (rc < 0) {
        if (cookies && fn == auth_refresh)
            auth_clear_cookies(r);
        reply_error(r, &e);
        return;
    }
    if (cookies) {
        /* The tokens go into HttpOnly cookies and out of the body; the page gets the CSRF token. */
        auth_set_cookies(r, json_string_value(json_object_get(out, "access_token")),
                         json_string_value(json_object_get(out, "refresh_token")));
        char csrf[64];
        const char *sid = json_string_value(json_object_get(out, "session_id"));
        auth_csrf_token(csrf, sid ? sid : "");
        json_object_del(out, "access_token");
        json_object_del(out, "refresh_token");
        json_object_set_new(out, "csrf_token", json_string(csrf));
    }
    reply_json(r, ok_status, out);
}
