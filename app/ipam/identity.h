/*
 * identity.h: users, roles, sessions, API keys, SSO and the first admin.
 *
 * The web layer hands over what the request carried (a session cookie,
 * a Bearer key, the front server's SSO parameters); this module decides
 * who that is and what they may do.  Secrets are never stored: sessions
 * and keys are 256-bit random tokens kept as SHA-256 hashes (checking one
 * costs a hash, not an argon2 run), passwords as argon2id hashes.
 *
 * Roles and what they may do (docs/roles.md):
 *   viewer    read
 *   operator  read, write
 *   auditor   read, audit
 *   admin     read, write, audit, admin
 * API keys act with their scope, never beyond their owner's role: read
 * (what the owner may read: read, audit), write (all the owner may do),
 * collector (read and write, limited to chosen accounts).
 */
#ifndef CLOUDPAM_IPAM_IDENTITY_H
#define CLOUDPAM_IPAM_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/config.h"
#include "lib/err.h"
#include "lib/password.h"
#include "lib/secret.h"
#include "store/store.h"

enum ipam_role {
	IPAM_ROLE_NONE,
	IPAM_ROLE_VIEWER,
	IPAM_ROLE_OPERATOR,
	IPAM_ROLE_AUDITOR,
	IPAM_ROLE_ADMIN,
	IPAM_ROLE__MAX
};

/* "", "viewer", "operator", "auditor", "admin" */
extern const char *const ipam_role_names[IPAM_ROLE__MAX];
enum ipam_role ipam_role_parse(const char *name);

enum ipam_perm {
	IPAM_PERM_PUBLIC,    /* anyone, signed in or not */
	IPAM_PERM_SIGNED_IN, /* any identity: own session, own password */
	IPAM_PERM_READ,      /* IPAM data */
	IPAM_PERM_WRITE,     /* pools, accounts, VRFs, allocations, imports */
	IPAM_PERM_AUDIT,     /* the audit log */
	IPAM_PERM_ADMIN,     /* users, keys, settings */
	IPAM_PERM__MAX
};

extern const char *const ipam_perm_names[IPAM_PERM__MAX];

/*
 * A route's permission text: a name above, optionally with "+account"
 * when collector keys may call it for their own accounts ("read+account").
 * -1 when unknown.
 */
int ipam_perm_parse(const char *text, enum ipam_perm *perm, int *accounts);

/* The permissions of a role, as a mask of 1u << enum ipam_perm. */
unsigned ipam_role_perms(enum ipam_role role);

#define IPAM_KEY_ACCOUNTS_MAX 64
#define IPAM_PASSWORD_MIN 12
#define IPAM_PASSWORD_MAX 256

enum ipam_auth_kind {
	IPAM_AUTH_NONE,
	IPAM_AUTH_SESSION,
	IPAM_AUTH_KEY,
	IPAM_AUTH_SSO,
	IPAM_AUTH__MAX
};

struct ipam_identity {
	enum ipam_auth_kind kind;
	struct store_user user;
	enum ipam_role role;
	unsigned perms; /* 1u << enum ipam_perm */
	/* API keys */
	int64_t key_id;
	const char *scope;
	int collector; /* limited to accounts[] */
	int64_t accounts[IPAM_KEY_ACCOUNTS_MAX];
	size_t naccounts;
	/* sessions */
	char session_hash[65];
};

/* Whether id may do perm (and, for a collector key, whether the route
 * allows collector keys at all: accounts_ok). */
int ipam_identity_may(
    const struct ipam_identity *id, enum ipam_perm perm, int accounts_ok);

/* Whether a collector-limited identity may touch account_id (always 1
 * for others; 0 for account 0 when limited). */
int ipam_identity_account_ok(
    const struct ipam_identity *id, int64_t account_id);

struct ipam_role_map {
	const char *value; /* claim value, e.g. "netadmins" */
	enum ipam_role role;
};

#define IPAM_ROLE_MAP_MAX 32

struct ipam_auth_config {
	int64_t session_idle; /* seconds */
	int64_t session_max;
	int64_t login_lock;
	struct password_params password;
	int trust_sso;
	const char *sso_role_claim;
	const char *sso_auth_type;  /* AUTH_TYPE the front server must set */
	const char *sso_logout_url; /* where "Sign out" goes; "" none */
	struct ipam_role_map role_map[IPAM_ROLE_MAP_MAX];
	size_t nrole_map;
	enum ipam_role sso_default_role; /* NONE: refuse */
	char map_text[1024];             /* backing store of role_map */
};

/* Read and check the identity settings of cfg.  400-style err naming the
 * setting when the role map or default role is malformed. */
int ipam_auth_config_load(
    const struct config *cfg, struct ipam_auth_config *out, struct err *err);

/* --- credentials --------------------------------------------------------- */

/*
 * The session whose cookie value is token.  *out->kind stays NONE (and 0
 * is returned) for an unknown, expired or malformed token, or a disabled
 * user; an expired session is removed.  The session's last-seen time is
 * written at most once a minute.
 */
int ipam_session_identify(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const char *token, time_t now,
    struct ipam_identity *out, struct err *err);

/* A Bearer key "cpk_<id>_<secret>".  401 "invalid_key" (malformed,
 * unknown or wrong secret), "key_revoked", "key_expired" or
 * "user_disabled". */
