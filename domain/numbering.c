/* domain/numbering.c — series patterns and the locked counter; see numbering.h.
 * Exports numbering_check_pattern, numbering_format, numbering_default_pattern,
 * numbering_next, numbering_init.
 *
 * Concurrency notes: the counter row (number_counters, unique per tenant,
 * document type and financial year) is created if missing with INSERT ... ON
 * CONFLICT DO NOTHING, then incremented with UPDATE ... RETURNING. On
 * PostgreSQL the UPDATE takes the row lock, held to the end of the caller's
 * transaction: concurrent finalizations queue on it, and each sees the value
 * the previous one committed (READ COMMITTED re-reads the locked row). On
 * SQLite the store's writer lock serialises write transactions already. Take
 * the number as late as possible in a transaction: the lock is held until
 * commit.
 */
#include "domain/numbering.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "domain/domain.h"
#include "model/crud.h"

static const struct { const char *type, *pattern; } defaults[] = {
    {"invoice", "INV/{fy}/{seq:4}"},
    {"credit_note", "CN/{fy}/{seq:4}"},
    {"receipt", "RCT/{fy}/{seq:4}"},
};

const char *numbering_default_pattern(const char *doc_type)
{
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (strcmp(defaults[i].type, doc_type) == 0)
            return defaults[i].pattern;
    return NULL;
}

static bool literal_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '-';
}

/* Expands pattern; pad_seq_only: write the {seq} at its padded width with zeros (for the length check). */
static int expand(char *out, size_t cap, const char *pattern, int fy, int64_t seq, int *nseq, const char *field,
                  Error *err)
{
    size_t n = 0;
    *nseq = 0;
    char tmp[32];
    for (const char *p = pattern; *p;) {
        const char *piece;
        if (*p == '{') {
            const char *end = strchr(p, '}');
            if (!end)
                return err_set(err, ERR_INVALID, field, "%s has a '{' without '}'", field);
            size_t len = (size_t)(end - p - 1);
            const char *tok = p + 1;
            if (len == 2 && memcmp(tok, "fy", 2) == 0)
                snprintf(tmp, sizeof tmp, "%04d-%02d", fy, (fy + 1) % 100);
            else if (len == 8 && memcmp(tok, "fy_short", 8) == 0)
                snprintf(tmp, sizeof tmp, "%02d-%02d", fy % 100, (fy + 1) % 100);
            else if (len == 8 && memcmp(tok, "fy_start", 8) == 0)
                snprintf(tmp, sizeof tmp, "%04d", fy);
            else if (len == 6 && memcmp(tok, "fy_end", 6) == 0)
                snprintf(tmp, sizeof tmp, "%04d", fy + 1);
            else if (len == 3 && memcmp(tok, "seq", 3) == 0) {
                snprintf(tmp, sizeof tmp, "%lld", (long long)seq);
                (*nseq)++;
            } else if (len == 5 && memcmp(tok, "seq:", 4) == 0 && tok[4] >= '1' && tok[4] <= '9') {
                snprintf(tmp, sizeof tmp, "%0*lld", tok[4] - '0', (long long)seq);
                (*nseq)++;
            } else
                return err_set(err, ERR_INVALID, field, "%s has an unknown token {%.*s}", field, (int)len, tok);
            piece = tmp;
            p = end + 1;
        } else {
            if (!literal_ok(*p))
                return err_set(err, ERR_INVALID, field,
                               "%s may only hold letters, digits, '/' and '-' besides its {tokens}", field);
            tmp[0] = *p++;
            tmp[1] = '\0';
            piece = tmp;
        }
        size_t k = strlen(piece);
        if (n + k + 1 > cap) {
            n += k;   /* keep counting: the caller reports the length */
            continue;
        }
        memcpy(out + n, piece, k);
        n += k;
        out[n] = '\0';
    }
    if (cap)
        out[n < cap ? n : cap - 1] = '\0';
    return (int)n;
}

