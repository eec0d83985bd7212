/* model/audit.c — audit_logs: the table, the writer and the chain check.
 * Exports audit_write, audit_lock, audit_verify.
 *
 * Each row records who (user, email, role, ip, user agent, request id), what
 * (entity type and id, action), and the change (old and new values of the
 * fields that changed, and their names). Secret fields are never copied into
 * the trail. The table is append-only: the generic API serves it read-only, and
 * on PostgreSQL the role Remit connects as has no UPDATE/DELETE/TRUNCATE on it
 * and a trigger refuses both (model/migrate.c).
 *
 * Tamper evidence: each tenant's rows form a hash chain. Row n carries seq = n,
 * prev_hash = hash of row n-1 (64 zeros for the first) and
 *     hash = SHA-256(prev_hash || "\n" || canonical(row))
 * where canonical(row) is the compact JSON array, keys sorted, of
 *     [seq, id, tenant_id, user_id, user_email, user_role, ip_address, user_agent,
 *      request_id, entity_type, entity_id, action, old_values, new_values,
 *      changed_fields, created_at]
 * with the JSON columns parsed (so PostgreSQL's jsonb re-formatting does not
 * matter). The chain head (audit_chains) is read FOR UPDATE by every audited
 * write, so rows chain in commit order; audit_verify() walks the chain and names
 * the first row whose link or hash does not hold, and checks the head against
 * the last row (so deleting the newest rows is detected too).
 *
 * Concurrency notes: the head row serialises audited writes of one tenant on
 * PostgreSQL (SQLite's writer lock already does); other tenants are unaffected.
 */
#include "model/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/buf.h"
#include "core/id.h"

#include "model/codec.h"
#include "model/crud.h"


static const Field audit_fields[] = {
    F_UUID("user_id", READONLY | FILTER, .doc = "User who acted (null for the system)"),
    F_TEXT("user_email", 254, READONLY),
    F_TEXT("user_role", 50, READONLY),
    F_TEXT("ip_address", 45, READONLY),
    F_TEXT("user_agent", 512, READONLY),
    F_TEXT("request_id", 64, READONLY | FILTER),
    F_TEXT("entity_type", 100, READONLY | FILTER | SORT, .doc = "Table name"),
    F_UUID("entity_id", READONLY | FILTER),
    F_TEXT("action", 50, READONLY | FILTER, .doc = "create, update, delete, or an action verb"),
    F_JSON("old_values", READONLY),
    F_JSON("new_values", READONLY),
    F_JSON("changed_fields", READONLY),
    F_INT("seq", READONLY | FILTER | SORT, .doc = "Position in the tenant's hash chain, from 1"),
    F_TEXT("prev_hash", 64, READONLY, .doc = "hash of the previous row (64 zeros for the first)"),
    F_TEXT("hash", 64, READONLY, .doc = "SHA-256 of prev_hash and this row's canonical form"),
};

RESOURCE(audit_logs) {
    .name = "audit_logs",
    .doc = "Append-only trail of every change",
    .fields = audit_fields,
    .nfields = COUNT(audit_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .indexes = (const char *const[]){"entity_type,entity_id", NULL},
    .uniques = (const char *const[]){"seq", NULL},
    .default_order = "-seq",
};

/* The head of each tenant's chain: one row per tenant, locked by every audited write, so rows
 * are chained in commit order without gaps. */
static const Field chain_fields[] = {
    F_TEXT("chain", 20, REQUIRED | UNIQUE_TENANT, .def = "audit"),
    F_INT("last_seq", 0, .def = "0"),
    F_TEXT("last_hash", 64, 0),
};

RESOURCE(audit_chains) {
    .name = "audit_chains",
    .doc = "The head (last sequence number and hash) of each tenant's audit chain",
    .fields = chain_fields,
    .nfields = COUNT(chain_fields),
    .internal = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
};

static const char *const canon_fields[16];
static int hash_fresh(Ctx *ctx, const Row *a, const char *tenant_id, const char *prev, char out[65]);

static bool same(Value a, Value b)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind == V_TEXT)
        return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
    return a.i == b.i;
}

static bool skip(const Table *t, int c)
{
    return (t->fields[c].flags & SECRET) || c == t->col_version || c == t->col_updated_at;
}

int audit_lock(Ctx *ctx, Error *err)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT last_seq FROM audit_chains WHERE tenant_id = $1 AND chain = 'audit'%s",
             store_for_update(ctx->conn));
    Rows rs;
    int rc = store_query(ctx->conn, &rs, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    while (rows_next(&rs))
        ;
    rc = rows_error(&rs, err);
    rows_close(&rs);
    return rc;
}

