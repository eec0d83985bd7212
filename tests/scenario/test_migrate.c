/* tests/scenario/test_migrate.c — migrations are idempotent on the store under test (SQLite or
 * PostgreSQL): the server migrated the database when it started, so `remit migrate` run again
 * beside it finds nothing to do and changes nothing, twice.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/scenario/helpers.h"

Test(migrate, running_remit_migrate_on_a_migrated_database_applies_nothing)
{
    t_base();
    const char *bin = t_env("REMIT_TEST_BIN"), *db = t_env("REMIT_TEST_DB");
    if (!*bin || !*db)
        cr_skip_test("REMIT_TEST_BIN and REMIT_TEST_DB are needed (scripts/api-suite.sh sets them)");
    for (int run = 1; run <= 2; run++) {
        char out[8192];
        int st = t_sh(out, sizeof out, "REMIT_LOG_LEVEL=info '%s' migrate --db '%s' --data-dir '%s/cli' 2>&1", bin, db,
                      t_env("REMIT_TEST_WORK"));
        cr_assert_eq(st, 0, "remit migrate (run %d) failed: %s", run, out);
        cr_expect_not_null(strstr(out, "database is up to date"), "run %d: %s", run, out);
        cr_expect_null(strstr(out, "migrated:"), "run %d applied changes to a migrated database: %s", run, out);
    }
    /* and the server still answers on the database */
    HttpResult r;
    cr_assert_eq(t_req(&r, NULL, "GET", "/healthz", NULL), 200);
    http_result_free(&r);
}
