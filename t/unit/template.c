/*
 * Unit tests for app/web/template.c and template_parse.c: every test of the
 * official Mustache spec files in $CLOUDPAM_TESTDATA/mustache (lambdas and
 * the optional modules aside), then our own cases: truthiness and number
 * formatting, nested partial indentation, syntax errors naming their line,
 * runaway recursion, and template_set over a temporary directory.
 */
#include "web/template.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "unit/tap.h"
#include "web/web_internal_template.h"

#define PARTIALS_MAX 8

/* Partials of one case, parsed; resolved by name. */
struct partials {
	size_t len;
	const char *names[PARTIALS_MAX];
	struct template *templates[PARTIALS_MAX];
};

static int spec_run;
static int spec_passed;

static struct template *
partials_find(void *ctx, const char *name)
{
	struct partials *partials = ctx;
	size_t i;

	for (i = 0; i < partials->len; i++)
		if (strcmp(partials->names[i], name) == 0)
			return partials->templates[i];
	return NULL;
}

static void
partials_free(struct partials *partials)
{
	size_t i;

	for (i = 0; i < partials->len; i++)
		template_free(partials->templates[i]);
	partials->len = 0;
}

/* Print have and want on one line each, newlines escaped. */
static void
diag_text(const char *label, const char *text)
{
	struct buf b = BUF_INIT;

	buf_json_string(&b, text, strlen(text));
	tap_diag("%s: %s", label, b.data);
	buf_free(&b);
}

/*
 * Render source with data and partials; one TAP line comparing with want.
 * Returns whether it passed.
 */
static int
check_render(const char *name, const char *source, struct json_object *data,
    struct partials *partials, const char *want)
{
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	struct template *t;
	int pass = 0;

	t = template_parse(source, strlen(source), &err);
	if (t != NULL &&
	    template_render(t, data, partials_find, partials, &out, &err) == 0)
		pass = strcmp(out.data ? out.data : "", want) == 0;
	tap_ok(pass, "%s", name);
	if (!pass && t == NULL)
		tap_diag("have: parse error \"%s\"", err.message);
	else if (!pass && out.data == NULL)
		tap_diag("have: render error \"%s\"", err.message);
	if (!pass && out.data != NULL) {
		diag_text("have", out.data);
		diag_text("want", want);
	}
	template_free(t);
	buf_free(&out);
	return pass;
}

static int
partials_parse(struct partials *partials, struct json_object *object)
{
	struct err err = ERR_INIT;
	const char *source;

	partials->len = 0;
	json_object_object_foreach(object, key, value)
	{
		if (partials->len == PARTIALS_MAX)
			return -1;
		source = json_object_get_string(value);
		partials->names[partials->len] = key;
		partials->templates[partials->len] =
		    template_parse(source, strlen(source), &err);
		if (partials->templates[partials->len++] == NULL)
			return -1;
	}
	return 0;
}

static void
spec_test(const char *stem, struct json_object *test)
{
	struct json_object *name, *source, *data, *want, *object = NULL;
	struct partials partials = { 0 };
	char label[256];

	json_object_object_get_ex(test, "name", &name);
	json_object_object_get_ex(test, "template", &source);
	json_object_object_get_ex(test, "data", &data);
	json_object_object_get_ex(test, "expected", &want);
	json_object_object_get_ex(test, "partials", &object);
	snprintf(
	    label, sizeof(label), "%s: %s", stem, json_object_get_string(name));
	spec_run++;
	if (object != NULL && partials_parse(&partials, object) == -1) {
		tap_ok(0, "%s", label);
		tap_diag("have: partial fails to parse");
	} else if (check_render(label, json_object_get_string(source), data,
	               &partials, json_object_get_string(want))) {
		spec_passed++;
	}
	partials_free(&partials);
}

static void
spec_file(const char *dir, const char *file)
{
	struct json_object *spec, *tests;
	char path[4096], stem[64];
	size_t i, len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    (int)sizeof(path))
		return;
	snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(file) - 5), file);
	spec = json_object_from_file(path);
	if (!tap_ok(spec != NULL &&
	                json_object_object_get_ex(spec, "tests", &tests),
	        "load %s", path)) {
		json_object_put(spec);
		return;
	}
	len = json_object_array_length(tests);
	for (i = 0; i < len; i++)
		spec_test(stem, json_object_array_get_idx(tests, i));
	json_object_put(spec);
}

/* *.json of the spec directory, skipping ~lambdas.json; optional/ too. */
static int
spec_select(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name);

	return entry->d_name[0] != '~' && len > 5 &&
	       strcmp(entry->d_name + len - 5, ".json") == 0;
}

