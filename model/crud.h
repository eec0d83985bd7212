/* model/crud.h — the generic list/get/create/update/delete for every table.
 *
 * All functions work inside the caller's transaction (ctx->conn), scoped to
 * ctx's tenant by the store. Writes run the table's hooks, check references
 * (ERR_REFERENCE naming the field, also for another tenant's ids) and write the
 * audit record in the same transaction.
 */
#ifndef REMIT_MODEL_CRUD_H
#define REMIT_MODEL_CRUD_H

#include "model/registry.h"

typedef enum FilterOp { OP_EQ, OP_NE, OP_GT, OP_GTE, OP_LT, OP_LTE, OP_IN, OP_LIKE, OP_NULL } FilterOp;

typedef struct Filter {
    int col;
    FilterOp op;
    Value v;                  /* OP_IN: values in vs[] */
    Value *vs;
    int nvs;
} Filter;

typedef struct OrderKey { int col; bool desc; } OrderKey;

#define LIST_MAX_FILTERS 32
#define LIST_MAX_ORDER 4
#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT 500

typedef struct ListQuery {
    Filter filters[LIST_MAX_FILTERS];
    int nfilters;
    OrderKey order[LIST_MAX_ORDER + 1];   /* id is always the last key */
    int norder;
    char order_text[256];
    int limit;
    const char *cursor;
    const char *q;            /* search text over SEARCH fields */
    const char *parent_id;    /* sub-resource lists */
} ListQuery;

/* Parses one query-string argument ("status", "total[gte]", "order", "limit", "cursor", "q").
 * Unknown or undeclared fields and bad values: ERR_BAD_QUERY naming the argument. */
int  list_query_init(ListQuery *q, const Table *t, Error *err);
int  list_query_arg(Ctx *ctx, ListQuery *q, const Table *t, const char *key, const char *value, Error *err);
int  list_query_finish(Ctx *ctx, ListQuery *q, const Table *t, Error *err);

/* Runs the list. *out_data is a new JSON array; *next_cursor is NULL at the end (arena string). */
int  crud_list(Ctx *ctx, const Table *t, const ListQuery *q, json_t **out_data, const char **next_cursor,
               Error *err);
/* Same, calling fn for each row instead of building JSON (exports, reports). */
int  crud_list_rows(Ctx *ctx, const Table *t, const ListQuery *q, int (*fn)(Ctx *, const Row *, void *), void *arg,
                    const char **next_cursor, Error *err);

int  crud_get(Ctx *ctx, const Table *t, const char *id, bool for_update, Row *out, Error *err);
/* Creates from a JSON body; parent_id sets the parent reference of a sub-resource. */
int  crud_create(Ctx *ctx, const Table *t, json_t *body, const char *parent_id, Row *out, Error *err);
/* if_match < 0: no precondition. */
int  crud_update(Ctx *ctx, const Table *t, const char *id, json_t *body, int64_t if_match, const char *parent_id,
                 Row *out, Error *err);
int  crud_delete(Ctx *ctx, const Table *t, const char *id, int64_t if_match, const char *parent_id, Error *err);

/* For domain code: write a row built in C (hooks are NOT run; references ARE checked; audited). */
int  crud_insert_row(Ctx *ctx, const Table *t, Row *row, Error *err);
int  crud_update_row(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err);
/* The same, recording `action` ("finalize", "password_reset") in the audit trail instead of "update". */
int  crud_update_row_as(Ctx *ctx, const Table *t, Row *row, const Row *old, const char *action, Error *err);
int  crud_delete_row(Ctx *ctx, const Table *t, const Row *old, Error *err);
/* Checks every set, non-null reference of row. */
int  crud_check_refs(Ctx *ctx, const Table *t, const Row *row, Error *err);

#endif
