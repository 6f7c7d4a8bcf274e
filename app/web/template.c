/*
 * template.c: render parsed Mustache templates, and the per-worker set of
 * template files.
 *
 * Pages are rendered thousands of times a second, so the renderer walks
 * the node array built by template_parse.c and does nothing but look names
 * up in json-c objects and append to the output: the context stack lives
 * on the C stack, numbers are formatted into a local array, and the
 * indentation of nested standalone partials is a chain of frames on the
 * C stack.  Depth, steps and output size are bounded, so a template that
 * includes itself, or nests lists within lists, ends in an error rather
 * than exhausting the stack, the CPU or the memory.
 *
 * A template_set maps names to files of its directory and parses each
 * once.  In reload mode a file is stat'ed once per render, at its first
 * use, so a template is never replaced while it is being rendered.
 */
#include "web/template.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "web/web_internal_template.h"

/* The state of one template_render() call. */
struct render {
	struct json_object *stack[TEMPLATE_DEPTH_MAX + 1]; /* contexts */
	size_t stack_len;
	size_t depth; /* sections and partials being rendered */
	size_t steps;
	size_t start; /* out->len when the render began */
	template_partial_fn partial;
	void *partial_context;
	struct buf *out;
	struct err *err;
};

/* Indentation of a standalone partial, inside that of its includer. */
struct indent {
	const char *text;
	size_t len;
	const struct indent *outer;
};

static int render_nodes(struct render *r, const struct template *t, size_t from,
    size_t to, const struct indent *indent);
static int render_check(struct render *r);

static void
indent_put(struct buf *out, const struct indent *indent)
{
	if (indent == NULL)
		return;
	indent_put(out, indent->outer);
	buf_append(out, indent->text, indent->len);
}

/*
 * Inside a standalone partial every line of the partial's own text is
 * indented (spec, partials: "prepended to each line of the partial");
 * values interpolated into it are not.  A newline that ends the text
 * leaves the next line to the node that starts it, so nothing is indented
 * after the partial's last newline.
 */
static void
text_put(struct buf *out, const char *text, size_t len, int line_start,
    const struct indent *indent)
{
	const char *end = text + len, *newline;

	if (indent == NULL) {
		buf_append(out, text, len);
		return;
	}
	if (line_start)
		indent_put(out, indent);
	while ((newline = memchr(text, '\n', (size_t)(end - text))) != NULL &&
	       newline + 1 < end) {
		buf_append(out, text, (size_t)(newline + 1 - text));
		indent_put(out, indent);
		text = newline + 1;
	}
	buf_append(out, text, (size_t)(end - text));
}

/*
 * Integers as written, formatted backwards from end (snprintf costs more
 * than the rest of rendering an id).  Above INT64_MAX json-c holds a
 * uint64.  Returns the first digit; *len is set.
 */
