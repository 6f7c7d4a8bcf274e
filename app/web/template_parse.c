/*
 * template_parse.c: turn Mustache source into the node array that
 * template.c renders.
 *
 * Parsing happens once per file (template_set keeps the result), so this
 * side does the spec's fiddly work and the renderer never looks at source
 * text again: a section, inverted section, comment, partial or delimiter
 * tag alone on its line ("standalone") takes its whole line with it; a
 * standalone partial keeps the whitespace before it as the indentation of
 * every line of the partial; a tag that begins a line gets an INDENT node
 * so that indentation lands before what the tag renders.  The source may
 * hold any bytes; a malformed tag is an error naming its line.
 */
#include "web/template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "web/web_internal_template.h"

#define NOT_FOUND SIZE_MAX
#define NAME_SHOWN 64 /* bytes of a name quoted in an error message */

const char *const template_node_kinds[TEMPLATE_NODE__MAX] = {
	"text",     /* TEMPLATE_NODE_TEXT */
	"indent",   /* TEMPLATE_NODE_INDENT */
	"variable", /* TEMPLATE_NODE_VARIABLE */
	"raw",      /* TEMPLATE_NODE_RAW */
	"section",  /* TEMPLATE_NODE_SECTION */
	"inverted", /* TEMPLATE_NODE_INVERTED */
	"partial",  /* TEMPLATE_NODE_PARTIAL */
};

/* An open section waiting for its closing tag. */
struct parse_section {
	size_t node;      /* index of the section's node */
	const char *name; /* as written, trimmed; points into the source */
	size_t name_len;
	size_t start; /* source offset of the opening tag */
};

struct parser {
	const char *source;
	size_t len;
	size_t at;        /* first byte not yet consumed */
	int line_start;   /* at begins a line */
	const char *open; /* current delimiters; into source or static */
	size_t open_len;
	const char *close;
	size_t close_len;
	struct buf pool;
	struct template_node *nodes;
	size_t nodes_len;
	size_t nodes_cap;
	struct parse_section sections[TEMPLATE_DEPTH_MAX];
	size_t depth;
	struct err *err;
};

