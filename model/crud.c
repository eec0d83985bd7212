/* model/crud.c — generic list/get/create/update/delete over the registry.
 * Exports list_query_init, list_query_arg, list_query_finish, crud_list,
 * crud_list_rows, crud_get, crud_create, crud_update, crud_delete,
 * crud_insert_row, crud_update_row, crud_update_row_as, crud_delete_row, crud_check_refs.
 *
 * Pagination is by keyset, never OFFSET: the order keys of the last row (and
 * its id, always the final tie-breaker) are packed into an opaque cursor, and
 * the next page starts strictly after them, so concurrent inserts or deletes
 * never make a page repeat or skip a row. NULLs sort last ascending and first
 * descending in both dialects (explicit NULLS LAST/FIRST).
 *
 * Concurrency notes: updates and deletes read the old row FOR UPDATE on
 * PostgreSQL (SQLite's writer lock serialises) and write with
 * "AND version = $n", so a lost update is impossible and If-Match is exact.
 */
#include "model/crud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/id.h"
#include "model/audit.h"
#include "model/codec.h"

#define SQL_MAX (64 * 1024)

static const struct { const char *name; FilterOp op; } ops[] = {
    {"eq", OP_EQ}, {"ne", OP_NE}, {"gt", OP_GT}, {"gte", OP_GTE}, {"lt", OP_LT},
    {"lte", OP_LTE}, {"in", OP_IN}, {"like", OP_LIKE}, {"null", OP_NULL},
};

int list_query_init(ListQuery *q, const Table *t, Error *err)
{
    memset(q, 0, sizeof *q);
    q->limit = LIST_DEFAULT_LIMIT;
    return 0;
}

