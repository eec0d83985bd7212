/* cli/demo.c — `remit demo`: a demo tenant with realistic sample data.
 * Exports cmd_demo. Idempotent: when the tenant "demo" exists it only prints
 * the sign-in details. Everything goes through the same domain and model code
 * as the API (hooks, validation, audit), in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/auth.h"
#include "model/crud.h"

#define DEMO_EMAIL "demo@remit.test"
#define DEMO_PASSWORD "remit-demo-2026"

static const char *const customers[] = {
    "{\"code\":\"ACME\",\"name\":\"Acme Technologies Pvt Ltd\",\"email\":\"accounts@acme.example\","
    "\"address_line_1\":\"14 MG Road\",\"city\":\"Bengaluru\",\"state\":\"Karnataka\",\"postal_code\":\"560001\","
    "\"country\":\"IN\",\"gst_number\":\"29AABCA1234C1ZB\",\"pan_number\":\"AABCA1234C\",\"payment_terms\":30,"
    "\"currency\":\"INR\",\"industry\":\"Software\",\"billing_type\":\"mixed\"}",
    "{\"code\":\"NIMBUS\",\"name\":\"Nimbus Logistics LLP\",\"email\":\"finance@nimbus.example\","
    "\"address_line_1\":\"Plot 7, MIDC\",\"city\":\"Pune\",\"state\":\"Maharashtra\",\"postal_code\":\"411019\",\"state_code\":\"27\","
    "\"country\":\"IN\",\"payment_terms\":45,\"currency\":\"INR\",\"industry\":\"Logistics\",\"billing_type\":\"fixed\"}",
    "{\"code\":\"NORTHWIND\",\"name\":\"Northwind Traders Inc\",\"email\":\"ap@northwind.example\","
    "\"address_line_1\":\"500 Market St\",\"city\":\"San Francisco\",\"state\":\"CA\",\"postal_code\":\"94105\","
    "\"country\":\"US\",\"payment_terms\":30,\"currency\":\"USD\",\"industry\":\"Retail\",\"billing_type\":\"usage\","
    "\"credit_limit\":\"25000.00\"}",
    "{\"code\":\"BLUEFIN\",\"name\":\"Bluefin Clinics\",\"email\":\"admin@bluefin.example\",\"city\":\"Chennai\","
    "\"state\":\"Tamil Nadu\",\"state_code\":\"33\",\"country\":\"IN\",\"payment_terms\":15,\"currency\":\"INR\",\"industry\":\"Healthcare\","
    "\"billing_type\":\"bucket\"}",
};

static const char *const contacts[][2] = {
    {"ACME", "{\"first_name\":\"Priya\",\"last_name\":\"Raman\",\"email\":\"priya@acme.example\",\"job_title\":\"CFO\","
             "\"is_primary\":true,\"is_billing_contact\":true}"},
    {"ACME", "{\"first_name\":\"Arjun\",\"last_name\":\"Mehta\",\"email\":\"arjun@acme.example\",\"job_title\":\"IT Lead\"}"},
    {"NIMBUS", "{\"first_name\":\"Farah\",\"last_name\":\"Khan\",\"email\":\"farah@nimbus.example\",\"is_primary\":true,"
               "\"is_billing_contact\":true}"},
    {"NORTHWIND", "{\"first_name\":\"Dana\",\"last_name\":\"Lee\",\"email\":\"dana@northwind.example\","
                  "\"job_title\":\"AP Manager\",\"is_billing_contact\":true}"},
};

/* Creates a row through the table's own rules; *id (may be NULL) gets its id. */
static int make(Ctx *ctx, const char *table, json_t *body, char id[40], Error *err)
{
    Row row;
    int rc = crud_create(ctx, registry_find(table), body, NULL, &row, err);
    json_decref(body);
    if (rc == 0 && id)
        snprintf(id, 40, "%s", row_text(&row, "id"));
    return rc;
}

static int finalize(Ctx *ctx, const char *invoice, Error *err)
{
    const Table *t = registry_find("invoices");
    const Action *a = table_find_action(t, "finalize", 8, false);
    ActionIn in = {.id = invoice, .body = json_object()};
    ActionResult out = {.status = 200};
    int rc = a ? a->run(ctx, t, &in, &out, err) : err_set(err, ERR_INTERNAL, NULL, "no finalize action");
    json_decref(in.body);
    json_decref(out.json);
    return rc;
}

/* The invoicing side of the demo: the seller, two services, invoices (one part paid, one due, one
 * draft) with GST inside and across states. */