/* One tag as found in the source. */
struct tag {
	size_t start;        /* offset of the opening delimiter */
	size_t end;          /* offset just past the closing delimiter */
	char sigil;          /* # ^ / > ! = { & or 0 for a variable */
	const char *content; /* after the sigil, trimmed */
	size_t content_len;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static size_t
line_of(const struct parser *p, size_t offset)
{
	size_t i, line = 1;

	for (i = 0; i < offset && i < p->len; i++)
		if (p->source[i] == '\n')
			line++;
	return line;
}

/* How much of a name an error message quotes. */
static int
shown(size_t len)
{
	return len > NAME_SHOWN ? NAME_SHOWN : (int)len;
}

static int
fail(struct parser *p, size_t offset, const char *what, const char *name,
    size_t name_len)
{
	if (name == NULL)
		return err_set(p->err, 500, "template", "line %zu: %s",
		    line_of(p, offset), what);
	return err_set(p->err, 500, "template", "line %zu: %s \"%.*s\"",
	    line_of(p, offset), what, shown(name_len), name);
}

/* Offset of needle in the source at or after from, or NOT_FOUND. */
static size_t
find(const struct parser *p, size_t from, const char *needle, size_t len)
{
	const char *at, *end;

	if (from > p->len || len > p->len - from)
		return NOT_FOUND;
	at = p->source + from;
	end = p->source + p->len - len + 1;
	while ((at = memchr(at, needle[0], (size_t)(end - at))) != NULL) {
		if (memcmp(at, needle, len) == 0)
			return (size_t)(at - p->source);
		at++;
	}
	return NOT_FOUND;
}

static struct template_node *
node_add(struct parser *p, enum template_node_kind kind)
{
	struct template_node *nodes, *node;
	size_t cap;

	if (p->nodes_len == p->nodes_cap) {
		cap = p->nodes_cap ? p->nodes_cap * 2 : 32;
		if (cap > SIZE_MAX / sizeof(*nodes))
			nodes = NULL;
		else
			nodes = realloc(p->nodes, cap * sizeof(*nodes));
		if (nodes == NULL) {
			err_set(p->err, 500, "template", "out of memory");
			return NULL;
		}
		p->nodes = nodes;
		p->nodes_cap = cap;
	}
	node = &p->nodes[p->nodes_len++];
	memset(node, 0, sizeof(*node));
	node->kind = (uint8_t)kind;
	return node;
}

/*
 * Pool offsets fit 32 bits: the source is at most TEMPLATE_SOURCE_MAX and
 * the pool holds at most three copies of parts of it.  An append that ran
 * out of memory is noticed once, at the end of template_parse().
 */
static uint32_t
pool_add(struct parser *p, const char *s, size_t len, int terminate)
{
	uint32_t offset = (uint32_t)p->pool.len;

	buf_append(&p->pool, s, len);
	if (terminate)
		buf_putc(&p->pool, '\0');
	return offset;
}

static int
text_add(struct parser *p, size_t from, size_t to)
{
	struct template_node *node;

	if (from >= to)
		return 0;
	if ((node = node_add(p, TEMPLATE_NODE_TEXT)) == NULL)
		return -1;
	node->offset = pool_add(p, p->source + from, to - from, 0);
	node->len = (uint32_t)(to - from);
	if (p->line_start)
		node->flags = TEMPLATE_NODE_LINE_START;
	return 0;
}

/*
 * Find the end of the tag whose opening delimiter is at start.  Triple
 * mustaches end in "}" and delimiter tags in "=" before the closing
 * delimiter.
 */
static int
tag_read(struct parser *p, size_t start, struct tag *tag)
{
	size_t from = start + p->open_len, search, hit;
	char sigil = 0, suffix = 0;

	if (from < p->len && p->source[from] != '\0' &&
	    strchr("#^/>!={&", p->source[from]) != NULL)
		sigil = p->source[from++];
	if (sigil == '{')
		suffix = '}';
	else if (sigil == '=')
		suffix = '=';
	search = suffix ? from + 1 : from;
	for (;;) {
		hit = find(p, search, p->close, p->close_len);
		if (hit == NOT_FOUND)
			return fail(p, start, "unclosed tag", NULL, 0);
		if (suffix == 0 || p->source[hit - 1] == suffix)
			break;
		search = hit + 1;
	}
	tag->start = start;
	tag->end = hit + p->close_len;
	tag->sigil = sigil;
	if (suffix != 0)
		hit--;
	while (from < hit && is_space(p->source[from]))
		from++;
	while (hit > from && is_space(p->source[hit - 1]))
		hit--;
	tag->content = p->source + from;
	tag->content_len = hit - from;
	return 0;
}

/*
 * A tag other than a variable stands alone when only blanks share its
 * line; then the line, newline included, disappears from the output.
 * Returns 1 and sets *begin (where the line's blanks start) and *resume
 * (the next line) if so.
 */
static int
tag_standalone(const struct parser *p, const struct tag *tag, size_t *begin,
    size_t *resume)
{
	const char *s = p->source;
	size_t b = tag->start, e = tag->end;

	if (tag->sigil == 0 || strchr("#^/>!=", tag->sigil) == NULL)
		return 0;
	while (b > p->at && is_blank(s[b - 1]))
		b--;
	if (b == p->at ? !p->line_start : s[b - 1] != '\n')
		return 0;
	while (e < p->len && is_blank(s[e]))
		e++;
	if (e + 1 < p->len && s[e] == '\r' && s[e + 1] == '\n')
		e += 2;
	else if (e < p->len && s[e] == '\n')
		e++;
	else if (e != p->len)
		return 0;
	*begin = b;
	*resume = e;
	return 1;
}

/* Store the tag's name, "." or dot-separated parts, for node. */
static int
name_add(struct parser *p, const struct tag *tag, struct template_node *node)
{
	const char *name = tag->content, *part, *dot, *end;
	size_t i, parts = 0;

	if (tag->content_len == 0)
		return fail(p, tag->start, "empty tag", NULL, 0);
	for (i = 0; i < tag->content_len; i++)
		if (is_space(name[i]))
			return fail(p, tag->start, "invalid name", name,
			    tag->content_len);
	node->offset = (uint32_t)p->pool.len;
	if (tag->content_len == 1 && name[0] == '.')
		return 0;
	end = name + tag->content_len;
	for (part = name;; part = dot + 1) {
		dot = memchr(part, '.', (size_t)(end - part));
		if (dot == NULL)
			dot = end;
		if (dot == part || ++parts > TEMPLATE_NAME_PARTS_MAX)
			return fail(p, tag->start, "invalid name", name,
			    tag->content_len);
		pool_add(p, part, (size_t)(dot - part), 1);
		if (dot == end)
			break;
	}
	node->parts = (uint16_t)parts;
	return 0;
}

/* {{=<% %>=}}: two blank-separated delimiters, pointing into the source. */
static int
delimiters_set(struct parser *p, const struct tag *tag)
{
	const char *s = tag->content, *end = s + tag->content_len;
	const char *open = s, *close;

	while (s < end && !is_space(*s))
		s++;
	p->open_len = (size_t)(s - open);
	while (s < end && is_space(*s))
		s++;
	close = s;
	while (s < end && !is_space(*s))
		s++;
	p->close_len = (size_t)(s - close);
	if (p->open_len == 0 || p->close_len == 0 || s != end)
		return fail(p, tag->start, "invalid delimiters", tag->content,
		    tag->content_len);
	p->open = open;
	p->close = close;
	return 0;
}

static int
section_open(struct parser *p, const struct tag *tag)
{
	struct template_node *node;
	struct parse_section *section;

	if (p->depth == TEMPLATE_DEPTH_MAX)
		return fail(p, tag->start, "too deeply nested section",
		    tag->content, tag->content_len);
	node = node_add(p,
	    tag->sigil == '#' ? TEMPLATE_NODE_SECTION : TEMPLATE_NODE_INVERTED);
	if (node == NULL || name_add(p, tag, node) == -1)
		return -1;
	section = &p->sections[p->depth++];
	section->node = p->nodes_len - 1;
	section->name = tag->content;
	section->name_len = tag->content_len;
	section->start = tag->start;
	return 0;
}

static int
section_close(struct parser *p, const struct tag *tag)
{
	const struct parse_section *section;

	if (p->depth == 0)
		return fail(p, tag->start, "unexpected closing tag",
		    tag->content, tag->content_len);
	section = &p->sections[p->depth - 1];
	if (section->name_len != tag->content_len ||
	    memcmp(section->name, tag->content, tag->content_len) != 0)
		return err_set(p->err, 500, "template",
		    "line %zu: closing tag \"%.*s\" does not match section "
		    "\"%.*s\" opened on line %zu",
		    line_of(p, tag->start), shown(tag->content_len),
		    tag->content, shown(section->name_len), section->name,
		    line_of(p, section->start));
	p->nodes[section->node].extra = (uint32_t)p->nodes_len;
	p->depth--;
	return 0;
}

/* A standalone partial keeps the blanks in [begin, tag->start). */
static int
partial_add(
    struct parser *p, const struct tag *tag, int standalone, size_t begin)
{
	struct template_node *node;
	size_t i;

