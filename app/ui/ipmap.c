/*
 * ipmap.c: placing a pool's child blocks on a Hilbert curve for the
 * IP-space map, and describing the cells as json-c for the template.
 *
 * The curve is the classic iterative one (Hilbert 1891; the d2xy walk in
 * Warren, "Hacker's Delight", 2nd ed., section 16-2): it starts at the top
 * left cell and ends at the top right, so two squares side by side join
 * into one continuous path for maps of 2 * 4^k cells.
 */
#include "ui/ipmap.h"

#include <assert.h>
#include <stdio.h>

#include "ip/ip_blocks.h"
#include "lib/err.h"

const char *const ipmap_state_names[IPMAP__MAX] = {
	"free",     /* IPMAP_FREE */
	"used",     /* IPMAP_USED */
	"partial",  /* IPMAP_PARTIAL */
	"reserved", /* IPMAP_RESERVED */
};

const char *const ipmap_state_labels[IPMAP__MAX] = {
	"Free",        /* IPMAP_FREE */
	"Used",        /* IPMAP_USED */
	"Partly used", /* IPMAP_PARTIAL */
	"Reserved",    /* IPMAP_RESERVED */
};

/* The finest length one map of parent may use. */
static int
finest_len(const struct ip_prefix *parent)
{
	int width = (int)ip_addr_width(&parent->addr);
	int finest = parent->len + IPMAP_BITS_MAX;

	return finest < width ? finest : width;
}

int
ipmap_choose_len(const struct ip_prefix *parent, int wanted_len)
{
	int finest = finest_len(parent);

	if (wanted_len < 0)
		wanted_len = parent->len + IPMAP_BITS_DEFAULT;
	if (wanted_len > finest)
		return finest;
	if (wanted_len < parent->len)
		return parent->len;
	return wanted_len;
}

int
ipmap_zoom_in_len(const struct ip_prefix *parent, int len)
{
	if (len < parent->len || len >= finest_len(parent))
		return -1;
	return len + 1;
}

int
ipmap_zoom_out_len(const struct ip_prefix *parent, int len)
{
	if (len <= parent->len || len > finest_len(parent))
		return -1;
	return len - 1;
}

int
ipmap_layout(unsigned ncells, struct ipmap_layout *out, struct err *err)
{
	unsigned bits = 0, side;

	if (ncells == 0 || ncells > IPMAP_CELLS_MAX ||
	    (ncells & (ncells - 1)) != 0)
		return err_set(err, 400, "invalid_map_size",
		    "a map has a power of two from 1 to %u cells, not %u",
		    IPMAP_CELLS_MAX, ncells);
	while ((1u << bits) < ncells)
		bits++;
	side = 1u << (bits / 2);
	out->rows = side;
	out->cols = side << (bits % 2);
	out->cell = IPMAP_WIDTH_PX / out->cols;
	out->width = out->cols * out->cell - IPMAP_GAP_PX;
	out->height = out->rows * out->cell - IPMAP_GAP_PX;
	return 0;
}

/* Step d of the Hilbert curve filling a side x side square (a power of 2). */
static void
hilbert_xy(unsigned side, uint64_t d, unsigned *x, unsigned *y)
{
	unsigned s, rx, ry, swap;

	*x = *y = 0;
	for (s = 1; s < side; s *= 2) {
		rx = (unsigned)(d / 2) & 1;
		ry = (unsigned)(d ^ rx) & 1;
		/* Rotate the sub-square so its path joins its neighbours'. */
		if (ry == 0) {
			if (rx == 1) {
				*x = s - 1 - *x;
				*y = s - 1 - *y;
			}
			swap = *x;
			*x = *y;
			*y = swap;
		}
		*x += s * rx;
		*y += s * ry;
		d /= 4;
	}
}

void
ipmap_cell_xy(
    const struct ipmap_layout *l, uint64_t index, unsigned *x, unsigned *y)
{
	uint64_t square = (uint64_t)l->rows * l->rows;

	assert(index < (uint64_t)l->cols * l->rows);
	hilbert_xy(l->rows, index % square, x, y);
	*x += (unsigned)(index / square) * l->rows;
}

