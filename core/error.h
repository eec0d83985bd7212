/* core/error.h — the error record every fallible function fills.
 *
 * Convention (STYLE.md): a fallible function returns int, 0 on success and
 * -code on failure, where code is an ErrCode from core/errors.def, and fills
 * the Error it was given. Codes pass up unchanged; only the outermost layer
 * (api/) turns them into HTTP statuses.
 */
#ifndef REMIT_CORE_ERROR_H
#define REMIT_CORE_ERROR_H

#include <stdarg.h>

typedef enum ErrCode {
#define ERRCODE(sym, http, name, desc) sym,
#include "errors.def"
#undef ERRCODE
    ERR__COUNT
} ErrCode;

typedef struct Error {
    ErrCode code;
    char message[256];  /* one factual line, no trailing period */
    char detail[512];   /* optional: what exactly was wrong */
    char hint[192];     /* optional: what to do about it */
    char field[96];     /* optional: the field the error names ("lines[2].rate") */
} Error;

/* Fills err (when not NULL) and returns -code. field may be NULL. */
int err_set(Error *err, ErrCode code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int err_vset(Error *err, ErrCode code, const char *field, const char *fmt, va_list ap);
/* Adds a detail or hint line to an error already set. */
void err_detail(Error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_hint(Error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(Error *err);

int err_http_status(ErrCode code);
const char *err_name(ErrCode code);
const char *err_description(ErrCode code);
/* Turns a negative return code back into an ErrCode (ERR_INTERNAL if unknown). */
ErrCode err_from_rc(int rc);

#endif
