/* core/log.h — JSON-lines logging on stderr.
 *
 * One object per line: {"ts","level","msg", "request_id"?, ...fields}. Each
 * line is written with a single write(2), so lines from concurrent threads
 * never interleave. Fields are given as key/value string pairs ending in NULL.
 */
#ifndef REMIT_CORE_LOG_H
#define REMIT_CORE_LOG_H

typedef enum LogLevel { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } LogLevel;

void log_set_level(LogLevel lvl);
int  log_level_parse(LogLevel *out, const char *s);   /* "debug","info","warn","error" */
LogLevel log_get_level(void);
/* log_event(LOG_INFO, rid, "request", "method", "GET", "status", "200", NULL) */
void log_event(LogLevel lvl, const char *request_id, const char *msg, ...) __attribute__((sentinel));
void log_printf(LogLevel lvl, const char *request_id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
