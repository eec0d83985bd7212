/* domain/settings.c — typed tenant settings (system_settings). Exports
 * settings_init, settings_check_rules, settings_check_value, settings_get,
 * settings_declare, settings_declared.
 *
 * Generic CRUD serves /api/v1/system_settings to admins; the hooks here make
 * it typed:
 *   - setting_key: lower-case letters, digits, '.', '_', '-' (unique per tenant).
 *   - setting_type (fixed at creation) says what setting_value holds:
 *       string  a JSON string;   rules min_length, max_length, pattern, enum
 *       int     a JSON integer;  rules min, max, enum
 *       bool    true or false;   no rules
 *       decimal a decimal string ("12.50", never a JSON number); rules min, max, enum, scale
 *       json    any JSON;        no rules
 *       secret  a JSON string, encrypted at rest (domain/seal.c), never returned:
 *               shown as "********"; rules min_length, max_length, pattern
 *   - validation_rules are checked when written, and the value is checked
 *     against them whenever either changes; a violation is a 422 naming
 *     setting_value (or validation_rules when the rules themselves are wrong).
 *     pattern is a POSIX extended regular expression that must match the
 *     whole value. Lengths count characters.
 *   - A secret cannot be public. Writing a secret without REMIT_SETTINGS_KEY
 *     is refused (503 with a hint); sending the mask "********" back is
 *     refused rather than stored as the new secret.
 *   - is_encrypted and updated_by are set by the server.
 * GET /api/v1/settings/public lists the public settings (key, value, type,
 * description) to every signed-in user.
 *
 * Declared settings: a module that reads a setting declares it
 * (settings_declare, in its _init): its key then only takes the declared type,
 * the declared rules apply on top of the row's own validation_rules, and the
 * module's on_change runs in the transaction that writes or deletes it (the
 * approval thresholds of domain/approvals.c re-screen waiting items that way).
 * Undeclared keys stay free-form.
 */
#include "domain/settings.h"

#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"
#include "domain/domain.h"
#include "domain/seal.h"
#include "model/codec.h"
#include "model/crud.h"

#define MASK "********"
#define RULES "validation_rules"
#define VALUE "setting_value"

typedef struct TypeRules { const char *type; const char *const *rules; } TypeRules;

static const char *const string_rules[] = {"min_length", "max_length", "pattern", "enum", NULL};
static const char *const secret_rules[] = {"min_length", "max_length", "pattern", NULL};
static const char *const int_rules[] = {"min", "max", "enum", NULL};
static const char *const decimal_rules[] = {"min", "max", "enum", "scale", NULL};
static const char *const no_rules[] = {NULL};

static const TypeRules types[] = {
    {"string", string_rules}, {"secret", secret_rules}, {"int", int_rules},
    {"decimal", decimal_rules}, {"bool", no_rules},      {"json", no_rules},
};

static const TypeRules *find_type(const char *type)
{
    for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].type, type) == 0)
            return &types[i];
    return NULL;
}

#define MAX_DECLARED 64
static const SettingDecl *declared[MAX_DECLARED];
static int ndeclared;

void settings_declare(const SettingDecl *d)
{
    for (int i = 0; i < ndeclared; i++)
        if (strcmp(declared[i]->key, d->key) == 0)
            return;
    if (ndeclared < MAX_DECLARED)
        declared[ndeclared++] = d;
}

const SettingDecl *settings_declared(const char *key)
{
    for (int i = 0; key && i < ndeclared; i++)
        if (strcmp(declared[i]->key, key) == 0)
            return declared[i];
    return NULL;
}

static bool is_text(const char *type) { return strcmp(type, "string") == 0 || strcmp(type, "secret") == 0; }

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int compile_pattern(regex_t *re, const char *p)
{
    size_t n = strlen(p);
    char *whole = malloc(n + 5);
    if (!whole)
        return -1;
    memcpy(whole, "^(", 2);
    memcpy(whole + 2, p, n);
    memcpy(whole + 2 + n, ")$", 3);
    int rc = regcomp(re, whole, REG_EXTENDED | REG_NOSUB);
    free(whole);
    return rc == 0 ? 0 : -1;
}

static int parse_decimal(Dec *out, json_t *v, int scale, const char *field, Error *err)
{
    if (json_is_integer(v)) {
        *out = dec_from_int(json_integer_value(v));
        return 0;
    }
    if (!json_is_string(v))
        return err_set(err, ERR_TYPE, field, "%s must be a decimal string such as \"12.50\"", field);
    return dec_parse(out, json_string_value(v), json_string_length(v), scale, field, err);
}

