/*
 * identity.c: roles, configuration and the credentials of a request.
 *
 * Users, keys and setup are in identity_users.c.
 */
#include "ipam/identity.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipam/audit.h"
#include "ipam/identity_internal.h"
#include "lib/hash.h"
#include "lib/log.h"

const char *const ipam_role_names[IPAM_ROLE__MAX] = { "", "viewer", "operator",
	"auditor", "admin" };

const char *const ipam_perm_names[IPAM_PERM__MAX] = { "public", "signed_in",
	"read", "write", "audit", "admin" };

#define P(x) (1u << IPAM_PERM_##x)

static const unsigned role_perms[IPAM_ROLE__MAX] = {
	0,                                                       /* NONE */
	P(SIGNED_IN) | P(READ),                                  /* viewer */
	P(SIGNED_IN) | P(READ) | P(WRITE),                       /* operator */
	P(SIGNED_IN) | P(READ) | P(AUDIT),                       /* auditor */
	P(SIGNED_IN) | P(READ) | P(WRITE) | P(AUDIT) | P(ADMIN), /* admin */
};

enum ipam_role
ipam_role_parse(const char *name)
{
	int i;

	if (name == NULL)
		return IPAM_ROLE_NONE;
	for (i = 1; i < IPAM_ROLE__MAX; i++)
		if (strcmp(name, ipam_role_names[i]) == 0)
			return (enum ipam_role)i;
	return IPAM_ROLE_NONE;
}

unsigned
ipam_role_perms(enum ipam_role role)
{
	return role < IPAM_ROLE__MAX ? role_perms[role] : 0;
}

int
ipam_perm_parse(const char *text, enum ipam_perm *perm, int *accounts)
{
	size_t len = strlen(text);
	int i;

	*accounts = 0;
	if (len > 8 && strcmp(text + len - 8, "+account") == 0) {
		*accounts = 1;
		len -= 8;
	}
	for (i = 0; i < IPAM_PERM__MAX; i++)
		if (strlen(ipam_perm_names[i]) == len &&
		    strncmp(text, ipam_perm_names[i], len) == 0) {
			*perm = (enum ipam_perm)i;
			return 0;
		}
	return -1;
}

int
ipam_identity_may(
    const struct ipam_identity *id, enum ipam_perm perm, int accounts_ok)
{
	if (perm == IPAM_PERM_PUBLIC)
		return 1;
	if (id->kind == IPAM_AUTH_NONE)
		return 0;
	if (id->collector && !accounts_ok)
		return 0;
	return (id->perms & (1u << perm)) != 0;
}

int
ipam_identity_account_ok(const struct ipam_identity *id, int64_t account_id)
{
	size_t i;

	if (!id->collector)
		return 1;
	for (i = 0; i < id->naccounts; i++)
		if (id->accounts[i] == account_id)
			return 1;
	return 0;
}

/* --- configuration --- */

/* Parse "value=role,value=role" into out->role_map. */
static int
parse_role_map(const char *text, struct ipam_auth_config *out, struct err *err)
{
	char *p, *item, *save = NULL, *eq;

	if (strlen(text) >= sizeof(out->map_text))
		return err_set(err, 400, "invalid_config",
		    "CLOUDPAM_SSO_ROLE_MAP is too long");
	memcpy(out->map_text, text, strlen(text) + 1);
	for (p = out->map_text; (item = strtok_r(p, ",", &save)) != NULL;
	     p = NULL) {
		while (*item == ' ')
			item++;
		eq = strchr(item, '=');
		if (eq == NULL || eq == item)
			return err_set(err, 400, "invalid_config",
			    "CLOUDPAM_SSO_ROLE_MAP: \"%s\" is not value=role",
			    item);
		*eq = '\0';
		if (out->nrole_map == IPAM_ROLE_MAP_MAX)
			return err_set(err, 400, "invalid_config",
			    "CLOUDPAM_SSO_ROLE_MAP: at most %d entries",
			    IPAM_ROLE_MAP_MAX);
		out->role_map[out->nrole_map].value = item;
		out->role_map[out->nrole_map].role = ipam_role_parse(eq + 1);
		if (out->role_map[out->nrole_map].role == IPAM_ROLE_NONE)
			return err_set(err, 400, "invalid_config",
			    "CLOUDPAM_SSO_ROLE_MAP: \"%s\" is not a role "
			    "(admin, operator, viewer, auditor)",
			    eq + 1);
		out->nrole_map++;
	}
	return 0;
}

