/* model/registry.h — the resource registry: every table declared once, in C.
 *
 * A module declares a table with RESOURCE(name) { .fields = ..., ... }; the
 * linker collects the declarations (section "remit_resources"), and
 * registry_init() compiles each into a Table: implicit system columns added,
 * references resolved, tables ordered so that a table comes after those it
 * references. From that one declaration come the DDL of both dialects and the
 * additive migrations (ddl.c, migrate.c), JSON decoding and validation
 * (codec.c), the generic list/get/create/update/delete (crud.c, api/), tenant
 * scoping, soft delete, audit, permissions (perm.c) and the OpenAPI document.
 *
 * Business rules are not here: domain/ attaches Hooks and Actions to tables at
 * start-up (table_set_hooks, table_add_actions), so includes still point down.
 *
 * Storage representation (the same in both dialects, so SQL is portable):
 * money = int64 minor units of the row's currency; decimal(s) = int64 scaled
 * by 10^s; bool = boolean/integer; date = date/"YYYY-MM-DD"; timestamp =
 * timestamptz/"YYYY-MM-DDTHH:MM:SS.ffffffZ"; uuid = uuid/text; json = jsonb/text.
 */
#ifndef REMIT_MODEL_REGISTRY_H
#define REMIT_MODEL_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

typedef enum FieldType {
    FT_UUID, FT_TEXT, FT_EMAIL, FT_ENUM, FT_BOOL, FT_INT, FT_DECIMAL, FT_MONEY, FT_DATE, FT_TIMESTAMP,
    FT_JSON, FT_REF, FT__COUNT
} FieldType;

/* Field flags. */
enum {
    REQUIRED      = 1u << 0,   /* must be given on create, never null */
    UNIQUE        = 1u << 1,   /* unique in the whole table (global tables) */
    UNIQUE_TENANT = 1u << 2,   /* unique within a tenant */
    READONLY      = 1u << 3,   /* computed by the server: refused in input */
    SECRET        = 1u << 4,   /* never returned */
    FILTER        = 1u << 5,   /* allowed in ?field=... */
    SORT          = 1u << 6,   /* allowed in ?order= */
    INDEX         = 1u << 7,   /* indexed (with tenant_id first) */
    IMMUTABLE     = 1u << 8,   /* settable on create only */
    NONNEG        = 1u << 9,   /* int, decimal, money: >= 0 */
    SEARCH        = 1u << 10,  /* matched by ?q= (text fields) */
    CASCADE       = 1u << 11,  /* reference: deleting the referenced row deletes this one */
    INTERNAL      = 1u << 12,  /* not part of the API at all */
};

typedef struct Field {
    const char *name;
    FieldType type;
    unsigned flags;
    int size;                    /* text: max characters; decimal: scale */
    const char *const *values;   /* enum: NULL-terminated list */
    const char *currency;        /* money: name of the field with its currency code; NULL = tenant's */
    const char *ref;             /* reference: target table */
    const char *def;             /* default, in JSON text form ("30", "true", "draft") */
    const char *doc;             /* one line for the OpenAPI document */
    int64_t min, max;            /* int: range, when min < max */
} Field;

