/* domain/csv_import.h — CSV files of customers and services, imported row by
 * row through the tables' own rules, with a per-row error report.
 *
 *   POST /api/v1/customers/import   (body: the CSV file, text/csv)
 *   POST /api/v1/services/import
 *   ?skip_errors=true   import the good rows, report the bad ones
 *   ?dry_run=true       check every row, import nothing
 *
 * The first record names the columns (field names; for customers also
 * client_type = a client type's code and account_manager = a manager's email;
 * for services category = a category's name). Without skip_errors, a file
 * with any bad row imports nothing and answers 422 with the report.
 */
#ifndef REMIT_DOMAIN_CSV_IMPORT_H
#define REMIT_DOMAIN_CSV_IMPORT_H

void csv_import_init(void);

#endif
