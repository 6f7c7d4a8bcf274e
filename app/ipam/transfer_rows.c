/*
 * transfer_rows.c: reading an import file into checked rows.
 *
 * CSV is parsed in place and JSON in chunks (so progress can be told);
 * rows are allocated once, for as many as the text can hold.
 */
#include "ipam/transfer_rows.h"

#include <stdlib.h>
#include <string.h>

#include "ipam/csv.h"

#define JSON_DEPTH_MAX 8
#define JSON_CHUNK ((size_t)1 << 20) /* bytes parsed between reports */
#define PROGRESS_EVERY 256           /* rows between reports */

void
ipam_rows_init(struct ipam_rows *rows, enum ipam_transfer_kind kind,
    struct arena *arena, ipam_progress_fn progress, void *progress_ctx)
{
	memset(rows, 0, sizeof(*rows));
	rows->kind = kind;
	rows->columns = ipam_transfer_columns(kind, &rows->ncolumns);
	rows->arena = arena;
	rows->progress = progress;
	rows->progress_ctx = progress_ctx;
}

void
ipam_rows_free(struct ipam_rows *rows)
{
	json_object_put(rows->doc);
	rows->doc = NULL;
}

static void
tell(struct ipam_rows *rows, enum ipam_import_phase phase, size_t n,
    size_t done, size_t total, int finished)
{
	if (rows->progress == NULL)
		return;
	rows->state.phase = phase;
	rows->state.rows = n;
	rows->state.done = done;
	rows->state.total = total;
	rows->state.finished = finished;
	rows->progress(&rows->state, rows->progress_ctx);
}

void
ipam_rows_report(struct ipam_rows *rows, enum ipam_import_phase phase, size_t n,
    size_t done, size_t total)
{
	tell(rows, phase, n, done, total, 0);
}

void
ipam_rows_report_end(struct ipam_rows *rows, enum ipam_import_phase phase,
    size_t n, size_t total)
{
	tell(rows, phase, n, total, total, 1);
}

static int
by_line(const void *a, const void *b)
{
	const struct ipam_import_error *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

void
ipam_rows_sort_errors(struct ipam_rows *rows)
{
	if (rows->nerrors > 0)
		qsort(rows->errors, rows->nerrors, sizeof(*rows->errors),
		    by_line);
}

int
ipam_rows_fail(struct ipam_rows *rows, struct ipam_row *row,
    const struct err *why, struct err *err)
{
	struct ipam_import_error *grown, *e;
	size_t cap;

	row->failed = 1;
	if (rows->nerrors == rows->errors_cap) {
		cap = rows->errors_cap ? 2 * rows->errors_cap : 64;
		grown = arena_calloc(rows->arena, cap, sizeof(*grown));
		if (grown == NULL)
			return err_set(err, 500, "internal", "out of memory");
		if (rows->nerrors > 0)
			memcpy(grown, rows->errors,
			    rows->nerrors * sizeof(*grown));
		rows->errors = grown;
		rows->errors_cap = cap;
	}
	e = &rows->errors[rows->nerrors];
	e->line = row->line;
	e->field = arena_strdup(rows->arena, why->field);
	e->message = arena_strdup(rows->arena, why->message);
	if (e->field == NULL || e->message == NULL)
		return err_set(err, 500, "internal", "out of memory");
	rows->nerrors++;
	return 0;
}

/* Rows are allocated once: the caller knows how many there can be. */
static int
rows_alloc(struct ipam_rows *rows, size_t cap, struct err *err)
{
	rows->items =
	    arena_calloc(rows->arena, cap ? cap : 1, sizeof(*rows->items));
	rows->cap = cap;
	return rows->items ? 0 : err_set(err, 500, "internal", "out of memory");
}

static struct ipam_row *
row_next(struct ipam_rows *rows, long line)
{
	struct ipam_row *row;

	if (rows->n == rows->cap)
		return NULL;
	row = &rows->items[rows->n++];
	row->line = line;
	return row;
}

/* Store one text value of column col, as CSV or JSON gave it. */
static int
value_set(struct ipam_rows *rows, struct ipam_row *row, size_t col, char *s,
    size_t len, struct err *err)
{
	const struct ipam_column *c = &rows->columns[col];

	if (!ipam_text_valid(s, len))
		return err_field(err, 400, "invalid_value", c->name,
		    "%s is not valid UTF-8 text", c->name);
	if (len == 0)
		return 0;
	if (c->type == IPAM_COLUMN_TAGS)
		return ipam_tags_from_list(
		    s, c->name, rows->arena, &row->v[col], err);
	if (c->type == IPAM_COLUMN_REGIONS)
		return ipam_regions_from_list(
		    s, c->name, rows->arena, &row->v[col], err);
	if (len > c->max)
		return err_field(err, 400, "invalid_value", c->name,
		    "%s is longer than %zu bytes", c->name, c->max);
	row->v[col] = s;
	return 0;
}

static int
required_check(struct ipam_rows *rows, struct ipam_row *row, struct err *err)
{
	size_t i;

	for (i = 0; i < rows->ncolumns; i++)
		if (rows->columns[i].required && row->v[i] == NULL)
			return err_field(err, 400, "missing_field",
			    rows->columns[i].name, "%s is required",
			    rows->columns[i].name);
	return 0;
}

/* --- CSV --- */

/* Whether a name the input gave may be quoted back in a message whole:
 * short printable ASCII, so no cut can split a character. */
static int
quotable(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 48 || s[i] < ' ' || s[i] > '~' || s[i] == '"')
			return 0;
	return 1;
}

