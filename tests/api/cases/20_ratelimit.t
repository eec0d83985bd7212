# 20_ratelimit.t — sign-in endpoints are rate-limited per client IP (REMIT_AUTH_RATE per minute,
# 30 by default): the 31st attempt within a minute answers 429 with Retry-After.
@header X-Remit-Test-Ip: 192.0.2.{{run_id}}

@repeat 30
=== thirty sign-in attempts in a minute are answered
POST /api/v1/auth/login

{"email": "nobody-{{run_id}}@example.com", "password": "not a real password"}
--- 401 x30

=== the thirty-first is refused with Retry-After
POST /api/v1/auth/login

{"email": "nobody-{{run_id}}@example.com", "password": "not a real password"}
--- 429
Retry-After: {{*}}

{"error": {"code": "rate_limited", "message": "{{*}}"}}
