# 03_bad_input.t — bad input gets a precise error in the error shape and changes nothing.
# After each refused write the test reads the table back: the one row of the tenant is
# byte-for-byte what it was ({{base}} is the whole row as created), and nothing was added.

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.3.1-{{run_id}}

=== sign up tenant A
POST /api/v1/auth/signup

{"tenant_name": "Bad input A {{run_id}}", "email": "bad-a-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}", "user": {"id": "{{user_a=uuid}}"}}

=== sign up tenant B
POST /api/v1/auth/signup

{"tenant_name": "Bad input B {{run_id}}", "email": "bad-b-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token_b=string}}", "user": {"id": "{{user_b=uuid}}"}}

@header Authorization: Bearer {{token}}

=== the base row
POST /api/v1/customers

{"code": "BASE", "name": "Base Row", "credit_limit": "10.00"}
--- 201
Location: /api/v1/customers/{{base_id=uuid}}

"{{base=*}}"

=== the table holds the base row
GET /api/v1/customers
--- 200
{"data": ["{{base}}"], "next_cursor": null}

# ---- malformed bodies: 400

=== malformed JSON on create is a 400
POST /api/v1/customers

{"name": "Broken", 
--- 400
{"error": {"code": "malformed", "message": "malformed JSON at line 1, column 19: string or '}' expected near end of file"}}

=== malformed JSON on patch is a 400
PATCH /api/v1/customers/{{base_id}}

{"name": 'single quotes'}
--- 400
{"error": {"code": "malformed", "message": "{{string}}"}}

=== a duplicate key is malformed
POST /api/v1/customers

{"name": "One", "name": "Two"}
--- 400
{"error": {"code": "malformed", "message": "{{string}}"}}

=== a body that is not an object is malformed
POST /api/v1/customers

[{"name": "In an array"}]
--- 400
{"error": {"code": "malformed", "message": "the body must be a JSON object"}}

=== an empty body is malformed
POST /api/v1/customers
--- 400
{"error": {"code": "malformed", "message": "a JSON body is required"}}

=== a body that is not JSON is a 415
POST /api/v1/customers
Content-Type: text/plain

name=Plain
--- 415
{"error": {"code": "unsupported_media_type", "message": "{{string}}"}}

=== nothing was written by the malformed bodies
GET /api/v1/customers
--- 200
{"data": ["{{base}}"], "next_cursor": null}

# ---- validation: 422 naming the field

=== an unknown field on create is a 422 naming it
POST /api/v1/customers

{"name": "Unknown", "nickname": "U"}
--- 422
{"error": {"code": "unknown_field", "field": "nickname", "message": "nickname is not a field of customers"}}

=== an unknown field on patch is a 422 naming it
PATCH /api/v1/customers/{{base_id}}

{"name": "Renamed", "favourite_colour": "blue"}
--- 422
{"error": {"code": "unknown_field", "field": "favourite_colour", "message": "{{string}}"}}

=== an internal field is refused like an unknown one
PATCH /api/v1/customers/{{base_id}}

{"deleted_at": "2026-01-01T00:00:00Z"}
--- 422
{"error": {"code": "unknown_field", "field": "deleted_at", "message": "{{string}}"}}

=== a number for a text field is a 422 wrong_type
POST /api/v1/customers

{"name": 42}
--- 422
{"error": {"code": "wrong_type", "field": "name", "message": "name must be a string"}}

=== a string for a boolean is a 422 wrong_type
PATCH /api/v1/customers/{{base_id}}

{"is_active": "yes"}
--- 422
{"error": {"code": "wrong_type", "field": "is_active", "message": "is_active must be true or false"}}

=== a string for an integer is a 422 wrong_type
PATCH /api/v1/customers/{{base_id}}

{"payment_terms": "15"}
--- 422
{"error": {"code": "wrong_type", "field": "payment_terms", "message": "payment_terms must be an integer"}}

=== a fraction for an integer is a 422 wrong_type
PATCH /api/v1/customers/{{base_id}}

{"payment_terms": 15.5}
--- 422
{"error": {"code": "wrong_type", "field": "payment_terms", "message": "payment_terms must be an integer"}}

=== an object for a text field is a 422 wrong_type
PATCH /api/v1/customers/{{base_id}}

{"city": {"name": "Pune"}}
--- 422
{"error": {"code": "wrong_type", "field": "city", "message": "city must be a string"}}

=== money with too many decimals is a 422 too_precise, not rounded
PATCH /api/v1/customers/{{base_id}}

{"credit_limit": "1.005"}
--- 422
{"error": {"code": "too_precise", "field": "credit_limit", "message": "{{string}}"}}

=== money with a trailing zero beyond the minor unit is too precise as well
POST /api/v1/customers

{"name": "Trailing zero", "credit_limit": "1.000"}
--- 422
{"error": {"code": "too_precise", "field": "credit_limit", "message": "{{string}}"}}

=== money in exponent notation is a 422
POST /api/v1/customers

{"name": "Exponent", "credit_limit": "1e3"}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "credit_limit is not a valid decimal number",
           "hint": "write the amount as a string of digits with up to 2 decimal places, e.g. \"1234.50\""}}

=== money with a thousands separator is a 422
POST /api/v1/customers

{"name": "Separator", "credit_limit": "1,000.00"}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "credit_limit is not a valid decimal number",
           "hint": "write the amount as a string of digits with up to 2 decimal places, e.g. \"1234.50\""}}

=== money too large for the minor units is a 422
POST /api/v1/customers

{"name": "Huge", "credit_limit": "99999999999999999999"}
--- 422
{"error": {"code": "out_of_range", "field": "credit_limit", "message": "{{string}}"}}

