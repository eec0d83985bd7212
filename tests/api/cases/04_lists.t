# 04_lists.t — list queries: every filter operator, ordering (nullable keys, descending),
# limit bounds, cursors and bad cursors. Rows are captured whole when created ("{{l1}}"),
# so each list is compared exactly: the right rows, in the right order, and no others.
#
#   row  code  name         city   billing_type  is_active
#   l1   L-01  Alpha Foods  Pune   fixed         true
#   l2   L-02  beta labs    null   time          false
#   l3   L-03  Gamma Alpha  Delhi  usage         true
#   l4   L-04  Delta        Pune   fixed         true
#   l5   L-05  Epsilon_X    null   null          true

# each file is its own client for the sign-in rate limit (api/ratelimit.c)
@header X-Remit-Test-Ip: 198.51.4.1-{{run_id}}

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Lists {{run_id}}", "email": "lists-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}"}

@header Authorization: Bearer {{token}}

=== an empty table lists nothing
GET /api/v1/customers
--- 200
{"data": [], "next_cursor": null}

=== row l1
POST /api/v1/customers

{"code": "L-01", "name": "Alpha Foods", "city": "Pune", "billing_type": "fixed"}
--- 201
"{{l1=*}}"

=== row l2
POST /api/v1/customers

{"code": "L-02", "name": "beta labs", "billing_type": "time", "is_active": false}
--- 201
"{{l2=*}}"

=== row l3
POST /api/v1/customers

{"code": "L-03", "name": "Gamma Alpha", "city": "Delhi", "billing_type": "usage"}
--- 201
"{{l3=*}}"

=== row l4
POST /api/v1/customers

{"code": "L-04", "name": "Delta", "city": "Pune", "billing_type": "fixed"}
--- 201 partial
{"created_at": "{{l4_created=timestamp}}"}

=== row l4 as stored
GET /api/v1/customers?code=L-04
--- 200 partial
{"data": ["{{l4=*}}"]}

=== row l5
POST /api/v1/customers

{"code": "L-05", "name": "Epsilon_X"}
--- 201
"{{l5=*}}"

=== the default order is newest first
GET /api/v1/customers
--- 200
{"data": ["{{l5}}", "{{l4}}", "{{l3}}", "{{l2}}", "{{l1}}"], "next_cursor": null}

# ---- operators

=== eq by plain name
GET /api/v1/customers?city=Pune
--- 200
{"data": ["{{l4}}", "{{l1}}"], "next_cursor": null}

=== eq spelt out
GET /api/v1/customers?city[eq]=Delhi
--- 200
{"data": ["{{l3}}"], "next_cursor": null}

=== ne keeps the rows where the field is null
GET /api/v1/customers?city[ne]=Pune
--- 200
{"data": ["{{l5}}", "{{l3}}", "{{l2}}"], "next_cursor": null}

=== gt
GET /api/v1/customers?code[gt]=L-03&order=code
--- 200
{"data": ["{{l4}}", "{{l5}}"], "next_cursor": null}

=== gte
GET /api/v1/customers?code[gte]=L-03&order=code
--- 200
{"data": ["{{l3}}", "{{l4}}", "{{l5}}"], "next_cursor": null}

=== lt
GET /api/v1/customers?code[lt]=L-03&order=code
--- 200
{"data": ["{{l1}}", "{{l2}}"], "next_cursor": null}

=== lte
GET /api/v1/customers?code[lte]=L-03&order=code
--- 200
{"data": ["{{l1}}", "{{l2}}", "{{l3}}"], "next_cursor": null}

=== gt and lt together make a range
GET /api/v1/customers?code[gt]=L-01&code[lt]=L-05&order=-code
--- 200
{"data": ["{{l4}}", "{{l3}}", "{{l2}}"], "next_cursor": null}

=== gte on a timestamp
GET /api/v1/customers?created_at[gte]={{l4_created}}&order=created_at
--- 200
{"data": ["{{l4}}", "{{l5}}"], "next_cursor": null}

=== in, with a value that matches nothing
GET /api/v1/customers?code[in]=L-01,L-03,L-99&order=code
--- 200
{"data": ["{{l1}}", "{{l3}}"], "next_cursor": null}

