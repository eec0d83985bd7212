/* domain/reconcile.c — matching's I/O: read, match (domain/match.c), write
 * what changed. Exports recon_match_contract, recon_match_unlinked,
 * recon_match_tenant, recon_close_contract, recon_expiry_alerts and the
 * recon_defer_* functions (see reconcile.h).
 *
 * Shape of a run. Contracts are read in chunks of CHUNK_CONTRACTS ordered by
 * id (one contract for recon_match_contract); for a chunk, range queries read
 * the contracts, their billing records ordered by (contract, billing date,
 * id) and the stored digests (matching_state). No query per record.
 *   Pass 1 matches every contract in memory and hashes what it wants (its
 *   results, missing periods, and what their content depends on) into a
 *   digest; a contract whose digest equals the stored one is done.
 *   Pass 2, for the other contracts only, reads the results and alerts stored
 *   for the chunk and compares each one matching wants, by its key
 *   (result_key "r:<contract>:<record>", "m:<contract>:<period start>",
 *   "u:<record>"; alert_key "<result_key>:<kind>") and a 64-bit fingerprint:
 *   - unchanged: nothing is written (re-running changes nothing);
 *   - new or changed: written by multi-row upserts on the key, batched;
 *   - stored but no longer wanted: closed (result "no_longer_applies", alert
 *     resolved "no longer found by matching"), its fingerprint cleared so the
 *     same discrepancy coming back reopens it;
 *   and stores the new digest.
 * An alert resolved by a person keeps its fingerprint and stays resolved until
 * what it reports changes. A result that turns matched after a discrepancy is
 * resolved as "corrected" by the user whose change caused the re-match. A
 * record moved to another contract gets a result under the new contract; the
 * old contract's re-match closes the old one.
 *
 * What must stay true: a digest covers everything the fingerprints of the
 * contract's rows depend on (digest_of), and only matching writes those rows'
 * content — people's actions (accept, resolve) never change a fingerprint.
 *
 * Matching writes derived rows and is not audited row by row (a bulk run
 * would double its writes); what people do to results and alerts is.
 *
 * Concurrency notes: everything runs in the caller's write transaction. Two
 * requests re-matching the same contract serialise on SQLite's writer lock; on
 * PostgreSQL the upserts on the unique keys make the later one update what the
 * earlier one wrote. The deferral state is per thread (a request lives on one
 * thread).
 */
#include "domain/reconcile.h"
#include "domain/recon_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/id.h"
#include "core/log.h"
#include "core/money.h"
#include "core/tz.h"
#include "domain/outbox.h"
#include "model/registry.h"

#define CHUNK_CONTRACTS 1000
#define ZERO_UUID "00000000-0000-0000-0000-000000000000"
#define AUTO_NOTE "no longer found by matching"

/* ---- fingerprints and the map of stored rows ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    h = fnv(h, s ? s : "", s ? strlen(s) : 0);
    return fnv(h, "\x1f", 1);
}

static uint64_t fnv_int(uint64_t h, int64_t v)
{
    return fnv(h, &v, sizeof v);
}

enum { RES_NONE, RES_ACCEPTED, RES_CORRECTED, RES_GONE };
static const char *const resolution_names[] = {NULL, "accepted", "corrected", "no_longer_applies"};

typedef struct Stored {
    const char *key;
    const char *id;
    const char *contract_id;   /* results and alerts: whose; closing touches dirty contracts' rows only */
    uint64_t fp;
    bool resolved;
    int resolution;
    bool seen;
} Stored;

typedef struct Map {
    Stored *slot;
    size_t cap, n;
} Map;

static size_t hash_key(const char *k)
{
    return (size_t)fnv(1469598103934665603ULL, k, strlen(k));
}

static int map_init(Map *m, Arena *a, size_t expect)
{
    size_t cap = 64;
    while (cap < expect * 2 + 1)
        cap *= 2;
    m->slot = ARENA_ARRAY(a, Stored, cap);
    m->cap = cap;
    m->n = 0;
    return m->slot ? 0 : -1;
}

static Stored *map_find(Map *m, const char *key)
{
    for (size_t i = hash_key(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->slot[i].key)
            return NULL;
        if (strcmp(m->slot[i].key, key) == 0)
            return &m->slot[i];
    }
}

static int map_grow(Map *m, Arena *a)
{
    Map big;
    if (map_init(&big, a, m->cap) < 0)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slot[i].key) {
            size_t j = hash_key(m->slot[i].key) & (big.cap - 1);
            while (big.slot[j].key)
                j = (j + 1) & (big.cap - 1);
            big.slot[j] = m->slot[i];
            big.n++;
        }
    *m = big;
    return 0;
}

static Stored *map_add(Map *m, Arena *a, const Stored *s)
{
    if ((m->n + 1) * 2 > m->cap && map_grow(m, a) < 0)
        return NULL;
    size_t i = hash_key(s->key) & (m->cap - 1);
    while (m->slot[i].key)
        i = (i + 1) & (m->cap - 1);
    m->slot[i] = *s;
    m->n++;
    return &m->slot[i];
}

/* ---- batched upserts ---- */

typedef struct Batch {
    const char *head;      /* "INSERT INTO t (tenant_id, c1, ...) VALUES " */
    const char *tail;      /* " ON CONFLICT ..." */
    int ncols;             /* parameters per row (tenant_id excluded) */
    int max_rows;
    Value *params;
    int rows;
    Buf sql;
    char *full_sql;        /* the statement for a full batch, built once */
    struct Batch *first;   /* flushed before this one (alerts refer to results) */
} Batch;

static int batch_init(Batch *b, Ctx *ctx, const char *head, const char *tail, int ncols)
{
    memset(b, 0, sizeof *b);
    b->head = head;
    b->tail = tail;
    b->ncols = ncols;
    /* PostgreSQL's driver binds at most 64 parameters per statement. */
    b->max_rows = conn_dialect(ctx->conn) == DIALECT_POSTGRES ? 63 / ncols : 64;
    if (b->max_rows < 1)
        b->max_rows = 1;
    b->params = calloc((size_t)(b->max_rows * ncols), sizeof(Value));
    buf_init(&b->sql, 1 << 20);
    return b->params ? 0 : -1;
}

static void batch_free(Batch *b)
{
    free(b->params);
    free(b->full_sql);
    buf_free(&b->sql);
    b->params = NULL;
    b->full_sql = NULL;
}

static int batch_flush(Ctx *ctx, Batch *b, Error *err)
{
    if (b->rows == 0)
        return 0;
    if (b->first) {
        int rc = batch_flush(ctx, b->first, err);
        if (rc < 0)
            return rc;
    }
    const char *text = b->rows == b->max_rows ? b->full_sql : NULL;
    if (!text) {
        buf_reset(&b->sql);
        buf_puts(&b->sql, b->head);
        char num[16];
        int p = 2;
        for (int r = 0; r < b->rows; r++) {
            buf_puts(&b->sql, r ? ", ($1" : "($1");
            for (int c = 0; c < b->ncols; c++) {
                int n = snprintf(num, sizeof num, ", $%d", p++);
                buf_append(&b->sql, num, (size_t)n);
            }
            buf_putc(&b->sql, ')');
        }
        buf_puts(&b->sql, b->tail);
        if (b->sql.failed)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        text = buf_cstr(&b->sql);
        if (b->rows == b->max_rows)
            b->full_sql = strdup(text);   /* NULL only costs a rebuild next time */
    }
    int rc = store_exec(ctx->conn, text, b->params, b->rows * b->ncols, NULL, err);
    b->rows = 0;
    return rc;
}

