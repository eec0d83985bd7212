/* model/ddl.h — schema text derived from the registry, for both dialects. */
#ifndef REMIT_MODEL_DDL_H
#define REMIT_MODEL_DDL_H

#include "core/buf.h"
#include "model/registry.h"

/* CREATE TABLE with keys and foreign keys (no indexes). */
void ddl_create_table(Buf *b, const Table *t, Dialect d);
/* ALTER TABLE ... ADD COLUMN for one field (nullable unless it has a default). */
void ddl_add_column(Buf *b, const Table *t, int col, Dialect d);
/* The column type and constraints of one field. */
void ddl_column(Buf *b, const Table *t, int col, Dialect d, bool adding);
/* Every index the table needs: name and CREATE statement, through a callback. */
void ddl_indexes(const Table *t, Dialect d, void (*fn)(const char *name, const char *sql, void *arg), void *arg);
/* PostgreSQL row-level security for a tenant table (the second wall). */
void ddl_rls(Buf *b, const Table *t);

#endif