/* One rule's value is well formed for the type. */
static int check_rule(const char *type, const char *name, json_t *v, Error *err)
{
    if (strcmp(name, "min_length") == 0 || strcmp(name, "max_length") == 0 || strcmp(name, "scale") == 0) {
        json_int_t top = strcmp(name, "scale") == 0 ? DEC_MAX_SCALE : 1 << 20;
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > top)
            return err_set(err, ERR_INVALID, RULES, "validation_rules.%s must be an integer from 0 to %lld", name,
                           (long long)top);
        return 0;
    }
    if (strcmp(name, "pattern") == 0) {
        regex_t re;
        if (!json_is_string(v) || json_string_length(v) > 500)
            return err_set(err, ERR_INVALID, RULES, "validation_rules.pattern must be a string of at most 500 characters");
        if (compile_pattern(&re, json_string_value(v)) < 0)
            return err_set(err, ERR_INVALID, RULES,
                           "validation_rules.pattern is not a valid POSIX extended regular expression");
        regfree(&re);
        return 0;
    }
    Error e;
    if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0) {
        Dec d;
        if (strcmp(type, "int") == 0 ? !json_is_integer(v) : parse_decimal(&d, v, DEC_MAX_SCALE, name, &e) < 0)
            return err_set(err, ERR_INVALID, RULES, "validation_rules.%s must be %s", name,
                           strcmp(type, "int") == 0 ? "an integer" : "a decimal string");
        return 0;
    }
    /* enum */
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 100)
        return err_set(err, ERR_INVALID, RULES, "validation_rules.enum must be a list of 1 to 100 values");
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        Dec d;
        bool ok = strcmp(type, "string") == 0    ? json_is_string(item)
                  : strcmp(type, "int") == 0     ? json_is_integer(item)
                                                 : json_is_string(item) &&
                                                   parse_decimal(&d, item, DEC_MAX_SCALE, "enum", &e) == 0;
        if (!ok)
            return err_set(err, ERR_INVALID, RULES, "validation_rules.enum[%zu] is not a valid %s value", i, type);
    }
    return 0;
}

static int cmp_bound(const char *type, json_t *a, json_t *b)
{
    if (strcmp(type, "int") == 0)
        return json_integer_value(a) < json_integer_value(b) ? -1 : json_integer_value(a) > json_integer_value(b);
    Dec x, y;
    Error e;
    parse_decimal(&x, a, DEC_MAX_SCALE, "min", &e);
    parse_decimal(&y, b, DEC_MAX_SCALE, "max", &e);
    return dec_cmp(x, y);
}

int settings_check_rules(const char *type, json_t *rules, Error *err)
{
    const TypeRules *tr = find_type(type);
    if (!tr)
        return err_set(err, ERR_INVALID, "setting_type", "setting_type is not known");
    if (!rules || json_is_null(rules))
        return 0;
    if (!json_is_object(rules))
        return err_set(err, ERR_TYPE, RULES, "validation_rules must be an object");
    const char *key;
    json_t *v;
    json_object_foreach(rules, key, v) {
        bool known = false;
        for (const char *const *r = tr->rules; *r; r++)
            known = known || strcmp(*r, key) == 0;
        if (!known) {
            if (!tr->rules[0])
                return err_set(err, ERR_INVALID, RULES, "a %s setting takes no validation rules", type);
            char allowed[128] = "";
            size_t off = 0;
            for (const char *const *r = tr->rules; *r; r++)
                off += (size_t)snprintf(allowed + off, sizeof allowed - off, "%s%s", off ? ", " : "", *r);
            return err_set(err, ERR_INVALID, RULES, "%s is not a rule of a %s setting (allowed: %s)", key, type, allowed);
        }
        int rc = check_rule(type, key, v, err);
        if (rc < 0)
            return rc;
    }
    json_t *lo = json_object_get(rules, "min_length"), *hi = json_object_get(rules, "max_length");
    if (lo && hi && json_integer_value(lo) > json_integer_value(hi))
        return err_set(err, ERR_INVALID, RULES, "validation_rules.min_length is greater than max_length");
    lo = json_object_get(rules, "min");
    hi = json_object_get(rules, "max");
    if (lo && hi && cmp_bound(type, lo, hi) > 0)
        return err_set(err, ERR_INVALID, RULES, "validation_rules.min is greater than max");
    return 0;
}

