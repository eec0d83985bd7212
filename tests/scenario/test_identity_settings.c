/* tests/scenario/test_identity_settings.c — secrets at rest (issue 3; domain/settings.c,
 * domain/seal.c): what the database holds, what the audit trail and the export never hold,
 * tampering detected, and a server without REMIT_SETTINGS_KEY refusing to store a secret
 * (this test starts that server itself, from REMIT_TEST_BIN, on a scratch SQLite file).
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/scenario/identity_helpers.h"

#define PW "correct horse 1"

TestSuite(identity_settings);

static char *email(const char *who)
{
    static char buf[8][160];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 160, "%s-%s@settings-scenario.test", who, idt_run());
    return b;
}

static void secret(const IdtAccount *a, const char *key, const char *value, char id[40])
{
    json_t *j = NULL;
    cr_assert_eq(idt_callf(&j, "POST", "/api/v1/system_settings", a->token,
                           "{\"setting_key\": \"%s\", \"setting_type\": \"secret\", \"setting_value\": \"%s\"}", key,
                           value),
                 201);
    cr_assert_str_eq(idt_str(j, "setting_value"), "********");
    snprintf(id, 40, "%s", idt_str(j, "id"));
    json_decref(j);
}

Test(identity_settings, a_secret_is_stored_sealed_and_never_in_clear)
{
    idt_use_ip("10.40.1.1");
    IdtAccount a;
    idt_signup(&a, "Sealed Co", email("sealed"), PW);
    char id[40], plain[80];
    snprintf(plain, sizeof plain, "plain-secret-%s", idt_run());
    secret(&a, "payment.api_key", plain, id);
    char *row = idt_sql("SELECT CASE WHEN setting_value IS NULL THEN 'null' ELSE 'set' END, encrypted_value,"
                        " CASE WHEN is_encrypted THEN 1 ELSE 0 END"
                        " FROM system_settings WHERE tenant_id = '%s' AND id = '%s'",
                        a.tenant_id, id);
    cr_assert(strncmp(row, "null|v1.", 8) == 0, "setting_value stays null, encrypted_value is sealed: %s", row);
    cr_assert_null(strstr(row, plain), "the database holds no clear text");
    cr_assert(strstr(row, "|1") != NULL);
    free(row);
    char *audit = idt_sql("SELECT CAST(new_values AS TEXT) FROM audit_logs WHERE tenant_id = '%s' AND entity_id = '%s'",
                          a.tenant_id, id);
    cr_assert_null(strstr(audit, plain), "the audit trail holds no secret: %s", audit);
    cr_assert_null(strstr(audit, "v1."), "nor the sealed text: %s", audit);
    free(audit);
    /* the same value sealed twice gives two different texts (a fresh nonce each time) */
    char id2[40];
    secret(&a, "payment.api_key2", plain, id2);
    char *two = idt_sql("SELECT count(DISTINCT encrypted_value) FROM system_settings WHERE tenant_id = '%s'"
                        " AND setting_type = 'secret'",
                        a.tenant_id);
    cr_assert_str_eq(two, "2");
    free(two);
}

Test(identity_settings, a_sealed_secret_moved_to_another_setting_does_not_open)
{
    idt_use_ip("10.40.1.2");
    IdtAccount a;
    idt_signup(&a, "Tamper Co", email("tamper"), PW);
    char from[40], to[40];
    secret(&a, "first.secret", "first secret value", from);
    secret(&a, "second.secret", "second secret value", to);
    /* someone with database access copies one sealed value over the other */
    char *done = idt_sql("UPDATE system_settings SET encrypted_value = (SELECT encrypted_value FROM system_settings"
                         " WHERE tenant_id = '%s' AND id = '%s') WHERE tenant_id = '%s' AND id = '%s'",
                         a.tenant_id, from, a.tenant_id, to);
    free(done);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/system_settings/%s", to);
    json_t *j = NULL;
    /* changing the rules makes the server open the stored secret to check it */
    cr_assert_eq(idt_call(&j, "PATCH", path, a.token, "{\"validation_rules\": {\"min_length\": 1}}"), 409);
    cr_assert_str_eq(idt_str(j, "error.message"), "the stored secret does not open (altered or moved); write it again");
    json_decref(j);
    cr_assert_eq(idt_call(&j, "PATCH", path, a.token, "{\"setting_value\": \"second secret again\"}"), 200,
                 "writing it again repairs it");
    json_decref(j);
    cr_assert_eq(idt_call(&j, "PATCH", path, a.token, "{\"validation_rules\": {\"min_length\": 1}}"), 200);
    json_decref(j);
}