int
ipam_auth_config_load(
    const struct config *cfg, struct ipam_auth_config *out, struct err *err)
{
	const char *def = config_str(cfg, CONFIG_SSO_DEFAULT_ROLE);

	memset(out, 0, sizeof(*out));
	out->session_idle = config_int(cfg, CONFIG_SESSION_IDLE);
	out->session_max = config_int(cfg, CONFIG_SESSION_MAX);
	out->login_lock = config_int(cfg, CONFIG_LOGIN_LOCK);
	out->password.t_cost = (unsigned)config_int(cfg, CONFIG_ARGON2_T);
	out->password.m_cost = (unsigned)config_int(cfg, CONFIG_ARGON2_M);
	out->password.parallel = (unsigned)config_int(cfg, CONFIG_ARGON2_P);
	out->trust_sso = (int)config_int(cfg, CONFIG_TRUST_SSO);
	out->sso_role_claim = config_str(cfg, CONFIG_SSO_ROLE_CLAIM);
	out->sso_auth_type = config_str(cfg, CONFIG_SSO_AUTH_TYPE);
	out->sso_logout_url = config_str(cfg, CONFIG_SSO_LOGOUT_URL);
	if (out->sso_auth_type[0] == '\0')
		return err_set(err, 400, "invalid_config",
		    "CLOUDPAM_SSO_AUTH_TYPE cannot be empty");
	if (out->password.m_cost < 8 * out->password.parallel)
		return err_set(err, 400, "invalid_config",
		    "CLOUDPAM_ARGON2_M must be at least 8 KiB per lane");
	if (def[0] != '\0' &&
	    (out->sso_default_role = ipam_role_parse(def)) == IPAM_ROLE_NONE)
		return err_set(err, 400, "invalid_config",
		    "CLOUDPAM_SSO_DEFAULT_ROLE: \"%s\" is not a role "
		    "(admin, operator, viewer, auditor)",
		    def);
	return parse_role_map(config_str(cfg, CONFIG_SSO_ROLE_MAP), out, err);
}

/* --- identities --- */

void
ipam_identity_of_user(struct ipam_identity *out, enum ipam_auth_kind kind,
    const struct store_user *u)
{
	out->kind = kind;
	out->user = *u;
	out->role = ipam_role_parse(u->role);
	out->perms = ipam_role_perms(out->role);
}

int
ipam_session_identify(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const char *token, time_t now,
    struct ipam_identity *out, struct err *err)
{
	struct store_session s;
	char hash[HASH_SHA256_HEX];
	int found;

	memset(out, 0, sizeof(*out));
	if (token == NULL || !secret_token_valid(token))
		return 0;
	if (hash_sha256_hex(token, strlen(token), hash) == -1)
		return err_set(err, 500, "internal", "hash failed");
	if (store_session_get(st, hash, arena, &s, &found, err) == -1)
		return -1;
	if (!found)
		return 0;
	if (now - s.last_seen_at >= cfg->session_idle ||
	    now - s.created_at >= cfg->session_max || s.user.disabled) {
		/* Gone either way; a failed delete changes nothing. */
		if (store_session_delete(st, hash, err) == -1)
			return -1;
		return 0;
	}
	if (now - s.last_seen_at >= 60 &&
	    store_session_touch(st, hash, now, err) == -1)
		return -1;
	ipam_identity_of_user(out, IPAM_AUTH_SESSION, &s.user);
	memcpy(out->session_hash, hash, sizeof(hash));
	return 0;
}

/* Parse "cpk_<id>_<secret>". */
static int
key_parse(const char *bearer, int64_t *id, const char **secret)
{
	char *end;
	long long v;

	if (strncmp(bearer, "cpk_", 4) != 0 || bearer[4] < '1' ||
	    bearer[4] > '9')
		return -1;
	errno = 0;
	v = strtoll(bearer + 4, &end, 10);
	if (errno != 0 || v <= 0 || *end != '_' || end - bearer > 24)
		return -1;
	if (!secret_token_valid(end + 1))
		return -1;
	*id = v;
	*secret = end + 1;
	return 0;
}