static int parse_order(ListQuery *q, const Table *t, const char *spec, Error *err)
{
    q->norder = 0;
    snprintf(q->order_text, sizeof q->order_text, "%s", spec);
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool desc = false;
        if (len && (*p == '-' || *p == '+')) {
            desc = *p == '-';
            p++;
            len--;
        }
        int c = len ? table_coln(t, p, len) : -1;
        if (c < 0 || !(t->fields[c].flags & SORT) || (t->fields[c].flags & (SECRET | INTERNAL)))
            return err_set(err, ERR_BAD_QUERY, "order", "cannot order by %.*s: not a sortable field of %s",
                           (int)len, p, t->name);
        if (q->norder >= LIST_MAX_ORDER)
            return err_set(err, ERR_BAD_QUERY, "order", "at most %d order keys", LIST_MAX_ORDER);
        for (int i = 0; i < q->norder; i++)
            if (q->order[i].col == c)
                return err_set(err, ERR_BAD_QUERY, "order", "%.*s is named twice in order", (int)len, p);
        q->order[q->norder].col = c;
        q->order[q->norder].desc = desc;
        q->norder++;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

int list_query_arg(Ctx *ctx, ListQuery *q, const Table *t, const char *key, const char *value, Error *err)
{
    if (!value)
        value = "";
    if (strcmp(key, "limit") == 0) {
        char *end = NULL;
        long n = strtol(value, &end, 10);
        if (!*value || *end || n < 1 || n > LIST_MAX_LIMIT)
            return err_set(err, ERR_BAD_QUERY, "limit", "limit must be an integer from 1 to %d", LIST_MAX_LIMIT);
        q->limit = (int)n;
        return 0;
    }
    if (strcmp(key, "cursor") == 0) {
        q->cursor = value;
        return 0;
    }
    if (strcmp(key, "order") == 0)
        return parse_order(q, t, value, err);
    if (strcmp(key, "q") == 0) {
        q->q = value;
        return 0;
    }
    /* field or field[op] */
    const char *br = strchr(key, '[');
    size_t flen = br ? (size_t)(br - key) : strlen(key);
    FilterOp op = OP_EQ;
    if (br) {
        size_t klen = strlen(key);
        if (key[klen - 1] != ']')
            return err_set(err, ERR_BAD_QUERY, key, "malformed filter %s", key);
        const char *opn = br + 1;
        size_t olen = klen - flen - 2;
        bool found = false;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (strlen(ops[i].name) == olen && memcmp(ops[i].name, opn, olen) == 0) {
                op = ops[i].op;
                found = true;
            }
        if (!found)
            return err_set(err, ERR_BAD_QUERY, key, "unknown filter operator in %s (use eq ne gt gte lt lte in like null)",
                           key);
    }
    int c = table_coln(t, key, flen);
    if (c < 0 || !(t->fields[c].flags & FILTER) || (t->fields[c].flags & (SECRET | INTERNAL)))
        return err_set(err, ERR_BAD_QUERY, key, "cannot filter on %.*s: not a filterable field of %s", (int)flen, key,
                       t->name);
    const Field *f = &t->fields[c];
    if (q->nfilters >= LIST_MAX_FILTERS)
        return err_set(err, ERR_BAD_QUERY, key, "too many filters");
    Filter *fl = &q->filters[q->nfilters];
    memset(fl, 0, sizeof *fl);
    fl->col = c;
    fl->op = op;
    bool ordered = f->type == FT_INT || f->type == FT_DECIMAL || f->type == FT_MONEY || f->type == FT_DATE ||
                   f->type == FT_TIMESTAMP || f->type == FT_TEXT || f->type == FT_UUID || f->type == FT_REF ||
                   f->type == FT_EMAIL;
    if ((op == OP_GT || op == OP_GTE || op == OP_LT || op == OP_LTE) && !ordered)
        return err_set(err, ERR_BAD_QUERY, key, "%s cannot be compared with %s", f->name, br + 1);
    if (op == OP_LIKE && f->type != FT_TEXT && f->type != FT_EMAIL)
        return err_set(err, ERR_BAD_QUERY, key, "like applies to text fields only");
    if (f->type == FT_JSON && op != OP_NULL)
        return err_set(err, ERR_BAD_QUERY, key, "%s can only be filtered with [null]", f->name);
    Error e;
    if (op == OP_NULL) {
        if (strcmp(value, "true") && strcmp(value, "false"))
            return err_set(err, ERR_BAD_QUERY, key, "%s takes true or false", key);
        fl->v = val_bool(strcmp(value, "true") == 0);
    } else if (op == OP_LIKE) {
        if (strlen(value) > 200)
            return err_set(err, ERR_BAD_QUERY, key, "like pattern is too long");
        fl->v = val_text(arena_strdup(ctx->arena, value));
    } else if (op == OP_IN) {
        int n = 1;
        for (const char *p = value; *p; p++)
            n += *p == ',';
        if (n > 100)
            return err_set(err, ERR_BAD_QUERY, key, "at most 100 values in [in]");
        fl->vs = ARENA_ARRAY(ctx->arena, Value, n);
        const char *p = value;
        for (int i = 0; i < n; i++) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            char *item = arena_strndup(ctx->arena, p, len);
            if (codec_field_from_text(ctx, t, c, item, NULL, &fl->vs[i], &e) < 0)
                return err_set(err, ERR_BAD_QUERY, key, "bad value in %s: %s", key, e.message);
            p = end ? end + 1 : p + len;
        }
        fl->nvs = n;
    } else {
        if (codec_field_from_text(ctx, t, c, value, NULL, &fl->v, &e) < 0)
            return err_set(err, ERR_BAD_QUERY, key, "bad value for %s: %s", key, e.message);
    }
    q->nfilters++;
    return 0;
}

int list_query_finish(Ctx *ctx, ListQuery *q, const Table *t, Error *err)
{
    if (q->norder == 0) {
        const char *def = t->res->default_order ? t->res->default_order : "-id";
        int rc = parse_order(q, t, def, err);
        if (rc < 0)
            return rc;
    }
    bool has_id = false;
    for (int i = 0; i < q->norder; i++)
        if (q->order[i].col == t->col_id)
            has_id = true;
    if (!has_id) {   /* id is unique: it makes the order total */
        q->order[q->norder].col = t->col_id;
        q->order[q->norder].desc = q->norder ? q->order[0].desc : true;
        q->norder++;
    }
    return 0;
}

