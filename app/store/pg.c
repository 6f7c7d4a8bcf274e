/*
 * pg.c: the PostgreSQL backend of store.h (pg_ops).
 *
 * A store is one libpq connection, made from the URL as libpq reads it
 * (postgres://user@host:port/db?sslmode=...), with a lock timeout of
 * busy_timeout_ms and times in UTC.  Statements are prepared once per
 * connection, the first time each is used (pg_stmt.c), and run with
 * their values bound, in text form.
 *
 * A broken connection (the server restarted, the network dropped) fails
 * the statement that found it with 503 "database_unavailable"; the next
 * call outside a transaction resets the connection (PQreset) and prepares
 * again.  Inside a transaction nothing is retried: the transaction is
 * gone with the connection, so every call fails until the caller rolls
 * back.
 */
#include "store/store.h"

#include <assert.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/metrics.h"
#include "store/migrations.h"
#include "store/pg_internal.h"

static const char migrations_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

/* --- parameters and columns --- */

void
pg_text(struct pg_params *p, int i, const char *text)
{
	assert(i >= 1 && i <= PG_PARAMS_MAX);
	p->values[i - 1] = text;
	if (i > p->n)
		p->n = i;
}

void
pg_int(struct pg_params *p, int i, int64_t v)
{
	assert(i >= 1 && i <= PG_PARAMS_MAX);
	snprintf(p->numbers[i - 1], PG_NUMBER_SIZE, "%" PRId64, v);
	pg_text(p, i, p->numbers[i - 1]);
}

void
pg_id(struct pg_params *p, int i, int64_t id)
{
	if (id == 0)
		pg_null(p, i);
	else
		pg_int(p, i, id);
}

void
pg_null(struct pg_params *p, int i)
{
	pg_text(p, i, NULL);
}

void
pg_limit(struct pg_params *p, int i, int64_t limit)
{
	if (limit < 0)
		pg_null(p, i);
	else
		pg_int(p, i, limit);
}

const char *
pg_col_text(const PGresult *r, int row, int col, struct arena *arena)
{
	if (PQgetisnull(r, row, col))
		return "";
	return arena_strndup(
	    arena, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

const char *
pg_col_text_or_null(const PGresult *r, int row, int col, struct arena *arena)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return pg_col_text(r, row, col, arena);
}

int64_t
pg_col_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int
pg_col_bool(const PGresult *r, int row, int col)
{
	return PQgetvalue(r, row, col)[0] == 't';
}

/* --- errors --- */

/* SQLSTATEs that mean "try again shortly": serialization failure,
 * deadlock, lock timeout, statement timeout. */
static int
state_busy(const char *state)
{
	static const char *const busy[] = { "40001", "40P01", "55P03", "57014",
		NULL };
	size_t i;

	for (i = 0; busy[i] != NULL; i++)
		if (strcmp(state, busy[i]) == 0)
			return 1;
	return 0;
}

/* Connection exceptions (08), and the server shutting down or starting
 * (57P01 to 57P03). */
static int
state_lost(const char *state)
{
	return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	       strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0;
}

int
pg_fail(struct store *st, const PGresult *r, const char *what, struct err *err)
{
	struct pg_store *db = pg_of(st);
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *message =
	    r ? PQresultErrorMessage(r) : PQerrorMessage(db->conn);
	int len = (int)strcspn(message, "\n");

	int conflict = state != NULL && (strcmp(state, "23505") == 0 ||
	                                    strcmp(state, "23P01") == 0 ||
	                                    strcmp(state, "23503") == 0);

	/* A conflict is the caller's 409, not a fault of the database. */
	if (!conflict)
		metrics_database_error();
	log_msg(conflict ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR,
	    "postgres: %.60s: %.*s (SQLSTATE %s)", what, len, message,
	    state ? state : "none");
	if (PQstatus(db->conn) != CONNECTION_OK ||
	    (state != NULL && state_lost(state))) {
		db->lost = 1;
		return err_set(err, 503, "database_unavailable",
		    "the database cannot be reached");
	}
	if (state == NULL)
		return err_set(err, 500, "database", "database error");
	if (state_busy(state))
		return err_set(err, 503, "database_busy",
		    "the database is busy; retry shortly");
	if (conflict)
		return err_set(err, 409, "conflict",
		    "the change conflicts with data changed meanwhile; "
		    "reload and retry");
	return err_set(err, 500, "database", "database error");
}

/* --- the connection --- */

/* The server's warnings go to our log, not to stderr. */
static void
notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_LEVEL_WARN, "postgres: %.*s", (int)strcspn(message, "\n"),
	    message);
}

