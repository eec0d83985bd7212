/* domain/settings.h — typed tenant settings (system_settings): the checks,
 * exported for unit tests and for modules that read settings. */
#ifndef REMIT_DOMAIN_SETTINGS_H
#define REMIT_DOMAIN_SETTINGS_H

#include <jansson.h>

#include "store/store.h"

/* validation_rules for a setting of `type`: an object (or NULL) holding only the rules that type
 * takes, well formed. ERR_INVALID / ERR_TYPE on field "validation_rules". */
int settings_check_rules(const char *type, json_t *rules, Error *err);
/* A value (never JSON null: null means "not set" and is always allowed) against its type and the
 * rules. ERR_TYPE / ERR_INVALID / ERR_RANGE on field "setting_value". */
int settings_check_value(const char *type, json_t *value, json_t *rules, Error *err);

/* In ctx's tenant transaction: a setting's value as JSON (*out new reference; JSON null when unset);
 * a secret's is decrypted (a JSON string). ERR_NOT_FOUND when there is no such setting. */
int settings_get(Ctx *ctx, const char *key, json_t **out, Error *err);

/* A setting a module relies on. Its key takes only `type`; `rules` (a validation_rules object as
 * JSON text, or NULL) apply on top of the row's own; on_change (or NULL) runs in the transaction
 * that writes the setting (after the write, removed = false) or deletes it (before the delete,
 * removed = true), and may refuse it. Declare from the module's _init; the declaration is
 * borrowed (static storage). */
typedef struct SettingDecl {
    const char *key;
    const char *type;
    const char *rules;
    const char *doc;
    int (*on_change)(Ctx *ctx, const char *key, bool removed, Error *err);
} SettingDecl;
void settings_declare(const SettingDecl *d);
/* The declaration of key, or NULL. */
const SettingDecl *settings_declared(const char *key);

#endif
