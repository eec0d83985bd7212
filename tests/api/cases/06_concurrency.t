# 06_concurrency.t — concurrent writers: If-Match makes exactly one of two racing PATCHes
# win (the other gets 412), updates without If-Match are never lost, a unique value goes to
# one of many racing creates, and racing deletes delete once.

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.6.1-{{run_id}}

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Concurrency {{run_id}}", "email": "conc-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}"}

@header Authorization: Bearer {{token}}

=== a customer to fight over
POST /api/v1/customers

{"code": "RACE", "name": "Race"}
--- 201 partial
{"id": "{{race_id=uuid}}", "version": 1}

@concurrent 2
=== two concurrent PATCHes with the same If-Match: one 200, one 412
PATCH /api/v1/customers/{{race_id}}
If-Match: "1"

{"name": "Winner"}
--- 200 x1 partial
{"name": "Winner", "version": 2}
--- 412 x1
{"error": {"code": "precondition_failed", "message": "{{string}}"}}

=== the row has version 2
GET /api/v1/customers/{{race_id}}
--- 200 partial
ETag: "2"

{"name": "Winner", "version": 2}

@concurrent 10
=== ten concurrent PATCHes with the same If-Match: one 200, nine 412
PATCH /api/v1/customers/{{race_id}}
If-Match: "2"

{"notes": "one of ten"}
--- 200 x1 partial
{"notes": "one of ten", "version": 3}
--- 412 x9
{"error": {"code": "precondition_failed", "message": "{{string}}"}}

=== the row has version 3
GET /api/v1/customers/{{race_id}}
--- 200 partial
ETag: "3"

{"version": 3}

@concurrent 8
=== eight concurrent PATCHes without If-Match all apply
PATCH /api/v1/customers/{{race_id}}

{"city": "Pune"}
--- 200 x8 partial
{"city": "Pune"}

=== no update was lost: the version counts all eight
GET /api/v1/customers/{{race_id}}
--- 200 partial
ETag: "11"

{"version": 11}

=== and the audit trail has one update per version
GET /api/v1/audit_logs?entity_id={{race_id}}&action=update&limit=10
--- 200 partial
{"data": [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}], "next_cursor": null}

@concurrent 6
=== six concurrent creates with one unique code: one 201, five 409
POST /api/v1/customers

{"code": "ONLY-ONE", "name": "Only one"}
--- 201 x1 partial
{"code": "ONLY-ONE"}
--- 409 x5
{"error": {"code": "duplicate", "field": "code", "message": "{{string}}"}}

=== one row has the code
GET /api/v1/customers?code=ONLY-ONE
--- 200 partial
{"data": [{"code": "ONLY-ONE"}], "next_cursor": null}

@concurrent 5
=== five concurrent deletes with the same If-Match delete once
DELETE /api/v1/customers/{{race_id}}
If-Match: "11"
--- 204 x1 empty
--- 404 x4
{"error": {"code": "not_found", "message": "{{string}}"}}

=== the row is gone
GET /api/v1/customers/{{race_id}}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

@concurrent 5
=== five concurrent sign-ups with one organisation name all succeed with distinct slugs
POST /api/v1/auth/signup
Authorization:

{"tenant_name": "Crowded {{run_id}}", "email": "crowd-{{run_id}}@example.com", "password": "correct horse"}
--- 201 x5 partial
{"tenant": {"slug": "crowded-{{run_id}}{{*}}"}}

=== five tenants were made, one per slug
POST /api/v1/auth/login
Authorization:

{"tenant": "crowded-{{run_id}}-5", "email": "crowd-{{run_id}}@example.com", "password": "correct horse"}
--- 200 partial
{"tenant": {"slug": "crowded-{{run_id}}-5"}}
