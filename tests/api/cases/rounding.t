# rounding.t — the tenant's rounding mode: line amounts and taxes are rounded once, half-up by
# default, half-even when the tenant says so (POST /api/v1/tenant/settings).
@header X-Remit-Test-Ip: 10.4.6.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Rounding {{run_id}}", "email": "owner@rounding-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}", "tenant": {"rounding": "half_up"}}

@header Authorization: Bearer {{token}}

=== a customer
POST /api/v1/customers

{"name": "Round Co", "code": "RND", "country": "US", "currency": "INR"}
--- 201 partial
{"id": "{{cust=uuid}}"}

=== half-up by default: 0.125 rounds to 0.13, 5% of 2.50 to 0.13
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-06-01",
 "lines": [{"description": "A", "rate": "0.125", "tax_rate": "0"}, {"description": "B", "rate": "2.50", "tax_rate": "5"}]}
--- 201 partial
{"supply_type": "non_gst", "lines": [{"amount": "0.13", "tax_amount": "0.00"}, {"amount": "2.50", "tax_amount": "0.13"}],
 "total": "2.76"}

=== the rounding mode is a tenant setting
POST /api/v1/tenant/settings

{"rounding": "half_even"}
--- 200 partial
{"rounding": "half_even"}

=== half-even: 0.125 rounds to 0.12, 5% of 2.50 to 0.12
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-06-01",
 "lines": [{"description": "A", "rate": "0.125", "tax_rate": "0"}, {"description": "B", "rate": "2.50", "tax_rate": "5"}]}
--- 201 partial
{"lines": [{"amount": "0.12", "tax_amount": "0.00"}, {"amount": "2.50", "tax_amount": "0.12"}], "total": "2.74"}

=== half-even still rounds 0.135 up to the even 0.14
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-06-01", "lines": [{"description": "C", "rate": "0.135", "tax_rate": "0"}]}
--- 201 partial
{"total": "0.14"}

=== an unknown rounding mode is refused
POST /api/v1/tenant/settings

{"rounding": "bankers"}
--- 422
{"error": {"code": "invalid", "field": "rounding", "message": "rounding must be one of: half_up, half_even"}}

=== an unknown time zone is refused
POST /api/v1/tenant/settings

{"timezone": "Asia/Atlantis"}
--- 422
{"error": {"code": "invalid", "field": "timezone", "message": "timezone must be an IANA time zone such as \"Asia/Kolkata\""}}

=== only name, time zone and rounding are settings here
POST /api/v1/tenant/settings

{"base_currency": "USD"}
--- 422
{"error": {"code": "unknown_field", "field": "base_currency", "message": "base_currency is not a tenant setting (name, timezone, rounding)"}}

=== the change is in the audit trail
GET /api/v1/audit_logs?entity_type=tenants&action=settings
--- 200 partial
{"data": [{"action": "settings", "old_values": {"rounding": "half_up"}, "new_values": {"rounding": "half_even"}}]}
