/*
 * sqlite.c: the SQLite backend of store.h.
 *
 * A connection is opened in WAL mode with foreign keys on and a busy
 * timeout, so readers never block the writer and a writer waits for
 * another instead of failing at once.  Statements are prepared once per
 * connection from the table below, indexed by enum stmt.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/metrics.h"
#include "store/migrations.h"
#include "store/sqlite_internal.h"

static const char migrations_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL"
    "  DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))";

int
sqlite_fail(struct store *st, struct err *err, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);

	metrics_database_error();
	log_msg(LOG_LEVEL_ERROR, "sqlite: %s: %s (code %d)", what,
	    sqlite3_errmsg(st->db), code);
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(err, 503, "database_busy",
		    "the database is busy; retry shortly");
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return err_set(err, 503, "database_unavailable",
		    "the database cannot be read");
	default:
		return err_set(err, 500, "database", "database error");
	}
}

sqlite3_stmt *
sqlite_stmt(struct store *st, enum stmt id, struct err *err)
{
	sqlite3_stmt *s = st->stmts[id];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, sqlite_stmt_sql[id], -1,
		        SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
			sqlite_fail(st, err, "prepare");
			return NULL;
		}
		st->stmts[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

void
sqlite_bind_text(sqlite3_stmt *s, int i, const char *text)
{
	if (text == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, text, -1, SQLITE_STATIC);
}

void
sqlite_bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, id);
}

const char *
sqlite_col_text(sqlite3_stmt *s, int i, struct arena *arena)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	int n = sqlite3_column_bytes(s, i);

	if (t == NULL)
		return "";
	return arena_strndup(arena, (const char *)t, (size_t)n);
}

int
sqlite_rows(struct store *st, sqlite3_stmt *s, int64_t limit,
    struct arena *arena, size_t size, sqlite_row_fn fn, void **out, size_t *n,
    const char *what, struct err *err)
{
	size_t cap = limit > 0 && limit < 64 ? (size_t)limit : 64;
	char *v, *grown;
	int rc = SQLITE_DONE;

	*n = 0;
	v = arena_calloc(arena, cap, size);
	while (v != NULL && (limit < 0 || (int64_t)*n < limit) &&
	       (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			grown = arena_calloc(arena, 2 * cap, size);
			if (grown != NULL)
				memcpy(grown, v, cap * size);
			v = grown;
			cap *= 2;
			if (v == NULL)
				break;
		}
		if (fn(s, arena, v + *n * size) == -1) {
			v = NULL;
			break;
		}
		(*n)++;
	}
	sqlite3_reset(s);
	if (v == NULL)
		return err_set(err, 500, "internal", "out of memory");
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, err, what);
	*out = v;
	return 0;
}

int
sqlite_row_one(struct store *st, sqlite3_stmt *s, struct arena *arena,
    sqlite_row_fn fn, void *row, int *found, const char *what, struct err *err)
{
	int rc = sqlite3_step(s), bad = 0;

	*found = rc == SQLITE_ROW;
	if (*found)
		bad = fn(s, arena, row) == -1;
	sqlite3_reset(s);
	if (bad)
		return err_set(err, 500, "internal", "out of memory");
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, err, what);
	return 0;
}

int
sqlite_exec_stmt(
    struct store *st, sqlite3_stmt *s, const char *what, struct err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, err, what);
	return 0;
}

static int
exec_sql(struct store *st, const char *sql, struct err *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_fail(st, err, "exec");
	return 0;
}

/*
 * Wait for a lock in short steps.  SQLite's own busy timeout sleeps 1, 2,
 * 5, ... up to 100 ms at a time, which is right for a desktop program and
 * wrong for a worker pool where the lock is held for a millisecond: two
 * workers allocating at once would each sleep far longer than the other
 * holds the lock.
 */