/* The next row's parameters (ncols of them), flushing first when full. */
static Value *batch_row(Ctx *ctx, Batch *b, Error *err, int *rc)
{
    *rc = 0;
    if (b->rows == b->max_rows && (*rc = batch_flush(ctx, b, err)) < 0)
        return NULL;
    return &b->params[(b->rows++) * b->ncols];
}

#define RESULT_COLS 23
static const char result_head[] =
    "INSERT INTO matching_results (tenant_id, id, contract_id, billing_record_id, result_key, matching_status,"
    " discrepancy_details, currency, expected_amount, billed_amount, amount_difference, period_start, period_end,"
    " is_resolved, resolution, resolution_note, resolved_by, resolved_at, fingerprint, matched_at, version,"
    " created_by, created_at, updated_at) VALUES ";
static const char result_tail[] =
    " ON CONFLICT (tenant_id, result_key) DO UPDATE SET contract_id = excluded.contract_id,"
    " billing_record_id = excluded.billing_record_id, matching_status = excluded.matching_status,"
    " discrepancy_details = excluded.discrepancy_details, currency = excluded.currency,"
    " expected_amount = excluded.expected_amount, billed_amount = excluded.billed_amount,"
    " amount_difference = excluded.amount_difference, period_start = excluded.period_start,"
    " period_end = excluded.period_end, is_resolved = excluded.is_resolved, resolution = excluded.resolution,"
    " resolution_note = excluded.resolution_note, resolved_by = excluded.resolved_by,"
    " resolved_at = excluded.resolved_at, fingerprint = excluded.fingerprint, matched_at = excluded.matched_at,"
    " version = matching_results.version + 1, updated_at = excluded.updated_at";

#define ALERT_COLS 23
static const char alert_head[] =
    "INSERT INTO alerts (tenant_id, id, contract_id, billing_record_id, matching_result_id, alert_key, alert_type,"
    " alert_level, alert_title, alert_message, details, is_read, read_at, read_by, is_resolved, resolution_note,"
    " resolved_by, resolved_at, assigned_to, fingerprint, version, created_by, created_at, updated_at) VALUES ";
static const char alert_tail[] =
    " ON CONFLICT (tenant_id, alert_key) DO UPDATE SET contract_id = excluded.contract_id,"
    " billing_record_id = excluded.billing_record_id, matching_result_id = excluded.matching_result_id,"
    " alert_level = excluded.alert_level, alert_title = excluded.alert_title,"
    " alert_message = excluded.alert_message, details = excluded.details, is_read = excluded.is_read,"
    " read_at = NULL, read_by = NULL, is_resolved = excluded.is_resolved, resolution_note = NULL,"
    " resolved_by = NULL, resolved_at = NULL, fingerprint = excluded.fingerprint,"
    " version = alerts.version + 1, updated_at = excluded.updated_at";

/* ---- one run: the state shared by the contracts of a chunk ---- */

typedef struct Run {
    Ctx *ctx;
    const ReconSettings *s;
    ReconStats *st;
    Arena *a;                      /* the chunk's memory */
    char now[TS_FORMAT_MAX];
    Value user;                    /* who caused the run (resolved_by), or NULL */
    Map results, alerts;
    Batch rb, ab;
    ReconPeriod sched[RECON_MAX_PERIODS];
    int missing[RECON_MAX_PERIODS];
    ReconResult *res;
    ReconRecord *in;
    int res_cap;
    Batch db;                      /* matching_state digests */
    const ReconContractRow *cs;    /* the chunk's contracts, by id */
    int nc;
    Error *err;
} Run;

typedef ReconContractRow CRow;
typedef ReconRecordRow RRow;

static const char *dup_value(Arena *a, Value v) { return recon_value_dup(a, v); }
static bool value_date(Value v, Date *out) { return recon_value_date(v, out); }
static void copy_id(char out[UUID_STR_LEN + 1], Value v) { recon_value_id(out, v); }
static Value vtext(const char *s) { return s ? val_text(s) : val_null(); }

static const char *money_text(Run *run, int64_t minor, const Currency *cur)
{
    char buf[MONEY_FORMAT_MAX];
    if (money_format(buf, sizeof buf, minor, cur) < 0)
        buf[0] = '\0';
    return arena_strdup(run->a, buf);
}

static const char *date_text(Run *run, Date d)
{
    char buf[11];
    date_format(buf, d);
    return arena_strndup(run->a, buf, 10);
}

static const char *fp_text(Run *run, uint64_t fp)
{
    static const char hex[] = "0123456789abcdef";
    char *buf = arena_alloc(run->a, 17);
    if (!buf)
        return NULL;
    for (int i = 15; i >= 0; i--, fp >>= 4)
        buf[i] = hex[fp & 15];
    buf[16] = '\0';
    return buf;
}

static uint64_t fp_parse(Value v)
{
    if (v.kind != V_TEXT || v.len != 16)
        return 0;
    char buf[17];
    memcpy(buf, v.s, 16);
    buf[16] = '\0';
    return strtoull(buf, NULL, 16);
}

