/* model/registry.c — collects RESOURCE() declarations and compiles them into
 * Tables; see registry.h.
 * Exports registry_init, registry_free, registry_count, registry_at,
 * registry_find(n), table_col(n), table_is_global, table_set_hooks,
 * table_add_action, table_find_action, table_find_child, field_type_name, and the row_* helpers.
 *
 * The Tables are built once, before any thread starts, and are read-only
 * afterwards (hooks and actions are attached during start-up too).
 */
#include "model/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

extern const Resource *const __start_remit_resources[];
extern const Resource *const __stop_remit_resources[];

static Table *tables;      /* in dependency order */
static int ntables;

static const char *const type_names[FT__COUNT] = {
    [FT_UUID] = "uuid", [FT_TEXT] = "text", [FT_EMAIL] = "email", [FT_ENUM] = "enum", [FT_BOOL] = "bool",
    [FT_INT] = "int", [FT_DECIMAL] = "decimal", [FT_MONEY] = "money", [FT_DATE] = "date",
    [FT_TIMESTAMP] = "timestamp", [FT_JSON] = "json", [FT_REF] = "reference",
};

const char *field_type_name(FieldType t)
{
    return (t >= 0 && t < FT__COUNT) ? type_names[t] : "?";
}

static const Resource *find_resource(const char *name)
{
    for (const Resource *const *r = __start_remit_resources; r < __stop_remit_resources; r++)
        if (strcmp((*r)->name, name) == 0)
            return *r;
    return NULL;
}

/* Words that cannot name a table or column unquoted in PostgreSQL (its reserved key words) or
 * in SQLite (checked against sqlite3 3.40); Remit never quotes identifiers. Sorted. */
static const char *const reserved[] = {
    "add", "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "autoincrement", "between", "binary", "both", "case", "cast", "check", "collate",
    "collation", "column", "commit", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "delete", "desc", "distinct", "do", "drop", "else", "end", "escape", "except",
    "exists", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
    "in", "index", "initially", "inner", "insert", "intersect", "into", "is", "isnull", "join", "lateral",
    "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "nothing", "notnull",
    "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "raise",
    "references", "returning", "right", "select", "session_user", "set", "similar", "some", "symmetric",
    "table", "tablesample", "then", "to", "trailing", "transaction", "true", "union", "unique", "update",
    "user", "using", "values", "variadic", "verbose", "when", "where", "window", "with",
};

/* Columns every table gets (registry.h); a declared field may not reuse their names. */
static const char *const implicit[] = {"id", "tenant_id", "version", "created_by", "created_at", "updated_at",
                                       "deleted_at"};

