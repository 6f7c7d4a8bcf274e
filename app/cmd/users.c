/*
 * users.c: managing users and API keys from the shell.
 *
 *   cloudpam user add NAME --role ROLE [--password-stdin]
 *   cloudpam user list
 *   cloudpam user password NAME [--password-stdin]
 *   cloudpam token create --owner NAME --name TEXT --scope SCOPE
 *                         [--accounts 1,2] [--expires-days N]
 *   cloudpam token list
 *   cloudpam token revoke ID
 *
 * Without --password-stdin a strong password is generated and printed
 * once.  Every change is audited with the actor "cli:<login>".
 */
#include "cmd/users.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipam/audit.h"
#include "ipam/identity.h"
#include "lib/arena.h"
#include "store/store.h"

struct cli {
	struct store *st;
	struct arena *arena;
	struct ipam_auth_config auth;
	char actor[80];
};

static int
cli_open(const struct config *cfg, struct cli *c)
{
	struct store_options opt = { 5000, 0, 0 };
	struct err err = ERR_INIT;
	struct passwd *pw = getpwuid(getuid());
	struct ipam_actor a;

	memset(c, 0, sizeof(*c));
	if (ipam_auth_config_load(cfg, &c->auth, &err) == -1) {
		fprintf(stderr, "cloudpam: %s\n", err.message);
		return -1;
	}
	c->st = store_open(config_str(cfg, CONFIG_DATABASE_URL), &opt, &err);
	if (c->st == NULL || store_check_ready(c->st, &err) == -1) {
		fprintf(stderr, "cloudpam: %s\n", err.message);
		store_free(c->st);
		return -1;
	}
	c->arena = arena_new(64 * 1024);
	snprintf(c->actor, sizeof(c->actor), "cli:%s",
	    pw != NULL ? pw->pw_name : "unknown");
	memset(&a, 0, sizeof(a));
	a.name = c->actor;
	a.type = "system";
	a.request_id = "";
	a.client_addr = "";
	ipam_audit_set_actor(&a);
	return c->arena != NULL ? 0 : -1;
}

static void
cli_close(struct cli *c)
{
	ipam_audit_set_actor(NULL);
	store_free(c->st);
	arena_free(c->arena);
}

static int
fail(const struct err *err)
{
	if (err->field[0] != '\0')
		fprintf(stderr, "cloudpam: %s: %s\n", err->field, err->message);
	else
		fprintf(stderr, "cloudpam: %s\n", err->message);
	return 1;
}

/* The password from stdin (one line) or a generated one. */
static int
password_of(int from_stdin, char *out, size_t size, int *generated)
{
	size_t len;

	*generated = 0;
	if (!from_stdin) {
		char token[SECRET_TOKEN_SIZE];

		if (secret_token(token) == -1)
			return -1;
		snprintf(out, size, "%.24s", token);
		*generated = 1;
		return 0;
	}
	if (fgets(out, (int)size, stdin) == NULL)
		return -1;
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	return 0;
}

static const char *
opt_value(int argc, char **argv, const char *name)
{
	int i;

	for (i = 0; i < argc - 1; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static int
has_flag(int argc, char **argv, const char *name)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

static int
user_add(struct cli *c, int argc, char **argv)
{
	struct ipam_user_in in;
	struct store_user u;
	struct err err = ERR_INIT;
	char password[IPAM_PASSWORD_MAX + 2];
	int generated;

	memset(&in, 0, sizeof(in));
	in.username = argv[0];
	in.role = opt_value(argc, argv, "--role");
	in.display_name = opt_value(argc, argv, "--display-name");
	in.email = opt_value(argc, argv, "--email");
	if (password_of(has_flag(argc, argv, "--password-stdin"), password,
	        sizeof(password), &generated) == -1) {
		fprintf(stderr, "cloudpam: no password on stdin\n");
		return 1;
	}
	in.password = password;
	if (ipam_user_create(c->st, c->arena, &c->auth, &in, &u, &err) == -1)
		return fail(&err);
	printf("user %s (%s) created with id %" PRId64 "\n", u.username, u.role,
	    u.id);
	if (generated)
		printf("password: %s\n", password);
	return 0;
}

static int
user_password(struct cli *c, int argc, char **argv)
{
	struct store_user u;
	struct err err = ERR_INIT;
	char password[IPAM_PASSWORD_MAX + 2];
	int found, generated;

	if (store_user_find(c->st, argv[0], c->arena, &u, &found, &err) == -1)
		return fail(&err);
	if (!found) {
		fprintf(stderr, "cloudpam: no user named %s\n", argv[0]);
		return 1;
	}
	if (password_of(has_flag(argc, argv, "--password-stdin"), password,
	        sizeof(password), &generated) == -1)
		return 1;
	if (ipam_user_set_password(
	        c->st, c->arena, &c->auth, u.id, NULL, password, &err) == -1)
		return fail(&err);
	printf("password of %s changed; their sessions ended\n", u.username);
	if (generated)
		printf("password: %s\n", password);
	return 0;
}

static int
user_list(struct cli *c)
{
	struct store_page page = { 0, 100000, 0 };
	struct store_user *rows;
	struct err err = ERR_INIT;
	size_t n, i;

	if (store_user_list(c->st, c->arena, &page, &rows, &n, &err) == -1)
		return fail(&err);
	for (i = 0; i < n; i++)
		printf("%" PRId64 "\t%s\t%s\t%s%s\n", rows[i].id,
		    rows[i].username, rows[i].role, rows[i].source,
		    rows[i].disabled ? "\tdisabled" : "");
	return 0;
}

int
users_main(const struct config *cfg, int argc, char **argv)
{
	struct cli c;
	int rc;

	if (argc < 1 || (strcmp(argv[0], "list") != 0 && argc < 2)) {
		fprintf(stderr,
		    "usage: cloudpam user add NAME --role ROLE "
		    "[--password-stdin]\n"
		    "       cloudpam user password NAME [--password-stdin]\n"
		    "       cloudpam user list\n");
		return 2;
	}
	if (cli_open(cfg, &c) == -1)
		return 1;
	if (strcmp(argv[0], "add") == 0)
		rc = user_add(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "password") == 0)
		rc = user_password(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "list") == 0)
		rc = user_list(&c);
	else {
		fprintf(stderr, "cloudpam: unknown user command %s\n", argv[0]);
		rc = 2;
	}
	cli_close(&c);
	return rc;
}