/* Stored rows: (key, id, fingerprint, is_resolved[, resolution], contract_id). */
static int load_stored(Run *run, Map *m, const char *sql, const Value *p, int np, bool with_resolution)
{
    Rows r;
    int rc = store_query(run->ctx->conn, &r, sql, p, np, run->err);
    if (rc < 0)
        return rc;
    int ccol = with_resolution ? 5 : 4;
    while (rc == 0 && rows_next(&r)) {
        Stored s = {.key = dup_value(run->a, rows_get(&r, 0)), .id = dup_value(run->a, rows_get(&r, 1)),
                    .fp = fp_parse(rows_get(&r, 2)), .resolved = rows_get(&r, 3).i != 0};
        if (with_resolution) {
            Value v = rows_get(&r, 4);
            for (int i = 1; i <= RES_GONE && v.kind == V_TEXT; i++)
                if (strlen(resolution_names[i]) == v.len && memcmp(resolution_names[i], v.s, v.len) == 0)
                    s.resolution = i;
        }
        if (r.ncols > ccol)
            s.contract_id = dup_value(run->a, rows_get(&r, ccol));
        if (!s.key || !s.id || !map_add(m, run->a, &s))
            rc = err_set(run->err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    if (rc == 0)
        rc = rows_error(&r, run->err);
    rows_close(&r);
    return rc;
}

/* ---- wanting a result and an alert ---- */

typedef struct Want {
    const char *key, *contract_id, *record_id, *status, *details, *currency;
    int64_t expected, billed, difference;
    bool has_period;
    Date period_start, period_end;
} Want;

/* Writes the result when it is new or changed; *id_out gets its id. */
static int want_result(Run *run, const Want *w, const char **id_out)
{
    uint64_t fp = 1469598103934665603ULL;
    fp = fnv_str(fp, w->status);
    fp = fnv_str(fp, w->contract_id);
    fp = fnv_str(fp, w->record_id);
    fp = fnv_int(fp, w->has_period ? w->period_start : -1);
    fp = fnv_int(fp, w->has_period ? w->period_end : -1);
    fp = fnv_int(fp, w->expected);
    fp = fnv_int(fp, w->billed);
    fp = fnv_int(fp, w->difference);
    fp = fnv_str(fp, w->currency);
    fp = fnv_str(fp, w->details);
    fp |= 1;   /* 0 means "none" */
    Stored *e = map_find(&run->results, w->key);
    if (e) {
        e->seen = true;
        *id_out = e->id;
        if (e->fp == fp && e->resolution != RES_GONE) {
            run->st->results_unchanged++;
            return 0;
        }
    }
    bool matched = strcmp(w->status, "matched") == 0;
    int resolution = RES_NONE;
    bool by_user = false;
    if (matched && e && (!e->resolved || e->resolution == RES_ACCEPTED || e->resolution == RES_CORRECTED)) {
        resolution = RES_CORRECTED;   /* a discrepancy made good by a change */
        by_user = true;
    }
    const char *id = e ? e->id : NULL;
    if (!id) {
        char *nid = arena_alloc(run->a, UUID_STR_LEN + 1);
        if (!nid)
            return err_set(run->err, ERR_UNAVAILABLE, NULL, "out of memory");
        uuid_v7_str(nid);
        id = nid;
    }
    *id_out = id;
    int rc;
    Value *p = batch_row(run->ctx, &run->rb, run->err, &rc);
    if (!p)
        return rc;
    Value now = val_text(run->now);
    const char *cur = w->currency;
    p[0] = val_text(id);
    p[1] = vtext(w->contract_id);
    p[2] = vtext(w->record_id);
    p[3] = val_text(w->key);
    p[4] = val_text(w->status);
    p[5] = val_text(w->details);
    p[6] = vtext(cur);
    p[7] = val_int(w->expected);
    p[8] = val_int(w->billed);
    p[9] = val_int(w->difference);
    p[10] = w->has_period ? val_text(date_text(run, w->period_start)) : val_null();
    p[11] = w->has_period ? val_text(date_text(run, w->period_end)) : val_null();
    p[12] = val_bool(matched);
    p[13] = vtext(resolution_names[resolution]);
    p[14] = val_null();
    p[15] = by_user ? run->user : val_null();
    p[16] = resolution != RES_NONE ? now : val_null();
    p[17] = val_text(fp_text(run, fp));
    p[18] = now;
    p[19] = val_int(1);
    p[20] = run->user;
    p[21] = now;
    p[22] = now;
    if (e)
        run->st->results_updated++;
    else
        run->st->results_created++;
    return 0;
}

typedef struct WantAlert {
    const char *key, *type, *contract_id, *record_id, *result_id, *title, *message, *details, *assignee;
    int level;
} WantAlert;

static int queue_mail(Run *run, const WantAlert *w, const char *alert_id)
{
    if (!w->assignee)
        return 0;
    Value p[1] = {val_text(w->assignee)};
    Rows r;
    int rc = store_query(run->ctx->conn, &r, "SELECT email FROM users WHERE tenant_id = $1 AND id = $2", p, 1,
                         run->err);
    if (rc < 0)
        return rc;
    const char *email = rows_next(&r) ? dup_value(run->a, rows_get(&r, 0)) : NULL;
    rc = rows_error(&r, run->err);
    rows_close(&r);
    if (rc < 0 || !email)
        return rc;
    rc = outbox_mail(run->ctx, "reconciliation.alert", email, w->title, w->message, "alerts", alert_id, run->err);
    if (rc == 0)
        run->st->mails_queued++;
    return rc;
}

static int want_alert(Run *run, const WantAlert *w)
{
    if (w->level <= 0)
        return 0;   /* the tenant wants no alert of this kind: a stored one is closed */
    uint64_t fp = 1469598103934665603ULL;
    fp = fnv_str(fp, w->type);
    fp = fnv_str(fp, w->details);
    fp |= 1;
    Stored *e = map_find(&run->alerts, w->key);
    if (e) {
        e->seen = true;
        if (e->fp == fp)
            return 0;
    }
    const char *id = e ? e->id : NULL;
    if (!id) {
        char *nid = arena_alloc(run->a, UUID_STR_LEN + 1);
        if (!nid)
            return err_set(run->err, ERR_UNAVAILABLE, NULL, "out of memory");
        uuid_v7_str(nid);
        id = nid;
    }
    int rc;
    Value *p = batch_row(run->ctx, &run->ab, run->err, &rc);
    if (!p)
        return rc;
    Value now = val_text(run->now);
    p[0] = val_text(id);
    p[1] = vtext(w->contract_id);
    p[2] = vtext(w->record_id);
    p[3] = vtext(w->result_id);
    p[4] = val_text(w->key);
    p[5] = val_text(w->type);
    p[6] = val_text(recon_level_name(w->level));
    p[7] = val_text(w->title);
    p[8] = val_text(w->message);
    p[9] = val_text(w->details);
    p[10] = val_bool(false);
    p[11] = val_null();
    p[12] = val_null();
    p[13] = val_bool(false);
    p[14] = val_null();
    p[15] = val_null();
    p[16] = val_null();
    p[17] = vtext(w->assignee);
    p[18] = val_text(fp_text(run, fp));
    p[19] = val_int(1);
    p[20] = run->user;
    p[21] = now;
    p[22] = now;
    if (e)
        run->st->alerts_reopened++;
    else
        run->st->alerts_raised++;
    return w->level == 3 ? queue_mail(run, w, id) : 0;
}

static bool clean_contract(const Run *run, const char *contract_id);

/* Closes what is stored but no longer wanted (of the contracts that were matched in full). */
static int close_unseen(Run *run)
{
    Value now = val_text(run->now);
    for (size_t i = 0; i < run->results.cap; i++) {
        Stored *e = &run->results.slot[i];
        if (!e->key || e->seen || e->resolution == RES_GONE || clean_contract(run, e->contract_id))
            continue;
        Value p[5] = {val_bool(true), val_text(resolution_names[RES_GONE]), run->user, now, val_text(e->id)};
        int rc = store_exec(run->ctx->conn,
                            "UPDATE matching_results SET is_resolved = $2, resolution = $3, resolution_note = NULL,"
                            " resolved_by = $4, resolved_at = $5, fingerprint = '', matched_at = $5, updated_at = $5,"
                            " version = version + 1 WHERE tenant_id = $1 AND id = $6",
                            p, 5, NULL, run->err);
        if (rc < 0)
            return rc;
        run->st->results_closed++;
    }
    for (size_t i = 0; i < run->alerts.cap; i++) {
        Stored *e = &run->alerts.slot[i];
        if (!e->key || e->seen || e->resolved || clean_contract(run, e->contract_id))
            continue;
        Value p[5] = {val_bool(true), val_text(AUTO_NOTE), run->user, now, val_text(e->id)};
        int rc = store_exec(run->ctx->conn,
                            "UPDATE alerts SET is_resolved = $2, resolution_note = $3, resolved_by = $4,"
                            " resolved_at = $5, fingerprint = '', updated_at = $5, version = version + 1"
                            " WHERE tenant_id = $1 AND id = $6",
                            p, 5, NULL, run->err);
        if (rc < 0)
            return rc;
        run->st->alerts_resolved++;
    }
    return 0;
}

/* ---- what a discrepancy says ---- */

static void json_money(Buf *b, const char *key, int64_t v, const Currency *cur)
{
    char m[MONEY_FORMAT_MAX];
    money_format(m, sizeof m, v, cur);
    buf_printf(b, ",\"%s\":\"%s\"", key, m);
}

static void json_date(Buf *b, const char *key, Date d)
{
    char s[11];
    date_format(s, d);
    buf_printf(b, ",\"%s\":\"%s\"", key, s);
}

/* One issue as a JSON object (canonical key order, so fingerprints are stable). */
static void issue_json(Buf *b, const CRow *c, const RRow *recs, const ReconPeriod *sched, const ReconResult *res,
                       const ReconIssue *is)
{
    const Currency *cur = c->cur;
    buf_printf(b, "{\"kind\":\"%s\"", recon_kind_name(is->kind));
    switch (is->kind) {
    case RK_AMOUNT:
        buf_printf(b, ",\"direction\":\"%s\"", is->actual > is->expected ? "over" : "under");
        json_money(b, "expected", is->expected, cur);
        json_money(b, "billed", is->actual, cur);
        json_money(b, "difference", is->actual - is->expected, cur);
        json_money(b, "tolerance", is->tolerance, cur);
        json_date(b, "period_start", sched[res->period].p.start);
        json_date(b, "period_end", sched[res->period].p.end);
        break;
    case RK_OUTSIDE:
        json_date(b, "date", is->date);
        json_date(b, "contract_start_date", c->c.terms.period.start);
        json_date(b, "contract_end_date", date_add_days(c->c.terms.period.end, -1));   /* its last day */
        break;
    case RK_DUPLICATE:
        json_date(b, "period_start", sched[res->period].p.start);
        json_date(b, "period_end", sched[res->period].p.end);
        buf_printf(b, ",\"first_billing_record_id\":\"%s\"", recs[is->first].id);
        buf_puts(b, ",\"first_billing_number\":");
        buf_json_str(b, recs[is->first].number ? recs[is->first].number : "",
                     recs[is->first].number ? strlen(recs[is->first].number) : 0);
        json_money(b, "billed", is->actual, cur);
        break;
    case RK_OVER_BUDGET:
        json_money(b, "contract_amount", is->expected, cur);
        json_money(b, "billed_to_date", is->actual, cur);
        json_money(b, "excess", is->actual - is->expected, cur);
        break;
    case RK_TAX: {
        char rate[DEC_FORMAT_MAX];
        dec_format_trim(rate, sizeof rate, c->c.tax_rate);
        buf_printf(b, ",\"tax_rate\":\"%s\"", rate);
        json_money(b, "expected_tax", is->expected, cur);
        json_money(b, "tax_amount", is->actual, cur);
        json_money(b, "difference", is->actual - is->expected, cur);
        break;
    }
    case RK_DUE_DATE:
        json_date(b, "due_date", is->date);
        json_date(b, "latest_due_date", is->limit);
        buf_printf(b, ",\"payment_terms\":%d", c->c.terms.payment_terms);
        break;
    default:
        break;
    }
    buf_putc(b, '}');
}

static const char *issue_title(Run *run, const CRow *c, const ReconIssue *is)
{
    switch (is->kind) {
    case RK_AMOUNT: return arena_printf(run->a, "Amount mismatch on contract %s", c->number);
    case RK_OUTSIDE: return arena_printf(run->a, "Billed outside the period of contract %s", c->number);
    case RK_DUPLICATE: return arena_printf(run->a, "Period billed twice on contract %s", c->number);
    case RK_OVER_BUDGET: return arena_printf(run->a, "Contract %s is over budget", c->number);
    case RK_TAX: return arena_printf(run->a, "Tax mismatch on contract %s", c->number);
    case RK_DUE_DATE: return arena_printf(run->a, "Due date beyond the terms of contract %s", c->number);
    default: return arena_printf(run->a, "Discrepancy on contract %s", c->number);
    }
}

static const char *issue_message(Run *run, const CRow *c, const RRow *recs, int k, const ReconPeriod *sched,
                                 const ReconResult *res, const ReconIssue *is)
{
    const Currency *cur = c->cur;
    const char *code = cur->code;
    const char *number = recs[k].number;
    switch (is->kind) {
    case RK_AMOUNT: {
        int64_t d = is->actual - is->expected;
        return arena_printf(run->a,
                            "Bill %s bills %s %s for the period from %s to %s; %s was expected (tolerance %s): %s %s",
                            number, money_text(run, is->actual, cur), code,
                            date_text(run, sched[res->period].p.start), date_text(run, date_add_days(sched[res->period].p.end, -1)),
                            money_text(run, is->expected, cur), money_text(run, is->tolerance, cur),
                            money_text(run, d < 0 ? -d : d, cur), d > 0 ? "over" : "under");
    }
    case RK_OUTSIDE:
        return arena_printf(run->a, "Bill %s is for %s, outside the contract period from %s to %s", number,
                            date_text(run, is->date), date_text(run, c->c.terms.period.start),
                            date_text(run, date_add_days(c->c.terms.period.end, -1)));
    case RK_DUPLICATE:
        return arena_printf(run->a, "Bill %s bills the period from %s to %s again, after bill %s", number,
                            date_text(run, sched[res->period].p.start), date_text(run, date_add_days(sched[res->period].p.end, -1)),
                            recs[is->first].number);
    case RK_OVER_BUDGET:
        return arena_printf(run->a, "With bill %s, %s %s has been billed against a contract amount of %s (%s over)",
                            number, money_text(run, is->actual, cur), code, money_text(run, is->expected, cur),
                            money_text(run, is->actual - is->expected, cur));
    case RK_TAX:
        return arena_printf(run->a, "Bill %s charges tax of %s %s; the rate in force gives %s", number,
                            money_text(run, is->actual, cur), code, money_text(run, is->expected, cur));
    case RK_DUE_DATE:
        return arena_printf(run->a, "Bill %s is due on %s; the contract's %d days of terms allow %s at the latest",
                            number, date_text(run, is->date), c->c.terms.payment_terms, date_text(run, is->limit));
    default:
        return arena_printf(run->a, "Bill %s has a discrepancy", number);
    }
}

/* ---- one contract ---- */

/* Schedules and matches one contract into run->sched, run->res, run->missing. *n gets the number of
 * periods (0: the contract's terms give no schedule; it is skipped). */
static int match_one(Run *run, CRow *c, const RRow *recs, int *n, int *nmissing)
{
    Error *err = run->err;
    *n = 0;
    *nmissing = 0;
    int rc = recon_schedule(run->sched, RECON_MAX_PERIODS, n, &c->c.terms, run->s->rounding, err);
    if (rc < 0) {
        log_printf(LOG_WARN, run->ctx->request_id, "reconciliation: contract %s skipped: %s", c->id, err->message);
        err_clear(err);
        *n = 0;
        return 0;
    }
    if (c->nrec > run->res_cap) {
        int cap = c->nrec * 2;
        ReconResult *nr = realloc(run->res, sizeof(ReconResult) * (size_t)cap);
        ReconRecord *ni = nr ? realloc(run->in, sizeof(ReconRecord) * (size_t)cap) : NULL;
        if (nr)
            run->res = nr;
        if (ni)
            run->in = ni;
        if (!nr || !ni)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        run->res_cap = cap;
    }
    for (int k = 0; k < c->nrec; k++)
        run->in[k] = recs[k].r;
    ReconRules rules = {.tolerance_percent = run->s->tolerance_percent, .rounding = run->s->rounding,
                        .today = run->s->today};
    rc = money_from_dec(&rules.tolerance_amount, run->s->tolerance_amount, c->cur, run->s->rounding, err);
    if (rc == 0)
        rc = recon_match(run->res, run->missing, nmissing, &c->c, run->sched, *n, run->in, c->nrec, &rules, err);
    return rc;
}

/* What matching wants for a contract, in 64 bits: everything its results' and alerts'
 * fingerprints depend on. Equal to the stored digest: nothing to read or write. */
#define DIGEST_VERSION 1
static uint64_t digest_of(const Run *run, const CRow *c, const RRow *recs, int n, int nmissing)
{
    uint64_t h = fnv_int(1469598103934665603ULL, DIGEST_VERSION);
    for (int k = 0; k < RK__COUNT; k++)
        h = fnv_int(h, run->s->level[k]);
    h = fnv_int(h, run->s->tolerance_percent.coef);
    h = fnv_int(h, run->s->tolerance_percent.scale);
    h = fnv_int(h, run->s->tolerance_amount.coef);
    h = fnv_int(h, run->s->tolerance_amount.scale);
    h = fnv_str(h, c->number);
    h = fnv_str(h, c->currency);
    h = fnv_int(h, c->c.terms.period.start);
    h = fnv_int(h, c->c.terms.period.end);
    h = fnv_int(h, c->c.terms.payment_terms);
    h = fnv_int(h, c->c.has_tax_rate ? c->c.tax_rate.coef : -1);
    h = fnv_int(h, c->c.tax_rate.scale);
    for (int k = 0; k < c->nrec; k++) {
        const ReconResult *r = &run->res[k];
        h = fnv(h, recs[k].id, UUID_STR_LEN);
        h = fnv_str(h, recs[k].number);
        h = fnv_int(h, (int64_t)r->status << 32 | (uint32_t)r->period);
        h = fnv_int(h, r->period >= 0 ? run->sched[r->period].p.start : 0);
        h = fnv_int(h, r->period >= 0 ? run->sched[r->period].p.end : 0);
        h = fnv_int(h, r->expected);
        h = fnv_int(h, r->billed);
        for (int i = 0; i < r->nissues; i++) {
            const ReconIssue *is = &r->issues[i];
            h = fnv_int(h, is->kind);
            h = fnv_int(h, is->expected);
            h = fnv_int(h, is->actual);
            h = fnv_int(h, is->tolerance);
            h = fnv_int(h, (int64_t)is->date << 32 | (uint32_t)is->limit);
            h = fnv_int(h, is->first);
        }
    }
    for (int m = 0; m < nmissing; m++) {
        const ReconPeriod *p = &run->sched[run->missing[m]];
        h = fnv_int(h, (int64_t)p->p.start << 32 | (uint32_t)p->p.end);
        h = fnv_int(h, (int64_t)p->billing_date << 32 | (uint32_t)p->due_date);
        h = fnv_int(h, p->expected);
    }
    (void)n;
    return h | 1;
}

static char *key2(Arena *a, char tag, const char *x, const char *y)
{
    size_t nx = strlen(x), ny = y ? strlen(y) : 0;
    char *k = arena_alloc(a, 2 + nx + 1 + ny + 1);
    if (!k)
        return NULL;
    k[0] = tag;
    k[1] = ':';
    memcpy(k + 2, x, nx);
    if (y) {
        k[2 + nx] = ':';
        memcpy(k + 3 + nx, y, ny);
        k[3 + nx + ny] = '\0';
    } else {
        k[2 + nx] = '\0';
    }
    return k;
}

/* The results and alerts a matched contract wants (run->res etc. from match_one). */
static int emit_contract(Run *run, CRow *c, RRow *recs, int nmissing)
{
    Error *err = run->err;
    int rc = 0;
    Buf b;
    buf_init(&b, 1 << 20);
    for (int k = 0; k < c->nrec && rc == 0; k++) {
        const ReconResult *res = &run->res[k];
        buf_reset(&b);
        buf_putc(&b, '[');
        for (int i = 0; i < res->nissues; i++) {
            if (i)
                buf_putc(&b, ',');
            issue_json(&b, c, recs, run->sched, res, &res->issues[i]);
        }
        buf_putc(&b, ']');
        Want w = {.key = key2(run->a, 'r', c->id, recs[k].id), .contract_id = c->id, .record_id = recs[k].id,
                  .status = recon_status_name(res->status), .details = arena_strndup(run->a, b.data, b.len),
                  .currency = c->currency, .expected = res->expected, .billed = res->billed,
                  .difference = res->difference, .has_period = res->period >= 0};
        if (w.has_period) {
            w.period_start = run->sched[res->period].p.start;
            w.period_end = run->sched[res->period].p.end;
        }
        const char *result_id = NULL;
        rc = want_result(run, &w, &result_id);
        for (int i = 0; i < res->nissues && rc == 0; i++) {
            const ReconIssue *is = &res->issues[i];
            buf_reset(&b);
            issue_json(&b, c, recs, run->sched, res, is);
            WantAlert a = {.key = key2(run->a, w.key[0], w.key + 2, recon_kind_name(is->kind)),
                           .type = recon_kind_name(is->kind), .contract_id = c->id, .record_id = recs[k].id,
                           .result_id = result_id, .title = issue_title(run, c, is),
                           .message = issue_message(run, c, recs, k, run->sched, res, is),
                           .details = arena_strndup(run->a, b.data, b.len), .assignee = c->assignee,
                           .level = run->s->level[is->kind]};
            if (!w.details || !a.details || !a.message || !a.title || !a.key)
                rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
            else
                rc = want_alert(run, &a);
        }
    }
    for (int m = 0; m < nmissing && rc == 0; m++) {
        const ReconPeriod *p = &run->sched[run->missing[m]];
        buf_reset(&b);
        buf_puts(&b, "{\"kind\":\"missing_period\"");
        json_date(&b, "period_start", p->p.start);
        json_date(&b, "period_end", p->p.end);
        json_date(&b, "billing_date", p->billing_date);
        json_date(&b, "due_date", p->due_date);
        json_money(&b, "expected", p->expected, c->cur);
        buf_putc(&b, '}');
        const char *one = arena_strndup(run->a, b.data, b.len);
        const char *ps = date_text(run, p->p.start);
        Want w = {.key = key2(run->a, 'm', c->id, ps), .contract_id = c->id, .status = "unmatched",
                  .details = arena_printf(run->a, "[%s]", one), .currency = c->currency, .expected = p->expected,
                  .billed = 0, .difference = -p->expected, .has_period = true, .period_start = p->p.start,
                  .period_end = p->p.end};
        const char *result_id = NULL;
        rc = want_result(run, &w, &result_id);
        if (rc == 0) {
            WantAlert a = {
                .key = arena_printf(run->a, "%s:missing_period", w.key), .type = "missing_period",
                .contract_id = c->id, .result_id = result_id,
                .title = arena_printf(run->a, "Missing bill on contract %s for the period from %s", c->number, ps),
                .message = arena_printf(run->a, "No bill for the period from %s to %s (%s %s expected) by its due date %s",
                                        ps, date_text(run, date_add_days(p->p.end, -1)), money_text(run, p->expected, c->cur),
                                        c->cur->code, date_text(run, p->due_date)),
                .details = one, .assignee = c->assignee, .level = run->s->level[RK_MISSING]};
            rc = want_alert(run, &a);
        }
    }
    buf_free(&b);
    return rc;
}

/* ---- chunks ---- */

#define STATE_COLS 6
static const char state_head[] =
    "INSERT INTO matching_state (tenant_id, id, contract_id, digest, version, created_at, updated_at) VALUES ";
static const char state_tail[] =
    " ON CONFLICT (tenant_id, contract_id) DO UPDATE SET digest = excluded.digest,"
    " version = matching_state.version + 1, updated_at = excluded.updated_at";

static int run_begin(Run *run, Ctx *ctx, const ReconSettings *s, ReconStats *st, Arena *a, Error *err)
{
    memset(run, 0, sizeof *run);
    run->ctx = ctx;
    run->s = s;
    run->st = st;
    run->a = a;
    run->err = err;
    ts_format(run->now, sizeof run->now, ctx->now);
    run->user = ctx->user_id[0] ? val_text(ctx->user_id) : val_null();
    if (batch_init(&run->rb, ctx, result_head, result_tail, RESULT_COLS) < 0 ||
        batch_init(&run->ab, ctx, alert_head, alert_tail, ALERT_COLS) < 0 ||
        batch_init(&run->db, ctx, state_head, state_tail, STATE_COLS) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    run->ab.first = &run->rb;
    run->db.first = &run->ab;
    return 0;
}

static void run_end(Run *run)
{
    batch_free(&run->rb);
    batch_free(&run->ab);
    batch_free(&run->db);
    free(run->res);
    free(run->in);
    run->res = NULL;
    run->in = NULL;
}

/* Flushes a chunk's writes: results first (alerts refer to them), then alerts, digests, closes. */
static int run_flush(Run *run)
{
    int rc = batch_flush(run->ctx, &run->db, run->err);   /* flushes results and alerts first */
    if (rc == 0)
        rc = batch_flush(run->ctx, &run->ab, run->err);
    if (rc == 0)
        rc = batch_flush(run->ctx, &run->rb, run->err);
    if (rc == 0)
        rc = close_unseen(run);
    return rc;
}

/* A contract of the chunk whose digest matched: its stored rows are right as they are. */
static bool clean_contract(const Run *run, const char *contract_id)
{
    if (!contract_id || !run->cs)
        return false;
    int lo = 0, hi = run->nc - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(run->cs[mid].id, contract_id);
        if (c == 0)
            return !run->cs[mid].dirty;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return false;   /* not in the chunk (a deleted contract): its rows are closed */
}

static int want_digest(Run *run, const CRow *c)
{
    int rc;
    Value *p = batch_row(run->ctx, &run->db, run->err, &rc);
    if (!p)
        return rc;
    char *id = arena_alloc(run->a, UUID_STR_LEN + 1);
    if (!id)
        return err_set(run->err, ERR_UNAVAILABLE, NULL, "out of memory");
    uuid_v7_str(id);
    p[0] = val_text(id);
    p[1] = val_text(c->id);
    p[2] = val_text(fp_text(run, c->digest));
    p[3] = val_int(1);
    p[4] = val_text(run->now);
    p[5] = val_text(run->now);
    return 0;
}

/* One chunk: contracts after `after` (or the one contract `only`). *last gets the last id read; *count how many. */
static int do_chunk(Run *run, const char *after, const char *only, const char *exclude, char last[UUID_STR_LEN + 1],
                    int *count)
{
    Ctx *ctx = run->ctx;
    Error *err = run->err;
    *count = 0;
    Buf sql;
    buf_init(&sql, 4096);
    buf_puts(&sql, recon_contract_select);
    Value p[2];
    int np;
    if (only) {
        buf_puts(&sql, " AND id = $2");
        p[0] = val_text(only);
        np = 1;
    } else {
        buf_puts(&sql, " AND id > $2 ORDER BY id LIMIT $3");
        p[0] = val_text(after);
        p[1] = val_int(CHUNK_CONTRACTS);
        np = 2;
    }
    Rows r;
    int rc = store_query(ctx->conn, &r, buf_cstr(&sql), p, np, err);
    buf_free(&sql);
    if (rc < 0)
        return rc;
    CRow *cs = ARENA_ARRAY(run->a, CRow, only ? 1 : CHUNK_CONTRACTS);
    int nc = 0;
    while (rc == 0 && cs && rows_next(&r))
        rc = recon_row_contract(run->a, run->s, &r, &cs[nc++]);
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (!cs)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc < 0 || nc == 0)
        return rc;
    *count = nc;
    memcpy(last, cs[nc - 1].id, UUID_STR_LEN + 1);
    Value range[2] = {val_text(cs[0].id), val_text(cs[nc - 1].id)};

    /* records of the chunk, merged onto the contracts (both ordered by contract id) */
    rc = store_query(ctx->conn, &r,
                     "SELECT contract_id, id, billing_number, billing_date, due_date, period_start, billing_amount,"
                     " tax_amount FROM billing_records WHERE tenant_id = $1 AND deleted_at IS NULL"
                     " AND billing_status <> 'cancelled' AND contract_id >= $2 AND contract_id <= $3"
                     " ORDER BY contract_id, billing_date, id",
                     range, 2, err);
    if (rc < 0)
        return rc;
    int cap = 1024, nr = 0;
    RRow *recs = malloc(sizeof(RRow) * (size_t)cap);
    int ci = 0;
    while (rc == 0 && recs && rows_next(&r)) {
        if (nr == cap) {
            RRow *more = realloc(recs, sizeof(RRow) * (size_t)cap * 2);
            if (!more) {
                rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                break;
            }
            recs = more;
            cap *= 2;
        }
        RRow *rr = &recs[nr];
        if (recon_row_record(run->a, &r, rr) < 0 || (exclude && strcmp(rr->id, exclude) == 0))
            continue;
        while (ci < nc && strcmp(cs[ci].id, rr->contract_id) < 0)
            ci++;
        if (ci == nc || strcmp(cs[ci].id, rr->contract_id) != 0)
            continue;   /* a deleted contract's record */
        if (cs[ci].nrec == 0)
            cs[ci].first = nr;
        cs[ci].nrec++;
        nr++;
    }
    if (!recs && rc == 0)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);

    /* pass 1: match every contract, compare its digest with the stored one */
    Map digests;
    if (rc == 0 && map_init(&digests, run->a, (size_t)nc) < 0)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0 && !run->s->full)
        rc = load_stored(run, &digests,
                         "SELECT contract_id, id, digest, 0 FROM matching_state WHERE tenant_id = $1"
                         " AND contract_id >= $2 AND contract_id <= $3",
                         range, 2, false);
    int ndirty = 0;
    for (int i = 0; i < nc && rc == 0; i++) {
        CRow *c = &cs[i];
        if (!c->ok)
            continue;   /* unreadable terms: what is stored stays */
        int n = 0, nm = 0;
        rc = match_one(run, c, recs ? recs + c->first : NULL, &n, &nm);
        if (rc < 0 || n == 0)
            continue;
        run->st->contracts++;
        run->st->records += c->nrec;
        run->st->missing_periods += nm;
        c->digest = digest_of(run, c, recs ? recs + c->first : NULL, n, nm);
        Stored *d = map_find(&digests, c->id);
        if (d && d->fp == c->digest) {
            run->st->results_unchanged += c->nrec + nm;
            continue;
        }
        c->dirty = true;
        ndirty++;
    }
    run->cs = cs;
    run->nc = nc;

    /* pass 2: the contracts whose digest changed are compared row by row and written */
    if (rc == 0 && ndirty > 0) {
        if (map_init(&run->results, run->a, (size_t)nr + (size_t)nc * 4) < 0 ||
            map_init(&run->alerts, run->a, (size_t)nc * 4) < 0)
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        if (rc == 0)
            rc = load_stored(run, &run->results,
                             "SELECT result_key, id, fingerprint, is_resolved, resolution, contract_id"
                             " FROM matching_results WHERE tenant_id = $1 AND contract_id >= $2 AND contract_id <= $3",
                             range, 2, true);
        if (rc == 0)
            rc = load_stored(run, &run->alerts,
                             "SELECT alert_key, id, fingerprint, is_resolved, contract_id FROM alerts"
                             " WHERE tenant_id = $1 AND contract_id >= $2 AND contract_id <= $3"
                             " AND alert_type <> 'contract_expiry'",
                             range, 2, false);
        for (int i = 0; i < nc && rc == 0; i++) {
            CRow *c = &cs[i];
            if (!c->dirty)
                continue;
            int n = 0, nm = 0;
            RRow *mine = recs ? recs + c->first : NULL;
            rc = match_one(run, c, mine, &n, &nm);
            if (rc == 0)
                rc = emit_contract(run, c, mine, nm);
            if (rc == 0)
                rc = want_digest(run, c);
        }
        if (rc == 0)
            rc = run_flush(run);   /* before the records go: the batched rows point into them */
    }
    run->cs = NULL;
    run->nc = 0;
    free(recs);
    return rc;
}