/* Appends "key":value to the object text in b ("{" written by the caller); a value jansson would
 * refuse (codec_value_put 1) is left out with its key, as json_object_set_new leaves it out. */
static int put_member(Ctx *ctx, Buf *b, const Row *r, int c, bool *first)
{
    size_t mark = b->len;
    if (!*first)
        buf_putc(b, ',');
    buf_json_str(b, r->t->fields[c].name, strlen(r->t->fields[c].name));
    buf_putc(b, ':');
    int rc = codec_value_put(ctx, b, r, c);
    if (rc == 1) {
        b->len = mark;
        if (b->data)
            b->data[mark] = '\0';
        return 0;
    }
    *first = false;
    return rc < 0 || b->failed ? -1 : 0;
}

/* The audit row's old_values, new_values and changed_fields are written as JSON text directly, in
 * the canonical form json_dumps(JSON_COMPACT | JSON_SORT_KEYS) gives (keys sorted, no spaces),
 * which audit_verify's parse-and-dump reproduces byte for byte — building them as jansson values
 * and dumping them cost half of every audited write. */
int audit_write(Ctx *ctx, const Table *t, const char *action, const Row *old, const Row *row, Error *err)
{
    const Table *at = registry_find("audit_logs");
    if (!at || t == at)
        return 0;
    bool *differs = ARENA_ARRAY(ctx->arena, bool, t->nfields + 1);
    if (!differs)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int c = 0; c < t->nfields; c++)
        differs[c] = !skip(t, c) && (!old || !row || !same(old->v[c], row->v[c]));
    Buf parts[3];
    for (int i = 0; i < 3; i++)
        buf_init(&parts[i], 0);
    int rc = 0;
    if (old && row) {   /* changed_fields: in the table's column order */
        buf_putc(&parts[2], '[');
        for (int c = 0, k = 0; c < t->nfields; c++) {
            if (!differs[c])
                continue;
            if (k++)
                buf_putc(&parts[2], ',');
            buf_json_str(&parts[2], t->fields[c].name, strlen(t->fields[c].name));
        }
        buf_putc(&parts[2], ']');
    }
    /* the values: by name, the key order of JSON_SORT_KEYS */
    bool first_old = true, first_new = true;
    if (old)
        buf_putc(&parts[0], '{');
    if (row)
        buf_putc(&parts[1], '{');
    for (int k = 0; rc == 0 && k < t->nfields; k++) {
        int c = t->by_name[k];
        if (!differs[c])
            continue;
        if (old && (row || old->v[c].kind != V_NULL))
            rc = put_member(ctx, &parts[0], old, c, &first_old);
        if (rc == 0 && row && (old || row->v[c].kind != V_NULL))
            rc = put_member(ctx, &parts[1], row, c, &first_new);
    }
    if (old)
        buf_putc(&parts[0], '}');
    if (row)
        buf_putc(&parts[1], '}');
    Row a;
    if (rc == 0 && !parts[0].failed && !parts[1].failed && !parts[2].failed)
        rc = row_init(&a, ctx, at);
    else
        rc = -1;
    if (rc < 0) {
        for (int i = 0; i < 3; i++)
            buf_free(&parts[i]);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    const Row *any = row ? row : old;
    row_set(&a, "user_id", ctx->user_id[0] ? val_text(arena_strdup(ctx->arena, ctx->user_id)) : val_null());
    row_set_text(ctx, &a, "user_email", ctx->user_email);
    row_set_text(ctx, &a, "user_role", ctx->role_name);
    row_set_text(ctx, &a, "ip_address", ctx->ip);
    row_set_text(ctx, &a, "user_agent", ctx->user_agent);
    row_set_text(ctx, &a, "request_id", ctx->request_id);
    row_set_text(ctx, &a, "entity_type", t->name);
    row_set(&a, "entity_id", any->v[t->col_id]);
    row_set_text(ctx, &a, "action", action);
    const char *names[3] = {"old_values", "new_values", "changed_fields"};
    for (int i = 0; i < 3; i++) {
        if (parts[i].len)
            row_set_text(ctx, &a, names[i], buf_cstr(&parts[i]));
        buf_free(&parts[i]);
    }

    /* Link into the chain: lock the head, take the next number, hash, advance the head. */
    AuditHead own, *h = ctx->audit_head;
    if (!h) {
        h = &own;
        rc = audit_head_load(ctx, h, err);
        if (rc < 0)
            return rc;
    }
    int64_t seq = h->seq + 1;
    char id[40], ts[40];
    uuid_v7_str(id);
    ts_format(ts, sizeof ts, ctx->now);
    row_set_text(ctx, &a, "id", id);
    row_set_text(ctx, &a, "created_at", ts);
    row_set_int(&a, "seq", seq);
    row_set_text(ctx, &a, "prev_hash", h->hash);
    char hash[65];
    rc = hash_fresh(ctx, &a, ctx->tenant_id, h->hash, hash);
    if (rc < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, &a, "hash", hash);
    rc = crud_insert_row(ctx, at, &a, err);
    if (rc < 0)
        return rc;
    h->seq = seq;
    memcpy(h->hash, hash, 65);
    return h == &own ? audit_head_store(ctx, h, err) : 0;
}