=== a decimal with more places than its scale is too precise
PATCH /api/v1/users/{{user_a}}

{"hourly_rate": "12.1234567"}
--- 422
{"error": {"code": "too_precise", "field": "hourly_rate", "message": "{{string}}"}}

=== a bad email is a 422
POST /api/v1/customers

{"name": "Mail", "email": "two@@example.com"}
--- 422
{"error": {"code": "invalid", "field": "email", "message": "{{string}}"}}

=== a bad timestamp is a 422
POST /api/v1/contacts

{"first_name": "Clock", "last_contacted_at": "2026-02-30T10:00:00Z"}
--- 422
{"error": {"code": "invalid", "field": "last_contacted_at", "message": "last_contacted_at is not a valid timestamp",
           "hint": "{{string}}"}}

=== a malformed reference is a 422
POST /api/v1/contacts

{"first_name": "Ref", "customer_id": "12345"}
--- 422
{"error": {"code": "invalid", "field": "customer_id", "message": "customer_id must be a UUID"}}

=== nothing was written by the refused values
GET /api/v1/customers
--- 200
{"data": ["{{base}}"], "next_cursor": null}

=== and no contact was created
GET /api/v1/contacts
--- 200
{"data": [], "next_cursor": null}

=== nor did the user change
GET /api/v1/users/{{user_a}}
--- 200 partial
{"hourly_rate": null, "version": 1}

# ---- the body cap: 413

=== a body over the cap is a 413
POST /api/v1/customers

{"name": "Big", "notes": "{{fill:1100000}}"}
--- 413
{"error": {"code": "too_large", "message": "{{string}}"}}

=== a patch over the cap is a 413
PATCH /api/v1/customers/{{base_id}}

{"notes": "{{fill:2000000}}"}
--- 413
{"error": {"code": "too_large", "message": "{{string}}"}}

=== a body under the cap but over the field's limit is a 422
PATCH /api/v1/customers/{{base_id}}

{"notes": "{{fill:4001}}"}
--- 422
{"error": {"code": "out_of_range", "field": "notes", "message": "notes is longer than 4000 characters"}}

=== nothing was written by the oversize bodies
GET /api/v1/customers
--- 200
{"data": ["{{base}}"], "next_cursor": null}

# ---- queries: 400

=== a filter on an undeclared field is a 400
GET /api/v1/customers?phone=123
--- 400
{"error": {"code": "bad_query", "field": "phone", "message": "cannot filter on phone: not a filterable field of customers"}}

=== a filter on an unknown field is a 400
GET /api/v1/customers?bogus=1
--- 400
{"error": {"code": "bad_query", "field": "bogus", "message": "{{string}}"}}

=== a filter on a secret field is a 400
GET /api/v1/users?password_hash=x
--- 400
{"error": {"code": "bad_query", "field": "password_hash", "message": "{{string}}"}}

=== an unknown filter operator is a 400
GET /api/v1/customers?name[regex]=A.*
--- 400
{"error": {"code": "bad_query", "field": "name[regex]", "message": "{{string}}"}}

=== a filter value of the wrong type is a 400
GET /api/v1/customers?is_active=maybe
--- 400
{"error": {"code": "bad_query", "field": "is_active", "message": "{{string}}"}}

=== order on an undeclared field is a 400
GET /api/v1/customers?order=email
--- 400
{"error": {"code": "bad_query", "field": "order", "message": "cannot order by email: not a sortable field of customers"}}

=== order on an unknown field is a 400
GET /api/v1/customers?order=-bogus
--- 400
{"error": {"code": "bad_query", "field": "order", "message": "{{string}}"}}

# ---- another tenant's rows: 404, and 422 as a reference

=== tenant B's customer
POST /api/v1/customers
Authorization: Bearer {{token_b}}

{"code": "B-ONLY", "name": "Tenant B Customer"}
--- 201
Location: /api/v1/customers/{{b_id=uuid}}

"{{b_row=*}}"

=== another tenant's id is a 404 on get
GET /api/v1/customers/{{b_id}}
--- 404
{"error": {"code": "not_found", "message": "no such customers"}}

=== another tenant's id is a 404 on patch
PATCH /api/v1/customers/{{b_id}}

{"name": "Hijacked"}
--- 404
{"error": {"code": "not_found", "message": "no such customers"}}

=== another tenant's id is a 404 on delete
DELETE /api/v1/customers/{{b_id}}
--- 404
{"error": {"code": "not_found", "message": "no such customers"}}

=== another tenant's id is not found by a filter either
GET /api/v1/customers?id={{b_id}}
--- 200
{"data": [], "next_cursor": null}

=== another tenant's id as a reference is a 422 invalid_reference
POST /api/v1/contacts

{"first_name": "Spy", "customer_id": "{{b_id}}"}
--- 422
{"error": {"code": "invalid_reference", "field": "customer_id", "message": "{{string}}"}}

=== another tenant's user as a reference is a 422 invalid_reference
PATCH /api/v1/customers/{{base_id}}

{"owner_id": "{{user_b}}"}
--- 422
{"error": {"code": "invalid_reference", "field": "owner_id", "message": "{{string}}"}}

=== another tenant's user is a 404
GET /api/v1/users/{{user_b}}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== tenant B's customer is untouched
GET /api/v1/customers/{{b_id}}
Authorization: Bearer {{token_b}}
--- 200
ETag: "1"

"{{b_row}}"

=== tenant A's table is untouched and holds only its row
GET /api/v1/customers
--- 200
{"data": ["{{base}}"], "next_cursor": null}

=== and tenant A still has no contact
GET /api/v1/contacts
--- 200
{"data": [], "next_cursor": null}
