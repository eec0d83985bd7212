# csv_import.t — CSV import of customers and services: every row through the tables' own rules,
# a per-row error report, nothing imported from a file with errors unless asked to skip them.
@header X-Remit-Test-Ip: 10.4.5.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "CSV {{run_id}}", "email": "owner@csv-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== a client type the file refers to by code
POST /api/v1/client_types

{"code": "WHOLESALE", "name": "Wholesale", "payment_terms": 60}
--- 201 partial
{"id": "{{wholesale=uuid}}"}

=== a file with a bad GSTIN and a duplicate code imports nothing and reports each row
POST /api/v1/customers/import
Content-Type: text/csv

code,name,gst_number,client_type,is_active
C001,"Alpha Traders, Pune",27AAPFU0939F1ZV,WHOLESALE,yes
C002,Beta Works,29AAGCB7383J1Z9,,true
C003,Gamma,,RETAIL,
C001,Alpha again,,,
C004,Delta,,,maybe
--- 422
{"rows": 5, "imported": 0, "rejected": 4, "dry_run": false,
 "errors": [{"row": 3, "field": "gst_number", "code": "invalid", "message": "gst_number has a wrong check character: 9 instead of 4"},
            {"row": 4, "field": "client_type", "code": "invalid_reference", "message": "client_type RETAIL does not exist"},
            {"row": 5, "field": "code", "code": "duplicate", "message": "code is already used"},
            {"row": 6, "field": "is_active", "code": "wrong_type", "message": "is_active must be true or false"}],
 "error": {"code": "invalid", "field": "file", "message": "rows of the file have errors: nothing was imported (see errors; ?skip_errors=true imports the other rows)"}}

=== and indeed nothing was imported
GET /api/v1/customers
--- 200
{"data": [], "next_cursor": null}

=== a dry run checks the rows and imports nothing
POST /api/v1/customers/import?dry_run=true
Content-Type: text/csv

code,name,state_code
D1,Dry One,27
D2,Dry Two,29
--- 200
{"rows": 2, "imported": 0, "would_import": 2, "rejected": 0, "dry_run": true, "errors": []}

=== still nothing
GET /api/v1/customers
--- 200
{"data": [], "next_cursor": null}

=== skip_errors imports the good rows and reports the bad
POST /api/v1/customers/import?skip_errors=true
Content-Type: text/csv

code,name,gst_number,client_type,is_active
C001,"Alpha Traders, Pune",27AAPFU0939F1ZV,WHOLESALE,yes
C002,Beta Works,29AAGCB7383J1Z9,,true
C003,Gamma,,,
C001,Alpha again,,,
--- 200
{"rows": 4, "imported": 2, "rejected": 2, "dry_run": false,
 "errors": [{"row": 3, "field": "gst_number", "code": "invalid", "message": "gst_number has a wrong check character: 9 instead of 4"},
            {"row": 5, "field": "code", "code": "duplicate", "message": "code is already used"}]}

=== the imported customers went through the customer rules (PAN, state code, client type terms)
GET /api/v1/customers?order=code
--- 200 partial
{"data": [{"code": "C001", "name": "Alpha Traders, Pune", "gst_number": "27AAPFU0939F1ZV", "pan_number": "AAPFU0939F",
           "state_code": "27", "client_type_id": "{{wholesale}}", "payment_terms": 60, "is_active": true},
          {"code": "C003", "name": "Gamma", "payment_terms": 30}], "next_cursor": null}

=== an unknown column is refused before any row
POST /api/v1/customers/import
Content-Type: text/csv

code,name,favourite_colour
X,Y,blue
--- 422
{"error": {"code": "unknown_field", "field": "header", "message": "column favourite_colour is not a field of customers that can be imported"}}

=== a computed column cannot be imported
POST /api/v1/customers/import
Content-Type: text/csv

code,name,created_at
X,Y,2030-01-01T00:00:00Z
--- 422
{"error": {"code": "unknown_field", "field": "header", "message": "column created_at is not a field of customers that can be imported"}}

=== a row with the wrong number of fields is reported
POST /api/v1/customers/import
Content-Type: text/csv

code,name
E1,Epsilon,extra
--- 422 partial
{"rows": 1, "imported": 0, "errors": [{"row": 2, "field": null, "code": "invalid", "message": "the row has 3 fields, the header 2"}]}

=== a broken quote is reported with its line
POST /api/v1/customers/import
Content-Type: text/csv

code,name
E1,"Epsilon
--- 422 partial
{"errors": [{"row": 2, "field": "file", "code": "invalid", "message": "line 2: a quoted field is not closed"}]}

=== an empty file is refused
POST /api/v1/customers/import
Content-Type: text/csv
--- 422
{"error": {"code": "invalid", "field": "file", "message": "the file is empty: send a CSV with a header row"}}

=== JSON is not a CSV file
POST /api/v1/customers/import

{"code": "X"}
--- 415
{"error": {"code": "unsupported_media_type", "message": "send the CSV file itself (text/csv), not JSON"}}

=== a bad flag is refused
POST /api/v1/customers/import?skip_errors=maybe
Content-Type: text/csv

code,name
--- 400
{"error": {"code": "bad_query", "field": "skip_errors", "message": "skip_errors must be true or false"}}

=== a category the service file refers to by name
POST /api/v1/service_categories

{"name": "Managed services"}
--- 201 partial
{"id": "{{managed=uuid}}"}

=== services are imported with their category, type, rate and SAC code
POST /api/v1/services/import
Content-Type: text/csv

code,name,category,service_type,default_rate,unit_of_measure,tax_rate,sac_code
MS-BASIC,Managed desktop,Managed services,fixed,1500.00,seat,18,998316
HOURLY,Engineer hour,,time,2000,hour,18,998313
GB,Cloud storage,,usage,0.000015,GB,18,998315
--- 200
{"rows": 3, "imported": 3, "rejected": 0, "dry_run": false, "errors": []}

=== the imported services
GET /api/v1/services?order=code
--- 200 partial
{"data": [{"code": "GB", "default_rate": "0.000015", "service_type": "usage", "category_id": null},
          {"code": "HOURLY", "default_rate": "2000", "unit_of_measure": "hour"},
          {"code": "MS-BASIC", "category_id": "{{managed}}", "default_rate": "1500", "tax_rate": "18",
           "sac_code": "998316"}]}

=== a service file with a bad rate and a bad SAC code imports nothing
POST /api/v1/services/import
Content-Type: text/csv

code,name,default_rate,sac_code
S1,Too precise,1.0000001,998316
S2,Bad SAC,10,99A
S3,Unknown category,10,998316
--- 422 partial
{"rows": 3, "imported": 0, "rejected": 2,
 "errors": [{"row": 2, "field": "default_rate", "code": "too_precise"},
            {"row": 3, "field": "sac_code", "code": "invalid", "message": "sac_code must be 4 to 8 digits (HSN or SAC code)"}]}
