# 3x_sessions.t — listing and revoking sign-in sessions (issue 3, domain/sessions.c)
@header X-Remit-Test-Ip: 10.31.0.1

=== sign up an admin
POST /api/v1/auth/signup

{"tenant_name": "Sessions Co {{run_id}}", "email": "owner-{{run_id}}@sessions.test", "password": "correct horse 1",
 "first_name": "Olga"}
--- 201 partial
{"access_token": "{{admin_token=string}}", "session_id": "{{s1=uuid}}",
 "tenant": {"slug": "{{slug=string}}"}, "user": {"id": "{{admin_id=uuid}}"}}

=== the admin signs in a second time from a laptop
POST /api/v1/auth/login
User-Agent: Laptop/1.0

{"email": "owner-{{run_id}}@sessions.test", "password": "correct horse 1", "tenant": "{{slug}}"}
--- 200 partial
{"access_token": "{{laptop_token=string}}", "refresh_token": "{{laptop_refresh=string}}", "session_id": "{{s2=uuid}}"}

=== list own sessions marks the current one, newest first
GET /api/v1/auth/sessions
Authorization: Bearer {{admin_token}}
--- 200
{"data": [
  {"id": "{{s2}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "Laptop/1.0", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": false},
  {"id": "{{s1}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "remit-api-tests", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": true}],
 "next_cursor": null}

=== the same list from the laptop marks the laptop's session current
GET /api/v1/auth/sessions?limit=1
Authorization: Bearer {{laptop_token}}
--- 200 partial
{"data": [{"id": "{{s2}}", "current": true}], "next_cursor": "{{page2=string}}"}

=== the list pages with a cursor
GET /api/v1/auth/sessions?limit=1&cursor={{page2}}
Authorization: Bearer {{laptop_token}}
--- 200 partial
{"data": [{"id": "{{s1}}", "current": false}], "next_cursor": null}

=== the admin adds a clerk with a password
POST /api/v1/users
Authorization: Bearer {{admin_token}}

{"email": "clerk-{{run_id}}@sessions.test", "role": "user", "password": "clerk password 1"}
--- 201 partial
{"id": "{{clerk_id=uuid}}", "role": "user"}

=== the clerk signs in
POST /api/v1/auth/login

{"email": "clerk-{{run_id}}@sessions.test", "password": "clerk password 1", "tenant": "{{slug}}"}
--- 200 partial
{"access_token": "{{clerk_token=string}}", "session_id": "{{s3=uuid}}"}

=== a user sees only their own sessions
GET /api/v1/auth/sessions
Authorization: Bearer {{clerk_token}}
--- 200
{"data": [{"id": "{{s3}}", "user_id": "{{clerk_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "remit-api-tests", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{clerk_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": true}],
 "next_cursor": null}

=== a user may name themselves in user_id
GET /api/v1/auth/sessions?user_id={{clerk_id}}
Authorization: Bearer {{clerk_token}}
--- 200 partial
{"data": [{"id": "{{s3}}"}], "next_cursor": null}

=== a user cannot list everyone's sessions
GET /api/v1/auth/sessions?all=true
Authorization: Bearer {{clerk_token}}
--- 403
{"error": {"code": "forbidden", "message": "only admins may list other users' sessions"}}

=== a user cannot list another user's sessions
GET /api/v1/auth/sessions?user_id={{admin_id}}
Authorization: Bearer {{clerk_token}}
--- 403
{"error": {"code": "forbidden", "message": "only admins may list other users' sessions"}}

=== a user cannot revoke someone else's session: it does not exist for them
POST /api/v1/auth/sessions/{{s1}}/revoke
Authorization: Bearer {{clerk_token}}
--- 404
{"error": {"code": "not_found", "message": "no such session"}}

=== and the admin's session still works
GET /api/v1/me
Authorization: Bearer {{admin_token}}
--- 200 partial
{"id": "{{admin_id}}"}

