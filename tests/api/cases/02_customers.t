# 02_customers.t — the generic REST cycle on a real table: create, get, patch, delete;
# ETag / If-Match (412); soft delete hides the row; Location; the audit trail of each change;
# and the customer rules (currency, country, money in the customer's currency).

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.2.1-{{run_id}}

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Customers {{run_id}}", "email": "cust-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}", "user": {"id": "{{user_id=uuid}}"}}

@header Authorization: Bearer {{token}}

=== create a customer: 201 with Location, ETag and every field
POST /api/v1/customers

{"code": "ACME", "name": "Acme Traders", "email": "Billing@Acme.example", "city": "Pune", "country": "IN",
 "credit_limit": "250000.5", "gst_number": "27AAPFU0939F1ZV", "payment_terms": 15, "billing_type": "fixed",
 "social": null}
--- 422
{"error": {"code": "unknown_field", "field": "social", "message": "{{string}}"}}

=== create a customer: 201 with Location, ETag and every field, really
POST /api/v1/customers

{"code": "ACME", "name": "Acme Traders", "email": "Billing@Acme.example", "city": "Pune", "country": "IN",
 "credit_limit": "250000.5", "gst_number": "27AAPFU0939F1ZV", "payment_terms": 15, "billing_type": "fixed"}
--- 201
Location: /api/v1/customers/{{acme_id=uuid}}
ETag: "1"
Content-Type: application/json

{"id": "{{acme_id}}", "code": "ACME", "name": "Acme Traders", "legal_name": null,
 "email": "billing@acme.example", "phone": null, "whatsapp": null, "website": null, "contact_person": null,
 "address": null, "address_line_1": null, "address_line_2": null, "city": "Pune", "state": null,
 "postal_code": null, "country": "IN", "shipping_address_line_1": null, "shipping_address_line_2": null,
 "shipping_city": null, "shipping_state": null, "shipping_postal_code": null, "shipping_country": null,
 "industry": null, "company_size": null, "employees_count": null, "annual_revenue": null,
 "billing_type": "fixed", "currency": "INR", "payment_terms": 15, "payment_terms_label": null,
 "preferred_payment_method": null, "credit_limit": "250000.50", "gst_number": "27AAPFU0939F1ZV",
 "pan_number": "AAPFU0939F", "state_code": "27", "place_of_supply": null, "client_type_id": null,
 "account_manager_id": null, "tax_id": null, "is_tax_exempt": false, "tax_exemption_id": null,
 "invoice_delivery_method": "email", "send_payment_reminders": true, "owner_id": null, "timezone": null,
 "logo_url": null, "description": null, "notes": null, "is_active": true, "version": 1,
 "created_by": "{{user_id}}", "created_at": "{{created=timestamp}}", "updated_at": "{{created}}"}

=== get it back with its ETag
GET /api/v1/customers/{{acme_id}}
--- 200 partial
ETag: "1"

{"id": "{{acme_id}}", "name": "Acme Traders", "credit_limit": "250000.50", "version": 1,
 "created_at": "{{created}}", "updated_at": "{{created}}"}

=== patch with the current If-Match changes only the given fields and bumps the version
PATCH /api/v1/customers/{{acme_id}}
If-Match: "1"

{"name": "Acme Traders Pvt Ltd", "notes": "net 15"}
--- 200 partial
ETag: "2"

{"id": "{{acme_id}}", "name": "Acme Traders Pvt Ltd", "notes": "net 15", "code": "ACME", "city": "Pune",
 "credit_limit": "250000.50", "version": 2, "created_at": "{{created}}", "updated_at": "{{timestamp}}"}

=== patch with a stale If-Match is a 412
PATCH /api/v1/customers/{{acme_id}}
If-Match: "1"

{"name": "Lost update"}
--- 412
{"error": {"code": "precondition_failed", "message": "{{string}}"}}

=== the stale patch changed nothing
GET /api/v1/customers/{{acme_id}}
--- 200 partial
ETag: "2"

{"name": "Acme Traders Pvt Ltd", "version": 2}

=== a weak If-Match is accepted
PATCH /api/v1/customers/{{acme_id}}
If-Match: W/"2"

{"city": "Mumbai"}
--- 200 partial
ETag: "3"

{"city": "Mumbai", "version": 3}

=== a patch without If-Match applies to the current version
PATCH /api/v1/customers/{{acme_id}}

{"phone": "+91 22 5555 0100"}
--- 200 partial
{"phone": "+91 22 5555 0100", "version": 4}