static int
column_of(struct ipam_rows *rows, const char *name)
{
	size_t i;

	for (i = 0; i < rows->ncolumns; i++)
		if (strcmp(rows->columns[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Map the header's fields to columns: map[i] is the column of field i. */
static int
header_map(
    struct ipam_rows *rows, char **fields, size_t n, int *map, struct err *err)
{
	int seen[IPAM_COLUMNS_MAX] = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		map[i] = column_of(rows, fields[i]);
		if (map[i] == -1)
			return err_set(err, 400, "invalid_csv",
			    "line 1: unknown column \"%s\"; %s columns are "
			    "named in the documentation",
			    quotable(fields[i]) ? fields[i] : "...",
			    ipam_transfer_kinds[rows->kind]);
		if (seen[map[i]]++)
			return err_set(err, 400, "invalid_csv",
			    "line 1: column \"%s\" appears twice", fields[i]);
	}
	for (i = 0; i < rows->ncolumns; i++)
		if (rows->columns[i].required && !seen[i])
			return err_set(err, 400, "invalid_csv",
			    "line 1: the column \"%s\" is required",
			    rows->columns[i].name);
	return 0;
}

/* A row's fields into its values; a bad one makes the row an error. */
static int
csv_row(struct ipam_rows *rows, long line, char **fields, size_t n,
    const int *map, size_t nheader, struct err *err)
{
	struct ipam_row *row = row_next(rows, line);
	struct err why = ERR_INIT;
	size_t i;
	int rc = 0;

	if (row == NULL)
		return err_set(err, 500, "internal", "row count");
	if (n != nheader)
		rc = err_set(&why, 400, "invalid_row",
		    "the row has %zu fields; the header has %zu", n, nheader);
	for (i = 0; rc == 0 && i < n; i++)
		rc = value_set(rows, row, (size_t)map[i], fields[i],
		    strlen(fields[i]), &why);
	if (rc == 0)
		rc = required_check(rows, row, &why);
	if (rc == 0)
		return 0;
	if (why.status >= 500) {
		*err = why;
		return -1;
	}
	return ipam_rows_fail(rows, row, &why, err);
}

static size_t
lines_in(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t n = 1;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

static int
parse_csv(struct ipam_rows *rows, char *text, size_t len, struct err *err)
{
	char *fields[CSV_FIELDS_MAX];
	int map[CSV_FIELDS_MAX];
	struct csv_reader r;
	size_t n, nheader;
	long line;
	int rc;

	csv_reader_init(&r, text, len);
	if (r.len >= 3 && memcmp(r.text, "\xef\xbb\xbf", 3) == 0)
		r.pos = 3; /* the byte order mark spreadsheets write */
	rc = csv_read(&r, fields, CSV_FIELDS_MAX, &nheader, &line, err);
	if (rc == 0)
		return err_set(err, 400, "invalid_csv",
		    "the CSV is empty; its first line names the columns");
	if (rc == -1 || header_map(rows, fields, nheader, map, err) == -1 ||
	    rows_alloc(rows, lines_in(r.text, r.len), err) == -1)
		return -1;
	while (
	    (rc = csv_read(&r, fields, CSV_FIELDS_MAX, &n, &line, err)) == 1) {
		if (n == 1 && fields[0][0] == '\0')
			continue; /* a blank line */
		if (csv_row(rows, line, fields, n, map, nheader, err) == -1)
			return -1;
		if (rows->n % PROGRESS_EVERY == 0)
			ipam_rows_report(
			    rows, IPAM_IMPORT_PARSE, rows->n, r.pos, r.len);
	}
	return rc;
}

/* --- JSON --- */

static int
json_value_set(struct ipam_rows *rows, struct ipam_row *row, const char *name,
    struct json_object *v, struct err *err)
{
	int col = column_of(rows, name);
	const struct ipam_column *c;

	if (col == -1)
		return err_field(err, 400, "unknown_field",
		    quotable(name) ? name : "", "unknown field \"%s\"",
		    quotable(name) ? name : "...");
	c = &rows->columns[col];
	if (v == NULL)
		return 0;
	if (c->type == IPAM_COLUMN_TAGS)
		return ipam_tags_json_text(
		    v, c->name, rows->arena, &row->v[col], err);
	if (c->type == IPAM_COLUMN_REGIONS)
		return ipam_regions_json_text(
		    v, c->name, rows->arena, &row->v[col], err);
	if (!json_object_is_type(v, json_type_string))
		return err_field(err, 400, "invalid_type", c->name,
		    "%s must be a string", c->name);
	/* The string lives as long as the parsed document. */
	return value_set(rows, row, (size_t)col,
	    (char *)json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), err);
}

static int
json_row(struct ipam_rows *rows, long line, struct json_object *item,
    struct err *err)
{
	struct ipam_row *row = row_next(rows, line);
	struct json_object_iterator it, end;
	struct err why = ERR_INIT;
	int rc = 0;

	if (row == NULL)
		return err_set(err, 500, "internal", "row count");
	if (!json_object_is_type(item, json_type_object)) {
		rc = err_set(&why, 400, "invalid_type",
		    "item %ld must be an object", line);
	} else {
		it = json_object_iter_begin(item);
		end = json_object_iter_end(item);
		for (; rc == 0 && !json_object_iter_equal(&it, &end);
		     json_object_iter_next(&it))
			rc = json_value_set(rows, row,
			    json_object_iter_peek_name(&it),
			    json_object_iter_peek_value(&it), &why);
	}
	if (rc == 0)
		rc = required_check(rows, row, &why);
	if (rc == 0)
		return 0;
	if (why.status >= 500) {
		*err = why;
		return -1;
	}
	return ipam_rows_fail(rows, row, &why, err);
}

/* Feed the text to json-c in chunks, reporting progress between them. */
static int
json_document(struct ipam_rows *rows, const char *text, size_t len,
    struct json_object **doc, struct err *err)
{
	size_t off = 0, chunk;
	enum json_tokener_error jerr = json_tokener_continue;
	struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH_MAX);

	*doc = NULL;
	if (tok == NULL)
		return err_set(err, 500, "internal", "out of memory");
	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	while (off < len && jerr == json_tokener_continue) {
		chunk = len - off < JSON_CHUNK ? len - off : JSON_CHUNK;
		*doc = json_tokener_parse_ex(tok, text + off, (int)chunk);
		jerr = json_tokener_get_error(tok);
		off += jerr == json_tokener_continue
		           ? chunk
		           : json_tokener_get_parse_end(tok);
		ipam_rows_report(rows, IPAM_IMPORT_PARSE, 0, off, len);
	}
	json_tokener_free(tok);
	while (off < len && strchr(" \t\r\n", text[off]) != NULL)
		off++;
	if (jerr == json_tokener_success && *doc != NULL && off == len)
		return 0;
	json_object_put(*doc);
	*doc = NULL;
	if (jerr == json_tokener_success)
		return err_set(err, 400, "invalid_json",
		    "unexpected data after the JSON value at byte %zu", off);
	return err_set(err, 400, "invalid_json",
	    "malformed JSON at byte %zu: %s", off,
	    jerr == json_tokener_continue ? "unexpected end of input"
	                                  : json_tokener_error_desc(jerr));
}

/* The array of rows: the document itself or its "items". */
static struct json_object *
json_items(struct json_object *doc)
{
	struct json_object *items;

	if (json_object_is_type(doc, json_type_array))
		return doc;
	if (json_object_is_type(doc, json_type_object) &&
	    json_object_object_length(doc) == 1 &&
	    json_object_object_get_ex(doc, "items", &items) &&
	    json_object_is_type(items, json_type_array))
		return items;
	return NULL;
}

static int
parse_json(
    struct ipam_rows *rows, const char *text, size_t len, struct err *err)
{
	struct json_object *items;
	size_t i, n;

	if (len == 0)
		return err_set(err, 400, "invalid_json",
		    "the body is empty; a JSON array of objects is expected");
	if (json_document(rows, text, len, &rows->doc, err) == -1)
		return -1;
	if ((items = json_items(rows->doc)) == NULL)
		return err_set(err, 400, "invalid_json",
		    "expected a JSON array of objects, or {\"items\": [...]}");
	n = json_object_array_length(items);
	if (rows_alloc(rows, n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (json_row(rows, (long)i + 1,
		        json_object_array_get_idx(items, i), err) == -1)
			return -1;
		if (rows->n % PROGRESS_EVERY == 0)
			ipam_rows_report(
			    rows, IPAM_IMPORT_PARSE, rows->n, len, len);
	}
	return 0;
}

int
ipam_rows_read(struct ipam_rows *rows, enum ipam_format format, char *text,
    size_t len, struct err *err)
{
	if (format == IPAM_FORMAT_JSON)
		return parse_json(rows, text, len, err);
	return parse_csv(rows, text, len, err);
}
