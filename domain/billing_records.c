/* domain/billing_records.c — rules for billing records: totals, party, the
 * automatic link to a contract, re-matching on every change, and the CSV
 * import. Exports billing_records_init.
 *
 * Rules:
 * - total_amount = billing_amount + tax_amount (computed when not given, a
 *   422 when given otherwise); paid_amount is at most the total; due_date is
 *   not before billing_date; period_end (the service period's last day) is not
 *   before period_start.
 * - With a contract: the party (customer or contractor) and the currency
 *   default to the contract's, and the currency must be the contract's.
 * - Without one, on create (or when a still unlinked record changes), the
 *   record is linked when exactly one contract is certain (domain/link.c): by
 *   contract_number, by a contract number in billing_description, or by party
 *   and date; else it stays unlinked with link_candidates ranked. A record a
 *   person unlinks (contract_id set to null) stays unlinked through later
 *   edits, until a person links it (contract_id, or a new contract_number).
 * - billing_number is trimmed, not blank, and unique per party (contractor, or
 *   customer) in the tenant.
 * - Every change re-matches the contract(s) concerned, or the record alone
 *   when unlinked; deleting re-matches without it.
 * Import: POST /billing_records/import with a CSV body (see act_import).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/id.h"
#include "core/money.h"
#include "domain/domain.h"
#include "domain/recon.h"
#include "domain/reconcile.h"
#include "model/codec.h"
#include "model/crud.h"

#define LINK_TOKENS 16
#define LINK_CONTRACTS_MAX 200

static const char *text_or_null(const Row *row, const char *f)
{
    const char *s = row_text(row, f);
    return s && *s ? s : NULL;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The contract-relevant inputs of a record changed (or it is new). */
static bool link_inputs_changed(const Table *t, const Row *row, const Row *old)
{
    static const char *const fields[] = {"contract_number", "billing_description", "customer_id", "contractor_name",
                                         "billing_date", "period_start", "billing_amount", "currency"};
    if (!old)
        return true;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!same_text(row_text(row, fields[i]), row_text(old, fields[i])) ||
            row_int(row, fields[i]) != row_int(old, fields[i]))
            return true;
    return false;
}

typedef struct Candidates {
    int n;
    LinkContract lc[LINK_CONTRACTS_MAX];
    char ids[LINK_CONTRACTS_MAX][UUID_STR_LEN + 1];
    const char *currency[LINK_CONTRACTS_MAX];
} Candidates;