static const char *
int_format(struct json_object *value, char *end, size_t *len)
{
	int64_t i = json_object_get_int64(value);
	uint64_t u = (uint64_t)i;
	char *text = end;

	if (i == INT64_MAX)
		u = json_object_get_uint64(value);
	else if (i < 0)
		u = (uint64_t)0 - u;
	do {
		*--text = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (i < 0)
		*--text = '-';
	*len = (size_t)(end - text);
	return text;
}

/*
 * The shortest of 15, 16 or 17 significant digits that reads back as the
 * same double, so 1.21 renders "1.21" and not "1.2099999999999999".
 */
static size_t
double_format(struct json_object *value, char *text, size_t size)
{
	double d = json_object_get_double(value);
	int precision, n = 0;

	for (precision = 15; precision <= 17; precision++) {
		n = snprintf(text, size, "%.*g", precision, d);
		if (strtod(text, NULL) == d)
			break;
	}
	return n < 0 ? 0 : (size_t)n;
}

static void
value_put(struct render *r, struct json_object *value, int escape)
{
	char number[64];
	const char *text;
	size_t len;

	switch (json_object_get_type(value)) {
	case json_type_null:
		return;
	case json_type_boolean:
		text = json_object_get_boolean(value) ? "true" : "false";
		len = strlen(text);
		break;
	case json_type_int:
		text = int_format(value, number + sizeof(number), &len);
		break;
	case json_type_double:
		len = double_format(value, number, sizeof(number));
		text = number;
		break;
	case json_type_string:
		text = json_object_get_string(value);
		len = (size_t)json_object_get_string_len(value);
		break;
	default:
		/* An object or list shows as JSON; json-c keeps the text. */
		text = json_object_to_json_string_length(
		    value, JSON_C_TO_STRING_PLAIN, &len);
		if (text == NULL) {
			r->out->oom = 1;
			return;
		}
		break;
	}
	if (escape)
		buf_html_escape(r->out, text, len);
	else
		buf_append(r->out, text, len);
}

/* The spec's `!!data`: null, false, 0, "" and [] are false. */
static int
truthy(struct json_object *value)
{
	double d;

	switch (json_object_get_type(value)) {
	case json_type_null:
		return 0;
	case json_type_boolean:
		return json_object_get_boolean(value);
	case json_type_int:
		return json_object_get_int64(value) != 0;
	case json_type_double:
		d = json_object_get_double(value);
		return d == d && d != 0.0;
	case json_type_string:
		return json_object_get_string_len(value) > 0;
	case json_type_array:
		return json_object_array_length(value) > 0;
	default:
		return 1;
	}
}

/*
 * Resolve node's name (spec, interpolation): "." is the top context; else
 * the first part is looked up from the top of the context stack down and
 * the other parts only inside what it found.  A miss is NULL, like null.
 */
static struct json_object *
lookup(const struct render *r, const struct template *t,
    const struct template_node *node)
{
	struct json_object *value = NULL, *context;
	const char *part;
	size_t i;

	if (node->parts == 0)
		return r->stack[r->stack_len - 1];
	part = t->pool + node->offset;
	for (i = r->stack_len; i > 0; i--) {
		context = r->stack[i - 1];
		if (json_object_is_type(context, json_type_object) &&
		    json_object_object_get_ex(context, part, &value))
			break;
	}
	if (i == 0)
		return NULL;
	for (i = 1; i < node->parts; i++) {
		part += strlen(part) + 1;
		if (!json_object_is_type(value, json_type_object) ||
		    !json_object_object_get_ex(value, part, &value))
			return NULL;
	}
	return value;
}

/* Render the body of the section at index at, pushing context if push. */
static int
body_render(struct render *r, const struct template *t, size_t at,
    struct json_object *context, int push, const struct indent *indent)
{
	int rc;

	if (push)
		r->stack[r->stack_len++] = context;
	rc = render_nodes(r, t, at + 1, t->nodes[at].extra, indent);
	if (push)
		r->stack_len--;
	return rc;
}

static int
list_render(struct render *r, const struct template *t, size_t at,
    struct json_object *list, const struct indent *indent)
{
	size_t i, len = json_object_array_length(list);

	for (i = 0; i < len; i++) {
		/* Each pass is a step, so an empty body still counts. */
		if (i > 0 && render_check(r) == -1)
			return -1;
		if (body_render(r, t, at, json_object_array_get_idx(list, i), 1,
		        indent) == -1)
			return -1;
	}
	return 0;
}

/* Sections over lists repeat; over other true values push the value. */
static int
section_render(struct render *r, const struct template *t, size_t at,
    const struct indent *indent)
{
	const struct template_node *node = &t->nodes[at];
	struct json_object *value = lookup(r, t, node);
	int shown = truthy(value), rc;

	if (node->kind == TEMPLATE_NODE_INVERTED)
		shown = !shown;
	if (!shown)
		return 0;
	if (r->depth == TEMPLATE_DEPTH_MAX)
		return err_set(r->err, 500, "template",
		    "sections and partials nested deeper than %d",
		    TEMPLATE_DEPTH_MAX);
	r->depth++;
	if (node->kind == TEMPLATE_NODE_INVERTED)
		rc = body_render(r, t, at, NULL, 0, indent);
	else if (json_object_is_type(value, json_type_array))
		rc = list_render(r, t, at, value, indent);
	else
		rc = body_render(r, t, at, value, 1, indent);
	r->depth--;
	return rc;
}

static int
partial_render(struct render *r, const struct template *t,
    const struct template_node *node, const struct indent *indent)
{
	const struct template *partial;
	struct indent inner;
	int rc;

	if (r->partial == NULL)
		return 0;
	partial = r->partial(r->partial_context, t->pool + node->offset);
	if (partial == NULL)
		return 0;
	if (r->depth == TEMPLATE_DEPTH_MAX)
		return err_set(r->err, 500, "template",
		    "sections and partials nested deeper than %d",
		    TEMPLATE_DEPTH_MAX);
	/* A partial inline in its line is not indented at all. */
	if (!(node->flags & TEMPLATE_NODE_STANDALONE)) {
		indent = NULL;
	} else if (node->len > 0) {
		inner.text = t->pool + node->extra;
		inner.len = node->len;
		inner.outer = indent;
		indent = &inner;
	}
	r->depth++;
	rc = render_nodes(r, partial, 0, partial->nodes_len, indent);
	r->depth--;
	return rc;
}

/* Once per node: stop runaway templates and a failed buf early. */
static int
render_check(struct render *r)
{
	if (r->out->oom)
		return err_set(r->err, 500, "template", "out of memory");
	if (++r->steps > TEMPLATE_STEPS_MAX)
		return err_set(r->err, 500, "template",
		    "render takes more than %zu steps", TEMPLATE_STEPS_MAX);
	if (r->out->len - r->start > TEMPLATE_OUTPUT_MAX)
		return err_set(r->err, 500, "template",
		    "render output exceeds %zu bytes", TEMPLATE_OUTPUT_MAX);
	return 0;
}

static int
render_nodes(struct render *r, const struct template *t, size_t from, size_t to,
    const struct indent *indent)
{
	const struct template_node *node;
	size_t i;

	for (i = from; i < to; i++) {
		node = &t->nodes[i];
		if (render_check(r) == -1)
			return -1;
		switch (node->kind) {
		case TEMPLATE_NODE_TEXT:
			text_put(r->out, t->pool + node->offset, node->len,
			    node->flags & TEMPLATE_NODE_LINE_START, indent);
			break;
		case TEMPLATE_NODE_INDENT:
			indent_put(r->out, indent);
			break;
		case TEMPLATE_NODE_VARIABLE:
		case TEMPLATE_NODE_RAW:
			value_put(r, lookup(r, t, node),
			    node->kind == TEMPLATE_NODE_VARIABLE);
			break;
		case TEMPLATE_NODE_SECTION:
		case TEMPLATE_NODE_INVERTED:
			if (section_render(r, t, i, indent) == -1)
				return -1;
			i = node->extra - 1;
			break;
		case TEMPLATE_NODE_PARTIAL:
			if (partial_render(r, t, node, indent) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

static void
buf_truncate(struct buf *out, size_t len)
{
	if (out->data == NULL || out->len < len)
		return;
	out->len = len;
	out->data[len] = '\0';
}

int
template_render(const struct template *t, struct json_object *data,
    template_partial_fn partial, void *partial_ctx, struct buf *out,
    struct err *err)
{
	struct render r;

	r.stack[0] = data;
	r.stack_len = 1;
	r.depth = 0;
	r.steps = 0;
	r.start = out->len;
	r.partial = partial;
	r.partial_context = partial_ctx;
	r.out = out;
	r.err = err;
	if (render_nodes(&r, t, 0, t->nodes_len, NULL) == -1)
		goto fail;
	if (out->oom) {
		err_set(err, 500, "template", "out of memory");
		goto fail;
	}
	return 0;
fail:
	buf_truncate(out, r.start);
	return -1;
}

/* One file of a set, parsed. */
struct template_file {
	char name[TEMPLATE_NAME_MAX + 1];
	struct template *template; /* owned */
	struct timespec mtime;     /* of the file parsed */
	off_t size;
	ino_t inode;
	unsigned long checked; /* render generation of the last stat */
};

struct template_set {
	char *dir; /* owned */
	int reload;
	struct template_file *files; /* owned */
	size_t files_len;
	size_t files_cap;
	unsigned long generation; /* counts template_set_render calls */
};

/* The partial resolver's context for one template_set_render() call. */
struct set_render {
	struct template_set *set;
	int failed;
	struct err err; /* why, when failed */
};

struct template_set *
template_set_new(const char *dir, int reload)
{
	struct template_set *set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return NULL;
	if ((set->dir = strdup(dir)) == NULL) {
		free(set);
		return NULL;
	}
	set->reload = reload;
	return set;
}

void
template_set_free(struct template_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->files_len; i++)
		template_free(set->files[i].template);
	free(set->files);
	free(set->dir);
	free(set);
}

/* Names map to file names: only [a-z0-9_-], so never a path. */
static int
name_valid(const char *name)
{
	size_t len = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return len > 0 && len <= TEMPLATE_NAME_MAX && name[len] == '\0';
}

static struct template_file *
file_find(struct template_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->files_len; i++)
		if (strcmp(set->files[i].name, name) == 0)
			return &set->files[i];
	return NULL;
}

static int
file_same(const struct template_file *file, const struct stat *st)
{
	return file->mtime.tv_sec == st->st_mtim.tv_sec &&
	       file->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       file->size == st->st_size && file->inode == st->st_ino;
}

/*
 * Read path into *source (malloc'd, the caller frees) and its status into
 * st.  Returns 0, 1 when there is no such file, or -1 with err filled.
 */
static int
file_read(const char *path, char **source, struct stat *st, struct err *err)
{
	char *data = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 1;
		return err_set(
		    err, 500, "template", "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, st) == -1) {
		err_set(err, 500, "template", "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st->st_mode) || st->st_size < 0 ||
	    (uintmax_t)st->st_size > TEMPLATE_SOURCE_MAX) {
		err_set(err, 500, "template",
		    "%s: not a regular file of at most %zu bytes", path,
		    TEMPLATE_SOURCE_MAX);
		goto fail;
	}
	if ((data = malloc((size_t)st->st_size + 1)) == NULL) {
		err_set(err, 500, "template", "%s: out of memory", path);
		goto fail;
	}
	/* A file that shrinks while read is taken as it was read. */
	while (got < (size_t)st->st_size) {
		n = read(fd, data + got, (size_t)st->st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set(err, 500, "template", "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	st->st_size = (off_t)got;
	close(fd);
	*source = data;
	return 0;
fail:
	free(data);
	close(fd);
	return -1;
}

/* Parse path; a syntax error's message is prefixed with the path. */
static struct template *
file_parse(const char *path, const char *source, size_t len, struct err *err)
{
	char message[ERR_MESSAGE_MAX];
	struct template *t;

	if ((t = template_parse(source, len, err)) == NULL) {
		snprintf(message, sizeof(message), "%s", err->message);
		err_set(err, 500, "template", "%s: %s", path, message);
	}
	return t;
}

/* Keep t as the parse of file name (file NULL: a new entry). */
static int
file_store(struct template_set *set, struct template_file *file,
    const char *name, struct template *t, const struct stat *st,
    struct err *err)
{
	struct template_file *files;
	size_t cap;

	if (file == NULL) {
		if (set->files_len == set->files_cap) {
			cap = set->files_cap ? set->files_cap * 2 : 16;
			files = realloc(set->files, cap * sizeof(*files));
			if (files == NULL) {
				template_free(t);
				return err_set(
				    err, 500, "template", "out of memory");
			}
			set->files = files;
			set->files_cap = cap;
		}
		file = &set->files[set->files_len++];
		snprintf(file->name, sizeof(file->name), "%s", name);
		file->template = NULL;
	}
	template_free(file->template);
	file->template = t;
	file->mtime = st->st_mtim;
	file->size = st->st_size;
	file->inode = st->st_ino;
	file->checked = set->generation;
	return 0;
}

/*
 * The parsed template named name (a valid name), in *t: parsed now if not
 * yet, or in reload mode if the file changed since.  *t is NULL when there
 * is no such file.  Returns 0, or -1 with err filled.
 */
static int
set_get(struct template_set *set, const char *name, struct template **t,
    struct err *err)
{
	struct template_file *file = file_find(set, name);
	char path[PATH_MAX], *source = NULL;
	struct stat st;
	int n, rc;

	*t = NULL;
	if (file != NULL &&
	    (!set->reload || file->checked == set->generation)) {
		*t = file->template;
		return 0;
	}
	n = snprintf(path, sizeof(path), "%s/%s.mustache", set->dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return err_set(err, 500, "template", "%s/%s.mustache: too long",
		    set->dir, name);
	if (file != NULL && stat(path, &st) == 0 && file_same(file, &st)) {
		file->checked = set->generation;
		*t = file->template;
		return 0;
	}
	if ((rc = file_read(path, &source, &st, err)) != 0)
		return rc == 1 ? 0 : -1;
	*t = file_parse(path, source, (size_t)st.st_size, err);
	free(source);
	if (*t == NULL || file_store(set, file, name, *t, &st, err) == -1) {
		*t = NULL;
		return -1;
	}
	return 0;
}

static struct template *
set_partial(void *ctx, const char *name)
{
	struct set_render *sr = ctx;
	struct template *t;

	if (sr->failed)
		return NULL;
	if (!name_valid(name)) {
		sr->failed = 1;
		err_set(&sr->err, 500, "template",
		    "invalid partial name \"%.*s\"", TEMPLATE_NAME_MAX, name);
		return NULL;
	}
	if (set_get(sr->set, name, &t, &sr->err) == -1) {
		sr->failed = 1;
		return NULL;
	}
	return t;
}

int
template_set_render(struct template_set *set, const char *name,
    struct json_object *data, struct buf *out, struct err *err)
{
	struct set_render sr = { set, 0, ERR_INIT };
	struct template *t;
	size_t start = out->len;

	if (!name_valid(name))
		return err_set(err, 500, "template",
		    "invalid template name \"%.*s\"", TEMPLATE_NAME_MAX, name);
	set->generation++;
	if (set_get(set, name, &t, err) == -1)
		return -1;
	if (t == NULL)
		return err_set(err, 500, "template", "%s/%s.mustache: %s",
		    set->dir, name, strerror(ENOENT));
	if (template_render(t, data, set_partial, &sr, out, err) == -1)
		return -1;
	if (sr.failed) {
		*err = sr.err;
		buf_truncate(out, start);
		return -1;
	}
	return 0;
}
