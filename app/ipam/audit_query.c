/*
 * audit_query.c: reading the audit log for the API, the pages and
 * exports.
 *
 * The store lists events newest first, or oldest first after a given id
 * (store_audit_list with after_id > 0).  Ids start at 1, so "oldest first
 * from the very first event" and "the event with id 1" cannot be asked
 * that way; both are found here as the last row of the newest-first list,
 * read in one transaction so the count and the row agree.
 */
#include "ipam/audit_query.h"

#include <stdio.h>
#include <string.h>

#include "ipam/csv.h"

/* Nested objects deeper than this are shown as JSON text, not split. */
#define FLATTEN_DEPTH 4
#define FIELD_NAME_MAX 256

const char *const ipam_audit_actions[] = { "pool.create", "pool.update",
	"pool.delete", "pool.allocate", "pool.import", "account.create",
	"account.update", "account.delete", "account.import", "vrf.create",
	"vrf.update", "vrf.delete", "setting.update", "special_range.update",
	"user.create", "user.update", "user.delete", "user.password",
	"user.sso_create", "user.sso_update", "setup", "key.create",
	"key.revoke", "login", "logout", "login.failed", NULL };

const char *const ipam_audit_object_types[] = { "pool", "account", "vrf",
	"setting", "special_range", "user", "key", NULL };

const char *const ipam_audit_format_names[IPAM_AUDIT_FORMAT__MAX] = {
	"csv",   /* IPAM_AUDIT_CSV */
	"jsonl", /* IPAM_AUDIT_JSONL */
};

/* The CSV columns, in the order of the export's records. */
static const char *const csv_columns[] = { "id", "at", "actor", "actor_type",
	"key_id", "action", "object_type", "object_id", "before", "after",
	"request_id", "client_addr" };

#define CSV_COLUMNS (sizeof(csv_columns) / sizeof(csv_columns[0]))

/* --- times --- */

/* n decimal digits at s into *out; -1 at anything else. */
static int
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Write v as width digits at *p, moving *p past them. */
static void
put_digits(char **p, int v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		(*p)[i] = (char)('0' + v % 10);
		v /= 10;
	}
	*p += width;
}

/*
 * The time part after the date: "HH:MM[:SS[.fraction]]" then the zone.
 * The fraction is cut to milliseconds, the precision of the log.
 */
static int
time_part(const char *p, int *hms, int *ms)
{
	int scale = 100, n = 0;

	if (digits(p, 2, &hms[0]) == -1 || p[2] != ':' ||
	    digits(p + 3, 2, &hms[1]) == -1)
		return -1;
	p += 5;
	if (*p == ':') {
		if (digits(p + 1, 2, &hms[2]) == -1)
			return -1;
		p += 3;
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, n++) {
				*ms += (*p - '0') * scale;
				scale /= 10;
			}
			if (n == 0 || n > 9)
				return -1;
		}
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (strncmp(p, "+00:00", 6) == 0)
		p += 6;
	return *p == '\0' ? 0 : -1;
}

int
ipam_audit_time_parse(const char *text, char out[IPAM_AUDIT_TIME_SIZE])
{
	int y, mo, d, hms[3] = { 0, 0, 0 }, ms = 0;
	char *p = out;

	if (text == NULL || digits(text, 4, &y) == -1 || text[4] != '-' ||
	    digits(text + 5, 2, &mo) == -1 || text[7] != '-' ||
	    digits(text + 8, 2, &d) == -1)
		return -1;
	if (text[10] == 'T' || text[10] == 't' || text[10] == ' ') {
		if (time_part(text + 11, hms, &ms) == -1)
			return -1;
	} else if (text[10] != '\0')
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) ||
	    hms[0] > 23 || hms[1] > 59 || hms[2] > 59)
		return -1;
	put_digits(&p, y, 4);
	*p++ = '-';
	put_digits(&p, mo, 2);
	*p++ = '-';
	put_digits(&p, d, 2);
	*p++ = 'T';
	put_digits(&p, hms[0], 2);
	*p++ = ':';
	put_digits(&p, hms[1], 2);
	*p++ = ':';
	put_digits(&p, hms[2], 2);
	*p++ = '.';
	put_digits(&p, ms, 3);
	*p++ = 'Z';
	*p = '\0';
	return 0;
}

int
ipam_audit_name_valid(const char *text)
{
	size_t i, n = text ? strlen(text) : 0;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((text[i] >= 'a' && text[i] <= 'z') ||
		        (text[i] >= '0' && text[i] <= '9') ||
		        strchr("_.-", text[i]) != NULL))
			return 0;
	return 1;
}

/* --- one event --- */