static int load_candidates(Ctx *ctx, const ReconSettings *s, const char *party_key, const char *number,
                           const char *text, const char *currency, bool currency_given, Candidates *out, Error *err)
{
    char buf[2048];
    const char *tok[LINK_TOKENS];
    int nt = 0;
    char numbuf[64];
    if (number && nt < LINK_TOKENS) {
        snprintf(numbuf, sizeof numbuf, "%s", number);
        tok[nt++] = numbuf;
    }
    const char *found[LINK_TOKENS];
    int nf = link_tokens(buf, sizeof buf / 2, found, LINK_TOKENS, text);
    for (int i = 0; i < nf && nt < LINK_TOKENS; i++)
        tok[nt++] = found[i];
    /* contract numbers are looked up folded (contracts.number_key) */
    char low[LINK_TOKENS][51];
    for (int i = 0; i < nt; i++) {
        snprintf(low[i], sizeof low[i], "%s", tok[i]);
        for (char *q = low[i]; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        tok[i] = low[i];
    }
    Value p[1 + LINK_TOKENS];
    p[0] = party_key && *party_key ? val_text(party_key) : val_null();
    for (int i = 0; i < LINK_TOKENS; i++)
        p[1 + i] = i < nt ? val_text(tok[i]) : val_null();
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT id, contract_number, party_key, contract_start_date, contract_end_date,"
                         " termination_date, contract_status, period_amount, currency FROM contracts"
                         " WHERE tenant_id = $1 AND deleted_at IS NULL AND (party_key = $2 OR number_key IN"
                         " ($3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18))"
                         " ORDER BY contract_number LIMIT 200",
                         p, 1 + LINK_TOKENS, err);
    if (rc < 0)
        return rc;
    const Currency *want = currency_find(currency);
    out->n = 0;
    while (rows_next(&r) && out->n < LINK_CONTRACTS_MAX) {
        Value cur = rows_get(&r, 8);
        char code[4] = "";
        if (cur.kind == V_TEXT && cur.len == 3)
            memcpy(code, cur.s, 3);
        const Currency *cc = currency_find(code);
        if (!cc || !want)
            continue;
        if (currency_given ? strcmp(code, want->code) != 0 : cc->exponent != want->exponent)
            continue;
        int i = out->n;
        LinkContract *lc = &out->lc[i];
        memset(lc, 0, sizeof *lc);
        Value id = rows_get(&r, 0);
        snprintf(out->ids[i], sizeof out->ids[i], "%.*s", (int)id.len, id.s);
        Value num = rows_get(&r, 1), pk = rows_get(&r, 2);
        lc->number = arena_strndup(ctx->arena, num.s, num.len);
        lc->party_key = pk.kind == V_TEXT ? arena_strndup(ctx->arena, pk.s, pk.len) : NULL;
        Value st = rows_get(&r, 3), en = rows_get(&r, 4), term = rows_get(&r, 5), status = rows_get(&r, 6);
        Date d;
        if (st.kind == V_TEXT && date_parse(&d, st.s, st.len, "d", NULL) == 0)
            lc->period.start = d;
        if (en.kind == V_TEXT && date_parse(&d, en.s, en.len, "d", NULL) == 0)
            lc->period.end = d;
        bool terminated = status.kind == V_TEXT && status.len == 10 && memcmp(status.s, "terminated", 10) == 0;
        if (terminated && term.kind == V_TEXT && date_parse(&d, term.s, term.len, "d", NULL) == 0 &&
            d < lc->period.end)
            lc->period.end = d;
        lc->active = status.kind == V_TEXT && ((status.len == 6 && memcmp(status.s, "active", 6) == 0) ||
                                                (status.len == 9 && memcmp(status.s, "suspended", 9) == 0));
        lc->period_amount = rows_get(&r, 7).i;
        ReconRules rules = {.tolerance_percent = s->tolerance_percent, .rounding = s->rounding};
        if (money_from_dec(&rules.tolerance_amount, s->tolerance_amount, cc, s->rounding, NULL) < 0 ||
            recon_tolerance(&lc->tolerance, lc->period_amount, &rules, NULL) < 0)
            lc->tolerance = 0;
        out->currency[i] = arena_strdup(ctx->arena, code);
        out->n++;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static json_t *candidates_json(const Candidates *cs, const LinkCandidate *out, int n)
{
    static const struct { unsigned flag; const char *name; } reasons[] = {
        {LINK_NUMBER, "contract_number"}, {LINK_NUMBER_IN_TEXT, "number_in_description"}, {LINK_PARTY, "party"},
        {LINK_PERIOD, "period"},          {LINK_AMOUNT, "amount"},                        {LINK_ACTIVE, "active"},
    };
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *why = json_array();
        for (size_t k = 0; k < sizeof reasons / sizeof reasons[0]; k++)
            if (out[i].reasons & reasons[k].flag)
                json_array_append_new(why, json_string(reasons[k].name));
        json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:o}", "contract_id", cs->ids[out[i].contract],
                                             "contract_number", cs->lc[out[i].contract].number, "score",
                                             out[i].score, "reasons", why));
    }
    return arr;
}

static int set_json(Ctx *ctx, Row *row, const char *field, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!s)
        return err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, row, field, s);
    free(s);
    return 0;
}