=== in with the most values allowed, 100, works on both stores
GET /api/v1/customers?code[in]=L-01,L-03,X-000,X-001,X-002,X-003,X-004,X-005,X-006,X-007,X-008,X-009,X-010,X-011,X-012,X-013,X-014,X-015,X-016,X-017,X-018,X-019,X-020,X-021,X-022,X-023,X-024,X-025,X-026,X-027,X-028,X-029,X-030,X-031,X-032,X-033,X-034,X-035,X-036,X-037,X-038,X-039,X-040,X-041,X-042,X-043,X-044,X-045,X-046,X-047,X-048,X-049,X-050,X-051,X-052,X-053,X-054,X-055,X-056,X-057,X-058,X-059,X-060,X-061,X-062,X-063,X-064,X-065,X-066,X-067,X-068,X-069,X-070,X-071,X-072,X-073,X-074,X-075,X-076,X-077,X-078,X-079,X-080,X-081,X-082,X-083,X-084,X-085,X-086,X-087,X-088,X-089,X-090,X-091,X-092,X-093,X-094,X-095,X-096,X-097&order=code
--- 200
{"data": ["{{l1}}", "{{l3}}"], "next_cursor": null}

=== in with 101 values is a 400
GET /api/v1/customers?code[in]=L-01,L-03,X-000,X-001,X-002,X-003,X-004,X-005,X-006,X-007,X-008,X-009,X-010,X-011,X-012,X-013,X-014,X-015,X-016,X-017,X-018,X-019,X-020,X-021,X-022,X-023,X-024,X-025,X-026,X-027,X-028,X-029,X-030,X-031,X-032,X-033,X-034,X-035,X-036,X-037,X-038,X-039,X-040,X-041,X-042,X-043,X-044,X-045,X-046,X-047,X-048,X-049,X-050,X-051,X-052,X-053,X-054,X-055,X-056,X-057,X-058,X-059,X-060,X-061,X-062,X-063,X-064,X-065,X-066,X-067,X-068,X-069,X-070,X-071,X-072,X-073,X-074,X-075,X-076,X-077,X-078,X-079,X-080,X-081,X-082,X-083,X-084,X-085,X-086,X-087,X-088,X-089,X-090,X-091,X-092,X-093,X-094,X-095,X-096,X-097,X-999
--- 400
{"error": {"code": "bad_query", "field": "code[in]", "message": "at most 100 values in [in]"}}

=== in on an enum
GET /api/v1/customers?billing_type[in]=time,usage&order=code
--- 200
{"data": ["{{l2}}", "{{l3}}"], "next_cursor": null}

=== like is case-insensitive on both stores
GET /api/v1/customers?name[like]=%25alpha%25&order=code
--- 200
{"data": ["{{l1}}", "{{l3}}"], "next_cursor": null}

=== like anchored at the start
GET /api/v1/customers?name[like]=BETA%25
--- 200
{"data": ["{{l2}}"], "next_cursor": null}

=== null true
GET /api/v1/customers?city[null]=true&order=code
--- 200
{"data": ["{{l2}}", "{{l5}}"], "next_cursor": null}

=== null false
GET /api/v1/customers?city[null]=false&order=code
--- 200
{"data": ["{{l1}}", "{{l3}}", "{{l4}}"], "next_cursor": null}

=== a boolean filter
GET /api/v1/customers?is_active=false
--- 200
{"data": ["{{l2}}"], "next_cursor": null}

=== filters combine with and
GET /api/v1/customers?city=Pune&billing_type=fixed&code[ne]=L-01
--- 200
{"data": ["{{l4}}"], "next_cursor": null}

=== a filter that matches nothing
GET /api/v1/customers?city=Chennai
--- 200
{"data": [], "next_cursor": null}

=== search q looks in the searchable text fields
GET /api/v1/customers?q=ALPHA&order=code
--- 200
{"data": ["{{l1}}", "{{l3}}"], "next_cursor": null}

=== search q treats % and _ literally
GET /api/v1/customers?q=n_X
--- 200
{"data": ["{{l5}}"], "next_cursor": null}

