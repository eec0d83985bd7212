/* domain/csv_import.c — the customer and service imports;
 * see csv_import.h. Exports csv_import_init. Records are read by core/csv.c.
 *
 * Each row becomes a JSON object and goes through crud_create, so it meets
 * exactly the rules of POST /api/v1/<table> (GSTIN checks, unique codes,
 * client-type payment terms...). Each row runs inside a savepoint, so a row
 * that fails in the database (a duplicate code) is undone alone and the
 * transaction goes on (PostgreSQL aborts a transaction on any failed
 * statement otherwise); the whole file runs inside another savepoint, rolled
 * back for a dry run. A row that fails for a server reason (the database
 * went away) fails the request: the report only holds the rows' own errors.
 */
#include "domain/csv_import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "domain/domain.h"
#include "model/crud.h"

/* The next record; a broken file is reported on the field "file". */
static int csv_record(CsvReader *r, Arena *a, char ***fields, int *n, Error *err)
{
    int rc = csv_next(r, a, fields, n, err);
    if (rc < 0 && err && !err->field[0])
        snprintf(err->field, sizeof err->field, "file");
    return rc;
}

/* ---- the import ---- */

typedef struct Alias {
    const char *table, *column;      /* the CSV column ... */
    const char *field;               /* ... fills this reference ... */
    const char *lookup;              /* ... by this query on the column's value */
} Alias;

static const Alias aliases[] = {
    {"customers", "client_type", "client_type_id", "SELECT id FROM client_types WHERE tenant_id = $1 AND code = $2"},
    {"customers", "account_manager", "account_manager_id",
     "SELECT id FROM account_managers WHERE tenant_id = $1 AND email = $2"},
    {"services", "category", "category_id", "SELECT id FROM service_categories WHERE tenant_id = $1 AND name = $2"},
};

typedef struct Col {
    int field;             /* column of the table, or -1 */
    const Alias *alias;
    const char *name;
} Col;

static int savepoint(Ctx *ctx, const char *sql, Error *err)
{
    return store_exec_script(ctx->conn, sql, err);
}

