/* model/codec.c — JSON <-> row values, with the registry's validation rules.
 * Exports codec_from_json, codec_apply_defaults, codec_field_from_json,
 * codec_field_from_text, codec_to_json, codec_write_json, codec_value_json,
 * codec_currency, codec_from_rows.
 *
 * Money and decimals travel as JSON strings ("1234.50"); a JSON number for them
 * is a type error, because a binary float cannot carry an exact amount. Input
 * with more fractional digits than allowed is refused (ERR_PRECISION), never
 * rounded. Text limits count characters (UTF-8 code points), not bytes.
 *
 * Output has two writers that must agree byte for byte: codec_to_json builds
 * jansson objects (for domain code and decorate hooks); codec_write_json
 * appends the same text straight to a buffer, which is several times faster
 * on the GET and list paths. Both format values with the same functions
 * (money_format, dec_format_trim) and buf_json_str escapes as jansson does.
 */
#include "model/codec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/id.h"
#include "core/money.h"
#include "core/jsoncanon.h"
#include "core/utf8.h"

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static bool email_ok(const char *s, size_t len)
{
    if (len < 3 || len > 254)
        return false;
    const char *at = memchr(s, '@', len);
    if (!at || at == s || at == s + len - 1 || memchr(at + 1, '@', (size_t)(s + len - at - 1)))
        return false;
    const char *dom = at + 1;
    size_t dlen = (size_t)(s + len - dom);
    if (!memchr(dom, '.', dlen) || dom[0] == '.' || dom[dlen - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' || c == '<' || c == '>' ||
            c == '[' || c == ']' || c == '\\' || c == '"')
            return false;
    }
    return true;
}

const char *codec_currency(Ctx *ctx, const Row *row, int col)
{
    int cc = row->t->currency_col[col];
    if (cc >= 0 && row->v[cc].kind == V_TEXT)
        return row->v[cc].s;
    return ctx->currency ? ctx->currency : "INR";
}

