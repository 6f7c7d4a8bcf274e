/*
 * config.c: loading and checking settings.
 *
 * Validation is the same for the environment and for flags, so a value
 * that is refused names the place it came from: "CLOUDPAM_WORKERS: ..." or
 * "--workers: ...".
 */
#include "lib/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"

const struct config_spec config_specs[CONFIG__MAX] = {
	{ "CLOUDPAM_LISTEN", "--listen", CONFIG_TYPE_STRING,
	    "unix:var/cloudpam.sock", 0, 0, 0,
	    "socket to serve FastCGI on: unix:PATH or tcp:HOST:PORT" },
	/* CONFIG_LISTEN */
	{ "CLOUDPAM_WORKERS", "--workers", CONFIG_TYPE_INT, "2", 1, 256, 0,
	    "number of worker processes" }, /* CONFIG_WORKERS */
	{ "CLOUDPAM_DATABASE_URL", "--database-url", CONFIG_TYPE_STRING,
	    "sqlite:var/cloudpam.db", 0, 0, 1,
	    "database: sqlite:PATH or postgres://USER@HOST:PORT/DB" },
	/* CONFIG_DATABASE_URL */
	{ "CLOUDPAM_MAX_REQUESTS", "--max-requests", CONFIG_TYPE_INT, "100000",
	    0, 1000000000, 0,
	    "recycle a worker after this many requests (0: never)" },
	/* CONFIG_MAX_REQUESTS */
	{ "CLOUDPAM_SHUTDOWN_TIMEOUT", "--shutdown-timeout", CONFIG_TYPE_INT,
	    "30", 1, 3600, 0,
	    "seconds a stopping worker may take to finish its request" },
	/* CONFIG_SHUTDOWN_TIMEOUT */
	{ "CLOUDPAM_SOCKET_MODE", "--socket-mode", CONFIG_TYPE_MODE, "0660", 0,
	    0777, 0, "file mode of a unix socket" }, /* CONFIG_SOCKET_MODE */
	{ "CLOUDPAM_USER", "--user", CONFIG_TYPE_STRING, "", 0, 0, 0,
	    "user to run workers as (when started as root)" }, /* CONFIG_USER */
	{ "CLOUDPAM_LOG_FILE", "--log-file", CONFIG_TYPE_STRING, "", 0, 0, 0,
	    "append logs to this file (default: stderr)" }, /* CONFIG_LOG_FILE
	                                                     */
	{ "CLOUDPAM_LOG_LEVEL", "--log-level", CONFIG_TYPE_STRING, "info", 0, 0,
	    0, "debug, info, warn or error" }, /* CONFIG_LOG_LEVEL */
	{ "CLOUDPAM_TEMPLATE_DIR", "--template-dir", CONFIG_TYPE_STRING,
	    "templates", 0, 0, 0,
	    "folder of Mustache templates" }, /* CONFIG_TEMPLATE_DIR */
	{ "CLOUDPAM_STATIC_DIR", "--static-dir", CONFIG_TYPE_STRING, "static",
	    0, 0, 0, "folder of static files (for asset fingerprints)" },
	/* CONFIG_STATIC_DIR */
	{ "CLOUDPAM_MAX_BODY", "--max-body", CONFIG_TYPE_INT, "1048576", 1024,
	    1073741824, 0,
	    "largest request body in bytes (larger: 413)" }, /* CONFIG_MAX_BODY
	                                                      */
	{ "CLOUDPAM_DEV", "--dev", CONFIG_TYPE_BOOL, "0", 0, 1, 0,
	    "development mode: re-read templates when they change" },
	/* CONFIG_DEV */
	{ "CLOUDPAM_PID_FILE", "--pid-file", CONFIG_TYPE_STRING, "", 0, 0, 0,
	    "write the supervisor's pid here" }, /* CONFIG_PID_FILE */
	{ "CLOUDPAM_BUSY_TIMEOUT", "--busy-timeout", CONFIG_TYPE_INT, "5000", 0,
	    600000, 0, "milliseconds to wait for a locked database" },
	/* CONFIG_BUSY_TIMEOUT */
	{ "CLOUDPAM_SESSION_IDLE", "--session-idle", CONFIG_TYPE_INT, "7200",
	    60, 2592000, 0, "seconds a session lives without a request" },
	/* CONFIG_SESSION_IDLE */
	{ "CLOUDPAM_SESSION_MAX", "--session-max", CONFIG_TYPE_INT, "43200", 60,
	    31536000, 0, "seconds a session lives at most after login" },
	/* CONFIG_SESSION_MAX */
	{ "CLOUDPAM_ARGON2_T", "--argon2-t", CONFIG_TYPE_INT, "2", 1, 64, 0,
	    "argon2id iterations for password hashes" }, /* CONFIG_ARGON2_T */
	{ "CLOUDPAM_ARGON2_M", "--argon2-m", CONFIG_TYPE_INT, "19456", 8,
	    4194304, 0,
	    "argon2id memory in KiB for password hashes" }, /* CONFIG_ARGON2_M
	                                                     */
	{ "CLOUDPAM_ARGON2_P", "--argon2-p", CONFIG_TYPE_INT, "1", 1, 16, 0,
	    "argon2id lanes for password hashes" }, /* CONFIG_ARGON2_P */
	{ "CLOUDPAM_LOGIN_LOCK", "--login-lock", CONFIG_TYPE_INT, "900", 1,
	    86400, 0,
	    "seconds a user or address is locked after 10 failed logins" },
	/* CONFIG_LOGIN_LOCK */
	{ "CLOUDPAM_TRUST_SSO", "--trust-sso", CONFIG_TYPE_BOOL, "0", 0, 1, 0,
	    "take the user from REMOTE_USER and OIDC_CLAIM_* set by the front "
	    "server" }, /* CONFIG_TRUST_SSO */
	{ "CLOUDPAM_SSO_ROLE_CLAIM", "--sso-role-claim", CONFIG_TYPE_STRING,
	    "groups", 0, 0, 0,
	    "OIDC claim whose comma-separated values map to roles" },
	/* CONFIG_SSO_ROLE_CLAIM */
	{ "CLOUDPAM_SSO_ROLE_MAP", "--sso-role-map", CONFIG_TYPE_STRING, "", 0,
	    0, 0, "claim value to role: netadmins=admin,neteng=operator,..." },
	/* CONFIG_SSO_ROLE_MAP */
	{ "CLOUDPAM_SSO_DEFAULT_ROLE", "--sso-default-role", CONFIG_TYPE_STRING,
	    "", 0, 0, 0,
	    "role of SSO users in no mapped group (empty: refuse them)" },
	/* CONFIG_SSO_DEFAULT_ROLE */
	{ "CLOUDPAM_SSO_AUTH_TYPE", "--sso-auth-type", CONFIG_TYPE_STRING,
	    "openid-connect", 0, 0, 0,
	    "AUTH_TYPE the front server sets for SSO users (anything else, "
	    "such as nginx's unchecked Basic $remote_user, is ignored)" },
	/* CONFIG_SSO_AUTH_TYPE */
	{ "CLOUDPAM_SSO_LOGOUT_URL", "--sso-logout-url", CONFIG_TYPE_STRING, "",
	    0, 0, 0,
	    "where Sign out sends SSO users, e.g. "
	    "/sso/redirect_uri?logout=/" }, /* CONFIG_SSO_LOGOUT_URL */
};