#define F_UUID(n, fl, ...)       {.name = (n), .type = FT_UUID, .flags = (fl), __VA_ARGS__}
#define F_TEXT(n, len, fl, ...)  {.name = (n), .type = FT_TEXT, .size = (len), .flags = (fl), __VA_ARGS__}
#define F_EMAIL(n, fl, ...)      {.name = (n), .type = FT_EMAIL, .size = 254, .flags = (fl), __VA_ARGS__}
#define F_ENUM(n, vals, fl, ...) {.name = (n), .type = FT_ENUM, .values = (vals), .flags = (fl), __VA_ARGS__}
#define F_BOOL(n, fl, ...)       {.name = (n), .type = FT_BOOL, .flags = (fl), __VA_ARGS__}
#define F_INT(n, fl, ...)        {.name = (n), .type = FT_INT, .flags = (fl), __VA_ARGS__}
#define F_DEC(n, scale, fl, ...) {.name = (n), .type = FT_DECIMAL, .size = (scale), .flags = (fl), __VA_ARGS__}
#define F_MONEY(n, cur, fl, ...) {.name = (n), .type = FT_MONEY, .currency = (cur), .flags = (fl), __VA_ARGS__}
#define F_DATE(n, fl, ...)       {.name = (n), .type = FT_DATE, .flags = (fl), __VA_ARGS__}
#define F_TS(n, fl, ...)         {.name = (n), .type = FT_TIMESTAMP, .flags = (fl), __VA_ARGS__}
#define F_JSON(n, fl, ...)       {.name = (n), .type = FT_JSON, .flags = (fl), __VA_ARGS__}
#define F_REF(n, tbl, fl, ...)   {.name = (n), .type = FT_REF, .ref = (tbl), .flags = (fl), __VA_ARGS__}
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct Resource {
    const char *name;            /* table name = URL segment, plural snake_case */
    const char *doc;
    const Field *fields;
    int nfields;
    bool global;                 /* shared by all tenants (reference table): no tenant_id */
    bool soft_delete;            /* DELETE sets deleted_at; lists hide deleted rows */
    bool audited;                /* writes leave audit_logs rows */
    bool internal;               /* not served by the generic API */
    bool no_create, no_update, no_delete;   /* generic writes disabled (actions do them) */
    Role read, write;            /* minimum built-in role for reading / writing */
    const char *parent;          /* sub-resource of this table ... */
    const char *parent_field;    /* ... through this reference field */
    const char *segment;         /* a sub-resource's URL segment under its parent ("line_items" in
                                  * /api/v1/invoices/{id}/line_items); default: its name */
    const char *const *indexes;  /* extra indexes: "customer_id,invoice_date" (tenant_id is added first),
                                  * or partial: "customer_id,usage_date WHERE billed_at IS NULL" */
    const char *const *uniques;  /* extra composite unique keys, per tenant: "customer_id,code" */
    const char *const *unindexed;  /* columns that get no automatic index although a reference, a filter or a
                                    * system column would give them one (a derived table's created_by, created_at,
                                    * and references nobody looks rows up by): each index is one more B-tree
                                    * written per row. Their foreign keys stay; filtering on them scans. */
    const char *default_order;   /* e.g. "-invoice_date"; default "-id" (newest first) */
} Resource;

#define RESOURCE(var)                                                                           \
    static const Resource var;                                                                  \
    __attribute__((used, section("remit_resources"))) static const Resource *const var##_entry = &var; \
    static const Resource var =

/* ---- the compiled form ---------------------------------------------------------------- */

typedef struct Table Table;
typedef struct Row {
    const Table *t;
    Value *v;                    /* one per field of t */
    unsigned char *set;          /* which fields the input gave */
    void *extra;                 /* what a table's extra_input hook took from the input (e.g. an invoice's
                                  * "lines"), for its other hooks in the same write; NULL otherwise */
} Row;

typedef struct ActionResult {
    int status;                  /* 200 by default */
    json_t *json;                /* a JSON body (owned: the api layer decrefs it) ... */
    const char *bytes;           /* ... or raw bytes (arena-owned) */
    size_t nbytes;
    const char *content_type;
    const char *filename;        /* Content-Disposition for downloads */
} ActionResult;

/* What an action or endpoint receives besides the context. */
typedef struct ActionIn {
    const char *id;              /* the row id; NULL for collection actions and endpoints */
    json_t *body;                /* JSON body of a POST (an object, possibly empty); NULL for GET */
    const unsigned char *raw;    /* the raw body (uploads, CSV imports) */
    size_t raw_len;
    const char *content_type;    /* of the raw body, as the client sent it */
    const char *params[4];       /* an endpoint's {path} parameters, in order */
    int nparams;
    const char *(*arg)(void *req, const char *name);   /* a query-string argument, NULL if absent */
    void *req;
} ActionIn;

static inline const char *action_arg(const ActionIn *in, const char *name)
{
    return in->arg ? in->arg(in->req, name) : NULL;
}

typedef struct Hooks {
    /* Decoded input, before the write (create: old == NULL). Computes server fields, enforces rules. */
    int (*before_write)(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err);
    /* In the same transaction, after the row is written. */
    int (*after_write)(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err);
    int (*before_delete)(Ctx *ctx, const Table *t, const Row *old, Error *err);
    /* An input key that is not a field (e.g. an invoice's "lines"): return 1 if taken, 0 if not. */
    int (*extra_input)(Ctx *ctx, const Table *t, Row *row, const char *key, json_t *value, Error *err);
    /* Adds to a row's JSON on output (e.g. embedded lines, computed balances). */
    int (*decorate)(Ctx *ctx, const Table *t, const Row *row, json_t *obj, Error *err);
} Hooks;