=== an admin lists one user's sessions
GET /api/v1/auth/sessions?user_id={{clerk_id}}
Authorization: Bearer {{admin_token}}
--- 200 partial
{"data": [{"id": "{{s3}}", "user_id": "{{clerk_id}}", "current": false}], "next_cursor": null}

=== an admin lists every session of the tenant
GET /api/v1/auth/sessions?all=true
Authorization: Bearer {{admin_token}}
--- 200
{"data": [
  {"id": "{{s3}}", "user_id": "{{clerk_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "remit-api-tests", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{clerk_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": false},
  {"id": "{{s2}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "Laptop/1.0", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": false},
  {"id": "{{s1}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "remit-api-tests", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": true}],
 "next_cursor": null}

=== an admin revokes the clerk's session
POST /api/v1/auth/sessions/{{s3}}/revoke
Authorization: Bearer {{admin_token}}
--- 200
{"id": "{{s3}}", "user_id": "{{clerk_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
 "ip_address": "10.31.0.1", "user_agent": "remit-api-tests", "is_active": false, "revoked_at": "{{timestamp}}",
 "revoked_reason": "revoked by admin", "version": 2, "created_by": "{{clerk_id}}", "created_at": "{{timestamp}}",
 "updated_at": "{{timestamp}}", "current": false}

=== a revoked session's access token stops working at once
GET /api/v1/me
Authorization: Bearer {{clerk_token}}
--- 401
{"error": {"code": "unauthenticated", "message": "session expired or revoked"}}

=== the admin revokes their own laptop session
POST /api/v1/auth/sessions/{{s2}}/revoke
Authorization: Bearer {{admin_token}}
--- 200 partial
{"id": "{{s2}}", "is_active": false, "revoked_reason": "revoked by user", "version": 2, "current": false}

=== revoking it again changes nothing
POST /api/v1/auth/sessions/{{s2}}/revoke
Authorization: Bearer {{admin_token}}
--- 200 partial
{"id": "{{s2}}", "is_active": false, "revoked_reason": "revoked by user", "version": 2}

=== the laptop's access token is refused
GET /api/v1/customers
Authorization: Bearer {{laptop_token}}
--- 401
{"error": {"code": "unauthenticated", "message": "session expired or revoked"}}

=== and so is its refresh token
POST /api/v1/auth/refresh

{"refresh_token": "{{laptop_refresh}}"}
--- 401
{"error": {"code": "unauthenticated", "message": "session revoked"}}

=== the default list shows live sessions only
GET /api/v1/auth/sessions
Authorization: Bearer {{admin_token}}
--- 200
{"data": [{"id": "{{s1}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "remit-api-tests", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": true}],
 "next_cursor": null}

