/* domain/reconciliation.c — the reconciliation module: contracts and billing
 * records matched against each other (contract-billing-matching.md, with the
 * ERP contract merged in). Exports reconciliation_init, which attaches the
 * module's parts; domain/README.md describes the module as a whole.
 *
 *   recon.h, schedule.c, match.c, link.c   the pure core (no I/O)
 *   reconcile.c                            read, match, write what changed; reports
 *   contracts.c, billing_records.c         rules of the two tables, CSV import
 *   alerts.c                               read/resolve alerts, accept results
 *   recon_files.c, filestore.c             uploads and downloads, stored by hash
 *   recon_api.c                            settings, tenant-wide runs, reports
 *   recon_daily.c                          the daily job
 */
#include "domain/domain.h"
#include "domain/reconcile.h"

void reconciliation_init(void)
{
    contracts_init();
    billing_records_init();
    alerts_init();
    recon_files_init();
    recon_api_init();
    recon_daily_init();
}