/* Fills the record's party and currency from its contract. */
static int apply_contract(Ctx *ctx, const Table *t, Row *row, const Row *contract, bool currency_given, Error *err)
{
    const char *party = row_text(contract, "party_type");
    if (party && strcmp(party, "customer") == 0) {
        if (!text_or_null(row, "customer_id"))
            row_set_text(ctx, row, "customer_id", row_text(contract, "customer_id"));
    } else {
        if (!text_or_null(row, "contractor_name"))
            row_set_text(ctx, row, "contractor_name", row_text(contract, "contractor_name"));
        if (!text_or_null(row, "contractor_email") && row_text(contract, "contractor_email"))
            row_set_text(ctx, row, "contractor_email", row_text(contract, "contractor_email"));
    }
    const char *cc = row_text(contract, "currency");
    const char *rc_ = row_text(row, "currency");
    if (!currency_given) {
        const Currency *a = currency_find(cc), *b = currency_find(rc_ ? rc_ : ctx->currency);
        if (a && b && a->exponent != b->exponent)
            return err_set(err, ERR_REQUIRED, "currency", "currency is required: the contract is in %s", cc);
        row_set_text(ctx, row, "currency", cc);
    } else if (cc && rc_ && strcmp(cc, rc_) != 0) {
        return err_set(err, ERR_INVALID, "currency", "currency must be the contract's (%s)", cc);
    }
    return 0;
}

static int load_contract(Ctx *ctx, const char *id, Row *out, Error *err)
{
    int rc = crud_get(ctx, registry_find("contracts"), id, false, out, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "contract_id", "contract_id does not refer to an existing row of contracts");
    return rc;
}

static int link(Ctx *ctx, const Table *t, Row *row, bool currency_given, Error *err)
{
    ReconSettings s;
    int rc = recon_settings_load(ctx, &s, err);
    if (rc < 0)
        return rc;
    char key[300];
    link_party_key(key, sizeof key, text_or_null(row, "customer_id"), text_or_null(row, "contractor_name"));
    Candidates *cs = arena_alloc(ctx->arena, sizeof *cs);
    if (!cs)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    const char *cur = row_text(row, "currency") ? row_text(row, "currency") : ctx->currency;
    rc = load_candidates(ctx, &s, key, text_or_null(row, "contract_number"), text_or_null(row, "billing_description"),
                         cur, currency_given, cs, err);
    if (rc < 0)
        return rc;
    LinkRecord lr = {.contract_number = text_or_null(row, "contract_number"),
                     .text = text_or_null(row, "billing_description"), .party_key = key,
                     .amount = row_int(row, "billing_amount")};
    const char *d = text_or_null(row, "period_start") ? row_text(row, "period_start") : row_text(row, "billing_date");
    if (d)
        date_parse(&lr.date, d, strlen(d), "billing_date", NULL);
    LinkCandidate out[LINK_MAX_CANDIDATES];
    int n = 0;
    int pick = link_rank(out, LINK_MAX_CANDIDATES, &n, &lr, cs->lc, cs->n);
    if (pick < 0) {
        row_set_text(ctx, row, "link_status", "unlinked");
        row_set(row, "link_method", val_null());
        return set_json(ctx, row, "link_candidates", candidates_json(cs, out, n));
    }
    unsigned why = 0;
    for (int i = 0; i < n; i++)
        if (out[i].contract == pick)
            why = out[i].reasons;
    row_set_text(ctx, row, "contract_id", cs->ids[pick]);
    row_set_text(ctx, row, "link_status", "linked");
    row_set_text(ctx, row, "link_method", (why & LINK_NUMBER)           ? "contract_number"
                                          : (why & LINK_NUMBER_IN_TEXT) ? "description"
                                                                        : "party_period");
    row_set(row, "link_candidates", val_null());
    Row contract;
    rc = load_contract(ctx, cs->ids[pick], &contract, err);
    if (rc == 0)
        rc = apply_contract(ctx, t, row, &contract, currency_given, err);
    return rc;
}

