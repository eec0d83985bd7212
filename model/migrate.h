/* model/migrate.h — bringing a database up to the registry. */
#ifndef REMIT_MODEL_MIGRATE_H
#define REMIT_MODEL_MIGRATE_H

#include "model/registry.h"

/* Runs the numbered steps not yet applied, then the additive changes derived from the
 * registry (new tables, columns, indexes, row-level security), in one transaction, recording
 * each in schema_migrations. *applied (may be NULL) gets the number of changes made. */
int migrate_run(Store *s, int *applied, Error *err);

/* A numbered data step that needs business rules (a back-fill written by domain/ through the same
 * code as the live writes): registered by domain/ at start-up, before migrate_run, and run by it
 * once per database after the schema is up to date, recorded as `version` ("d0001"). It runs its
 * own transactions (one per tenant, usually) and must be idempotent: a crash or a concurrent
 * start-up may run it again before it is recorded. */
typedef struct MigrateDataStep {
    const char *version;
    const char *description;
    int (*run)(Store *s, Error *err);
} MigrateDataStep;
void migrate_add_data_step(const MigrateDataStep *step);

#endif
