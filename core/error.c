/* core/error.c — the error record and the code table (see errors.def).
 * Exports err_set, err_vset, err_detail, err_hint, err_clear, err_http_status,
 * err_name, err_description, err_from_rc.
 */
#include "error.h"

#include <stdio.h>
#include <string.h>

static const struct {
    int http;
    const char *name;
    const char *description;
} codes[ERR__COUNT] = {
#define ERRCODE(sym, http, name, desc) [sym] = {http, name, desc},
#include "errors.def"
#undef ERRCODE
};

int err_vset(Error *err, ErrCode code, const char *field, const char *fmt, va_list ap)
{
    if (code <= ERR_OK || code >= ERR__COUNT)
        code = ERR_INTERNAL;
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        if (field)
            snprintf(err->field, sizeof err->field, "%s", field);
    }
    return -(int)code;
}

int err_set(Error *err, ErrCode code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = err_vset(err, code, field, fmt, ap);
    va_end(ap);
    return rc;
}

void err_detail(Error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->detail, sizeof err->detail, fmt, ap);
    va_end(ap);
}

void err_hint(Error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof err->hint, fmt, ap);
    va_end(ap);
}

void err_clear(Error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int err_http_status(ErrCode code)
{
    return (code >= 0 && code < ERR__COUNT) ? codes[code].http : 500;
}

const char *err_name(ErrCode code)
{
    return (code >= 0 && code < ERR__COUNT) ? codes[code].name : "internal";
}

const char *err_description(ErrCode code)
{
    return (code >= 0 && code < ERR__COUNT) ? codes[code].description : "";
}

ErrCode err_from_rc(int rc)
{
    if (rc >= 0)
        return ERR_OK;
    if (-rc >= ERR__COUNT)
        return ERR_INTERNAL;
    return (ErrCode)(-rc);
}
