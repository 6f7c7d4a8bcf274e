/*
 * csv.c: a strict RFC 4180 reader that parses in place, the matching
 * writer, and the ';' lists CloudPAM keeps inside one field.
 */
#include "ipam/csv.h"

#include <string.h>

void
csv_reader_init(struct csv_reader *r, char *text, size_t len)
{
	r->text = text;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	r->field_max = CSV_FIELD_MAX;
}

/*
 * After a field ends at text[i]: step over the delimiter.  *end is set
 * when it closed the record.  -1 when text[i] cannot follow a field.
 */
static int
delimiter(struct csv_reader *r, size_t i, int *end)
{
	const char *t = r->text;

	*end = 1;
	if (i == r->len) {
		r->pos = i;
		return 0;
	}
	if (t[i] == ',') {
		*end = 0;
		r->pos = i + 1;
		return 0;
	}
	if (t[i] == '\n' ||
	    (t[i] == '\r' && i + 1 < r->len && t[i + 1] == '\n')) {
		r->pos = i + (t[i] == '\r' ? 2 : 1);
		r->line++;
		return 0;
	}
	return -1;
}

static int
too_long(struct csv_reader *r, long line, struct err *err)
{
	return err_set(err, 400, "invalid_csv",
	    "line %ld: a field is longer than %zu bytes", line, r->field_max);
}

/* A field opened by a quote at text[pos] (RFC 4180 section 2, rule 5-7). */
static int
read_quoted(struct csv_reader *r, char **field, int *end, struct err *err)
{
	char *t = r->text;
	size_t start = r->pos, w = r->pos, i = r->pos + 1;
	long line = r->line;

	for (;;) {
		if (i >= r->len)
			return err_set(err, 400, "invalid_csv",
			    "line %ld: the quoted field has no closing quote",
			    line);
		if (t[i] == '\0')
			return err_set(err, 400, "invalid_csv",
			    "line %ld: NUL byte", r->line);
		if (t[i] == '"') {
			if (i + 1 < r->len && t[i + 1] == '"') {
				t[w++] = '"';
				i += 2;
				continue;
			}
			break;
		}
		if (t[i] == '\n')
			r->line++;
		t[w++] = t[i++];
		if (w - start > r->field_max)
			return too_long(r, line, err);
	}
	if (delimiter(r, i + 1, end) == -1)
		return err_set(err, 400, "invalid_csv",
		    "line %ld: a closing quote must end the field; write a "
		    "quote inside a quoted field as \"\"",
		    r->line);
	t[w] = '\0';
	*field = t + start;
	return 0;
}

static int
read_plain(struct csv_reader *r, char **field, int *end, struct err *err)
{
	char *t = r->text;
	size_t i;

	for (i = r->pos; i < r->len; i++) {
		if (t[i] == ',' || t[i] == '\n')
			break;
		if (t[i] == '\r' && i + 1 < r->len && t[i + 1] == '\n')
			break;
		if (t[i] == '"' || t[i] == '\r' || t[i] == '\0')
			return err_set(err, 400, "invalid_csv", "line %ld: %s",
			    r->line,
			    t[i] == '"' ? "a quote inside an unquoted field; "
			                  "quote the whole field and double "
			                  "the quote"
			    : t[i] == '\r' ? "carriage return without a line "
			                     "feed"
			                   : "NUL byte");
		if (i - r->pos >= r->field_max)
			return too_long(r, r->line, err);
	}
	*field = t + r->pos;
	/* The delimiter is stepped over before the NUL takes its place;
	 * at the end of the text the NUL is the caller's terminator. */
	(void)delimiter(r, i, end);
	t[i] = '\0';
	return 0;
}

int
csv_read(struct csv_reader *r, char **fields, size_t max, size_t *n, long *line,
    struct err *err)
{
	int end = 0;

	*n = 0;
	if (r->pos >= r->len)
		return 0;
	*line = r->line;
	while (!end) {
		if (*n == max)
			return err_set(err, 400, "invalid_csv",
			    "line %ld: more than %zu fields", *line, max);
		if ((r->pos < r->len && r->text[r->pos] == '"'
		            ? read_quoted(r, &fields[*n], &end, err)
		            : read_plain(r, &fields[*n], &end, err)) == -1)
			return -1;
		(*n)++;
	}
	return 1;
}

void
csv_put_field(struct buf *b, const char *s)
{
	const char *q;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	while ((q = strchr(s, '"')) != NULL) {
		buf_append(b, s, (size_t)(q - s) + 1);
		buf_putc(b, '"');
		s = q + 1;
	}
	buf_puts(b, s);
	buf_putc(b, '"');
}

void
csv_put_record(struct buf *b, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		csv_put_field(b, fields[i] ? fields[i] : "");
	}
	buf_puts(b, "\r\n");
}

int
csv_list_split(char *text, char **items, size_t max, size_t *n)
{
	char *r, *w = text, *item = text;

	*n = 0;
	for (r = text;; r++) {
		if (*r == '\\') {
			if (r[1] != ';' && r[1] != '\\')
				return -1;
			*w++ = *++r;
			continue;
		}
		if (*r != ';' && *r != '\0') {
			*w++ = *r;
			continue;
		}
		/* w never runs ahead of r, so ending the item here is safe. */
		if (w > item) {
			if (*n == max)
				return -1;
			items[(*n)++] = item;
		}
		if (*r == '\0') {
			*w = '\0';
			return 0;
		}
		*w++ = '\0';
		item = w;
	}
}

void
csv_list_put(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ';' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
}