/* The core of validation: text form of a value for a field (JSON strings and query strings). */
static int from_text(Ctx *ctx, const Table *t, int col, const char *s, size_t len, const Row *row, Value *out,
                     Error *err)
{
    const Field *f = &t->fields[col];
    const char *name = f->name;
    switch (f->type) {
    case FT_UUID:
    case FT_REF: {
        Uuid u;
        if (!uuid_parse(&u, s, len))
            return err_set(err, ERR_INVALID, name, "%s must be a UUID", name);
        char *buf = arena_alloc(ctx->arena, UUID_STR_LEN + 1);
        if (!buf)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        uuid_format(buf, &u);
        *out = val_textn(buf, UUID_STR_LEN);
        return 0;
    }
    case FT_TEXT:
        if (f->size > 0 && utf8_chars(s, len) > (size_t)f->size)
            return err_set(err, ERR_RANGE, name, "%s is longer than %d characters", name, f->size);
        break;
    case FT_EMAIL: {
        if (!email_ok(s, len))
            return err_set(err, ERR_INVALID, name, "%s is not a valid email address", name);
        char *low = arena_strndup(ctx->arena, s, len);
        if (!low)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        for (char *p = low; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        *out = val_textn(low, len);
        return 0;
    }
    case FT_ENUM: {
        for (const char *const *v = f->values; *v; v++)
            if (strlen(*v) == len && memcmp(*v, s, len) == 0) {
                *out = val_textn(*v, len);
                return 0;
            }
        char allowed[256] = "";
        size_t off = 0;
        for (const char *const *v = f->values; *v && off < sizeof allowed - 2; v++) {
            int w = snprintf(allowed + off, sizeof allowed - off, "%s%s", off ? ", " : "", *v);
            if (w < 0)
                break;
            off += (size_t)w;
        }
        int rc = err_set(err, ERR_INVALID, name, "%s must be one of: %s", name, allowed);
        return rc;
    }
    case FT_BOOL:
        if (len == 4 && memcmp(s, "true", 4) == 0) {
            *out = val_bool(true);
            return 0;
        }
        if (len == 5 && memcmp(s, "false", 5) == 0) {
            *out = val_bool(false);
            return 0;
        }
        return err_set(err, ERR_TYPE, name, "%s must be true or false", name);
    case FT_INT: {
        Dec d;
        if (dec_parse(&d, s, len, 0, name, NULL) < 0)
            return err_set(err, ERR_TYPE, name, "%s must be an integer", name);
        if ((f->flags & NONNEG) && d.coef < 0)
            return err_set(err, ERR_RANGE, name, "%s must not be negative", name);
        if (f->min < f->max && (d.coef < f->min || d.coef > f->max))
            return err_set(err, ERR_RANGE, name, "%s must be between %lld and %lld", name, (long long)f->min,
                           (long long)f->max);
        *out = val_int(d.coef);
        return 0;
    }
    case FT_DECIMAL: {
        Dec d;
        int rc = dec_parse(&d, s, len, f->size, name, err);
        if (rc < 0)
            return rc;
        if ((f->flags & NONNEG) && dec_is_negative(d))
            return err_set(err, ERR_RANGE, name, "%s must not be negative", name);
        int64_t scaled;
        rc = dec_to_scaled(&scaled, d, f->size, err);
        if (rc < 0)
            return rc;
        *out = val_int(scaled);
        return 0;
    }
    case FT_MONEY: {
        const char *code = row ? codec_currency(ctx, row, col) : (ctx->currency ? ctx->currency : "INR");
        const Currency *cur = currency_find(code);
        if (!cur)
            return err_set(err, ERR_INVALID, name, "%s has an unknown currency %s", name, code);
        int64_t minor;
        int rc = money_parse(&minor, s, len, cur, name, err);
        if (rc < 0)
            return rc;
        if ((f->flags & NONNEG) && minor < 0)
            return err_set(err, ERR_RANGE, name, "%s must not be negative", name);
        *out = val_int(minor);
        return 0;
    }
    case FT_DATE: {
        Date d;
        int rc = date_parse(&d, s, len, name, err);
        if (rc < 0)
            return rc;
        char *buf = arena_alloc(ctx->arena, 11);
        if (!buf)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        date_format(buf, d);
        *out = val_textn(buf, 10);
        return 0;
    }
    case FT_TIMESTAMP: {
        Timestamp ts;
        int rc = ts_parse(&ts, s, len, name, err);
        if (rc < 0)
            return rc;
        char *buf = arena_alloc(ctx->arena, 40);
        if (!buf)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        int n = ts_format(buf, 40, ts);
        *out = val_textn(buf, n > 0 ? (size_t)n : 0);
        return 0;
    }
    case FT_JSON: {
        json_error_t je;
        json_t *j = json_loadb(s, len, JSON_DECODE_ANY, &je);
        if (!j)
            return err_set(err, ERR_INVALID, name, "%s is not valid JSON", name);
        json_decref(j);
        break;
    }
    default:
        break;
    }
    char *copy = arena_strndup(ctx->arena, s, len);
    if (!copy)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    *out = val_textn(copy, len);
    return 0;
}

int codec_field_from_text(Ctx *ctx, const Table *t, int col, const char *s, const Row *row, Value *out,
                          Error *err)
{
    return from_text(ctx, t, col, s, strlen(s), row, out, err);
}

int codec_field_from_json(Ctx *ctx, const Table *t, int col, json_t *v, const Row *row, Value *out, Error *err)
{
    const Field *f = &t->fields[col];
    const char *name = f->name;
    if (json_is_null(v)) {
        if (f->flags & REQUIRED)
            return err_set(err, ERR_REQUIRED, name, "%s is required and cannot be null", name);
        *out = val_null();
        return 0;
    }
    switch (f->type) {
    case FT_BOOL:
        if (!json_is_boolean(v))
            return err_set(err, ERR_TYPE, name, "%s must be true or false", name);
        *out = val_bool(json_is_true(v));
        return 0;
    case FT_INT: {
        if (!json_is_integer(v))
            return err_set(err, ERR_TYPE, name, "%s must be an integer", name);
        json_int_t i = json_integer_value(v);
        if ((f->flags & NONNEG) && i < 0)
            return err_set(err, ERR_RANGE, name, "%s must not be negative", name);
        if (f->min < f->max && (i < f->min || i > f->max))
            return err_set(err, ERR_RANGE, name, "%s must be between %lld and %lld", name, (long long)f->min,
                           (long long)f->max);
        *out = val_int(i);
        return 0;
    }
    case FT_JSON: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!s)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        size_t n = strlen(s);
        if (n > 65536) {
            free(s);
            return err_set(err, ERR_RANGE, name, "%s is larger than 64 KiB", name);
        }
        char *copy = arena_strndup(ctx->arena, s, n);
        free(s);
        if (!copy)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        *out = val_textn(copy, n);
        return 0;
    }
    case FT_MONEY:
    case FT_DECIMAL:
        if (!json_is_string(v))
            return err_set(err, ERR_TYPE, name, "%s must be a decimal string such as \"12.50\"", name);
        break;
    default:
        if (!json_is_string(v))
            return err_set(err, ERR_TYPE, name, "%s must be a string", name);
    }
    return from_text(ctx, t, col, json_string_value(v), json_string_length(v), row, out, err);
}

