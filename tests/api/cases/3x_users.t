# 3x_users.t — user management by admins: create, invite, change, deactivate, delete (domain/users.c)
@header X-Remit-Test-Ip: 10.32.0.1

=== sign up an admin
POST /api/v1/auth/signup

{"tenant_name": "Users Co {{run_id}}", "email": "owner-{{run_id}}@users.test", "password": "correct horse 1",
 "first_name": "Ada", "last_name": "Admin"}
--- 201 partial
{"access_token": "{{admin_token=string}}", "tenant": {"slug": "{{slug=string}}"}, "user": {"id": "{{admin_id=uuid}}"}}

@header Authorization: Bearer {{admin_token}}

=== an admin creates a user with a password
POST /api/v1/users

{"email": "Manny-{{run_id}}@Users.test", "role": "manager", "password": "manager pass 1", "first_name": "Manny",
 "phone": "+91 98450 00000"}
--- 201
Location: /api/v1/users/{{manager_id=uuid}}

{"id": "{{manager_id}}", "email": "manny-{{run_id}}@users.test", "first_name": "Manny", "last_name": null,
 "phone": "+91 98450 00000", "position": null, "avatar_url": null, "role": "manager", "role_id": null, "email_verified": false,
 "email_verified_at": null, "is_active": true, "last_login_at": null, "last_login_ip": null, "locked_until": null,
 "timezone": null, "language": null, "hourly_rate": null, "version": 1, "created_by": "{{admin_id}}",
 "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== a user created with a password signs in at once
POST /api/v1/auth/login
Authorization:

{"email": "manny-{{run_id}}@users.test", "password": "manager pass 1"}
--- 200 partial
{"access_token": "{{manager_token=string}}", "user": {"id": "{{manager_id}}", "role": "manager"}}

=== an admin invites a user: no password, a set-password mail
POST /api/v1/users

{"email": "ivy-{{run_id}}@users.test", "role": "user", "first_name": "Ivy", "last_name": "Invitee"}
--- 201 partial
{"id": "{{invitee_id=uuid}}", "email": "ivy-{{run_id}}@users.test", "role": "user", "is_active": true}

=== an invited user cannot sign in before choosing a password
POST /api/v1/auth/login
Authorization:

{"email": "ivy-{{run_id}}@users.test", "password": ""}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password", "hint": "{{string}}"}}

=== the same email twice in a tenant is a conflict
POST /api/v1/users

{"email": "ivy-{{run_id}}@users.test", "role": "user"}
--- 409
{"error": {"code": "duplicate", "field": "email", "message": "email is already used"}}

=== a password shorter than 8 characters is refused
POST /api/v1/users

{"email": "short-{{run_id}}@users.test", "password": "1234567"}
--- 422
{"error": {"code": "invalid", "field": "password", "message": "password must have at least 8 characters"}}

=== a password must be a string
POST /api/v1/users

{"email": "short-{{run_id}}@users.test", "password": 12345678}
--- 422
{"error": {"code": "wrong_type", "field": "password", "message": "password must be a string"}}

=== a password hash cannot be given
POST /api/v1/users

{"email": "short-{{run_id}}@users.test", "password_hash": "$argon2id$v=19$x"}
--- 422
{"error": {"code": "read_only_field", "field": "password_hash", "message": "password_hash is computed by the server and cannot be set"}}

=== an unknown role is refused
POST /api/v1/users

{"email": "short-{{run_id}}@users.test", "role": "owner"}
--- 422
{"error": {"code": "invalid", "field": "role", "message": "role must be one of: admin, manager, user"}}

=== a manager cannot create users
POST /api/v1/users
Authorization: Bearer {{manager_token}}

{"email": "sneaky-{{run_id}}@users.test", "role": "admin", "password": "sneaky pass 1"}
--- 403
{"error": {"code": "forbidden", "message": "your role does not allow changing users"}}

=== a manager cannot delete users
DELETE /api/v1/users/{{invitee_id}}
Authorization: Bearer {{manager_token}}
--- 403
{"error": {"code": "forbidden", "message": "your role does not allow changing users"}}

=== a password is not changed with PATCH
PATCH /api/v1/users/{{manager_id}}

{"password": "another pass 1"}
--- 422
{"error": {"code": "read_only_field", "field": "password", "message": "password cannot be set here; use POST /api/v1/auth/password/forgot to reset it"}}

=== changing a user's email keeps it unverified and moves the sign-in
PATCH /api/v1/users/{{manager_id}}

{"email": "manny.new-{{run_id}}@users.test"}
--- 200 partial
{"id": "{{manager_id}}", "email": "manny.new-{{run_id}}@users.test", "email_verified": false, "email_verified_at": null,
 "version": 3}

=== the new email signs in without naming the tenant
POST /api/v1/auth/login
Authorization:

{"email": "manny.new-{{run_id}}@users.test", "password": "manager pass 1"}
--- 200 partial
{"user": {"id": "{{manager_id}}"}}

=== the old email no longer does
POST /api/v1/auth/login
Authorization:

{"email": "manny-{{run_id}}@users.test", "password": "manager pass 1"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password", "hint": "{{string}}"}}

=== deactivating a user signs them out at once
PATCH /api/v1/users/{{manager_id}}

{"is_active": false}
--- 200 partial
{"id": "{{manager_id}}", "is_active": false}

=== the deactivated user's token is refused
GET /api/v1/me
Authorization: Bearer {{manager_token}}
--- 401
{"error": {"code": "unauthenticated", "message": "session expired or revoked"}}

=== and their sessions are revoked
GET /api/v1/auth/sessions?user_id={{manager_id}}&include_revoked=true
--- 200 partial
{"data": [{"user_id": "{{manager_id}}", "is_active": false, "revoked_reason": "user deactivated"},
          {"user_id": "{{manager_id}}", "is_active": false, "revoked_reason": "user deactivated"}],
 "next_cursor": null}

=== the last admin cannot demote themselves
PATCH /api/v1/users/{{admin_id}}

{"role": "manager"}
--- 409
{"error": {"code": "conflict", "field": "role", "message": "the tenant's last active admin cannot be demoted or deactivated"}}

=== nor deactivate themselves
PATCH /api/v1/users/{{admin_id}}

{"is_active": false}
--- 409
{"error": {"code": "conflict", "field": "is_active", "message": "the tenant's last active admin cannot be demoted or deactivated"}}

=== and nothing changed
GET /api/v1/users/{{admin_id}}
--- 200 partial
{"role": "admin", "is_active": true, "version": 1}

=== an admin cannot delete themselves
DELETE /api/v1/users/{{admin_id}}
--- 409
{"error": {"code": "conflict", "message": "you cannot delete your own user; ask another admin"}}

=== a second admin is added
POST /api/v1/users

{"email": "second-{{run_id}}@users.test", "role": "admin", "password": "second admin 1"}
--- 201 partial
{"id": "{{admin2_id=uuid}}", "role": "admin"}

=== with another admin in place, the first may step down to manager
PATCH /api/v1/users/{{admin2_id}}

{"role": "manager"}
--- 200 partial
{"id": "{{admin2_id}}", "role": "manager"}

=== and an admin may delete another admin while one remains
PATCH /api/v1/users/{{admin2_id}}

{"role": "admin"}
--- 200 partial
{"role": "admin"}

=== deleting the second admin
DELETE /api/v1/users/{{admin2_id}}
--- 204 empty

=== deleting the invited user anonymises and removes them
DELETE /api/v1/users/{{invitee_id}}
--- 204 empty

=== a deleted user is not found
GET /api/v1/users/{{invitee_id}}
--- 404
{"error": {"code": "not_found", "message": "no such users"}}

=== nor deleted twice
DELETE /api/v1/users/{{invitee_id}}
--- 404
{"error": {"code": "not_found", "message": "no such users"}}

=== the list keeps the remaining users
GET /api/v1/users?order=created_at
--- 200 partial
{"data": [{"id": "{{admin_id}}"}, {"id": "{{manager_id}}"}], "next_cursor": null}

=== the audit trail keeps the user's history: anonymisation and delete recorded, the creation untouched
GET /api/v1/audit_logs?entity_id={{invitee_id}}
--- 200 partial
{"data": [
  {"entity_type": "users", "entity_id": "{{invitee_id}}", "action": "delete", "user_id": "{{admin_id}}",
   "old_values": {"email": "deleted-{{invitee_id}}@anonymized.invalid", "is_active": false}, "new_values": null},
  {"entity_type": "users", "entity_id": "{{invitee_id}}", "action": "anonymize", "user_id": "{{admin_id}}",
   "old_values": null,
   "new_values": {"email": "deleted-{{invitee_id}}@anonymized.invalid", "is_active": false, "role": "user"}},
  {"entity_type": "users", "entity_id": "{{invitee_id}}", "action": "create", "user_id": "{{admin_id}}",
   "old_values": null,
   "new_values": {"email": "ivy-{{run_id}}@users.test", "first_name": "Ivy", "last_name": "Invitee"}}],
 "next_cursor": null}

=== the deleted email can be given to a new user
POST /api/v1/users

{"email": "ivy-{{run_id}}@users.test", "role": "user", "password": "ivy again 12"}
--- 201 partial
{"id": "{{ivy2_id=uuid}}", "email": "ivy-{{run_id}}@users.test"}

=== and signs in as the new user
POST /api/v1/auth/login
Authorization:

{"email": "ivy-{{run_id}}@users.test", "password": "ivy again 12"}
--- 200 partial
{"user": {"id": "{{ivy2_id}}"}}

=== a custom role may manage users without being an admin
POST /api/v1/roles

{"name": "User managers {{run_id}}", "permissions": ["users.read", "users.write"]}
--- 201 partial
{"id": "{{role_id=uuid}}"}

=== a user holding it
POST /api/v1/users

{"email": "hr-{{run_id}}@users.test", "role": "user", "role_id": "{{role_id}}", "password": "hr password 12"}
--- 201 partial
{"id": "{{hr_id=uuid}}", "role_id": "{{role_id}}"}

=== signs in
POST /api/v1/auth/login
Authorization:

{"email": "hr-{{run_id}}@users.test", "password": "hr password 12"}
--- 200 partial
{"access_token": "{{hr_token=string}}"}

=== but cannot delete the last active admin
DELETE /api/v1/users/{{admin_id}}
Authorization: Bearer {{hr_token}}
--- 409
{"error": {"code": "conflict", "message": "the tenant's last active admin cannot be deleted"}}

=== nor demote them: they outrank the custom role
PATCH /api/v1/users/{{admin_id}}
Authorization: Bearer {{hr_token}}

{"role": "user"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "you cannot change the role of a user whose role is higher than yours"}}

=== and may delete an ordinary user
DELETE /api/v1/users/{{ivy2_id}}
Authorization: Bearer {{hr_token}}
--- 204 empty

=== the admin is untouched
GET /api/v1/users/{{admin_id}}
--- 200 partial
{"role": "admin", "is_active": true, "email": "owner-{{run_id}}@users.test"}

=== a custom role with users.write cannot make an admin
POST /api/v1/users
Authorization: Bearer {{hr_token}}

{"email": "sneaky2-{{run_id}}@users.test", "role": "admin", "password": "sneaky pass 12"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "only an admin can give the admin role"}}

=== nor promote itself
PATCH /api/v1/users/{{hr_id}}
Authorization: Bearer {{hr_token}}

{"role": "admin"}
--- 403
{"error": {"code": "forbidden", "field": "role", "message": "only an admin can give the admin role"}}

=== a broader custom role exists
POST /api/v1/roles

{"name": "Billing {{run_id}}", "permissions": ["users.read", "customers.write"]}
--- 201 partial
{"id": "{{billing_role=uuid}}"}

=== a custom role cannot hand out permissions it does not hold
PATCH /api/v1/users/{{hr_id}}
Authorization: Bearer {{hr_token}}

{"role_id": "{{billing_role}}"}
--- 403
{"error": {"code": "forbidden", "field": "role_id", "message": "the role grants customers.write, which you do not hold"}}

=== an admin can
PATCH /api/v1/users/{{hr_id}}

{"role_id": "{{billing_role}}"}
--- 200 partial
{"role_id": "{{billing_role}}"}
