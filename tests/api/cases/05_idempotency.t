# 05_idempotency.t — Idempotency-Key on POST: the same key and body gives the first
# response again (even ten at once), the same key with another request is a 409, and the
# table holds exactly one row. A request that failed did not use its key up.

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.5.1-{{run_id}}

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Idempotency {{run_id}}", "email": "idem-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}"}

=== sign up a second tenant
POST /api/v1/auth/signup

{"tenant_name": "Idempotency B {{run_id}}", "email": "idem-b-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token_b=string}}"}

@header Authorization: Bearer {{token}}

@concurrent 10
=== the same Idempotency-Key sent 10 times at once: one row, every answer the same 201
POST /api/v1/customers
Idempotency-Key: burst-{{run_id}}

{"name": "Burst", "code": "BURST"}
--- 201 x10 same partial
{"id": "{{burst_id=uuid}}", "code": "BURST", "name": "Burst", "version": 1, "created_at": "{{timestamp}}",
 "updated_at": "{{timestamp}}", "credit_limit": null, "currency": "INR"}

=== and the list shows exactly one such row
GET /api/v1/customers?code=BURST
--- 200 partial
{"data": [{"id": "{{burst_id}}", "code": "BURST", "version": 1}], "next_cursor": null}

=== and no other row at all
GET /api/v1/customers?id[ne]={{burst_id}}
--- 200
{"data": [], "next_cursor": null}

=== a later replay answers the same response and says it is a replay
POST /api/v1/customers
Idempotency-Key: burst-{{run_id}}

{"name": "Burst", "code": "BURST"}
--- 201 partial
Idempotent-Replayed: true
Content-Type: application/json
Location: /api/v1/customers/{{burst_id}}
ETag: "1"

{"id": "{{burst_id}}", "code": "BURST", "version": 1}

=== the same key with another body is a 409
POST /api/v1/customers
Idempotency-Key: burst-{{run_id}}

{"name": "Burst", "code": "BURST2"}
--- 409
{"error": {"code": "idempotency_mismatch", "field": "Idempotency-Key", "message": "{{string}}"}}

=== the same key on another path is a 409
POST /api/v1/contacts
Idempotency-Key: burst-{{run_id}}

{"name": "Burst", "code": "BURST"}
--- 409
{"error": {"code": "idempotency_mismatch", "field": "Idempotency-Key", "message": "{{string}}"}}

=== the refused requests created nothing
GET /api/v1/customers?id[ne]={{burst_id}}
--- 200
{"data": [], "next_cursor": null}

=== a request that fails does not use its key up
POST /api/v1/customers
Idempotency-Key: retry-{{run_id}}

{"name": "Retry", "credit_limit": "1.005"}
--- 422
{"error": {"code": "too_precise", "field": "credit_limit", "message": "{{string}}"}}

=== the corrected request with the same key runs
POST /api/v1/customers
Idempotency-Key: retry-{{run_id}}

{"name": "Retry", "credit_limit": "1.01"}
--- 201 partial
Idempotent-Replayed: {{absent}}

{"id": "{{retry_id=uuid}}", "name": "Retry", "credit_limit": "1.01"}

=== and then replays
POST /api/v1/customers
Idempotency-Key: retry-{{run_id}}

{"name": "Retry", "credit_limit": "1.01"}
--- 201 partial
Idempotent-Replayed: true

{"id": "{{retry_id}}"}

=== a key is per tenant: another tenant's same key creates its own row
POST /api/v1/customers
Authorization: Bearer {{token_b}}
Idempotency-Key: burst-{{run_id}}

{"name": "Burst", "code": "BURST"}
--- 201 partial
Idempotent-Replayed: {{absent}}

{"id": "{{b_burst_id=uuid}}", "code": "BURST"}

=== that row is not tenant A's
GET /api/v1/customers/{{b_burst_id}}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== a key longer than 255 characters is a 400
POST /api/v1/customers
Idempotency-Key: {{fill:256}}

{"name": "Long key"}
--- 400
{"error": {"code": "malformed", "field": "Idempotency-Key", "message": "{{string}}"}}

=== without a key the same body creates a second row
POST /api/v1/customers

{"name": "Retry", "credit_limit": "1.01"}
--- 201 partial
{"name": "Retry"}

=== so there are two rows named Retry, and still one Burst
GET /api/v1/customers?name[in]=Retry,Burst&order=name
--- 200 partial
{"data": [{"name": "Burst"}, {"name": "Retry"}, {"name": "Retry"}], "next_cursor": null}

=== exactly three
GET /api/v1/customers?name[in]=Retry,Burst&order=name&limit=3
--- 200 partial
{"next_cursor": null}
