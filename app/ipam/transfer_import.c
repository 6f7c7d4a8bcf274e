/*
 * transfer_import.c: reading CSV or JSON into rows, then checking and
 * making every row inside one transaction.
 *
 * Speed matters (100,000 rows in a few seconds), so: CSV is parsed in
 * place, rows are allocated once, each row's store work uses a scratch
 * arena reset before the next, parents are found by binary search over
 * the sorted rows (or one index probe for a pool already in the
 * database), accounts by binary search over a list read once, and the
 * store's statements are prepared once per connection.
 */
#include "ipam/transfer_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ip/ip.h"
#include "ipam/catalog.h"
#include "ipam/csv.h"
#include "ipam/ipam_internal.h"
#include "ipam/pool.h"

#define JSON_DEPTH_MAX 8
#define JSON_CHUNK ((size_t)1 << 20) /* bytes parsed between reports */
#define PROGRESS_EVERY 256           /* rows between reports */
#define SCRATCH_SIZE (64 * 1024)

const char *const ipam_import_phases[IPAM_IMPORT_PHASE__MAX] = {
	"parsing",   /* IPAM_IMPORT_PARSE */
	"importing", /* IPAM_IMPORT_APPLY */
};

struct row {
	long line;
	const char *v[IPAM_COLUMNS_MAX]; /* NULL: not given */
	struct ip_prefix prefix;         /* pools: the parsed cidr */
	int64_t vrf_id;                  /* pools: resolved */
	int64_t id;                      /* what was made; 0 until then */
	int failed;
};

struct account_key {
	const char *key;
	const char *provider;
	int64_t id;
};

struct import {
	struct store *st;
	struct arena *arena;   /* the caller's: rows and errors */
	struct arena *scratch; /* one row's store work */
	const struct ipam_import_in *in;
	const struct ipam_column *columns;
	size_t ncolumns;
	struct row *rows;
	size_t nrows, cap;
	struct row **order; /* pools with a parsed cidr, in place order */
	size_t norder;
	struct account_key *accounts; /* by key */
	size_t naccounts;
	struct ipam_import_error *errors;
	size_t nerrors, errors_cap;
	struct ipam_import_progress progress;
	size_t created, vrfs_created;
};

static void
report(struct import *imp, enum ipam_import_phase phase, size_t rows,
    size_t done, size_t total)
{
	if (imp->in->progress == NULL)
		return;
	imp->progress.phase = phase;
	imp->progress.rows = rows;
	imp->progress.done = done;
	imp->progress.total = total;
	imp->in->progress(&imp->progress, imp->in->progress_ctx);
}

/* Record why row is bad.  -1 only when memory runs out. */
static int
row_fail(
    struct import *imp, struct row *row, const struct err *why, struct err *err)
{
	struct ipam_import_error *grown, *e;
	size_t cap;

	row->failed = 1;
	if (imp->nerrors == imp->errors_cap) {
		cap = imp->errors_cap ? 2 * imp->errors_cap : 64;
		grown = arena_calloc(imp->arena, cap, sizeof(*grown));
		if (grown == NULL)
			return err_set(err, 500, "internal", "out of memory");
		if (imp->nerrors > 0)
			memcpy(
			    grown, imp->errors, imp->nerrors * sizeof(*grown));
		imp->errors = grown;
		imp->errors_cap = cap;
	}
	e = &imp->errors[imp->nerrors];
	e->line = row->line;
	e->field = arena_strdup(imp->arena, why->field);
	e->message = arena_strdup(imp->arena, why->message);
	if (e->field == NULL || e->message == NULL)
		return err_set(err, 500, "internal", "out of memory");
	imp->nerrors++;
	return 0;
}

/* Rows are allocated once: the caller knows how many there can be. */
static int
rows_alloc(struct import *imp, size_t cap, struct err *err)
{
	imp->rows = arena_calloc(imp->arena, cap ? cap : 1, sizeof(*imp->rows));
	imp->cap = cap;
	return imp->rows ? 0 : err_set(err, 500, "internal", "out of memory");
}

