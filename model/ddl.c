/* model/ddl.c — derives CREATE TABLE, ADD COLUMN, indexes and row-level
 * security from the registry, for SQLite and PostgreSQL.
 * Exports ddl_create_table, ddl_add_column, ddl_column, ddl_indexes, ddl_rls.
 *
 * Distributable schema (DESIGN.md, Citus): every tenant table has tenant_id
 * first in its primary key (tenant_id, id), in every unique index and in every
 * foreign key to another tenant table, on both sides. Global tables are
 * reference tables: tenant tables may point at them, never the reverse.
 * Names: unique indexes "<table>__<cols>_key", foreign keys
 * "<table>__<col>_fkey", plain indexes "<table>__<cols>_idx" — the store turns
 * a violated name back into the field it names.
 */
#include "model/ddl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *sql_type(const Field *f, Dialect d)
{
    bool pg = d == DIALECT_POSTGRES;
    switch (f->type) {
    case FT_UUID:
    case FT_REF: return pg ? "uuid" : "TEXT";
    case FT_BOOL: return pg ? "boolean" : "INTEGER";
    case FT_INT:
    case FT_DECIMAL:
    case FT_MONEY: return pg ? "bigint" : "INTEGER";
    case FT_DATE: return pg ? "date" : "TEXT";
    case FT_TIMESTAMP: return pg ? "timestamptz" : "TEXT";
    case FT_JSON: return pg ? "jsonb" : "TEXT";
    default: return pg ? "text" : "TEXT";
    }
}

/* A default as an SQL literal. Defaults are declared in the code, never user input. */
static void default_literal(Buf *b, const Field *f, Dialect d)
{
    const char *v = f->def;
    switch (f->type) {
    case FT_BOOL:
        if (d == DIALECT_POSTGRES)
            buf_puts(b, strcmp(v, "true") == 0 ? "true" : "false");
        else
            buf_puts(b, strcmp(v, "true") == 0 ? "1" : "0");
        return;
    case FT_INT:
        buf_puts(b, v);
        return;
    case FT_DECIMAL:
    case FT_MONEY:
        buf_puts(b, "0");   /* declared defaults for amounts are zero */
        return;
    case FT_JSON:
        buf_putc(b, '\'');
        for (const char *p = v; *p; p++)
            buf_append(b, *p == '\'' ? "''" : p, *p == '\'' ? 2 : 1);
        buf_putc(b, '\'');
        return;
    default:
        buf_putc(b, '\'');
        for (const char *p = v; *p; p++)
            buf_append(b, *p == '\'' ? "''" : p, *p == '\'' ? 2 : 1);
        buf_putc(b, '\'');
    }
}

void ddl_column(Buf *b, const Table *t, int col, Dialect d, bool adding)
{
    const Field *f = &t->fields[col];
    buf_printf(b, "%s %s", f->name, sql_type(f, d));
    bool not_null = (f->flags & REQUIRED) || f->def || col == t->col_id || col == t->col_version ||
                    col == t->col_created_at || col == t->col_updated_at;
    if (f->def) {
        buf_puts(b, " DEFAULT ");
        default_literal(b, f, d);
    } else if (adding && col == t->col_version) {
        buf_puts(b, " DEFAULT 1");
    } else if (adding && not_null) {
        not_null = false;   /* cannot add NOT NULL without a default to a table with rows */
    }
    if (not_null)
        buf_puts(b, " NOT NULL");
    if ((f->flags & NONNEG) && (f->type == FT_INT || f->type == FT_DECIMAL || f->type == FT_MONEY))
        buf_printf(b, " CHECK (%s >= 0)", f->name);
    /* SQLite can only add a reference column inline, and only a single-column one; a composite
     * (tenant_id, col) key on an added column is left to the model's reference check. */
    if (adding && d == DIALECT_SQLITE && t->refs[col] && t->refs[col]->res->global)
        buf_printf(b, " REFERENCES %s(id)", t->refs[col]->name);
}

static void foreign_key(Buf *b, const Table *t, int col, Dialect d)
{
    const Field *f = &t->fields[col];
    const Table *r = t->refs[col];
    const char *on_delete = (f->flags & CASCADE) ? " ON DELETE CASCADE" : "";
    if (!t->res->global && !r->res->global)
        buf_printf(b, ",\n  CONSTRAINT %s__%s_fkey FOREIGN KEY (tenant_id, %s) REFERENCES %s(tenant_id, id)%s",
                   t->name, f->name, f->name, r->name, on_delete);
    else
        buf_printf(b, ",\n  CONSTRAINT %s__%s_fkey FOREIGN KEY (%s) REFERENCES %s(id)%s", t->name, f->name,
                   f->name, r->name, on_delete);
    (void)d;   /* the same syntax in both dialects */
}

void ddl_create_table(Buf *b, const Table *t, Dialect d)
{
    buf_printf(b, "CREATE TABLE %s (\n", t->name);
    if (!t->res->global)
        buf_printf(b, "  tenant_id %s NOT NULL REFERENCES tenants(id),\n", d == DIALECT_POSTGRES ? "uuid" : "TEXT");
    for (int c = 0; c < t->nfields; c++) {
        buf_puts(b, c ? ",\n  " : "  ");
        ddl_column(b, t, c, d, false);
    }
    if (t->res->global)
        buf_puts(b, ",\n  PRIMARY KEY (id)");
    else
        buf_puts(b, ",\n  PRIMARY KEY (tenant_id, id)");
    for (int c = 0; c < t->nfields; c++)
        if (t->refs[c])
            foreign_key(b, t, c, d);
    buf_puts(b, "\n)");
}