static int
configure(struct pg_store *db, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	/* As SQLite's busy timeout: 0 waits not at all (PostgreSQL's 0
	 * would wait for ever), so 1 ms. */
	pg_int(
	    &p, 1, db->opt.busy_timeout_ms > 0 ? db->opt.busy_timeout_ms : 1);
	pg_text(&p, 2, db->opt.readonly ? "on" : "off");
	return pg_exec_done(&db->base, PGQ_CONFIGURE, &p, err);
}

/*
 * Whether an idle connection was closed by the server meanwhile (it
 * restarted, or ended the session): the server's goodbye is waiting on
 * the socket.  Looking costs one poll(2) and sends nothing, so nothing
 * can run twice.
 */
static int
closed_while_idle(struct pg_store *db)
{
	struct pollfd pfd = { PQsocket(db->conn), POLLIN, 0 };
	int i;

	if (pfd.fd < 0)
		return 1;
	/* The goodbye (an error message) reads fine; the end of the stream
	 * after it is what fails, so read until nothing is left. */
	for (i = 0; i < 4 && poll(&pfd, 1, 0) > 0; i++)
		if (PQconsumeInput(db->conn) == 0 ||
		    PQstatus(db->conn) != CONNECTION_OK)
			return 1;
	return 0;
}

/*
 * A connection able to run a statement: reset a lost one, unless a
 * transaction was open on it (its work is gone; the caller must roll
 * back and start again).
 */
static int
connection_ready(struct pg_store *db, struct err *err)
{
	if (!db->lost && PQstatus(db->conn) == CONNECTION_OK &&
	    (db->in_transaction || !closed_while_idle(db)))
		return 0;
	db->lost = 1;
	if (db->in_transaction)
		return err_set(err, 503, "database_unavailable",
		    "the database connection was lost");
	PQreset(db->conn);
	memset(db->prepared, 0, sizeof(db->prepared));
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_msg(LOG_LEVEL_ERROR, "postgres: reconnect: %.*s",
		    (int)strcspn(PQerrorMessage(db->conn), "\n"),
		    PQerrorMessage(db->conn));
		return err_set(err, 503, "database_unavailable",
		    "the database cannot be reached");
	}
	log_msg(LOG_LEVEL_INFO, "postgres: reconnected");
	db->lost = 0;
	return configure(db, err);
}

