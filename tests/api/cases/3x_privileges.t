# 3x_privileges.t — nobody grants more than they hold: a custom role with api_keys.write,
# users.write or roles.write is not a way up, and an Idempotency-Key replay answers only the
# caller who made the request (domain/apikeys.c, domain/users.c, domain/permissions.c,
# api/idempotency.c). Every refusal is followed by a read showing nothing changed.
@header X-Remit-Test-Ip: 10.33.0.1

=== sign up an admin
POST /api/v1/auth/signup

{"tenant_name": "Privileges Co {{run_id}}", "email": "owner-{{run_id}}@priv.test", "password": "correct horse 1"}
--- 201 partial
{"access_token": "{{admin_token=string}}", "tenant": {"slug": "{{slug=string}}"}, "user": {"id": "{{admin_id=uuid}}"}}

@header Authorization: Bearer {{admin_token}}

=== a key managers role
POST /api/v1/roles

{"name": "Key managers {{run_id}}", "permissions": ["api_keys.read", "api_keys.write"]}
--- 201 partial
{"id": "{{keys_role=uuid}}"}

=== a plain user holding it
POST /api/v1/users

{"email": "keys-{{run_id}}@priv.test", "role": "user", "role_id": "{{keys_role}}", "password": "keys password 12"}
--- 201 partial
{"id": "{{keys_id=uuid}}"}

=== signs in
POST /api/v1/auth/login
Authorization:

{"email": "keys-{{run_id}}@priv.test", "password": "keys password 12"}
--- 200 partial
{"access_token": "{{keys_token=string}}"}

=== a key's role can never exceed its creator's: creating an admin key is refused
POST /api/v1/api_keys
Authorization: Bearer {{keys_token}}

{"name": "escalate", "role": "admin"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "a key's role cannot be higher than yours (user)"}}

=== nor a manager key
POST /api/v1/api_keys
Authorization: Bearer {{keys_token}}

{"name": "escalate", "role": "manager"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "a key's role cannot be higher than yours (user)"}}

=== and no key was created
GET /api/v1/api_keys
--- 200
{"data": [], "next_cursor": null}

=== a key with the creator's own role is fine
POST /api/v1/api_keys
Authorization: Bearer {{keys_token}}

{"name": "plain", "role": "user"}
--- 201 partial
{"id": "{{plain_key=uuid}}", "role": "user", "version": 1}

=== a key's role can never exceed its creator's: raising it with PATCH is refused
PATCH /api/v1/api_keys/{{plain_key}}
Authorization: Bearer {{keys_token}}

{"role": "admin"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "a key's role cannot be higher than yours (user)"}}

=== and the key is unchanged
GET /api/v1/api_keys/{{plain_key}}
--- 200 partial
{"id": "{{plain_key}}", "role": "user", "role_id": null, "version": 1}

=== a broader custom role exists
POST /api/v1/roles

{"name": "Exporters {{run_id}}", "permissions": ["api_keys.read", "tenant.export"]}
--- 201 partial
{"id": "{{export_role=uuid}}"}

=== a key cannot be given a custom role with permissions its creator does not hold
PATCH /api/v1/api_keys/{{plain_key}}
Authorization: Bearer {{keys_token}}

{"role_id": "{{export_role}}"}
--- 403
{"error": {"code": "forbidden", "field": "role_id", "message": "the role grants tenant.export, which you do not hold"}}

=== and the key is still unchanged
GET /api/v1/api_keys/{{plain_key}}
--- 200 partial
{"id": "{{plain_key}}", "role": "user", "role_id": null, "version": 1}

=== an admin may make an admin key
POST /api/v1/api_keys

{"name": "ci deploy key", "role": "admin"}
--- 201 partial
{"role": "admin"}

# --- an Idempotency-Key replay answers only the same caller with the same request

=== a plain user of the same tenant
POST /api/v1/users

{"email": "clerk-{{run_id}}@priv.test", "role": "user", "password": "clerk password 12"}
--- 201 partial
{"id": "{{clerk_id=uuid}}"}

=== the clerk signs in
POST /api/v1/auth/login
Authorization:

{"email": "clerk-{{run_id}}@priv.test", "password": "clerk password 12"}
--- 200 partial
{"access_token": "{{clerk_token=string}}"}

=== an admin creates a key with an Idempotency-Key
POST /api/v1/api_keys
Idempotency-Key: deploy-key-{{run_id}}

