/*
 * ipam_identity.c: the identity domain directly: the permission matrix,
 * route permission texts, tokens and secrets, argon2id hashes, the SSO
 * role map, keys and sessions against a real SQLite store, sign-in
 * throttling step by step, and the audit events each writes.
 */
#include "ipam/audit.h"
#include "ipam/identity.h"
#include "lib/config.h"
#include "lib/hash.h"
#include "lib/password.h"
#include "lib/secret.h"
#include "store/store.h"
#include "unit/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *st;
static struct arena *arena;
static struct ipam_auth_config cfg;

static void
test_matrix(void)
{
	static const struct {
		enum ipam_role role;
		const char
		    *may; /* perms in order signed_in read write audit admin */
	} want[] = {
		{ IPAM_ROLE_VIEWER, "11000" },
		{ IPAM_ROLE_OPERATOR, "11100" },
		{ IPAM_ROLE_AUDITOR, "11010" },
		{ IPAM_ROLE_ADMIN, "11111" },
		{ IPAM_ROLE_NONE, "00000" },
	};
	struct ipam_identity id;
	enum ipam_perm perm;
	size_t i;
	int p, accounts;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		memset(&id, 0, sizeof(id));
		id.kind = want[i].role ? IPAM_AUTH_SESSION : IPAM_AUTH_NONE;
		id.perms = ipam_role_perms(want[i].role);
		tap_ok(ipam_identity_may(&id, IPAM_PERM_PUBLIC, 0),
		    "%s: public", ipam_role_names[want[i].role]);
		for (p = IPAM_PERM_SIGNED_IN; p < IPAM_PERM__MAX; p++)
			tap_int(ipam_identity_may(&id, (enum ipam_perm)p, 0),
			    want[i].may[p - 1] == '1', "role x permission");
	}
	tap_int(ipam_role_parse("admin"), IPAM_ROLE_ADMIN, "role admin");
	tap_int(ipam_role_parse("Admin"), IPAM_ROLE_NONE, "roles are exact");
	tap_int(ipam_role_parse(""), IPAM_ROLE_NONE, "empty is no role");
	tap_int(ipam_perm_parse("write+account", &perm, &accounts), 0,
	    "write+account parses");
	tap_ok(
	    perm == IPAM_PERM_WRITE && accounts == 1, "as write, collector ok");
	tap_int(ipam_perm_parse("read", &perm, &accounts), 0, "read parses");
	tap_ok(perm == IPAM_PERM_READ && accounts == 0, "without collectors");
	tap_int(ipam_perm_parse("", &perm, &accounts), -1, "empty refused");
	tap_int(ipam_perm_parse("+account", &perm, &accounts), -1,
	    "+account alone refused");
	tap_int(
	    ipam_perm_parse("reader", &perm, &accounts), -1, "unknown refused");

	/* A collector identity: only +account routes, only its accounts. */
	memset(&id, 0, sizeof(id));
	id.kind = IPAM_AUTH_KEY;
	id.perms = ipam_role_perms(IPAM_ROLE_OPERATOR);
	id.collector = 1;
	id.accounts[0] = 7;
	id.naccounts = 1;
	tap_int(ipam_identity_may(&id, IPAM_PERM_READ, 0), 0,
	    "collector: no plain read route");
	tap_int(ipam_identity_may(&id, IPAM_PERM_READ, 1), 1,
	    "collector: read+account route");
	tap_int(ipam_identity_account_ok(&id, 7), 1, "its account");
	tap_int(ipam_identity_account_ok(&id, 8), 0, "not another");
	tap_int(ipam_identity_account_ok(&id, 0), 0, "not pools without one");
}

