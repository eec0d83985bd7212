# 01_auth.t — sign-up, sign-in, bearer tokens and refresh rotation (issue 2, item 6).
# Sign-in failures all answer one body, so the answer never tells whether an email exists.

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.1.1-{{run_id}}

=== signup creates a tenant with a unique slug and its first user as admin
POST /api/v1/auth/signup

{"tenant_name": "Auth Co {{run_id}}", "email": "Owner-{{run_id}}@Example.com", "password": "correct horse",
 "first_name": "Asha"}
--- 201
Content-Type: application/json
{"access_token": "rat_{{token=*}}", "refresh_token": "rrt_{{*}}", "token_type": "Bearer", "expires_in": 900,
 "session_id": "{{session_id=uuid}}",
 "tenant": {"id": "{{tenant_id=uuid}}", "name": "Auth Co {{run_id}}", "slug": "auth-co-{{run_id}}",
            "email": "owner-{{run_id}}@example.com", "domain": null, "subscription_status": "trial",
            "trial_start_date": "{{timestamp}}", "trial_end_date": "{{timestamp}}", "is_trial_used": true,
            "converted_to_paid_at": null, "subscription_start_date": null, "subscription_end_date": null,
            "current_invoice_count": 0, "current_customer_count": 0, "current_user_count": 1,
            "is_active": true, "base_currency": "INR", "timezone": "Asia/Kolkata", "rounding": "half_up",
            "settings": null, "version": 1, "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"},
 "user": {"id": "{{user_id=uuid}}", "email": "owner-{{run_id}}@example.com", "first_name": "Asha",
          "last_name": null, "phone": null, "position": null, "avatar_url": null, "role": "admin",
          "role_id": null, "email_verified": false, "email_verified_at": null, "is_active": true, "last_login_at": null,
          "last_login_ip": null, "locked_until": null, "timezone": null, "language": null,
          "hourly_rate": null, "version": 1, "created_by": null, "created_at": "{{timestamp}}",
          "updated_at": "{{timestamp}}"}}

=== signup never returns the password hash
POST /api/v1/auth/signup

