/* cli/cli.h — shared by the commands of the `remit` program. */
#ifndef REMIT_CLI_CLI_H
#define REMIT_CLI_CLI_H

#include <stdbool.h>

#include "store/store.h"

typedef struct CliOpts {
    const char *db, *listen, *data_dir;
    int threads;
    bool test_mode;
    char default_db[1100];
    const char *rest[16];
    int nrest;
} CliOpts;

/* Opens the store and migrates it. */
int cli_open(const CliOpts *o, Store **out, int pool);
int cmd_demo(const CliOpts *o);
int cmd_audit(const CliOpts *o);
int cmd_tenant(const CliOpts *o);
int cmd_jobs(const CliOpts *o);
int cmd_reconcile(const CliOpts *o);
int cmd_bill_run(const CliOpts *o);

#endif
