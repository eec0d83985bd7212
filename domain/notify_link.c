/* domain/notify_link.c — preference links: the token every notification mail carries, and the
 * public endpoint a customer opens with it to read and change their notification preferences
 * (seed: "notification preferences can be updated by clients and are respected"). Exports
 * notify_link_new, notify_link_init, which registers (public: no sign-in, rate-limited per client
 * IP like sign-in):
 *   GET  /api/v1/public/notification-preferences?token=T    the customer's preferences
 *   POST /api/v1/public/notification-preferences?token=T    {channel, invoice_issued,
 *        payment_reminders, overage_alerts, renewal_notices} (any of them; the token may be in the
 *        body instead of the query string)
 *
 * Token text: "rnp_" + base64url(tenant uuid[16] | notification id[16] | random[32]), like the
 * mailed tokens of domain/usertoken.c: the endpoint opens the named tenant's transaction and reads
 * the named notification, never searching across tenants; only SHA-256 of the whole text is stored
 * (notifications.link_hash) and compared in constant time. A link is not single-use (a customer
 * may change their mind twice from one mail) and works for NOTIFY_LINK_TTL_DAYS after its mail;
 * every mail carries a new one. Failures are 422 on field "token" saying which check failed;
 * nothing changes.
 *
 * What the link may change: the channel and the four kinds. Not the address: a forwarded mail must
 * not let its reader redirect someone's invoices to themselves; the seller changes the address
 * (notification_preferences.email, or the customer's email). A change is written through the
 * generic create/update of notification_preferences, so it is validated and audited like any other:
 * the audit row names the address the link was mailed to, with role "customer".
 */
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "domain/notify.h"
#include "domain/tx.h"
#include "domain/usertoken.h"
#include "model/codec.h"
#include "model/crud.h"

#define PREFIX "rnp_"

int notify_link_new(Ctx *ctx, const char *notification_id, char *out, size_t cap, char hash[65], Error *err)
{
    Uuid u;
    if (cap < USERTOKEN_MAX || !uuid_parse(&u, ctx->tenant_id, strlen(ctx->tenant_id)) ||
        !uuid_parse(&u, notification_id, strlen(notification_id)))
        return err_set(err, ERR_INTERNAL, NULL, "cannot make a preference link");
    usertoken_format(out, cap, PREFIX, ctx->tenant_id, notification_id);
    id_sha256_hex(hash, out, strlen(out));
    return 0;
}

static int bad(Error *err, const char *why)
{
    return err_set(err, ERR_INVALID, "token", "%s", why);
}

typedef struct Link {
    const char *token;
    json_t *changes;       /* POST: the fields to write (the token taken out); NULL for GET */
    json_t *result;
} Link;