static int billing_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int ccol = table_col(t, "contract_id"), curcol = table_col(t, "currency");
    bool currency_given = row->v[curcol].kind != V_NULL && (row->set[curcol] || old);
    const char *contract_id = text_or_null(row, "contract_id");
    /* references first: another tenant's id is a 422 invalid_reference whatever else is wrong */
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc < 0)
        return rc;
    if (contract_id) {
        bool changed = !old || !same_text(contract_id, row_text(old, "contract_id"));
        Row contract;
        rc = load_contract(ctx, contract_id, &contract, err);
        if (rc == 0)
            rc = apply_contract(ctx, t, row, &contract, currency_given, err);
        if (rc < 0)
            return rc;
        if (changed) {
            row_set_text(ctx, row, "link_status", "linked");
            row_set_text(ctx, row, "link_method", "manual");
            row_set(row, "link_candidates", val_null());
        }
    } else {
        if (!row_text(row, "currency"))
            row_set_text(ctx, row, "currency", ctx->currency ? ctx->currency : "INR");
        bool unlinked_by_hand = old && row->set[ccol];
        /* unlinked by a person earlier: later edits keep it so, unless they quote a new contract
         * number (a person saying which contract it is); the candidates are still ranked */
        bool stays_unlinked =
            unlinked_by_hand || (old && same_text(row_text(old, "link_method"), "manual") &&
                                 same_text(row_text(row, "contract_number"), row_text(old, "contract_number")));
        if (unlinked_by_hand || link_inputs_changed(t, row, old)) {
            rc = link(ctx, t, row, currency_given, err);
            if (rc < 0)
                return rc;
            if (stays_unlinked) {   /* a person unlinked it: it stays so (link_method manual) */
                row_set(row, "contract_id", val_null());
                row_set_text(ctx, row, "link_status", "unlinked");
                row_set_text(ctx, row, "link_method", "manual");
            }
        }
        if (!row_text(row, "link_status"))
            row_set_text(ctx, row, "link_status", "unlinked");
    }
    const char *cur = row_text(row, "currency");
    if (!currency_find(cur))
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"INR\" or \"USD\"");
    /* amounts */
    int64_t amount = row_int(row, "billing_amount"), tax = row_int(row, "tax_amount"), total;
    rc = money_add(&total, amount, tax, err);
    if (rc < 0)
        return rc;
    int tcol = table_col(t, "total_amount");
    bool total_given = row->set[tcol] && row->v[tcol].kind != V_NULL;
    if (total_given && row->v[tcol].i != total)
        return err_set(err, ERR_INVALID, "total_amount", "total_amount must equal billing_amount + tax_amount");
    row_set_int(row, "total_amount", total);
    if (row_int(row, "paid_amount") > total)
        return err_set(err, ERR_INVALID, "paid_amount", "paid_amount must not exceed total_amount");
    /* dates */
    const char *bd = row_text(row, "billing_date"), *dd = row_text(row, "due_date");
    if (bd && dd && strcmp(dd, bd) < 0)
        return err_set(err, ERR_INVALID, "due_date", "due_date must not be before billing_date");
    const char *ps = row_text(row, "period_start"), *pe = row_text(row, "period_end");
    if (pe && !ps)
        return err_set(err, ERR_REQUIRED, "period_start", "period_start is required with period_end");
    if (ps && pe && strcmp(pe, ps) < 0)
        return err_set(err, ERR_INVALID, "period_end", "period_end must not be before period_start");
    /* party and the unique billing number (trimmed, not blank) */
    char number[64];
    const char *given = row_text(row, "billing_number");
    link_trim(number, sizeof number, given);
    if (!number[0])
        return err_set(err, ERR_REQUIRED, "billing_number", "billing_number is required");
    if (strcmp(number, given) != 0)
        row_set_text(ctx, row, "billing_number", number);
    char key[300];
    link_party_key(key, sizeof key, text_or_null(row, "customer_id"), text_or_null(row, "contractor_name"));
    if (!key[0])
        return err_set(err, ERR_REQUIRED, "contractor_name",
                       "contractor_name (or customer_id, or a contract) is required: who sent the bill");
    row_set_text(ctx, row, "party_key", key);
    Value p[3] = {val_text(key), row_get(row, "billing_number"),
                  old ? row_get(old, "id") : val_text("00000000-0000-0000-0000-000000000000")};
    int64_t dup = 0;
    rc = store_query_int(ctx->conn, &dup,
                         "SELECT COUNT(*) FROM billing_records WHERE tenant_id = $1 AND party_key = $2"
                         " AND billing_number = $3 AND id <> $4 AND deleted_at IS NULL",
                         p, 3, err);
    if (rc == -ERR_NOT_FOUND)
        rc = 0;
    if (rc < 0)
        return rc;
    if (dup > 0)
        return err_set(err, ERR_DUPLICATE, "billing_number", "billing_number %s is already used by this %s",
                       row_text(row, "billing_number"), text_or_null(row, "customer_id") ? "customer" : "contractor");
    return 0;
}