int codec_from_json(Ctx *ctx, const Table *t, json_t *obj, Row *row, bool update, Error *err)
{
    if (!json_is_object(obj))
        return err_set(err, ERR_TYPE, NULL, "the body must be a JSON object");
    const char *key;
    json_t *val;
    /* Pass 1: everything but money, so a currency given in the same body is known in pass 2. */
    for (int pass = 0; pass < 2; pass++) {
        json_object_foreach(obj, key, val) {
            int c = table_col(t, key);
            if (c < 0) {
                if (pass == 0) {
                    int taken = 0;
                    if (t->hooks && t->hooks->extra_input) {
                        taken = t->hooks->extra_input(ctx, t, row, key, val, err);
                        if (taken < 0)
                            return taken;
                    }
                    if (!taken)
                        return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not a field of %s", key, t->name);
                }
                continue;
            }
            const Field *f = &t->fields[c];
            if ((f->type == FT_MONEY) != (pass == 1))
                continue;
            if (f->flags & INTERNAL)
                return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not a field of %s", key, t->name);
            if (f->flags & READONLY)
                return err_set(err, ERR_READONLY, key, "%s is computed by the server and cannot be set", key);
            if (update && (f->flags & IMMUTABLE))
                return err_set(err, ERR_READONLY, key, "%s cannot be changed after creation", key);
            if (t->parent && c == t->parent_col && update)
                return err_set(err, ERR_READONLY, key, "%s cannot be changed", key);
            Value v;
            int rc = codec_field_from_json(ctx, t, c, val, row, &v, err);
            if (rc < 0)
                return rc;
            row->v[c] = v;
            row->set[c] = 1;
        }
    }
    return 0;
}

int codec_apply_defaults(Ctx *ctx, const Table *t, Row *row, Error *err)
{
    for (int c = 0; c < t->nfields; c++) {
        const Field *f = &t->fields[c];
        if (row->set[c] || row->v[c].kind != V_NULL)
            continue;
        if (f->def) {
            Value v;
            int rc;
            if (f->type == FT_INT) {
                v = val_int(strtoll(f->def, NULL, 10));
                rc = 0;
            } else {
                rc = from_text(ctx, t, c, f->def, strlen(f->def), row, &v, err);
            }
            if (rc < 0)
                return rc;
            row->v[c] = v;
        } else if ((f->flags & REQUIRED) && !(f->flags & READONLY)) {
            return err_set(err, ERR_REQUIRED, f->name, "%s is required", f->name);
        }
    }
    return 0;
}

json_t *codec_value_json(Ctx *ctx, const Row *row, int col)
{
    const Field *f = &row->t->fields[col];
    Value v = row->v[col];
    if (v.kind == V_NULL)
        return json_null();
    char buf[64];
    switch (f->type) {
    case FT_BOOL:
        return json_boolean(v.i != 0);
    case FT_INT:
        return json_integer(v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i);
    case FT_DECIMAL:
        dec_format_trim(buf, sizeof buf, dec_from_scaled(v.i, f->size));
        return json_string(buf);
    case FT_MONEY: {
        const Currency *cur = currency_find(codec_currency(ctx, row, col));
        if (!cur)
            cur = currency_find("INR");
        money_format(buf, sizeof buf, v.i, cur);
        return json_string(buf);
    }
    case FT_JSON: {
        json_t *j = json_loadb(v.s, v.len, JSON_DECODE_ANY, NULL);
        return j ? j : json_null();
    }
    default:
        return json_stringn(v.s, v.len);
    }
}