/* The account ids of a key's JSON array. */
static void
key_accounts(const char *text, struct ipam_identity *out)
{
	struct json_object *a = json_tokener_parse(text);
	size_t i, n;

	out->naccounts = 0;
	if (a == NULL || !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return;
	}
	n = json_object_array_length(a);
	for (i = 0; i < n && out->naccounts < IPAM_KEY_ACCOUNTS_MAX; i++)
		out->accounts[out->naccounts++] =
		    json_object_get_int64(json_object_array_get_idx(a, i));
	json_object_put(a);
}

int
ipam_key_identify(struct store *st, struct arena *arena, const char *bearer,
    time_t now, struct ipam_identity *out, struct err *err)
{
	struct store_api_key k;
	char hash[HASH_SHA256_HEX];
	const char *secret;
	unsigned scope_perms;
	int64_t id;

	memset(out, 0, sizeof(*out));
	if (key_parse(bearer, &id, &secret) == -1)
		return err_set(err, 401, "invalid_key",
		    "the API key is malformed: expected cpk_<id>_<secret>");
	if (store_key_get(st, id, arena, &k, err) == -1) {
		if (err->status != 404)
			return -1;
		return err_set(err, 401, "invalid_key", "unknown API key");
	}
	if (hash_sha256_hex(secret, strlen(secret), hash) == -1)
		return err_set(err, 500, "internal", "hash failed");
	if (!secret_equal(hash, k.secret_hash))
		return err_set(err, 401, "invalid_key", "unknown API key");
	if (k.revoked_at != 0)
		return err_set(
		    err, 401, "key_revoked", "this API key was revoked");
	if (k.expires_at != 0 && now >= k.expires_at)
		return err_set(
		    err, 401, "key_expired", "this API key has expired");
	if (k.user.disabled)
		return err_set(err, 401, "user_disabled",
		    "the owner of this API key is disabled");
	if (now - k.last_used_at >= 60 &&
	    store_key_touch(st, k.id, now, err) == -1)
		return -1;
	ipam_identity_of_user(out, IPAM_AUTH_KEY, &k.user);
	out->key_id = k.id;
	out->scope = k.scope;
	/* read: what the owner may read; write: all the owner may do;
	 * collector: read and write, limited to its accounts. */
	if (strcmp(k.scope, "read") == 0)
		scope_perms = P(SIGNED_IN) | P(READ) | P(AUDIT);
	else if (strcmp(k.scope, "collector") == 0)
		scope_perms = P(SIGNED_IN) | P(READ) | P(WRITE);
	else
		scope_perms = ~0u;
	out->perms &= scope_perms;
	if (strcmp(k.scope, "collector") == 0) {
		out->collector = 1;
		key_accounts(k.accounts, out);
	}
	return 0;
}

int
ipam_csrf_token(const struct ipam_identity *id, const char *secret,
    char out[SECRET_TOKEN_SIZE])
{
	char data[160];

	if (id->kind == IPAM_AUTH_SESSION)
		snprintf(data, sizeof(data), "session:%s", id->session_hash);
	else if (id->kind == IPAM_AUTH_SSO)
		snprintf(data, sizeof(data), "sso:%" PRId64, id->user.id);
	else
		return -1;
	return secret_hmac(secret, strlen(secret), data, strlen(data), out);
}

int
ipam_instance_secret(
    struct store *st, struct arena *arena, char **out, struct err *err)
{
	char token[SECRET_TOKEN_SIZE];

	if (store_setting_get(st, "instance_secret", arena, out, err) == -1)
		return -1;
	if (*out != NULL && (*out)[0] != '\0')
		return 0;
	if (secret_token(token) == -1)
		return err_set(err, 500, "internal", "no random bytes");
	if (store_setting_set(st, "instance_secret", token, err) == -1)
		return -1;
	return store_setting_get(st, "instance_secret", arena, out, err);
}

/* --- SSO --- */

