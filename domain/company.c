/* domain/company.c — the company profile and GST settings: one of each per
 * tenant, GSTIN/PAN checks, the seller's state code; and the settings every
 * document needs, gathered in one call.
 * Exports company_settings_load, company_today, company_local_date, company_gst_identity,
 * company_init (which also serves POST /api/v1/tenant/settings).
 *
 * Rules: a tenant has at most one company profile and one GST settings row
 * (409 on a second: edit the first). The profile's GSTIN is validated
 * (domain/gst.c); its PAN must be the one inside the GSTIN (filled from it when
 * missing); its state code is the GSTIN's first two digits unless given, and
 * must agree with the GSTIN when both are. The profile's currency is the
 * tenant's base currency. GST applies to documents when the seller has a
 * GSTIN and the GST settings do not switch it off; a settings row that
 * switches it on needs a GSTIN (its own or the profile's).
 */
#include "domain/company.h"

#include <stdio.h>
#include <string.h>

#include "core/tz.h"
#include "domain/domain.h"
#include "domain/gst.h"
#include "model/audit.h"
#include "model/codec.h"
#include "model/crud.h"

Date company_today(const Ctx *ctx)
{
    Date d;
    tz_date(&d, ctx->timezone ? ctx->timezone : "UTC", ctx->now);
    return d;
}

bool company_local_date(const Ctx *ctx, const char *s, Date *out)
{
    Timestamp t;
    if (!s || ts_parse(&t, s, strlen(s), "timestamp", NULL) < 0)
        return false;
    return tz_date(out, ctx->timezone ? ctx->timezone : "UTC", t) == 0;
}

static const char *text_at(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    if (v.kind != V_TEXT || v.len == 0)
        return NULL;
    return arena_strndup(ctx->arena, v.s, v.len);
}

static size_t app(char *b, size_t cap, size_t n, const char *sep, const char *s)
{
    int w = snprintf(b + n, cap - n, "%s%s", sep, s);
    return w < 0 || (size_t)w >= cap - n ? cap - 1 : n + (size_t)w;
}

/* "address\ncity state postal" from the parts that are present. */
static const char *join_address(Ctx *ctx, const char *addr, const char *city, const char *state, const char *postal)
{
    char buf[2600] = "";
    size_t n = addr ? app(buf, sizeof buf, 0, "", addr) : 0;
    const char *parts[3] = {city, state, postal};
    const char *sep = n ? "\n" : "";
    for (int i = 0; i < 3; i++)
        if (parts[i] && *parts[i]) {
            n = app(buf, sizeof buf, n, sep, parts[i]);
            sep = " ";
        }
    return buf[0] ? arena_strdup(ctx->arena, buf) : NULL;
}