static void
test_spec(void)
{
	const char *testdata = getenv("CLOUDPAM_TESTDATA");
	struct dirent **entries;
	char dir[4096];
	int i, n;

	if (testdata == NULL)
		testdata = "../shared/testdata";
	snprintf(dir, sizeof(dir), "%s/mustache", testdata);
	n = scandir(dir, &entries, spec_select, alphasort);
	if (!tap_ok(n > 0, "spec files in %s", dir))
		return;
	for (i = 0; i < n; i++) {
		spec_file(dir, entries[i]->d_name);
		free(entries[i]);
	}
	free(entries);
	printf("# mustache spec: %d run, %d passed\n", spec_run, spec_passed);
}

static const struct {
	const char *name;
	const char *source;
	const char *data; /* JSON */
	const char *want;
} renders[] = {
	{ "0 is false", "{{#n}}yes{{/n}}{{^n}}no{{/n}}", "{\"n\": 0}", "no" },
	{ "0.0 is false", "{{#n}}yes{{/n}}{{^n}}no{{/n}}", "{\"n\": 0.0}",
	    "no" },
	{ "\"\" is false", "{{#s}}yes{{/s}}{{^s}}no{{/s}}", "{\"s\": \"\"}",
	    "no" },
	{ "{} is true", "{{#o}}yes{{/o}}{{^o}}no{{/o}}", "{\"o\": {}}", "yes" },
	{ "a string section pushes the string", "{{#s}}<{{.}}>{{/s}}",
	    "{\"s\": \"x\"}", "<x>" },
	{ "single quote is escaped", "{{q}}", "{\"q\": \"it's <b>\"}",
	    "it&#39;s &lt;b&gt;" },
	{ "negative integer", "{{n}}", "{\"n\": -42}", "-42" },
	{ "uint64 max", "{{n}}", "{\"n\": 18446744073709551615}",
	    "18446744073709551615" },
	{ "int64 min", "{{n}}", "{\"n\": -9223372036854775808}",
	    "-9223372036854775808" },
	{ "double needing 17 digits", "{{n}}", "{\"n\": 0.30000000000000004}",
	    "0.30000000000000004" },
	{ "double with exponent", "{{n}}", "{\"n\": 1e300}", "1e+300" },
	{ "booleans", "{{t}} {{f}}", "{\"t\": true, \"f\": false}",
	    "true false" },
	{ "object interpolates as JSON", "{{o}}|{{{o}}}",
	    "{\"o\": {\"a\": [1]}}", "{&quot;a&quot;:[1]}|{\"a\":[1]}" },
	{ "null list items render empty", "{{#l}}[{{.}}]{{/l}}",
	    "{\"l\": [null, 1, false]}", "[][1][false]" },
	{ "outer context seen from a list item", "{{#l}}{{a}}{{/l}}",
	    "{\"a\": \"A\", \"l\": [1, 2]}", "AA" },
	{ "null data", "a{{x}}{{#x}}no{{/x}}b", "null", "ab" },
	{ "text without tags", "plain\ntext", "{}", "plain\ntext" },
	{ "tag at the very end", "x{{a}}", "{\"a\": 1}", "x1" },
	{ "nested standalone partials add indentation", "  {{>outer}}\n", "{}",
	    "  a\n    b\n    c\n" },
	{ "close tag starting a line in an indented partial", "  {{>loop}}\n",
	    "{\"l\": [1, 2]}", "  x\n  x\n  y\n" },
	{ "inline partial is not indented", "  {{>outer}}x\n", "{}",
	    "  a\n  b\n  c\nx\n" },
};

/* The partials the renders above may use. */
static const char *const render_partials[][2] = {
	{ "outer", "a\n  {{>inner}}\n" },
	{ "inner", "b\nc\n" },
	{ "loop", "{{#l}}x\n{{/l}}y\n" },
};

static void
test_renders(void)
{
	struct partials partials = { 0 };
	struct json_object *data;
	struct err err = ERR_INIT;
	const char *source;
	size_t i, n = sizeof(render_partials) / sizeof(render_partials[0]);

	for (i = 0; i < n; i++) {
		source = render_partials[i][1];
		partials.names[i] = render_partials[i][0];
		partials.templates[i] =
		    template_parse(source, strlen(source), &err);
		partials.len++;
	}
	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++) {
		data = json_tokener_parse(renders[i].data);
		check_render(renders[i].name, renders[i].source, data,
		    &partials, renders[i].want);
		json_object_put(data);
	}
	partials_free(&partials);
}

