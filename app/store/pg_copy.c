/*
 * pg_copy.c: whole tables read and written on PostgreSQL, for
 * `cloudpam migrate copy` (store_copy.c describes the tables).
 *
 * The statements are made from the descriptions: the only text put into
 * them besides fixed SQL is a table or column name of store_copy_defs,
 * and every value travels as a bound parameter (PQexecParams).  A copy
 * runs once, so nothing joins the connection's prepared statements.
 *
 * Columns are read into the canonical text SQLite stores, and written
 * back from it with a cast: timestamptz as ISO 8601 UTC text (the form of
 * pg_stmt.c's TIME and TIME_MS), booleans as "0" and "1", a login never
 * made as "" for NULL.  Text keys are ordered bytewise (COLLATE "C"), as
 * SQLite orders them, so both read the same rows in the same order.
 * Rows are written up to STORE_COPY_WRITE_MAX in one INSERT.
 */
#include "store/pg_internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/buf.h"

#define ISO_SECONDS "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"
#define ISO_MS "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'"

/* Append column c of d as it is read: its canonical text. */
static void
put_read(struct buf *b, const struct store_copy_column *c)
{
	switch (c->kind) {
	case STORE_COPY_BOOL:
		buf_printf(
		    b, "CASE WHEN \"%s\" THEN '1' ELSE '0' END", c->name);
		break;
	case STORE_COPY_TIME:
		buf_printf(b,
		    "to_char(\"%s\" AT TIME ZONE 'UTC', " ISO_SECONDS ")",
		    c->name);
		break;
	case STORE_COPY_TIME_MS:
		buf_printf(b, "to_char(\"%s\" AT TIME ZONE 'UTC', " ISO_MS ")",
		    c->name);
		break;
	case STORE_COPY_TIME_OPT:
		buf_printf(b,
		    "coalesce(to_char(\"%s\" AT TIME ZONE 'UTC', " ISO_SECONDS
		    "), '')",
		    c->name);
		break;
	default:
		buf_printf(b, "\"%s\"", c->name);
		break;
	}
}

/* Append parameter $i as written into a column of kind. */
static void
put_write(struct buf *b, enum store_copy_kind kind, size_t i)
{
	switch (kind) {
	case STORE_COPY_BOOL:
		buf_printf(b, "$%zu::boolean", i);
		break;
	case STORE_COPY_TIME:
	case STORE_COPY_TIME_MS:
		buf_printf(b, "$%zu::timestamptz", i);
		break;
	case STORE_COPY_TIME_OPT:
		buf_printf(b, "nullif($%zu, '')::timestamptz", i);
		break;
	default:
		buf_printf(b, "$%zu", i);
		break;
	}
}

/* Append the first n columns of d as keys: text compared bytewise. */
static void
put_keys(struct buf *b, const struct store_copy_def *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s\"%s\"%s", i > 0 ? ", " : "",
		    d->columns[i].name,
		    d->columns[i].kind == STORE_COPY_TEXT ? " COLLATE \"C\""
		                                          : "");
}

/*
 * Run the statement b holds with nparams values (NULL for SQL NULL), and
 * free b.  The result, which the caller PQclear()s; NULL with err filled
 * (in the database's words, naming d) when it fails.
 */
static PGresult *
run(struct store *st, const struct store_copy_def *d, struct buf *b,
    int nparams, const char *const *params, struct err *err)
{
	PGresult *r = NULL;
	ExecStatusType status;
	const char *message;
	char code[ERR_CODE_MAX];

	if (b->oom) {
		buf_free(b);
		err_set(err, 500, "internal", "out of memory");
		return NULL;
	}
	if (pg_settle(st, err) == -1) {
		buf_free(b);
		return NULL;
	}
	r = PQexecParams(
	    pg_of(st)->conn, b->data, nparams, NULL, params, NULL, NULL, 0);
	buf_free(b);
	status = PQresultStatus(r);
	if (r != NULL &&
	    (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK))
		return r;
	message = r ? PQresultErrorMessage(r) : PQerrorMessage(pg_of(st)->conn);
	pg_fail(st, r, d->name, err);
	/* pg_fail's words are for a request; say what the database said. */
	if (err->status == 409 || err->status == 500) {
		snprintf(code, sizeof(code), "%s", err->code);
		err_set(err, err->status, code, "%s: %.*s", d->name,
		    (int)strcspn(message, "\n"), message);
	}
	PQclear(r);
	return NULL;
}

/* Run the statement b holds; its first value, an integer, into *out. */
static int
run_int(struct store *st, const struct store_copy_def *d, struct buf *b,
    int nparams, const char *const *params, int64_t *out, struct err *err)
{
	PGresult *r = run(st, d, b, nparams, params, err);

	if (r == NULL)
		return -1;
	if (out != NULL && PQntuples(r) > 0 && PQnfields(r) > 0)
		*out = pg_col_int(r, 0, 0);
	PQclear(r);
	return 0;
}

/* Row i of r into row, d->ncolumns values.  -1 out of memory. */
static int
row_read(const PGresult *r, int i, const struct store_copy_def *d,
    struct arena *arena, const char **row)
{
	size_t c;