=== include_revoked shows the revoked ones too
GET /api/v1/auth/sessions?include_revoked=true
Authorization: Bearer {{admin_token}}
--- 200
{"data": [
  {"id": "{{s2}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "Laptop/1.0", "is_active": false, "revoked_at": "{{timestamp}}",
   "revoked_reason": "revoked by user", "version": 2, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": false},
  {"id": "{{s1}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "remit-api-tests", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": true}],
 "next_cursor": null}

=== a flag takes true or false
GET /api/v1/auth/sessions?all=yes
Authorization: Bearer {{admin_token}}
--- 400
{"error": {"code": "bad_query", "message": "all and include_revoked take true or false"}}

=== user_id and all together are refused
GET /api/v1/auth/sessions?all=true&user_id={{clerk_id}}
Authorization: Bearer {{admin_token}}
--- 400
{"error": {"code": "bad_query", "field": "user_id", "message": "give either user_id or all=true, not both"}}

=== a malformed user_id is refused
GET /api/v1/auth/sessions?user_id=nobody
Authorization: Bearer {{admin_token}}
--- 400
{"error": {"code": "bad_query", "field": "user_id", "message": "{{string}}"}}

=== revoking an unknown session is a 404
POST /api/v1/auth/sessions/01900000-0000-7000-8000-000000000000/revoke
Authorization: Bearer {{admin_token}}
--- 404
{"error": {"code": "not_found", "message": "no such session"}}

=== revoking needs a token
POST /api/v1/auth/sessions/{{s1}}/revoke
--- 401
{"error": {"code": "unauthenticated", "message": "an Authorization: Bearer token is required"}}

=== the admin signs in on a phone and a tablet
POST /api/v1/auth/login
User-Agent: Phone/2.0

{"email": "owner-{{run_id}}@sessions.test", "password": "correct horse 1", "tenant": "{{slug}}"}
--- 200 partial
{"access_token": "{{phone_token=string}}", "session_id": "{{s4=uuid}}"}

=== and on a tablet
POST /api/v1/auth/login
User-Agent: Tablet/3.0

{"email": "owner-{{run_id}}@sessions.test", "password": "correct horse 1", "tenant": "{{slug}}"}
--- 200 partial
{"access_token": "{{tablet_token=string}}", "session_id": "{{s5=uuid}}"}

=== sign out everywhere else keeps the current session only
POST /api/v1/auth/sessions/revoke-others
Authorization: Bearer {{phone_token}}
--- 200
{"revoked": 2}

=== the other sessions are signed out
GET /api/v1/me
Authorization: Bearer {{admin_token}}
--- 401
{"error": {"code": "unauthenticated", "message": "session expired or revoked"}}

=== the tablet too
GET /api/v1/me
Authorization: Bearer {{tablet_token}}
--- 401
{"error": {"code": "unauthenticated", "message": "session expired or revoked"}}

=== the phone still works and is the only live session
GET /api/v1/auth/sessions
Authorization: Bearer {{phone_token}}
--- 200
{"data": [{"id": "{{s4}}", "user_id": "{{admin_id}}", "expires_at": "{{timestamp}}", "last_activity_at": "{{timestamp}}",
   "ip_address": "10.31.0.1", "user_agent": "Phone/2.0", "is_active": true, "revoked_at": null,
   "revoked_reason": null, "version": 1, "created_by": "{{admin_id}}", "created_at": "{{timestamp}}",
   "updated_at": "{{timestamp}}", "current": true}],
 "next_cursor": null}

=== an admin API key
POST /api/v1/api_keys
Authorization: Bearer {{phone_token}}

{"name": "sessions audit", "role": "admin"}
--- 201 partial
{"key": "{{api_key=string}}"}

=== an API key has no sessions of its own
GET /api/v1/auth/sessions
Authorization: Bearer {{api_key}}
--- 409
{"error": {"code": "invalid_state", "message": "an API key has no sessions of its own; give user_id= or all=true"}}

=== but an admin key lists a user's sessions
GET /api/v1/auth/sessions?user_id={{admin_id}}
Authorization: Bearer {{api_key}}
--- 200 partial
{"data": [{"id": "{{s4}}", "current": false}], "next_cursor": null}

=== and cannot sign out "everywhere else"
POST /api/v1/auth/sessions/revoke-others
Authorization: Bearer {{api_key}}
--- 409
{"error": {"code": "invalid_state", "message": "this request does not run under a sign-in session"}}

=== nor ask for an email verification
POST /api/v1/auth/email/verify-request
Authorization: Bearer {{api_key}}
--- 409
{"error": {"code": "invalid_state", "message": "an API key has no email address to verify"}}

=== the OpenAPI document lists the identity endpoints
GET /api/v1/openapi.json
--- 200 text
"/api/v1/auth/sessions"
"/api/v1/auth/sessions/{id}/revoke"
"/api/v1/auth/sessions/revoke-others"
"/api/v1/auth/password/forgot"
"/api/v1/auth/password/reset"
"/api/v1/auth/email/verify-request"
"/api/v1/auth/email/verify"
"/api/v1/tenant/export"
"/api/v1/settings/public"
"x-permission":"tenant.export"
