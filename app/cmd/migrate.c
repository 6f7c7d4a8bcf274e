/*
 * migrate.c: applying and listing schema migrations from the shell;
 * `migrate copy` is migrate_copy.c.
 */
#include "cmd/migrate.h"

#include <stdio.h>
#include <string.h>

#include "cmd/migrate_copy.h"
#include "store/migrations.h"
#include "store/store.h"

static int
migrate_status(struct store *st)
{
	struct store_schema schema;
	struct err err = ERR_INIT;
	const struct store_migration *m = store_migrations(st);
	struct arena *arena = arena_new(4096);
	char *at;
	int i;

	if (arena == NULL || store_schema(st, &schema, &err) == -1) {
		fprintf(stderr, "cloudpam migrate: %s\n", err.message);
		arena_free(arena);
		return 1;
	}
	printf("backend %s: schema version %d, this binary knows %d\n",
	    store_backend(st), schema.current, schema.known);
	for (i = 0; m[i].sql != NULL; i++) {
		at = NULL;
		if (schema.current >= m[i].version &&
		    store_migration_applied_at(
		        st, m[i].version, arena, &at, &err) == -1)
			at = NULL;
		printf("  %04d %-32s %s\n", m[i].version, m[i].name,
		    at ? at : "pending");
	}
	if (schema.current > schema.known)
		printf("the database is newer than this binary: upgrade "
		       "cloudpam\n");
	arena_free(arena);
	return schema.current == schema.known ? 0 : 3;
}

int
migrate_main(const struct config *cfg, int argc, char **argv)
{
	struct store_options opt = { 5000, 0, 0 };
	struct err err = ERR_INIT;
	struct store *st;
	int applied, rc;

	if (argc >= 1 && strcmp(argv[0], "copy") == 0)
		return migrate_copy_main(cfg, argc - 1, argv + 1);
	if (argc < 1 ||
	    (strcmp(argv[0], "up") != 0 && strcmp(argv[0], "status") != 0)) {
		fprintf(stderr, "usage: cloudpam migrate up|status\n"
		                "       cloudpam migrate copy --from URL --to "
		                "URL\n");
		return 2;
	}
	st = store_open(config_str(cfg, CONFIG_DATABASE_URL), &opt, &err);
	if (st == NULL) {
		fprintf(stderr, "cloudpam migrate: %s\n", err.message);
		return 1;
	}
	if (strcmp(argv[0], "status") == 0) {
		rc = migrate_status(st);
	} else if (store_migrate_up(st, &applied, &err) == -1) {
		fprintf(stderr, "cloudpam migrate: %s\n", err.message);
		rc = 1;
	} else {
		printf("applied %d migration%s\n", applied,
		    applied == 1 ? "" : "s");
		rc = 0;
	}
	store_free(st);
	return rc;
}