/* ---- SQL building ---- */

typedef struct Sql {
    Buf b;
    Value params[160];
    int n;                /* caller parameters; the SQL numbers them from $2 ($1 = tenant) */
    bool global;
} Sql;

static void sql_init(Sql *s, const Table *t)
{
    buf_init(&s->b, SQL_MAX);
    s->n = 0;
    s->global = t->res->global;
}

/* Appends the placeholder for a new parameter. */
static void param(Sql *s, Value v)
{
    if (s->n >= (int)(sizeof s->params / sizeof s->params[0])) {
        s->b.failed = true;
        return;
    }
    s->params[s->n++] = v;
    buf_printf(&s->b, "$%d", s->n + (s->global ? 0 : 1));
}

static void where_base(Sql *s, const Table *t)
{
    if (s->global)
        buf_puts(&s->b, " WHERE 1 = 1");
    else
        buf_puts(&s->b, " WHERE tenant_id = $1");
    if (t->col_deleted_at >= 0)
        buf_puts(&s->b, " AND deleted_at IS NULL");
}

static int run_query(Ctx *ctx, Sql *s, Rows *r, Error *err)
{
    if (s->b.failed)
        return err_set(err, ERR_BAD_QUERY, NULL, "query too complex");
    if (s->global)
        return store_query_global(ctx->conn, r, buf_cstr(&s->b), s->params, s->n, err);
    return store_query(ctx->conn, r, buf_cstr(&s->b), s->params, s->n, err);
}

static int run_exec(Ctx *ctx, Sql *s, int64_t *changes, Error *err)
{
    if (s->b.failed)
        return err_set(err, ERR_INTERNAL, NULL, "statement too large");
    if (s->global)
        return store_exec_global(ctx->conn, buf_cstr(&s->b), s->params, s->n, changes, err);
    return store_exec(ctx->conn, buf_cstr(&s->b), s->params, s->n, changes, err);
}

static void add_filter(Ctx *ctx, Sql *s, const Table *t, const Filter *f)
{
    const char *col = t->fields[f->col].name;
    bool pg = conn_dialect(ctx->conn) == DIALECT_POSTGRES;
    buf_puts(&s->b, " AND ");
    switch (f->op) {
    case OP_EQ: buf_printf(&s->b, "%s = ", col); param(s, f->v); break;
    case OP_NE: buf_printf(&s->b, "%s %s ", col, pg ? "IS DISTINCT FROM" : "IS NOT"); param(s, f->v); break;
    case OP_GT: buf_printf(&s->b, "%s > ", col); param(s, f->v); break;
    case OP_GTE: buf_printf(&s->b, "%s >= ", col); param(s, f->v); break;
    case OP_LT: buf_printf(&s->b, "%s < ", col); param(s, f->v); break;
    case OP_LTE: buf_printf(&s->b, "%s <= ", col); param(s, f->v); break;
    case OP_LIKE: buf_printf(&s->b, "%s %s ", col, store_ilike(ctx->conn)); param(s, f->v); break;
    case OP_NULL: buf_printf(&s->b, "%s IS %sNULL", col, f->v.i ? "" : "NOT "); break;
    case OP_IN:
        buf_printf(&s->b, "%s IN (", col);
        for (int i = 0; i < f->nvs; i++) {
            if (i)
                buf_puts(&s->b, ", ");
            param(s, f->vs[i]);
        }
        buf_putc(&s->b, ')');
        break;
    }
}

