/*
 * ipmap.h: the layout of a pool's IP-space map (UI.md, "IP-space map").
 *
 * The map draws a parent prefix as cells, one per child block of a chosen
 * length, placed along a Hilbert curve: the index-th block in address
 * order goes to the index-th step of the curve.  Because the curve fills
 * each quadrant before it moves on, every aligned CIDR block inside the
 * parent is one compact square or 2:1 rectangle on screen, and blocks that
 * touch in address space touch on screen.
 *
 * A map of 4^k cells is a square of side 2^k; a map of 2 * 4^k cells is
 * two such squares side by side, the curve leaving the first at its top
 * right corner and entering the second at its top left.  Never more than
 * IPMAP_CELLS_MAX cells: larger spaces are drawn at a coarser length with
 * a control to zoom one length finer.
 *
 * Pure: no I/O, no database, no URLs.  The caller decides each cell's
 * state, title and link; this file only places and describes the cells.
 */
#ifndef CLOUDPAM_UI_IPMAP_H
#define CLOUDPAM_UI_IPMAP_H

#include <json-c/json.h>
#include <stdint.h>

#include "ip/ip.h"

struct err;

/* One map shows child lengths from the parent's to 12 bits finer. */
#define IPMAP_BITS_MAX 12
#define IPMAP_CELLS_MAX (1u << IPMAP_BITS_MAX)
/* Without a wanted length: 256 cells, a 16 x 16 square. */
#define IPMAP_BITS_DEFAULT 8
/* The map's width in SVG user units (px), and the gap between cells. */
#define IPMAP_WIDTH_PX 512
#define IPMAP_GAP_PX 1

/* What a cell's block holds; colour, pattern and word in the template. */
enum ipmap_state {
	IPMAP_FREE,     /* no pool inside */
	IPMAP_USED,     /* a pool covers the whole block */
	IPMAP_PARTIAL,  /* pools cover part of the block */
	IPMAP_RESERVED, /* reserved or planned, not yet in use */
	IPMAP__MAX
};

/* "free", "used", "partial", "reserved": CSS class and JSON value. */
extern const char *const ipmap_state_names[IPMAP__MAX];

/* "Free", "Used", "Partly used", "Reserved": legend words. */
extern const char *const ipmap_state_labels[IPMAP__MAX];

struct ipmap_layout {
	unsigned cols, rows;    /* grid size in cells */
	unsigned cell;          /* pitch in px: a cell's side plus the gap */
	unsigned width, height; /* the whole map in px, no trailing gap */
};

/*
 * The child length to draw parent at.  wanted_len < 0 asks for the
 * default, IPMAP_BITS_DEFAULT below the parent; any other value is
 * clamped to what one map can show: from parent->len (one cell) to
 * parent->len + IPMAP_BITS_MAX (4096 cells), and never past the family's
 * width.  Always returns a usable length.
 */
int ipmap_choose_len(const struct ip_prefix *parent, int wanted_len);

/*
 * The length one step finer than len (the "zoom in" control), or -1 when
 * len is already the finest a map of parent may use.
 */
int ipmap_zoom_in_len(const struct ip_prefix *parent, int len);

/* The length one step coarser than len ("zoom out"), or -1 at the top. */
int ipmap_zoom_out_len(const struct ip_prefix *parent, int len);

/*
 * Lay out ncells cells: a square for 4^k, two squares side by side for
 * 2 * 4^k, about IPMAP_WIDTH_PX wide.  Returns -1 with 400
 * "invalid_map_size" when ncells is 0, not a power of two or more than
 * IPMAP_CELLS_MAX; *out is then unchanged.
 */
int ipmap_layout(unsigned ncells, struct ipmap_layout *out, struct err *err);

/*
 * Grid column *x and row *y (from the top left) of the index-th cell,
 * index < cols * rows.  Consecutive indexes are always grid neighbours.
 */
void ipmap_cell_xy(
    const struct ipmap_layout *l, uint64_t index, unsigned *x, unsigned *y);

/*
 * The cells of parent drawn as blocks of length len on layout l, in address
 * order, as a json-c array of {"x", "y", "size" (px), "state", "cidr",
 * "title", "href"}.  states, titles and hrefs are indexed like the cells
 * and may each be NULL, as may any title or href in them: a missing state
 * is free, a missing title is "<cidr> · <state label>" and a missing href
 * is null (the cell is drawn without a link).  Returns NULL when len does
 * not give exactly cols * rows blocks of parent, or out of memory.  The
 * caller owns the result.
 */
struct json_object *ipmap_cells_json(const struct ip_prefix *parent,
    unsigned len, const struct ipmap_layout *l, const enum ipmap_state *states,
    const char *const *titles, const char *const *hrefs);

/*
 * The legend: [{"state", "label", "count"}], one entry per state in enum
 * order, counting the ncells entries of states (all free when states is
 * NULL).  Returns NULL out of memory; the caller owns the result.
 */
struct json_object *ipmap_legend_json(
    const enum ipmap_state *states, unsigned ncells);

/*
 * The whole map for templates/pool_map.mustache: {"width", "height",
 * "cidr" (parent), "len", "cells" (ipmap_cells_json), "legend"
 * (ipmap_legend_json)}.  The caller adds "zoom_in" and "zoom_out" (which
 * need URLs).  Returns NULL as ipmap_cells_json; the caller owns it.
 */
struct json_object *ipmap_json(const struct ip_prefix *parent, unsigned len,
    const struct ipmap_layout *l, const enum ipmap_state *states,
    const char *const *titles, const char *const *hrefs);

#endif
