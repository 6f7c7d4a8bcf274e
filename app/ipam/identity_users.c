/*
 * identity_users.c: users, API keys and the first admin, each change
 * audited in its own transaction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipam/audit.h"
#include "ipam/identity_internal.h"
#include "ipam/ipam_internal.h"
#include "ipam/objects.h"
#include "lib/hash.h"

struct json_object *
ipam_user_json(const struct store_user *u)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(u->id));
	ipam_json_add_string(o, "username", u->username);
	ipam_json_add_string(o, "display_name", u->display_name);
	ipam_json_add_string(o, "email", u->email);
	ipam_json_add_string(o, "role", u->role);
	ipam_json_add_string(o, "source", u->source);
	json_object_object_add(
	    o, "disabled", json_object_new_boolean(u->disabled != 0));
	ipam_json_add_string(o, "created_at", u->created_at);
	ipam_json_add_string(o, "updated_at", u->updated_at);
	json_object_object_add(o, "last_login_at",
	    u->last_login_at && u->last_login_at[0]
	        ? json_object_new_string(u->last_login_at)
	        : NULL);
	return o;
}

/* Unix seconds as ISO 8601 UTC, or JSON null for 0. */
static struct json_object *
time_json(int64_t t)
{
	char text[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		return NULL;
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(text);
}

struct json_object *
ipam_key_json(const struct store_api_key *k)
{
	struct json_object *o = json_object_new_object();
	struct json_object *accounts = json_tokener_parse(k->accounts);
	char prefix[40];

	if (accounts == NULL ||
	    !json_object_is_type(accounts, json_type_array)) {
		json_object_put(accounts);
		accounts = json_object_new_array();
	}
	snprintf(prefix, sizeof(prefix), "cpk_%" PRId64 "_", k->id);
	json_object_object_add(o, "id", json_object_new_int64(k->id));
	ipam_json_add_string(o, "name", k->name);
	ipam_json_add_string(o, "prefix", prefix);
	ipam_json_add_string(o, "scope", k->scope);
	json_object_object_add(o, "accounts", accounts);
	json_object_object_add(o, "user_id", json_object_new_int64(k->user_id));
	ipam_json_add_string(o, "username", k->user.username);
	json_object_object_add(o, "expires_at", time_json(k->expires_at));
	json_object_object_add(o, "last_used_at", time_json(k->last_used_at));
	json_object_object_add(o, "revoked_at", time_json(k->revoked_at));
	json_object_object_add(
	    o, "revoked", json_object_new_boolean(k->revoked_at != 0));
	ipam_json_add_string(o, "created_at", k->created_at);
	return o;
}

/* --- checks --- */

int
ipam_username_check(const char *name, struct err *err)
{
	size_t i, len;

	if (name == NULL || name[0] == '\0')
		return err_field(err, 400, "missing_field", "username",
		    "username is required");
	len = strlen(name);
	if (len > 64)
		return err_field(err, 400, "invalid_value", "username",
		    "username is at most 64 characters");
	for (i = 0; i < len; i++) {
		char c = name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || strchr("._@-", c) == NULL))
			return err_field(err, 400, "invalid_value", "username",
			    "username takes letters, digits and . _ @ - "
			    "and starts with a letter or digit");
	}
	return 0;
}

int
ipam_password_check(const char *password, const char *field, struct err *err)
{
	size_t len = password ? strlen(password) : 0;

	if (len == 0)
		return err_field(
		    err, 400, "missing_field", field, "a password is required");
	if (len < IPAM_PASSWORD_MIN)
		return err_field(err, 400, "weak_password", field,
		    "use at least %d characters", IPAM_PASSWORD_MIN);
	if (len > IPAM_PASSWORD_MAX)
		return err_field(err, 400, "invalid_value", field,
		    "use at most %d characters", IPAM_PASSWORD_MAX);
	return 0;
}

static int
role_check(const char *role, struct err *err)
{
	if (role == NULL)
		return err_field(
		    err, 400, "missing_field", "role", "role is required");
	if (ipam_role_parse(role) == IPAM_ROLE_NONE)
		return err_field(err, 400, "invalid_value", "role",
		    "role is one of admin, operator, viewer, auditor");
	return 0;
}

static int
text_check(const char *v, const char *field, size_t max, struct err *err)
{
	if (v != NULL && strlen(v) > max)
		return err_field(err, 400, "invalid_value", field,
		    "%s is at most %zu characters", field, max);
	return 0;
}