{"name": "deploy key", "role": "admin"}
--- 201 partial
{"id": "{{deploy_key=uuid}}", "role": "admin"}

=== an Idempotency-Key replay is only for the same caller: another user's same key and body is a 409, not the admin's response
POST /api/v1/api_keys
Authorization: Bearer {{clerk_token}}
Idempotency-Key: deploy-key-{{run_id}}

{"name": "deploy key", "role": "admin"}
--- 409
{"error": {"code": "idempotency_mismatch", "field": "Idempotency-Key", "message": "{{string}}"}}

=== and there is still exactly one deploy key
GET /api/v1/api_keys?name=deploy%20key
--- 200 partial
{"data": [{"id": "{{deploy_key}}", "role": "admin"}], "next_cursor": null}

=== the admin's own replay still works
POST /api/v1/api_keys
Idempotency-Key: deploy-key-{{run_id}}

{"name": "deploy key", "role": "admin"}
--- 201 partial
Idempotent-Replayed: true

{"id": "{{deploy_key}}", "role": "admin"}

=== an Idempotency-Key replay is only for the same query: a dry run first
POST /api/v1/customers/import?dry_run=true
Content-Type: text/csv
Idempotency-Key: import-{{run_id}}

code,name
IDQ1,Idem Query
--- 200
{"rows": 1, "imported": 0, "would_import": 1, "rejected": 0, "dry_run": true, "errors": []}

=== then the real import with the same key is a 409, not the dry run's replay
POST /api/v1/customers/import
Content-Type: text/csv
Idempotency-Key: import-{{run_id}}

code,name
IDQ1,Idem Query
--- 409
{"error": {"code": "idempotency_mismatch", "field": "Idempotency-Key", "message": "{{string}}"}}

=== and nothing was imported
GET /api/v1/customers
--- 200
{"data": [], "next_cursor": null}

# --- a users.write holder cannot take over a user who outranks them

=== a user managers role
POST /api/v1/roles

{"name": "User managers {{run_id}}", "permissions": ["users.read", "users.write"]}
--- 201 partial
{"id": "{{hr_role=uuid}}"}

=== a plain HR user holding it
POST /api/v1/users

{"email": "hr-{{run_id}}@priv.test", "role": "user", "role_id": "{{hr_role}}", "password": "hr password 123"}
--- 201 partial
{"id": "{{hr_id=uuid}}"}

=== the HR user signs in
POST /api/v1/auth/login
Authorization:

{"email": "hr-{{run_id}}@priv.test", "password": "hr password 123"}
--- 200 partial
{"access_token": "{{hr_token=string}}"}

=== a user may not change the email of a user whose role is higher
PATCH /api/v1/users/{{admin_id}}
Authorization: Bearer {{hr_token}}

{"email": "attacker-{{run_id}}@evil.test"}
--- 403
{"error": {"code": "forbidden", "field": "email", "message": "you cannot change the email of a user whose role is higher than yours"}}

=== a user may not deactivate a user whose role is higher
PATCH /api/v1/users/{{admin_id}}
Authorization: Bearer {{hr_token}}

{"is_active": false}
--- 403
{"error": {"code": "forbidden", "field": "is_active", "message": "you cannot change the is_active of a user whose role is higher than yours"}}

=== the admin is unchanged
GET /api/v1/users/{{admin_id}}
--- 200 partial
{"email": "owner-{{run_id}}@priv.test", "role": "admin", "is_active": true, "version": 1}

=== a user may not raise anyone above their own role
PATCH /api/v1/users/{{clerk_id}}
Authorization: Bearer {{hr_token}}

{"role": "manager"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "you cannot give a role higher than yours (user)"}}

=== nor create a user above it
POST /api/v1/users
Authorization: Bearer {{hr_token}}

{"email": "mgr-{{run_id}}@priv.test", "role": "manager", "password": "manager pass 12"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "you cannot give a role higher than yours (user)"}}

=== the clerk is unchanged and no manager was made
GET /api/v1/users?role=manager
--- 200
{"data": [], "next_cursor": null}

=== and the clerk is still a user
GET /api/v1/users/{{clerk_id}}
--- 200 partial
{"role": "user", "first_name": null}

=== a peer may still be changed
PATCH /api/v1/users/{{clerk_id}}
Authorization: Bearer {{hr_token}}

{"first_name": "Clara"}
--- 200 partial
{"first_name": "Clara", "role": "user"}

