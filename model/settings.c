/* model/settings.c — system_settings: a tenant's typed key/value settings.
 * Declares the table only (RESOURCE); validation, encryption and the public
 * read endpoint live in domain/settings.c.
 *
 * Seed: CRM SYSTEM_SETTINGS (setting_key, setting_value, description,
 * setting_type, is_encrypted, is_public, validation_rules, updated_by), with
 * setting_key unique per tenant. A secret's value is never stored in
 * setting_value: it is encrypted into encrypted_value (SECRET: never returned,
 * never audited, never exported) and setting_value stays null.
 */
#include "model/registry.h"

static const char *const setting_types[] = {"string", "int", "bool", "decimal", "json", "secret", NULL};

static const Field setting_fields[] = {
    F_TEXT("setting_key", 100, REQUIRED | UNIQUE_TENANT | IMMUTABLE | FILTER | SORT | SEARCH,
           .doc = "Lower-case letters, digits, '.', '_' and '-'"),
    F_JSON("setting_value", 0, .doc = "The value, as its type says (a secret's is shown as \"********\")"),
    F_ENUM("setting_type", setting_types, REQUIRED | IMMUTABLE | FILTER,
           .doc = "string, int, bool, decimal (a decimal string), json or secret (stored encrypted)"),
    F_TEXT("description", 1000, SEARCH),
    F_JSON("validation_rules", 0,
           .doc = "{\"min\",\"max\"} for int and decimal; {\"min_length\",\"max_length\",\"pattern\"} for string "
                  "and secret; {\"enum\": [...]} for string, int and decimal"),
    F_BOOL("is_public", FILTER, .def = "false", .doc = "Readable by every signed-in user at /settings/public"),
    F_BOOL("is_encrypted", READONLY, .def = "false", .doc = "True for secrets: encrypted at rest"),
    F_TEXT("encrypted_value", 0, SECRET | READONLY, .doc = "A secret's value: libsodium secretbox"),
    F_REF("updated_by", "users", READONLY, .doc = "The user who last changed the setting"),
};

RESOURCE(system_settings) {
    .name = "system_settings",
    .doc = "Typed settings of a tenant; secrets are encrypted at rest and never returned",
    .fields = setting_fields,
    .nfields = COUNT(setting_fields),
    .audited = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .default_order = "setting_key",
};
