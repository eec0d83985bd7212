/* tests/scenario/test_identity_export.c — the privacy export holds every table's rows of its
 * tenant and none of another's (issue 3 acceptance; domain/export.c).
 *
 * The tenant tables are read from the database schema, which the registry derives: a table
 * with both an id and a tenant_id column is a registry tenant table (the hand-written reference
 * tables login_emails and outbox_tenants have no id). So a table added to the registry later is
 * checked here without a change. For each one, the export must hold exactly the ids the
 * database holds for the tenant, and no id, email or tenant id of the other tenant may appear
 * anywhere in the archive; no secret may either.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/api/client.h"
#include "tests/scenario/identity_helpers.h"

#define PW "correct horse 1"

static void restore_clock(void) { idt_clock(0); }

TestSuite(identity_export, .fini = restore_clock);

typedef struct Tenant {
    IdtAccount admin, clerk;
    char admin_email[160], clerk_email[160], invitee_email[160];
    char secret[64];
} Tenant;

/* Data in as many tables as the API reaches: users (created, invited, deleted), sessions,
 * customers, contacts, settings (a secret too), tokens, outbox, audit, idempotency keys. */
static void populate(Tenant *t, const char *tag)
{
    char name[80], id[40], body[512], path[200], key[120];
    snprintf(t->admin_email, sizeof t->admin_email, "%s-admin-%s@export-scenario.test", tag, idt_run());
    snprintf(t->clerk_email, sizeof t->clerk_email, "%s-clerk-%s@export-scenario.test", tag, idt_run());
    snprintf(t->invitee_email, sizeof t->invitee_email, "%s-invitee-%s@export-scenario.test", tag, idt_run());
    snprintf(t->secret, sizeof t->secret, "secret-of-%s-%s", tag, idt_run());
    snprintf(name, sizeof name, "Export %s", tag);
    idt_signup(&t->admin, name, t->admin_email, PW);
    idt_create_user(&t->admin, t->clerk_email, "user", "clerk password 1", id);
    idt_login(&t->clerk, t->clerk_email, "clerk password 1", t->admin.slug);
    idt_create_user(&t->admin, t->invitee_email, "user", NULL, id);
    char gone[160], gone_id[40];
    snprintf(gone, sizeof gone, "%s-gone-%s@export-scenario.test", tag, idt_run());
    idt_create_user(&t->admin, gone, "user", "gone password 1", gone_id);
    snprintf(path, sizeof path, "/api/v1/users/%s", gone_id);
    cr_assert_eq(idt_call(NULL, "DELETE", path, t->admin.token, NULL), 204);
    json_t *j = NULL;
    snprintf(key, sizeof key, "Idempotency-Key: export-%s-%s", tag, idt_run());
    snprintf(body, sizeof body, "{\"name\": \"Customer of %s\", \"code\": \"C-%s\"}", tag, tag);
    cr_assert_eq(idt_call_hdr(&j, "POST", "/api/v1/customers", t->admin.token, key, body), 201);
    char customer[40];
    snprintf(customer, sizeof customer, "%s", idt_str(j, "id"));
    json_decref(j);
    cr_assert_eq(idt_callf(NULL, "POST", "/api/v1/contacts", t->admin.token,
                           "{\"customer_id\": \"%s\", \"first_name\": \"Contact of %s\"}", customer, tag),
                 201);
    cr_assert_eq(idt_callf(NULL, "POST", "/api/v1/system_settings", t->admin.token,
                           "{\"setting_key\": \"smtp.password\", \"setting_type\": \"secret\", \"setting_value\": \"%s\"}",
                           t->secret),
                 201);
    cr_assert_eq(idt_callf(NULL, "POST", "/api/v1/system_settings", t->admin.token,
                           "{\"setting_key\": \"invoice.prefix\", \"setting_type\": \"string\", \"setting_value\": \"%s\","
                           " \"is_public\": true}",
                           tag),
                 201);
    cr_assert_eq(idt_callf(NULL, "POST", "/api/v1/auth/password/forgot", NULL, "{\"email\": \"%s\"}", t->clerk_email),
                 202);
    idt_wait_mails(t->clerk_email, "auth.password_reset", 1);
}