static void
test_secrets(void)
{
	char a[SECRET_TOKEN_SIZE], b[SECRET_TOKEN_SIZE], h[SECRET_TOKEN_SIZE];
	char hash[PASSWORD_HASH_MAX];
	struct password_params p = { 1, 64, 1 }, q = { 2, 64, 1 };

	tap_int(secret_token(a), 0, "token made");
	tap_int(secret_token(b), 0, "another");
	tap_int((long long)strlen(a), 43, "43 characters");
	tap_ok(strcmp(a, b) != 0, "tokens differ");
	tap_ok(secret_token_valid(a), "valid shape");
	tap_ok(!secret_token_valid("short"), "short refused");
	a[5] = '+';
	tap_ok(!secret_token_valid(a), "non-base64url refused");
	tap_int(secret_hmac("key", 3, "data", 4, h), 0, "hmac");
	/* RFC 4231-style check through a known value of HMAC-SHA256. */
	tap_str(h, "UDH-PZicbRU3oBP6bnOdojRj_a7DtwE32Cjjas4iG9A",
	    "HMAC-SHA256(key, data) as base64url");
	tap_ok(secret_equal("abc", "abc") && !secret_equal("abc", "abd") &&
	           !secret_equal("abc", "ab"),
	    "secret_equal");

	tap_int(password_hash(&p, "correct horse", hash), 0, "argon2id hash");
	tap_ok(strncmp(hash, "$argon2id$v=19$m=64,t=1,p=1$", 28) == 0,
	    "encoded with its parameters");
	tap_int(password_verify(hash, "correct horse"), 1, "verifies");
	tap_int(password_verify(hash, "correct horsE"), 0, "wrong: 0");
	tap_int(password_verify("$argon2i$v=19$m=64,t=1,p=1$x$y", "x"), 0,
	    "not argon2id: 0");
	tap_int(password_verify("garbage", "x"), 0, "garbage: 0");
	tap_int(password_needs_rehash(&p, hash), 0, "same parameters");
	tap_int(password_needs_rehash(&q, hash), 1, "t changed: rehash");
}

static void
test_config(void)
{
	struct ipam_auth_config c;
	struct config conf;
	struct err err = ERR_INIT;
	char *argv[] = { "cloudpam", NULL };
	int argc = 1;

	setenv("CLOUDPAM_SSO_ROLE_MAP", "netadmins=admin, neteng=operator", 1);
	setenv("CLOUDPAM_SSO_DEFAULT_ROLE", "viewer", 1);
	tap_int(config_load(&conf, &argc, argv, &err), 0, "config loads");
	tap_int(ipam_auth_config_load(&conf, &c, &err), 0, "role map loads");
	tap_int((long long)c.nrole_map, 2, "two entries");
	tap_str(c.role_map[1].value, "neteng", "spaces after commas ignored");
	tap_int(c.role_map[1].role, IPAM_ROLE_OPERATOR, "neteng=operator");
	tap_int(c.sso_default_role, IPAM_ROLE_VIEWER, "default role");
	config_free(&conf);

	setenv("CLOUDPAM_SSO_ROLE_MAP", "netadmins=root", 1);
	argc = 1;
	config_load(&conf, &argc, argv, &err);
	tap_int(ipam_auth_config_load(&conf, &c, &err), -1, "bad role refused");
	tap_ok(strstr(err.message, "\"root\" is not a role") != NULL,
	    "naming it: %s", err.message);
	config_free(&conf);

	setenv("CLOUDPAM_SSO_ROLE_MAP", "justaname", 1);
	argc = 1;
	config_load(&conf, &argc, argv, &err);
	tap_int(ipam_auth_config_load(&conf, &c, &err), -1,
	    "an entry without = refused");
	config_free(&conf);
	unsetenv("CLOUDPAM_SSO_ROLE_MAP");
	unsetenv("CLOUDPAM_SSO_DEFAULT_ROLE");
}

static int64_t
count(const char *action)
{
	struct store_audit_filter f;
	struct store_page page = { 0, 1, 0 };
	struct store_audit *rows;
	struct err err = ERR_INIT;
	size_t n;

	memset(&f, 0, sizeof(f));
	f.action = action;
	if (store_audit_list(st, arena, &f, &page, &rows, &n, &err) == -1)
		return -1;
	return page.total;
}