typedef struct Action {
    const char *verb;            /* URL segment */
    const char *method;          /* "POST" or "GET" */
    bool collection;             /* /api/v1/<table>/<verb> instead of /api/v1/<table>/{id}/<verb> */
    bool write;                  /* runs in a write transaction */
    Role role;                   /* minimum role; 0 = the table's write (or read for GET) role */
    const char *permission;      /* permission codename; NULL = "<table>.write" / "<table>.read" */
    int (*run)(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err);
    const char *doc;
    size_t body_max;             /* body cap for this action (uploads); 0 = the server's default */
    bool raw_body;               /* the body is not JSON: passed as in->raw */
} Action;

/* An endpoint that is not a table's: /api/v1/<path>, where path segments may be {params}
 * ("billing/preview", "reports/aging", "customers/{id}/statement.csv"). Registered by domain/ at
 * start-up; checked before the tables. */
typedef struct Endpoint {
    const char *method;          /* "GET" or "POST" */
    const char *path;
    bool write;                  /* runs in a write transaction */
    Role role;                   /* minimum built-in role */
    const char *permission;      /* codename; NULL = role only */
    int (*run)(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err);
    const char *doc;
    size_t body_max;
    bool raw_body;
    bool public;                 /* no token: the handler runs without a transaction (ctx->conn NULL)
                                  * and opens its own through ctx->store; rate-limited per client IP */
    bool own_tx;                 /* long work committed in parts (a bill run): the request's transaction
                                  * (session, Idempotency-Key) commits before the handler runs, which
                                  * gets ctx->conn outside a transaction and begins and commits its own */
} Endpoint;

void registry_add_endpoint(const Endpoint *e);
int  registry_endpoint_count(void);
const Endpoint *registry_endpoint_at(int i);
/* Matches method + path segments; fills params. */
const Endpoint *registry_match_endpoint(const char *method, const char *const *seg, int nseg, const char **params,
                                        int *nparams);

struct Table {
    const Resource *res;
    const char *name;
    Field *fields;               /* declared fields plus the implicit system columns */
    int nfields;
    int col_id, col_version, col_created_by, col_created_at, col_updated_at, col_deleted_at;
    const Table **refs;          /* per field: the referenced table, or NULL */
    int *currency_col;           /* per field: the column holding a money field's currency, or -1 */
    int *by_name;                /* the columns in bytewise order of their names: the key order of
                                  * JSON_SORT_KEYS, which the audit's canonical JSON follows */
    const Table *parent;
    int parent_col;
    const char *segment;         /* URL segment of a sub-resource (res->segment or name) */
    char *select_list;           /* "id, name, ..." */
    char *sql_select;            /* "SELECT <select_list> FROM <name>", built once */
    const Hooks *hooks;
    const Action *actions[16];
    int nactions;
    int order;                   /* position in dependency order */
};

int  registry_init(Error *err);
void registry_free(void);
int  registry_count(void);
const Table *registry_at(int i);             /* dependency order: referenced tables first */
const Table *registry_find(const char *name);
const Table *registry_findn(const char *name, size_t len);
int  table_col(const Table *t, const char *name);          /* -1 if none */
int  table_coln(const Table *t, const char *name, size_t len);
bool table_is_global(const Table *t);
void table_set_hooks(const char *table, const Hooks *h);
void table_add_action(const char *table, const Action *a);
const Action *table_find_action(const Table *t, const char *verb, size_t len, bool collection);
/* The sub-resource of parent addressed by a URL segment (its segment, or its table name); NULL if none. */
const Table *table_find_child(const Table *parent, const char *segment);
const char *field_type_name(FieldType t);
/* Can this name a table (field NULL) or a field of table, unquoted, in both dialects: lower-case
 * letters, digits and _, not an SQL reserved word, not a system column, and short enough for the
 * names derived from it (PostgreSQL: 63 characters)? registry_init() refuses tables that break it. */
bool registry_name_ok(const char *table, const char *field);

/* Rows */
int  row_init(Row *out, Ctx *ctx, const Table *t);
Value row_get(const Row *r, const char *field);
const char *row_text(const Row *r, const char *field);   /* NUL-terminated copy in the arena, NULL if null */
int64_t row_int(const Row *r, const char *field);         /* 0 if null */
bool row_is_null(const Row *r, const char *field);
void row_set(Row *r, const char *field, Value v);          /* marks it set */
void row_set_text(Ctx *ctx, Row *r, const char *field, const char *s);   /* copies into the arena */
void row_set_int(Row *r, const char *field, int64_t v);
void row_copy(Ctx *ctx, Row *dst, const Row *src);

#endif