/* Add val under key, taking it; -1 (val released) when either is lost. */
static int
put(struct json_object *o, const char *key, struct json_object *val)
{
	if (val == NULL)
		return -1;
	if (json_object_object_add(o, key, val) == -1) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

/* Add s under key, or null when s is NULL. */
static int
put_string_or_null(struct json_object *o, const char *key, const char *s)
{
	if (s == NULL)
		return json_object_object_add(o, key, NULL);
	return put(o, key, json_object_new_string(s));
}

static struct json_object *
cell_json(const struct ipmap_layout *l, uint64_t index,
    const struct ip_prefix *child, enum ipmap_state state, const char *title,
    const char *href)
{
	struct json_object *o = json_object_new_object();
	char cidr[IP_PREFIX_STRLEN];
	char fallback[IP_PREFIX_STRLEN + 32];
	const char *name = ipmap_state_names[state];
	unsigned x, y;

	if (o == NULL)
		return NULL;
	ip_prefix_format(child, cidr);
	if (title == NULL) {
		snprintf(fallback, sizeof(fallback), "%s \xC2\xB7 %s", cidr,
		    ipmap_state_labels[state]);
		title = fallback;
	}
	ipmap_cell_xy(l, index, &x, &y);
	if (put(o, "x", json_object_new_int((int)(x * l->cell))) == -1 ||
	    put(o, "y", json_object_new_int((int)(y * l->cell))) == -1 ||
	    put(o, "size",
	        json_object_new_int((int)(l->cell - IPMAP_GAP_PX))) == -1 ||
	    put(o, "state", json_object_new_string(name)) == -1 ||
	    put(o, "cidr", json_object_new_string(cidr)) == -1 ||
	    put(o, "title", json_object_new_string(title)) == -1 ||
	    put_string_or_null(o, "href", href) == -1) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A state from the caller's array, out-of-range values drawn as free. */
static enum ipmap_state
state_at(const enum ipmap_state *states, uint64_t i)
{
	if (states == NULL || (unsigned)states[i] >= IPMAP__MAX)
		return IPMAP_FREE;
	return states[i];
}

struct json_object *
ipmap_cells_json(const struct ip_prefix *parent, unsigned len,
    const struct ipmap_layout *l, const enum ipmap_state *states,
    const char *const *titles, const char *const *hrefs)
{
	struct json_object *cells, *cell;
	struct ip_prefix child;
	struct err err = ERR_INIT;
	uint64_t i, n = (uint64_t)l->cols * l->rows;

	if (n == 0 || n > IPMAP_CELLS_MAX ||
	    ip_blocks_count(parent, len, NULL) != n)
		return NULL;
	cells = json_object_new_array_ext((int)n);
	if (cells == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		/* Cannot fail: len and every index were checked above. */
		if (ip_prefix_child(parent, len, i, &child, &err) == -1)
			goto fail;
		cell = cell_json(l, i, &child, state_at(states, i),
		    titles ? titles[i] : NULL, hrefs ? hrefs[i] : NULL);
		if (cell == NULL)
			goto fail;
		if (json_object_array_add(cells, cell) == -1) {
			json_object_put(cell);
			goto fail;
		}
	}
	return cells;
fail:
	json_object_put(cells);
	return NULL;
}

struct json_object *
ipmap_legend_json(const enum ipmap_state *states, unsigned ncells)
{
	struct json_object *legend, *entry;
	unsigned counts[IPMAP__MAX] = { 0 };
	unsigned i;

	for (i = 0; i < ncells; i++)
		counts[state_at(states, i)]++;
	legend = json_object_new_array_ext(IPMAP__MAX);
	if (legend == NULL)
		return NULL;
	for (i = 0; i < IPMAP__MAX; i++) {
		entry = json_object_new_object();
		if (entry == NULL ||
		    json_object_array_add(legend, entry) == -1) {
			json_object_put(entry);
			goto fail;
		}
		if (put(entry, "state",
		        json_object_new_string(ipmap_state_names[i])) == -1 ||
		    put(entry, "label",
		        json_object_new_string(ipmap_state_labels[i])) == -1 ||
		    put(entry, "count", json_object_new_int((int)counts[i])) ==
		        -1)
			goto fail;
	}
	return legend;
fail:
	json_object_put(legend);
	return NULL;
}

struct json_object *
ipmap_json(const struct ip_prefix *parent, unsigned len,
    const struct ipmap_layout *l, const enum ipmap_state *states,
    const char *const *titles, const char *const *hrefs)
{
	struct json_object *map = json_object_new_object(), *cells, *legend;
	char cidr[IP_PREFIX_STRLEN];

	if (map == NULL)
		return NULL;
	if (put(map, "width", json_object_new_int((int)l->width)) == -1 ||
	    put(map, "height", json_object_new_int((int)l->height)) == -1 ||
	    put(map, "cidr",
	        json_object_new_string(ip_prefix_format(parent, cidr))) == -1 ||
	    put(map, "len", json_object_new_int((int)len)) == -1)
		goto fail;
	cells = ipmap_cells_json(parent, len, l, states, titles, hrefs);
	if (put(map, "cells", cells) == -1)
		goto fail;
	legend = ipmap_legend_json(states, l->cols * l->rows);
	if (put(map, "legend", legend) == -1)
		goto fail;
	return map;
fail:
	json_object_put(map);
	return NULL;
}