/* The notification the token names, checked: its customer and the address it was mailed to. */
static int take(Ctx *ctx, const char *token, const char **customer_id, const char **recipient,
                const char **expires, Error *err)
{
    char tenant[40], id[40];
    if (usertoken_split(token, PREFIX, tenant, id) < 0 || strcmp(tenant, ctx->tenant_id) != 0)
        return bad(err, "token is not valid");
    Rows r;
    Value p[1] = {val_text(id)};
    int rc = store_query(ctx->conn, &r,
                         "SELECT customer_id, link_hash, created_at, recipient FROM notifications"
                         " WHERE tenant_id = $1 AND id = $2",
                         p, 1, err);
    if (rc < 0)
        return rc;
    const char *stored = NULL, *created = NULL;
    if (rows_next(&r)) {
        *customer_id = notify_text(ctx, &r, 0);
        stored = notify_text(ctx, &r, 1);
        created = notify_text(ctx, &r, 2);
        *recipient = notify_text(ctx, &r, 3);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    char hash[65];
    id_sha256_hex(hash, token, strlen(token));
    if (!stored || strlen(stored) != 64 || !id_equal_ct(stored, hash, 64))
        return bad(err, "token is not valid");
    Timestamp at = 0;
    if (!created || ts_parse(&at, created, strlen(created), "created_at", NULL) < 0)
        return bad(err, "token is not valid");
    Timestamp until = at + (int64_t)NOTIFY_LINK_TTL_DAYS * 86400 * 1000000;
    if (until <= ctx->now)
        return bad(err, "token has expired; use the link of a more recent mail");
    char ts[40];
    ts_format(ts, sizeof ts, until);
    *expires = arena_strdup(ctx->arena, ts);
    return 0;
}

/* The preferences as they apply, with the address mails go to. */
static int answer(Ctx *ctx, const char *customer_id, const char *expires, json_t **out, Error *err)
{
    NotifyPrefs p;
    int rc = notify_prefs_load(ctx, customer_id, &p, err);
    if (rc < 0)
        return rc;
    if (!p.found)
        return err_set(err, ERR_NOT_FOUND, NULL, "the customer this link was sent to no longer exists");
    const char *seller = notify_seller(ctx, err);
    if (!seller)
        return -(int)err->code;
    json_t *prefs = json_pack("{s:s, s:o}", "channel", p.channel, "email", p.email ? json_string(p.email) : json_null());
    for (int k = 0; prefs && k < NOTIFY__COUNT; k++)
        json_object_set_new(prefs, notify_pref_field((NotifyKind)k), json_boolean(p.on[k]));
    *out = json_pack("{s:{s:s, s:s}, s:s, s:o, s:s}", "customer", "id", customer_id, "name", p.name ? p.name : "",
                     "seller", seller, "preferences", prefs, "link_expires_at", expires);
    return *out ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int run(Ctx *ctx, void *arg, Error *err)
{
    Link *l = arg;
    const char *customer_id = NULL, *recipient = NULL, *expires = NULL;
    int rc = take(ctx, l->token, &customer_id, &recipient, &expires, err);
    if (rc < 0)
        return rc;
    if (l->changes && json_object_size(l->changes) > 0) {
        /* the audit names the token holder: the address the link was mailed to */
        ctx->user_id[0] = '\0';
        ctx->user_email = recipient;
        ctx->role_name = "customer";
        const Table *t = registry_find("notification_preferences");
        NotifyPrefs p;
        rc = notify_prefs_load(ctx, customer_id, &p, err);
        if (rc == 0 && !p.found)
            rc = err_set(err, ERR_NOT_FOUND, NULL, "the customer this link was sent to no longer exists");
        Row out;
        if (rc == 0 && p.row_id) {
            rc = crud_update(ctx, t, p.row_id, l->changes, -1, NULL, &out, err);
        } else if (rc == 0) {
            json_object_set_new(l->changes, "customer_id", json_string(customer_id));
            rc = crud_create(ctx, t, l->changes, NULL, &out, err);
        }
        if (rc < 0)
            return rc;
    }
    return answer(ctx, customer_id, expires, &l->result, err);
}

static int open_link(Ctx *ctx, Link *l, bool write, ActionResult *out, Error *err)
{
    if (!l->token || !*l->token)
        return err_set(err, ERR_REQUIRED, "token", "token is required");
    char tenant[40], id[40];
    if (usertoken_split(l->token, PREFIX, tenant, id) < 0)
        return bad(err, "token is not valid");
    int rc = tx_run(ctx, tenant, write, run, l, err);
    if (rc < 0) {
        json_decref(l->result);
        return rc;
    }
    out->json = l->result;
    return 0;
}

static int get_prefs(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    Link l = {action_arg(in, "token"), NULL, NULL};
    return open_link(ctx, &l, false, out, err);
}

static int post_prefs(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *key;
    json_t *val;
    json_object_foreach(in->body, key, val) {
        bool known = strcmp(key, "token") == 0 || strcmp(key, "channel") == 0;
        for (int k = 0; k < NOTIFY__COUNT; k++)
            known = known || strcmp(key, notify_pref_field((NotifyKind)k)) == 0;
        if (strcmp(key, "email") == 0)
            return err_set(err, ERR_READONLY, "email",
                           "the address cannot be changed through a preference link; ask the sender of the mails");
        if (!known)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an accepted field", key);
    }
    json_t *tok = json_object_get(in->body, "token");
    if (tok && !json_is_string(tok))
        return err_set(err, ERR_TYPE, "token", "token must be a string");
    json_t *changes = json_deep_copy(in->body);
    if (!changes)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    json_object_del(changes, "token");
    Link l = {tok ? json_string_value(tok) : action_arg(in, "token"), changes, NULL};
    int rc = open_link(ctx, &l, true, out, err);
    json_decref(changes);
    return rc;
}

static const Endpoint endpoints[] = {
    {.method = "GET", .path = "public/notification-preferences", .public = true, .run = get_prefs,
     .doc = "A customer's notification preferences, opened with the token of a notification mail (no sign-in)"},
    {.method = "POST", .path = "public/notification-preferences", .write = true, .public = true, .run = post_prefs,
     .doc = "Changes a customer's notification preferences (channel, kinds) with the token of a notification mail"},
};

void notify_link_init(void)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        registry_add_endpoint(&endpoints[i]);
}
