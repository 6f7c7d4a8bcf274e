/*
 * store.h: the one storage interface of CloudPAM.
 *
 * Everything the domain keeps goes through these functions; the SQL of
 * each backend lives with the backend (sqlite.c; pg.c later), prepared
 * once per connection.  A store is one connection, opened by a worker
 * after it is forked and used for the worker's life.
 *
 * Errors map onto struct err: a busy or locked database is 503
 * "database_busy", a lost or unreadable database 503 "database_unavailable",
 * anything unexpected 500 "database" (logged with the backend's message).
 */
#ifndef CLOUDPAM_STORE_STORE_H
#define CLOUDPAM_STORE_STORE_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/err.h"

struct store;

struct store_options {
	int busy_timeout_ms; /* how long to wait for a lock */
	int readonly;        /* open for reading only */
};

/*
 * Open the database named by url ("sqlite:PATH").  The file is created
 * unless readonly.  Returns NULL with err filled when the URL names no
 * known backend or the database cannot be opened.
 */
struct store *store_open(
    const char *url, const struct store_options *opt, struct err *err);

/* Close the connection and finalise its statements.  Accepts NULL. */
void store_free(struct store *st);

/* The backend's name: "sqlite". */
const char *store_backend(const struct store *st);

struct store_schema {
	int current; /* highest applied version, 0 for an empty database */
	int known;   /* highest version this binary carries */
	int applied; /* number of applied migrations */
};

/* Read the schema state.  A database with no migration table is 0. */
int store_schema(struct store *st, struct store_schema *out, struct err *err);

/*
 * Apply every migration newer than the database, each in its own
 * transaction, recording it in schema_migrations.  *applied receives how
 * many ran.  Refuses (err "schema_newer") a database newer than the
 * binary.  A failing migration is rolled back and named in err.
 */
int store_migrate_up(struct store *st, int *applied, struct err *err);

/* Name and time of applied migration version, for `migrate status`. */
int store_migration_applied_at(struct store *st, int version,
    struct arena *arena, char **applied_at, struct err *err);

/*
 * Readiness: the database answers a query and its schema is current.
 * 0 when ready, else -1 with err (503) saying why.
 */
int store_check_ready(struct store *st, struct err *err);

/* A value of the settings table into arena memory; NULL when absent. */
int store_setting_get(struct store *st, const char *key, struct arena *arena,
    char **value, struct err *err);

/* Set a value of the settings table (insert or replace). */
int store_setting_set(
    struct store *st, const char *key, const char *value, struct err *err);

#endif