int numbering_check_pattern(const char *pattern, const char *field, Error *err)
{
    char buf[128];
    int nseq = 0;
    if (!pattern || !*pattern)
        return err_set(err, ERR_INVALID, field, "%s must not be empty", field);
    int n = expand(buf, sizeof buf, pattern, 2026, 1, &nseq, field, err);
    if (n < 0)
        return n;
    if (nseq != 1)
        return err_set(err, ERR_INVALID, field, "%s must contain exactly one {seq} or {seq:N}", field);
    if (n > NUMBER_MAX_LEN)
        return err_set(err, ERR_INVALID, field, "%s makes numbers like %s (%d characters); GST allows at most %d",
                       field, buf, n, NUMBER_MAX_LEN);
    return 0;
}

int numbering_format(char *out, size_t cap, const char *pattern, int fy_start_year, int64_t seq, Error *err)
{
    char buf[128];
    int nseq = 0;
    int n = expand(buf, sizeof buf, pattern, fy_start_year, seq, &nseq, "pattern", err);
    if (cap)
        out[0] = '\0';
    if (n < 0)
        return n;
    if (nseq != 1)
        return err_set(err, ERR_INVALID, "pattern", "pattern must contain exactly one {seq} or {seq:N}");
    if (n > NUMBER_MAX_LEN)
        return err_set(err, ERR_STATE, NULL,
                       "the number series is exhausted for %04d-%02d: %s is longer than %d characters", fy_start_year,
                       (fy_start_year + 1) % 100, buf, NUMBER_MAX_LEN);
    if ((size_t)n + 1 > cap)
        return err_set(err, ERR_INTERNAL, NULL, "number buffer too small");
    memcpy(out, buf, (size_t)n + 1);
    return n;
}

int numbering_next(Ctx *ctx, const char *doc_type, Date doc_date, int fy_start_month, DocNumber *out, Error *err)
{
    memset(out, 0, sizeof *out);
    const char *pattern = numbering_default_pattern(doc_type);
    int64_t start = 1;
    Value p[1] = {val_text(doc_type)};
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT pattern, starting_number FROM number_series WHERE tenant_id = $1 AND document_type = $2",
                         p, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        Value pv = rows_get(&r, 0);
        if (pv.kind == V_TEXT)
            pattern = arena_strndup(ctx->arena, pv.s, pv.len);
        Value sv = rows_get(&r, 1);
        if (sv.kind == V_INT && sv.i > 0)
            start = sv.i;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (!pattern)
        return err_set(err, ERR_INTERNAL, NULL, "no number series for %s", doc_type);
    int fy = fy_start_year(doc_date, fy_start_month);
    fy_label(out->fy, fy);

    char id[UUID_STR_LEN + 1], now[40];
    uuid_v7_str(id);
    ts_format(now, sizeof now, ctx->now);
    Value ins[5] = {val_text(id), val_text(doc_type), val_text(out->fy), val_int(start - 1), val_text(now)};
    rc = store_exec(ctx->conn,
                    "INSERT INTO number_counters (tenant_id, id, document_type, financial_year, last_value, version,"
                    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $6)"
                    " ON CONFLICT (tenant_id, document_type, financial_year) DO NOTHING",
                    ins, 5, NULL, err);
    if (rc < 0)
        return rc;
    Value up[3] = {val_text(doc_type), val_text(out->fy), val_text(now)};
    rc = store_query(ctx->conn, &r,
                     "UPDATE number_counters SET last_value = last_value + 1, version = version + 1, updated_at = $4"
                     " WHERE tenant_id = $1 AND document_type = $2 AND financial_year = $3 RETURNING last_value",
                     up, 3, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        out->seq = v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i;
    } else if (rows_error(&r, err) == 0) {
        rc = err_set(err, ERR_INTERNAL, NULL, "the %s counter row is missing", doc_type);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    rc = numbering_format(out->number, sizeof out->number, pattern, fy, out->seq, err);
    return rc < 0 ? rc : 0;
}

/* ---- number_series: patterns are checked when written ---- */

static int series_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    return numbering_check_pattern(row_text(row, "pattern"), "pattern", err);
}

static const Hooks series_hooks = {.before_write = series_before_write};

void numbering_init(void)
{
    table_set_hooks("number_series", &series_hooks);
}