static int check_text(const char *type, json_t *value, json_t *rules, Error *err)
{
    if (!json_is_string(value))
        return err_set(err, ERR_TYPE, VALUE, "setting_value must be a string for a %s setting", type);
    const char *s = json_string_value(value);
    size_t n = utf8_chars(s, json_string_length(value));
    json_t *r;
    if ((r = json_object_get(rules, "min_length")) && (json_int_t)n < json_integer_value(r))
        return err_set(err, ERR_RANGE, VALUE, "setting_value must have at least %lld characters",
                       (long long)json_integer_value(r));
    if ((r = json_object_get(rules, "max_length")) && (json_int_t)n > json_integer_value(r))
        return err_set(err, ERR_RANGE, VALUE, "setting_value must have at most %lld characters",
                       (long long)json_integer_value(r));
    if ((r = json_object_get(rules, "pattern"))) {
        regex_t re;
        if (compile_pattern(&re, json_string_value(r)) < 0)
            return err_set(err, ERR_INVALID, RULES, "validation_rules.pattern is not a valid regular expression");
        bool match = strlen(s) == json_string_length(value) && regexec(&re, s, 0, NULL, 0) == 0;
        regfree(&re);
        if (!match) {
            /* A secret's value is not echoed into messages or logs. */
            if (strcmp(type, "secret") == 0)
                return err_set(err, ERR_INVALID, VALUE, "setting_value does not match the pattern");
            return err_set(err, ERR_INVALID, VALUE, "setting_value must match the pattern %s", json_string_value(r));
        }
    }
    if ((r = json_object_get(rules, "enum"))) {
        size_t i;
        json_t *item;
        json_array_foreach(r, i, item)
            if (json_equal(item, value))
                return 0;
        char *list = json_dumps(r, JSON_COMPACT);
        int rc = err_set(err, ERR_INVALID, VALUE, "setting_value must be one of %s", list ? list : "the enum");
        free(list);
        return rc;
    }
    return 0;
}

static int check_number(const char *type, json_t *value, json_t *rules, Error *err)
{
    bool is_int = strcmp(type, "int") == 0;
    Dec d = {0, 0};
    if (is_int && !json_is_integer(value))
        return err_set(err, ERR_TYPE, VALUE, "setting_value must be an integer for an int setting");
    if (!is_int) {
        if (!json_is_string(value))
            return err_set(err, ERR_TYPE, VALUE, "setting_value must be a decimal string such as \"12.50\"");
        json_t *sc = json_object_get(rules, "scale");
        int rc = dec_parse(&d, json_string_value(value), json_string_length(value),
                           sc ? (int)json_integer_value(sc) : DEC_MAX_SCALE, VALUE, err);
        if (rc < 0)
            return rc;
    }
    json_t *r;
    if ((r = json_object_get(rules, "min")) && cmp_bound(type, value, r) < 0) {
        char *b = json_dumps(r, JSON_ENCODE_ANY);
        int rc = err_set(err, ERR_RANGE, VALUE, "setting_value must be at least %s", b ? b : "min");
        free(b);
        return rc;
    }
    if ((r = json_object_get(rules, "max")) && cmp_bound(type, value, r) > 0) {
        char *b = json_dumps(r, JSON_ENCODE_ANY);
        int rc = err_set(err, ERR_RANGE, VALUE, "setting_value must be at most %s", b ? b : "max");
        free(b);
        return rc;
    }
    if ((r = json_object_get(rules, "enum"))) {
        size_t i;
        json_t *item;
        json_array_foreach(r, i, item)
            if (cmp_bound(type, value, item) == 0)
                return 0;
        char *list = json_dumps(r, JSON_COMPACT);
        int rc = err_set(err, ERR_INVALID, VALUE, "setting_value must be one of %s", list ? list : "the enum");
        free(list);
        return rc;
    }
    return 0;
}

int settings_check_value(const char *type, json_t *value, json_t *rules, Error *err)
{
    if (!find_type(type))
        return err_set(err, ERR_INVALID, "setting_type", "setting_type is not known");
    if (!value || json_is_null(value))
        return 0;
    if (is_text(type))
        return check_text(type, value, rules, err);
    if (strcmp(type, "int") == 0 || strcmp(type, "decimal") == 0)
        return check_number(type, value, rules, err);
    if (strcmp(type, "bool") == 0 && !json_is_boolean(value))
        return err_set(err, ERR_TYPE, VALUE, "setting_value must be true or false for a bool setting");
    return 0;
}

