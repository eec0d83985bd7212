/* model/outbox.c — the outbox table: messages (mail, webhooks, notifications)
 * written in the same transaction as the change that caused them, delivered
 * afterwards by the worker (domain/outbox.c) with retries.
 */
#include "model/registry.h"

static const char *const outbox_statuses[] = {"pending", "sending", "sent", "failed", "dead", NULL};
static const char *const outbox_kinds[] = {"mail", "webhook", "notification", NULL};

static const Field outbox_fields[] = {
    F_ENUM("kind", outbox_kinds, REQUIRED | READONLY | FILTER, .doc = "mail, webhook or notification"),
    F_TEXT("topic", 100, REQUIRED | READONLY | FILTER, .doc = "What happened: invoice.issued, auth.password_reset, ..."),
    F_TEXT("recipient", 500, READONLY | FILTER, .doc = "Email address or webhook URL"),
    F_TEXT("subject", 500, READONLY),
    F_JSON("payload", READONLY, .doc = "The message: mail body and headers, or the webhook event"),
    F_TEXT("idempotency_key", 100, READONLY | UNIQUE_TENANT, .doc = "Sent with the delivery so a retry is recognised"),
    F_ENUM("status", outbox_statuses, READONLY | FILTER | SORT, .def = "pending"),
    F_INT("attempts", READONLY, .def = "0"),
    F_TS("next_attempt_at", READONLY | FILTER | SORT),
    F_TS("sent_at", READONLY),
    F_TEXT("last_error", 1000, READONLY),
    F_TEXT("related_table", 100, READONLY | FILTER),
    F_UUID("related_id", READONLY | FILTER),
};

RESOURCE(outbox) {
    .name = "outbox",
    .doc = "Messages waiting to be delivered, and their delivery history",
    .fields = outbox_fields,
    .nfields = COUNT(outbox_fields),
    .no_create = true, .no_update = true, .no_delete = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .indexes = (const char *const[]){"status,next_attempt_at", NULL},
};