static struct row *
row_next(struct import *imp, long line)
{
	struct row *row;

	if (imp->nrows == imp->cap)
		return NULL;
	row = &imp->rows[imp->nrows++];
	row->line = line;
	return row;
}

/* Store one text value of column col, as CSV or JSON gave it. */
static int
value_set(struct import *imp, struct row *row, size_t col, char *s, size_t len,
    struct err *err)
{
	const struct ipam_column *c = &imp->columns[col];

	if (!ipam_text_valid(s, len))
		return err_field(err, 400, "invalid_value", c->name,
		    "%s is not valid UTF-8 text", c->name);
	if (len == 0)
		return 0;
	if (c->type == IPAM_COLUMN_TAGS)
		return ipam_tags_from_list(
		    s, c->name, imp->arena, &row->v[col], err);
	if (c->type == IPAM_COLUMN_REGIONS)
		return ipam_regions_from_list(
		    s, c->name, imp->arena, &row->v[col], err);
	if (len > c->max)
		return err_field(err, 400, "invalid_value", c->name,
		    "%s is longer than %zu bytes", c->name, c->max);
	row->v[col] = s;
	return 0;
}

static int
required_check(struct import *imp, struct row *row, struct err *err)
{
	size_t i;

	for (i = 0; i < imp->ncolumns; i++)
		if (imp->columns[i].required && row->v[i] == NULL)
			return err_field(err, 400, "missing_field",
			    imp->columns[i].name, "%s is required",
			    imp->columns[i].name);
	return 0;
}

/* --- CSV --- */

