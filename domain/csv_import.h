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

#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

#define CSV_MAX_FIELDS 256
#define CSV_MAX_FIELD (64 * 1024)

/* RFC 4180 records: fields separated by commas, records by CRLF or LF, fields in double quotes
 * may hold commas, line breaks and doubled quotes. A UTF-8 byte-order mark is skipped. */
typedef struct CsvReader {
    const char *p, *end;
    int line;                 /* line number where the next record starts (1-based) */
    Arena *arena;
    char *buf;                /* scratch for one field (CSV_MAX_FIELD + 1 bytes) */
    char **scratch;           /* scratch for one record's fields */
} CsvReader;

/* ERR_UNAVAILABLE when the scratch space cannot be allocated. */
int csv_reader_init(CsvReader *r, Arena *a, const char *data, size_t len, Error *err);
/* Reads the next record: 1 and *fields / *n (arena strings), 0 at the end, or -ERR_INVALID naming
 * the line (an unterminated quote, a quote inside an unquoted field, too many or too long fields). */
int csv_read_record(CsvReader *r, char ***fields, int *n, Error *err);

#endif
