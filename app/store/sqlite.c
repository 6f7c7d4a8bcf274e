/*
 * sqlite.c: the SQLite backend of store.h (sqlite_ops).
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
	sqlite3 *db = sqlite_db(st);
	int code = sqlite3_extended_errcode(db);

	metrics_database_error();
	log_msg(LOG_LEVEL_ERROR, "sqlite: %s: %s (code %d)", what,
	    sqlite3_errmsg(db), code);
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
	struct sqlite_store *db = sqlite_of(st);
	sqlite3_stmt *s = db->stmts[id];

	if (s == NULL) {
		if (sqlite3_prepare_v3(db->db, sqlite_stmt_sql[id], -1,
		        SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
			sqlite_fail(st, err, "prepare");
			return NULL;
		}
		db->stmts[id] = s;
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
	if (sqlite3_exec(sqlite_db(st), sql, NULL, NULL, NULL) != SQLITE_OK)
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
	struct sqlite_store *db = ctx;
	struct timespec pause = { 0, 100 * 1000 }; /* 100 us */
	/* 100 steps of 100 us, then 1 ms steps: time waited so far. */
	long long waited_us = count <= 100
	                          ? (long long)count * 100
	                          : 10000 + (long long)(count - 100) * 1000;

	if (waited_us / 1000 >= db->opt.busy_timeout_ms)
		return 0;
	if (count > 100) /* past 10 ms, back off to 1 ms steps */
		pause.tv_nsec = 1000 * 1000;
	nanosleep(&pause, NULL);
	return 1;
}

static int
configure(struct sqlite_store *db, struct err *err)
{
	struct store *st = &db->base;

	sqlite3_busy_handler(db->db, busy_wait, db);
	sqlite3_extended_result_codes(db->db, 1);
	if (exec_sql(st, "PRAGMA foreign_keys = ON", err) == -1)
		return -1;
	if (db->opt.readonly)
		return 0;
	if (exec_sql(st, "PRAGMA journal_mode = WAL", err) == -1 ||
	    exec_sql(st, "PRAGMA synchronous = NORMAL", err) == -1)
		return -1;
	if (db->opt.external_checkpoints &&
	    exec_sql(st, "PRAGMA wal_autocheckpoint = 0", err) == -1)
		return -1;
	return 0;
}

struct store *
sqlite_open(const char *url, const struct store_options *opt, struct err *err)
{
	struct sqlite_store *db;
	int flags;

	if (strncmp(url, "sqlite:", 7) != 0 || url[7] == '\0') {
		err_set(err, 500, "config",
		    "unsupported database URL (expected sqlite:PATH)");
		return NULL;
	}
	db = calloc(1, sizeof(*db));
	if (db == NULL || (db->path = strdup(url + 7)) == NULL) {
		free(db);
		err_set(err, 500, "internal", "out of memory");
		return NULL;
	}
	db->base.ops = &sqlite_ops;
	db->opt = *opt;
	flags = opt->readonly ? SQLITE_OPEN_READONLY
	                      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(db->path, &db->db, flags | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		err_set(err, 503, "database_unavailable",
		    "cannot open database %s: %s", db->path,
		    db->db ? sqlite3_errmsg(db->db) : "out of memory");
		sqlite_close(&db->base);
		return NULL;
	}
	if (configure(db, err) == -1) {
		sqlite_close(&db->base);
		return NULL;
	}
	return &db->base;
}

void
sqlite_close(struct store *st)
{
	struct sqlite_store *db = sqlite_of(st);
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(db->stmts[i]);
	sqlite3_close(db->db);
	free(db->path);
	free(db);
}