/* Prepare statement id on this connection unless it is already. */
static int
prepare(struct pg_store *db, enum pg_stmt id, const char *name, struct err *err)
{
	PGresult *r;
	int rc = 0;

	if (db->prepared[id])
		return 0;
	r = PQprepare(db->conn, name, pg_stmt_sql[id], 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_fail(&db->base, r, pg_stmt_sql[id], err);
	else
		db->prepared[id] = 1;
	PQclear(r);
	return rc;
}

/* --- statements sent ahead ---
 *
 * Inside a transaction, a statement whose answer nobody reads and that
 * does not fail in normal use (pg_stmt_later: BEGIN, free-space writes,
 * counters, the audit insert) is not waited for: it is sent at once in
 * libpq's pipeline mode, and its answer is read with the next statement
 * that has one to give, or at COMMIT, in the same round trip.  With the
 * insert that returns the row, the parent and its free space read in one
 * round trip (pg_exec_pair) and the free block taken as read, an
 * allocation holds its parent's row lock for three round trips instead
 * of ten.  When one of them fails, the statement that reads the
 * answers fails with its error (every later one in the pipeline is
 * skipped by the server), and the transaction is rolled back as any
 * failed one.
 */

/* Send statement id (prepared first on this connection if need be) into
 * the pipeline, entering it if this is the first. */
static int
send_ahead(struct pg_store *db, enum pg_stmt id, const struct pg_params *p,
    struct err *err)
{
	char name[16];

	if (db->nsent == 0 && (connection_ready(db, err) == -1 ||
	                          PQenterPipelineMode(db->conn) == 0))
		return err->status ? -1
		                   : pg_fail(&db->base, NULL, "pipeline", err);
	snprintf(name, sizeof(name), "q%d", (int)id);
	if (!db->prepared[id]) {
		if (PQsendPrepare(db->conn, name, pg_stmt_sql[id], 0, NULL) ==
		    0)
			goto lost;
		db->sent[db->nsent].id = id;
		db->sent[db->nsent++].prepare = 1;
		db->prepared[id] = 1;
	}
	if (PQsendQueryPrepared(db->conn, name, p ? p->n : 0,
	        p ? p->values : NULL, NULL, NULL, 0) == 0)
		goto lost;
	db->sent[db->nsent].id = id;
	db->sent[db->nsent++].prepare = 0;
	return 0;
lost:
	db->nsent = 0;
	pg_fail(&db->base, NULL, pg_stmt_sql[id], err);
	db->lost = 1;
	return -1;
}

/* Clear the answers kept so far. */
static void
drop_kept(PGresult **out, size_t nout)
{
	size_t i;

	for (i = 0; i < nout; i++) {
		PQclear(out[i]);
		out[i] = NULL;
	}
}

/*
 * Read the answers of everything sent ahead, ending the pipeline.  The
 * answers of the last nout statements go to out[0..nout), in order, when
 * all succeeded.  Returns 0, or -1 with err from the first that failed.
 */
static int
collect(struct pg_store *db, PGresult **out, size_t nout, struct err *err)
{
	ExecStatusType status;
	PGresult *r;
	size_t i, n = db->nsent, first = n, kept = 0, seen = 0;
	int rc = 0;

	/* Where the last nout executions (not preparations) begin. */
	while (first > 0 && seen < nout)
		if (!db->sent[--first].prepare)
			seen++;
	for (i = 0; i < nout; i++)
		out[i] = NULL;
	db->nsent = 0;
	if (PQpipelineSync(db->conn) == 0)
		goto lost;
	for (i = 0; i < n; i++) {
		if ((r = PQgetResult(db->conn)) == NULL)
			goto lost;
		status = PQresultStatus(r);
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
		    status != PGRES_PIPELINE_ABORTED && rc == 0)
			rc = pg_fail(
			    &db->base, r, pg_stmt_sql[db->sent[i].id], err);
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
		    db->sent[i].prepare)
			db->prepared[db->sent[i].id] = 0;
		if (i >= first && !db->sent[i].prepare && rc == 0 &&
		    kept < nout &&
		    (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK))
			out[kept++] = r;
		else
			PQclear(r);
		/* Each statement's answers end with a NULL. */
		if ((r = PQgetResult(db->conn)) != NULL) {
			PQclear(r);
			goto lost;
		}
	}
	r = PQgetResult(db->conn);
	status = PQresultStatus(r);
	PQclear(r);
	if (status != PGRES_PIPELINE_SYNC ||
	    PQexitPipelineMode(db->conn) == 0) {
		/*
		 * Every statement was answered, then the connection ended
		 * (a server shutting down says so in place of the sync).
		 * The answers stand: a COMMIT answered is a commit made.
		 * Only the connection is gone: the next use resets it.
		 */
		log_msg(LOG_LEVEL_WARN, "postgres: connection ended after "
		                        "the answers of a pipeline");
		db->lost = 1;
	}
	if (rc != 0)
		drop_kept(out, nout);
	return rc;