static int
parse_bool(const char *s, long long *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int
parse_number(const char *s, int base, long long *out)
{
	char *end;
	long long v;

	if (s[0] == '\0' || s[0] == ' ' || s[0] == '+' || s[0] == '-')
		return -1;
	errno = 0;
	v = strtoll(s, &end, base);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Check one value of setting key, naming where it came from on error. */
static int
check_value(enum config_key key, const char *value, const char *origin,
    long long *number, struct err *err)
{
	const struct config_spec *spec = &config_specs[key];

	*number = 0;
	switch (spec->type) {
	case CONFIG_TYPE_INT:
		if (parse_number(value, 10, number) == -1 ||
		    *number < spec->min || *number > spec->max)
			return err_field(err, 2, "config", spec->env,
			    "%s: \"%s\" is not a whole number from %lld to "
			    "%lld",
			    origin, value, spec->min, spec->max);
		break;
	case CONFIG_TYPE_MODE:
		if (value[0] != '0' || parse_number(value, 8, number) == -1 ||
		    *number > spec->max)
			return err_field(err, 2, "config", spec->env,
			    "%s: \"%s\" is not an octal file mode such as 0660",
			    origin, value);
		break;
	case CONFIG_TYPE_BOOL:
		if (parse_bool(value, number) == -1)
			return err_field(err, 2, "config", spec->env,
			    "%s: \"%s\" is not a boolean (use 1 or 0)", origin,
			    value);
		break;
	default:
		break;
	}
	return 0;
}

/* sqlite:PATH, or postgres:// or postgresql:// with something after
 * (libpq itself judges the rest when it connects). */
static int
database_url_valid(const char *url)
{
	static const char *const schemes[] = { "sqlite:", "postgres://",
		"postgresql://" };
	size_t i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (strncmp(url, schemes[i], n) == 0 && url[n] != '\0')
			return 1;
	}
	return 0;
}

/* Checks that need more than the type: names and URL forms. */
static int
check_semantics(const struct config *cfg, struct err *err)
{
	const char *listen = cfg->text[CONFIG_LISTEN];
	const char *url = cfg->text[CONFIG_DATABASE_URL];
	const char *level = cfg->text[CONFIG_LOG_LEVEL];

	if (strncmp(listen, "unix:", 5) != 0 && strncmp(listen, "tcp:", 4) != 0)
		return err_field(err, 2, "config", "CLOUDPAM_LISTEN",
		    "CLOUDPAM_LISTEN: \"%s\" must be unix:PATH or "
		    "tcp:HOST:PORT",
		    listen);
	if (!database_url_valid(url))
		return err_field(err, 2, "config", "CLOUDPAM_DATABASE_URL",
		    "CLOUDPAM_DATABASE_URL: must be sqlite:PATH or a "
		    "PostgreSQL URI, postgres://USER@HOST:PORT/DB");
	if (log_level_parse(level) == -1)
		return err_field(err, 2, "config", "CLOUDPAM_LOG_LEVEL",
		    "CLOUDPAM_LOG_LEVEL: \"%s\" must be debug, info, warn or "
		    "error",
		    level);
	return 0;
}

static int
set_value(struct config *cfg, enum config_key key, const char *value,
    const char *origin, int from, struct err *err)
{
	long long number;
	char *copy;

	if (check_value(key, value, origin, &number, err) == -1)
		return -1;
	copy = strdup(value);
	if (copy == NULL)
		return err_set(err, 2, "config", "out of memory");
	free(cfg->text[key]);
	cfg->text[key] = copy;
	cfg->number[key] = number;
	cfg->from[key] = from;
	return 0;
}

static int
find_flag(const char *arg, size_t len)
{
	int i;

	for (i = 0; i < CONFIG__MAX; i++)
		if (strlen(config_specs[i].flag) == len &&
		    strncmp(config_specs[i].flag, arg, len) == 0)
			return i;
	return -1;
}

static int
load_flags(struct config *cfg, int *argc, char **argv, struct err *err)
{
	int i, kept = 1, key;
	const char *arg, *eq, *value;
	size_t len;

	for (i = 1; i < *argc; i++) {
		arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			argv[kept++] = argv[i];
			continue;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		key = find_flag(arg, len);
		if (key == -1) {
			argv[kept++] = argv[i];
			continue;
		}
		if (eq != NULL)
			value = eq + 1;
		else if (config_specs[key].type == CONFIG_TYPE_BOOL)
			value = "1";
		else if (i + 1 < *argc)
			value = argv[++i];
		else
			return err_field(err, 2, "config",
			    config_specs[key].env, "%s needs a value",
			    config_specs[key].flag);
		if (set_value(
		        cfg, key, value, config_specs[key].flag, 2, err) == -1)
			return -1;
	}
	argv[kept] = NULL;
	*argc = kept;
	return 0;
}

int
config_load(struct config *cfg, int *argc, char **argv, struct err *err)
{
	const char *value;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < CONFIG__MAX; i++)
		if (set_value(cfg, i, config_specs[i].fallback, "default", 0,
		        err) == -1)
			goto fail;
	for (i = 0; i < CONFIG__MAX; i++) {
		value = getenv(config_specs[i].env);
		if (value != NULL &&
		    set_value(cfg, i, value, config_specs[i].env, 1, err) == -1)
			goto fail;
	}
	if (load_flags(cfg, argc, argv, err) == -1 ||
	    check_semantics(cfg, err) == -1)
		goto fail;
	return 0;
fail:
	config_free(cfg);
	return -1;
}