/*
 * The oldest event matching f, read as the last of the newest-first list
 * (see the top of the file).  *found 0 when none.  Runs inside the
 * caller's transaction.
 */
static int
oldest(struct store *st, struct arena *arena,
    const struct store_audit_filter *f, struct store_audit *out, int *found,
    struct err *err)
{
	struct store_audit_filter g = *f;
	struct store_page page = { 0, 1, 0 };
	struct store_audit *rows;
	size_t n;

	*found = 0;
	g.after_id = 0;
	if (store_audit_list(st, arena, &g, &page, &rows, &n, err) == -1)
		return -1;
	if (page.total == 0)
		return 0;
	page.offset = page.total - 1;
	if (store_audit_list(st, arena, &g, &page, &rows, &n, err) == -1)
		return -1;
	if (n == 1) {
		*out = rows[0];
		*found = 1;
	}
	return 0;
}

int
ipam_audit_get(struct store *st, struct arena *arena, int64_t id,
    struct store_audit *out, struct err *err)
{
	struct store_audit_filter f;
	struct store_page page = { 0, 1, 0 };
	struct store_audit *rows;
	size_t n = 0;
	int found = 0;

	memset(&f, 0, sizeof(f));
	if (id > 1) {
		f.after_id = id - 1;
		if (store_audit_list(st, arena, &f, &page, &rows, &n, err) ==
		    -1)
			return -1;
		found = n == 1 && rows[0].id == id;
		if (found)
			*out = rows[0];
	} else if (id == 1) {
		if (store_begin(st, 0, err) == -1)
			return -1;
		if (oldest(st, arena, &f, out, &found, err) == -1) {
			store_rollback(st);
			return -1;
		}
		store_rollback(st); /* read only: nothing to keep */
		found = found && out->id == 1;
	}
	if (!found)
		return err_set(err, 404, "not_found", "no audit event %lld",
		    (long long)id);
	return 0;
}

/* --- JSON --- */

/* Stored JSON text back to JSON; text that does not parse stays text. */
static struct json_object *
parsed(const char *text)
{
	struct json_object *o;

	if (text == NULL)
		return NULL;
	o = json_tokener_parse(text);
	return o != NULL ? o : json_object_new_string(text);
}

static struct json_object *
string_or_empty(const char *s)
{
	return json_object_new_string(s ? s : "");
}

struct json_object *
ipam_audit_event_json(const struct store_audit *ev)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(ev->id));
	json_object_object_add(o, "at", string_or_empty(ev->at));
	json_object_object_add(o, "actor", string_or_empty(ev->actor));
	json_object_object_add(
	    o, "actor_type", string_or_empty(ev->actor_type));
	json_object_object_add(
	    o, "key_id", ev->key_id ? json_object_new_int64(ev->key_id) : NULL);
	json_object_object_add(o, "action", string_or_empty(ev->action));
	json_object_object_add(
	    o, "object_type", string_or_empty(ev->object_type));
	json_object_object_add(o, "object_id", string_or_empty(ev->object_id));
	json_object_object_add(o, "before", parsed(ev->before));
	json_object_object_add(o, "after", parsed(ev->after));
	json_object_object_add(
	    o, "request_id", string_or_empty(ev->request_id));
	json_object_object_add(
	    o, "client_addr", string_or_empty(ev->client_addr));
	return o;
}

/* --- what changed --- */

/* Add the leaves of o to into under prefix, objects split into fields. */
static void
flatten(struct json_object *o, const char *prefix, int depth,
    struct json_object *into)
{
	char name[FIELD_NAME_MAX];
	int len;

	json_object_object_foreach(o, key, value)
	{
		len = prefix
		          ? snprintf(name, sizeof(name), "%s.%s", prefix, key)
		          : snprintf(name, sizeof(name), "%s", key);
		if (len < 0 || (size_t)len >= sizeof(name))
			continue; /* no field name is this long */
		if (json_object_is_type(value, json_type_object) &&
		    depth < FLATTEN_DEPTH) {
			flatten(value, name, depth + 1, into);
			continue;
		}
		json_object_object_add(into, name, json_object_get(value));
	}
}

/* The fields of stored JSON text, flattened; NULL for no text. */
static struct json_object *
fields_of(const char *text)
{
	struct json_object *o = parsed(text), *flat;

	if (o == NULL)
		return NULL;
	flat = json_object_new_object();
	if (json_object_is_type(o, json_type_object))
		flatten(o, NULL, 1, flat);
	else
		json_object_object_add(flat, "value", json_object_get(o));
	json_object_put(o);
	return flat;
}

