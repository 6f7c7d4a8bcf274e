/*
 * Unit tests for app/ipam/csv.c: the RFC 4180 reader (well-formed and
 * malformed input, limits, line numbers), the writer and a round trip
 * through both, and the ';' lists kept inside one field.
 */
#include "ipam/csv.h"
#include "unit/tap.h"

#include <stdlib.h>
#include <string.h>

/* Each record is written "LINE:[field][field]", records joined by ' '. */
struct read_case {
	const char *name;
	const char *input;
	size_t len;       /* 0: strlen(input) */
	size_t field_max; /* 0: CSV_FIELD_MAX */
	size_t max;       /* fields per record; 0: CSV_FIELDS_MAX */
	const char *want; /* records, or NULL when an error is wanted */
	const char *error;
};

static const struct read_case read_cases[] = {
	{ "two records, CRLF", "a,b\r\nc,d\r\n", 0, 0, 0, "1:[a][b] 2:[c][d]",
	    NULL },
	{ "LF and no final line break", "a,b\nc,d", 0, 0, 0,
	    "1:[a][b] 2:[c][d]", NULL },
	{ "empty fields", ",,\n", 0, 0, 0, "1:[][][]", NULL },
	{ "a comma inside quotes", "\"a,b\",c\n", 0, 0, 0, "1:[a,b][c]", NULL },
	{ "doubled quotes are one quote", "\"he said \"\"hi\"\"\",x\n", 0, 0, 0,
	    "1:[he said \"hi\"][x]", NULL },
	{ "a line feed inside quotes counts a line", "\"l1\nl2\",x\ny,z\n", 0,
	    0, 0, "1:[l1\nl2][x] 3:[y][z]", NULL },
	{ "CRLF inside quotes is data", "\"a\r\nb\"\r\nc\r\n", 0, 0, 0,
	    "1:[a\r\nb] 3:[c]", NULL },
	{ "an empty quoted field", "\"\",a\n", 0, 0, 0, "1:[][a]", NULL },
	{ "a blank line is one empty field", "a\n\nb\n", 0, 0, 0,
	    "1:[a] 2:[] 3:[b]", NULL },
	{ "a trailing comma at the end", "a,", 0, 0, 0, "1:[a][]", NULL },
	{ "a quoted last field without line break", "a,\"b\"", 0, 0, 0,
	    "1:[a][b]", NULL },
	{ "UTF-8 passes through", "\xc3\xa9,\xe2\x82\xac\n", 0, 0, 0,
	    "1:[\xc3\xa9][\xe2\x82\xac]", NULL },
	{ "spaces are data", " a , b \n", 0, 0, 0, "1:[ a ][ b ]", NULL },
	{ "a field of exactly the limit", "abcd,x\n", 0, 4, 0, "1:[abcd][x]",
	    NULL },
	{ "a quoted field of exactly the limit", "\"ab\"\"d\"\n", 0, 4, 0,
	    "1:[ab\"d]", NULL },
	{ "empty input has no records", "", 0, 0, 0, "", NULL },
	{ "refuse an unterminated quote", "a\n\"abc\nxyz", 0, 0, 0, NULL,
	    "line 2: the quoted field has no closing quote" },
	{ "refuse a quote inside an unquoted field", "ab\"c,d\n", 0, 0, 0, NULL,
	    "line 1: a quote inside an unquoted field" },
	{ "refuse text after a closing quote", "x\n\"ab\"c,d\n", 0, 0, 0, NULL,
	    "line 2: a closing quote must end the field" },
	{ "refuse a space after a closing quote", "\"ab\" ,d\n", 0, 0, 0, NULL,
	    "line 1: a closing quote must end the field" },
	{ "refuse a bare carriage return", "a\rb\n", 0, 0, 0, NULL,
	    "line 1: carriage return without a line feed" },
	{ "refuse a carriage return at the end", "a\r", 0, 0, 0, NULL,
	    "line 1: carriage return without a line feed" },
	{ "refuse a NUL byte", "a\0b\n", 4, 0, 0, NULL, "line 1: NUL byte" },
	{ "refuse a NUL byte inside quotes", "\"a\0b\"\n", 6, 0, 0, NULL,
	    "line 1: NUL byte" },
	{ "refuse a field over the limit", "x\nabcde,x\n", 0, 4, 0, NULL,
	    "line 2: a field is longer than 4 bytes" },
	{ "refuse a quoted field over the limit", "\"abcde\"\n", 0, 4, 0, NULL,
	    "line 1: a field is longer than 4 bytes" },
	{ "refuse more fields than allowed", "a,b,c,d\n", 0, 0, 3, NULL,
	    "line 1: more than 3 fields" },
	{ "the line of a record after quoted line feeds", "\"1\n2\n3\",x\n\"y",
	    0, 0, 0, NULL, "line 4: the quoted field has no closing quote" },
};