/* --- users --- */

/* Insert a local user (inside a transaction) and record it. */
static int
user_insert(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const struct ipam_user_in *in,
    const char *action, struct store_user *out, struct err *err)
{
	char hash[PASSWORD_HASH_MAX];
	struct store_user u;
	int64_t id;

	if (password_hash(&cfg->password, in->password, hash) == -1)
		return err_set(err, 500, "internal", "password hash failed");
	memset(&u, 0, sizeof(u));
	u.username = in->username;
	u.display_name = in->display_name;
	u.email = in->email;
	u.role = in->role;
	u.source = "local";
	u.password_hash = hash;
	u.disabled = in->disabled;
	if (store_user_insert(st, &u, &id, err) == -1 ||
	    store_user_get(st, id, arena, out, err) == -1)
		return -1;
	return ipam_audit(
	    st, action, "user", id, NULL, ipam_user_json(out), err);
}

static int
user_in_check(const struct ipam_user_in *in, struct err *err)
{
	if (ipam_username_check(in->username, err) == -1 ||
	    role_check(in->role, err) == -1 ||
	    text_check(in->display_name, "display_name", 200, err) == -1 ||
	    text_check(in->email, "email", 254, err) == -1)
		return -1;
	return ipam_password_check(in->password, "password", err);
}

int
ipam_user_create(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const struct ipam_user_in *in,
    struct store_user *out, struct err *err)
{
	if (user_in_check(in, err) == -1)
		return -1;
	if (store_begin(st, 1, err) == -1)
		return -1;
	return ipam_finish(
	    st, user_insert(st, arena, cfg, in, "user.create", out, err), err);
}

/* 409 when the change would leave no enabled admin. */
static int
last_admin_check(struct store *st, const struct store_user *before,
    const struct store_user *after, struct err *err)
{
	int64_t all, admins;

	if (strcmp(before->role, "admin") != 0 || before->disabled)
		return 0;
	if (after != NULL && strcmp(after->role, "admin") == 0 &&
	    !after->disabled)
		return 0;
	if (store_user_counts(st, &all, &admins, err) == -1)
		return -1;
	if (admins <= 1)
		return err_set(err, 409, "last_admin",
		    "%s is the last enabled admin: make another admin first",
		    before->username);
	return 0;
}

int
ipam_user_update(struct store *st, struct arena *arena, int64_t id,
    const struct ipam_user_in *in, struct store_user *out, struct err *err)
{
	struct store_user before, u;
	int rc;

	if (in->set_disabled && in->disabled && id == in->acting_user)
		return err_field(err, 409, "self", "disabled",
		    "you cannot disable yourself; ask another admin");
	if ((in->role != NULL && role_check(in->role, err) == -1) ||
	    text_check(in->display_name, "display_name", 200, err) == -1 ||
	    text_check(in->email, "email", 254, err) == -1)
		return -1;
	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_user_get(st, id, arena, &before, err);
	if (rc == 0) {
		u = before;
		if (in->display_name != NULL)
			u.display_name = in->display_name;
		if (in->email != NULL)
			u.email = in->email;
		if (in->role != NULL)
			u.role = in->role;
		if (in->set_disabled)
			u.disabled = in->disabled != 0;
		rc = last_admin_check(st, &before, &u, err);
	}
	if (rc == 0)
		rc = store_user_update(st, &u, err);
	if (rc == 0 && u.disabled && !before.disabled)
		rc = store_session_delete_user(st, id, err);
	if (rc == 0)
		rc = store_user_get(st, id, arena, out, err);
	if (rc == 0)
		rc = ipam_audit(st, "user.update", "user", id,
		    ipam_user_json(&before), ipam_user_json(out), err);
	return ipam_finish(st, rc, err);
}