static int seed_invoicing(Ctx *ctx, char ids[4][40], Error *err)
{
    char desk[40], hour[40], inv[3][40];
    int rc = make(ctx, "company_profiles",
                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", "Demo Consulting Pvt Ltd", "address",
                            "4th Floor, Baner Road, Pune 411045", "gst_number", "27AAPFU0939F1ZV", "contact_email",
                            "billing@demo.example", "bank_name", "HDFC Bank", "bank_account_number", "50100012345678",
                            "bank_ifsc", "HDFC0000123", "upi_id", "demo@hdfcbank", "invoice_terms",
                            "Payment within the due date. Interest at 18% p.a. on late payments."),
                  NULL, err);
    if (rc == 0)
        rc = make(ctx, "services",
                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", "MS-DESK", "name", "Managed desktop",
                            "service_type", "fixed", "default_rate", "1500", "unit_of_measure", "seat", "tax_rate", "18",
                            "sac_code", "998316"),
                  desk, err);
    if (rc == 0)
        rc = make(ctx, "services",
                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", "ENG-HOUR", "name", "Engineer hour",
                            "service_type", "time", "default_rate", "2000", "unit_of_measure", "hour", "tax_rate", "18",
                            "sac_code", "998313"),
                  hour, err);
    if (rc == 0)   /* ACME is in Karnataka: IGST */
        rc = make(ctx, "invoices",
                  json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "customer_id", ids[0], "lines", "service_id", desk,
                            "quantity", "10", "service_id", hour, "quantity", "5"),
                  inv[0], err);
    if (rc == 0)   /* NIMBUS is in Pune, the seller's state: CGST + SGST */
        rc = make(ctx, "invoices",
                  json_pack("{s:s, s:[{s:s, s:s}]}", "customer_id", ids[1], "lines", "service_id", desk, "quantity", "3"),
                  inv[1], err);
    if (rc == 0)
        rc = make(ctx, "invoices",
                  json_pack("{s:s, s:[{s:s, s:s}]}", "customer_id", ids[3], "lines", "service_id", hour, "quantity", "8"),
                  inv[2], err);
    if (rc == 0)
        rc = finalize(ctx, inv[0], err);
    if (rc == 0)
        rc = finalize(ctx, inv[1], err);
    if (rc == 0)
        rc = make(ctx, "receipts",
                  json_pack("{s:s, s:s, s:s, s:s, s:s}", "customer_id", ids[0], "amount", "15000", "payment_method",
                            "bank_transfer", "reference_number", "NEFT-DEMO-0001", "invoice_id", inv[0]),
                  NULL, err);
    return rc;
}

static int seed(Ctx *ctx, Error *err)
{
    const Table *ct = registry_find("customers");
    const Table *pt = registry_find("contacts");
    char ids[4][40];
    for (int i = 0; i < 4; i++) {
        json_t *j = json_loads(customers[i], 0, NULL);
        Row row;
        int rc = crud_create(ctx, ct, j, NULL, &row, err);
        json_decref(j);
        if (rc < 0)
            return rc;
        snprintf(ids[i], sizeof ids[i], "%s", row_text(&row, "id"));
    }
    static const char *const codes[] = {"ACME", "NIMBUS", "NORTHWIND", "BLUEFIN"};
    for (size_t i = 0; i < sizeof contacts / sizeof contacts[0]; i++) {
        json_t *j = json_loads(contacts[i][1], 0, NULL);
        for (int k = 0; k < 4; k++)
            if (strcmp(codes[k], contacts[i][0]) == 0)
                json_object_set_new(j, "customer_id", json_string(ids[k]));
        Row row;
        int rc = crud_create(ctx, pt, j, NULL, &row, err);
        json_decref(j);
        if (rc < 0)
            return rc;
    }
    return seed_invoicing(ctx, ids, err);
}

int cmd_demo(const CliOpts *o)
{
    Store *s = NULL;
    if (cli_open(o, &s, 2) < 0)
        return 1;
    Arena arena;
    arena_init(&arena, 0);
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    ctx.now = clock_now();
    ctx.request_id = "demo";
    Error e;
    err_clear(&e);
    int rc = 0;
    /* Does the demo tenant exist? */
    Conn *c = NULL;
    bool exists = false;
    if (store_acquire(s, &c, &e) == 0) {
        Rows r;
        Value p[1] = {val_text("demo")};
        if (store_begin(c, NULL, false, &e) == 0 &&
            store_query_global(c, &r, "SELECT id FROM tenants WHERE slug = $1", p, 1, &e) == 0) {
            exists = rows_next(&r);
            rows_close(&r);
        }
        store_rollback(c);
        store_release(c);
    }
    if (!exists) {
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "tenant_name", "Demo", "email", DEMO_EMAIL, "password",
                                 DEMO_PASSWORD, "first_name", "Dee", "last_name", "Mo");
        json_t *out = NULL;
        rc = auth_signup(s, &ctx, body, &out, &e);
        json_decref(body);
        json_decref(out);
        if (rc == 0) {
            rc = store_acquire(s, &c, &e);
            if (rc == 0) {
                ctx.conn = c;
                rc = store_begin(c, &ctx, true, &e);
                if (rc == 0) {
                    ctx.currency = "INR";
                    rc = seed(&ctx, &e);
                    if (rc == 0)
                        rc = store_commit(c, &e);
                    else
                        store_rollback(c);
                }
                store_release(c);
            }
        }
    }
    arena_free(&arena);
    store_close(s);
    if (rc < 0) {
        fprintf(stderr, "remit: demo failed: %s%s%s\n", e.message, e.field[0] ? " (" : "", e.field[0] ? e.field : "");
        return 1;
    }
    printf("remit: demo tenant %s\n  tenant: demo\n  email:  %s\n  password: %s\n", exists ? "already present" : "created",
           DEMO_EMAIL, DEMO_PASSWORD);
    return 0;
}