static int cmp_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool registry_name_ok(const char *table, const char *field)
{
    const char *name = field ? field : table;
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 63 || !(name[0] >= 'a' && name[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
            return false;
    if (bsearch(&name, reserved, sizeof reserved / sizeof reserved[0], sizeof reserved[0], cmp_word))
        return false;
    if (field) {
        for (size_t i = 0; i < sizeof implicit / sizeof implicit[0]; i++)
            if (strcmp(field, implicit[i]) == 0)
                return false;
        /* the longest name derived from it, "<table>__<field>_fkey" (model/ddl.c), must fit
         * PostgreSQL's 63 characters, or PostgreSQL would shorten it and migrations and
         * error messages would no longer find it */
        if (strlen(table) + 2 + n + 5 > 63)
            return false;
    }
    return true;
}

static int compile(Table *t, const Resource *res, Error *err)
{
    if (!registry_name_ok(res->name, NULL))
        return err_set(err, ERR_INTERNAL, NULL,
                       "table name %s is not usable: lower-case letters, digits and _, at most 63, not an SQL word",
                       res->name);
    memset(t, 0, sizeof *t);
    t->res = res;
    t->name = res->name;
    int n = res->nfields + 6;
    t->fields = calloc((size_t)n, sizeof(Field));
    if (!t->fields)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    int k = 0;
    t->fields[k] = (Field)F_UUID("id", READONLY | FILTER | SORT, .doc = "Identifier (UUIDv7)");
    t->col_id = k++;
    for (int i = 0; i < res->nfields; i++) {
        const Field *f = &res->fields[i];
        for (int j = 0; j < k; j++)
            if (strcmp(t->fields[j].name, f->name) == 0)
                return err_set(err, ERR_INTERNAL, NULL, "table %s declares field %s twice", res->name, f->name);
        if (f->type == FT_ENUM && !f->values)
            return err_set(err, ERR_INTERNAL, NULL, "enum %s.%s has no values", res->name, f->name);
        if (f->type == FT_REF && !f->ref)
            return err_set(err, ERR_INTERNAL, NULL, "reference %s.%s has no target", res->name, f->name);
        if (!registry_name_ok(res->name, f->name))
            return err_set(err, ERR_INTERNAL, NULL,
                           "field name %s.%s is not usable: lower-case letters, digits and _, not an SQL word, not"
                           " a system column, and <table>__<field>_fkey within 63 characters",
                           res->name, f->name);
        t->fields[k++] = *f;
    }
    t->fields[k] = (Field)F_INT("version", READONLY, .doc = "Row version, for If-Match");
    t->col_version = k++;
    t->col_created_by = -1;
    if (!res->global) {
        t->fields[k] = (Field)F_UUID("created_by", READONLY | FILTER, .doc = "User who created the row");
        t->col_created_by = k++;
    }
    t->fields[k] = (Field)F_TS("created_at", READONLY | FILTER | SORT);
    t->col_created_at = k++;
    t->fields[k] = (Field)F_TS("updated_at", READONLY | FILTER | SORT);
    t->col_updated_at = k++;
    t->col_deleted_at = -1;
    if (res->soft_delete) {
        t->fields[k] = (Field)F_TS("deleted_at", INTERNAL);
        t->col_deleted_at = k++;
    }
    t->nfields = k;
    for (const char *const *u = res->unindexed; u && *u; u++)
        if (table_col(t, *u) < 0)
            return err_set(err, ERR_INTERNAL, NULL, "table %s: unindexed column %s is not a column", res->name, *u);
    t->refs = calloc((size_t)k, sizeof *t->refs);
    t->currency_col = calloc((size_t)k, sizeof *t->currency_col);
    t->by_name = calloc((size_t)k + 1, sizeof *t->by_name);
    if (!t->refs || !t->currency_col || !t->by_name)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; i < k; i++) {   /* insertion sort: a few dozen names, once */
        int j = i;
        for (; j > 0 && strcmp(t->fields[t->by_name[j - 1]].name, t->fields[i].name) > 0; j--)
            t->by_name[j] = t->by_name[j - 1];
        t->by_name[j] = i;
    }
    Buf b;
    buf_init(&b, 0);
    for (int i = 0; i < k; i++) {
        t->currency_col[i] = -1;
        buf_printf(&b, "%s%s", i ? ", " : "", t->fields[i].name);
    }
    if (b.failed) {
        buf_free(&b);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    t->select_list = buf_steal(&b, NULL);
    buf_printf(&b, "SELECT %s FROM %s", t->select_list, t->name);
    if (b.failed) {
        buf_free(&b);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    t->sql_select = buf_steal(&b, NULL);
    return 0;
}

static int resolve(Table *t, Error *err)
{
    for (int i = 0; i < t->nfields; i++) {
        Field *f = &t->fields[i];
        if (f->type == FT_REF) {
            const Table *target = registry_find(f->ref);
            if (!target)
                return err_set(err, ERR_INTERNAL, NULL, "%s.%s refers to unknown table %s", t->name, f->name, f->ref);
            if (t->res->global && !target->res->global)
                return err_set(err, ERR_INTERNAL, NULL, "global table %s may not refer to tenant table %s",
                               t->name, target->name);
            t->refs[i] = target;
        }
        if (f->type == FT_MONEY && f->currency) {
            int c = table_col(t, f->currency);
            if (c < 0)
                return err_set(err, ERR_INTERNAL, NULL, "%s.%s: currency field %s missing", t->name, f->name,
                               f->currency);
            t->currency_col[i] = c;
        }
    }
    t->parent_col = -1;
    t->segment = t->res->segment ? t->res->segment : t->name;
    if (t->res->parent) {
        t->parent = registry_find(t->res->parent);
        t->parent_col = t->res->parent_field ? table_col(t, t->res->parent_field) : -1;
        if (!t->parent || t->parent_col < 0)
            return err_set(err, ERR_INTERNAL, NULL, "%s: bad parent declaration", t->name);
    }
    return 0;
}

int registry_init(Error *err)
{
    if (tables)
        return 0;
    int n = (int)(__stop_remit_resources - __start_remit_resources);
    /* Dependency order: repeatedly take the resources whose references are all placed. */
    const Resource **order = calloc((size_t)n + 1, sizeof *order);
    bool *placed = calloc((size_t)n + 1, sizeof *placed);
    if (!order || !placed) {
        free(order);
        free(placed);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    int done = 0;
    while (done < n) {
        int progress = 0;
        for (int i = 0; i < n; i++) {
            const Resource *r = __start_remit_resources[i];
            if (placed[i])
                continue;
            /* every tenant table refers to tenants(id) */
            bool ready = r->global;
            for (int j = 0; j < done && !ready; j++)
                if (strcmp(order[j]->name, "tenants") == 0)
                    ready = true;
            for (int f = 0; f < r->nfields && ready; f++) {
                const char *ref = r->fields[f].type == FT_REF ? r->fields[f].ref : NULL;
                if (!ref || strcmp(ref, r->name) == 0)
                    continue;
                if (!find_resource(ref)) {
                    free(order);
                    free(placed);
                    return err_set(err, ERR_INTERNAL, NULL, "%s.%s refers to unknown table %s", r->name,
                                   r->fields[f].name, ref);
                }
                bool found = false;
                for (int j = 0; j < done; j++)
                    if (strcmp(order[j]->name, ref) == 0)
                        found = true;
                ready = found;
            }
            if (ready) {
                order[done++] = r;
                placed[i] = true;
                progress++;
            }
        }
        if (!progress) {
            free(order);
            free(placed);
            return err_set(err, ERR_INTERNAL, NULL, "tables refer to each other in a cycle");
        }
    }
    free(placed);
    tables = calloc((size_t)n + 1, sizeof *tables);
    if (!tables) {
        free(order);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    ntables = n;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(order[j]->name, order[i]->name) == 0)
                rc = err_set(err, ERR_INTERNAL, NULL, "table %s is declared twice", order[i]->name);
        if (rc == 0)
            rc = compile(&tables[i], order[i], err);
        tables[i].order = i;
    }
    free(order);
    for (int i = 0; i < n && rc == 0; i++)
        rc = resolve(&tables[i], err);
    if (rc < 0)
        registry_free();
    return rc;
}

void registry_free(void)
{
    for (int i = 0; i < ntables; i++) {
        free(tables[i].fields);
        free(tables[i].refs);
        free(tables[i].currency_col);
        free(tables[i].by_name);
        free(tables[i].select_list);
        free(tables[i].sql_select);
    }
    free(tables);
    tables = NULL;
    ntables = 0;
}

int registry_count(void) { return ntables; }
const Table *registry_at(int i) { return (i >= 0 && i < ntables) ? &tables[i] : NULL; }

const Table *registry_findn(const char *name, size_t len)
{
    for (int i = 0; i < ntables; i++)
        if (strlen(tables[i].name) == len && memcmp(tables[i].name, name, len) == 0)
            return &tables[i];
    return NULL;
}

const Table *registry_find(const char *name)
{
    return registry_findn(name, strlen(name));
}

int table_coln(const Table *t, const char *name, size_t len)
{
    for (int i = 0; i < t->nfields; i++)
        if (strlen(t->fields[i].name) == len && memcmp(t->fields[i].name, name, len) == 0)
            return i;
    return -1;
}

int table_col(const Table *t, const char *name)
{
    return table_coln(t, name, strlen(name));
}

bool table_is_global(const Table *t) { return t->res->global; }

void table_set_hooks(const char *name, const Hooks *h)
{
    Table *t = (Table *)registry_find(name);
    if (t)
        t->hooks = h;
}

void table_add_action(const char *name, const Action *a)
{
    Table *t = (Table *)registry_find(name);
    if (t && t->nactions < (int)(sizeof t->actions / sizeof t->actions[0]))
        t->actions[t->nactions++] = a;
}

const Action *table_find_action(const Table *t, const char *verb, size_t len, bool collection)
{
    for (int i = 0; i < t->nactions; i++) {
        const Action *a = t->actions[i];
        if (a->collection == collection && strlen(a->verb) == len && memcmp(a->verb, verb, len) == 0)
            return a;
    }
    return NULL;
}

const Table *table_find_child(const Table *parent, const char *segment)
{
    for (int i = 0; i < ntables; i++)
        if (tables[i].parent == parent &&
            (strcmp(tables[i].segment, segment) == 0 || strcmp(tables[i].name, segment) == 0))
            return &tables[i];
    return NULL;
}

/* ---- rows ---- */

int row_init(Row *out, Ctx *ctx, const Table *t)
{
    out->t = t;
    out->extra = NULL;
    out->v = ARENA_ARRAY(ctx->arena, Value, t->nfields);
    out->set = ARENA_ARRAY(ctx->arena, unsigned char, t->nfields);
    if (!out->v || !out->set)
        return err_set(NULL, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; i < t->nfields; i++)
        out->v[i] = val_null();
    return 0;
}

Value row_get(const Row *r, const char *field)
{
    int c = table_col(r->t, field);
    return c < 0 ? val_null() : r->v[c];
}

bool row_is_null(const Row *r, const char *field)
{
    return row_get(r, field).kind == V_NULL;
}

const char *row_text(const Row *r, const char *field)
{
    Value v = row_get(r, field);
    return v.kind == V_TEXT ? v.s : NULL;
}

int64_t row_int(const Row *r, const char *field)
{
    Value v = row_get(r, field);
    if (v.kind == V_INT || v.kind == V_BOOL)
        return v.i;
    if (v.kind == V_TEXT)
        return strtoll(v.s, NULL, 10);
    return 0;
}

void row_set(Row *r, const char *field, Value v)
{
    int c = table_col(r->t, field);
    if (c >= 0) {
        r->v[c] = v;
        r->set[c] = 1;
    }
}

void row_set_text(Ctx *ctx, Row *r, const char *field, const char *s)
{
    row_set(r, field, s ? val_text(arena_strdup(ctx->arena, s)) : val_null());
}

void row_set_int(Row *r, const char *field, int64_t v)
{
    row_set(r, field, val_int(v));
}

void row_copy(Ctx *ctx, Row *dst, const Row *src)
{
    row_init(dst, ctx, src->t);
    for (int i = 0; i < src->t->nfields; i++) {
        Value v = src->v[i];
        if (v.kind == V_TEXT)
            v.s = arena_strndup(ctx->arena, v.s, v.len);
        dst->v[i] = v;
    }
}

/* ---- endpoints ---- */

static const Endpoint *endpoints[128];
static int nendpoints;

void registry_add_endpoint(const Endpoint *e)
{
    if (nendpoints < (int)(sizeof endpoints / sizeof endpoints[0]))
        endpoints[nendpoints++] = e;
}

int registry_endpoint_count(void) { return nendpoints; }
const Endpoint *registry_endpoint_at(int i) { return (i >= 0 && i < nendpoints) ? endpoints[i] : NULL; }

const Endpoint *registry_match_endpoint(const char *method, const char *const *seg, int nseg, const char **params,
                                        int *nparams)
{
    for (int i = 0; i < nendpoints; i++) {
        const Endpoint *e = endpoints[i];
        bool head = strcmp(method, "HEAD") == 0 && strcmp(e->method, "GET") == 0;
        if (strcmp(e->method, method) != 0 && !head)
            continue;
        const char *p = e->path;
        int k = 0, np = 0;
        bool ok = true;
        while (*p && ok) {
            const char *end = strchr(p, '/');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (k >= nseg)
                ok = false;
            else if (len > 2 && p[0] == '{' && p[len - 1] == '}') {
                if (np < 4)
                    params[np++] = seg[k];
            } else if (strlen(seg[k]) != len || memcmp(seg[k], p, len) != 0)
                ok = false;
            k++;
            p += len + (end ? 1 : 0);
        }
        if (ok && k == nseg) {
            *nparams = np;
            return e;
        }
    }
    return NULL;
}