int recon_match_contract(Ctx *ctx, const ReconSettings *s, const char *contract_id, const char *exclude_record,
                         ReconStats *st, Error *err)
{
    Arena a;
    arena_init(&a, 0);
    Run *run = calloc(1, sizeof *run);
    int rc = run ? run_begin(run, ctx, s, st, &a, err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    char last[UUID_STR_LEN + 1];
    int n = 0;
    if (rc == 0)
        rc = do_chunk(run, NULL, contract_id, exclude_record, last, &n);
    if (run)
        run_end(run);
    free(run);
    arena_free(&a);
    return rc;
}

int recon_match_tenant(Ctx *ctx, const ReconSettings *s, ReconStats *st, ReconCheckpoint checkpoint, void *arg,
                       Error *err)
{
    Run *run = calloc(1, sizeof *run);
    if (!run)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    char after[UUID_STR_LEN + 1] = ZERO_UUID;
    int rc = 0;
    for (;;) {
        Arena a;
        arena_init(&a, 0);
        rc = run_begin(run, ctx, s, st, &a, err);
        int n = 0;
        char last[UUID_STR_LEN + 1];
        if (rc == 0)
            rc = do_chunk(run, after, NULL, NULL, last, &n);
        run_end(run);
        arena_free(&a);
        if (rc < 0 || n == 0)
            break;
        memcpy(after, last, sizeof after);
        if (checkpoint && (rc = checkpoint(ctx, arg, err)) < 0)
            break;
        if (n < CHUNK_CONTRACTS)
            break;
    }
    free(run);
    if (rc == 0)
        rc = recon_match_unlinked(ctx, s, NULL, NULL, st, err);
    return rc;
}

/* ---- the unlinked queue ---- */

int recon_match_unlinked(Ctx *ctx, const ReconSettings *s, const char *record_id, const char *exclude_record,
                         ReconStats *st, Error *err)
{
    Arena a;
    arena_init(&a, 0);
    Run *run = calloc(1, sizeof *run);
    int rc = run ? run_begin(run, ctx, s, st, &a, err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    Value p[1] = {vtext(record_id)};
    int np = record_id ? 1 : 0;
    const char *one = record_id ? " AND id = $2" : "";
    Rows r;
    if (rc == 0)
        rc = map_init(&run->results, &a, 64) < 0 || map_init(&run->alerts, &a, 64) < 0
                 ? err_set(err, ERR_UNAVAILABLE, NULL, "out of memory")
                 : 0;
    if (rc == 0)
        rc = load_stored(run, &run->results,
                         record_id ? "SELECT result_key, id, fingerprint, is_resolved, resolution FROM matching_results"
                                     " WHERE tenant_id = $1 AND contract_id IS NULL AND billing_record_id = $2"
                                   : "SELECT result_key, id, fingerprint, is_resolved, resolution FROM matching_results"
                                     " WHERE tenant_id = $1 AND contract_id IS NULL",
                         p, np, true);
    if (rc == 0)
        rc = load_stored(run, &run->alerts,
                         record_id ? "SELECT alert_key, id, fingerprint, is_resolved FROM alerts WHERE tenant_id = $1"
                                     " AND contract_id IS NULL AND billing_record_id = $2"
                                   : "SELECT alert_key, id, fingerprint, is_resolved FROM alerts WHERE tenant_id = $1"
                                     " AND contract_id IS NULL AND alert_type = 'unlinked_record'",
                         p, np, false);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, billing_number, billing_amount, currency, link_candidates, billing_date"
             " FROM billing_records WHERE tenant_id = $1 AND deleted_at IS NULL AND billing_status <> 'cancelled'"
             " AND contract_id IS NULL%s ORDER BY id",
             one);
    if (rc == 0)
        rc = store_query(ctx->conn, &r, sql, p, np, err);
    if (rc < 0)
        goto out;
    Buf b;
    buf_init(&b, 1 << 20);
    while (rc == 0 && rows_next(&r)) {
        char id[UUID_STR_LEN + 1];
        copy_id(id, rows_get(&r, 0));
        if (exclude_record && strcmp(id, exclude_record) == 0)
            continue;
        const char *rid = arena_strdup(&a, id);
        const char *number = dup_value(&a, rows_get(&r, 1));
        int64_t amount = rows_get(&r, 2).i;
        const char *code = dup_value(&a, rows_get(&r, 3));
        const Currency *cur = currency_find(code);
        Value cands = rows_get(&r, 4);
        if (!cur || !number) {
            rc = err_set(err, ERR_INTERNAL, NULL, "billing record %s is not readable", id);
            break;
        }
        st->unlinked++;
        st->records++;
        buf_reset(&b);
        buf_puts(&b, "{\"kind\":\"unlinked_record\",\"candidates\":");
        if (cands.kind == V_TEXT && cands.len)
            buf_append(&b, cands.s, cands.len);
        else
            buf_puts(&b, "[]");
        buf_putc(&b, '}');
        const char *issue = arena_strndup(&a, b.data, b.len);
        Want w = {.key = key2(&a, 'u', rid, NULL), .record_id = rid, .status = "unmatched",
                  .details = arena_printf(&a, "[%s]", issue), .currency = code, .billed = amount,
                  .difference = amount};
        const char *result_id = NULL;
        rc = want_result(run, &w, &result_id);
        if (rc == 0) {
            WantAlert al = {.key = arena_printf(&a, "%s:unlinked_record", w.key), .type = "unlinked_record",
                            .record_id = rid, .result_id = result_id,
                            .title = arena_printf(&a, "Billing record %s is not linked to a contract", number),
                            .message = arena_printf(&a, "Bill %s of %s %s fits no contract with certainty; link it"
                                                        " to one of its candidates", number,
                                                    money_text(run, amount, cur), cur->code),
                            .details = issue, .assignee = s->default_assignee[0] ? s->default_assignee : NULL,
                            .level = s->level[RK_UNLINKED]};
            rc = want_alert(run, &al);
        }
    }
    buf_free(&b);
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc == 0)
        rc = run_flush(run);
out:
    if (run)
        run_end(run);
    free(run);
    arena_free(&a);
    return rc;
}

