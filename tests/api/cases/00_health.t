# 00_health.t — the endpoints that need no token: liveness, metrics, the OpenAPI document,
# and the answer to routes that do not exist.

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.0.1-{{run_id}}

=== healthz answers ok with the store in use
GET /healthz
--- 200
Content-Type: application/json
{"status": "ok", "store": "{{store=string}}"}

=== metrics are prometheus text
GET /metrics
--- 200 text
Content-Type: text/plain{{*}}

# TYPE remit_http_requests_total counter
remit_http_requests_total{class="2xx"}
remit_http_request_duration_seconds_bucket{le="+Inf"}
remit_http_request_duration_seconds_count
remit_http_requests_in_flight
remit_db_pool_size{store="{{store}}"}
remit_db_queries_total
remit_uptime_seconds

=== openapi document is openapi 3.1 with the served tables' paths and schemas
GET /api/v1/openapi.json
--- 200 partial
Content-Type: application/json
{"openapi": "3.1.0",
 "info": {"title": "Remit API"},
 "paths": {
   "/api/v1/auth/signup": {"post": {}},
   "/api/v1/auth/login": {"post": {}},
   "/api/v1/auth/refresh": {"post": {}},
   "/api/v1/customers": {"get": {}, "post": {}},
   "/api/v1/customers/{id}": {"get": {}, "patch": {}, "delete": {}},
   "/api/v1/contacts": {"get": {}, "post": {}},
   "/api/v1/contacts/{id}": {"get": {}, "patch": {}, "delete": {}},
   "/api/v1/users": {"get": {}},
   "/api/v1/users/{id}": {"get": {}, "patch": {}, "delete": {}},
   "/api/v1/audit_logs": {"get": {}},
   "/api/v1/audit_logs/{id}": {"get": {}}},
 "components": {"schemas": {
   "Error": {"type": "object"},
   "customers": {"type": "object", "properties": {"id": {"format": "uuid"}, "name": {"type": "string"},
                 "credit_limit": {"format": "money", "x-currency-field": "currency"},
                 "billing_type": {"type": ["string", "null"], "enum": ["fixed", "time", "usage", "bucket", "mixed", null]},
                 "invoice_delivery_method": {"type": "string", "enum": ["email", "post", "portal", "none"]}}},
   "customers_create": {"type": "object", "additionalProperties": false, "required": ["name"]},
   "customers_patch": {"type": "object", "additionalProperties": false},
   "customers_list": {"type": "object", "required": ["data", "next_cursor"]},
   "contacts": {"type": "object"},
   "contacts_create": {"type": "object", "required": ["first_name"]},
   "contacts_patch": {"type": "object"},
   "users": {"type": "object"},
   "audit_logs": {"type": "object"}}}}

=== a route under the api without a token is a 401 before anything else
GET /api/v1/no_such_table
--- 401
WWW-Authenticate: Bearer
{"error": {"code": "unauthenticated", "message": "{{string}}"}}

=== sign up to look at authenticated routes
POST /api/v1/auth/signup

{"tenant_name": "Health {{run_id}}", "email": "health-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}"}

@header Authorization: Bearer {{token}}

=== an unknown table is a 404 in the error shape
GET /api/v1/no_such_table
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== an internal table is not served
GET /api/v1/sessions
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== an unknown action on a row is a 404
POST /api/v1/customers/01890000-0000-7000-8000-000000000000/frobnicate

{}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== too many path segments is a 404
GET /api/v1/customers/a/b/c/d/e/f/g/h/i
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== a path outside the api version is a 404
GET /api/v2/customers
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== an unknown auth verb is a 404
POST /api/v1/auth/bogus

{}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== healthz refuses other methods like any static path
POST /healthz
--- 405
Allow: GET, HEAD
{"error": {"code": "method_not_allowed", "message": "{{string}}"}}