static const char *
json_text(struct json_object *v)
{
	return json_object_to_json_string_ext(
	    v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* A value as people read it: a string as is, null as "", else JSON. */
static struct json_object *
display(struct json_object *v, int present)
{
	if (!present)
		return NULL;
	if (v == NULL)
		return json_object_new_string("");
	if (json_object_is_type(v, json_type_string))
		return json_object_get(v);
	return json_object_new_string(json_text(v));
}

static void
add_change(struct json_object *list, const char *field,
    struct json_object *before, int has_before, struct json_object *after,
    int has_after)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "field", json_object_new_string(field));
	json_object_object_add(c, "before", display(before, has_before));
	json_object_object_add(c, "after", display(after, has_after));
	json_object_array_add(list, c);
}

static int
same(struct json_object *a, struct json_object *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(json_text(a), json_text(b)) == 0;
}

struct json_object *
ipam_audit_changes(const char *before, const char *after)
{
	struct json_object *list = json_object_new_array();
	struct json_object *b = fields_of(before), *a = fields_of(after);
	struct json_object *other;

	if (b != NULL) {
		json_object_object_foreach(b, key, value)
		{
			int has = a != NULL &&
			          json_object_object_get_ex(a, key, &other);

			if (!has)
				other = NULL;
			if (a == NULL || !has || !same(value, other))
				add_change(list, key, value, 1, other, has);
		}
	}
	if (a != NULL) {
		json_object_object_foreach(a, key, value)
		{
			if (b != NULL &&
			    json_object_object_get_ex(b, key, NULL))
				continue;
			add_change(list, key, NULL, 0, value, 1);
		}
	}
	json_object_put(b);
	json_object_put(a);
	return list;
}

/* --- export --- */

static void
put_event(struct buf *out, const struct store_audit *ev,
    enum ipam_audit_format format)
{
	struct json_object *o;
	const char *f[CSV_COLUMNS];
	char id[24], key[24];
	size_t i;

	if (format == IPAM_AUDIT_JSONL) {
		o = ipam_audit_event_json(ev);
		buf_puts(out, json_text(o));
		buf_putc(out, '\n');
		json_object_put(o);
		return;
	}
	snprintf(id, sizeof(id), "%lld", (long long)ev->id);
	snprintf(key, sizeof(key), "%lld", (long long)ev->key_id);
	f[0] = id;
	f[1] = ev->at;
	f[2] = ev->actor;
	f[3] = ev->actor_type;
	f[4] = ev->key_id ? key : "";
	f[5] = ev->action;
	f[6] = ev->object_type;
	f[7] = ev->object_id;
	f[8] = ev->before;
	f[9] = ev->after;
	f[10] = ev->request_id;
	f[11] = ev->client_addr;
	for (i = 0; i < CSV_COLUMNS; i++)
		if (f[i] == NULL)
			f[i] = "";
	csv_put_record(out, f, CSV_COLUMNS);
}

/* The chunks after f->after_id, oldest first, until the log runs out. */
static int
export_chunks(struct store *st, struct arena *scratch,
    struct store_audit_filter *f, enum ipam_audit_format format,
    struct buf *out, struct err *err)
{
	struct store_page page;
	struct store_audit *rows;
	size_t n, i;

	for (;;) {
		arena_reset(scratch);
		page.offset = 0;
		page.limit = IPAM_AUDIT_EXPORT_CHUNK;
		page.total = 0;
		if (store_audit_list(st, scratch, f, &page, &rows, &n, err) ==
		    -1)
			return -1;
		for (i = 0; i < n; i++)
			put_event(out, &rows[i], format);
		if (out->oom)
			return err_set(err, 500, "internal", "out of memory");
		if (n < IPAM_AUDIT_EXPORT_CHUNK)
			return 0;
		f->after_id = rows[n - 1].id;
	}
}

int
ipam_audit_export(struct store *st, const struct store_audit_filter *filter,
    enum ipam_audit_format format, struct buf *out, struct err *err)
{
	struct store_audit_filter f = *filter;
	struct store_audit first;
	struct arena *scratch;
	int rc = -1, found = 1;

	if ((scratch = arena_new(64 * 1024)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	if (store_begin(st, 0, err) == -1)
		goto done;
	if (format == IPAM_AUDIT_CSV)
		csv_put_record(out, csv_columns, CSV_COLUMNS);
	if (f.after_id <= 0) {
		if (oldest(st, scratch, &f, &first, &found, err) == -1)
			goto done;
		if (found) {
			put_event(out, &first, format);
			f.after_id = first.id;
		}
	}
	if (found && export_chunks(st, scratch, &f, format, out, err) == -1)
		goto done;
	if (out->oom) {
		err_set(err, 500, "internal", "out of memory");
		goto done;
	}
	rc = 0;
done:
	store_rollback(st); /* a read: nothing to keep */
	arena_free(scratch);
	return rc;
}
