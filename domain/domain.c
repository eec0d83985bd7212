/* domain/domain.c — the list of business modules; each attaches its hooks and
 * actions to the registry's tables. Exports domain_init.
 */
#include "domain/domain.h"

void domain_init(void)
{
    customers_init();
    audit_init();
    permissions_init();
    apikeys_init();
    subscription_init();
    sessions_init();
    password_init();
    verify_init();
    users_init();
    export_init();
    settings_init();
    company_init();
    catalog_init();
    numbering_init();
    invoice_init();
    receipt_init();
    credit_note_init();
    statement_init();
    ledger_init();
    csv_import_init();
    reconciliation_init();
    billing_init();
    approvals_init();
    billrun_init();
    billing_deps_init();
    billing_status_init();
    billing_reports_init();
    billing_upcoming_init();
    einvoice_init();   /* after invoices and credit notes: it adds their ubl and gst-einvoice actions */
    notify_init();     /* last: it wraps the hooks other modules attached to time_entries */
}
