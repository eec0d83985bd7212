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

int audit_write(Ctx *ctx, const Table *t, const char *action, const Row *old, const Row *row, Error *err)
{
    const Table *at = registry_find("audit_logs");
    if (!at || t == at)
        return 0;
    json_t *oldv = old ? json_object() : NULL;
    json_t *newv = row ? json_object() : NULL;
    json_t *changed = json_array();
    for (int c = 0; c < t->nfields; c++) {
        if (skip(t, c))
            continue;
        bool differs = !old || !row || !same(old->v[c], row->v[c]);
        if (!differs)
            continue;
        if (old && (row || old->v[c].kind != V_NULL))
            json_object_set_new(oldv, t->fields[c].name, codec_value_json(ctx, old, c));
        if (row && (old || row->v[c].kind != V_NULL))
            json_object_set_new(newv, t->fields[c].name, codec_value_json(ctx, row, c));
        if (old && row)
            json_array_append_new(changed, json_string(t->fields[c].name));
    }
    Row a;
    int rc = row_init(&a, ctx, at);
    if (rc < 0) {
        json_decref(oldv);
        json_decref(newv);
        json_decref(changed);
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
    json_t *parts[3] = {oldv, newv, changed};
    const char *names[3] = {"old_values", "new_values", "changed_fields"};
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || (i == 2 && !(old && row)))
            continue;
        char *s = json_dumps(parts[i], JSON_COMPACT | JSON_SORT_KEYS);
        if (s) {
            row_set_text(ctx, &a, names[i], s);
            free(s);
        }
    }
    json_decref(oldv);
    json_decref(newv);
    json_decref(changed);

    /* Link into the chain: lock the head, take the next number, hash, advance the head. */
    const Table *ct = registry_find("audit_chains");
    Row head;
    int64_t seq = 0;
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = '\0';
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM audit_chains WHERE tenant_id = $1 AND chain = 'audit'%s",
             ct->select_list, store_for_update(ctx->conn));
    Rows rs;
    rc = store_query(ctx->conn, &rs, sql, NULL, 0, err);
    if (rc < 0)
        return rc;
    bool have = rows_next(&rs);
    if (have)
        codec_from_rows(ctx, ct, &rs, &head);
    rc = rows_error(&rs, err);
    rows_close(&rs);
    if (rc < 0)
        return rc;
    if (!have) {
        /* First audited write of the tenant: create the head. A concurrent first write
         * conflicts on the unique chain key and retries as a normal request would. */
        row_init(&head, ctx, ct);
        row_set_text(ctx, &head, "chain", "audit");
        row_set_int(&head, "last_seq", 0);
        rc = crud_insert_row(ctx, ct, &head, err);
        if (rc < 0)
            return rc;
    } else {
        seq = row_int(&head, "last_seq");
        const char *lh = row_text(&head, "last_hash");
        if (lh && strlen(lh) == 64)
            memcpy(prev, lh, 65);
    }
    seq++;
    char id[40], ts[40];
    uuid_v7_str(id);
    ts_format(ts, sizeof ts, ctx->now);
    row_set_text(ctx, &a, "id", id);
    row_set_text(ctx, &a, "created_at", ts);
    row_set_int(&a, "seq", seq);
    row_set_text(ctx, &a, "prev_hash", prev);
    char hash[65];
    rc = audit_hash(ctx, &a, ctx->tenant_id, prev, hash);
    if (rc < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    row_set_text(ctx, &a, "hash", hash);
    rc = crud_insert_row(ctx, at, &a, err);
    if (rc < 0)
        return rc;
    Row nh;
    row_copy(ctx, &nh, &head);
    row_set_int(&nh, "last_seq", seq);
    row_set_text(ctx, &nh, "last_hash", hash);
    if (!have) {   /* just inserted at version 1 */
        head.v[ct->col_version] = val_int(1);
    }
    return crud_update_row(ctx, ct, &nh, &head, err);
}

static const char *const canon_fields[] = {
    "seq", "id", NULL /* tenant_id */, "user_id", "user_email", "user_role", "ip_address", "user_agent",
    "request_id", "entity_type", "entity_id", "action", "old_values", "new_values", "changed_fields",
    "created_at",
};

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
    size_t n = strlen(txt);
    char *buf = malloc(n + 66);
    if (!buf) {
        free(txt);
        return -1;
    }
    memcpy(buf, prev, 64);
    buf[64] = '\n';
    memcpy(buf + 65, txt, n);
    id_sha256_hex(out, buf, n + 65);
    free(buf);
    free(txt);
    return 0;
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