# --- a roles.write holder cannot grant a permission it does not hold

=== a role managers role
POST /api/v1/roles

{"name": "Role managers {{run_id}}", "permissions": ["roles.read", "roles.write"]}
--- 201 partial
{"id": "{{roles_role=uuid}}"}

=== a plain user holding the role managers role
POST /api/v1/users

{"email": "roles-{{run_id}}@priv.test", "role": "user", "role_id": "{{roles_role}}", "password": "roles password 12"}
--- 201 partial
{"id": "{{roles_user=uuid}}"}

=== the role manager signs in
POST /api/v1/auth/login
Authorization:

{"email": "roles-{{run_id}}@priv.test", "password": "roles password 12"}
--- 200 partial
{"access_token": "{{roles_token=string}}"}

=== one cannot grant a permission one does not hold: not to one's own role
PATCH /api/v1/roles/{{roles_role}}
Authorization: Bearer {{roles_token}}

{"permissions": ["roles.read", "roles.write", "tenant.export"]}
--- 403
{"error": {"code": "forbidden", "field": "permissions", "message": "the role grants tenant.export, which you do not hold"}}

=== nor in a new role
POST /api/v1/roles
Authorization: Bearer {{roles_token}}

{"name": "Broader {{run_id}}", "permissions": ["roles.read", "users.write"]}
--- 403
{"error": {"code": "forbidden", "field": "permissions", "message": "the role grants users.write, which you do not hold"}}

=== the role is unchanged
GET /api/v1/roles/{{roles_role}}
--- 200 partial
{"permissions": ["roles.read", "roles.write"], "version": 1}

=== and no broader role was made
GET /api/v1/roles?name=Broader%20{{run_id}}
--- 200
{"data": [], "next_cursor": null}

=== a role within one's own permissions is fine
POST /api/v1/roles
Authorization: Bearer {{roles_token}}

{"name": "Readers {{run_id}}", "permissions": ["roles.read"]}
--- 201 partial
{"permissions": ["roles.read"]}

# --- the tenant export leaves out the Idempotency-Key cache, where a new key's secret is kept

=== the tenant export holds the keys, without their secrets and without the replay cache
GET /api/v1/tenant/export
--- 200 partial
{"tables": {"api_keys": [{"role": "user"}, {"role": "admin"}, {"id": "{{deploy_key}}", "role": "admin"}]}}

# --- an endpoint without a permission name goes by rank, and a custom role never ranks as admin
# (a tenant of its own: the trial's user limit)

=== sign up a second tenant
POST /api/v1/auth/signup
Authorization:

{"tenant_name": "Viewers Co {{run_id}}", "email": "owner2-{{run_id}}@priv.test", "password": "correct horse 2"}
--- 201 partial
{"access_token": "{{owner2_token=string}}", "tenant": {"slug": "{{viewers_slug=string}}"}}

@header Authorization: Bearer {{owner2_token}}

=== a viewers role
POST /api/v1/roles

{"name": "Viewers {{run_id}}", "permissions": ["customers.read"]}
--- 201 partial
{"id": "{{viewers_role=uuid}}"}

=== an admin held to it
POST /api/v1/users

{"email": "viewer-{{run_id}}@priv.test", "role": "admin", "role_id": "{{viewers_role}}", "password": "viewer password 1"}
--- 201 partial
{"id": "{{viewer_id=uuid}}"}

=== the viewer signs in
POST /api/v1/auth/login
Authorization:

{"tenant": "{{viewers_slug}}", "email": "viewer-{{run_id}}@priv.test", "password": "viewer password 1"}
--- 200 partial
{"access_token": "{{viewer_token=string}}"}

=== a custom role limits the endpoints without a permission name: tenant settings are refused
POST /api/v1/tenant/settings
Authorization: Bearer {{viewer_token}}

{"timezone": "Pacific/Auckland"}
--- 403 partial
{"error": {"code": "forbidden"}}

=== and the tenant's time zone is unchanged
GET /api/v1/tenant
--- 200 partial
{"timezone": "Asia/Kolkata"}

=== a bill run needs billing_runs.write, which the viewers role does not list
POST /api/v1/billing/runs
Authorization: Bearer {{viewer_token}}

{"date": "2026-11-01"}
--- 403 partial
{"error": {"code": "forbidden"}}

=== and no run was recorded
GET /api/v1/billing_runs
--- 200
{"data": [], "next_cursor": null}