/* A SQL answer, one value per line, as a list. */
typedef struct Lines { char *buf; const char *p; } Lines;
static bool next_line(Lines *l, char *out, size_t cap)
{
    if (!*l->p)
        return false;
    size_t n = strcspn(l->p, "\n");
    snprintf(out, cap, "%.*s", (int)n, l->p);
    l->p += n + (l->p[n] == '\n');
    return true;
}

/* The registry's tenant tables, as the database has them. */
static char *tenant_tables(void)
{
    return idt_is_postgres()
               ? idt_sql("SELECT c.table_name FROM information_schema.columns c"
                         " JOIN information_schema.columns i ON i.table_schema = c.table_schema"
                         " AND i.table_name = c.table_name AND i.column_name = 'id'"
                         " WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' ORDER BY 1")
               : idt_sql("SELECT m.name FROM sqlite_master m WHERE m.type = 'table'"
                         " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'tenant_id')"
                         " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'id') ORDER BY 1");
}

/* Fetches the export with `token` and checks it against the database: for every tenant table,
 * exactly the tenant's ids in id order; no id of any other tenant's row, and no other tenant's
 * id, anywhere in the text; no secret field. Returns the parsed export (json_decref it) and the
 * number of non-empty tables. */
static json_t *check_export(const char *token, const char *tenant_id, int *nonempty)
{
    HttpResult r;
    char auth[400];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *hdrs[] = {auth, "X-Remit-Test-Ip: 10.39.1.1", NULL};
    cr_assert_eq(http_call(&r, getenv("REMIT_TEST_BASE"), "GET", "/api/v1/tenant/export", hdrs, NULL), 0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_not_null(r.json, "the export is JSON: %s", r.error);
    const char *text = r.body;
    cr_assert_str_eq(idt_str(r.json, "format"), "remit-export-1");
    cr_assert_str_eq(idt_str(r.json, "tenant.id"), tenant_id);
    json_t *tables = json_object_get(r.json, "tables");
    char exported_at[40];
    snprintf(exported_at, sizeof exported_at, "%s", idt_str(r.json, "exported_at"));
    int ntables = 0;
    *nonempty = 0;
    Lines names = {tenant_tables(), NULL};
    names.p = names.buf;
    char name[128];
    while (next_line(&names, name, sizeof name)) {
        if (strcmp(name, "idempotency_keys") == 0) {
            /* the one tenant table left out: a cache of recent responses, an API key's secret among
             * them (domain/export.c) */
            cr_assert_null(json_object_get(tables, name), "the export holds the Idempotency-Key cache");
            continue;
        }
        ntables++;
        json_t *rows = json_object_get(tables, name);
        cr_assert(json_is_array(rows), "the export has no \"%s\" table", name);
        /* rows made after the export by background work (daily jobs) are not expected in it */
        Lines ids = {idt_sql("SELECT id FROM %s WHERE tenant_id = '%s' AND created_at <= '%s' ORDER BY id", name,
                             tenant_id, exported_at),
                     NULL};
        ids.p = ids.buf;
        char id[64];
        size_t i = 0;
        while (next_line(&ids, id, sizeof id)) {
            const char *got = idt_str(json_array_get(rows, i), "id");
            cr_assert(got && strcmp(got, id) == 0, "%s row %zu: %s expected, %s exported", name, i, id,
                      got ? got : "(none)");
            i++;
        }
        cr_assert_eq(json_array_size(rows), i, "%s: %zu rows exported, %zu in the database", name,
                     json_array_size(rows), i);
        *nonempty += i > 0;
        free(ids.buf);
        Lines other = {idt_sql("SELECT id FROM %s WHERE tenant_id <> '%s'", name, tenant_id), NULL};
        other.p = other.buf;
        while (next_line(&other, id, sizeof id))
            cr_assert_null(strstr(text, id), "%s: another tenant's row %s is in the export", name, id);
        free(other.buf);
    }
    free(names.buf);
    cr_assert_eq((int)json_object_size(tables), ntables, "the export has %zu tables, the database %d",
                 json_object_size(tables), ntables);
    Lines tenants = {idt_sql("SELECT id FROM tenants WHERE id <> '%s'", tenant_id), NULL};
    tenants.p = tenants.buf;
    char id[64];
    while (next_line(&tenants, id, sizeof id))
        cr_assert_null(strstr(text, id), "another tenant's id %s is in the export", id);
    free(tenants.buf);
    static const char *const secret_fields[] = {"\"password_hash\"", "\"token_hash\"", "\"refresh_token_hash\"",
                                                "\"previous_token_hash\"", "\"encrypted_value\"", "\"key_hash\""};
    for (size_t k = 0; k < sizeof secret_fields / sizeof secret_fields[0]; k++)
        cr_assert_null(strstr(text, secret_fields[k]), "secret field %s exported", secret_fields[k]);
    json_t *out = json_incref(r.json);
    http_result_free(&r);
    return out;
}

Test(identity_export, the_export_holds_every_table_of_its_tenant_and_nothing_of_another)
{
    idt_use_ip("10.39.1.1");
    Tenant a, b;
    populate(&a, "ta");
    populate(&b, "tb");
    int nonempty = 0;
    json_t *ex = check_export(a.admin.token, a.admin.tenant_id, &nonempty);
    char *text = json_dumps(ex, JSON_COMPACT);
    json_t *tables = json_object_get(ex, "tables");
    cr_assert_geq(nonempty, 10, "the scenario filled most tables (%d non-empty)", nonempty);
    static const char *const filled[] = {"users", "sessions", "customers", "contacts", "system_settings", "audit_logs",
                                         "outbox", "email_verifications", "password_reset_tokens"};
    for (size_t i = 0; i < sizeof filled / sizeof filled[0]; i++)
        cr_assert_gt(json_array_size(json_object_get(tables, filled[i])), 0, "%s is empty", filled[i]);
    cr_assert_null(strstr(text, b.admin_email), "tenant B's admin email");
    cr_assert_null(strstr(text, b.clerk_email), "tenant B's clerk email");
    cr_assert_null(strstr(text, b.secret), "tenant B's secret");
    cr_assert_null(strstr(text, a.secret), "a secret in clear");
    cr_assert(strstr(text, a.clerk_email), "tenant A's own data is there");
    cr_assert(strstr(text, "\"deleted_at\":\""), "soft-deleted rows are exported with their deleted_at");
    free(text);
    json_decref(ex);
}

Test(identity_export, the_demo_tenants_export_holds_its_rows_and_none_of_any_other_tenant)
{
    idt_use_ip("10.39.1.2");
    const char *bin = getenv("REMIT_TEST_BIN"), *db = getenv("REMIT_TEST_DB"), *work = getenv("REMIT_TEST_WORK");
    cr_assert(bin && db && work, "REMIT_TEST_BIN, REMIT_TEST_DB and REMIT_TEST_WORK are needed");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "REMIT_TEST_MODE=1 REMIT_LOG_LEVEL=error '%s' demo --db '%s' --data-dir '%s/demo-data'"
             " > '%s/demo.out' 2>&1", bin, db, work, work);
    cr_assert_eq(system(cmd), 0, "remit demo failed (see %s/demo.out)", work);
    IdtAccount demo;
    idt_login(&demo, "demo@remit.test", "remit-demo-2026", "demo");
    int nonempty = 0;
    json_t *ex = check_export(demo.token, demo.tenant_id, &nonempty);
    json_t *tables = json_object_get(ex, "tables");
    cr_assert_gt(json_array_size(json_object_get(tables, "customers")), 0, "the demo has customers");
    cr_assert_gt(json_array_size(json_object_get(tables, "contacts")), 0, "and contacts");
    json_decref(ex);
}