=== search q with a percent sign finds no row without one
GET /api/v1/customers?q=%25
--- 200
{"data": [], "next_cursor": null}

# ---- ordering

=== order ascending by text
GET /api/v1/customers?order=code
--- 200
{"data": ["{{l1}}", "{{l2}}", "{{l3}}", "{{l4}}", "{{l5}}"], "next_cursor": null}

=== order descending
GET /api/v1/customers?order=-code
--- 200
{"data": ["{{l5}}", "{{l4}}", "{{l3}}", "{{l2}}", "{{l1}}"], "next_cursor": null}

=== order ascending puts nulls last, ties by id in the same direction
GET /api/v1/customers?order=city
--- 200
{"data": ["{{l3}}", "{{l1}}", "{{l4}}", "{{l2}}", "{{l5}}"], "next_cursor": null}

=== order descending puts nulls first
GET /api/v1/customers?order=-city
--- 200
{"data": ["{{l5}}", "{{l2}}", "{{l4}}", "{{l1}}", "{{l3}}"], "next_cursor": null}

=== order by two keys (text compares by code point: lower case after upper case)
GET /api/v1/customers?order=city,-name
--- 200
{"data": ["{{l3}}", "{{l4}}", "{{l1}}", "{{l2}}", "{{l5}}"], "next_cursor": null}

=== order with an explicit plus
GET /api/v1/customers?order=%2Bcode
--- 200
{"data": ["{{l1}}", "{{l2}}", "{{l3}}", "{{l4}}", "{{l5}}"], "next_cursor": null}

=== a key named twice in order is a 400
GET /api/v1/customers?order=code,-code
--- 400
{"error": {"code": "bad_query", "field": "order", "message": "{{string}}"}}

=== more than four order keys is a 400
GET /api/v1/customers?order=code,name,city,created_at,updated_at
--- 400
{"error": {"code": "bad_query", "field": "order", "message": "at most 4 order keys"}}

=== an empty order key is a 400
GET /api/v1/customers?order=code,,name
--- 400
{"error": {"code": "bad_query", "field": "order", "message": "{{string}}"}}

# ---- limit and cursors

=== limit 2: the first page and a cursor
GET /api/v1/customers?order=code&limit=2
--- 200
{"data": ["{{l1}}", "{{l2}}"], "next_cursor": "{{c1=string}}"}

=== the second page
GET /api/v1/customers?order=code&limit=2&cursor={{c1}}
--- 200
{"data": ["{{l3}}", "{{l4}}"], "next_cursor": "{{c2=string}}"}

=== the last page has no cursor
GET /api/v1/customers?order=code&limit=2&cursor={{c2}}
--- 200
{"data": ["{{l5}}"], "next_cursor": null}

=== a page that ends exactly at the last row has no cursor
GET /api/v1/customers?order=code&limit=5
--- 200
{"data": ["{{l1}}", "{{l2}}", "{{l3}}", "{{l4}}", "{{l5}}"], "next_cursor": null}

=== cursors page through a nullable key descending
GET /api/v1/customers?order=-city&limit=1
--- 200
{"data": ["{{l5}}"], "next_cursor": "{{d1=string}}"}

=== past the first null
GET /api/v1/customers?order=-city&limit=1&cursor={{d1}}
--- 200
{"data": ["{{l2}}"], "next_cursor": "{{d2=string}}"}

=== from the nulls to the values
GET /api/v1/customers?order=-city&limit=2&cursor={{d2}}
--- 200
{"data": ["{{l4}}", "{{l1}}"], "next_cursor": "{{d3=string}}"}

=== to the end
GET /api/v1/customers?order=-city&limit=2&cursor={{d3}}
--- 200
{"data": ["{{l3}}"], "next_cursor": null}

=== cursors page through a nullable key ascending into the nulls
GET /api/v1/customers?order=city&limit=3
--- 200
{"data": ["{{l3}}", "{{l1}}", "{{l4}}"], "next_cursor": "{{a1=string}}"}

=== the nulls come last
GET /api/v1/customers?order=city&limit=3&cursor={{a1}}
--- 200
{"data": ["{{l2}}", "{{l5}}"], "next_cursor": null}