int
sqlite_checkpoint(struct store *st, struct err *err)
{
	int rc = sqlite3_wal_checkpoint_v2(
	    sqlite_db(st), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	/* Busy only means a writer holds the lock now: try again later. */
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
		return sqlite_fail(st, err, "checkpoint");
	return 0;
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
sqlite_schema(struct store *st, struct store_schema *out, struct err *err)
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
	if (sqlite3_exec(sqlite_db(st), m->sql, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		log_msg(LOG_LEVEL_ERROR, "migration %04d_%s failed: %s",
		    m->version, m->name, sqlite3_errmsg(sqlite_db(st)));
		err_set(err, 500, "migration", "migration %04d_%s failed: %s",
		    m->version, m->name, sqlite3_errmsg(sqlite_db(st)));
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
	sqlite3_exec(sqlite_db(st), "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
sqlite_migrate_up(struct store *st, int *applied, struct err *err)
{
	struct store_schema schema;
	int i;

	*applied = 0;
	if (exec_sql(st, migrations_table_sql, err) == -1 ||
	    sqlite_schema(st, &schema, err) == -1)
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
sqlite_migration_applied_at(struct store *st, int version, struct arena *arena,
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
sqlite_check_ready(struct store *st, struct err *err)
{
	struct store_schema schema;

	if (file_readable(sqlite_of(st)->path, err) == -1)
		return -1;
	if (sqlite_schema(st, &schema, err) == -1)
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
sqlite_setting_get(struct store *st, const char *key, struct arena *arena,
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
sqlite_setting_set(
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

static const char *const sqlite_schemes[] = { "sqlite:", NULL };

const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.schemes = sqlite_schemes,
	.migrations = store_migrations_sqlite,
	.open = sqlite_open,
	.close = sqlite_close,
	.checkpoint = sqlite_checkpoint,
	.schema = sqlite_schema,
	.migrate_up = sqlite_migrate_up,
	.migration_applied_at = sqlite_migration_applied_at,
	.check_ready = sqlite_check_ready,
	.setting_get = sqlite_setting_get,
	.setting_set = sqlite_setting_set,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.vrf_insert = sqlite_vrf_insert,
	.vrf_get = sqlite_vrf_get,
	.vrf_find_name = sqlite_vrf_find_name,
	.vrf_update = sqlite_vrf_update,
	.vrf_delete = sqlite_vrf_delete,
	.vrf_list = sqlite_vrf_list,
	.account_insert = sqlite_account_insert,
	.account_get = sqlite_account_get,
	.account_update = sqlite_account_update,
	.account_delete = sqlite_account_delete,
	.account_list = sqlite_account_list,
	.account_find_key = sqlite_account_find_key,
	.pool_insert = sqlite_pool_insert,
	.pool_get = sqlite_pool_get,
	.pool_update = sqlite_pool_update,
	.pool_delete = sqlite_pool_delete,
	.pool_set_used = sqlite_pool_set_used,
	.pool_list = sqlite_pool_list,
	.pool_overlapping_sibling = sqlite_pool_overlapping_sibling,
	.pool_by_cidrs = sqlite_pool_by_cidrs,
	.pool_within = sqlite_pool_within,
	.pool_child_in = sqlite_pool_child_in,
	.pool_descendants = sqlite_pool_descendants,
	.pool_recent = sqlite_pool_recent,
	.pool_parents = sqlite_pool_parents,
	.totals = sqlite_totals,
	.free_insert = sqlite_free_insert,
	.free_delete = sqlite_free_delete,
	.pool_get_free = sqlite_pool_get_free,
	.free_find = sqlite_free_find,
	.free_at = sqlite_free_at,
	.free_list = sqlite_free_list,
	.idempotency_get = sqlite_idempotency_get,
	.idempotency_put = sqlite_idempotency_put,
	.special_overlapping = sqlite_special_overlapping,
	.special_list = sqlite_special_list,
	.special_set_allowed = sqlite_special_set_allowed,
	.user_insert = sqlite_user_insert,
	.user_get = sqlite_user_get,
	.user_find = sqlite_user_find,
	.user_update = sqlite_user_update,
	.user_set_login = sqlite_user_set_login,
	.user_delete = sqlite_user_delete,
	.user_list = sqlite_user_list,
	.user_counts = sqlite_user_counts,
	.session_insert = sqlite_session_insert,
	.session_get = sqlite_session_get,
	.session_touch = sqlite_session_touch,
	.session_delete = sqlite_session_delete,
	.session_delete_user = sqlite_session_delete_user,
	.key_insert = sqlite_key_insert,
	.key_get = sqlite_key_get,
	.key_list = sqlite_key_list,
	.key_touch = sqlite_key_touch,
	.key_revoke = sqlite_key_revoke,
	.throttle_get = sqlite_throttle_get,
	.throttle_put = sqlite_throttle_put,
	.throttle_clear = sqlite_throttle_clear,
	.audit_insert = sqlite_audit_insert,
	.audit_list = sqlite_audit_list,
	.copy_count = sqlite_copy_count,
	.copy_read = sqlite_copy_read,
	.copy_write = sqlite_copy_write,
	.copy_clear = sqlite_copy_clear,
	.copy_id_high = sqlite_copy_id_high,
	.copy_set_id_high = sqlite_copy_set_id_high,
};
