/*
 * main.c: the `cloudpam` command and its subcommands.
 *
 * Settings come from CLOUDPAM_* variables and the matching flags, which
 * may appear anywhere on the command line; what is left are the
 * subcommand and its arguments.  The effective configuration is logged
 * at start with secrets redacted.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/migrate.h"
#include "cmd/routes.h"
#include "cmd/serve.h"
#include "cmd/transfer.h"
#include "cmd/users.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/log.h"

static void
usage(FILE *out)
{
	struct buf help = BUF_INIT;

	config_help(&help);
	fprintf(out,
	    "usage: cloudpam COMMAND [SETTINGS]\n\n"
	    "commands:\n"
	    "  serve             serve FastCGI: a pool on --listen, one worker "
	    "on fd 0\n"
	    "                    (spawn-fcgi, mod_fcgid), or plain CGI\n"
	    "  migrate up        apply pending schema migrations\n"
	    "  migrate status    list migrations and the database's version\n"
	    "  migrate copy --from URL --to URL\n"
	    "                    copy a whole database (sqlite: to postgres://)"
	    "\n"
	    "                    into a migrated, empty one, all or nothing\n"
	    "  import pools|accounts FILE [--dry-run] [--format csv|json]\n"
	    "                    import rows, all or none (FILE - is stdin)\n"
	    "  export pools|accounts [--format csv|json]\n"
	    "                    write every row to stdout (JSON by default)\n"
	    "  user add NAME --role admin|operator|viewer|auditor "
	    "[--password-stdin]\n"
	    "  user password NAME [--password-stdin]\n"
	    "  user list         manage local users (a password is generated "
	    "unless given)\n"
	    "  token create --owner NAME --name TEXT --scope "
	    "read|write|collector\n"
	    "               [--accounts ID,...] [--expires-days N]\n"
	    "  token list | token revoke ID\n"
	    "                    API keys, shown once at creation\n"
	    "  routes            list the routes: method, path, permission\n"
	    "  version           print the version\n\n"
	    "settings (flag or environment variable):\n%s",
	    help.data ? help.data : "");
	buf_free(&help);
}

/* One line per route and method: "GET /api/v1/status api -". */
static void
print_routes(void)
{
	const struct web_route *r;
	size_t i;
	int m;

	cloudpam_routes_init();
	for (i = 0; i < cloudpam_nroutes; i++) {
		r = &cloudpam_routes[i];
		for (m = 0; m < WEB_METHOD__MAX; m++)
			if (r->methods & WEB_M(m))
				printf("%s %s %s %s\n", web_method_names[m],
				    r->pattern,
				    r->kind == WEB_ROUTE_API ? "api" : "page",
				    r->permission[0] ? r->permission : "-");
	}
}

static int
logging_setup(const struct config *cfg)
{
	struct err err = ERR_INIT;

	log_set_level(log_level_parse(config_str(cfg, CONFIG_LOG_LEVEL)));
	if (log_open(config_str(cfg, CONFIG_LOG_FILE), &err) == -1) {
		fprintf(
		    stderr, "cloudpam: CLOUDPAM_LOG_FILE: %s\n", err.message);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct err err = ERR_INIT;
	struct buf effective = BUF_INIT;
	int rc;

	if (config_load(&cfg, &argc, argv, &err) == -1) {
		fprintf(stderr, "cloudpam: %s\n", err.message);
		return 2;
	}
	if (argc < 2 || strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		config_free(&cfg);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0) {
		printf(
		    "cloudpam %s (%s)\n", CLOUDPAM_VERSION, CLOUDPAM_REVISION);
		config_free(&cfg);
		return 0;
	}
	if (strcmp(argv[1], "routes") == 0) {
		print_routes();
		config_free(&cfg);
		return 0;
	}
	if (logging_setup(&cfg) == -1) {
		config_free(&cfg);
		return 2;
	}
	if (strcmp(argv[1], "serve") == 0 && argc == 2) {
		config_json(&cfg, &effective);
		log_fields(LOG_LEVEL_INFO, "configuration", "config",
		    effective.data, "version", CLOUDPAM_VERSION, NULL);
		buf_free(&effective);
		rc = serve_main(&cfg);
	} else if (strcmp(argv[1], "migrate") == 0) {
		rc = migrate_main(&cfg, argc - 2, argv + 2);
	} else if (strcmp(argv[1], "import") == 0) {
		rc = transfer_import_main(&cfg, argc - 2, argv + 2);
	} else if (strcmp(argv[1], "export") == 0) {
		rc = transfer_export_main(&cfg, argc - 2, argv + 2);
	} else if (strcmp(argv[1], "user") == 0) {
		rc = users_main(&cfg, argc - 2, argv + 2);
	} else if (strcmp(argv[1], "token") == 0) {
		rc = tokens_main(&cfg, argc - 2, argv + 2);
	} else {
		fprintf(stderr, "cloudpam: unknown command or argument: %s\n",
		    argv[argc - 1]);
		usage(stderr);
		rc = 2;
	}
	config_free(&cfg);
	return rc;
}