int recon_close_contract(Ctx *ctx, const char *contract_id, Error *err)
{
    char now[TS_FORMAT_MAX];
    ts_format(now, sizeof now, ctx->now);
    Value p[5] = {val_bool(true), ctx->user_id[0] ? val_text(ctx->user_id) : val_null(), val_text(now),
                  val_text(contract_id), val_text(AUTO_NOTE)};
    int rc = store_exec(ctx->conn,
                        "UPDATE matching_results SET is_resolved = $2, resolution = 'no_longer_applies',"
                        " resolved_by = $3, resolved_at = $4, fingerprint = '', updated_at = $4,"
                        " version = version + 1 WHERE tenant_id = $1 AND contract_id = $5"
                        " AND (resolution IS NULL OR resolution <> 'no_longer_applies')",
                        p, 4, NULL, err);
    if (rc == 0)
        rc = store_exec(ctx->conn,
                        "UPDATE alerts SET is_resolved = $2, resolution_note = $6, resolved_by = $3, resolved_at = $4,"
                        " fingerprint = '', updated_at = $4, version = version + 1"
                        " WHERE tenant_id = $1 AND contract_id = $5 AND is_resolved = $7",
                        (Value[]){p[0], p[1], p[2], p[3], p[4], val_bool(false)}, 6, NULL, err);
    return rc;
}