static int rematch(Ctx *ctx, const char *contract_id, const char *record_id, const char *exclude, Error *err)
{
    if (recon_deferring() && !exclude) {
        if (contract_id)
            recon_defer_contract(ctx, contract_id);
        else
            recon_defer_unlinked(ctx, record_id);
        return 0;
    }
    ReconSettings s;
    ReconStats st = {0};
    int rc = recon_settings_load(ctx, &s, err);
    if (rc < 0)
        return rc;
    if (contract_id)
        return recon_match_contract(ctx, &s, contract_id, exclude, &st, err);
    return recon_match_unlinked(ctx, &s, record_id, exclude, &st, err);
}

static int billing_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    const char *id = row_text(row, "id");
    const char *now_c = text_or_null(row, "contract_id");
    const char *was_c = old ? text_or_null(old, "contract_id") : NULL;
    int rc = 0;
    if (old && !same_text(now_c, was_c))   /* its result with the old contract (or unlinked) no longer applies */
        rc = rematch(ctx, was_c, id, NULL, err);
    if (rc == 0)
        rc = rematch(ctx, now_c, id, NULL, err);
    return rc;
}

static int billing_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    const char *id = row_text(old, "id");
    return rematch(ctx, text_or_null(old, "contract_id"), id, id, err);
}

/* ---- the daily retry of the unlinked queue ---- */

int billing_records_retry_links(Ctx *ctx, ReconStats *st, Error *err)
{
    const Table *t = registry_find("billing_records");
    Rows r;
    int rc = store_query(ctx->conn, &r,
                         "SELECT id FROM billing_records WHERE tenant_id = $1 AND deleted_at IS NULL"
                         " AND contract_id IS NULL AND billing_status <> 'cancelled' AND link_method IS NULL"
                         " ORDER BY id LIMIT 10000",
                         NULL, 0, err);
    if (rc < 0)
        return rc;
    int cap = 64, n = 0;
    char (*ids)[UUID_STR_LEN + 1] = malloc(sizeof *ids * (size_t)cap);
    while (ids && rows_next(&r)) {   /* read first, then write */
        if (n == cap) {
            void *more = realloc(ids, sizeof *ids * (size_t)cap * 2);
            if (!more)
                break;
            ids = more;
            cap *= 2;
        }
        Value v = rows_get(&r, 0);
        snprintf(ids[n++], UUID_STR_LEN + 1, "%.*s", (int)v.len, v.s);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (!ids)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; i < n && rc == 0; i++) {
        Row old, nw;
        rc = crud_get(ctx, t, ids[i], true, &old, err);
        if (rc < 0)
            break;
        row_copy(ctx, &nw, &old);
        rc = link(ctx, t, &nw, true, err);
        if (rc < 0 || !text_or_null(&nw, "contract_id")) {
            if (rc == -ERR_REQUIRED || rc == -ERR_INVALID) {   /* e.g. a currency that no longer fits */
                err_clear(err);
                rc = 0;
            }
            if (rc == 0 && text_or_null(&nw, "link_candidates") &&
                !same_text(row_text(&nw, "link_candidates"), row_text(&old, "link_candidates")))
                rc = crud_update_row(ctx, t, &nw, &old, err);   /* the candidates changed */
            continue;
        }
        char key[300];
        link_party_key(key, sizeof key, text_or_null(&nw, "customer_id"), text_or_null(&nw, "contractor_name"));
        row_set_text(ctx, &nw, "party_key", key);
        rc = crud_update_row(ctx, t, &nw, &old, err);
        if (rc == 0)
            st->records_linked++;   /* the tenant's matching that follows closes its unlinked result */
    }
    free(ids);
    return rc;
}