int audit_head_load(Ctx *ctx, AuditHead *h, Error *err)
{
    const Table *ct = registry_find("audit_chains");
    memset(h, 0, sizeof *h);
    memset(h->hash, '0', 64);
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM audit_chains WHERE tenant_id = $1 AND chain = 'audit'%s",
             ct->select_list, store_for_update(ctx->conn));
    Rows rs;
    int rc = store_query(ctx->conn, &rs, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    h->exists = rows_next(&rs);
    if (h->exists)
        codec_from_rows(ctx, ct, &rs, &h->row);
    rc = rows_error(&rs, err);
    rows_close(&rs);
    if (rc < 0 || !h->exists)
        return rc;
    h->seq = row_int(&h->row, "last_seq");
    const char *lh = row_text(&h->row, "last_hash");
    if (lh && strlen(lh) == 64)
        memcpy(h->hash, lh, 65);
    return 0;
}

int audit_head_store(Ctx *ctx, AuditHead *h, Error *err)
{
    const Table *ct = registry_find("audit_chains");
    if (!h->exists) {
        if (h->seq == 0)
            return 0;
        /* First audited write of the tenant: create the head. A concurrent first write
         * conflicts on the unique chain key and retries as a normal request would. */
        Row head;
        row_init(&head, ctx, ct);
        row_set_text(ctx, &head, "chain", "audit");
        row_set_int(&head, "last_seq", h->seq);
        row_set_text(ctx, &head, "last_hash", h->hash);
        int rc = crud_insert_row(ctx, ct, &head, err);
        if (rc == 0) {
            h->row = head;
            h->exists = true;
        }
        return rc;
    }
    if (row_int(&h->row, "last_seq") == h->seq)
        return 0;
    Row nh;
    row_copy(ctx, &nh, &h->row);
    row_set_int(&nh, "last_seq", h->seq);
    row_set_text(ctx, &nh, "last_hash", h->hash);
    int rc = crud_update_row(ctx, ct, &nh, &h->row, err);
    if (rc == 0)
        h->row = nh;
    return rc;
}

static const char *const canon_fields[16] = {
    "seq", "id", NULL /* tenant_id */, "user_id", "user_email", "user_role", "ip_address", "user_agent",
    "request_id", "entity_type", "entity_id", "action", "old_values", "new_values", "changed_fields",
    "created_at",
};

static int hash_text(const char *txt, const char *prev, char out[65])
{
    size_t n = strlen(txt);
    char *buf = malloc(n + 66);
    if (!buf)
        return -1;
    memcpy(buf, prev, 64);
    buf[64] = '\n';
    memcpy(buf + 65, txt, n);
    id_sha256_hex(out, buf, n + 65);
    free(buf);
    return 0;
}

/* audit_hash of a row audit_write has just made, without parsing its JSON columns back: their
 * text is jansson's own compact, sorted output, which parsing and dumping again reproduces byte
 * for byte, so it is spliced in as it is; every other value is written by codec_value_put, which
 * writes what jansson's dump of codec_value_json would (audit_hash, the verifier, uses jansson:
 * the audit tests verify every chain they write, so the two cannot drift apart unseen). */
static int hash_fresh(Ctx *ctx, const Row *a, const char *tenant_id, const char *prev, char out[65])
{
    Buf b;
    buf_init(&b, 1 << 26);
    buf_putc(&b, '[');
    for (size_t i = 0; i < sizeof canon_fields / sizeof canon_fields[0]; i++) {
        if (i)
            buf_putc(&b, ',');
        int c = canon_fields[i] ? table_col(a->t, canon_fields[i]) : -1;
        if (c >= 0 && a->t->fields[c].type == FT_JSON && a->v[c].kind == V_TEXT) {
            buf_append(&b, a->v[c].s, a->v[c].len);
            continue;
        }
        int rc = !canon_fields[i] ? (buf_json_str(&b, tenant_id, strlen(tenant_id)) ? 0 : -1)
                 : c < 0            ? (buf_append(&b, "null", 4) ? 0 : -1)
                                    : codec_value_put(ctx, &b, a, c);
        if (rc != 0) {   /* 1: a value jansson refuses, as audit_hash would fail on it */
            buf_free(&b);
            return -1;
        }
    }
    buf_putc(&b, ']');
    int rc = b.failed ? -1 : hash_text(buf_cstr(&b), prev, out);
    buf_free(&b);
    return rc;
}