void ddl_add_column(Buf *b, const Table *t, int col, Dialect d)
{
    buf_printf(b, "ALTER TABLE %s ADD COLUMN ", t->name);
    ddl_column(b, t, col, d, true);
}

/* "<table>__<col>_<col>_<suffix>". A name longer than PostgreSQL's 63 characters (a wide covering
 * index) would be cut short by PostgreSQL and no longer found by migrations, so it keeps its first
 * 46 characters and ends with 8 hex digits of a hash of the whole name: still unique, and the same
 * on every start. */
static void index_name(char *out, size_t cap, const char *table, const char *cols, const char *suffix)
{
    int n = snprintf(out, cap, "%s__", table);
    for (const char *p = cols; *p && n > 0 && (size_t)n < cap - 8; p++)
        if (*p != ' ')
            out[n++] = *p == ',' ? '_' : *p;
    snprintf(out + n, cap - (size_t)n, "_%s", suffix);
    if (strlen(out) > 63 && cap > 64) {
        uint32_t h = 2166136261u;
        for (const char *p = out; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
        snprintf(out + 46, cap - 46, "_%08x_%s", (unsigned)h, suffix);
    }
}

/* cols: "a,b", or "a,b WHERE <condition>" for a partial index (named "..._pidx"): rows outside
 * the condition have no entry, so it stays as small as the rows a query looks for and a row
 * leaving the condition costs one delete (the bill run's unbilled records). */
static void emit(const Table *t, Dialect d, const char *spec, bool unique,
                 void (*fn)(const char *, const char *, void *), void *arg)
{
    char name[160], sql[1024], cols[256], where[256] = "";
    const char *w = strstr(spec, " WHERE ");
    snprintf(cols, sizeof cols, "%.*s", w ? (int)(w - spec) : (int)strlen(spec), spec);
    if (w)
        snprintf(where, sizeof where, "%s", w);
    index_name(name, sizeof name, t->name, cols, unique ? "key" : w ? "pidx" : "idx");
    const char *partial = (unique && t->res->soft_delete) ? " WHERE deleted_at IS NULL" : where;
    if (t->res->global)
        snprintf(sql, sizeof sql, "CREATE %sINDEX %s ON %s (%s)%s", unique ? "UNIQUE " : "", name, t->name, cols,
                 partial);
    else
        snprintf(sql, sizeof sql, "CREATE %sINDEX %s ON %s (tenant_id, %s)%s", unique ? "UNIQUE " : "", name,
                 t->name, cols, partial);
    fn(name, sql, arg);
}

static bool unindexed(const Table *t, const char *field)
{
    for (const char *const *u = t->res->unindexed; u && *u; u++)
        if (strcmp(*u, field) == 0)
            return true;
    return false;
}

/* True when a declared composite index, or a unique key that is not partial, begins with the
 * field: its B-tree already serves every lookup on (tenant_id, field), the foreign key's checks
 * included, so a second index on the field alone would cost a write per row and serve nothing. */
static bool led_by(const char *const *specs, const char *field)
{
    size_t n = strlen(field);
    for (const char *const *s = specs; s && *s; s++)
        if (strncmp(*s, field, n) == 0 && (*s)[n] == ',' && !strstr(*s, " WHERE "))
            return true;
    return false;
}

static bool covered(const Table *t, const char *field)
{
    return led_by(t->res->indexes, field) || (!t->res->soft_delete && led_by(t->res->uniques, field));
}

void ddl_indexes(const Table *t, Dialect d, void (*fn)(const char *name, const char *sql, void *arg), void *arg)
{
    for (int c = 0; c < t->nfields; c++) {
        const Field *f = &t->fields[c];
        if (f->flags & (UNIQUE | UNIQUE_TENANT))
            emit(t, d, f->name, true, fn, arg);
        else if (unindexed(t, f->name) || covered(t, f->name))
            continue;
        else if (t->refs[c] || (f->flags & INDEX) ||
                 ((f->flags & (FILTER | SORT)) && c != t->col_id &&
                  (f->type == FT_DATE || f->type == FT_TIMESTAMP || f->type == FT_TEXT || f->type == FT_EMAIL ||
                   f->type == FT_UUID) && c != t->col_updated_at))
            emit(t, d, f->name, false, fn, arg);
    }
    if (t->res->uniques)
        for (const char *const *u = t->res->uniques; *u; u++)
            emit(t, d, *u, true, fn, arg);
    if (t->res->indexes)
        for (const char *const *ix = t->res->indexes; *ix; ix++)
            emit(t, d, *ix, false, fn, arg);
}

void ddl_rls(Buf *b, const Table *t)
{
    if (t->res->global)
        return;
    buf_printf(b,
               "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n"
               "ALTER TABLE %s FORCE ROW LEVEL SECURITY;\n"
               "CREATE POLICY tenant_wall ON %s USING (tenant_id = NULLIF(current_setting('remit.tenant_id', true), '')::uuid)"
               " WITH CHECK (tenant_id = NULLIF(current_setting('remit.tenant_id', true), '')::uuid)",
               t->name, t->name, t->name);
}
