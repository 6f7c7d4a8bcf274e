/*
 * web_internal_template.h: the parsed form of a Mustache template, shared
 * by template_parse.c, which builds it, and template.c, which renders it.
 * Only app/web includes this.
 *
 * A template is one flat array of nodes plus one pool of bytes holding
 * the literal text, the names (each dotted part NUL-terminated) and the
 * indentation of standalone partials.  A section's body is the nodes that
 * follow it up to index extra, so rendering needs no pointers and no
 * allocation.
 */
#ifndef CLOUDPAM_WEB_INTERNAL_TEMPLATE_H
#define CLOUDPAM_WEB_INTERNAL_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define TEMPLATE_NAME_PARTS_MAX 32 /* parts of a dotted name a.b.c */

enum template_node_kind {
	TEMPLATE_NODE_TEXT,
	TEMPLATE_NODE_INDENT,
	TEMPLATE_NODE_VARIABLE,
	TEMPLATE_NODE_RAW,
	TEMPLATE_NODE_SECTION,
	TEMPLATE_NODE_INVERTED,
	TEMPLATE_NODE_PARTIAL,
	TEMPLATE_NODE__MAX
};

/* The kinds' names, indexed by enum template_node_kind, for dumps. */
extern const char *const template_node_kinds[TEMPLATE_NODE__MAX];

/* Text starts a line: a standalone partial indents it. */
#define TEMPLATE_NODE_LINE_START 0x01
/* A partial tag stood alone on its line: indent each line of the partial. */
#define TEMPLATE_NODE_STANDALONE 0x02

/*
 * One node.  TEXT: len bytes at pool + offset.  INDENT: a line begins here
 * with a tag, so a standalone partial's indentation goes here.  VARIABLE,
 * RAW, SECTION, INVERTED: the name's parts NUL-separated at pool + offset,
 * none for the implicit iterator ".".  SECTION, INVERTED: the body is the
 * nodes after this one up to index extra.  PARTIAL: the NUL-terminated
 * name at pool + offset; when standalone, len bytes of indentation at
 * pool + extra.
 */
struct template_node {
	uint8_t kind;   /* enum template_node_kind */
	uint8_t flags;  /* TEMPLATE_NODE_LINE_START, _STANDALONE */
	uint16_t parts; /* parts of the name */
	uint32_t offset;
	uint32_t len;
	uint32_t extra;
};

struct template
{
	struct template_node *nodes; /* owned */
	size_t nodes_len;
	char *pool; /* owned; NULL when nothing was stored */
	size_t pool_len;
};

/* Append one line per node of t to out, for tests and debugging. */
void template_dump(const struct template *t, struct buf *out);

#endif