int company_settings_load(Ctx *ctx, CompanySettings *out, Error *err)
{
    memset(out, 0, sizeof *out);
    out->base_currency = ctx->currency ? ctx->currency : "INR";
    out->timezone = ctx->timezone;
    out->fy_start_month = 4;
    out->default_rate = dec_from_int(0);
    Rows r;
    Value tp[1] = {val_text(ctx->tenant_id)};
    int rc = store_query_global(ctx->conn, &r, "SELECT base_currency, rounding, timezone FROM tenants WHERE id = $1",
                                tp, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        const char *cur = text_at(ctx, &r, 0), *rnd = text_at(ctx, &r, 1), *tz = text_at(ctx, &r, 2);
        if (cur)
            out->base_currency = cur;
        out->rounding = rnd && strcmp(rnd, "half_even") == 0 ? ROUND_HALF_EVEN : ROUND_HALF_UP;
        if (tz)
            out->timezone = tz;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    tz_date(&out->today, out->timezone ? out->timezone : "UTC", ctx->now);

    rc = store_query(ctx->conn, &r,
                     "SELECT name, address, city, state, postal_code, gst_number, pan_number, state_code,"
                     " financial_year_start, invoice_terms, signatory_name, bank_name, bank_account_name,"
                     " bank_account_number, bank_ifsc, upi_id, contact_email, contact_phone"
                     " FROM company_profiles WHERE tenant_id = $1",
                     NULL, 0, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        out->has_profile = true;
        out->name = text_at(ctx, &r, 0);
        out->address = join_address(ctx, text_at(ctx, &r, 1), text_at(ctx, &r, 2), text_at(ctx, &r, 3),
                                    text_at(ctx, &r, 4));
        out->gstin = text_at(ctx, &r, 5);
        out->pan = text_at(ctx, &r, 6);
        out->state_code = text_at(ctx, &r, 7);
        const char *fys = text_at(ctx, &r, 8);
        Date d;
        if (fys && date_parse(&d, fys, strlen(fys), "financial_year_start", NULL) == 0) {
            int y, m, dd;
            date_to_ymd(d, &y, &m, &dd);
            out->fy_start_month = m;
        }
        out->invoice_terms = text_at(ctx, &r, 9);
        out->signatory = text_at(ctx, &r, 10);
        out->bank_name = text_at(ctx, &r, 11);
        out->bank_account_name = text_at(ctx, &r, 12);
        out->bank_account_number = text_at(ctx, &r, 13);
        out->bank_ifsc = text_at(ctx, &r, 14);
        out->upi_id = text_at(ctx, &r, 15);
        out->contact_email = text_at(ctx, &r, 16);
        out->contact_phone = text_at(ctx, &r, 17);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;

    bool has_settings = false, applicable = false;
    const char *settings_gstin = NULL;
    rc = store_query(ctx->conn, &r,
                     "SELECT is_gst_applicable, gst_number, default_rate, display_format FROM gst_settings"
                     " WHERE tenant_id = $1",
                     NULL, 0, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        has_settings = true;
        applicable = rows_get(&r, 0).i != 0;
        settings_gstin = text_at(ctx, &r, 1);
        Value dv = rows_get(&r, 2);
        if (dv.kind == V_INT)
            out->default_rate = dec_from_scaled(dv.i, 4);
        const char *fmt = text_at(ctx, &r, 3);
        out->inclusive = fmt && strcmp(fmt, "inclusive") == 0;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (!out->gstin)
        out->gstin = settings_gstin;
    if (!out->state_code && out->gstin)
        out->state_code = arena_strndup(ctx->arena, out->gstin, 2);
    out->gst = out->gstin && (!has_settings || applicable);
    return 0;
}

/* ---- company_profiles ---- */

static int upper_in_place(Ctx *ctx, Row *row, const char *field)
{
    const char *s = row_text(row, field);
    if (!s)
        return 0;
    char *u = arena_strdup(ctx->arena, s);
    for (char *p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    if (strcmp(u, s) != 0)
        row_set_text(ctx, row, field, u);
    return 0;
}

static int only_one(Ctx *ctx, const char *table, const char *what, Error *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE tenant_id = $1", table);
    int64_t n = 0;
    int rc = store_query_int(ctx->conn, &n, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    if (n > 0) {
        rc = err_set(err, ERR_CONFLICT, NULL, "the tenant already has %s", what);
        err_hint(err, "read it with GET /api/v1/%s and change it with PATCH", table);
        return rc;
    }
    return 0;
}

int company_gst_identity(Ctx *ctx, Row *row, const char *gst_field, const char *pan_field, const char *state_field,
                         Error *err)
{
    upper_in_place(ctx, row, gst_field);
    if (pan_field)
        upper_in_place(ctx, row, pan_field);
    const char *g = row_text(row, gst_field);
    const char *pan = pan_field ? row_text(row, pan_field) : NULL;
    const char *st = state_field ? row_text(row, state_field) : NULL;
    int rc;
    if (g && (rc = gst_gstin_validate(g, gst_field, err)) < 0)
        return rc;
    if (pan && (rc = gst_pan_validate(pan, pan_field, err)) < 0)
        return rc;
    if (g && pan && memcmp(g + 2, pan, PAN_LEN) != 0)
        return err_set(err, ERR_INVALID, pan_field, "%s %s is not the PAN inside %s %s", pan_field, pan, gst_field, g);
    if (g && pan_field && !pan) {
        char p[PAN_LEN + 1];
        memcpy(p, g + 2, PAN_LEN);
        p[PAN_LEN] = '\0';
        row_set_text(ctx, row, pan_field, p);
    }
    if (state_field) {
        if (st && !gst_state_valid(st))
            return err_set(err, ERR_INVALID, state_field, "%s must be a two-digit GST state code such as \"27\"",
                           state_field);
        if (st && g && memcmp(st, g, 2) != 0)
            return err_set(err, ERR_INVALID, state_field, "%s %s disagrees with %s, which is registered in state %.2s",
                           state_field, st, gst_field, g);
        if (!st && g) {
            char s2[3] = {g[0], g[1], '\0'};
            row_set_text(ctx, row, state_field, s2);
        }
    }
    return 0;
}

static int profile_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int rc = 0;
    if (!old)
        rc = only_one(ctx, "company_profiles", "a company profile", err);
    if (rc == 0)
        rc = company_gst_identity(ctx, row, "gst_number", "pan_number", "state_code", err);
    if (rc == 0 && !old)
        row_set_text(ctx, row, "currency", ctx->currency ? ctx->currency : "INR");
    const char *c = row_text(row, "country");
    if (rc == 0 && c && (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z'))
        rc = err_set(err, ERR_INVALID, "country", "country must be an ISO 3166-1 alpha-2 code such as \"IN\"");
    return rc;
}

/* ---- gst_settings ---- */

static int gst_settings_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int rc = 0;
    if (!old)
        rc = only_one(ctx, "gst_settings", "GST settings", err);
    if (rc == 0)
        rc = company_gst_identity(ctx, row, "gst_number", NULL, NULL, err);
    if (rc < 0)
        return rc;
    Dec rate = dec_from_scaled(row_int(row, "default_rate"), 4);
    if (dec_cmp(rate, dec_from_int(100)) > 0)
        return err_set(err, ERR_RANGE, "default_rate", "default_rate must be between 0 and 100");
    if (row_int(row, "is_gst_applicable") && !row_text(row, "gst_number")) {
        int64_t n = 0;
        rc = store_query_int(ctx->conn, &n,
                             "SELECT COUNT(*) FROM company_profiles WHERE tenant_id = $1 AND gst_number IS NOT NULL",
                             NULL, 0, err);
        if (rc < 0)
            return rc;
        if (n == 0)
            return err_set(err, ERR_INVALID, "gst_number",
                           "GST cannot be applicable without a GSTIN: give gst_number here or in the company profile");
    }
    return 0;
}

/* ---- POST /api/v1/tenant/settings: the tenant's own settings that documents depend on ---- */

static int tenant_settings(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    static const char *const keys[] = {"name", "timezone", "rounding", NULL};
    const Table *t = registry_find("tenants");
    Row old, row;
    int rc = crud_get(ctx, t, ctx->tenant_id, false, &old, err);   /* the version check guards the write */
    if (rc < 0)
        return rc;
    row_copy(ctx, &row, &old);
    const char *key;
    json_t *v;
    json_object_foreach(in->body, key, v) {
        bool known = false;
        for (const char *const *k = keys; *k; k++)
            known |= strcmp(*k, key) == 0;
        if (!known)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not a tenant setting (name, timezone, rounding)", key);
        int c = table_col(t, key);
        Value val;
        rc = codec_field_from_json(ctx, t, c, v, &row, &val, err);
        if (rc < 0)
            return rc;
        if (val.kind == V_NULL)
            return err_set(err, ERR_REQUIRED, key, "%s cannot be null", key);
        row.v[c] = val;
        row.set[c] = 1;
    }
    const char *tz = row_text(&row, "timezone");
    if (tz && !tz_valid(tz))
        return err_set(err, ERR_INVALID, "timezone", "timezone must be an IANA time zone such as \"Asia/Kolkata\"");
    rc = crud_update_row(ctx, t, &row, &old, err);
    if (rc == 0)
        rc = audit_write(ctx, t, "settings", &old, &row, err);
    if (rc < 0)
        return rc;
    out->json = codec_to_json(ctx, &row);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static const Endpoint settings_ep = {
    .method = "POST", .path = "tenant/settings", .write = true, .role = ROLE_ADMIN, .run = tenant_settings,
    .doc = "Changes the tenant's name, time zone (\"today\" for documents) and rounding (half_up or half_even)",
};

static const Hooks profile_hooks = {.before_write = profile_before_write};
static const Hooks gst_settings_hooks = {.before_write = gst_settings_before_write};

void company_init(void)
{
    table_set_hooks("company_profiles", &profile_hooks);
    table_set_hooks("gst_settings", &gst_settings_hooks);
    registry_add_endpoint(&settings_ep);
}