/* Read all of c->input; the records or the error into out. */
static int
read_all(const struct read_case *c, char *out, size_t size, struct err *err)
{
	size_t len = c->len ? c->len : strlen(c->input), n, i, used = 0;
	char *text = malloc(len + 1), *fields[CSV_FIELDS_MAX];
	struct csv_reader r;
	long line;
	int rc;

	memcpy(text, c->input, len);
	text[len] = '\0';
	csv_reader_init(&r, text, len);
	if (c->field_max)
		r.field_max = c->field_max;
	out[0] = '\0';
	while ((rc = csv_read(&r, fields, c->max ? c->max : CSV_FIELDS_MAX, &n,
	            &line, err)) == 1) {
		used += (size_t)snprintf(
		    out + used, size - used, "%s%ld:", used ? " " : "", line);
		for (i = 0; i < n; i++)
			used += (size_t)snprintf(
			    out + used, size - used, "[%s]", fields[i]);
	}
	free(text);
	return rc;
}

static void
test_read(void)
{
	const struct read_case *c;
	char have[ERR_MESSAGE_MAX + 16];
	struct err err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++) {
		c = &read_cases[i];
		err_clear(&err);
		rc = read_all(c, have, sizeof(have), &err);
		if (c->want != NULL) {
			if (rc == -1)
				snprintf(have, sizeof(have), "error \"%s\"",
				    err.message);
			tap_str(have, c->want, c->name);
			continue;
		}
		tap_ok(rc == -1 && strncmp(err.message, c->error,
		                       strlen(c->error)) == 0,
		    "%s", c->name);
		if (rc != -1)
			tap_diag("have: records \"%s\"; want: error \"%s\"",
			    have, c->error);
		else if (strncmp(err.message, c->error, strlen(c->error)) != 0)
			tap_diag("have: error \"%s\"; want: error \"%s\"",
			    err.message, c->error);
	}
}

static const struct {
	const char *field, *want;
} put_cases[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "a,b", "\"a,b\"" },
	{ "say \"x\"", "\"say \"\"x\"\"\"" },
	{ "l1\nl2", "\"l1\nl2\"" },
	{ "cr\r", "\"cr\r\"" },
	{ " spaced ", " spaced " },
};

static void
test_write(void)
{
	const char *tricky[] = { "a,b", "\"", "", "x\r\ny", "\xc3\xa9 \"q\"",
		"=1+2" };
	struct buf b = BUF_INIT;
	struct csv_reader r;
	char *fields[CSV_FIELDS_MAX];
	struct err err = ERR_INIT;
	size_t i, n = 0;
	long line;
	int same = 1;

	for (i = 0; i < sizeof(put_cases) / sizeof(put_cases[0]); i++) {
		buf_reset(&b);
		csv_put_field(&b, put_cases[i].field);
		tap_str(b.data, put_cases[i].want, "write field");
	}
	buf_reset(&b);
	csv_put_record(&b, tricky, 6);
	tap_ok(b.len > 2 && strcmp(b.data + b.len - 2, "\r\n") == 0,
	    "a record ends in CRLF");
	csv_reader_init(&r, b.data, b.len);
	tap_int(csv_read(&r, fields, CSV_FIELDS_MAX, &n, &line, &err), 1,
	    "read back the written record");
	for (i = 0; i < 6 && n == 6; i++)
		same = same && strcmp(fields[i], tricky[i]) == 0;
	tap_ok(n == 6 && same, "round trip keeps every field");
	tap_int(csv_read(&r, fields, CSV_FIELDS_MAX, &n, &line, &err), 0,
	    "then the end");
	buf_free(&b);
}

static const struct {
	const char *input;
	size_t max;
	const char *want; /* items as [a][b], or NULL for -1 */
} list_cases[] = {
	{ "a=1;b=2", 8, "[a=1][b=2]" },
	{ "a\\;b;c", 8, "[a;b][c]" },
	{ "a\\\\;b", 8, "[a\\][b]" },
	{ "a;", 8, "[a]" },
	{ ";;", 8, "" },
	{ "", 8, "" },
	{ "a\\x", 8, NULL },
	{ "a\\", 8, NULL },
	{ "a;b;c", 2, NULL },
	{ "a;b", 2, "[a][b]" },
};

static void
test_lists(void)
{
	char text[64], have[128], *items[8];
	struct buf b = BUF_INIT;
	size_t i, k, n, used;
	int rc;

	for (i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
		snprintf(text, sizeof(text), "%s", list_cases[i].input);
		rc = csv_list_split(text, items, list_cases[i].max, &n);
		used = 0;
		have[0] = '\0';
		for (k = 0; rc == 0 && k < n; k++)
			used += (size_t)snprintf(
			    have + used, sizeof(have) - used, "[%s]", items[k]);
		if (list_cases[i].want == NULL) {
			tap_ok(rc == -1, "refuse list \"%s\"",
			    list_cases[i].input);
			continue;
		}
		tap_str(
		    rc == 0 ? have : "error", list_cases[i].want, "split list");
	}
	csv_list_put(&b, "a;b\\c");
	tap_str(b.data, "a\\;b\\\\c", "list item escapes ';' and '\\'");
	snprintf(text, sizeof(text), "%s;x", b.data);
	tap_ok(csv_list_split(text, items, 8, &n) == 0 && n == 2 &&
	           strcmp(items[0], "a;b\\c") == 0,
	    "an escaped item splits back to itself");
	buf_free(&b);
}

int
main(void)
{
	test_read();
	test_write();
	test_lists();
	return tap_done();
}
