# 3x_settings.t — typed system settings, rules, secrets, public settings (domain/settings.c)
# The suite's server runs with REMIT_SETTINGS_KEY set; the refusal without a key is in
# tests/scenario/test_identity_settings.c (it starts a server of its own).
@header X-Remit-Test-Ip: 10.33.0.1

=== sign up an admin
POST /api/v1/auth/signup

{"tenant_name": "Settings Co {{run_id}}", "email": "owner-{{run_id}}@settings.test", "password": "correct horse 1"}
--- 201 partial
{"access_token": "{{admin_token=string}}", "tenant": {"slug": "{{slug=string}}"}, "user": {"id": "{{admin_id=uuid}}"}}

@header Authorization: Bearer {{admin_token}}

=== a clerk is added
POST /api/v1/users

{"email": "clerk-{{run_id}}@settings.test", "role": "user", "password": "clerk password 1"}
--- 201

=== the clerk signs in
POST /api/v1/auth/login
Authorization:

{"email": "clerk-{{run_id}}@settings.test", "password": "clerk password 1"}
--- 200 partial
{"access_token": "{{clerk_token=string}}"}

=== a public string setting with a pattern
POST /api/v1/system_settings

{"setting_key": "invoice.prefix", "setting_type": "string", "setting_value": "INV",
 "description": "Prefix of invoice numbers", "validation_rules": {"pattern": "[A-Z]{2,5}", "max_length": 5},
 "is_public": true}
--- 201
Location: /api/v1/system_settings/{{prefix_id=uuid}}

{"id": "{{prefix_id}}", "setting_key": "invoice.prefix", "setting_value": "INV", "setting_type": "string",
 "description": "Prefix of invoice numbers", "validation_rules": {"pattern": "[A-Z]{2,5}", "max_length": 5},
 "is_public": true, "is_encrypted": false, "updated_by": "{{admin_id}}", "version": 1, "created_by": "{{admin_id}}",
 "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== a value must match the whole pattern
PATCH /api/v1/system_settings/{{prefix_id}}

{"setting_value": "INV2"}
--- 422
{"error": {"code": "invalid", "field": "setting_value", "message": "setting_value must match the pattern [A-Z]{2,5}"}}

=== a string setting takes a string
PATCH /api/v1/system_settings/{{prefix_id}}

{"setting_value": 42}
--- 422
{"error": {"code": "wrong_type", "field": "setting_value", "message": "setting_value must be a string for a string setting"}}

=== new rules are checked against the stored value
PATCH /api/v1/system_settings/{{prefix_id}}

{"validation_rules": {"min_length": 4}}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must have at least 4 characters"}}

=== and a refused change changed nothing
GET /api/v1/system_settings/{{prefix_id}}
--- 200 partial
{"setting_value": "INV", "validation_rules": {"pattern": "[A-Z]{2,5}", "max_length": 5}, "version": 1}

=== a valid change is kept
PATCH /api/v1/system_settings/{{prefix_id}}

{"setting_value": "BILL"}
--- 200 partial
{"setting_value": "BILL", "version": 2, "updated_by": "{{admin_id}}"}

=== an int setting with a range
POST /api/v1/system_settings

{"setting_key": "invoice.due_days", "setting_type": "int", "setting_value": 30, "validation_rules": {"min": 0, "max": 365}}
--- 201 partial
{"id": "{{due_id=uuid}}", "setting_value": 30, "setting_type": "int", "is_public": false}

=== an int above its max is refused
PATCH /api/v1/system_settings/{{due_id}}

{"setting_value": 400}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must be at most 365"}}

=== an int below its min is refused
PATCH /api/v1/system_settings/{{due_id}}

{"setting_value": -1}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must be at least 0"}}

=== an int setting takes a JSON integer, not text
PATCH /api/v1/system_settings/{{due_id}}

{"setting_value": "30"}
--- 422
{"error": {"code": "wrong_type", "field": "setting_value", "message": "setting_value must be an integer for an int setting"}}

=== an int enum
POST /api/v1/system_settings

{"setting_key": "reminder.days", "setting_type": "int", "setting_value": 10, "validation_rules": {"enum": [7, 14, 30]}}
--- 422
{"error": {"code": "invalid", "field": "setting_value", "message": "setting_value must be one of [7,14,30]"}}

=== a decimal setting is a decimal string with a scale
POST /api/v1/system_settings

{"setting_key": "late_fee.percent", "setting_type": "decimal", "setting_value": "1.50",
 "validation_rules": {"min": "0", "max": "24.00", "scale": 2}}
--- 201 partial
{"id": "{{fee_id=uuid}}", "setting_value": "1.50", "setting_type": "decimal"}

=== a decimal with more digits than its scale is refused, not rounded
PATCH /api/v1/system_settings/{{fee_id}}

{"setting_value": "1.505"}
--- 422
{"error": {"code": "too_precise", "field": "setting_value", "message": "{{string}}"}}

=== a decimal is never a JSON number
PATCH /api/v1/system_settings/{{fee_id}}

{"setting_value": 1.5}
--- 422
{"error": {"code": "wrong_type", "field": "setting_value", "message": "setting_value must be a decimal string such as \"12.50\""}}

=== a decimal above its max is refused
PATCH /api/v1/system_settings/{{fee_id}}

{"setting_value": "24.01"}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must be at most \"24.00\""}}