int
ipam_user_set_password(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, int64_t id, const char *current,
    const char *password, struct err *err)
{
	char hash[PASSWORD_HASH_MAX];
	struct store_user u;
	int rc;

	if (ipam_password_check(password, "new_password", err) == -1)
		return -1;
	if (password_hash(&cfg->password, password, hash) == -1)
		return err_set(err, 500, "internal", "password hash failed");
	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_user_get(st, id, arena, &u, err);
	if (rc == 0 && strcmp(u.source, "local") != 0)
		rc = err_set(err, 409, "sso_user",
		    "%s signs in through SSO and has no CloudPAM password",
		    u.username);
	if (rc == 0 && current != NULL &&
	    password_verify(u.password_hash, current) != 1)
		rc = err_field(err, 400, "wrong_password", "current_password",
		    "the current password is not right");
	if (rc == 0) {
		u.password_hash = hash;
		rc = store_user_update(st, &u, err);
	}
	if (rc == 0)
		rc = store_session_delete_user(st, id, err);
	if (rc == 0)
		rc = ipam_audit(
		    st, "user.password", "user", id, NULL, NULL, err);
	return ipam_finish(st, rc, err);
}

int
ipam_user_delete(struct store *st, struct arena *arena, int64_t id,
    int64_t acting_user, struct err *err)
{
	struct store_user before;
	int rc;

	if (id == acting_user)
		return err_set(err, 409, "self",
		    "you cannot delete yourself; ask another admin");
	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_user_get(st, id, arena, &before, err);
	if (rc == 0)
		rc = last_admin_check(st, &before, NULL, err);
	if (rc == 0)
		rc = store_user_delete(st, id, err);
	if (rc == 0)
		rc = ipam_audit(st, "user.delete", "user", id,
		    ipam_user_json(&before), NULL, err);
	return ipam_finish(st, rc, err);
}

/* --- API keys --- */

static int
scope_check(const struct ipam_key_in *in, const struct store_user *owner,
    struct err *err)
{
	unsigned perms = ipam_role_perms(ipam_role_parse(owner->role));

	if (in->scope == NULL)
		return err_field(
		    err, 400, "missing_field", "scope", "scope is required");
	if (strcmp(in->scope, "read") && strcmp(in->scope, "write") &&
	    strcmp(in->scope, "collector"))
		return err_field(err, 400, "invalid_value", "scope",
		    "scope is one of read, write, collector");
	if (strcmp(in->scope, "read") != 0 &&
	    !(perms & (1u << IPAM_PERM_WRITE)))
		return err_field(err, 400, "invalid_value", "scope",
		    "%s is a %s and cannot hold a %s key", owner->username,
		    owner->role, in->scope);
	if (strcmp(in->scope, "collector") == 0 && in->naccounts == 0)
		return err_field(err, 400, "missing_field", "accounts",
		    "a collector key names the accounts it may reach");
	if (strcmp(in->scope, "collector") != 0 && in->naccounts != 0)
		return err_field(err, 400, "invalid_value", "accounts",
		    "only collector keys are limited to accounts");
	if (in->naccounts > IPAM_KEY_ACCOUNTS_MAX)
		return err_field(err, 400, "invalid_value", "accounts",
		    "at most %d accounts", IPAM_KEY_ACCOUNTS_MAX);
	return 0;
}

static int
key_in_check(struct store *st, struct arena *arena,
    const struct ipam_key_in *in, struct store_user *owner,
    struct json_object **accounts, struct err *err)
{
	struct store_account a;
	size_t i;

	if (in->name == NULL || in->name[0] == '\0')
		return err_field(
		    err, 400, "missing_field", "name", "name is required");
	if (text_check(in->name, "name", 100, err) == -1)
		return -1;
	if (in->expires_at != 0 && in->expires_at <= (int64_t)time(NULL))
		return err_field(err, 400, "invalid_value", "expires_at",
		    "expires_at is in the past");
	if (store_user_get(st, in->user_id, arena, owner, err) == -1) {
		if (err->status == 404)
			err_field(err, 400, "invalid_reference", "user_id",
			    "no user with id %" PRId64, in->user_id);
		return -1;
	}
	if (owner->disabled)
		return err_field(err, 400, "invalid_value", "user_id",
		    "%s is disabled", owner->username);
	if (scope_check(in, owner, err) == -1)
		return -1;
	*accounts = json_object_new_array();
	for (i = 0; i < in->naccounts; i++) {
		if (store_account_get(st, in->accounts[i], arena, &a, err) ==
		    -1) {
			json_object_put(*accounts);
			*accounts = NULL;
			if (err->status == 404)
				err_field(err, 400, "invalid_reference",
				    "accounts", "no account with id %" PRId64,
				    in->accounts[i]);
			return -1;
		}
		json_object_array_add(
		    *accounts, json_object_new_int64(in->accounts[i]));
	}
	return 0;
}