/* The role of the first mapped value of a comma-joined claim, by rank:
 * the strongest mapped role wins. */
static enum ipam_role
sso_role(const struct ipam_auth_config *cfg, const char *values)
{
	static const int rank[IPAM_ROLE__MAX] = { 0, 1, 3, 2, 4 };
	enum ipam_role best = IPAM_ROLE_NONE;
	const char *p = values, *end;
	size_t i, len;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < cfg->nrole_map; i++)
			if (strlen(cfg->role_map[i].value) == len &&
			    strncmp(cfg->role_map[i].value, p, len) == 0 &&
			    rank[cfg->role_map[i].role] > rank[best])
				best = cfg->role_map[i].role;
		p = end ? end + 1 : NULL;
	}
	return best;
}

/* The user of the SSO name; refused when disabled or a local user (a
 * provider account must never become a local one of the same name). */
static int
sso_lookup(struct store *st, struct arena *arena,
    const struct ipam_sso_claims *c, struct store_user *u, int *found,
    struct err *err)
{
	if (store_user_find(st, c->remote_user, arena, u, found, err) == -1)
		return -1;
	if (*found && strcmp(u->source, "sso") != 0)
		return err_set(err, 403, "local_user",
		    "%s is a local CloudPAM user and cannot sign in through "
		    "SSO",
		    c->remote_user);
	if (*found && u->disabled)
		return err_set(err, 403, "user_disabled",
		    "%s is disabled in CloudPAM", c->remote_user);
	return 0;
}

/* Whether the stored user already says what the front server says. */
static int
sso_same(const struct store_user *u, enum ipam_role role, const char *email,
    const char *name)
{
	return strcmp(u->role, ipam_role_names[role]) == 0 &&
	       strcmp(u->email, email) == 0 &&
	       strcmp(u->display_name, name) == 0;
}

int
ipam_sso_identify(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const struct ipam_sso_claims *c,
    struct ipam_identity *out, struct err *err)
{
	struct store_user u, before;
	enum ipam_role role = sso_role(cfg, c->roles);
	const char *email = c->email ? c->email : "";
	const char *name = c->name ? c->name : "";
	int found, rc;
	int64_t id;

	memset(out, 0, sizeof(*out));
	if (role == IPAM_ROLE_NONE)
		role = cfg->sso_default_role;
	if (role == IPAM_ROLE_NONE)
		return err_set(err, 403, "no_role",
		    "%s is signed in but in no group that has a CloudPAM role",
		    c->remote_user);
	if (strlen(c->remote_user) > 64 || strlen(email) > 254 ||
	    strlen(name) > 200)
		return err_set(err, 403, "invalid_identity",
		    "the front server's user name or claims are too long");
	if (sso_lookup(st, arena, c, &u, &found, err) == -1)
		return -1;
	if (found && sso_same(&u, role, email, name)) {
		ipam_identity_of_user(out, IPAM_AUTH_SSO, &u);
		return 0;
	}
	/*
	 * First sight, or something changed: write it down, audited.  Look
	 * again inside the transaction: two first requests of a new user at
	 * once must not both insert it.
	 */
	if (store_begin(st, 1, err) == -1)
		return -1;
	if (sso_lookup(st, arena, c, &u, &found, err) == -1) {
		store_rollback(st);
		return -1;
	}
	if (found && sso_same(&u, role, email, name)) {
		store_rollback(st); /* another request just wrote it */
		ipam_identity_of_user(out, IPAM_AUTH_SSO, &u);
		return 0;
	}
	before = u;
	if (!found) {
		memset(&u, 0, sizeof(u));
		u.username = c->remote_user;
		u.source = "sso";
	}
	u.email = email;
	u.display_name = name;
	u.role = ipam_role_names[role];
	rc = found ? store_user_update(st, &u, err)
	           : store_user_insert(st, &u, &id, err);
	if (rc == 0)
		rc = store_user_get(st, found ? u.id : id, arena, &u, err);
	if (rc == 0)
		rc = ipam_audit(st,
		    found ? "user.sso_update" : "user.sso_create", "user", u.id,
		    found ? ipam_user_json(&before) : NULL, ipam_user_json(&u),
		    err);
	if (rc == -1 || store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	ipam_identity_of_user(out, IPAM_AUTH_SSO, &u);
	return 0;
}

/* --- login --- */

#define THROTTLE_FREE 3  /* failures before any delay */
#define THROTTLE_LOCK 10 /* failures that lock */

/* Seconds to wait after failures, or how long a lock still holds. */
static int64_t
throttle_wait(const struct store_throttle *t, int64_t now, int64_t lock)
{
	int64_t delay, until;

	if (t->locked_until > now)
		return t->locked_until - now;
	if (now - t->last_failure_at >= lock)
		return 0; /* forgotten */
	if (t->failures < THROTTLE_FREE)
		return 0;
	delay = (int64_t)1 << (t->failures - THROTTLE_FREE);
	until = t->last_failure_at + delay;
	return until > now ? until - now : 0;
}

static int
throttle_check(struct store *st, const char *key, int64_t now, int64_t lock,
    int64_t *wait, struct err *err)
{
	struct store_throttle t;
	int found;

	if (store_throttle_get(st, key, &t, &found, err) == -1)
		return -1;
	*wait = found ? throttle_wait(&t, now, lock) : 0;
	return 0;
}

static int
throttle_fail(struct store *st, const char *key, int64_t now, int64_t lock,
    struct err *err)
{
	struct store_throttle t;
	int found;