=== If-Match star matches any version
PATCH /api/v1/customers/{{acme_id}}
If-Match: *

{"phone": null}
--- 200 partial
{"phone": null, "version": 5}

=== a malformed If-Match is a 400
PATCH /api/v1/customers/{{acme_id}}
If-Match: "five"

{"phone": "1"}
--- 400
{"error": {"code": "malformed", "field": "If-Match", "message": "{{string}}"}}

=== a required field cannot be nulled
PATCH /api/v1/customers/{{acme_id}}

{"name": null}
--- 422
{"error": {"code": "required", "field": "name", "message": "{{string}}"}}

=== the version cannot be written
PATCH /api/v1/customers/{{acme_id}}

{"version": 99}
--- 422
{"error": {"code": "read_only_field", "field": "version", "message": "{{string}}"}}

=== the id cannot be written
POST /api/v1/customers

{"id": "01890000-0000-7000-8000-000000000000", "name": "Chosen id"}
--- 422
{"error": {"code": "read_only_field", "field": "id", "message": "{{string}}"}}

=== nothing of the refused requests was written
GET /api/v1/customers/{{acme_id}}
--- 200 partial
ETag: "5"

{"name": "Acme Traders Pvt Ltd", "city": "Mumbai", "phone": null, "version": 5}

=== a duplicate code is a 409 naming the field
POST /api/v1/customers

{"code": "ACME", "name": "Another Acme"}
--- 409
{"error": {"code": "duplicate", "field": "code", "message": "{{string}}"}}

=== a name is required on create
POST /api/v1/customers

{"code": "NONAME"}
--- 422
{"error": {"code": "required", "field": "name", "message": "{{string}}"}}

=== an unknown enum value is a 422 listing the allowed ones
POST /api/v1/customers

{"name": "Enum", "billing_type": "weekly"}
--- 422
{"error": {"code": "invalid", "field": "billing_type",
           "message": "billing_type must be one of: fixed, time, usage, bucket, mixed"}}

=== a lower-case country code is a 422
POST /api/v1/customers

{"name": "Country", "country": "in"}
--- 422
{"error": {"code": "invalid", "field": "country", "message": "{{string}}"}}

=== an unknown currency is a 422
POST /api/v1/customers

{"name": "Currency", "currency": "ABC"}
--- 422
{"error": {"code": "invalid", "field": "currency", "message": "{{string}}"}}

=== payment terms outside 0..3650 are a 422
POST /api/v1/customers

{"name": "Terms", "payment_terms": 3651}
--- 422
{"error": {"code": "out_of_range", "field": "payment_terms", "message": "payment_terms must be between 0 and 3650"}}

=== a negative credit limit is a 422
POST /api/v1/customers

{"name": "Negative", "credit_limit": "-1.00"}
--- 422
{"error": {"code": "out_of_range", "field": "credit_limit", "message": "{{string}}"}}

=== text longer than declared is a 422
POST /api/v1/customers

{"name": "Long", "country": "IND"}
--- 422
{"error": {"code": "out_of_range", "field": "country", "message": "country is longer than 2 characters"}}

=== text limits count characters, not bytes
POST /api/v1/customers

{"name": "Ünïcödé ₹ Trädërs", "code": "UNI-{{run_id}}", "city": "मुंबई"}
--- 201 partial
{"name": "Ünïcödé ₹ Trädërs", "city": "मुंबई"}

=== a money amount is in the customer's currency: JPY has no minor unit
POST /api/v1/customers

{"name": "Yen", "currency": "JPY", "credit_limit": "100000"}
--- 201 partial
{"id": "{{yen_id=uuid}}", "currency": "JPY", "credit_limit": "100000"}

=== a JPY amount with a fraction is a 422 too_precise
POST /api/v1/customers

{"name": "Yen fraction", "currency": "JPY", "credit_limit": "100.5"}
--- 422
{"error": {"code": "too_precise", "field": "credit_limit", "message": "{{string}}"}}

=== KWD has three decimals
POST /api/v1/customers

{"name": "Dinar", "currency": "KWD", "credit_limit": "1.5"}
--- 201 partial
{"currency": "KWD", "credit_limit": "1.500"}

=== changing the currency while amounts exist in it is refused
PATCH /api/v1/customers/{{yen_id}}

{"currency": "USD"}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "{{string}}"}}

=== changing the currency with the amounts given again is fine
PATCH /api/v1/customers/{{yen_id}}