{"tenant_name": "Hashless {{run_id}}", "email": "hashless-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"user": {"role": "admin", "email": "hashless-{{run_id}}@example.com"}}

=== the access token opens the api
GET /api/v1/me
Authorization: Bearer rat_{{token}}
--- 200 partial
{"id": "{{user_id}}", "email": "owner-{{run_id}}@example.com", "role": "admin"}

=== the caller's tenant is readable
GET /api/v1/tenant
Authorization: Bearer rat_{{token}}
--- 200 partial
{"id": "{{tenant_id}}", "slug": "auth-co-{{run_id}}"}

=== a second tenant with the same name gets the slug with -2
POST /api/v1/auth/signup

{"tenant_name": "Auth Co {{run_id}}", "email": "other-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"tenant": {"id": "{{tenant2_id=uuid}}", "slug": "auth-co-{{run_id}}-2"}}

=== and a third one -3
POST /api/v1/auth/signup

{"tenant_name": "auth co  {{run_id}}!", "email": "third-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"tenant": {"slug": "auth-co-{{run_id}}-3"}}

=== signup without a tenant name is a 422 naming it
POST /api/v1/auth/signup

{"email": "x-{{run_id}}@example.com", "password": "correct horse"}
--- 422
{"error": {"code": "required", "field": "tenant_name", "message": "{{string}}"}}

=== signup with a short password is a 422 naming it
POST /api/v1/auth/signup

{"tenant_name": "Short {{run_id}}", "email": "short-{{run_id}}@example.com", "password": "1234567"}
--- 422
{"error": {"code": "invalid", "field": "password", "message": "{{string}}"}}

=== signup with a bad email is a 422 naming it
POST /api/v1/auth/signup

{"tenant_name": "Bad mail {{run_id}}", "email": "not-an-email", "password": "correct horse"}
--- 422
{"error": {"code": "invalid", "field": "email", "message": "{{string}}"}}

=== signup with an unknown field is a 422 naming it
POST /api/v1/auth/signup

{"tenant_name": "Extra {{run_id}}", "email": "extra-{{run_id}}@example.com", "password": "correct horse",
 "plan": "gold"}
--- 422
{"error": {"code": "unknown_field", "field": "plan", "message": "{{string}}"}}

=== signup with an unknown base currency is a 422 naming it
POST /api/v1/auth/signup

{"tenant_name": "Money {{run_id}}", "email": "money-{{run_id}}@example.com", "password": "correct horse",
 "base_currency": "XXQ"}
--- 422
{"error": {"code": "invalid", "field": "base_currency", "message": "{{string}}"}}

=== a refused signup created nothing: the email cannot sign in
POST /api/v1/auth/login

{"email": "money-{{run_id}}@example.com", "password": "correct horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

@header X-Remit-Test-Ip: 198.51.1.2-{{run_id}}

=== login with the tenant slug
POST /api/v1/auth/login

{"tenant": "auth-co-{{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "correct horse"}
--- 200 partial
{"access_token": "rat_{{*}}", "refresh_token": "rrt_{{*}}", "token_type": "Bearer",
 "tenant": {"id": "{{tenant_id}}"}, "user": {"id": "{{user_id}}", "last_login_at": "{{timestamp}}"}}

=== login without the tenant slug when the email belongs to one tenant only, in any case
POST /api/v1/auth/login

{"email": "OWNER-{{run_id}}@example.COM", "password": "correct horse"}
--- 200 partial
{"tenant": {"id": "{{tenant_id}}"}, "user": {"id": "{{user_id}}"}}

=== wrong password is a 401
POST /api/v1/auth/login

{"tenant": "auth-co-{{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "wrong horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

=== unknown email answers the same body as a wrong password
POST /api/v1/auth/login

{"tenant": "auth-co-{{run_id}}", "email": "nobody-{{run_id}}@example.com", "password": "correct horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

=== unknown email without a slug answers the same body too
POST /api/v1/auth/login

{"email": "nobody-{{run_id}}@example.com", "password": "correct horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

=== unknown tenant slug answers the same body too
POST /api/v1/auth/login

{"tenant": "no-such-tenant-{{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "correct horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

=== a user of another tenant cannot sign in to this one
POST /api/v1/auth/login

{"tenant": "auth-co-{{run_id}}", "email": "other-{{run_id}}@example.com", "password": "correct horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

=== login without a password is a 422
POST /api/v1/auth/login

{"email": "owner-{{run_id}}@example.com"}
--- 422
{"error": {"code": "required", "field": "password", "message": "{{string}}"}}

=== login with a non-string password is a 422
POST /api/v1/auth/login

{"email": "owner-{{run_id}}@example.com", "password": 12345678}
--- 422
{"error": {"code": "wrong_type", "field": "password", "message": "{{string}}"}}

=== login with a GET is refused
GET /api/v1/auth/login
--- 405
Allow: POST
{"error": {"code": "method_not_allowed", "message": "{{string}}"}}

=== no token is a 401
GET /api/v1/customers
--- 401
WWW-Authenticate: Bearer
{"error": {"code": "unauthenticated", "message": "{{string}}"}}

=== a non-bearer authorization is a 401
GET /api/v1/customers
Authorization: Basic b3duZXI6cGFzcw==
--- 401
{"error": {"code": "unauthenticated", "message": "{{string}}"}}

=== a bad token is a 401
GET /api/v1/customers
Authorization: Bearer rat_not-a-token
--- 401
WWW-Authenticate: Bearer error="invalid_token"
{"error": {"code": "unauthenticated", "message": "invalid access token"}}

=== a token with characters added is a 401
GET /api/v1/customers
Authorization: Bearer rat_{{token}}x
--- 401
{"error": {"code": "unauthenticated", "message": "invalid access token"}}

=== a refresh token is not an access token
GET /api/v1/customers
Authorization: Bearer rrt_{{token}}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid access token"}}

=== an expired access token is a 401
POST /api/v1/_test/clock

{"offset_seconds": 901}
--- 200 partial
{"offset_seconds": 901}

=== the token fifteen minutes and one second later
GET /api/v1/me
Authorization: Bearer rat_{{token}}
--- 401
{"error": {"code": "unauthenticated", "message": "access token expired"}}

=== the clock back to now
POST /api/v1/_test/clock

{"offset_seconds": 0}
--- 200 partial
{"offset_seconds": 0}

=== the same token works again before its expiry
GET /api/v1/me
Authorization: Bearer rat_{{token}}
--- 200 partial
{"id": "{{user_id}}"}

@header X-Remit-Test-Ip: 198.51.1.3-{{run_id}}

=== a fresh login for the refresh tests
POST /api/v1/auth/login

{"tenant": "auth-co-{{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "correct horse"}
--- 200 partial
{"access_token": "{{access1=string}}", "refresh_token": "{{refresh1=string}}", "session_id": "{{sess=uuid}}"}

=== refresh rotates the refresh token and gives a new access token
POST /api/v1/auth/refresh

{"refresh_token": "{{refresh1}}"}
--- 200
{"access_token": "rat_{{access2=*}}", "refresh_token": "rrt_{{refresh2=*}}", "token_type": "Bearer",
 "expires_in": 900, "session_id": "{{sess}}"}

=== the new access token works
GET /api/v1/me
Authorization: Bearer rat_{{access2}}
--- 200 partial
{"id": "{{user_id}}"}

=== the rotated-out refresh token is refused and revokes the session
POST /api/v1/auth/refresh

{"refresh_token": "{{refresh1}}"}
--- 401
{"error": {"code": "unauthenticated", "message": "refresh token already used; the session is revoked"}}

=== after reuse the new refresh token is dead too
POST /api/v1/auth/refresh

{"refresh_token": "rrt_{{refresh2}}"}
--- 401
{"error": {"code": "unauthenticated", "message": "{{string}}"}}

=== after reuse the session's access tokens stop working at once
GET /api/v1/me
Authorization: Bearer rat_{{access2}}
--- 401
{"error": {"code": "unauthenticated", "message": "{{string}}"}}

=== a made-up refresh token is a 401
POST /api/v1/auth/refresh

{"refresh_token": "rrt_AAAA"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid refresh token"}}

=== logout revokes the session
POST /api/v1/auth/logout
Authorization: Bearer rat_{{token}}
--- 204 empty

=== a signed-out token is a 401
GET /api/v1/me
Authorization: Bearer rat_{{token}}
--- 401
{"error": {"code": "unauthenticated", "message": "{{string}}"}}

@header X-Remit-Test-Ip: 198.51.1.4-{{run_id}}

=== an email in two tenants must name the tenant
POST /api/v1/auth/signup

{"tenant_name": "Second home {{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "other horse 2"}
--- 201 partial
{"tenant": {"slug": "second-home-{{run_id}}"}}

=== without the slug such an email cannot sign in
POST /api/v1/auth/login

{"email": "owner-{{run_id}}@example.com", "password": "correct horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

=== with the slug it signs in to that tenant
POST /api/v1/auth/login

{"tenant": "second-home-{{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "other horse 2"}
--- 200 partial
{"tenant": {"slug": "second-home-{{run_id}}"}, "user": {"role": "admin"}}

@header X-Remit-Test-Ip: 198.51.1.5-{{run_id}}

=== sign in to the first tenant again
POST /api/v1/auth/login

{"tenant": "auth-co-{{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "correct horse"}
--- 200 partial
{"access_token": "{{token3=string}}"}

=== a user changes their email
PATCH /api/v1/users/{{user_id}}
Authorization: Bearer {{token3}}

{"email": "Renamed-{{run_id}}@example.com"}
--- 200 partial
{"email": "renamed-{{run_id}}@example.com"}

=== the new email signs in without the tenant slug
POST /api/v1/auth/login

{"email": "renamed-{{run_id}}@example.com", "password": "correct horse"}
--- 200 partial
{"tenant": {"id": "{{tenant_id}}"}, "user": {"id": "{{user_id}}"}}

=== the old email no longer signs in to that tenant
POST /api/v1/auth/login

{"tenant": "auth-co-{{run_id}}", "email": "owner-{{run_id}}@example.com", "password": "correct horse"}
--- 401
{"error": {"code": "unauthenticated", "message": "invalid email or password",
           "hint": "if your email belongs to more than one organisation, give its tenant slug"}}

=== the old email now belongs to one tenant only and signs in without the slug
POST /api/v1/auth/login

{"email": "owner-{{run_id}}@example.com", "password": "other horse 2"}
--- 200 partial
{"tenant": {"slug": "second-home-{{run_id}}"}}

=== one email in two more tenants
POST /api/v1/auth/signup

{"tenant_name": "Shared one {{run_id}}", "email": "shared-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{shared1=string}}", "user": {"id": "{{shared1_user=uuid}}"}}

=== and its second tenant
POST /api/v1/auth/signup

{"tenant_name": "Shared two {{run_id}}", "email": "shared-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"tenant": {"id": "{{shared2_tenant=uuid}}"}}

=== the first tenant gets a second admin (nobody deletes themselves, nor the last admin)
POST /api/v1/users
Authorization: Bearer {{shared1}}

{"email": "deputy-{{run_id}}@example.com", "role": "admin", "password": "deputy horse 1"}
--- 201

=== the deputy signs in
POST /api/v1/auth/login

{"email": "deputy-{{run_id}}@example.com", "password": "deputy horse 1"}
--- 200 partial
{"access_token": "{{deputy=string}}"}

=== the user leaves the first tenant
DELETE /api/v1/users/{{shared1_user}}
Authorization: Bearer {{deputy}}
--- 204 empty

=== the email then belongs to one tenant only and signs in without the slug
POST /api/v1/auth/login

{"email": "shared-{{run_id}}@example.com", "password": "correct horse"}
--- 200 partial
{"tenant": {"id": "{{shared2_tenant}}"}}