=== a bool setting
POST /api/v1/system_settings

{"setting_key": "portal.enabled", "setting_type": "bool", "setting_value": true, "is_public": true}
--- 201 partial
{"setting_value": true, "setting_type": "bool"}

=== a bool setting takes no rules
POST /api/v1/system_settings

{"setting_key": "portal.dark", "setting_type": "bool", "setting_value": false, "validation_rules": {"enum": [true]}}
--- 422
{"error": {"code": "invalid", "field": "validation_rules", "message": "a bool setting takes no validation rules"}}

=== a bool is true or false
POST /api/v1/system_settings

{"setting_key": "portal.dark", "setting_type": "bool", "setting_value": "yes"}
--- 422
{"error": {"code": "wrong_type", "field": "setting_value", "message": "setting_value must be true or false for a bool setting"}}

=== a json setting holds any JSON
POST /api/v1/system_settings

{"setting_key": "branding", "setting_type": "json", "setting_value": {"colour": "#0a5", "logo": null, "sizes": [1, 2]}}
--- 201 partial
{"setting_value": {"colour": "#0a5", "logo": null, "sizes": [1, 2]}, "setting_type": "json"}

=== a setting may be created without a value
POST /api/v1/system_settings

{"setting_key": "support.email", "setting_type": "string", "is_public": true}
--- 201 partial
{"setting_key": "support.email", "setting_value": null}

=== an unknown rule names the allowed ones
POST /api/v1/system_settings

{"setting_key": "footer", "setting_type": "string", "setting_value": "x", "validation_rules": {"min": 1}}
--- 422
{"error": {"code": "invalid", "field": "validation_rules", "message": "min is not a rule of a string setting (allowed: min_length, max_length, pattern, enum)"}}

=== rules must be an object
POST /api/v1/system_settings

{"setting_key": "footer", "setting_type": "string", "setting_value": "x", "validation_rules": ["min_length"]}
--- 422
{"error": {"code": "wrong_type", "field": "validation_rules", "message": "validation_rules must be an object"}}

=== min above max is refused
POST /api/v1/system_settings

{"setting_key": "footer", "setting_type": "int", "setting_value": 1, "validation_rules": {"min": 5, "max": 1}}
--- 422
{"error": {"code": "invalid", "field": "validation_rules", "message": "validation_rules.min is greater than max"}}

=== a pattern must be a valid regular expression
POST /api/v1/system_settings

{"setting_key": "footer", "setting_type": "string", "setting_value": "x", "validation_rules": {"pattern": "([a-z"}}
--- 422
{"error": {"code": "invalid", "field": "validation_rules", "message": "validation_rules.pattern is not a valid POSIX extended regular expression"}}

=== a string enum
POST /api/v1/system_settings

{"setting_key": "pdf.paper", "setting_type": "string", "setting_value": "letter", "validation_rules": {"enum": ["A4", "A5"]}}
--- 422
{"error": {"code": "invalid", "field": "setting_value", "message": "setting_value must be one of [\"A4\",\"A5\"]"}}

=== a key is lower-case letters, digits and . _ -
POST /api/v1/system_settings

{"setting_key": "Invoice Prefix", "setting_type": "string", "setting_value": "x"}
--- 422
{"error": {"code": "invalid", "field": "setting_key", "message": "setting_key may hold lower-case letters, digits, '.', '_' and '-' only"}}

=== a key is unique in the tenant
POST /api/v1/system_settings

{"setting_key": "invoice.prefix", "setting_type": "string", "setting_value": "INV"}
--- 409
{"error": {"code": "duplicate", "field": "setting_key", "message": "setting_key is already used"}}

=== the type is unknown
POST /api/v1/system_settings

{"setting_key": "footer", "setting_type": "text", "setting_value": "x"}
--- 422
{"error": {"code": "invalid", "field": "setting_type", "message": "setting_type must be one of: string, int, bool, decimal, json, secret"}}

=== the type is fixed at creation
PATCH /api/v1/system_settings/{{due_id}}

{"setting_type": "string"}
--- 422
{"error": {"code": "read_only_field", "field": "setting_type", "message": "setting_type cannot be changed after creation"}}

=== is_encrypted is the server's
PATCH /api/v1/system_settings/{{due_id}}

{"is_encrypted": true}
--- 422
{"error": {"code": "read_only_field", "field": "is_encrypted", "message": "is_encrypted is computed by the server and cannot be set"}}

=== a secret is stored encrypted and shown masked
POST /api/v1/system_settings