static void
test_users_and_keys(void)
{
	struct ipam_user_in in;
	struct ipam_key_in kin;
	struct ipam_identity id;
	struct store_user u, admin;
	struct store_api_key k;
	struct err err = ERR_INIT;
	char token[IPAM_KEY_TOKEN_MAX], bad[IPAM_KEY_TOKEN_MAX];
	int64_t accounts[1] = { 999 };

	memset(&in, 0, sizeof(in));
	in.username = "root";
	in.role = "admin";
	in.password = "a long passphrase";
	tap_int(ipam_user_create(st, arena, &cfg, &in, &admin, &err), 0,
	    "admin created");
	in.username = "-bad";
	tap_int(ipam_user_create(st, arena, &cfg, &in, &u, &err), -1,
	    "a name starting with - refused");
	tap_str(err.field, "username", "naming username");
	in.username = "vic";
	in.role = "viewer";
	in.password = "short";
	tap_int(ipam_user_create(st, arena, &cfg, &in, &u, &err), -1,
	    "a short password refused");
	tap_str(err.code, "weak_password", "weak_password");
	in.password = "a long passphrase";
	tap_int(ipam_user_create(st, arena, &cfg, &in, &u, &err), 0,
	    "viewer created");
	tap_int(ipam_user_create(st, arena, &cfg, &in, &u, &err), -1,
	    "the same name again refused");
	tap_int(err.status, 409, "409");
	tap_int(count("user.create"), 2, "two user.create events");

	/* The last admin stays. */
	memset(&in, 0, sizeof(in));
	in.role = "viewer";
	tap_int(ipam_user_update(st, arena, admin.id, &in, &u, &err), -1,
	    "demoting the last admin refused");
	tap_str(err.code, "last_admin", "last_admin");
	in.role = NULL;
	in.set_disabled = 1;
	in.disabled = 1;
	in.acting_user = admin.id;
	tap_int(ipam_user_update(st, arena, admin.id, &in, &u, &err), -1,
	    "disabling oneself refused");
	tap_str(err.code, "self", "self");

	/* Keys: scope within the owner's role, accounts for collectors. */
	memset(&kin, 0, sizeof(kin));
	kin.user_id = 2; /* vic, a viewer */
	kin.name = "ci";
	kin.scope = "write";
	tap_int(ipam_key_create(st, arena, &kin, &k, token, &err), -1,
	    "a viewer cannot hold a write key");
	kin.scope = "read";
	tap_int(ipam_key_create(st, arena, &kin, &k, token, &err), 0,
	    "a read key for the viewer");
	tap_ok(strncmp(token, "cpk_", 4) == 0 && strlen(token) > 48,
	    "token cpk_<id>_<secret>: %s", token);
	kin.user_id = admin.id;
	kin.scope = "collector";
	tap_int(ipam_key_create(st, arena, &kin, &k, token + 0, &err), -1,
	    "a collector key without accounts refused");
	kin.accounts = accounts;
	kin.naccounts = 1;
	tap_int(ipam_key_create(st, arena, &kin, &k, bad, &err), -1,
	    "with an unknown account refused");
	tap_str(err.code, "invalid_reference", "invalid_reference");

	kin.user_id = 2;
	kin.scope = "read";
	kin.accounts = NULL;
	kin.naccounts = 0;
	ipam_key_create(st, arena, &kin, &k, token, &err);
	tap_int(ipam_key_identify(st, arena, token, time(NULL), &id, &err), 0,
	    "the key identifies");
	tap_str(id.user.username, "vic", "as its owner");
	tap_int(id.perms & (1u << IPAM_PERM_WRITE), 0, "read scope: no write");
	snprintf(bad, sizeof(bad), "%s", token);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'A' ? 'B' : 'A';
	tap_int(ipam_key_identify(st, arena, bad, time(NULL), &id, &err), -1,
	    "one character off: refused");
	tap_str(err.code, "invalid_key", "invalid_key");
	tap_int(ipam_key_identify(st, arena, "cpk_0_x", time(NULL), &id, &err),
	    -1, "malformed refused");
	tap_int(ipam_key_revoke(st, arena, k.id, &k, &err), 0, "revoked");
	tap_int(ipam_key_identify(st, arena, token, time(NULL), &id, &err), -1,
	    "a revoked key is refused");
	tap_str(err.code, "key_revoked", "key_revoked");
	tap_int(ipam_key_revoke(st, arena, k.id, &k, &err), -1, "twice: 409");
	tap_int(count("key.revoke"), 1, "one key.revoke event");
}