void
config_free(struct config *cfg)
{
	int i;

	for (i = 0; i < CONFIG__MAX; i++) {
		free(cfg->text[i]);
		cfg->text[i] = NULL;
	}
}

const char *
config_str(const struct config *cfg, enum config_key key)
{
	return cfg->text[key] ? cfg->text[key] : config_specs[key].fallback;
}

long long
config_int(const struct config *cfg, enum config_key key)
{
	return cfg->number[key];
}

void
config_json(const struct config *cfg, struct buf *out)
{
	const char *value;
	int i;

	buf_putc(out, '{');
	for (i = 0; i < CONFIG__MAX; i++) {
		value = config_str(cfg, i);
		if (config_specs[i].secret && strchr(value, '@') != NULL)
			value = "[redacted]";
		if (i > 0)
			buf_putc(out, ',');
		buf_json_string(
		    out, config_specs[i].env, strlen(config_specs[i].env));
		buf_putc(out, ':');
		buf_json_string(out, value, strlen(value));
	}
	buf_putc(out, '}');
}

void
config_help(struct buf *out)
{
	int i;

	for (i = 0; i < CONFIG__MAX; i++)
		buf_printf(out, "  %-18s %-26s %s (default: %s)\n",
		    config_specs[i].flag, config_specs[i].env,
		    config_specs[i].help,
		    config_specs[i].fallback[0] ? config_specs[i].fallback
		                                : "none");
}