/* Cursor: base64url of {"o": order text, "k": [key values...]}. */
static const char *make_cursor(Ctx *ctx, const ListQuery *q, const Row *last)
{
    json_t *o = json_object();
    json_t *k = json_array();
    for (int i = 0; i < q->norder; i++) {
        Value v = last->v[q->order[i].col];
        json_t *j = v.kind == V_NULL ? json_null()
                    : (v.kind == V_INT || v.kind == V_BOOL) ? json_integer(v.i)
                                                            : json_stringn(v.s, v.len);
        json_array_append_new(k, j);
    }
    json_object_set_new(o, "o", json_string(q->order_text));
    json_object_set_new(o, "k", k);
    char *txt = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!txt)
        return NULL;
    size_t n = strlen(txt);
    size_t cap = n * 4 / 3 + 8;
    char *out = arena_alloc(ctx->arena, cap);
    if (out && !id_b64url_encode(out, cap, txt, n))
        out = NULL;
    free(txt);
    return out;
}

static int read_cursor(Ctx *ctx, const ListQuery *q, const Table *t, Value *keys, Error *err)
{
    size_t len = strlen(q->cursor);
    unsigned char *raw = arena_alloc(ctx->arena, len + 1);
    long n = raw ? id_b64url_decode(raw, len + 1, q->cursor, len) : -1;
    json_t *o = n > 0 ? json_loadb((const char *)raw, (size_t)n, 0, NULL) : NULL;
    int rc = 0;
    json_t *k = o ? json_object_get(o, "k") : NULL;
    const char *ord = o ? json_string_value(json_object_get(o, "o")) : NULL;
    if (!o || !json_is_array(k) || !ord || (int)json_array_size(k) != q->norder) {
        rc = err_set(err, ERR_BAD_QUERY, "cursor", "cursor is not valid");
    } else if (strcmp(ord, q->order_text) != 0) {
        rc = err_set(err, ERR_BAD_QUERY, "cursor", "cursor was made for another order");
    } else {
        for (int i = 0; i < q->norder && rc == 0; i++) {
            json_t *j = json_array_get(k, (size_t)i);
            FieldType ft = t->fields[q->order[i].col].type;
            bool want_int = ft == FT_INT || ft == FT_DECIMAL || ft == FT_MONEY || ft == FT_BOOL;
            if (json_is_null(j))
                keys[i] = val_null();
            else if (want_int && json_is_integer(j))
                keys[i] = val_int(json_integer_value(j));
            else if (!want_int && json_is_string(j))
                keys[i] = val_text(arena_strdup(ctx->arena, json_string_value(j)));
            else
                rc = err_set(err, ERR_BAD_QUERY, "cursor", "cursor is not valid");
            if (rc == 0 && i == q->norder - 1 && keys[i].kind == V_TEXT && !uuid_valid(keys[i].s, keys[i].len))
                rc = err_set(err, ERR_BAD_QUERY, "cursor", "cursor is not valid");
        }
    }
    json_decref(o);
    return rc;
}

/* Rows strictly after the cursor position, for ASC NULLS LAST / DESC NULLS FIRST keys:
 *   OR over i of (k0 = v0 AND ... AND k(i-1) = v(i-1) AND ki AFTER vi) */
static void add_keyset(Sql *s, const Table *t, const ListQuery *q, const Value *keys)
{
    buf_puts(&s->b, " AND (");
    for (int i = 0; i < q->norder; i++) {
        if (i)
            buf_puts(&s->b, " OR ");
        buf_putc(&s->b, '(');
        for (int j = 0; j < i; j++) {
            const char *col = t->fields[q->order[j].col].name;
            if (keys[j].kind == V_NULL)
                buf_printf(&s->b, "%s IS NULL AND ", col);
            else {
                buf_printf(&s->b, "%s = ", col);
                param(s, keys[j]);
                buf_puts(&s->b, " AND ");
            }
        }
        const char *col = t->fields[q->order[i].col].name;
        bool desc = q->order[i].desc;
        if (keys[i].kind == V_NULL) {
            /* ASC: nulls are last, nothing after; DESC: nulls first, every non-null is after */
            buf_printf(&s->b, desc ? "%s IS NOT NULL" : "1 = 0", col);
        } else if (desc) {
            buf_printf(&s->b, "%s < ", col);
            param(s, keys[i]);
        } else {
            buf_printf(&s->b, "(%s > ", col);
            param(s, keys[i]);
            buf_printf(&s->b, " OR %s IS NULL)", col);
        }
        buf_putc(&s->b, ')');
    }
    buf_putc(&s->b, ')');
}