	if (tag->content_len == 0)
		return fail(p, tag->start, "empty tag", NULL, 0);
	for (i = 0; i < tag->content_len; i++)
		if (is_space(tag->content[i]))
			return fail(p, tag->start, "invalid partial name",
			    tag->content, tag->content_len);
	if ((node = node_add(p, TEMPLATE_NODE_PARTIAL)) == NULL)
		return -1;
	node->offset = pool_add(p, tag->content, tag->content_len, 1);
	if (standalone) {
		node->flags = TEMPLATE_NODE_STANDALONE;
		node->len = (uint32_t)(tag->start - begin);
		node->extra = pool_add(p, p->source + begin, node->len, 0);
	}
	return 0;
}

static int
variable_add(struct parser *p, const struct tag *tag)
{
	struct template_node *node;
	int raw = tag->sigil == '{' || tag->sigil == '&';

	node = node_add(p, raw ? TEMPLATE_NODE_RAW : TEMPLATE_NODE_VARIABLE);
	if (node == NULL)
		return -1;
	return name_add(p, tag, node);
}

static int
tag_add(struct parser *p, const struct tag *tag, int standalone, size_t begin)
{
	switch (tag->sigil) {
	case '!':
		return 0;
	case '=':
		return delimiters_set(p, tag);
	case '#':
	case '^':
		return section_open(p, tag);
	case '/':
		return section_close(p, tag);
	case '>':
		return partial_add(p, tag, standalone, begin);
	default:
		return variable_add(p, tag);
	}
}

/* Consume the text up to the next tag, and that tag. */
static int
parse_step(struct parser *p)
{
	struct tag tag = { 0 };
	size_t start, begin, resume;
	int standalone, tag_line_start;

	start = find(p, p->at, p->open, p->open_len);
	if (start == NOT_FOUND) {
		if (text_add(p, p->at, p->len) == -1)
			return -1;
		p->at = p->len;
		return 0;
	}
	if (tag_read(p, start, &tag) == -1)
		return -1;
	standalone = tag_standalone(p, &tag, &begin, &resume);
	if (!standalone) {
		begin = tag.start;
		resume = tag.end;
	}
	tag_line_start =
	    begin == p->at ? p->line_start : p->source[begin - 1] == '\n';
	if (text_add(p, p->at, begin) == -1)
		return -1;
	if (!standalone && tag_line_start &&
	    node_add(p, TEMPLATE_NODE_INDENT) == NULL)
		return -1;
	if (tag_add(p, &tag, standalone, begin) == -1)
		return -1;
	p->at = resume;
	p->line_start = p->source[resume - 1] == '\n';
	return 0;
}

static struct template *
template_new(struct parser *p)
{
	struct template *t;

	if (p->pool.oom || (t = malloc(sizeof(*t))) == NULL) {
		err_set(p->err, 500, "template", "out of memory");
		return NULL;
	}
	t->nodes = p->nodes;
	t->nodes_len = p->nodes_len;
	t->pool = p->pool.data;
	t->pool_len = p->pool.len;
	return t;
}

struct template *
template_parse(const char *src, size_t len, struct err *err)
{
	struct parser p;
	struct template *t;

	if (len > TEMPLATE_SOURCE_MAX) {
		err_set(err, 500, "template", "template larger than %zu bytes",
		    TEMPLATE_SOURCE_MAX);
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	p.source = src;
	p.len = len;
	p.line_start = 1;
	p.open = "{{";
	p.open_len = 2;
	p.close = "}}";
	p.close_len = 2;
	buf_init(&p.pool);
	p.err = err;
	while (p.at < p.len)
		if (parse_step(&p) == -1)
			goto fail;
	if (p.depth > 0) {
		fail(&p, p.sections[p.depth - 1].start, "unclosed section",
		    p.sections[p.depth - 1].name,
		    p.sections[p.depth - 1].name_len);
		goto fail;
	}
	if ((t = template_new(&p)) == NULL)
		goto fail;
	return t;
fail:
	free(p.nodes);
	buf_free(&p.pool);
	return NULL;
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
	free(t->pool);
	free(t);
}

static void
name_dump(
    const struct template *t, const struct template_node *node, struct buf *out)
{
	const char *part;
	size_t i;

	if (node->parts == 0) {
		buf_puts(out, " .");
		return;
	}
	part = t->pool + node->offset;
	buf_putc(out, ' ');
	for (i = 0; i < node->parts; i++) {
		buf_printf(out, "%s%s", i > 0 ? "." : "", part);
		part += strlen(part) + 1;
	}
}

void
template_dump(const struct template *t, struct buf *out)
{
	const struct template_node *node;
	size_t i;

	for (i = 0; i < t->nodes_len; i++) {
		node = &t->nodes[i];
		buf_printf(out, "%zu %s", i, template_node_kinds[node->kind]);
		if (node->kind == TEMPLATE_NODE_TEXT) {
			buf_putc(out, ' ');
			buf_json_string(out, t->pool + node->offset, node->len);
		} else if (node->kind == TEMPLATE_NODE_PARTIAL) {
			buf_printf(out, " %s", t->pool + node->offset);
		} else if (node->kind != TEMPLATE_NODE_INDENT) {
			name_dump(t, node, out);
		}
		if (node->kind == TEMPLATE_NODE_SECTION ||
		    node->kind == TEMPLATE_NODE_INVERTED)
			buf_printf(out, " to %u", (unsigned)node->extra);
		buf_putc(out, '\n');
	}
}
