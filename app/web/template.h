/*
 * template.h: the Mustache template renderer, the one way HTML leaves
 * CloudPAM.
 *
 * Templates follow the Mustache spec (https://github.com/mustache/spec)
 * without lambdas: {{name}} is HTML-escaped by buf_html_escape(),
 * {{{name}}} and {{&name}} are raw, then sections, inverted sections,
 * comments, partials, set delimiters and standalone lines.  Data is a
 * json-c object.  A section is skipped, and an inverted section shown, for
 * null, false, 0, "" and [] (the spec's `!!data`); a list repeats the
 * section once per element.
 *
 * A template is parsed once into a flat node array; rendering walks it and
 * only appends to the output buf.  A worker keeps one template_set, which
 * parses each file of the templates directory on first use and keeps it.
 */
#ifndef CLOUDPAM_WEB_TEMPLATE_H
#define CLOUDPAM_WEB_TEMPLATE_H

#include <stddef.h>

struct buf;
struct err;
struct json_object;

/* Bytes of one template's source. */
#define TEMPLATE_SOURCE_MAX ((size_t)1 << 24)
/* Sections and partials nested in one render. */
#define TEMPLATE_DEPTH_MAX 64
/* Nodes visited and list items rendered in one render. */
#define TEMPLATE_STEPS_MAX ((size_t)1 << 22)
/* Bytes one render may append. */
#define TEMPLATE_OUTPUT_MAX ((size_t)32 << 20)
/* Bytes of a template_set name. */
#define TEMPLATE_NAME_MAX 64

struct template;     /* one parsed template */
struct template_set; /* all templates of a directory, per worker */

/*
 * Parse src (len bytes, need not be NUL-terminated) into a template.  The
 * template copies what it needs; src may be freed afterwards.  Returns
 * NULL and fills err (status 500, code "template", a message beginning
 * "line N:") on a syntax error: an unclosed tag or section, a closing tag
 * that matches no open section, an empty or malformed name, sections
 * nested deeper than TEMPLATE_DEPTH_MAX, a source larger than
 * TEMPLATE_SOURCE_MAX, or out of memory.  The caller frees the result
 * with template_free().
 */
struct template *template_parse(const char *src, size_t len, struct err *err);

/* Release t.  Accepts NULL. */
void template_free(struct template *t);

/*
 * Partials resolver: return the parsed partial named name (owned by the
 * resolver, valid at least until template_render returns), or NULL if
 * there is none; a missing partial renders as empty, as the spec says.
 */
typedef struct template *(*template_partial_fn)(void *ctx, const char *name);

/*
 * Render t with data (a json_object, may be NULL) appending to out.
 * partial may be NULL when t uses no partials.  Returns 0, or -1 with err
 * filled (status 500, code "template") and out back at its length before
 * the call: sections and partials nested deeper than TEMPLATE_DEPTH_MAX
 * (a partial that includes itself), more than TEMPLATE_STEPS_MAX nodes
 * visited or TEMPLATE_OUTPUT_MAX bytes written, or out of memory
 * (out->oom).  Allocates nothing but out's growth, except that json-c
 * keeps the text of an object or list interpolated whole.
 */
int template_render(const struct template *t, struct json_object *data,
    template_partial_fn partial, void *partial_ctx, struct buf *out,
    struct err *err);

/*
 * A set of the templates in dir: name "home" is the file dir/home.mustache
 * and {{> header}} resolves to dir/header.mustache.  Files are parsed
 * lazily once and cached for the life of the set; if reload is nonzero, a
 * file whose mtime, size or inode changed is re-read and re-parsed before
 * its first use in each render (development mode).  Returns NULL when
 * out of memory.  dir is copied.  Free with template_set_free().
 */
struct template_set *template_set_new(const char *dir, int reload);

/* Release set and every template it parsed.  Accepts NULL. */
void template_set_free(struct template_set *set);

/*
 * Render the template named name with data, appending to out.  Names are
 * 1 to TEMPLATE_NAME_MAX bytes of [a-z0-9_-], so no name leaves dir; the
 * same holds for partial names.  Returns 0, or -1 with err filled (status
 * 500, code "template") and out unchanged when name is invalid, the file
 * is missing or unreadable (the message names the file), it or a partial
 * it uses fails to parse or has an invalid name, or template_render
 * fails.  A missing partial renders as empty.
 */
int template_set_render(struct template_set *set, const char *name,
    struct json_object *data, struct buf *out, struct err *err);

#endif