lost:
	drop_kept(out, nout);
	if (rc == 0)
		pg_fail(&db->base, NULL, "pipeline", err);
	/* Out of step with the server: only a reset brings it back. */
	db->lost = 1;
	return -1;
}

int
pg_settle(struct store *st, struct err *err)
{
	struct pg_store *db = pg_of(st);

	return db->nsent > 0 ? collect(db, NULL, 0, err) : 0;
}

PGresult *
pg_exec(struct store *st, enum pg_stmt id, const struct pg_params *p,
    struct err *err)
{
	struct pg_store *db = pg_of(st);
	ExecStatusType status;
	char name[16];
	PGresult *r = NULL;

	if (db->nsent > 0 || id == PGQ_COMMIT) {
		/* In the same round trip as what was sent ahead.  COMMIT
		 * always goes this way: its answer counts even when the
		 * connection ends right after it (collect). */
		if (send_ahead(db, id, p, err) == -1 ||
		    collect(db, &r, 1, err) == -1)
			return NULL;
		return r;
	}
	snprintf(name, sizeof(name), "q%d", (int)id);
	if (connection_ready(db, err) == -1 || prepare(db, id, name, err) == -1)
		return NULL;
	r = PQexecPrepared(
	    db->conn, name, p ? p->n : 0, p ? p->values : NULL, NULL, NULL, 0);
	status = PQresultStatus(r);
	if (r != NULL &&
	    (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK))
		return r;
	pg_fail(st, r, pg_stmt_sql[id], err);
	PQclear(r);
	return NULL;
}

int
pg_exec_done(struct store *st, enum pg_stmt id, const struct pg_params *p,
    struct err *err)
{
	struct pg_store *db = pg_of(st);
	int later = db->in_transaction
	                ? pg_stmt_later(id)
	                : id == PGQ_BEGIN || id == PGQ_BEGIN_WRITE;
	PGresult *r;

	if (later && db->nsent + 2 <= PG_SENT_MAX)
		return send_ahead(db, id, p, err);
	if ((r = pg_exec(st, id, p, err)) == NULL)
		return -1;
	PQclear(r);
	return 0;
}

int
pg_exec_pair(struct store *st, enum pg_stmt id1, const struct pg_params *p1,
    enum pg_stmt id2, const struct pg_params *p2, PGresult **r1, PGresult **r2,
    struct err *err)
{
	struct pg_store *db = pg_of(st);
	PGresult *r[2];

	*r1 = *r2 = NULL;
	if ((db->nsent + 4 > PG_SENT_MAX && collect(db, NULL, 0, err) == -1) ||
	    send_ahead(db, id1, p1, err) == -1 ||
	    send_ahead(db, id2, p2, err) == -1 || collect(db, r, 2, err) == -1)
		return -1;
	*r1 = r[0];
	*r2 = r[1];
	return 0;
}

