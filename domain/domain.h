/* domain/domain.h — attaching the business rules to the registry. */
#ifndef REMIT_DOMAIN_DOMAIN_H
#define REMIT_DOMAIN_DOMAIN_H

/* Attaches every module's hooks and actions to its tables. Call after registry_init(). */
void domain_init(void);

/* One per module (domain/<module>.c). */
void customers_init(void);
void company_init(void);       /* company.c: company profile, GST settings */
void catalog_init(void);       /* catalog.c: services, categories, tax rates, exchange rates */
void numbering_init(void);     /* numbering.c: number series */
void invoice_init(void);       /* invoice.c: invoices and their lines */
void receipt_init(void);       /* receipt.c: receipts and allocations */
void credit_note_init(void);   /* credit_note.c: credit notes, lines, applications */
void statement_init(void);     /* statement.c: customer statement, AR aging */
void csv_import_init(void);    /* csv_import.c: CSV import of customers and services */

#endif