	if (store_throttle_get(st, key, &t, &found, err) == -1)
		return -1;
	if (!found || now - t.last_failure_at >= lock)
		memset(&t, 0, sizeof(t));
	t.failures++;
	t.last_failure_at = now;
	if (t.failures >= THROTTLE_LOCK)
		t.locked_until = now + lock;
	return store_throttle_put(st, key, &t, err);
}

static int
session_start(struct store *st, int64_t user_id, const char *client_addr,
    time_t now, char token[SECRET_TOKEN_SIZE], char hash[HASH_SHA256_HEX],
    struct err *err)
{
	struct store_session s;

	if (secret_token(token) == -1 ||
	    hash_sha256_hex(token, strlen(token), hash) == -1)
		return err_set(err, 500, "internal", "no random bytes");
	memset(&s, 0, sizeof(s));
	s.id_hash = hash;
	s.user_id = user_id;
	s.created_at = now;
	s.last_seen_at = now;
	s.client_addr = client_addr;
	return store_session_insert(st, &s, err);
}

/* Record a refused login: the throttles grow and an event is written. */
static int
login_refused(struct store *st, const char *user_key, const char *addr_key,
    const char *username, const char *why, int64_t now, int64_t lock,
    struct err *err)
{
	struct json_object *after = json_object_new_object();
	struct err werr = ERR_INIT;

