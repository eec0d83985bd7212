# 3x_password.t — the HTTP surface of password reset and email verification (domain/password.c,
# domain/verify.c). The flows that need the mailed tokens are in tests/scenario/test_identity_tokens.c.
@header X-Remit-Test-Ip: 10.34.0.1

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Password Co {{run_id}}", "email": "owner-{{run_id}}@password.test", "password": "correct horse 1"}
--- 201 partial
{"access_token": "{{token=string}}", "tenant": {"slug": "{{slug=string}}"},
 "user": {"email_verified": false, "email_verified_at": null}}

=== forgot for a known email is accepted
POST /api/v1/auth/password/forgot

{"email": "owner-{{run_id}}@password.test"}
--- 202
{"status": "accepted", "message": "if this email belongs to an account, a link to reset its password has been sent to it"}

=== forgot for an unknown email gives the same answer
POST /api/v1/auth/password/forgot

{"email": "nobody-{{run_id}}@password.test"}
--- 202
{"status": "accepted", "message": "if this email belongs to an account, a link to reset its password has been sent to it"}

=== forgot with the tenant slug, and the email in capitals
POST /api/v1/auth/password/forgot

{"email": "OWNER-{{run_id}}@PASSWORD.TEST", "tenant": "{{slug}}"}
--- 202
{"status": "accepted", "message": "if this email belongs to an account, a link to reset its password has been sent to it"}

=== forgot with an unknown tenant gives the same answer
POST /api/v1/auth/password/forgot

{"email": "owner-{{run_id}}@password.test", "tenant": "no-such-tenant-{{run_id}}"}
--- 202
{"status": "accepted", "message": "if this email belongs to an account, a link to reset its password has been sent to it"}

=== forgot needs an email
POST /api/v1/auth/password/forgot

{}
--- 422
{"error": {"code": "required", "field": "email", "message": "email is required"}}

=== forgot takes email and tenant only
POST /api/v1/auth/password/forgot

{"email": "owner-{{run_id}}@password.test", "password": "guess"}
--- 422
{"error": {"code": "unknown_field", "field": "password", "message": "password is not an accepted field"}}

=== forgot's email is a string
POST /api/v1/auth/password/forgot

{"email": ["owner-{{run_id}}@password.test"]}
--- 422
{"error": {"code": "wrong_type", "field": "email", "message": "email must be a string"}}

=== forgot refuses malformed JSON
POST /api/v1/auth/password/forgot

{"email": 
--- 400
{"error": {"code": "malformed", "message": "{{string}}"}}

=== reset needs a token
POST /api/v1/auth/password/reset

{"password": "new password 1"}
--- 422
{"error": {"code": "required", "field": "token", "message": "token is required"}}

=== reset checks the new password before the token
POST /api/v1/auth/password/reset

{"token": "rpt_whatever", "password": "short"}
--- 422
{"error": {"code": "invalid", "field": "password", "message": "password must have at least 8 characters"}}

=== reset refuses a made-up token
POST /api/v1/auth/password/reset

{"token": "rpt_not-a-token", "password": "new password 1"}
--- 422
{"error": {"code": "invalid", "field": "token", "message": "token is not valid"}}

=== reset refuses a well-formed token that was never issued
POST /api/v1/auth/password/reset

{"token": "rpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "password": "new password 1"}
--- 422
{"error": {"code": "invalid", "field": "token", "message": "token is not valid"}}

=== reset refuses an email verification token
POST /api/v1/auth/password/reset

{"token": "rev_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "password": "new password 1"}
--- 422
{"error": {"code": "invalid", "field": "token", "message": "token is not valid"}}

=== reset takes token and password only
POST /api/v1/auth/password/reset

{"token": "rpt_x", "password": "new password 1", "email": "owner-{{run_id}}@password.test"}
--- 422
{"error": {"code": "unknown_field", "field": "email", "message": "email is not an accepted field"}}

=== the password is unchanged by all that
POST /api/v1/auth/login

{"email": "owner-{{run_id}}@password.test", "password": "correct horse 1"}
--- 200 partial
{"token_type": "Bearer"}

=== verify needs a token
POST /api/v1/auth/email/verify

{}
--- 422
{"error": {"code": "required", "field": "token", "message": "token is required"}}

=== verify refuses a made-up token
POST /api/v1/auth/email/verify

{"token": "rev_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
--- 422
{"error": {"code": "invalid", "field": "token", "message": "token is not valid"}}

=== verify refuses a reset token
POST /api/v1/auth/email/verify

{"token": "rpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
--- 422
{"error": {"code": "invalid", "field": "token", "message": "token is not valid"}}

=== verify's token is a string
POST /api/v1/auth/email/verify

{"token": 7}
--- 422
{"error": {"code": "wrong_type", "field": "token", "message": "token must be a string"}}

=== a signed-in user asks for a new verification mail
POST /api/v1/auth/email/verify-request
Authorization: Bearer {{token}}
--- 202
{"status": "sent", "email": "owner-{{run_id}}@password.test"}

=== verify-request takes no fields
POST /api/v1/auth/email/verify-request
Authorization: Bearer {{token}}

{"email": "other-{{run_id}}@password.test"}
--- 422
{"error": {"code": "unknown_field", "field": "email", "message": "email is not an accepted field"}}

=== verify-request needs a sign-in
POST /api/v1/auth/email/verify-request
--- 401
{"error": {"code": "unauthenticated", "message": "an Authorization: Bearer token is required"}}