	for (c = 0; c < d->ncolumns; c++) {
		row[c] = pg_col_text_or_null(r, i, (int)c, arena);
		if (row[c] == NULL && !PQgetisnull(r, i, (int)c))
			return -1;
	}
	return 0;
}

int
pg_copy_read(struct store *st, const struct store_copy_def *d,
    const char *const *after, size_t limit, struct arena *arena,
    const char ***values, size_t *n, struct err *err)
{
	const char *params[STORE_COPY_COLUMNS_MAX + 1];
	char number[PG_NUMBER_SIZE];
	struct buf b = BUF_INIT;
	size_t c, nkeys = after ? d->nkeys : 0, rows;
	const char **v;
	PGresult *r;

	*n = 0;
	buf_puts(&b, "SELECT ");
	for (c = 0; c < d->ncolumns; c++) {
		buf_puts(&b, c > 0 ? ", " : "");
		put_read(&b, &d->columns[c]);
	}
	buf_printf(&b, " FROM \"%s\"", d->name);
	if (after != NULL) {
		buf_puts(&b, " WHERE (");
		put_keys(&b, d, d->nkeys);
		buf_puts(&b, ") > (");
		for (c = 0; c < d->nkeys; c++)
			buf_printf(&b, "%s$%zu", c > 0 ? ", " : "", c + 1);
		buf_puts(&b, ")");
	}
	buf_puts(&b, " ORDER BY ");
	put_keys(&b, d, d->nkeys);
	buf_printf(&b, " LIMIT $%zu", nkeys + 1);
	for (c = 0; c < nkeys; c++)
		params[c] = after[c];
	snprintf(number, sizeof(number), "%zu", limit);
	params[nkeys] = number;
	if ((r = run(st, d, &b, (int)nkeys + 1, params, err)) == NULL)
		return -1;
	rows = (size_t)PQntuples(r);
	v = arena_calloc(arena, rows > 0 ? rows : 1, d->ncolumns * sizeof(*v));
	for (c = 0; v != NULL && c < rows; c++)
		if (row_read(r, (int)c, d, arena, v + c * d->ncolumns) == -1)
			v = NULL;
	PQclear(r);
	if (v == NULL)
		return err_set(err, 500, "internal", "out of memory");
	*values = v;
	*n = rows;
	return 0;
}

int
pg_copy_write(struct store *st, const struct store_copy_def *d,
    const char *const *values, size_t n, struct err *err)
{
	struct buf b = BUF_INIT;
	size_t r, c;

	buf_printf(&b, "INSERT INTO \"%s\" (", d->name);
	for (c = 0; c < d->ncolumns; c++)
		buf_printf(
		    &b, "%s\"%s\"", c > 0 ? ", " : "", d->columns[c].name);
	/* The copied ids go in as they are (identity BY DEFAULT). */
	buf_puts(&b, ") VALUES ");
	for (r = 0; r < n; r++) {
		buf_puts(&b, r > 0 ? ", (" : "(");
		for (c = 0; c < d->ncolumns; c++) {
			buf_puts(&b, c > 0 ? ", " : "");
			put_write(
			    &b, d->columns[c].kind, r * d->ncolumns + c + 1);
		}
		buf_putc(&b, ')');
	}
	return run_int(st, d, &b, (int)(n * d->ncolumns), values, NULL, err);
}

int
pg_copy_count(struct store *st, const struct store_copy_def *d, int64_t *rows,
    struct err *err)
{
	struct buf b = BUF_INIT;

	*rows = 0;
	buf_printf(&b, "SELECT count(*) FROM \"%s\"", d->name);
	return run_int(st, d, &b, 0, NULL, rows, err);
}

int
pg_copy_clear(struct store *st, const struct store_copy_def *d, struct err *err)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "DELETE FROM \"%s\"", d->name);
	return run_int(st, d, &b, 0, NULL, NULL, err);
}

/* The identity's sequence may be past the highest row: rows were
 * deleted, or inserts rolled back. */
int
pg_copy_id_high(struct store *st, const struct store_copy_def *d, int64_t *high,
    struct err *err)
{
	const char *params[] = { d->name };
	struct buf b = BUF_INIT;

	*high = 0;
	buf_printf(&b,
	    "SELECT greatest(coalesce(max(\"id\"), 0), "
	    "coalesce(pg_sequence_last_value("
	    "pg_get_serial_sequence($1, 'id')::regclass), 0)) FROM \"%s\"",
	    d->name);
	return run_int(st, d, &b, 1, params, high, err);
}

/* Copied rows came with their ids, which an identity column does not
 * count: move its sequence past them, never back. */
int
pg_copy_set_id_high(struct store *st, const struct store_copy_def *d,
    int64_t high, struct err *err)
{
	char number[PG_NUMBER_SIZE];
	const char *params[] = { d->name, number };
	struct buf b = BUF_INIT;

	snprintf(number, sizeof(number), "%lld", (long long)high);
	buf_puts(&b,
	    "WITH s AS (SELECT pg_get_serial_sequence($1, 'id')::regclass "
	    "AS seq), h AS (SELECT seq, greatest($2::bigint, "
	    "coalesce(pg_sequence_last_value(seq), 0)) AS high FROM s) "
	    "SELECT setval(seq, greatest(high, 1), high > 0) FROM h");
	return run_int(st, d, &b, 2, params, NULL, err);
}