static int
busy_wait(void *ctx, int count)
{
	struct store *st = ctx;
	struct timespec pause = { 0, 100 * 1000 }; /* 100 us */
	/* 100 steps of 100 us, then 1 ms steps: time waited so far. */
	long long waited_us = count <= 100
	                          ? (long long)count * 100
	                          : 10000 + (long long)(count - 100) * 1000;

	if (waited_us / 1000 >= st->opt.busy_timeout_ms)
		return 0;
	if (count > 100) /* past 10 ms, back off to 1 ms steps */
		pause.tv_nsec = 1000 * 1000;
	nanosleep(&pause, NULL);
	return 1;
}

static int
configure(struct store *st, struct err *err)
{
	sqlite3_busy_handler(st->db, busy_wait, st);
	sqlite3_extended_result_codes(st->db, 1);
	if (exec_sql(st, "PRAGMA foreign_keys = ON", err) == -1)
		return -1;
	if (st->opt.readonly)
		return 0;
	if (exec_sql(st, "PRAGMA journal_mode = WAL", err) == -1 ||
	    exec_sql(st, "PRAGMA synchronous = NORMAL", err) == -1)
		return -1;
	if (st->opt.external_checkpoints &&
	    exec_sql(st, "PRAGMA wal_autocheckpoint = 0", err) == -1)
		return -1;
	return 0;
}