static bool truthy(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "y", "1"}, *const no[] = {"false", "no", "n", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* One cell as the JSON value its field takes; ERR_TYPE naming the field. */
static int cell(Ctx *ctx, const Table *t, const Col *c, const char *s, json_t *obj, Error *err)
{
    if (c->alias) {
        Value p[1] = {val_text(s)};
        Rows r;
        int rc = store_query(ctx->conn, &r, c->alias->lookup, p, 1, err);
        if (rc < 0)
            return rc;
        const char *id = NULL;
        if (rows_next(&r)) {
            Value v = rows_get(&r, 0);
            id = v.kind == V_TEXT ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
        }
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
        if (!id)
            return err_set(err, ERR_REFERENCE, c->name, "%s %s does not exist", c->name, s);
        json_object_set_new(obj, c->alias->field, json_string(id));
        return 0;
    }
    const Field *f = &t->fields[c->field];
    json_t *v = NULL;
    switch (f->type) {
    case FT_INT: {
        char *end = NULL;
        long long x = strtoll(s, &end, 10);
        if (!*s || *end)
            return err_set(err, ERR_TYPE, f->name, "%s must be an integer", f->name);
        v = json_integer(x);
        break;
    }
    case FT_BOOL: {
        bool b;
        if (!truthy(s, &b))
            return err_set(err, ERR_TYPE, f->name, "%s must be true or false", f->name);
        v = json_boolean(b);
        break;
    }
    case FT_JSON:
        v = json_loads(s, JSON_DECODE_ANY, NULL);
        if (!v)
            return err_set(err, ERR_INVALID, f->name, "%s is not valid JSON", f->name);
        break;
    default:
        v = json_string(s);
    }
    json_object_set_new(obj, f->name, v);
    return 0;
}

static bool arg_flag(const ActionIn *in, const char *name, bool *out, Error *err)
{
    const char *v = action_arg(in, name);
    *out = false;
    if (!v)
        return true;
    if (strcmp(v, "true") == 0)
        *out = true;
    else if (strcmp(v, "false") != 0) {
        err_set(err, ERR_BAD_QUERY, name, "%s must be true or false", name);
        return false;
    }
    return true;
}

static int import(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    bool skip, dry;
    if (!arg_flag(in, "skip_errors", &skip, err) || !arg_flag(in, "dry_run", &dry, err))
        return -ERR_BAD_QUERY;
    if (in->content_type && strncmp(in->content_type, "application/json", 16) == 0)
        return err_set(err, ERR_MEDIA_TYPE, NULL, "send the CSV file itself (text/csv), not JSON");
    if (!in->raw || in->raw_len == 0)
        return err_set(err, ERR_INVALID, "file", "the file is empty: send a CSV with a header row");
    CsvReader rd;
    char **head;
    int nh;
    csv_init(&rd, (const char *)in->raw, in->raw_len, ',');
    int rc = csv_record(&rd, ctx->arena, &head, &nh, err);
    if (rc <= 0)
        return rc < 0 ? rc : err_set(err, ERR_INVALID, "file", "the file is empty: send a CSV with a header row");
    Col *cols = ARENA_ARRAY(ctx->arena, Col, nh);
    if (!cols)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    for (int i = 0; i < nh; i++) {
        char *name = head[i];
        while (*name == ' ')
            name++;
        for (char *p = name + strlen(name); p > name && p[-1] == ' ';)
            *--p = '\0';
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        cols[i] = (Col){.field = -1, .name = name};
        for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++)
            if (strcmp(aliases[a].table, t->name) == 0 && strcmp(aliases[a].column, name) == 0)
                cols[i].alias = &aliases[a];
        if (!cols[i].alias) {
            int c = table_col(t, name);
            if (c < 0 || (t->fields[c].flags & (READONLY | INTERNAL)))
                return err_set(err, ERR_UNKNOWN_FIELD, "header", "column %s is not a field of %s that can be imported",
                               name[0] ? name : "(empty)", t->name);
            cols[i].field = c;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(cols[j].name, name) == 0)
                return err_set(err, ERR_INVALID, "header", "column %s is named twice", name);
    }
    rc = savepoint(ctx, "SAVEPOINT csv_import", err);
    if (rc < 0)
        return rc;
    json_t *errors = json_array();
    int rows = 0, imported = 0, bad = 0;
    char **f;
    int nf;
    while (rc == 0) {
        Error e;
        err_clear(&e);
        int got = csv_record(&rd, ctx->arena, &f, &nf, &e);
        int line = rd.line;
        if (got == 0)
            break;
        if (got < 0) {   /* the file itself is broken from here on */
            json_array_append_new(errors, json_pack("{s:i, s:s, s:s, s:s}", "row", line, "field", "file", "code",
                                                    err_name(e.code), "message", e.message));
            bad++;
            break;
        }
        bool blank = true;
        for (int i = 0; i < nf; i++)
            blank &= f[i][0] == '\0';
        if (blank)
            continue;
        rows++;
        int rrc = 0;
        if (nf != nh)
            rrc = err_set(&e, ERR_INVALID, NULL, "the row has %d fields, the header %d", nf, nh);
        json_t *obj = json_object();
        for (int i = 0; rrc == 0 && i < nh; i++)
            if (f[i][0])
                rrc = cell(ctx, t, &cols[i], f[i], obj, &e);
        if (rrc == 0) {
            rc = savepoint(ctx, "SAVEPOINT csv_row", err);
            if (rc < 0) {
                json_decref(obj);
                break;
            }
            Row row;
            rrc = crud_create(ctx, t, obj, NULL, &row, &e);
            rc = savepoint(ctx, rrc == 0 ? "RELEASE SAVEPOINT csv_row"
                                         : "ROLLBACK TO SAVEPOINT csv_row; RELEASE SAVEPOINT csv_row",
                           err);
        }
        json_decref(obj);
        if (rc == 0 && rrc < 0 && err_http_status(e.code) >= 500) {
            *err = e;
            rc = rrc;
        }
        if (rc < 0)
            break;
        if (rrc == 0) {
            imported++;
        } else {
            bad++;
            if (json_array_size(errors) < 1000)
                json_array_append_new(errors, json_pack("{s:i, s:s?, s:s, s:s}", "row", line, "field",
                                                        e.field[0] ? e.field : NULL, "code", err_name(e.code),
                                                        "message", e.message));
        }
    }
    if (rc < 0) {
        json_decref(errors);
        return rc;
    }
    bool refuse = bad > 0 && !skip;
    if (dry || refuse)
        rc = savepoint(ctx, "ROLLBACK TO SAVEPOINT csv_import; RELEASE SAVEPOINT csv_import", err);
    else
        rc = savepoint(ctx, "RELEASE SAVEPOINT csv_import", err);
    if (rc < 0) {
        json_decref(errors);
        return rc;
    }
    json_t *o = json_pack("{s:i, s:i, s:i, s:b, s:o}", "rows", rows, "imported", (dry || refuse) ? 0 : imported,
                          "rejected", bad, "dry_run", dry, "errors", errors);
    if (dry)
        json_object_set_new(o, "would_import", json_integer(refuse ? 0 : imported));
    if (refuse) {
        out->status = 422;
        json_object_set_new(o, "error",
                            json_pack("{s:s, s:s, s:s}", "code", "invalid", "field", "file", "message",
                                      "rows of the file have errors: nothing was imported (see errors; "
                                      "?skip_errors=true imports the other rows)"));
    }
    out->json = o;
    return 0;
}

static const Action customers_import = {
    .verb = "import", .method = "POST", .collection = true, .write = true, .run = import, .raw_body = true,
    .body_max = 16 * 1024 * 1024,
    .doc = "Imports customers from a CSV file (header row of field names; client_type and account_manager by code "
           "and email); ?skip_errors=true, ?dry_run=true",
};
static const Action services_import = {
    .verb = "import", .method = "POST", .collection = true, .write = true, .run = import, .raw_body = true,
    .body_max = 16 * 1024 * 1024,
    .doc = "Imports services from a CSV file (header row of field names; category by name); ?skip_errors=true, "
           "?dry_run=true",
};

void csv_import_init(void)
{
    table_add_action("customers", &customers_import);
    table_add_action("services", &services_import);
}