{"setting_key": "smtp.password", "setting_type": "secret", "setting_value": "hunter2-hunter2",
 "validation_rules": {"min_length": 12}, "description": "Password of the SMTP relay"}
--- 201
Location: /api/v1/system_settings/{{secret_id=uuid}}

{"id": "{{secret_id}}", "setting_key": "smtp.password", "setting_value": "********", "setting_type": "secret",
 "description": "Password of the SMTP relay", "validation_rules": {"min_length": 12}, "is_public": false,
 "is_encrypted": true, "updated_by": "{{admin_id}}", "version": 1, "created_by": "{{admin_id}}",
 "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== reading a secret shows the mask only
GET /api/v1/system_settings?setting_key=smtp.password
--- 200
{"data": [{"id": "{{secret_id}}", "setting_key": "smtp.password", "setting_value": "********", "setting_type": "secret",
 "description": "Password of the SMTP relay", "validation_rules": {"min_length": 12}, "is_public": false,
 "is_encrypted": true, "updated_by": "{{admin_id}}", "version": 1, "created_by": "{{admin_id}}",
 "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}], "next_cursor": null}

=== the audit trail never holds a secret
GET /api/v1/audit_logs?entity_id={{secret_id}}
--- 200 partial
{"data": [{"action": "create", "new_values": {"setting_key": "smtp.password", "is_encrypted": true}}], "next_cursor": null}

=== a secret follows its rules too, without echoing the value
PATCH /api/v1/system_settings/{{secret_id}}

{"setting_value": "short"}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must have at least 12 characters"}}

=== sending the mask back is refused rather than stored
PATCH /api/v1/system_settings/{{secret_id}}

{"setting_value": "********"}
--- 422
{"error": {"code": "invalid", "field": "setting_value", "message": "\"********\" is the mask of the stored secret; send the new value, or leave setting_value out to keep it"}}

=== new rules are checked against the stored secret (decrypted on the server)
PATCH /api/v1/system_settings/{{secret_id}}

{"validation_rules": {"min_length": 20}}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must have at least 20 characters"}}

=== a secret can be replaced
PATCH /api/v1/system_settings/{{secret_id}}

{"setting_value": "correct-horse-battery", "description": "Rotated"}
--- 200 partial
{"setting_value": "********", "description": "Rotated", "version": 2}

=== a secret cannot be public
PATCH /api/v1/system_settings/{{secret_id}}

{"is_public": true}
--- 422
{"error": {"code": "invalid", "field": "is_public", "message": "a secret setting cannot be public"}}

=== a secret takes no enum
POST /api/v1/system_settings

{"setting_key": "api.token", "setting_type": "secret", "setting_value": "abc", "validation_rules": {"enum": ["abc"]}}
--- 422
{"error": {"code": "invalid", "field": "validation_rules", "message": "enum is not a rule of a secret setting (allowed: min_length, max_length, pattern)"}}

=== a clerk cannot read the settings table
GET /api/v1/system_settings
Authorization: Bearer {{clerk_token}}
--- 403
{"error": {"code": "forbidden", "message": "your role does not allow reading system_settings"}}

=== nor write it
POST /api/v1/system_settings
Authorization: Bearer {{clerk_token}}

{"setting_key": "x", "setting_type": "string"}
--- 403
{"error": {"code": "forbidden", "message": "your role does not allow changing system_settings"}}

=== any signed-in user reads the public settings, in key order
GET /api/v1/settings/public
Authorization: Bearer {{clerk_token}}
--- 200
{"data": [
  {"setting_key": "invoice.prefix", "setting_value": "BILL", "setting_type": "string", "description": "Prefix of invoice numbers"},
  {"setting_key": "portal.enabled", "setting_value": true, "setting_type": "bool", "description": null},
  {"setting_key": "support.email", "setting_value": null, "setting_type": "string", "description": null}],
 "next_cursor": null}

=== public settings page with limit and cursor
GET /api/v1/settings/public?limit=2
Authorization: Bearer {{clerk_token}}
--- 200 partial
{"data": [{"setting_key": "invoice.prefix"}, {"setting_key": "portal.enabled"}], "next_cursor": "{{next=string}}"}

=== the second page
GET /api/v1/settings/public?limit=2&cursor={{next}}
Authorization: Bearer {{clerk_token}}
--- 200
{"data": [{"setting_key": "support.email", "setting_value": null, "setting_type": "string", "description": null}],
 "next_cursor": null}

=== making a setting private hides it from the public list
PATCH /api/v1/system_settings/{{prefix_id}}

{"is_public": false}
--- 200 partial
{"is_public": false}

=== and it is gone from the public list
GET /api/v1/settings/public
Authorization: Bearer {{clerk_token}}
--- 200 partial
{"data": [{"setting_key": "portal.enabled"}, {"setting_key": "support.email"}], "next_cursor": null}

=== public settings need a sign-in
GET /api/v1/settings/public
Authorization:
--- 401
{"error": {"code": "unauthenticated", "message": "an Authorization: Bearer token is required"}}