struct store *
store_open(const char *url, const struct store_options *opt, struct err *err)
{
	struct store *st;
	int flags;

	if (strncmp(url, "sqlite:", 7) != 0 || url[7] == '\0') {
		err_set(err, 500, "config",
		    "unsupported database URL (expected sqlite:PATH)");
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL || (st->path = strdup(url + 7)) == NULL) {
		free(st);
		err_set(err, 500, "internal", "out of memory");
		return NULL;
	}
	st->opt = *opt;
	flags = opt->readonly ? SQLITE_OPEN_READONLY
	                      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(st->path, &st->db, flags | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		err_set(err, 503, "database_unavailable",
		    "cannot open database %s: %s", st->path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_free(st);
		return NULL;
	}
	if (configure(st, err) == -1) {
		store_free(st);
		return NULL;
	}
	return st;
}

void
store_free(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(st->stmts[i]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_checkpoint(struct store *st, struct err *err)
{
	int rc = sqlite3_wal_checkpoint_v2(
	    st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	/* Busy only means a writer holds the lock now: try again later. */
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
		return sqlite_fail(st, err, "checkpoint");
	return 0;
}

const char *
store_backend(const struct store *st)
{
	(void)st;
	return "sqlite";
}

static int
known_version(void)
{
	int i, v = 0;

	for (i = 0; store_migrations_sqlite[i].sql != NULL; i++)
		v = store_migrations_sqlite[i].version;
	return v;
}

static int
has_migrations_table(struct store *st, int *yes, struct err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = sqlite_stmt(st, STMT_SCHEMA_EXISTS, err)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	*yes = rc == SQLITE_ROW;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, err, "schema lookup");
	return 0;
}

int
store_schema(struct store *st, struct store_schema *out, struct err *err)
{
	sqlite3_stmt *s;
	int exists = 0, rc;

	out->current = 0;
	out->applied = 0;
	out->known = known_version();
	if (has_migrations_table(st, &exists, err) == -1)
		return -1;
	if (!exists)
		return 0;
	if ((s = sqlite_stmt(st, STMT_SCHEMA_CURRENT, err)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return sqlite_fail(st, err, "schema version");
	out->current = sqlite3_column_int(s, 0);
	out->applied = sqlite3_column_int(s, 1);
	sqlite3_reset(s);
	return 0;
}

static int
migration_apply(
    struct store *st, const struct store_migration *m, struct err *err)
{
	sqlite3_stmt *s;

	if (exec_sql(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if (sqlite3_exec(st->db, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_msg(LOG_LEVEL_ERROR, "migration %04d_%s failed: %s",
		    m->version, m->name, sqlite3_errmsg(st->db));
		err_set(err, 500, "migration", "migration %04d_%s failed: %s",
		    m->version, m->name, sqlite3_errmsg(st->db));
		goto fail;
	}
	if ((s = sqlite_stmt(st, STMT_SCHEMA_RECORD, err)) == NULL)
		goto fail;
	sqlite3_bind_int(s, 1, m->version);
	sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite_fail(st, err, "record migration");
		goto fail;
	}
	sqlite3_reset(s);
	if (exec_sql(st, "COMMIT", err) == -1)
		goto fail;
	log_fields(LOG_LEVEL_INFO, "migration applied", "name", m->name, NULL);
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
store_migrate_up(struct store *st, int *applied, struct err *err)
{
	struct store_schema schema;
	int i;

	*applied = 0;
	if (exec_sql(st, migrations_table_sql, err) == -1 ||
	    store_schema(st, &schema, err) == -1)
		return -1;
	if (schema.current > schema.known)
		return err_set(err, 500, "schema_newer",
		    "the database is at schema version %d but this binary "
		    "knows only up to %d; upgrade cloudpam",
		    schema.current, schema.known);
	for (i = 0; store_migrations_sqlite[i].sql != NULL; i++) {
		if (store_migrations_sqlite[i].version <= schema.current)
			continue;
		if (migration_apply(st, &store_migrations_sqlite[i], err) == -1)
			return -1;
		(*applied)++;
	}
	return 0;
}

int
store_migration_applied_at(struct store *st, int version, struct arena *arena,
    char **applied_at, struct err *err)
{
	sqlite3_stmt *s;
	int rc;

	*applied_at = NULL;
	if ((s = sqlite_stmt(st, STMT_SCHEMA_APPLIED_AT, err)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, version);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*applied_at = arena_strdup(
		    arena, (const char *)sqlite3_column_text(s, 0));
	else if (rc != SQLITE_DONE)
		return sqlite_fail(st, err, "migration lookup");
	sqlite3_reset(s);
	return 0;
}

/*
 * Whether the file at path can be opened and starts as an SQLite
 * database.  A second SQLite connection would not do: inside one process
 * SQLite shares file descriptors between connections to the same file, so
 * it could go on reading a file that no longer can be opened.
 */
static int
file_readable(const char *path, struct err *err)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return err_set(err, 503, "database_unavailable",
		    "the database file cannot be opened (%s)",
		    errno == ENOENT ? "missing" : "permission or I/O error");
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, 16) != 0)
		return err_set(err, 503, "database_unavailable",
		    "the database file is not an SQLite database");
	return 0;
}

int
store_check_ready(struct store *st, struct err *err)
{
	struct store_schema schema;

	if (file_readable(st->path, err) == -1)
		return -1;
	if (store_schema(st, &schema, err) == -1)
		return err_set(err, 503, "database_unavailable",
		    "the database does not answer");
	if (schema.current < schema.known)
		return err_set(err, 503, "migrations_pending",
		    "the database is at schema version %d of %d; run "
		    "`cloudpam migrate up`",
		    schema.current, schema.known);
	if (schema.current > schema.known)
		return err_set(err, 503, "schema_newer",
		    "the database schema (%d) is newer than this binary (%d)",
		    schema.current, schema.known);
	return 0;
}

int
store_setting_get(struct store *st, const char *key, struct arena *arena,
    char **value, struct err *err)
{
	sqlite3_stmt *s;
	int rc;

	*value = NULL;
	if ((s = sqlite_stmt(st, STMT_SETTING_GET, err)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = arena_strdup(
		    arena, (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_fail(st, err, "setting");
	if (rc == SQLITE_ROW && *value == NULL)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
store_setting_set(
    struct store *st, const char *key, const char *value, struct err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = sqlite_stmt(st, STMT_SETTING_SET, err)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, err, "setting");
	return 0;
}

int
sqlite_count(struct store *st, sqlite3_stmt *s, int64_t *total, struct err *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		*total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return sqlite_fail(st, err, "count");
	return 0;
}