int ipam_key_identify(struct store *st, struct arena *arena, const char *bearer,
    time_t now, struct ipam_identity *out, struct err *err);

/* What the front server asserted (exact-case FastCGI parameters). */
struct ipam_sso_claims {
	const char *remote_user; /* REMOTE_USER, never empty here */
	const char *email;       /* OIDC_CLAIM_email */
	const char *name;        /* OIDC_CLAIM_name */
	const char *roles;       /* OIDC_CLAIM_<role claim>, comma-joined */
};

/*
 * The user the front server signed in: created on first sight (JIT) and
 * updated when name, email or mapped role changed, both audited.  403
 * "no_role" when no claim value maps to a role and there is no default.
 */
int ipam_sso_identify(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const struct ipam_sso_claims *c,
    struct ipam_identity *out, struct err *err);

/*
 * Check a username and password and start a session: token receives the
 * cookie value, out the identity.  401 "invalid_login" for any wrong
 * name, password or disabled user (one message for all); 429
 * "login_throttled" while the user or the client address must wait
 * (growing delay after 3 failures, a lock after 10).  Successes and
 * failures are audited; the hash is upgraded when cfg's argon2
 * parameters changed.
 */
int ipam_login(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const char *username,
    const char *password, const char *client_addr, time_t now,
    char token[SECRET_TOKEN_SIZE], struct ipam_identity *out, struct err *err);

/* Start a session for a user who has just proved who they are (after
 * set-up or a password change), audited as "login". */
int ipam_session_begin(struct store *st, struct arena *arena, int64_t user_id,
    const char *client_addr, time_t now, char token[SECRET_TOKEN_SIZE],
    struct ipam_identity *out, struct err *err);

/* End the session of id (audited as "logout"). */
int ipam_logout(
    struct store *st, const struct ipam_identity *id, struct err *err);

/* The CSRF token of a session or SSO identity under the instance secret. */
int ipam_csrf_token(const struct ipam_identity *id, const char *secret,
    char out[SECRET_TOKEN_SIZE]);

/* The instance's secret (made on first use and kept in settings). */
int ipam_instance_secret(
    struct store *st, struct arena *arena, char **out, struct err *err);

/* --- users ------------------------------------------------------------- */

struct ipam_user_in {
	const char *username;
	const char *display_name;
	const char *email;
	const char *role;
	const char *password; /* local users */
	int disabled;
	int set_disabled;    /* update: disabled given */
	int64_t acting_user; /* who makes the change; 0: the shell */
};

/* Check a username: 1-64 of [A-Za-z0-9._@-], starting with a letter or
 * digit.  400 naming "username". */
int ipam_username_check(const char *name, struct err *err);

/* Check a new password: 12-256 bytes.  400 naming field. */
int ipam_password_check(
    const char *password, const char *field, struct err *err);

int ipam_user_create(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const struct ipam_user_in *in,
    struct store_user *out, struct err *err);
/* Change display name, email, role, disabled; disabling ends sessions.
 * 409 "last_admin" when no enabled admin would remain, 409 "self" when
 * in->acting_user would disable themselves. */
int ipam_user_update(struct store *st, struct arena *arena, int64_t id,
    const struct ipam_user_in *in, struct store_user *out, struct err *err);
/* Set a password (admin reset or the user's own change, which checks
 * current first); ends every session of the user. */
int ipam_user_set_password(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, int64_t id, const char *current,
    const char *password, struct err *err);
int ipam_user_delete(struct store *st, struct arena *arena, int64_t id,
    int64_t acting_user, struct err *err);

/* The JSON form of a user (never the hash). */
struct json_object *ipam_user_json(const struct store_user *u);

/* --- API keys ------------------------------------------------------------ */

struct ipam_key_in {
	int64_t user_id;
	const char *name;
	const char *scope; /* read write collector */
	const int64_t *accounts;
	size_t naccounts;
	int64_t expires_at; /* Unix seconds; 0 never */
};

/* "cpk_" + id + "_" + 43 characters */
#define IPAM_KEY_TOKEN_MAX 80

/*
 * Make a key; token receives the only copy of "cpk_<id>_<secret>".
 * 400 naming the field (scope, accounts, expires_at in the past, a
 * scope beyond the owner's role), 400 invalid_reference for an unknown
 * user or account.
 */
int ipam_key_create(struct store *st, struct arena *arena,
    const struct ipam_key_in *in, struct store_api_key *out,
    char token[IPAM_KEY_TOKEN_MAX], struct err *err);
int ipam_key_revoke(struct store *st, struct arena *arena, int64_t id,
    struct store_api_key *out, struct err *err);
struct json_object *ipam_key_json(const struct store_api_key *k);

/* --- first start ----------------------------------------------------- */

/* Whether there is no user at all (setup still open). */
int ipam_setup_open(struct store *st, int *open, struct err *err);

/* Make a new one-time setup token (only its hash is kept). */
int ipam_setup_token_issue(
    struct store *st, char token[SECRET_TOKEN_SIZE], struct err *err);

/* Create the first admin with the setup token: 404 "setup_closed" once a
 * user exists, 403 "invalid_setup_token" for a wrong token. */
int ipam_setup_complete(struct store *st, struct arena *arena,
    const struct ipam_auth_config *cfg, const char *token,
    const struct ipam_user_in *in, struct store_user *out, struct err *err);

#endif