static const struct {
	const char *name;
	const char *source;
	const char *want; /* in the error message */
} syntax_errors[] = {
	{ "unclosed section", "a\n{{#x}}\nb",
	    "line 2: unclosed section \"x\"" },
	{ "mismatched close", "{{#a}}\n{{/b}}",
	    "line 2: closing tag \"b\" does not match section \"a\" opened on "
	    "line 1" },
	{ "unclosed tag", "x\n\n{{y", "line 3: unclosed tag" },
	{ "unclosed triple mustache", "{{{y}}", "line 1: unclosed tag" },
	{ "close without open", "a\n{{/a}}", "line 2: unexpected closing tag" },
	{ "empty tag", "{{ }}", "line 1: empty tag" },
	{ "space in name", "{{a b}}", "line 1: invalid name \"a b\"" },
	{ "empty dotted part", "{{a..b}}", "line 1: invalid name \"a..b\"" },
	{ "one delimiter", "{{=<%=}}", "line 1: invalid delimiters" },
	{ "three delimiters", "{{=< % >=}}", "line 1: invalid delimiters" },
	{ "empty partial name", "{{> }}", "line 1: empty tag" },
	{ "unclosed after set delimiters", "{{=<% %>=}}\n<%#a%>\n{{/a}}",
	    "line 2: unclosed section \"a\"" },
};

static void
test_syntax_errors(void)
{
	struct template *t;
	struct err err;
	char deep[65 * 12 + 1];
	size_t i;
	int pass;

	for (i = 0; i < sizeof(syntax_errors) / sizeof(syntax_errors[0]); i++) {
		err_clear(&err);
		t = template_parse(syntax_errors[i].source,
		    strlen(syntax_errors[i].source), &err);
		pass = t == NULL && err.status == 500 &&
		       strcmp(err.code, "template") == 0 &&
		       strstr(err.message, syntax_errors[i].want) != NULL;
		tap_ok(pass, "refuse %s", syntax_errors[i].name);
		if (!pass)
			tap_diag("have: \"%s\"; want: \"%s\"", err.message,
			    syntax_errors[i].want);
		template_free(t);
	}
	deep[0] = '\0';
	for (i = 0; i < TEMPLATE_DEPTH_MAX + 1; i++)
		strcat(deep, "{{#a}}");
	t = template_parse(deep, strlen(deep), &err);
	tap_ok(t == NULL && strstr(err.message, "too deeply nested") != NULL,
	    "refuse sections nested %d deep", TEMPLATE_DEPTH_MAX + 1);
	template_free(t);
}

static struct template *
partial_self(void *ctx, const char *name)
{
	(void)name;
	return ctx;
}

/* Render source with every partial being source itself; want an error. */
static void
check_runaway(
    const char *name, const char *source, const char *data, const char *want)
{
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	struct json_object *object = json_tokener_parse(data);
	struct template *t;
	int rc;

	buf_puts(&out, "kept");
	t = template_parse(source, strlen(source), &err);
	rc = template_render(t, object, partial_self, t, &out, &err);
	tap_ok(rc == -1 && strstr(err.message, want) != NULL &&
	           strcmp(out.data, "kept") == 0,
	    "%s stops with an error", name);
	if (rc != -1 || strstr(err.message, want) == NULL)
		tap_diag(
		    "have: %d \"%s\"; want: -1 \"%s\"", rc, err.message, want);
	template_free(t);
	json_object_put(object);
	buf_free(&out);
}

static void
test_runaway(void)
{
	check_runaway("self-recursive partial", "x{{>self}}", "{}",
	    "nested deeper than 64");
	check_runaway("self-recursive partial in a list",
	    "{{#l}}{{>self}}{{/l}}", "{\"l\": [1]}", "nested deeper than 64");
	check_runaway("doubly recursive partial", "{{>a}}{{>b}}", "{}",
	    "nested deeper than 64");
	check_runaway("lists within lists",
	    "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}."
	    "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}",
	    "{\"l\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]}",
	    "more than");
}

static void
test_dump(void)
{
	const char *source = "a\n{{#s}}\n  {{x.y}}\n{{/s}}\n{{! c }}\nb";
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	struct template *t;

	t = template_parse(source, strlen(source), &err);
	template_dump(t, &out);
	tap_str(out.data,
	    "0 text \"a\\n\"\n1 section s to 5\n2 text \"  \"\n"
	    "3 variable x.y\n4 text \"\\n\"\n5 text \"b\"\n",
	    "standalone lines leave no nodes behind");
	template_free(t);
	buf_free(&out);
	template_free(NULL);
	template_set_free(NULL);
	tap_ok(1, "template_free and template_set_free accept NULL");
}