/* ---- hooks ---- */

static json_t *json_of(const Row *row, const char *field)
{
    Value v = row_get(row, field);
    return v.kind == V_TEXT ? json_loadb(v.s, v.len, JSON_DECODE_ANY, NULL) : NULL;
}

static const char *seal_context(Ctx *ctx, const char *key)
{
    return arena_printf(ctx->arena, "system_settings/%s/%s", ctx->tenant_id, key);
}

static int check_key(const char *key, Error *err)
{
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
            return err_set(err, ERR_INVALID, "setting_key",
                           "setting_key may hold lower-case letters, digits, '.', '_' and '-' only");
    return *key ? 0 : err_set(err, ERR_REQUIRED, "setting_key", "setting_key is required");
}

/* A secret: the new value is checked, sealed into encrypted_value, and never kept in setting_value. */
static int write_secret(Ctx *ctx, const Table *t, Row *row, const Row *old, json_t *rules, Error *err)
{
    int cv = table_col(t, VALUE), cr = table_col(t, RULES);
    const char *key = row_text(row, "setting_key");
    json_t *value = json_of(row, VALUE);
    int rc = 0;
    if (row->set[cv]) {
        if (json_is_string(value) && old && strcmp(json_string_value(value), MASK) == 0)
            rc = err_set(err, ERR_INVALID, VALUE,
                         "\"" MASK "\" is the mask of the stored secret; send the new value, or leave setting_value"
                         " out to keep it");
        if (rc == 0)
            rc = settings_check_value("secret", value, rules, err);
        if (rc == 0 && value) {
            char *sealed = NULL;
            rc = seal_encrypt(ctx->arena, seal_context(ctx, key), json_string_value(value), json_string_length(value),
                              &sealed, err);
            if (rc == 0)
                row_set_text(ctx, row, "encrypted_value", sealed);
        } else if (rc == 0) {
            row_set(row, "encrypted_value", val_null());
        }
        row->v[cv] = val_null();
    } else if (old && row->set[cr] && !row_is_null(row, "encrypted_value")) {
        char *plain = NULL;   /* new rules: the stored secret must still pass them */
        size_t len = 0;
        rc = seal_decrypt(ctx->arena, seal_context(ctx, key), row_text(row, "encrypted_value"), &plain, &len, err);
        if (rc == 0) {
            json_t *s = json_stringn(plain, len);
            rc = settings_check_value("secret", s, rules, err);
            json_decref(s);
            sodium_memzero(plain, len);
        }
    }
    json_decref(value);
    return rc;
}

static int settings_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const char *key = row_text(row, "setting_key");
    const char *type = row_text(row, "setting_type");
    int rc = old ? 0 : check_key(key ? key : "", err);
    if (rc < 0)
        return rc;
    bool secret = strcmp(type, "secret") == 0;
    int cv = table_col(t, VALUE), cr = table_col(t, RULES);
    const SettingDecl *decl = settings_declared(key);
    if (decl && strcmp(decl->type, type) != 0)
        return err_set(err, ERR_INVALID, "setting_type", "%s is a%s %s setting", key,
                       strchr("aeiou", decl->type[0]) ? "n" : "", decl->type);
    json_t *rules = json_of(row, RULES);
    if (!old || row->set[cr])
        rc = settings_check_rules(type, rules, err);
    if (rc == 0 && secret && row_int(row, "is_public"))
        rc = err_set(err, ERR_INVALID, "is_public", "a secret setting cannot be public");
    if (rc == 0 && secret) {
        rc = write_secret(ctx, t, row, old, rules, err);
    } else if (rc == 0 && (!old || row->set[cv] || row->set[cr])) {
        json_t *value = json_of(row, VALUE);
        rc = settings_check_value(type, value, rules, err);
        if (rc == 0 && decl && decl->rules) {   /* the declaring module's rules hold whatever the row says */
            json_t *own = json_loads(decl->rules, 0, NULL);
            rc = settings_check_value(type, value, own, err);
            json_decref(own);
        }
        json_decref(value);
    }
    json_decref(rules);
    if (rc < 0)
        return rc;
    row_set(row, "is_encrypted", val_bool(secret));
    row_set(row, "updated_by", ctx->user_id[0] ? val_text(arena_strdup(ctx->arena, ctx->user_id)) : val_null());
    return 0;
}