{"currency": "USD", "credit_limit": "950.25"}
--- 200 partial
{"currency": "USD", "credit_limit": "950.25", "version": 2}

=== a money amount given as a JSON number is a 422
POST /api/v1/customers

{"name": "Float", "credit_limit": 10.5}
--- 422
{"error": {"code": "wrong_type", "field": "credit_limit", "message": "{{string}}"}}

=== a contact of the customer
POST /api/v1/contacts

{"customer_id": "{{acme_id}}", "first_name": "Ravi", "last_name": "Kumar", "email": "ravi@acme.example",
 "is_billing_contact": true, "social_profiles": {"linkedin": "ravi-k"}, "date_of_birth": "1990-02-28"}
--- 201 partial
Location: /api/v1/contacts/{{contact_id=uuid}}

{"id": "{{contact_id}}", "customer_id": "{{acme_id}}", "first_name": "Ravi", "is_billing_contact": true,
 "social_profiles": {"linkedin": "ravi-k"}, "date_of_birth": "1990-02-28", "is_primary": false}

=== a contact pointing at no customer is a 422 invalid_reference
POST /api/v1/contacts

{"customer_id": "01890000-0000-7000-8000-000000000000", "first_name": "Ghost"}
--- 422
{"error": {"code": "invalid_reference", "field": "customer_id", "message": "{{string}}"}}

=== a contact's date of birth must be a real date
POST /api/v1/contacts

{"first_name": "Leap", "date_of_birth": "2023-02-29"}
--- 422
{"error": {"code": "invalid", "field": "date_of_birth", "message": "date_of_birth is not a valid date",
           "hint": "write a calendar date as YYYY-MM-DD, e.g. 2026-04-01"}}

=== delete with a stale If-Match is a 412
DELETE /api/v1/customers/{{acme_id}}
If-Match: "4"
--- 412
{"error": {"code": "precondition_failed", "message": "{{string}}"}}

=== delete with the current If-Match
DELETE /api/v1/customers/{{acme_id}}
If-Match: "5"
--- 204 empty

=== a deleted customer is gone from get
GET /api/v1/customers/{{acme_id}}
--- 404
{"error": {"code": "not_found", "message": "no such customers"}}

=== a deleted customer is gone from the list
GET /api/v1/customers?code=ACME
--- 200
{"data": [], "next_cursor": null}

=== a deleted customer cannot be patched
PATCH /api/v1/customers/{{acme_id}}

{"name": "Zombie"}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== a deleted customer cannot be deleted again
DELETE /api/v1/customers/{{acme_id}}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== a deleted customer cannot be referenced
POST /api/v1/contacts

{"customer_id": "{{acme_id}}", "first_name": "Late"}
--- 422
{"error": {"code": "invalid_reference", "field": "customer_id", "message": "{{string}}"}}

=== the code of a deleted customer can be used again
POST /api/v1/customers

{"code": "ACME", "name": "Acme Reborn"}
--- 201 partial
{"code": "ACME", "name": "Acme Reborn", "version": 1}

=== the audit trail has the create, the updates and the delete, newest first
GET /api/v1/audit_logs?entity_id={{acme_id}}&order=-created_at&limit=3
--- 200 partial
{"data": [{"entity_type": "customers", "entity_id": "{{acme_id}}", "action": "delete", "user_id": "{{user_id}}",
           "user_email": "cust-{{run_id}}@example.com", "user_role": "admin"},
          {"action": "update", "changed_fields": ["phone"], "old_values": {"phone": "+91 22 5555 0100"},
           "new_values": {"phone": null}},
          {"action": "update", "changed_fields": ["phone"]}]}

=== the audit trail of the create holds the new values
GET /api/v1/audit_logs?entity_id={{acme_id}}&action=create
--- 200 partial
{"data": [{"action": "create", "old_values": null,
           "new_values": {"name": "Acme Traders", "credit_limit": "250000.50", "code": "ACME"}}],
 "next_cursor": null}

=== the audit trail cannot be written through the api
POST /api/v1/audit_logs

{"action": "forged"}
--- 405
Allow: GET
{"error": {"code": "method_not_allowed", "message": "{{string}}"}}

=== PUT is not a method of a row
PUT /api/v1/customers/{{yen_id}}

{"name": "Put"}
--- 405
Allow: GET, PATCH, DELETE
{"error": {"code": "method_not_allowed", "message": "{{string}}"}}

=== a malformed id is a 404
GET /api/v1/customers/not-a-uuid
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}