/* ---- CSV import ---- */

static const char *const import_fields[] = {
    "contract_id", "contract_number", "billing_number", "customer_id", "contractor_name", "contractor_email",
    "billing_date", "due_date", "period_start", "period_end", "currency", "billing_amount", "tax_amount",
    "total_amount", "paid_amount", "paid_date", "billing_status", "billing_description", NULL,
};

#define IMPORT_MAX_ERRORS 100
#define IMPORT_MAX_ROWS 100000

static json_t *row_error(int line, const char *column, const Error *e)
{
    json_t *o = json_pack("{s:i, s:s, s:s}", "row", line, "code", err_name(e->code), "message", e->message);
    if (e->field[0])
        json_object_set_new(o, "field", json_string(e->field));
    if (column)
        json_object_set_new(o, "column", json_string(column));
    return o;
}

static bool arg_true(const ActionIn *in, const char *name)
{
    const char *v = action_arg(in, name);
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* POST /billing_records/import?dry_run=true&delimiter=;&<field>=<CSV header>...
 * The body is the CSV file; its first record names the columns. A column named like a field is
 * that field; ?billing_amount=Amount maps the column "Amount" instead. Every row is created as a
 * POST would (validation, linking); any error anywhere and nothing is imported: 422 with every
 * row's errors. dry_run validates and reports without keeping anything. */
static int act_import(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *dl = action_arg(in, "delimiter");
    char delim = ',';
    if (dl && (strcmp(dl, "tab") == 0 || strcmp(dl, "\\t") == 0))
        delim = '\t';
    else if (dl && strlen(dl) == 1 && (dl[0] == ';' || dl[0] == ',' || dl[0] == '|'))
        delim = dl[0];
    else if (dl)
        return err_set(err, ERR_INVALID, "delimiter", "delimiter must be one of , ; | tab");
    bool dry = arg_true(in, "dry_run");
    if (!in->raw || in->raw_len == 0)
        return err_set(err, ERR_INVALID, NULL, "the body must be a CSV file with a header row");
    CsvReader r;
    csv_init(&r, (const char *)in->raw, in->raw_len, delim);
    char **head;
    int nhead;
    int rc = csv_next(&r, ctx->arena, &head, &nhead, err);
    if (rc == 0)
        return err_set(err, ERR_INVALID, NULL, "the CSV file is empty");
    if (rc < 0)
        return rc;
    int col[32];
    const char *colname[32];
    int nf = 0;
    for (; import_fields[nf]; nf++) {
        const char *f = import_fields[nf];
        const char *want = action_arg(in, f);
        col[nf] = -1;
        colname[nf] = NULL;
        for (int i = 0; i < nhead; i++)
            if (strcmp(head[i], want ? want : f) == 0) {
                col[nf] = i;
                colname[nf] = head[i];
            }
        if (want && col[nf] < 0)
            return err_set(err, ERR_INVALID, f, "the CSV file has no column \"%s\" for %s", want, f);
    }
    for (int i = 0; i < nf; i++) {
        bool required = strcmp(import_fields[i], "billing_number") == 0 ||
                        strcmp(import_fields[i], "billing_date") == 0 || strcmp(import_fields[i], "billing_amount") == 0;
        if (required && col[i] < 0)
            return err_set(err, ERR_REQUIRED, import_fields[i],
                           "the CSV file needs a column for %s (name it so, or map it with ?%s=<column>)",
                           import_fields[i], import_fields[i]);
    }
    json_t *errors = json_array();
    json_t *ids = json_array();
    int rows = 0;
    rc = store_exec_script(ctx->conn, "SAVEPOINT remit_import", err);
    if (rc < 0)
        goto done;
    recon_defer_begin();
    for (;;) {
        char **f;
        int n;
        Error e;
        err_clear(&e);
        int got = csv_next(&r, ctx->arena, &f, &n, &e);
        if (got == 0)
            break;
        if (got < 0) {
            json_array_append_new(errors, json_pack("{s:i, s:s, s:s}", "row", r.line, "code", err_name(e.code),
                                                    "message", e.message));
            break;
        }
        if (++rows > IMPORT_MAX_ROWS) {
            json_array_append_new(errors, json_pack("{s:i, s:s, s:s}", "row", r.line, "code", "too_large", "message",
                                                    "a file may hold at most 100000 rows"));
            break;
        }
        json_t *obj = json_object();
        for (int i = 0; i < nf; i++)
            if (col[i] >= 0 && col[i] < n && f[col[i]][0])
                json_object_set_new(obj, import_fields[i], json_string(f[col[i]]));
        int line = r.line;
        int src = store_exec_script(ctx->conn, "SAVEPOINT remit_row", &e);
        Row created;
        if (src == 0)
            src = crud_create(ctx, t, obj, NULL, &created, &e);
        json_decref(obj);
        if (src < 0) {
            const char *column = NULL;
            for (int i = 0; i < nf && e.field[0]; i++)
                if (strcmp(import_fields[i], e.field) == 0)
                    column = colname[i];
            json_array_append_new(errors, row_error(line, column, &e));
            if (e.code == ERR_UNAVAILABLE || e.code == ERR_INTERNAL) {
                rc = -(int)e.code;
                *err = e;
                break;
            }
            Error ignore;
            rc = store_exec_script(ctx->conn, "ROLLBACK TO SAVEPOINT remit_row", &ignore);
            if (rc < 0) {
                *err = ignore;
                break;
            }
            if (json_array_size(errors) >= IMPORT_MAX_ERRORS)
                break;
            continue;
        }
        json_array_append_new(ids, json_string(row_text(&created, "id")));
        rc = store_exec_script(ctx->conn, "RELEASE SAVEPOINT remit_row", err);
        if (rc < 0)
            break;
    }
    bool keep = rc == 0 && json_array_size(errors) == 0 && !dry;
    ReconStats st = {0};
    int drc = recon_defer_end(ctx, keep, &st, err);
    if (rc == 0)
        rc = drc;
    if (rc < 0)
        goto done;
    if (!keep) {
        rc = store_exec_script(ctx->conn, "ROLLBACK TO SAVEPOINT remit_import", err);
        if (rc < 0)
            goto done;
    }
    if (json_array_size(errors) > 0) {
        out->status = 422;
        out->json = json_pack("{s:{s:s, s:s}, s:o}", "error", "code", "invalid", "message",
                              "rows have errors; nothing was imported", "errors", errors);
        errors = NULL;
    } else if (dry) {
        out->json = json_pack("{s:b, s:i}", "dry_run", 1, "rows", rows);
    } else {
        out->status = 201;
        out->json = json_pack("{s:i, s:O, s:o}", "imported", rows, "billing_record_ids", ids, "matching",
                              recon_stats_json(&st));
    }
    if (!out->json)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
done:
    if (recon_deferring()) {
        Error ignore;
        recon_defer_end(ctx, false, NULL, &ignore);
    }
    json_decref(errors);
    json_decref(ids);
    return rc;
}

static const Hooks billing_hooks = {
    .before_write = billing_before_write,
    .after_write = billing_after_write,
    .before_delete = billing_before_delete,
};

static const Action import_action = {
    .verb = "import", .method = "POST", .collection = true, .write = true, .run = act_import,
    .doc = "Import billing records from a CSV file (?dry_run, ?delimiter, ?<field>=<column>); all or nothing",
    .body_max = 10 * 1024 * 1024, .raw_body = true,
};

void billing_records_init(void)
{
    table_set_hooks("billing_records", &billing_hooks);
    table_add_action("billing_records", &import_action);
}