/* Starts `remit serve` without REMIT_SETTINGS_KEY on a scratch SQLite file; returns its pid. */
static pid_t start_keyless(char *base, size_t cap, const char *dir)
{
    const char *bin = getenv("REMIT_TEST_BIN");
    cr_assert(bin && *bin, "REMIT_TEST_BIN is not set");
    char out[1100], db[1100], data[1100];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(db, sizeof db, "sqlite:%s/keyless.db", dir);
    snprintf(data, sizeof data, "%s/data", dir);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork");
    if (pid == 0) {
        unsetenv("REMIT_SETTINGS_KEY");
        setenv("REMIT_TEST_MODE", "1", 1);
        setenv("REMIT_SECRET", "0000000000000000000000000000000000000000000000000000000000000009", 1);
        if (!freopen(out, "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(126);
        execl(bin, bin, "serve", "--db", db, "--data-dir", data, "--listen", "127.0.0.1:0", "--threads", "4",
              (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) {
        FILE *f = fopen(out, "r");
        char line[256] = "";
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = '\0';
            fclose(f);
        }
        const char *p = strstr(line, "serving on http://127.0.0.1:");
        if (p) {
            long port = strtol(p + strlen("serving on http://127.0.0.1:"), NULL, 10);
            snprintf(base, cap, "http://127.0.0.1:%ld", port);
            return pid;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid)
            cr_assert_fail("the keyless server exited at start");
        usleep(50000);
    }
    kill(pid, SIGTERM);
    cr_assert_fail("the keyless server did not start");
    return -1;
}

Test(identity_settings, without_a_settings_key_a_secret_is_refused_and_nothing_is_stored)
{
    idt_use_ip("10.40.1.3");
    const char *work = getenv("REMIT_TEST_WORK");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/keyless-%d", work ? work : "/tmp", (int)getpid());
    mkdir(dir, 0755);
    char base[128];
    pid_t pid = start_keyless(base, sizeof base, dir);
    json_t *j = NULL;
    long st = idt_call_at(base, &j, "POST", "/api/v1/auth/signup", NULL,
                          "{\"tenant_name\": \"Keyless Co\", \"email\": \"keyless@settings-scenario.test\","
                          " \"password\": \"correct horse 1\"}");
    char token[256] = "";
    if (st == 201)
        snprintf(token, sizeof token, "%s", idt_str(j, "access_token"));
    json_decref(j);
    long secret_st = idt_call_at(base, &j, "POST", "/api/v1/system_settings", token,
                                 "{\"setting_key\": \"smtp.password\", \"setting_type\": \"secret\","
                                 " \"setting_value\": \"would be in clear\"}");
    char message[200] = "", hint[200] = "";
    snprintf(message, sizeof message, "%s", idt_str(j, "error.message") ? idt_str(j, "error.message") : "");
    snprintf(hint, sizeof hint, "%s", idt_str(j, "error.hint") ? idt_str(j, "error.hint") : "");
    json_decref(j);
    long plain_st = idt_call_at(base, &j, "POST", "/api/v1/system_settings", token,
                                "{\"setting_key\": \"invoice.prefix\", \"setting_type\": \"string\", \"setting_value\": \"INV\"}");
    json_decref(j);
    long list_st = idt_call_at(base, &j, "GET", "/api/v1/system_settings", token, NULL);
    size_t count = json_array_size(json_object_get(j, "data"));
    json_decref(j);
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert_eq(st, 201, "sign-up on the keyless server");
    cr_assert_eq(secret_st, 503);
    cr_assert_str_eq(message, "secrets cannot be stored: the server has no encryption key");
    cr_assert_str_eq(hint, "start the server with REMIT_SETTINGS_KEY set to 64 hex characters (32 random bytes)");
    cr_assert_eq(plain_st, 201, "other settings work without the key");
    cr_assert_eq(list_st, 200);
    cr_assert_eq(count, 1, "the refused secret left nothing behind");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the keyless server stopped cleanly");
}
