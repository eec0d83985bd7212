/* domain/outbox.h — writing messages to the outbox, and delivering them.
 *
 * A module that must tell someone something (a mail, a webhook, a
 * notification) calls outbox_mail()/outbox_enqueue() inside the transaction
 * of the change: the message commits with the change or not at all. The
 * worker started by `remit serve` delivers pending messages afterwards, with
 * retries and backoff; each carries an idempotency key so a retry after a
 * crash is recognisable by the receiver.
 */
#ifndef REMIT_DOMAIN_OUTBOX_H
#define REMIT_DOMAIN_OUTBOX_H

#include <jansson.h>

#include "store/store.h"

/* kind: "mail" | "webhook" | "notification"; payload is borrowed (not stolen). */
int outbox_enqueue(Ctx *ctx, const char *kind, const char *topic, const char *recipient, const char *subject,
                   json_t *payload, const char *related_table, const char *related_id, Error *err);
/* A plain-text mail. */
int outbox_mail(Ctx *ctx, const char *topic, const char *to, const char *subject, const char *body,
                const char *related_table, const char *related_id, Error *err);

typedef struct OutboxConfig {
    const char *data_dir;      /* mail lands in DATA_DIR/mail/ when no SMTP URL is set */
    const char *smtp_url;      /* "smtp://host:25" (REMIT_SMTP_URL); NULL = file sink */
    const char *mail_from;     /* REMIT_MAIL_FROM */
    int interval_ms;           /* poll interval */
} OutboxConfig;

/* Delivers due messages of every tenant once; returns how many were sent. */
int outbox_deliver_due(Store *s, const OutboxConfig *cfg, int limit, Error *err);
/* A background thread that calls outbox_deliver_due every interval until outbox_stop. */
int outbox_start(Store *s, const OutboxConfig *cfg);
void outbox_stop(void);

#endif
