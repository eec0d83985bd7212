# 3x_export.t — GET /api/v1/tenant/export (domain/export.c). The check that every table's rows of
# one tenant and none of another's are in it is tests/scenario/test_identity_export.c.
@header X-Remit-Test-Ip: 10.35.0.1

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Export Co {{run_id}}", "email": "owner-{{run_id}}@export.test", "password": "correct horse 1"}
--- 201 partial
{"access_token": "{{token=string}}", "tenant": {"id": "{{tenant_id=uuid}}", "slug": "{{slug=string}}"},
 "user": {"id": "{{user_id=uuid}}"}}

@header Authorization: Bearer {{token}}

=== a customer
POST /api/v1/customers

{"name": "Exported Customer", "code": "EXP1"}
--- 201 partial
{"id": "{{customer_id=uuid}}"}

=== a secret setting
POST /api/v1/system_settings

{"setting_key": "smtp.password", "setting_type": "secret", "setting_value": "never-exported-secret"}
--- 201 partial
{"id": "{{setting_id=uuid}}"}

=== a clerk
POST /api/v1/users

{"email": "clerk-{{run_id}}@export.test", "role": "user", "password": "clerk password 1"}
--- 201

=== the clerk signs in
POST /api/v1/auth/login
Authorization:

{"email": "clerk-{{run_id}}@export.test", "password": "clerk password 1"}
--- 200 partial
{"access_token": "{{clerk_token=string}}"}

=== the export is one JSON archive, downloaded as a file
GET /api/v1/tenant/export
--- 200 partial
Content-Type: application/json
Content-Disposition: attachment; filename="remit-export-{{slug}}-{{date}}.json"

{"format": "remit-export-1", "exported_at": "{{timestamp}}",
 "tenant": {"id": "{{tenant_id}}", "slug": "{{slug}}", "name": "Export Co {{run_id}}"},
 "tables": {
   "users": [{"id": "{{user_id}}", "email": "owner-{{run_id}}@export.test", "role": "admin", "deleted_at": null}],
   "customers": [{"id": "{{customer_id}}", "name": "Exported Customer", "code": "EXP1"}],
   "system_settings": [{"id": "{{setting_id}}", "setting_key": "smtp.password", "setting_value": null,
                        "is_encrypted": true}],
   "sessions": [], "audit_logs": [], "outbox": [], "email_verifications": [], "password_reset_tokens": [],
   "contacts": []}}

=== the export is for admins
GET /api/v1/tenant/export
Authorization: Bearer {{clerk_token}}
--- 403
{"error": {"code": "forbidden", "message": "your role does not allow this"}}

=== the export needs a sign-in
GET /api/v1/tenant/export
Authorization:
--- 401
{"error": {"code": "unauthenticated", "message": "an Authorization: Bearer token is required"}}
