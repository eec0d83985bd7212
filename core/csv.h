/* core/csv.h — a strict, bounded CSV reader (RFC 4180 with the usual leniencies).
 *
 * Reads records from a buffer the caller owns: fields separated by a delimiter
 * (comma by default), records by LF, CRLF or CR; a field that starts with a
 * double quote is quoted and may hold delimiters, newlines and doubled quotes
 * (""). A leading UTF-8 BOM is skipped; blank lines are skipped. Limits are
 * hard: CSV_MAX_FIELDS fields per record and CSV_MAX_FIELD bytes per field; past
 * them, or on a quote that is never closed or is followed by anything but a
 * delimiter or a line end, csv_next fails with ERR_INVALID naming the line.
 *
 * Remit's one CSV reader: the customer and service imports (domain/csv_import.c)
 * and the billing-record import (domain/billing_records.c) both read with it.
 */
#ifndef REMIT_CORE_CSV_H
#define REMIT_CORE_CSV_H

#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

#define CSV_MAX_FIELDS 256
#define CSV_MAX_FIELD (64 * 1024)

typedef struct CsvReader {
    const char *p;
    size_t len, pos;
    char delim;
    int line;        /* line number (1-based) where the last record read began */
    int next_line;   /* line number of pos */
} CsvReader;

void csv_init(CsvReader *r, const char *data, size_t len, char delim);

/* The next record: *fields gets an array of *nfields NUL-terminated copies (from
 * the arena). Returns 1 with a record, 0 at the end, or a negative code. */
int csv_next(CsvReader *r, Arena *a, char ***fields, int *nfields, Error *err);

#endif