int audit_hash(Ctx *ctx, const Row *a, const char *tenant_id, const char *prev, char out[65])
{
    json_t *arr = json_array();
    if (!arr)
        return -1;
    for (size_t i = 0; i < sizeof canon_fields / sizeof canon_fields[0]; i++) {
        if (!canon_fields[i]) {
            json_array_append_new(arr, json_string(tenant_id));
            continue;
        }
        int c = table_col(a->t, canon_fields[i]);
        json_array_append_new(arr, c < 0 ? json_null() : codec_value_json(ctx, a, c));
    }
    char *txt = json_dumps(arr, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    json_decref(arr);
    if (!txt)
        return -1;
    int rc = hash_text(txt, prev, out);
    free(txt);
    return rc;
}

int audit_verify(Ctx *ctx, json_t **out, Error *err)
{
    const Table *at = registry_find("audit_logs");
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = '\0';
    int64_t expect = 1, checked = 0;
    json_t *broken = NULL;
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT %s FROM audit_logs WHERE tenant_id = $1 AND seq >= $2 ORDER BY seq LIMIT 2000",
             at->select_list);
    Arena scratch;
    Ctx sctx = *ctx;
    sctx.arena = &scratch;
    int rc = 0;
    for (bool more = true; more && !broken && rc == 0;) {
        arena_init(&scratch, 0);
        Rows rs;
        Value p[1] = {val_int(expect)};
        rc = store_query(ctx->conn, &rs, sql, p, 1, err);
        int n = 0;
        while (rc == 0 && !broken && rows_next(&rs)) {
            Row a;
            codec_from_rows(&sctx, at, &rs, &a);
            n++;
            int64_t seq = row_int(&a, "seq");
            const char *id = row_text(&a, "id");
            const char *ph = row_text(&a, "prev_hash");
            const char *h = row_text(&a, "hash");
            char calc[65];
            const char *why = NULL;
            if (seq != expect)
                why = "sequence gap: a row is missing before this one";
            else if (!ph || strcmp(ph, prev) != 0)
                why = "prev_hash does not match the previous row's hash";
            else if (audit_hash(&sctx, &a, ctx->tenant_id, prev, calc) < 0)
                rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
            else if (!h || strcmp(h, calc) != 0)
                why = "hash does not match the row's content: the row was changed";
            if (why)
                broken = json_pack("{s:I, s:s, s:s, s:I}", "seq", (json_int_t)seq, "id", id ? id : "", "reason", why,
                                   "expected_seq", (json_int_t)expect);
            else if (rc == 0) {
                memcpy(prev, h, 65);
                expect++;
                checked++;
            }
        }
        if (rc == 0)
            rc = rows_error(&rs, err);
        rows_close(&rs);
        arena_free(&scratch);
        more = n == 2000;
    }
    if (rc < 0)
        return rc;
    if (!broken) {   /* the head must point at the last row: catches deleted newest rows */
        Rows rs;
        rc = store_query(ctx->conn, &rs, "SELECT last_seq, last_hash FROM audit_chains WHERE tenant_id = $1 AND chain = 'audit'",
                         NULL, 0, err);
        if (rc < 0)
            return rc;
        if (rows_next(&rs)) {
            Value ls = rows_get(&rs, 0), lh = rows_get(&rs, 1);
            if (ls.i != checked || (checked && (lh.kind != V_TEXT || lh.len != 64 || memcmp(lh.s, prev, 64) != 0)))
                broken = json_pack("{s:I, s:n, s:s, s:I}", "seq", (json_int_t)(checked + 1), "id",
                                   "reason", "the chain head records rows that are missing (newest rows deleted)",
                                   "expected_seq", (json_int_t)ls.i);
        } else if (checked) {
            broken = json_pack("{s:I, s:n, s:s}", "seq", (json_int_t)checked, "id", "reason", "the chain head is missing");
        }
        rows_close(&rs);
    }
    *out = json_pack("{s:b, s:I, s:o}", "ok", broken == NULL, "rows_checked", (json_int_t)checked, "first_broken",
                     broken ? broken : json_null());
    return 0;
}