/* ---- deferral (CSV import) ---- */

typedef struct Deferred {
    bool on;
    char (*contracts)[UUID_STR_LEN + 1];
    int nc, capc;
    char (*records)[UUID_STR_LEN + 1];
    int nr, capr;
} Deferred;

static __thread Deferred deferred;

void recon_defer_begin(void)
{
    memset(&deferred, 0, sizeof deferred);
    deferred.on = true;
}

bool recon_deferring(void)
{
    return deferred.on;
}

static void note(char (**arr)[UUID_STR_LEN + 1], int *n, int *cap, const char *id)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*arr)[i], id) == 0)
            return;
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 64;
        char (*more)[UUID_STR_LEN + 1] = realloc(*arr, sizeof **arr * (size_t)nc);
        if (!more)
            return;
        *arr = more;
        *cap = nc;
    }
    snprintf((*arr)[(*n)++], UUID_STR_LEN + 1, "%s", id);
}

void recon_defer_contract(Ctx *ctx, const char *contract_id)
{
    if (deferred.on && contract_id)
        note(&deferred.contracts, &deferred.nc, &deferred.capc, contract_id);
}

void recon_defer_unlinked(Ctx *ctx, const char *record_id)
{
    if (deferred.on && record_id)
        note(&deferred.records, &deferred.nr, &deferred.capr, record_id);
}

