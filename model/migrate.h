/* model/migrate.h — bringing a database up to the registry. */
#ifndef REMIT_MODEL_MIGRATE_H
#define REMIT_MODEL_MIGRATE_H

#include "model/registry.h"

/* Runs the numbered steps not yet applied, then the additive changes derived from the
 * registry (new tables, columns, indexes, row-level security), in one transaction, recording
 * each in schema_migrations. *applied (may be NULL) gets the number of changes made. */
int migrate_run(Store *s, int *applied, Error *err);

#endif