static int
column_of(struct import *imp, const char *name)
{
	size_t i;

	for (i = 0; i < imp->ncolumns; i++)
		if (strcmp(imp->columns[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Map the header's fields to columns: map[i] is the column of field i. */
static int
header_map(
    struct import *imp, char **fields, size_t n, int *map, struct err *err)
{
	int seen[IPAM_COLUMNS_MAX] = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		map[i] = column_of(imp, fields[i]);
		if (map[i] == -1)
			return err_set(err, 400, "invalid_csv",
			    "line 1: unknown column \"%.64s\"; %s columns are "
			    "named in the documentation",
			    fields[i], ipam_transfer_kinds[imp->in->kind]);
		if (seen[map[i]]++)
			return err_set(err, 400, "invalid_csv",
			    "line 1: column \"%s\" appears twice", fields[i]);
	}
	for (i = 0; i < imp->ncolumns; i++)
		if (imp->columns[i].required && !seen[i])
			return err_set(err, 400, "invalid_csv",
			    "line 1: the column \"%s\" is required",
			    imp->columns[i].name);
	return 0;
}

/* A row's fields into its values; a bad one makes the row an error. */
static int
csv_row(struct import *imp, long line, char **fields, size_t n, const int *map,
    size_t nheader, struct err *err)
{
	struct row *row = row_next(imp, line);
	struct err why = ERR_INIT;
	size_t i;
	int rc = 0;

	if (row == NULL)
		return err_set(err, 500, "internal", "row count");
	if (n != nheader)
		rc = err_set(&why, 400, "invalid_row",
		    "the row has %zu fields; the header has %zu", n, nheader);
	for (i = 0; rc == 0 && i < n; i++)
		rc = value_set(imp, row, (size_t)map[i], fields[i],
		    strlen(fields[i]), &why);
	if (rc == 0)
		rc = required_check(imp, row, &why);
	if (rc == 0)
		return 0;
	if (why.status >= 500) {
		*err = why;
		return -1;
	}
	return row_fail(imp, row, &why, err);
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
parse_csv(struct import *imp, struct err *err)
{
	char *fields[CSV_FIELDS_MAX];
	int map[CSV_FIELDS_MAX];
	struct csv_reader r;
	size_t n, nheader;
	long line;
	int rc;

	csv_reader_init(&r, imp->in->text, imp->in->len);
	if (r.len >= 3 && memcmp(r.text, "\xef\xbb\xbf", 3) == 0)
		r.pos = 3; /* the byte order mark spreadsheets write */
	rc = csv_read(&r, fields, CSV_FIELDS_MAX, &nheader, &line, err);
	if (rc == 0)
		return err_set(err, 400, "invalid_csv",
		    "the CSV is empty; its first line names the columns");
	if (rc == -1 || header_map(imp, fields, nheader, map, err) == -1 ||
	    rows_alloc(imp, lines_in(r.text, r.len), err) == -1)
		return -1;
	while (
	    (rc = csv_read(&r, fields, CSV_FIELDS_MAX, &n, &line, err)) == 1) {
		if (n == 1 && fields[0][0] == '\0')
			continue; /* a blank line */
		if (csv_row(imp, line, fields, n, map, nheader, err) == -1)
			return -1;
		if (imp->nrows % PROGRESS_EVERY == 0)
			report(
			    imp, IPAM_IMPORT_PARSE, imp->nrows, r.pos, r.len);
	}
	return rc;
}

/* --- JSON --- */

static int
json_value_set(struct import *imp, struct row *row, const char *name,
    struct json_object *v, struct err *err)
{
	int col = column_of(imp, name);
	const struct ipam_column *c;

	if (col == -1)
		return err_field(err, 400, "unknown_field", name,
		    "unknown field \"%.64s\"", name);
	c = &imp->columns[col];
	if (v == NULL)
		return 0;
	if (c->type == IPAM_COLUMN_TAGS)
		return ipam_tags_json_text(
		    v, c->name, imp->arena, &row->v[col], err);
	if (c->type == IPAM_COLUMN_REGIONS)
		return ipam_regions_json_text(
		    v, c->name, imp->arena, &row->v[col], err);
	if (!json_object_is_type(v, json_type_string))
		return err_field(err, 400, "invalid_type", c->name,
		    "%s must be a string", c->name);
	/* The string lives as long as the parsed document. */
	return value_set(imp, row, (size_t)col,
	    (char *)json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), err);
}

static int
json_row(
    struct import *imp, long line, struct json_object *item, struct err *err)
{
	struct row *row = row_next(imp, line);
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
			rc = json_value_set(imp, row,
			    json_object_iter_peek_name(&it),
			    json_object_iter_peek_value(&it), &why);
	}
	if (rc == 0)
		rc = required_check(imp, row, &why);
	if (rc == 0)
		return 0;
	if (why.status >= 500) {
		*err = why;
		return -1;
	}
	return row_fail(imp, row, &why, err);
}

/* Feed the text to json-c in chunks, reporting progress between them. */
static int
json_document(struct import *imp, struct json_object **doc, struct err *err)
{
	const char *text = imp->in->text;
	size_t len = imp->in->len, off = 0, chunk;
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
		report(imp, IPAM_IMPORT_PARSE, 0, off, len);
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
parse_json(struct import *imp, struct json_object **doc, struct err *err)
{
	struct json_object *items;
	size_t i, n;

	if (imp->in->len == 0)
		return err_set(err, 400, "invalid_json",
		    "the body is empty; a JSON array of objects is expected");
	if (json_document(imp, doc, err) == -1)
		return -1;
	if ((items = json_items(*doc)) == NULL)
		return err_set(err, 400, "invalid_json",
		    "expected a JSON array of objects, or {\"items\": [...]}");
	n = json_object_array_length(items);
	if (rows_alloc(imp, n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (json_row(imp, (long)i + 1,
		        json_object_array_get_idx(items, i), err) == -1)
			return -1;
		if (imp->nrows % PROGRESS_EVERY == 0)
			report(imp, IPAM_IMPORT_PARSE, imp->nrows, imp->in->len,
			    imp->in->len);
	}
	return 0;
}

/* --- accounts --- */

static int
account_apply(struct import *imp, struct row *row, struct err *err)
{
	const char *const *v = row->v;
	struct store_account a, out;

	memset(&a, 0, sizeof(a));
	a.provider = v[IPAM_AC_PROVIDER];
	a.external_key = v[IPAM_AC_EXTERNAL_KEY];
	a.name = v[IPAM_AC_NAME];
	a.platform = v[IPAM_AC_PLATFORM] ? v[IPAM_AC_PLATFORM] : "";
	a.tier = v[IPAM_AC_TIER] ? v[IPAM_AC_TIER] : "";
	a.environment = v[IPAM_AC_ENVIRONMENT] ? v[IPAM_AC_ENVIRONMENT] : "";
	a.regions = v[IPAM_AC_REGIONS] ? v[IPAM_AC_REGIONS] : "[]";
	a.tags = v[IPAM_AC_TAGS] ? v[IPAM_AC_TAGS] : "{}";
	a.description = v[IPAM_AC_DESCRIPTION] ? v[IPAM_AC_DESCRIPTION] : "";
	if (ipam_account_create(imp->st, imp->scratch, &a, &out, err) == -1)
		return -1;
	row->id = out.id;
	return 0;
}

/* --- pools: places --- */

/* VRF names, case-insensitive as the database compares them; the
 * default VRF (no name given) first. */
static int
by_vrf_name(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a;
	const struct row *y = *(struct row *const *)b;
	const char *p = x->v[IPAM_PC_VRF], *q = y->v[IPAM_PC_VRF];

	if (p == NULL || q == NULL)
		return (p != NULL) - (q != NULL);
	return strcasecmp(p, q);
}

/* VRF, then address, then length: parents first; then file order. */
static int
by_place(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a;
	const struct row *y = *(struct row *const *)b;
	int c;

	if (x->vrf_id != y->vrf_id)
		return x->vrf_id < y->vrf_id ? -1 : 1;
	if ((c = ip_prefix_compare(&x->prefix, &y->prefix)) != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/* Parse every row's cidr; the rows that have one are placed. */
static int
parse_places(struct import *imp, struct err *err)
{
	struct err why;
	struct row *row;
	size_t i;

	imp->order = arena_calloc(
	    imp->arena, imp->nrows ? imp->nrows : 1, sizeof(*imp->order));
	if (imp->order == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < imp->nrows; i++) {
		row = &imp->rows[i];
		if (row->v[IPAM_PC_CIDR] == NULL)
			continue;
		err_clear(&why);
		if (ip_prefix_parse(row->v[IPAM_PC_CIDR],
		        strlen(row->v[IPAM_PC_CIDR]), &row->prefix,
		        &why) == 0) {
			imp->order[imp->norder++] = row;
			continue;
		}
		snprintf(why.field, sizeof(why.field), "cidr");
		if (!row->failed && row_fail(imp, row, &why, err) == -1)
			return -1;
	}
	return 0;
}

/* The VRF named by the rows run[0..n) (all the same name): found, or
 * made.  On a bad name every row of the run fails. */
static int
vrf_resolve(struct import *imp, struct row **run, size_t n, struct err *err)
{
	const char *name = run[0]->v[IPAM_PC_VRF];
	struct store_vrf vrf, made;
	struct err why = ERR_INIT;
	int64_t id = IPAM_DEFAULT_VRF;
	size_t i;
	int found;

	arena_reset(imp->scratch);
	if (name != NULL) {
		if (store_vrf_find_name(
		        imp->st, name, imp->scratch, &vrf, &found, err) == -1)
			return -1;
		memset(&made, 0, sizeof(made));
		made.name = name;
		made.rd = "";
		made.description = "";
		if (found)
			id = vrf.id;
		else if (ipam_vrf_create(
		             imp->st, imp->scratch, &made, &vrf, &why) == 0) {
			id = vrf.id;
			imp->vrfs_created++;
		} else if (why.status >= 500) {
			*err = why;
			return -1;
		}
	}
	snprintf(why.field, sizeof(why.field), "vrf");
	for (i = 0; i < n; i++) {
		run[i]->vrf_id = id;
		if (why.status != 0 && !run[i]->failed &&
		    row_fail(imp, run[i], &why, err) == -1)
			return -1;
	}
	return 0;
}

/* Give every placed row its VRF id, then sort them into place order. */
static int
place_rows(struct import *imp, struct err *err)
{
	size_t i, start = 0;

	qsort(imp->order, imp->norder, sizeof(*imp->order), by_vrf_name);
	for (i = 1; i <= imp->norder; i++) {
		if (i < imp->norder &&
		    by_vrf_name(&imp->order[start], &imp->order[i]) == 0)
			continue;
		if (vrf_resolve(imp, imp->order + start, i - start, err) == -1)
			return -1;
		start = i;
	}
	qsort(imp->order, imp->norder, sizeof(*imp->order), by_place);
	return 0;
}

/* --- pools: references --- */

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct account_key *)a)->key,
	    ((const struct account_key *)b)->key);
}

/* Read every account once; pools name theirs by external key. */
static int
accounts_load(struct import *imp, struct err *err)
{
	struct store_account_filter f = { NULL, NULL };
	struct store_page page = { 0, 1, 0 };
	struct store_account *rows;
	size_t n, i;

	if (store_account_list(
	        imp->st, imp->arena, &f, &page, &rows, &n, err) == -1)
		return -1;
	if (page.total == 0)
		return 0;
	page.limit = page.total;
	if (store_account_list(
	        imp->st, imp->arena, &f, &page, &rows, &n, err) == -1)
		return -1;
	imp->accounts = arena_calloc(imp->arena, n, sizeof(*imp->accounts));
	if (imp->accounts == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < n; i++) {
		imp->accounts[i].key = rows[i].external_key;
		imp->accounts[i].provider = rows[i].provider;
		imp->accounts[i].id = rows[i].id;
	}
	imp->naccounts = n;
	qsort(imp->accounts, n, sizeof(*imp->accounts), by_key);
	return 0;
}

/*
 * The account whose external key is key.  Keys are unique per provider;
 * when two providers share one, the provider its prefix names wins.
 */
static int
account_find(struct import *imp, const char *key, int64_t *id, struct err *err)
{
	size_t lo = 0, hi = imp->naccounts, mid, n, i, colon;
	const struct account_key *a;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(imp->accounts[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	a = imp->accounts + lo;
	for (n = 0; lo + n < imp->naccounts && strcmp(a[n].key, key) == 0;)
		n++;
	if (n == 1)
		return (*id = a[0].id, 0);
	colon = strcspn(key, ":");
	for (i = 0; i < n; i++)
		if (strlen(a[i].provider) == colon &&
		    strncmp(a[i].provider, key, colon) == 0)
			return (*id = a[i].id, 0);
	if (n == 0)
		return err_field(err, 400, "invalid_reference", "account_key",
		    "no account with key %.200s; import accounts first", key);
	return err_field(err, 400, "invalid_reference", "account_key",
	    "%zu accounts have the key %.200s", n, key);
}

static int
place_cmp(const struct row *x, int64_t vrf_id, const struct ip_prefix *p)
{
	if (x->vrf_id != vrf_id)
		return x->vrf_id < vrf_id ? -1 : 1;
	return ip_prefix_compare(&x->prefix, p);
}

/*
 * The rows of this file placed at vrf_id and p: *first and the count.
 * More than one is a duplicate, which fails as an overlap.
 */
static size_t
rows_at(struct import *imp, int64_t vrf_id, const struct ip_prefix *p,
    struct row ***first)
{
	size_t lo = 0, hi = imp->norder, mid, n = 0;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (place_cmp(imp->order[mid], vrf_id, p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = imp->order + lo;
	while (lo + n < imp->norder &&
	       place_cmp(imp->order[lo + n], vrf_id, p) == 0)
		n++;
	return n;
}

static const char *
vrf_label(const struct row *row)
{
	return row->v[IPAM_PC_VRF] ? row->v[IPAM_PC_VRF] : "default";
}

/* The parent named by a row of this file. */
static int
parent_in_file(struct import *imp, struct row *row, struct row **same, size_t n,
    struct store_pool *parent, struct err *err)
{
	const char *cidr = row->v[IPAM_PC_PARENT_CIDR];
	size_t i;

	for (i = 0; i < n; i++)
		if (same[i]->id != 0)
			return store_pool_get(
			    imp->st, same[i]->id, imp->scratch, parent, err);
	for (i = 0; i < n; i++)
		if (!same[i]->failed)
			/* Not made yet, so it sorts after the row: it cannot
			 * hold it. */
			return err_field(err, 400, "outside_parent", "cidr",
			    "%s is not inside the parent %.64s",
			    row->v[IPAM_PC_CIDR], cidr);
	return err_field(err, 400, "invalid_reference", "parent_cidr",
	    "the parent %.64s (line %ld) has errors", cidr, same[0]->line);
}

/* Find the parent a row names, in the file or the database, and check
 * that it holds the row. */
static int
parent_find(struct import *imp, struct row *row, struct store_pool *parent,
    struct err *err)
{
	const char *cidr = row->v[IPAM_PC_PARENT_CIDR];
	char canonical[IP_PREFIX_STRLEN];
	const char *key = canonical;
	struct ip_prefix pp;
	struct store_pool *found;
	struct row **same;
	size_t n;

	if (ip_prefix_parse(cidr, strlen(cidr), &pp, err) == -1) {
		snprintf(err->field, sizeof(err->field), "parent_cidr");
		return -1;
	}
	ip_prefix_format(&pp, canonical);
	if ((n = rows_at(imp, row->vrf_id, &pp, &same)) > 0) {
		if (parent_in_file(imp, row, same, n, parent, err) == -1)
			return -1;
	} else {
		if (store_pool_by_cidrs(imp->st, row->vrf_id, &key, 1,
		        imp->scratch, &found, &n, err) == -1)
			return -1;
		if (n == 0)
			return err_field(err, 400, "invalid_reference",
			    "parent_cidr", "no pool %.64s in VRF %.64s", cidr,
			    vrf_label(row));
		*parent = found[0];
	}
	if (!ip_prefix_contains(&pp, &row->prefix) ||
	    ip_prefix_compare(&pp, &row->prefix) == 0)
		return err_field(err, 400, "outside_parent", "cidr",
		    "%s is not inside the parent %.64s (%.100s)",
		    row->v[IPAM_PC_CIDR], cidr, parent->name);
	return 0;
}

static int
enums_check(const struct ipam_pool_in *in, struct err *err)
{
	if (in->type != NULL && !ipam_name_in(in->type, ipam_pool_types))
		return err_field(err, 400, "invalid_value", "type",
		    "type must be one of supernet, region, vpc, subnet, "
		    "reserved, other");
	if (in->status != NULL && !ipam_name_in(in->status, ipam_pool_statuses))
		return err_field(err, 400, "invalid_value", "status",
		    "status must be one of planned, active, deprecated, "
		    "reserved");
	if (!ipam_name_in(in->source, ipam_pool_sources))
		return err_field(err, 400, "invalid_value", "source",
		    "source must be one of manual, discovered, imported, "
		    "planned");
	return 0;
}

/* Check and make the pool of one row, inside the import's transaction. */
static int
pool_apply(struct import *imp, struct row *row, struct err *err)
{
	const char *const *v = row->v;
	struct ipam_pool_in in;
	struct store_pool parent, out;

	memset(&in, 0, sizeof(in));
	in.name = v[IPAM_PC_NAME];
	in.cidr = v[IPAM_PC_CIDR];
	in.vrf_id = row->vrf_id;
	in.type = v[IPAM_PC_TYPE];
	in.status = v[IPAM_PC_STATUS];
	in.source = v[IPAM_PC_SOURCE] ? v[IPAM_PC_SOURCE] : "imported";
	in.description = v[IPAM_PC_DESCRIPTION];
	in.tags = v[IPAM_PC_TAGS];
	in.external_id = v[IPAM_PC_EXTERNAL_ID];
	in.region = v[IPAM_PC_REGION];
	in.actor = imp->in->actor;
	if (enums_check(&in, err) == -1)
		return -1;
	if (v[IPAM_PC_ACCOUNT_KEY] != NULL &&
	    account_find(imp, v[IPAM_PC_ACCOUNT_KEY], &in.account_id, err) ==
	        -1)
		return -1;
	if (v[IPAM_PC_PARENT_CIDR] != NULL) {
		if (parent_find(imp, row, &parent, err) == -1)
			return -1;
		in.parent_id = parent.id;
	}
	if (ipam_pool_insert_locked(imp->st, imp->scratch, &in, &row->prefix,
	        &parent, row->vrf_id, 0, &out, err) == -1)
		return -1;
	row->id = out.id;
	return 0;
}

/* --- the import --- */

/*
 * Apply rows[0..n) in that order.  A row refused for its content (4xx)
 * is recorded and the next one tried; anything else stops the import.
 * A refused row wrote nothing: every check comes before the first write.
 */
static int
apply_rows(struct import *imp, struct row **rows, size_t n,
    int (*apply)(struct import *, struct row *, struct err *), struct err *err)
{
	struct err why;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % PROGRESS_EVERY == 0)
			report(imp, IPAM_IMPORT_APPLY, i, i, n);
		if (rows[i]->failed)
			continue;
		err_clear(&why);
		arena_reset(imp->scratch);
		if (apply(imp, rows[i], &why) == 0) {
			imp->created++;
			continue;
		}
		if (why.status < 400 || why.status >= 500) {
			*err = why;
			return -1;
		}
		if (row_fail(imp, rows[i], &why, err) == -1)
			return -1;
	}
	report(imp, IPAM_IMPORT_APPLY, n, n, n);
	return 0;
}

static int
apply_pools(struct import *imp, struct err *err)
{
	if (parse_places(imp, err) == -1 || place_rows(imp, err) == -1 ||
	    accounts_load(imp, err) == -1)
		return -1;
	return apply_rows(imp, imp->order, imp->norder, pool_apply, err);
}

static int
apply_accounts(struct import *imp, struct err *err)
{
	size_t i;

	imp->order = arena_calloc(
	    imp->arena, imp->nrows ? imp->nrows : 1, sizeof(*imp->order));
	if (imp->order == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < imp->nrows; i++)
		imp->order[i] = &imp->rows[i];
	imp->norder = imp->nrows;
	return apply_rows(imp, imp->order, imp->norder, account_apply, err);
}

static int
by_line(const void *a, const void *b)
{
	const struct ipam_import_error *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Everything inside the transaction; the caller ends it. */
static int
apply(struct import *imp, struct err *err)
{
	if (store_begin(imp->st, 1, err) == -1)
		return -1;
	if ((imp->in->kind == IPAM_TRANSFER_POOLS
	            ? apply_pools(imp, err)
	            : apply_accounts(imp, err)) == -1) {
		store_rollback(imp->st);
		return -1;
	}
	if (imp->nerrors > 0 || imp->in->dry_run) {
		store_rollback(imp->st);
		return 0;
	}
	if (store_commit(imp->st, err) == -1) {
		store_rollback(imp->st);
		return -1;
	}
	return 0;
}

int
ipam_import(struct store *st, struct arena *arena,
    const struct ipam_import_in *in, struct ipam_import_out *out,
    struct err *err)
{
	struct json_object *doc = NULL;
	struct import imp;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&imp, 0, sizeof(imp));
	imp.st = st;
	imp.arena = arena;
	imp.in = in;
	imp.columns = ipam_transfer_columns(in->kind, &imp.ncolumns);
	if ((imp.scratch = arena_new(SCRATCH_SIZE)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	rc = in->format == IPAM_FORMAT_JSON ? parse_json(&imp, &doc, err)
	                                    : parse_csv(&imp, err);
	if (rc == 0) {
		report(&imp, IPAM_IMPORT_PARSE, imp.nrows, in->len, in->len);
		rc = apply(&imp, err);
	}
	json_object_put(doc);
	arena_free(imp.scratch);
	if (rc == -1)
		return -1;
	if (imp.nerrors > 0)
		qsort(imp.errors, imp.nerrors, sizeof(*imp.errors), by_line);
	out->rows = imp.nrows;
	out->created = imp.created;
	out->vrfs_created = imp.vrfs_created;
	out->errors = imp.errors;
	out->nerrors = imp.nerrors;
	return 0;
}
