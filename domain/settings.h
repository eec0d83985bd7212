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

/* A setting a module reads by its key (domain/notify.c: "billing.reminder_days", ...) registers a check
 * of its value, run whenever the setting is written (after the type and rule checks), so a value the
 * module could not use is a 422 on setting_value when written, not a failure later. */
typedef int (*SettingCheck)(json_t *value, Error *err);
void settings_add_check(const char *key, SettingCheck check);

#endif