int recon_defer_end(Ctx *ctx, bool run, ReconStats *st, Error *err)
{
    Deferred d = deferred;
    memset(&deferred, 0, sizeof deferred);
    int rc = 0;
    if (run && (d.nc || d.nr)) {
        ReconSettings s;
        rc = recon_settings_load(ctx, &s, err);
        for (int i = 0; i < d.nc && rc == 0; i++)
            rc = recon_match_contract(ctx, &s, d.contracts[i], NULL, st, err);
        for (int i = 0; i < d.nr && rc == 0; i++)
            rc = recon_match_unlinked(ctx, &s, d.records[i], NULL, st, err);
    }
    free(d.contracts);
    free(d.records);
    return rc;
}

/* ---- expiry alerts (the daily job) ---- */

int recon_expiry_alerts(Ctx *ctx, const ReconSettings *s, ReconStats *st, Error *err)
{
    Arena a;
    arena_init(&a, 0);
    Run *run = calloc(1, sizeof *run);
    int rc = run ? run_begin(run, ctx, s, st, &a, err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0 && (map_init(&run->results, &a, 1) < 0 || map_init(&run->alerts, &a, 64) < 0))
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (rc == 0)
        rc = load_stored(run, &run->alerts,
                         "SELECT alert_key, id, fingerprint, is_resolved FROM alerts WHERE tenant_id = $1"
                         " AND alert_type = 'contract_expiry'",
                         NULL, 0, false);
    Rows r;
    char from[11], to[11];
    date_format(from, s->today);
    date_format(to, date_add_days(s->today, s->expiry_notice_days));
    Value p[2] = {val_text(from), val_text(to)};
    if (rc == 0)
        rc = store_query(ctx->conn, &r,
                         "SELECT id, contract_number, contract_end_date, owner_id, created_by FROM contracts"
                         " WHERE tenant_id = $1 AND deleted_at IS NULL AND contract_status = 'active'"
                         " AND contract_end_date >= $2 AND contract_end_date <= $3 ORDER BY id",
                         p, 2, err);
    if (rc < 0)
        goto out;
    while (rc == 0 && rows_next(&r)) {
        const char *id = dup_value(&a, rows_get(&r, 0)), *number = dup_value(&a, rows_get(&r, 1));
        Date end;
        if (!id || !number || !value_date(rows_get(&r, 2), &end))
            continue;
        Value owner = rows_get(&r, 3), creator = rows_get(&r, 4);
        const char *assignee = owner.kind == V_TEXT        ? dup_value(&a, owner)
                               : s->default_assignee[0]    ? s->default_assignee
                                                           : dup_value(&a, creator);
        const char *ends = date_text(run, end);
        int days = date_diff_days(s->today, end);
        WantAlert w = {.key = arena_printf(&a, "x:%s:%s", id, ends), .type = "contract_expiry", .contract_id = id,
                       .title = arena_printf(&a, "Contract %s ends on %s", number, ends),
                       .message = arena_printf(&a, "Contract %s ends on %s (its last day, in %d day%s): renew it"
                                                   " or let it expire", number, ends, days, days == 1 ? "" : "s"),
                       .details = arena_printf(&a, "{\"kind\":\"contract_expiry\",\"contract_end_date\":\"%s\"}", ends),
                       .assignee = assignee, .level = s->level[RK_EXPIRY]};
        int before = (int)st->alerts_raised;
        rc = want_alert(run, &w);
        if (rc == 0 && (int)st->alerts_raised > before)
            st->expiry_alerts++;
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc == 0)
        rc = run_flush(run);
out:
    if (run)
        run_end(run);
    free(run);
    arena_free(&a);
    return rc;
}