/* "1,2,3" into ids. */
static int
parse_ids(const char *text, int64_t *ids, size_t max, size_t *n)
{
	const char *p = text;
	char *end;
	long long v;

	*n = 0;
	while (*p != '\0') {
		errno = 0;
		v = strtoll(p, &end, 10);
		if (errno != 0 || end == p || v <= 0 || *n == max)
			return -1;
		ids[(*n)++] = v;
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		p = end;
	}
	return 0;
}

static int
token_create(struct cli *c, int argc, char **argv)
{
	const char *user = opt_value(argc, argv, "--owner");
	const char *accounts = opt_value(argc, argv, "--accounts");
	const char *days = opt_value(argc, argv, "--expires-days");
	int64_t ids[IPAM_KEY_ACCOUNTS_MAX];
	char token[IPAM_KEY_TOKEN_MAX];
	struct ipam_key_in in;
	struct store_api_key k;
	struct store_user u;
	struct err err = ERR_INIT;
	int found;

	memset(&in, 0, sizeof(in));
	if (user == NULL) {
		fprintf(stderr, "cloudpam: --owner NAME is required\n");
		return 2;
	}
	if (store_user_find(c->st, user, c->arena, &u, &found, &err) == -1)
		return fail(&err);
	if (!found) {
		fprintf(stderr, "cloudpam: no user named %s\n", user);
		return 1;
	}
	in.user_id = u.id;
	in.name = opt_value(argc, argv, "--name");
	in.scope = opt_value(argc, argv, "--scope");
	if (accounts != NULL && parse_ids(accounts, ids, IPAM_KEY_ACCOUNTS_MAX,
	                            &in.naccounts) == -1) {
		fprintf(stderr, "cloudpam: --accounts takes ids: 1,2,3\n");
		return 2;
	}
	in.accounts = ids;
	if (days != NULL) {
		long d = strtol(days, NULL, 10);

		if (d <= 0 || d > 3650) {
			fprintf(stderr,
			    "cloudpam: --expires-days takes 1 to 3650\n");
			return 2;
		}
		in.expires_at = (int64_t)time(NULL) + (int64_t)d * 86400;
	}
	if (ipam_key_create(c->st, c->arena, &in, &k, token, &err) == -1)
		return fail(&err);
	fprintf(stderr, "API key %" PRId64 " (%s, %s) for %s; shown once:\n",
	    k.id, k.name, k.scope, u.username);
	printf("%s\n", token);
	return 0;
}

static int
token_list(struct cli *c)
{
	struct store_page page = { 0, 100000, 0 };
	struct store_api_key *rows;
	struct err err = ERR_INIT;
	size_t n, i;

	if (store_key_list(c->st, 0, c->arena, &page, &rows, &n, &err) == -1)
		return fail(&err);
	for (i = 0; i < n; i++)
		printf("%" PRId64 "\t%s\t%s\t%s\t%s\n", rows[i].id,
		    rows[i].user.username, rows[i].name, rows[i].scope,
		    rows[i].revoked_at ? "revoked" : "active");
	return 0;
}

static int
token_revoke(struct cli *c, const char *id_text)
{
	struct store_api_key k;
	struct err err = ERR_INIT;
	char *end;
	long long id;

	errno = 0;
	id = strtoll(id_text, &end, 10);
	if (errno != 0 || *end != '\0' || id <= 0) {
		fprintf(stderr, "cloudpam: %s is not a key id\n", id_text);
		return 2;
	}
	if (ipam_key_revoke(c->st, c->arena, id, &k, &err) == -1)
		return fail(&err);
	printf("API key %lld (%s) revoked\n", id, k.name);
	return 0;
}

int
tokens_main(const struct config *cfg, int argc, char **argv)
{
	struct cli c;
	int rc;

	if (argc < 1 || (strcmp(argv[0], "revoke") == 0 && argc < 2)) {
		fprintf(stderr,
		    "usage: cloudpam token create --owner NAME --name TEXT "
		    "--scope read|write|collector [--accounts 1,2] "
		    "[--expires-days N]\n"
		    "       cloudpam token list\n"
		    "       cloudpam token revoke ID\n");
		return 2;
	}
	if (cli_open(cfg, &c) == -1)
		return 1;
	if (strcmp(argv[0], "create") == 0)
		rc = token_create(&c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "list") == 0)
		rc = token_list(&c);
	else if (strcmp(argv[0], "revoke") == 0)
		rc = token_revoke(&c, argv[1]);
	else {
		fprintf(
		    stderr, "cloudpam: unknown token command %s\n", argv[0]);
		rc = 2;
	}
	cli_close(&c);
	return rc;
}