int
pg_exec_changed(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t *changed, struct err *err)
{
	PGresult *r = pg_exec(st, id, p, err);

	if (r == NULL)
		return -1;
	*changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

int
pg_rows(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t limit, struct arena *arena, size_t size, pg_row_fn fn, void **out,
    size_t *n, struct err *err)
{
	PGresult *r = pg_exec(st, id, p, err);
	size_t rows, i;
	char *v;

	*n = 0;
	if (r == NULL)
		return -1;
	rows = (size_t)PQntuples(r);
	if (limit >= 0 && rows > (size_t)limit)
		rows = (size_t)limit;
	/* At least one row, so an empty answer is not NULL. */
	v = arena_calloc(arena, rows > 0 ? rows : 1, size);
	for (i = 0; v != NULL && i < rows; i++)
		if (fn(r, (int)i, arena, v + i * size) == -1)
			v = NULL;
	PQclear(r);
	if (v == NULL)
		return err_set(err, 500, "internal", "out of memory");
	*out = v;
	*n = rows;
	return 0;
}

int
pg_row_one(struct store *st, enum pg_stmt id, const struct pg_params *p,
    struct arena *arena, pg_row_fn fn, void *row, int *found, struct err *err)
{
	PGresult *r = pg_exec(st, id, p, err);
	int bad = 0;

	*found = 0;
	if (r == NULL)
		return -1;
	*found = PQntuples(r) > 0;
	if (*found)
		bad = fn(r, 0, arena, row) == -1;
	PQclear(r);
	if (bad)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
pg_count(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t *total, struct err *err)
{
	PGresult *r = pg_exec(st, id, p, err);

	if (r == NULL)
		return -1;
	*total = PQntuples(r) > 0 ? pg_col_int(r, 0, 0) : 0;
	PQclear(r);
	return 0;
}

int
pg_insert_id(struct store *st, enum pg_stmt id, const struct pg_params *p,
    int64_t *new_id, struct err *err)
{
	PGresult *r = pg_exec(st, id, p, err);

	*new_id = 0;
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0)
		*new_id = pg_col_int(r, 0, 0);
	PQclear(r);
	return 0;
}

struct store *
pg_open(const char *url, const struct store_options *opt, struct err *err)
{
	/* Before dbname, so the URL's own settings win (libpq reads the
	 * arrays in order, and the URL expands where dbname stands). */
	static const char *const keys[] = { "connect_timeout",
		"fallback_application_name", "dbname", NULL };
	const char *values[] = { "10", "cloudpam", url, NULL };
	struct pg_store *db = calloc(1, sizeof(*db));
	const char *message;

	if (db == NULL) {
		err_set(err, 500, "internal", "out of memory");
		return NULL;
	}
	db->base.ops = &pg_ops;
	db->opt = *opt;
	db->conn = PQconnectdbParams(keys, values, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		message = db->conn ? PQerrorMessage(db->conn) : "out of memory";
		err_set(err, 503, "database_unavailable",
		    "cannot connect to the database: %.*s",
		    (int)strcspn(message, "\n"), message);
		pg_close(&db->base);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, notice, NULL);
	if (configure(db, err) == -1) {
		pg_close(&db->base);
		return NULL;
	}
	return &db->base;
}

void
pg_close(struct store *st)
{
	struct pg_store *db = pg_of(st);

	if (db == NULL)
		return;
	PQfinish(db->conn);
	pg_audit_free(db);
	free(db);
}

/* PostgreSQL has no write-ahead log of ours to move. */
int
pg_checkpoint(struct store *st, struct err *err)
{
	(void)st;
	(void)err;
	return 0;
}

/* --- migrations --- */

static int
known_version(void)
{
	int i, v = 0;

	for (i = 0; store_migrations_postgres[i].sql != NULL; i++)
		v = store_migrations_postgres[i].version;
	return v;
}

int
pg_schema(struct store *st, struct store_schema *out, struct err *err)
{
	PGresult *r;
	int exists;

	out->current = 0;
	out->applied = 0;
	out->known = known_version();
	if ((r = pg_exec(st, PGQ_SCHEMA_EXISTS, NULL, err)) == NULL)
		return -1;
	exists = PQntuples(r) > 0;
	PQclear(r);
	if (!exists)
		return 0;
	if ((r = pg_exec(st, PGQ_SCHEMA_CURRENT, NULL, err)) == NULL)
		return -1;
	out->current = (int)pg_col_int(r, 0, 0);
	out->applied = (int)pg_col_int(r, 0, 1);
	PQclear(r);
	return 0;
}

/*
 * Run fixed SQL text (a migration; several statements) on the simple
 * protocol, which alone takes more than one statement.  Never a value:
 * the text is compiled into the binary.
 */
static int
exec_script(struct store *st, const char *sql, char *failure, size_t size)
{
	struct err err = ERR_INIT;
	PGresult *r;

	if (pg_settle(st, &err) == -1) {
		snprintf(failure, size, "%.200s", err.message);
		return -1;
	}
	r = PQexec(pg_of(st)->conn, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
	         PQresultStatus(r) == PGRES_TUPLES_OK;
	const char *message =
	    r ? PQresultErrorMessage(r) : PQerrorMessage(pg_of(st)->conn);

	if (!ok)
		snprintf(failure, size, "%.*s", (int)strcspn(message, "\n"),
		    message);
	PQclear(r);
	return ok ? 0 : -1;
}

static int
migration_apply(
    struct store *st, const struct store_migration *m, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	char failure[256];

	if (exec_script(st, m->sql, failure, sizeof(failure)) == -1) {
		log_msg(LOG_LEVEL_ERROR, "migration %04d_%s failed: %s",
		    m->version, m->name, failure);
		return err_set(err, 500, "migration",
		    "migration %04d_%s failed: %s", m->version, m->name,
		    failure);
	}
	pg_int(&p, 1, m->version);
	pg_text(&p, 2, m->name);
	return pg_exec_done(st, PGQ_SCHEMA_RECORD, &p, err);
}

/*
 * Apply the next migration newer than the database, if any, in one
 * transaction holding the migrator's lock, so two `migrate up` at once
 * apply each migration once.  *done is the migration applied, or NULL.
 */
static int
migrate_next(
    struct store *st, const struct store_migration **done, struct err *err)
{
	const struct store_migration *m = store_migrations_postgres;
	struct store_schema schema;
	char failure[256];

	*done = NULL;
	if (pg_begin(st, 1, err) == -1)
		return -1;
	if (pg_exec_done(st, PGQ_MIGRATE_LOCK, NULL, err) == -1)
		goto fail;
	if (exec_script(st, migrations_table_sql, failure, sizeof(failure)) ==
	    -1) {
		err_set(
		    err, 500, "migration", "schema_migrations: %s", failure);
		goto fail;
	}
	if (pg_schema(st, &schema, err) == -1)
		goto fail;
	if (schema.current > schema.known) {
		err_set(err, 500, "schema_newer",
		    "the database is at schema version %d but this binary "
		    "knows only up to %d; upgrade cloudpam",
		    schema.current, schema.known);
		goto fail;
	}
	while (m->sql != NULL && m->version <= schema.current)
		m++;
	if (m->sql != NULL && migration_apply(st, m, err) == -1)
		goto fail;
	if (pg_commit(st, err) == -1)
		goto fail;
	if (m->sql != NULL) {
		log_fields(
		    LOG_LEVEL_INFO, "migration applied", "name", m->name, NULL);
		*done = m;
	}
	return 0;
fail:
	pg_rollback(st);
	return -1;
}

int
pg_migrate_up(struct store *st, int *applied, struct err *err)
{
	const struct store_migration *done;

	*applied = 0;
	do {
		if (migrate_next(st, &done, err) == -1)
			return -1;
		if (done != NULL)
			(*applied)++;
	} while (done != NULL);
	return 0;
}

int
pg_migration_applied_at(struct store *st, int version, struct arena *arena,
    char **applied_at, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *r;

	*applied_at = NULL;
	pg_int(&p, 1, version);
	if ((r = pg_exec(st, PGQ_SCHEMA_APPLIED_AT, &p, err)) == NULL)
		return -1;
	if (PQntuples(r) > 0)
		*applied_at = (char *)pg_col_text(r, 0, 0, arena);
	PQclear(r);
	return 0;
}

int
pg_check_ready(struct store *st, struct err *err)
{
	struct store_schema schema;
	int answered = pg_exec_done(st, PGQ_PING, NULL, err) == 0;

	/* A connection found broken is reset by the next call: make it. */
	if (!answered && pg_of(st)->lost && !pg_of(st)->in_transaction)
		answered = pg_exec_done(st, PGQ_PING, NULL, err) == 0;
	if (!answered || pg_schema(st, &schema, err) == -1)
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

/* --- settings --- */

int
pg_setting_get(struct store *st, const char *key, struct arena *arena,
    char **value, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;
	PGresult *r;
	int found;

	*value = NULL;
	pg_text(&p, 1, key);
	if ((r = pg_exec(st, PGQ_SETTING_GET, &p, err)) == NULL)
		return -1;
	found = PQntuples(r) > 0;
	if (found)
		*value = (char *)pg_col_text(r, 0, 0, arena);
	PQclear(r);
	if (found && *value == NULL)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
pg_setting_set(
    struct store *st, const char *key, const char *value, struct err *err)
{
	struct pg_params p = PG_PARAMS_INIT;

	pg_text(&p, 1, key);
	pg_text(&p, 2, value);
	return pg_exec_done(st, PGQ_SETTING_SET, &p, err);
}

static const char *const pg_schemes[] = { "postgres://", "postgresql://",
	NULL };

const struct store_ops pg_ops = {
	.name = "postgres",
	.schemes = pg_schemes,
	.migrations = store_migrations_postgres,
	.open = pg_open,
	.close = pg_close,
	.checkpoint = pg_checkpoint,
	.schema = pg_schema,
	.migrate_up = pg_migrate_up,
	.migration_applied_at = pg_migration_applied_at,
	.check_ready = pg_check_ready,
	.setting_get = pg_setting_get,
	.setting_set = pg_setting_set,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.vrf_insert = pg_vrf_insert,
	.vrf_get = pg_vrf_get,
	.vrf_find_name = pg_vrf_find_name,
	.vrf_update = pg_vrf_update,
	.vrf_delete = pg_vrf_delete,
	.vrf_list = pg_vrf_list,
	.account_insert = pg_account_insert,
	.account_get = pg_account_get,
	.account_update = pg_account_update,
	.account_delete = pg_account_delete,
	.account_list = pg_account_list,
	.account_find_key = pg_account_find_key,
	.pool_insert = pg_pool_insert,
	.pool_get = pg_pool_get,
	.pool_update = pg_pool_update,
	.pool_delete = pg_pool_delete,
	.pool_set_used = pg_pool_set_used,
	.pool_list = pg_pool_list,
	.pool_overlapping_sibling = pg_pool_overlapping_sibling,
	.pool_by_cidrs = pg_pool_by_cidrs,
	.pool_within = pg_pool_within,
	.pool_child_in = pg_pool_child_in,
	.pool_descendants = pg_pool_descendants,
	.pool_recent = pg_pool_recent,
	.pool_parents = pg_pool_parents,
	.totals = pg_totals,
	.free_insert = pg_free_insert,
	.free_delete = pg_free_delete,
	.pool_get_free = pg_pool_get_free,
	.free_find = pg_free_find,
	.free_at = pg_free_at,
	.free_list = pg_free_list,
	.idempotency_get = pg_idempotency_get,
	.idempotency_put = pg_idempotency_put,
	.special_overlapping = pg_special_overlapping,
	.special_list = pg_special_list,
	.special_set_allowed = pg_special_set_allowed,
	.user_insert = pg_user_insert,
	.user_get = pg_user_get,
	.user_find = pg_user_find,
	.user_update = pg_user_update,
	.user_set_login = pg_user_set_login,
	.user_delete = pg_user_delete,
	.user_list = pg_user_list,
	.user_counts = pg_user_counts,
	.session_insert = pg_session_insert,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_delete = pg_session_delete,
	.session_delete_user = pg_session_delete_user,
	.key_insert = pg_key_insert,
	.key_get = pg_key_get,
	.key_list = pg_key_list,
	.key_touch = pg_key_touch,
	.key_revoke = pg_key_revoke,
	.throttle_get = pg_throttle_get,
	.throttle_put = pg_throttle_put,
	.throttle_clear = pg_throttle_clear,
	.audit_insert = pg_audit_insert,
	.audit_list = pg_audit_list,
	.copy_count = pg_copy_count,
	.copy_read = pg_copy_read,
	.copy_write = pg_copy_write,
	.copy_clear = pg_copy_clear,
	.copy_id_high = pg_copy_id_high,
	.copy_set_id_high = pg_copy_set_id_high,
};