	json_object_object_add(after, "reason", json_object_new_string(why));
	if (store_begin(st, 1, &werr) == -1 ||
	    throttle_fail(st, user_key, now, lock, &werr) == -1 ||
	    throttle_fail(st, addr_key, now, lock, &werr) == -1 ||
	    ipam_audit_named(st, "login.failed", "user", username, NULL, after,
	        &werr) == -1 ||
	    store_commit(st, &werr) == -1) {
		store_rollback(st);
		*err = werr;
		return -1;
	}
	log_fields(LOG_LEVEL_WARN, "login failed", "user", username, "reason",
	    why, NULL);
	return err_set(
	    err, 401, "invalid_login", "the username or password is not right");
}

int
ipam_login(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const char *username,
    const char *password, const char *client_addr, time_t now,
    char token[SECRET_TOKEN_SIZE], struct ipam_identity *out, struct err *err)
{
	char user_key[96], addr_key[80], hash[HASH_SHA256_HEX];
	char rehash[PASSWORD_HASH_MAX];
	struct store_user u;
	int64_t wait_user, wait_addr, wait;
	int found, ok, rc;

	memset(out, 0, sizeof(*out));
	if (username == NULL || username[0] == '\0')
		return err_field(err, 400, "missing_field", "username",
		    "enter your username");
	if (password == NULL || password[0] == '\0')
		return err_field(err, 400, "missing_field", "password",
		    "enter your password");
	if (strlen(username) > 64 || strlen(password) > IPAM_PASSWORD_MAX)
		return err_set(err, 401, "invalid_login",
		    "the username or password is not right");
	snprintf(user_key, sizeof(user_key), "user:%s", username);
	snprintf(addr_key, sizeof(addr_key), "addr:%s",
	    client_addr ? client_addr : "");
	if (throttle_check(
	        st, user_key, now, cfg->login_lock, &wait_user, err) == -1 ||
	    throttle_check(
	        st, addr_key, now, cfg->login_lock, &wait_addr, err) == -1)
		return -1;
	wait = wait_user > wait_addr ? wait_user : wait_addr;
	if (wait > 0) {
		log_fields(
		    LOG_LEVEL_WARN, "login throttled", "user", username, NULL);
		return err_set(err, 429, "login_throttled",
		    "too many failed sign-ins: try again in %lld second%s",
		    (long long)wait, wait == 1 ? "" : "s");
	}
	if (store_user_find(st, username, arena, &u, &found, err) == -1)
		return -1;
	if (!found || u.disabled || strcmp(u.source, "local") != 0) {
		/* Spend the time a real check would, so timing tells nothing.
		 */
		password_verify("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$"
		                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		    password);
		return login_refused(st, user_key, addr_key, username,
		    !found       ? "unknown user"
		    : u.disabled ? "user disabled"
		                 : "not a local user",
		    now, cfg->login_lock, err);
	}
	ok = password_verify(u.password_hash, password);
	if (ok == -1)
		return err_set(err, 500, "internal", "password check failed");
	if (!ok)
		return login_refused(st, user_key, addr_key, username,
		    "wrong password", now, cfg->login_lock, err);
	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = 0;
	if (password_needs_rehash(&cfg->password, u.password_hash)) {
		if (password_hash(&cfg->password, password, rehash) == -1)
			rc = err_set(err, 500, "internal", "hash failed");
		else {
			u.password_hash = rehash;
			rc = store_user_update(st, &u, err);
		}
	}
	if (rc == 0)
		rc = store_throttle_clear(st, user_key, err);
	if (rc == 0)
		rc = store_throttle_clear(st, addr_key, err);
	if (rc == 0)
		rc =
		    session_start(st, u.id, client_addr, now, token, hash, err);
	if (rc == 0)
		rc = store_user_set_login(st, u.id, err);
	if (rc == 0) {
		ipam_audit_set_user(u.username);
		rc = ipam_audit(st, "login", "user", u.id, NULL, NULL, err);
	}
	if (rc == -1 || store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	ipam_identity_of_user(out, IPAM_AUTH_SESSION, &u);
	memcpy(out->session_hash, hash, sizeof(hash));
	return 0;
}

int
ipam_logout(struct store *st, const struct ipam_identity *id, struct err *err)
{
	if (id->kind != IPAM_AUTH_SESSION)
		return 0;
	if (store_begin(st, 1, err) == -1)
		return -1;
	if (store_session_delete(st, id->session_hash, err) == -1 ||
	    ipam_audit(st, "logout", "user", id->user.id, NULL, NULL, err) ==
	        -1 ||
	    store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
ipam_session_begin(struct store *st, struct arena *arena, int64_t user_id,
    const char *client_addr, time_t now, char token[SECRET_TOKEN_SIZE],
    struct ipam_identity *out, struct err *err)
{
	char hash[HASH_SHA256_HEX];
	struct store_user u;

	memset(out, 0, sizeof(*out));
	if (store_begin(st, 1, err) == -1)
		return -1;
	if (store_user_get(st, user_id, arena, &u, err) == -1)
		goto fail;
	ipam_audit_set_user(u.username);
	if (session_start(st, u.id, client_addr, now, token, hash, err) == -1 ||
	    store_user_set_login(st, u.id, err) == -1 ||
	    ipam_audit(st, "login", "user", u.id, NULL, NULL, err) == -1 ||
	    store_commit(st, err) == -1)
		goto fail;
	ipam_identity_of_user(out, IPAM_AUTH_SESSION, &u);
	memcpy(out->session_hash, hash, sizeof(hash));
	return 0;
fail:
	store_rollback(st);
	return -1;
}
