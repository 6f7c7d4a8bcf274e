/*
 * config.h: every setting of CloudPAM, from the environment and flags.
 *
 * Each setting has an environment variable CLOUDPAM_X and a flag --x of
 * the same name (CLOUDPAM_MAX_BODY is --max-body).  Defaults apply first,
 * then the environment, then flags.  Every value is checked when read: a
 * bad one stops the start with a message naming the variable.
 */
#ifndef CLOUDPAM_LIB_CONFIG_H
#define CLOUDPAM_LIB_CONFIG_H

#include "lib/buf.h"
#include "lib/err.h"

enum config_key {
	CONFIG_LISTEN,
	CONFIG_WORKERS,
	CONFIG_DATABASE_URL,
	CONFIG_MAX_REQUESTS,
	CONFIG_SHUTDOWN_TIMEOUT,
	CONFIG_SOCKET_MODE,
	CONFIG_USER,
	CONFIG_LOG_FILE,
	CONFIG_LOG_LEVEL,
	CONFIG_TEMPLATE_DIR,
	CONFIG_STATIC_DIR,
	CONFIG_MAX_BODY,
	CONFIG_DEV,
	CONFIG_PID_FILE,
	CONFIG_BUSY_TIMEOUT,
	CONFIG_SESSION_IDLE,
	CONFIG_SESSION_MAX,
	CONFIG_ARGON2_T,
	CONFIG_ARGON2_M,
	CONFIG_ARGON2_P,
	CONFIG_LOGIN_LOCK,
	CONFIG_TRUST_SSO,
	CONFIG_SSO_ROLE_CLAIM,
	CONFIG_SSO_ROLE_MAP,
	CONFIG_SSO_DEFAULT_ROLE,
	CONFIG_SSO_AUTH_TYPE,
	CONFIG_SSO_LOGOUT_URL,
	CONFIG__MAX
};

enum config_type {
	CONFIG_TYPE_STRING,
	CONFIG_TYPE_INT,  /* decimal, within [min, max] */
	CONFIG_TYPE_BOOL, /* 0/1, true/false, yes/no, on/off */
	CONFIG_TYPE_MODE, /* octal file mode such as 0660 */
	CONFIG_TYPE__MAX
};

struct config_spec {
	const char *env;  /* CLOUDPAM_LISTEN */
	const char *flag; /* --listen */
	enum config_type type;
	const char *fallback; /* default, as text */
	long long min, max;   /* for INT */
	int secret;           /* redacted in logs */
	const char *help;
};

/* The table of settings, indexed by enum config_key. */
extern const struct config_spec config_specs[CONFIG__MAX];

struct config {
	char *text[CONFIG__MAX]; /* owned copies of the raw values */
	long long number[CONFIG__MAX];
	int from[CONFIG__MAX]; /* 0 default, 1 environment, 2 flag */
};

/*
 * Fill cfg from defaults, the environment and the flags in argv (argv[0]
 * is not a flag).  Arguments that are not settings are left in place and
 * their count returned through *argc; argv is compacted.  Returns -1 with
 * err filled (status 2, message naming the variable or flag) on a bad
 * value or an unknown --flag.
 */
int config_load(struct config *cfg, int *argc, char **argv, struct err *err);

/* Release what config_load made.  Accepts a zeroed config. */
void config_free(struct config *cfg);

const char *config_str(const struct config *cfg, enum config_key key);
long long config_int(const struct config *cfg, enum config_key key);

/*
 * Append the effective configuration as a JSON object, secrets replaced
 * by "[redacted]", to out.
 */
void config_json(const struct config *cfg, struct buf *out);

/* Append a help table of the settings (for --help and docs). */
void config_help(struct buf *out);

#endif
