/*
 * transfer_rows.h: the rows of an import file.
 *
 * CSV (a header line naming the columns, in any order) or JSON (an array
 * of objects, or {"items": [...]}) is read into rows of the columns of
 * one kind (transfer.h), each value checked and put in its stored form:
 * tags and regions become JSON text.  A row that cannot be read is kept,
 * marked failed, and listed with its line and reason, so that an import
 * reports every bad row rather than the first.
 */
#ifndef CLOUDPAM_IPAM_TRANSFER_ROWS_H
#define CLOUDPAM_IPAM_TRANSFER_ROWS_H

#include <stddef.h>

#include <json-c/json.h>

#include "ipam/transfer.h"
#include "lib/arena.h"
#include "lib/err.h"

struct ipam_row {
	long line; /* CSV line (the header is 1) or JSON item (from 1) */
	const char *v[IPAM_COLUMNS_MAX]; /* by column; NULL: not given */
	int failed;
};

struct ipam_rows {
	enum ipam_transfer_kind kind;
	const struct ipam_column *columns;
	size_t ncolumns;
	struct arena *arena; /* rows, values and errors */
	struct ipam_row *items;
	size_t n, cap;
	struct ipam_import_error *errors;
	size_t nerrors, errors_cap;
	struct json_object *doc; /* JSON: values point into it */
	ipam_progress_fn progress;
	void *progress_ctx;
	struct ipam_import_progress state;
};

/* Start reading rows of kind into arena; progress may be NULL. */
void ipam_rows_init(struct ipam_rows *rows, enum ipam_transfer_kind kind,
    struct arena *arena, ipam_progress_fn progress, void *progress_ctx);

/*
 * Read text (len bytes and a NUL; CSV is unescaped in place, and values
 * point into it, so it must outlive the rows).  Returns 0 when the text
 * was read, bad rows marked and listed; -1 with err 400 when it cannot be
 * read as a whole ("invalid_csv" naming the line: malformed CSV, an
 * unknown, repeated or missing column; "invalid_json" naming the byte).
 */
int ipam_rows_read(struct ipam_rows *rows, enum ipam_format format, char *text,
    size_t len, struct err *err);

/* Mark row failed and list why.  -1 (500) only when memory runs out. */
int ipam_rows_fail(struct ipam_rows *rows, struct ipam_row *row,
    const struct err *why, struct err *err);

/* Sort the list of errors by line. */
void ipam_rows_sort_errors(struct ipam_rows *rows);

/* Tell the progress callback, if any: n rows, done of total so far. */
void ipam_rows_report(struct ipam_rows *rows, enum ipam_import_phase phase,
    size_t n, size_t done, size_t total);

/* Tell it the phase is over: n rows, all of total done. */
void ipam_rows_report_end(struct ipam_rows *rows, enum ipam_import_phase phase,
    size_t n, size_t total);

/* Release the parsed JSON document.  Accepts rows never read. */
void ipam_rows_free(struct ipam_rows *rows);

#endif
