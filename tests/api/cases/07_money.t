# 07_money.t — money and decimals through the API and the store, on both dialects: exact in
# and out (strings, never floats), the full int64 range of minor units, strict syntax,
# and more precision than the currency allows is a 422, never a rounding.

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.7.1-{{run_id}}

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Money {{run_id}}", "email": "money-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}", "user": {"id": "{{user_id=uuid}}"}}

@header Authorization: Bearer {{token}}

=== an amount is written with the currency's exponent of decimals
POST /api/v1/customers

{"name": "Point one", "credit_limit": "0.1"}
--- 201 partial
{"id": "{{c_id=uuid}}", "credit_limit": "0.10", "currency": "INR"}

=== leading zeros are fine
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": "00012.5"}
--- 200 partial
{"credit_limit": "12.50"}

=== minus zero is zero and passes the non-negative rule
PATCH /api/v1/customers/{{c_id}}

{"annual_revenue": "-0"}
--- 200 partial
{"annual_revenue": "0.00"}

=== the largest amount in INR survives the store exactly
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": "92233720368547758.07"}
--- 200 partial
{"credit_limit": "92233720368547758.07"}

=== and reads back exactly
GET /api/v1/customers/{{c_id}}
--- 200 partial
{"credit_limit": "92233720368547758.07"}

=== one paisa more is a 422 out_of_range
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": "92233720368547758.08"}
--- 422
{"error": {"code": "out_of_range", "field": "credit_limit", "message": "{{string}}"}}

=== three decimals in INR are too precise, not rounded
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": "1.005"}
--- 422
{"error": {"code": "too_precise", "field": "credit_limit", "message": "{{string}}"}}

=== a plus sign is a 422
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": "+12"}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "{{string}}", "hint": "{{string}}"}}

=== a leading point is a 422
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": ".5"}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "{{string}}", "hint": "{{string}}"}}

=== a trailing point is a 422
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": "5."}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "{{string}}", "hint": "{{string}}"}}

=== spaces are a 422
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": " 5.00"}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "{{string}}", "hint": "{{string}}"}}

=== an empty amount is a 422
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": ""}
--- 422
{"error": {"code": "invalid", "field": "credit_limit", "message": "{{string}}", "hint": "{{string}}"}}

=== a boolean amount is a 422 wrong_type
PATCH /api/v1/customers/{{c_id}}

{"credit_limit": true}
--- 422
{"error": {"code": "wrong_type", "field": "credit_limit", "message": "{{string}}"}}

=== none of the refused amounts was written
GET /api/v1/customers/{{c_id}}
--- 200 partial
{"credit_limit": "92233720368547758.07", "annual_revenue": "0.00", "version": 4}

=== JPY has no minor unit: a fraction is too precise even when zero
POST /api/v1/customers

{"name": "Yen", "currency": "JPY", "credit_limit": "100.0"}
--- 422
{"error": {"code": "too_precise", "field": "credit_limit", "message": "{{string}}"}}

=== JPY whole amounts are written without decimals
POST /api/v1/customers

{"name": "Yen", "currency": "JPY", "credit_limit": "9223372036854775807"}
--- 201 partial
{"currency": "JPY", "credit_limit": "9223372036854775807"}

=== KWD has three decimals
POST /api/v1/customers

{"name": "Dinar", "currency": "KWD", "credit_limit": "1.234", "annual_revenue": "0.001"}
--- 201 partial
{"currency": "KWD", "credit_limit": "1.234", "annual_revenue": "0.001"}

=== KWD with four decimals is too precise
POST /api/v1/customers

{"name": "Dinar", "currency": "KWD", "credit_limit": "1.2345"}
--- 422
{"error": {"code": "too_precise", "field": "credit_limit", "message": "{{string}}"}}

=== a currency given in the same body applies to its amounts, whatever the key order
POST /api/v1/customers

{"credit_limit": "5", "name": "Order", "currency": "USD"}
--- 201 partial
{"currency": "USD", "credit_limit": "5.00"}

# ---- decimals: users.hourly_rate has 6 decimal places

=== a usage-sized rate keeps its six places
PATCH /api/v1/users/{{user_id}}

{"hourly_rate": "0.000015"}
--- 200 partial
{"hourly_rate": "0.000015"}

=== trailing zeros are dropped on output
PATCH /api/v1/users/{{user_id}}

{"hourly_rate": "12.500000"}
--- 200 partial
{"hourly_rate": "12.5"}

=== the largest rate survives the store exactly
PATCH /api/v1/users/{{user_id}}

{"hourly_rate": "9223372036854.775807"}
--- 200 partial
{"hourly_rate": "9223372036854.775807"}

=== one millionth more overflows the column
PATCH /api/v1/users/{{user_id}}

{"hourly_rate": "9223372036854.775808"}
--- 422
{"error": {"code": "out_of_range", "field": "hourly_rate", "message": "hourly_rate is out of range"}}

=== seven places are too precise
PATCH /api/v1/users/{{user_id}}

{"hourly_rate": "1.0000001"}
--- 422
{"error": {"code": "too_precise", "field": "hourly_rate", "message": "{{string}}"}}

=== a negative rate is refused
PATCH /api/v1/users/{{user_id}}

{"hourly_rate": "-1"}
--- 422
{"error": {"code": "out_of_range", "field": "hourly_rate", "message": "{{string}}"}}

=== the rate is as last written
GET /api/v1/users/{{user_id}}
--- 200 partial
{"hourly_rate": "9223372036854.775807"}