=== a cursor keeps its filters' rows only
GET /api/v1/customers?city[null]=false&order=code&limit=2
--- 200
{"data": ["{{l1}}", "{{l3}}"], "next_cursor": "{{f1=string}}"}

=== the filtered second page
GET /api/v1/customers?city[null]=false&order=code&limit=2&cursor={{f1}}
--- 200
{"data": ["{{l4}}"], "next_cursor": null}

=== limit 0 is a 400
GET /api/v1/customers?limit=0
--- 400
{"error": {"code": "bad_query", "field": "limit", "message": "limit must be an integer from 1 to 500"}}

=== limit 501 is a 400
GET /api/v1/customers?limit=501
--- 400
{"error": {"code": "bad_query", "field": "limit", "message": "limit must be an integer from 1 to 500"}}

=== a limit that is not a number is a 400
GET /api/v1/customers?limit=ten
--- 400
{"error": {"code": "bad_query", "field": "limit", "message": "limit must be an integer from 1 to 500"}}

=== a negative limit is a 400
GET /api/v1/customers?limit=-1
--- 400
{"error": {"code": "bad_query", "field": "limit", "message": "limit must be an integer from 1 to 500"}}

=== limit 500 is allowed
GET /api/v1/customers?limit=500&order=code
--- 200
{"data": ["{{l1}}", "{{l2}}", "{{l3}}", "{{l4}}", "{{l5}}"], "next_cursor": null}

=== limit 1 is allowed
GET /api/v1/customers?limit=1
--- 200
{"data": ["{{l5}}"], "next_cursor": "{{string}}"}

=== a cursor that is not base64 is a 400
GET /api/v1/customers?cursor=!!!not-a-cursor!!!
--- 400
{"error": {"code": "bad_query", "field": "cursor", "message": "cursor is not valid"}}

=== a cursor that is base64 of something else is a 400
GET /api/v1/customers?cursor=aGVsbG8gd29ybGQ
--- 400
{"error": {"code": "bad_query", "field": "cursor", "message": "cursor is not valid"}}

=== a cursor with the wrong number of keys is a 400
GET /api/v1/customers?cursor=eyJvIjoiLWlkIiwiayI6W119
--- 400
{"error": {"code": "bad_query", "field": "cursor", "message": "cursor is not valid"}}

=== a cursor whose id key is not a uuid is a 400
GET /api/v1/customers?cursor=eyJvIjoiLWlkIiwiayI6WyJ4Il19
--- 400
{"error": {"code": "bad_query", "field": "cursor", "message": "cursor is not valid"}}

=== an empty cursor is a 400
GET /api/v1/customers?cursor=
--- 400
{"error": {"code": "bad_query", "field": "cursor", "message": "cursor is not valid"}}

=== a cursor made for another order is a 400
GET /api/v1/customers?order=name&limit=2&cursor={{c1}}
--- 400
{"error": {"code": "bad_query", "field": "cursor", "message": "cursor was made for another order"}}

# ---- operators that do not apply

=== like on a boolean is a 400
GET /api/v1/customers?is_active[like]=tr%25
--- 400
{"error": {"code": "bad_query", "field": "is_active[like]", "message": "like applies to text fields only"}}

=== gt on a boolean is a 400
GET /api/v1/customers?is_active[gt]=false
--- 400
{"error": {"code": "bad_query", "field": "is_active[gt]", "message": "{{string}}"}}

=== null takes only true or false
GET /api/v1/customers?city[null]=yes
--- 400
{"error": {"code": "bad_query", "field": "city[null]", "message": "city[null] takes true or false"}}

=== an unclosed operator bracket is a 400
GET /api/v1/customers?code[gt=L
--- 400
{"error": {"code": "bad_query", "field": "code[gt", "message": "{{string}}"}}

=== a bad value inside in is a 400
GET /api/v1/customers?billing_type[in]=fixed,monthly
--- 400
{"error": {"code": "bad_query", "field": "billing_type[in]", "message": "{{string}}"}}

=== a bad uuid in an id filter is a 400
GET /api/v1/customers?id=123
--- 400
{"error": {"code": "bad_query", "field": "id", "message": "{{string}}"}}