static int escape_like(Ctx *ctx, const char *q, Value *out)
{
    size_t n = strlen(q);
    char *p = arena_alloc(ctx->arena, n * 2 + 3);
    if (!p)
        return -1;
    size_t j = 0;
    p[j++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
            p[j++] = '\\';
        p[j++] = q[i];
    }
    p[j++] = '%';
    p[j] = '\0';
    *out = val_textn(p, j);
    return 0;
}

int crud_list_rows(Ctx *ctx, const Table *t, const ListQuery *q, int (*fn)(Ctx *, const Row *, void *), void *arg,
                   const char **next_cursor, Error *err)
{
    Sql s;
    sql_init(&s, t);
    *next_cursor = NULL;
    buf_puts(&s.b, t->sql_select);
    where_base(&s, t);
    int rc = 0;
    if (q->parent_id && t->parent_col >= 0) {
        buf_printf(&s.b, " AND %s = ", t->fields[t->parent_col].name);
        param(&s, val_text(q->parent_id));
    }
    for (int i = 0; i < q->nfilters; i++)
        add_filter(ctx, &s, t, &q->filters[i]);
    if (q->q && *q->q) {
        Value pat;
        if (escape_like(ctx, q->q, &pat) < 0) {
            buf_free(&s.b);
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        }
        buf_puts(&s.b, " AND (1 = 0");
        for (int c = 0; c < t->nfields; c++)
            if ((t->fields[c].flags & SEARCH)) {
                buf_printf(&s.b, " OR %s %s ", t->fields[c].name, store_ilike(ctx->conn));
                param(&s, pat);
                buf_puts(&s.b, " ESCAPE '\\'");
            }
        buf_putc(&s.b, ')');
    }
    if (q->cursor) {
        Value keys[LIST_MAX_ORDER + 1];
        rc = read_cursor(ctx, q, t, keys, err);
        if (rc < 0) {
            buf_free(&s.b);
            return rc;
        }
        add_keyset(&s, t, q, keys);
    }
    buf_puts(&s.b, " ORDER BY ");
    for (int i = 0; i < q->norder; i++)
        buf_printf(&s.b, "%s%s %s", i ? ", " : "", t->fields[q->order[i].col].name,
                   q->order[i].desc ? "DESC NULLS FIRST" : "ASC NULLS LAST");
    buf_puts(&s.b, " LIMIT ");
    param(&s, val_int(q->limit + 1));
    Rows r;
    rc = run_query(ctx, &s, &r, err);
    buf_free(&s.b);
    if (rc < 0)
        return rc;
    int count = 0;
    Row last = {0};
    while (rc == 0 && rows_next(&r)) {
        if (count == q->limit) {   /* one more than asked: there is a next page */
            *next_cursor = make_cursor(ctx, q, &last);
            break;
        }
        rc = codec_from_rows(ctx, t, &r, &last);
        if (rc == 0)
            rc = fn(ctx, &last, arg);
        count++;
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static int to_array(Ctx *ctx, const Row *row, void *arg)
{
    json_t *o = codec_to_json(ctx, row);
    if (!o)
        return err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
    return json_array_append_new((json_t *)arg, o) == 0 ? 0 : -ERR_UNAVAILABLE;
}

int crud_list(Ctx *ctx, const Table *t, const ListQuery *q, json_t **out_data, const char **next_cursor, Error *err)
{
    json_t *arr = json_array();
    if (!arr)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    int rc = crud_list_rows(ctx, t, q, to_array, arr, next_cursor, err);
    if (rc < 0) {
        json_decref(arr);
        if (err && err->code == ERR_OK)
            err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        return rc;
    }
    *out_data = arr;
    return 0;
}

static int not_found(Error *err, const Table *t)
{
    return err_set(err, ERR_NOT_FOUND, NULL, "no such %s", t->name);
}

int crud_get(Ctx *ctx, const Table *t, const char *id, bool for_update, Row *out, Error *err)
{
    if (!id || !uuid_valid(id, strlen(id)))
        return not_found(err, t);
    Sql s;
    sql_init(&s, t);
    buf_puts(&s.b, t->sql_select);
    where_base(&s, t);
    buf_puts(&s.b, " AND id = ");
    param(&s, val_text(id));
    if (for_update)
        buf_puts(&s.b, store_for_update(ctx->conn));
    Rows r;
    int rc = run_query(ctx, &s, &r, err);
    buf_free(&s.b);
    if (rc < 0)
        return rc;
    if (rows_next(&r))
        rc = codec_from_rows(ctx, t, &r, out);
    else
        rc = rows_error(&r, err) < 0 ? rows_error(&r, err) : not_found(err, t);
    rows_close(&r);
    return rc;
}

/* A reference must name a live row of the caller's tenant. One the server writes itself (a
 * READONLY field: no request can set it) may name a row since deleted — it is history, as the
 * credit a bill run gives for a deleted assignment names the assignment it credits. */
int crud_check_refs(Ctx *ctx, const Table *t, const Row *row, Error *err)
{
    for (int c = 0; c < t->nfields; c++) {
        const Table *target = t->refs[c];
        if (!target || !row->set[c] || row->v[c].kind != V_TEXT)
            continue;
        Sql s;
        sql_init(&s, target);
        buf_printf(&s.b, "SELECT 1 FROM %s", target->name);
        if (t->fields[c].flags & READONLY)
            buf_puts(&s.b, s.global ? " WHERE 1 = 1" : " WHERE tenant_id = $1");
        else
            where_base(&s, target);
        buf_puts(&s.b, " AND id = ");
        param(&s, row->v[c]);
        Rows r;
        int rc = run_query(ctx, &s, &r, err);
        buf_free(&s.b);
        if (rc < 0)
            return rc;
        bool found = rows_next(&r);
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
        if (!found)
            return err_set(err, ERR_REFERENCE, t->fields[c].name, "%s does not refer to an existing row of %s",
                           t->fields[c].name, target->name);
    }
    return 0;
}

static void stamp(Ctx *ctx, Row *row, int col)
{
    char *ts = arena_alloc(ctx->arena, 40);
    int n = ts ? ts_format(ts, 40, ctx->now) : -1;
    row->v[col] = n > 0 ? val_textn(ts, (size_t)n) : val_null();
    row->set[col] = 1;
}

int crud_insert_row(Ctx *ctx, const Table *t, Row *row, Error *err)
{
    if (row->v[t->col_id].kind == V_NULL) {
        char *id = arena_alloc(ctx->arena, UUID_STR_LEN + 1);
        if (!id)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        uuid_v7_str(id);
        row->v[t->col_id] = val_textn(id, UUID_STR_LEN);
    }
    row->v[t->col_version] = val_int(1);
    if (t->col_created_by >= 0 && ctx->user_id[0] && row->v[t->col_created_by].kind == V_NULL)
        row->v[t->col_created_by] = val_text(arena_strdup(ctx->arena, ctx->user_id));
    if (row->v[t->col_created_at].kind == V_NULL)
        stamp(ctx, row, t->col_created_at);
    row->v[t->col_updated_at] = row->v[t->col_created_at];
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc < 0)
        return rc;
    Sql s;
    sql_init(&s, t);
    buf_printf(&s.b, "INSERT INTO %s (%s%s) VALUES (%s", t->name, s.global ? "" : "tenant_id, ", t->select_list,
               s.global ? "" : "$1, ");
    for (int c = 0; c < t->nfields; c++) {
        if (c)
            buf_puts(&s.b, ", ");
        param(&s, row->v[c]);
    }
    buf_putc(&s.b, ')');
    rc = run_exec(ctx, &s, NULL, err);
    buf_free(&s.b);
    if (rc < 0)
        return rc;
    return t->res->audited ? audit_write(ctx, t, "create", NULL, row, err) : 0;
}

int crud_update_row(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    return crud_update_row_as(ctx, t, row, old, "update", err);
}

int crud_update_row_as(Ctx *ctx, const Table *t, Row *row, const Row *old, const char *action, Error *err)
{
    int64_t version = old->v[t->col_version].i;
    row->v[t->col_version] = val_int(version + 1);
    stamp(ctx, row, t->col_updated_at);
    int rc = crud_check_refs(ctx, t, row, err);
    if (rc < 0)
        return rc;
    Sql s;
    sql_init(&s, t);
    buf_printf(&s.b, "UPDATE %s SET ", t->name);
    bool first = true;
    for (int c = 0; c < t->nfields; c++) {
        if (c == t->col_id || c == t->col_created_at || c == t->col_created_by)
            continue;
        buf_printf(&s.b, "%s%s = ", first ? "" : ", ", t->fields[c].name);
        param(&s, row->v[c]);
        first = false;
    }
    buf_puts(&s.b, s.global ? " WHERE 1 = 1" : " WHERE tenant_id = $1");
    buf_puts(&s.b, " AND id = ");
    param(&s, old->v[t->col_id]);
    buf_puts(&s.b, " AND version = ");
    param(&s, val_int(version));
    int64_t changes = 0;
    rc = run_exec(ctx, &s, &changes, err);
    buf_free(&s.b);
    if (rc < 0)
        return rc;
    if (changes != 1)
        return err_set(err, ERR_PRECONDITION, NULL, "the %s was changed by another request; re-read it and retry",
                       t->name);
    return t->res->audited ? audit_write(ctx, t, action, old, row, err) : 0;
}

int crud_delete_row(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    Sql s;
    sql_init(&s, t);
    int64_t version = old->v[t->col_version].i;
    if (t->col_deleted_at >= 0) {
        char ts[40];
        ts_format(ts, sizeof ts, ctx->now);
        buf_printf(&s.b, "UPDATE %s SET deleted_at = ", t->name);
        param(&s, val_text(arena_strdup(ctx->arena, ts)));
        buf_puts(&s.b, ", updated_at = ");
        param(&s, val_text(arena_strdup(ctx->arena, ts)));
        buf_puts(&s.b, ", version = ");
        param(&s, val_int(version + 1));
    } else {
        buf_printf(&s.b, "DELETE FROM %s", t->name);
    }
    buf_puts(&s.b, s.global ? " WHERE 1 = 1" : " WHERE tenant_id = $1");
    buf_puts(&s.b, " AND id = ");
    param(&s, old->v[t->col_id]);
    buf_puts(&s.b, " AND version = ");
    param(&s, val_int(version));
    int64_t changes = 0;
    int rc = run_exec(ctx, &s, &changes, err);
    buf_free(&s.b);
    if (rc == -ERR_REFERENCE)   /* a foreign key of another row points here (no CASCADE) */
        return err_set(err, ERR_CONFLICT, NULL, "other rows still refer to this row of %s; change or delete them first",
                       t->name);
    if (rc < 0)
        return rc;
    if (changes != 1)
        return err_set(err, ERR_PRECONDITION, NULL, "the %s was changed by another request; re-read it and retry",
                       t->name);
    return t->res->audited ? audit_write(ctx, t, "delete", old, NULL, err) : 0;
}

static int check_parent(Ctx *ctx, const Table *t, const char *parent_id, Error *err)
{
    if (!t->parent || !parent_id)
        return 0;
    Row p;
    return crud_get(ctx, t->parent, parent_id, false, &p, err);
}

/* An after_write hook may change the row it follows (a receipt created with allocations): the caller
 * gets the row as it is at the end of the write, not as it was inserted. */
static int reread(Ctx *ctx, const Table *t, Row *row, Error *err)
{
    Value id = row->v[t->col_id];
    if (id.kind != V_TEXT)
        return 0;
    char *copy = arena_strndup(ctx->arena, id.s, id.len);
    return copy ? crud_get(ctx, t, copy, false, row, err) : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

int crud_create(Ctx *ctx, const Table *t, json_t *body, const char *parent_id, Row *out, Error *err)
{
    int rc = check_parent(ctx, t, parent_id, err);
    if (rc < 0)
        return rc;
    rc = row_init(out, ctx, t);
    if (rc < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (t->parent && parent_id && json_object_get(body, t->fields[t->parent_col].name))
        return err_set(err, ERR_READONLY, t->fields[t->parent_col].name, "%s is given by the URL",
                       t->fields[t->parent_col].name);
    if (t->parent && parent_id) {
        out->v[t->parent_col] = val_text(arena_strdup(ctx->arena, parent_id));
        out->set[t->parent_col] = 1;
    }
    rc = codec_from_json(ctx, t, body, out, false, err);
    if (rc == 0)
        rc = codec_apply_defaults(ctx, t, out, err);
    if (rc == 0 && t->hooks && t->hooks->before_write)
        rc = t->hooks->before_write(ctx, t, out, NULL, err);
    if (rc == 0)
        rc = crud_insert_row(ctx, t, out, err);
    if (rc == 0 && t->hooks && t->hooks->after_write) {
        rc = t->hooks->after_write(ctx, t, out, NULL, err);
        if (rc == 0)
            rc = reread(ctx, t, out, err);
    }
    return rc;
}

static int load_for_write(Ctx *ctx, const Table *t, const char *id, int64_t if_match, const char *parent_id,
                          Row *old, Error *err)
{
    int rc = check_parent(ctx, t, parent_id, err);
    if (rc == 0)
        rc = crud_get(ctx, t, id, true, old, err);
    if (rc < 0)
        return rc;
    if (t->parent && parent_id) {
        Value pv = old->v[t->parent_col];
        if (pv.kind != V_TEXT || strcmp(pv.s, parent_id) != 0)
            return not_found(err, t);
    }
    if (if_match >= 0 && old->v[t->col_version].i != if_match)
        return err_set(err, ERR_PRECONDITION, NULL, "If-Match %lld does not match the current version %lld",
                       (long long)if_match, (long long)old->v[t->col_version].i);
    return 0;
}

int crud_update(Ctx *ctx, const Table *t, const char *id, json_t *body, int64_t if_match, const char *parent_id,
                Row *out, Error *err)
{
    Row old;
    int rc = load_for_write(ctx, t, id, if_match, parent_id, &old, err);
    if (rc < 0)
        return rc;
    row_copy(ctx, out, &old);
    rc = codec_from_json(ctx, t, body, out, true, err);
    if (rc == 0) {
        for (int c = 0; c < t->nfields; c++)   /* required fields cannot be nulled */
            if (out->set[c] && out->v[c].kind == V_NULL && (t->fields[c].flags & REQUIRED))
                return err_set(err, ERR_REQUIRED, t->fields[c].name, "%s is required", t->fields[c].name);
    }
    if (rc == 0 && t->hooks && t->hooks->before_write)
        rc = t->hooks->before_write(ctx, t, out, &old, err);
    if (rc == 0)
        rc = crud_update_row(ctx, t, out, &old, err);
    if (rc == 0 && t->hooks && t->hooks->after_write) {
        rc = t->hooks->after_write(ctx, t, out, &old, err);
        if (rc == 0)
            rc = reread(ctx, t, out, err);
    }
    return rc;
}

int crud_delete(Ctx *ctx, const Table *t, const char *id, int64_t if_match, const char *parent_id, Error *err)
{
    Row old;
    int rc = load_for_write(ctx, t, id, if_match, parent_id, &old, err);
    if (rc == 0 && t->hooks && t->hooks->before_delete) {
        rc = t->hooks->before_delete(ctx, t, &old, err);
        /* The hook may have written the row itself (a user is anonymised before its soft delete):
         * delete the row as the hook left it, so the version check holds and the audit record
         * carries what is really there. Inside the same transaction, FOR UPDATE already held. */
        if (rc == 0)
            rc = crud_get(ctx, t, id, true, &old, err);
    }
    if (rc == 0)
        rc = crud_delete_row(ctx, t, &old, err);
    return rc;
}