static void
file_write(const char *dir, const char *name, const char *text, time_t mtime)
{
	struct timespec times[2];
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fputs(text, f);
	fclose(f);
	/* Explicit, distinct mtimes: a rewrite within one clock tick shows. */
	times[0].tv_sec = times[1].tv_sec = mtime;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	utimensat(AT_FDCWD, path, times, 0);
}

/* Render name from set; want is the output or, for -1, in the message. */
static void
check_set(struct template_set *set, const char *name, int want_rc,
    const char *want, const char *label)
{
	struct json_object *data;
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	int rc, pass;

	data = json_tokener_parse("{\"title\": \"T&C\", \"name\": \"N\"}");
	buf_puts(&out, "");
	rc = template_set_render(set, name, data, &out, &err);
	if (want_rc == 0)
		pass = rc == 0 && strcmp(out.data, want) == 0;
	else
		pass = rc == -1 && strstr(err.message, want) != NULL &&
		       out.len == 0 && err.status == 500;
	tap_ok(pass, "%s", label);
	if (!pass) {
		tap_diag(
		    "have: %d \"%s\" error \"%s\"", rc, out.data, err.message);
		diag_text("want", want);
	}
	json_object_put(data);
	buf_free(&out);
}

static const struct {
	const char *name;
	const char *text;
} set_files[] = {
	{ "home.mustache", "{{> header}}\n<p>{{name}}</p>\n" },
	{ "header.mustache", "<h1>{{title}}</h1>\n" },
	{ "bad_partial.mustache", "x{{> ../home}}y" },
	{ "lonely.mustache", "a{{> ghost}}b" },
	{ "broken.mustache", "ok\n{{#a}}" },
	{ "loop.mustache", "{{> loop}}" },
	{ "uses-broken.mustache", "[{{> broken}}]" },
};

static void
test_set_names(struct template_set *set)
{
	static const char *invalid[] = { "../etc/passwd", "Home", "a.b", "",
		"a/b", "home ", "home.mustache", NULL };
	char label[128], too_long[TEMPLATE_NAME_MAX + 2];
	size_t i;

	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	invalid[7] = too_long;
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		snprintf(
		    label, sizeof(label), "refuse name \"%.40s\"", invalid[i]);
		check_set(set, invalid[i], -1, "invalid template name", label);
	}
}

static void
test_set(void)
{
	char dir[] = "/tmp/cloudpam-template-XXXXXX", path[4096];
	struct template_set *set, *fixed;
	time_t now = time(NULL);
	size_t i, n = sizeof(set_files) / sizeof(set_files[0]);

	if (!tap_ok(mkdtemp(dir) != NULL, "mkdtemp"))
		return;
	for (i = 0; i < n; i++)
		file_write(
		    dir, set_files[i].name, set_files[i].text, now - 100);
	set = template_set_new(dir, 1);
	fixed = template_set_new(dir, 0);
	check_set(set, "home", 0, "<h1>T&amp;C</h1>\n<p>N</p>\n",
	    "set renders home with partial header");
	check_set(fixed, "home", 0, "<h1>T&amp;C</h1>\n<p>N</p>\n",
	    "set without reload renders home");
	check_set(set, "home", 0, "<h1>T&amp;C</h1>\n<p>N</p>\n",
	    "set renders home again from the cache");
	file_write(dir, "header.mustache", "<h2>{{title}}</h2>\n", now - 50);
	check_set(set, "home", 0, "<h2>T&amp;C</h2>\n<p>N</p>\n",
	    "reload re-reads a changed partial");
	check_set(fixed, "home", 0, "<h1>T&amp;C</h1>\n<p>N</p>\n",
	    "without reload the parsed partial stays");
	check_set(set, "nope", -1, "/nope.mustache", "missing file is named");
	check_set(set, "lonely", 0, "ab", "missing partial renders empty");
	check_set(set, "bad_partial", -1, "invalid partial name",
	    "invalid partial name is refused");
	check_set(set, "broken", -1,
	    "/broken.mustache: line 2: unclosed section \"a\"",
	    "syntax error names file and line");
	check_set(set, "uses-broken", -1, "/broken.mustache: line 2",
	    "syntax error in a partial fails the render");
	check_set(set, "loop", -1, "nested deeper than 64",
	    "self-including file stops");
	test_set_names(set);
	template_set_free(set);
	template_set_free(fixed);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, set_files[i].name);
		unlink(path);
	}
	tap_ok(rmdir(dir) == 0, "temporary directory removed");
}

int
main(void)
{
	test_spec();
	test_renders();
	test_syntax_errors();
	test_runaway();
	test_dump();
	test_set();
	return tap_done();
}