static int settings_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    const SettingDecl *decl = settings_declared(row_text(row, "setting_key"));
    return decl && decl->on_change ? decl->on_change(ctx, decl->key, false, err) : 0;
}

static int settings_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    const SettingDecl *decl = settings_declared(row_text(old, "setting_key"));
    return decl && decl->on_change ? decl->on_change(ctx, decl->key, true, err) : 0;
}

static int settings_decorate(Ctx *ctx, const Table *t, const Row *row, json_t *obj, Error *err)
{
    const char *type = row_text(row, "setting_type");
    if (type && strcmp(type, "secret") == 0)
        json_object_set_new(obj, VALUE, row_is_null(row, "encrypted_value") ? json_null() : json_string(MASK));
    return 0;
}

int settings_get(Ctx *ctx, const char *key, json_t **out, Error *err)
{
    Rows r;
    Value p[1] = {val_text(key)};
    int rc = store_query(ctx->conn, &r,
                         "SELECT setting_type, setting_value, encrypted_value FROM system_settings"
                         " WHERE tenant_id = $1 AND setting_key = $2",
                         p, 1, err);
    if (rc < 0)
        return rc;
    if (!rows_next(&r)) {
        rc = rows_error(&r, err);
        rows_close(&r);
        return rc < 0 ? rc : err_set(err, ERR_NOT_FOUND, NULL, "no setting %s", key);
    }
    Value type = rows_get(&r, 0), value = rows_get(&r, 1), sealed = rows_get(&r, 2);
    bool secret = type.len == 6 && memcmp(type.s, "secret", 6) == 0;
    char *stext = sealed.kind == V_TEXT ? arena_strndup(ctx->arena, sealed.s, sealed.len) : NULL;
    json_t *j = NULL;
    if (!secret && value.kind == V_TEXT)
        j = json_loadb(value.s, value.len, JSON_DECODE_ANY, NULL);
    rows_close(&r);
    if (secret && stext) {
        char *plain = NULL;
        size_t len = 0;
        rc = seal_decrypt(ctx->arena, seal_context(ctx, key), stext, &plain, &len, err);
        if (rc < 0)
            return rc;
        j = json_stringn(plain, len);
        sodium_memzero(plain, len);
    }
    *out = j ? j : json_null();
    return 0;
}

/* ---- GET /api/v1/settings/public ---- */

static int add_public(Ctx *ctx, const Row *row, void *arg)
{
    json_t *o = json_object();
    static const char *const fields[] = {"setting_key", VALUE, "setting_type", "description"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        json_object_set_new(o, fields[i], codec_value_json(ctx, row, table_col(row->t, fields[i])));
    return json_array_append_new((json_t *)arg, o) == 0 ? 0 : -ERR_UNAVAILABLE;
}

static int public_settings(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const Table *t = registry_find("system_settings");
    ListQuery q;
    int rc = list_query_init(&q, t, err);
    if (rc == 0)
        rc = list_query_arg(ctx, &q, t, "is_public", "true", err);
    static const char *const paging[] = {"limit", "cursor"};
    for (int i = 0; i < 2 && rc == 0; i++) {
        const char *v = action_arg(in, paging[i]);
        if (v)
            rc = list_query_arg(ctx, &q, t, paging[i], v, err);
    }
    if (rc == 0)
        rc = list_query_finish(ctx, &q, t, err);
    if (rc < 0)
        return rc;
    json_t *data = json_array();
    const char *next = NULL;
    rc = crud_list_rows(ctx, t, &q, add_public, data, &next, err);
    if (rc < 0) {
        json_decref(data);
        if (err->code == ERR_OK)
            err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        return rc;
    }
    out->json = json_pack("{s:o, s:o}", "data", data, "next_cursor", next ? json_string(next) : json_null());
    return 0;
}

static const Hooks setting_hooks = {.before_write = settings_before_write, .after_write = settings_after_write,
                                     .before_delete = settings_before_delete, .decorate = settings_decorate};

static const Endpoint endpoint = {
    .method = "GET", .path = "settings/public", .role = ROLE_USER, .run = public_settings,
    .doc = "The tenant's public settings, readable by every signed-in user",
};

void settings_init(void)
{
    seal_init();
    table_set_hooks("system_settings", &setting_hooks);
    registry_add_endpoint(&endpoint);
}