static void
test_login(void)
{
	struct ipam_identity id, again;
	struct err err = ERR_INIT;
	char token[SECRET_TOKEN_SIZE], h[HASH_SHA256_HEX];
	time_t now = 1800000000;
	int i;

	tap_int(ipam_login(st, arena, &cfg, "root", "a long passphrase",
	            "192.0.2.1", now, token, &id, &err),
	    0, "sign in");
	tap_int(id.kind, IPAM_AUTH_SESSION, "a session");
	tap_int(ipam_session_identify(
	            st, arena, &cfg, token, now + 10, &again, &err),
	    0, "the cookie identifies");
	tap_str(again.user.username, "root", "as root");
	tap_int(ipam_session_identify(st, arena, &cfg, token,
	            now + cfg.session_idle, &again, &err),
	    0, "after the idle time...");
	tap_int(again.kind, IPAM_AUTH_NONE, "...no one");
	hash_sha256_hex(token, strlen(token), h);
	tap_int(
	    ipam_session_identify(st, arena, &cfg, token, now, &again, &err), 0,
	    "and the session is gone for good");
	tap_int(again.kind, IPAM_AUTH_NONE, "even at the old time");

	/* Throttling: 3 free failures, then 1, 2, 4 s; a lock at 10. */
	for (i = 0; i < 3; i++)
		tap_int(ipam_login(st, arena, &cfg, "root", "nope", "192.0.2.9",
		            now + i, token, &id, &err),
		    -1, "a wrong password");
	tap_int(err.status, 401, "401 while free");
	ipam_login(st, arena, &cfg, "root", "a long passphrase", "192.0.2.9",
	    now + 2, token, &id, &err);
	tap_int(err.status, 429, "then even the right one waits");
	tap_ok(strstr(err.message, "1 second") != NULL, "%s", err.message);
	tap_int(ipam_login(st, arena, &cfg, "root", "a long passphrase",
	            "192.0.2.9", now + 3, token, &id, &err),
	    0, "after the second passed, it works");
	for (i = 0; i < 10; i++) {
		err_clear(&err);
		ipam_login(st, arena, &cfg, "root", "nope", "192.0.2.7",
		    now + 100 * i, token, &id, &err);
	}
	tap_int(ipam_login(st, arena, &cfg, "root", "a long passphrase",
	            "192.0.2.7", now + 1000, token, &id, &err),
	    -1, "after 10 failures: locked");
	tap_int(err.status, 429, "429");
	tap_int(ipam_login(st, arena, &cfg, "root", "a long passphrase",
	            "192.0.2.6", now + 1000 + cfg.login_lock, token, &id, &err),
	    0, "the lock ends");
	tap_int(count("login.failed"), 13, "every failure audited");
}

int
main(void)
{
	char path[] = "/tmp/cloudpam-unit-XXXXXX";
	char url[64];
	struct store_options opt = { 5000, 0, 0 };
	struct config conf;
	struct err err = ERR_INIT;
	char *argv[] = { "cloudpam", NULL };
	int applied, fd, argc = 1;

	test_matrix();
	test_secrets();
	test_config();
	fd = mkstemp(path);
	if (fd != -1)
		close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	arena = arena_new(1 << 16);
	st = store_open(url, &opt, &err);
	if (st == NULL || store_migrate_up(st, &applied, &err) == -1 ||
	    config_load(&conf, &argc, argv, &err) == -1 ||
	    ipam_auth_config_load(&conf, &cfg, &err) == -1) {
		printf("Bail out! %s\n", err.message);
		return 1;
	}
	cfg.password.m_cost = 64; /* fast hashes for the test */
	cfg.password.t_cost = 1;
	test_users_and_keys();
	test_login();
	store_free(st);
	arena_free(arena);
	config_free(&conf);
	unlink(path);
	snprintf(url, sizeof(url), "%s-wal", path);
	unlink(url);
	snprintf(url, sizeof(url), "%s-shm", path);
	unlink(url);
	return tap_done();
}