json_t *codec_to_json(Ctx *ctx, const Row *row)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    const Table *t = row->t;
    for (int c = 0; c < t->nfields; c++) {
        const Field *f = &t->fields[c];
        if (f->flags & (SECRET | INTERNAL))
            continue;
        json_object_set_new(o, f->name, codec_value_json(ctx, row, c));
    }
    if (t->hooks && t->hooks->decorate) {
        Error e;
        if (t->hooks->decorate(ctx, t, row, o, &e) < 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static int dump_cb(const char *s, size_t n, void *arg)
{
    return buf_append(arg, s, n) ? 0 : -1;
}

/* Decimal text of v into out (at least 21 bytes), as "%lld" writes it; returns the length. */
static size_t int_text(char *out, int64_t v)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = tmp[--n];
    return len;
}

/* canonical: JSON values with sorted keys (json_dumps' JSON_SORT_KEYS, the audit's form), and
 * text checked to be UTF-8 (jansson makes no value of other text: 1, nothing written); otherwise
 * JSON values keep their order (the API's output). */
static int write_value(Ctx *ctx, const Row *row, int col, Buf *b, bool canonical)
{
    const Field *f = &row->t->fields[col];
    Value v = row->v[col];
    char tmp[64];
    if (v.kind == V_NULL) {
        buf_append(b, "null", 4);
        return 0;
    }
    switch (f->type) {
    case FT_BOOL:
        buf_puts(b, v.i ? "true" : "false");
        return 0;
    case FT_INT:
        buf_append(b, tmp, int_text(tmp, v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i));
        return 0;
    case FT_DECIMAL:
        dec_format_trim(tmp, sizeof tmp, dec_from_scaled(v.i, f->size));
        buf_json_str(b, tmp, strlen(tmp));
        return 0;
    case FT_MONEY: {
        const Currency *cur = currency_find(codec_currency(ctx, row, col));
        if (!cur)
            cur = currency_find("INR");
        money_format(tmp, sizeof tmp, v.i, cur);
        buf_json_str(b, tmp, strlen(tmp));
        return 0;
    }
    case FT_JSON: {   /* re-encoded: PostgreSQL's jsonb text has spaces, the API's JSON is compact */
        if (canonical && json_canonical(v.s, v.len)) {   /* what parsing and dumping would give */
            buf_append(b, v.s, v.len);
            return 0;
        }
        json_t *j = json_loadb(v.s, v.len, JSON_DECODE_ANY, NULL);
        size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | (canonical ? JSON_SORT_KEYS : 0);
        if (!j || json_dump_callback(j, dump_cb, b, flags) < 0)
            buf_append(b, "null", 4);
        json_decref(j);
        return 0;
    }
    default:
        if (canonical && (v.kind != V_TEXT || !utf8_valid(v.s, v.len)))
            return 1;
        buf_json_str(b, v.s, v.len);
        return 0;
    }
}

int codec_value_put(Ctx *ctx, Buf *b, const Row *row, int col)
{
    int rc = write_value(ctx, row, col, b, true);
    return b->failed ? -1 : rc;
}

int codec_write_json(Ctx *ctx, const Row *row, Buf *out)
{
    const Table *t = row->t;
    if (t->hooks && t->hooks->decorate) {
        json_t *o = codec_to_json(ctx, row);
        int rc = o ? json_dump_callback(o, dump_cb, out, JSON_COMPACT) : -1;
        json_decref(o);
        return rc < 0 || out->failed ? err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory") : 0;
    }
    bool first = true;
    buf_putc(out, '{');
    for (int c = 0; c < t->nfields; c++) {
        const Field *f = &t->fields[c];
        if (f->flags & (SECRET | INTERNAL))
            continue;
        if (!first)
            buf_putc(out, ',');
        first = false;
        /* "name": — field names are SQL column names, which need no JSON escape */
        buf_putc(out, '"');
        buf_puts(out, f->name);
        buf_append(out, "\":", 2);
        write_value(ctx, row, c, out, false);
    }
    buf_putc(out, '}');
    return out->failed ? err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory") : 0;
}

int codec_from_rows(Ctx *ctx, const Table *t, Rows *rs, Row *row)
{
    int rc = row_init(row, ctx, t);
    if (rc < 0)
        return rc;
    for (int c = 0; c < t->nfields && c < rs->ncols; c++) {
        Value v = rows_get(rs, c);
        if (v.kind == V_TEXT) {
            char *s = arena_strndup(ctx->arena, v.s, v.len);
            if (!s)
                return err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
            v.s = s;
        }
        const Field *f = &t->fields[c];
        if (f->type == FT_BOOL && v.kind == V_INT)
            v.kind = V_BOOL;
        row->v[c] = v;
    }
    return 0;
}