int
ipam_key_create(struct store *st, struct arena *arena,
    const struct ipam_key_in *in, struct store_api_key *out,
    char token[IPAM_KEY_TOKEN_MAX], struct err *err)
{
	char secret[SECRET_TOKEN_SIZE], hash[HASH_SHA256_HEX];
	struct json_object *accounts = NULL;
	struct store_api_key k;
	struct store_user owner;
	int64_t id;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = key_in_check(st, arena, in, &owner, &accounts, err);
	if (rc == 0 && (secret_token(secret) == -1 ||
	                   hash_sha256_hex(secret, strlen(secret), hash) == -1))
		rc = err_set(err, 500, "internal", "no random bytes");
	if (rc == 0) {
		memset(&k, 0, sizeof(k));
		k.user_id = in->user_id;
		k.name = in->name;
		k.scope = in->scope;
		k.accounts = json_object_to_json_string_ext(
		    accounts, JSON_C_TO_STRING_PLAIN);
		k.secret_hash = hash;
		k.expires_at = in->expires_at;
		rc = store_key_insert(st, &k, &id, err);
	}
	json_object_put(accounts);
	if (rc == 0)
		rc = store_key_get(st, id, arena, out, err);
	if (rc == 0)
		rc = ipam_audit(
		    st, "key.create", "key", id, NULL, ipam_key_json(out), err);
	if (ipam_finish(st, rc, err) == -1)
		return -1;
	snprintf(token, IPAM_KEY_TOKEN_MAX, "cpk_%" PRId64 "_%s", id, secret);
	return 0;
}

int
ipam_key_revoke(struct store *st, struct arena *arena, int64_t id,
    struct store_api_key *out, struct err *err)
{
	struct store_api_key before;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_key_get(st, id, arena, &before, err);
	if (rc == 0 && before.revoked_at != 0)
		rc = err_set(err, 409, "already_revoked",
		    "API key %" PRId64 " (%s) is already revoked", id,
		    before.name);
	if (rc == 0)
		rc = store_key_revoke(st, id, (int64_t)time(NULL), err);
	if (rc == 0)
		rc = store_key_get(st, id, arena, out, err);
	if (rc == 0)
		rc = ipam_audit(st, "key.revoke", "key", id,
		    ipam_key_json(&before), ipam_key_json(out), err);
	return ipam_finish(st, rc, err);
}

/* --- first start --- */

int
ipam_setup_open(struct store *st, int *open, struct err *err)
{
	int64_t all, admins;

	if (store_user_counts(st, &all, &admins, err) == -1)
		return -1;
	*open = all == 0;
	return 0;
}

int
ipam_setup_token_issue(
    struct store *st, char token[SECRET_TOKEN_SIZE], struct err *err)
{
	char hash[HASH_SHA256_HEX];

	if (secret_token(token) == -1 ||
	    hash_sha256_hex(token, strlen(token), hash) == -1)
		return err_set(err, 500, "internal", "no random bytes");
	return store_setting_set(st, "setup_token_hash", hash, err);
}

int
ipam_setup_complete(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const char *token,
    const struct ipam_user_in *in, struct store_user *out, struct err *err)
{
	char hash[HASH_SHA256_HEX], *want = NULL;
	struct ipam_user_in admin = *in;
	int open, rc;

	admin.role = "admin";
	admin.disabled = 0;
	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = ipam_setup_open(st, &open, err);
	if (rc == 0 && !open)
		rc = err_set(err, 404, "setup_closed",
		    "CloudPAM is already set up: sign in instead");
	if (rc == 0)
		rc = store_setting_get(
		    st, "setup_token_hash", arena, &want, err);
	if (rc == 0 && (token == NULL || token[0] == '\0' || want == NULL ||
	                   want[0] == '\0' ||
	                   hash_sha256_hex(token, strlen(token), hash) == -1 ||
	                   !secret_equal(hash, want)))
		rc = err_field(err, 403, "invalid_setup_token", "token",
		    "the setup token is not right: it is printed in the "
		    "server's log");
	if (rc == 0)
		rc = user_in_check(&admin, err);
	if (rc == 0) {
		ipam_audit_set_user(admin.username);
		rc = user_insert(st, arena, cfg, &admin, "setup", out, err);
	}
	if (rc == 0)
		rc = store_setting_set(st, "setup_token_hash", "", err);
	return ipam_finish(st, rc, err);
}
