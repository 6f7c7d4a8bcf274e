/*
 * Unit tests for app/ui/ipmap.c: map sizes and pixel layouts, the Hilbert
 * placement's promises (every cell once and inside the grid, consecutive
 * blocks touching, aligned CIDR blocks as squares or 2:1 rectangles), the
 * choice of child length and zoom steps, and the cells and legend handed
 * to the template.
 */
#include "ip/ip.h"
#include "lib/err.h"
#include "ui/ipmap.h"
#include "unit/tap.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const struct {
	unsigned ncells;
	unsigned cols, rows, cell, width, height;
} layouts[] = {
	{ 1, 1, 1, 512, 511, 511 },
	{ 2, 2, 1, 256, 511, 255 },
	{ 4, 2, 2, 256, 511, 511 },
	{ 8, 4, 2, 128, 511, 255 },
	{ 16, 4, 4, 128, 511, 511 },
	{ 256, 16, 16, 32, 511, 511 },
	{ 2048, 64, 32, 8, 511, 255 },
	{ 4096, 64, 64, 8, 511, 511 },
};

static const unsigned refused[] = { 0, 3, 6, 100, 4097, 8192 };

static void
parse(const char *s, struct ip_prefix *p)
{
	struct err err = ERR_INIT;

	if (ip_prefix_parse(s, strlen(s), p, &err) == -1)
		tap_diag("bad test input: %s", err.message);
}

static void
test_layouts(void)
{
	struct ipmap_layout l;
	struct err err = ERR_INIT;
	size_t i;
	int pass;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		memset(&l, 0, sizeof(l));
		pass = ipmap_layout(layouts[i].ncells, &l, &err) == 0 &&
		       l.cols == layouts[i].cols && l.rows == layouts[i].rows &&
		       l.cell == layouts[i].cell &&
		       l.width == layouts[i].width &&
		       l.height == layouts[i].height;
		if (!tap_ok(pass, "layout of %u cells", layouts[i].ncells))
			tap_diag("have: %ux%u cells of %u px, %ux%u px; want: "
			         "%ux%u cells of %u px, %ux%u px",
			    l.cols, l.rows, l.cell, l.width, l.height,
			    layouts[i].cols, layouts[i].rows, layouts[i].cell,
			    layouts[i].width, layouts[i].height);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err_clear(&err);
		pass = ipmap_layout(refused[i], &l, &err) == -1 &&
		       err.status == 400 &&
		       strcmp(err.code, "invalid_map_size") == 0;
		if (!tap_ok(pass, "refuse a map of %u cells", refused[i]))
			tap_diag("have: %d \"%s\"; want: 400 "
			         "\"invalid_map_size\"",
			    err.status, err.code);
	}
}

static unsigned
distance(unsigned ax, unsigned ay, unsigned bx, unsigned by)
{
	return (ax > bx ? ax - bx : bx - ax) + (ay > by ? ay - by : by - ay);
}

/* Every cell once, inside the grid, and each a neighbour of the next. */
static void
test_walk(unsigned ncells)
{
	static unsigned char seen[64][64];
	struct ipmap_layout l;
	struct err err = ERR_INIT;
	unsigned x, y, px = 0, py = 0, i;
	int inside = 1, once = 1, touching = 1;

	if (ipmap_layout(ncells, &l, &err) == -1) {
		tap_ok(0, "layout of %u cells: %s", ncells, err.message);
		return;
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < ncells; i++) {
		ipmap_cell_xy(&l, i, &x, &y);
		if (x >= l.cols || y >= l.rows) {
			inside = 0;
			break;
		}
		once = once && !seen[y][x];
		seen[y][x] = 1;
		if (i > 0 && distance(x, y, px, py) != 1 && touching) {
			touching = 0;
			tap_diag("cells %u and %u at (%u,%u) and (%u,%u)",
			    i - 1, i, px, py, x, y);
		}
		px = x;
		py = y;
	}
	tap_ok(inside, "%u cells: all inside the %ux%u grid", ncells, l.cols,
	    l.rows);
	tap_ok(once, "%u cells: all positions distinct", ncells);
	tap_ok(touching, "%u cells: consecutive cells are neighbours", ncells);
}

/*
 * Whether the group of size cells from first fills its bounding box
 * exactly and the box is a square or a 2:1 rectangle.
 */
static int
group_compact(const struct ipmap_layout *l, unsigned first, unsigned size)
{
	unsigned x, y, minx = ~0u, miny = ~0u, maxx = 0, maxy = 0, i, w, h;

	for (i = first; i < first + size; i++) {
		ipmap_cell_xy(l, i, &x, &y);
		minx = x < minx ? x : minx;
		miny = y < miny ? y : miny;
		maxx = x > maxx ? x : maxx;
		maxy = y > maxy ? y : maxy;
	}
	w = maxx - minx + 1;
	h = maxy - miny + 1;
	return w * h == size && (w == h || w == 2 * h || h == 2 * w);
}

/* Every aligned CIDR block inside the map is a square or a 2:1 box. */
static void
test_groups(unsigned ncells)
{
	struct ipmap_layout l;
	struct err err = ERR_INIT;
	unsigned size, first;
	int pass = 1;

	if (ipmap_layout(ncells, &l, &err) == -1)
		return;
	for (size = 1; size <= ncells && pass; size *= 2) {
		for (first = 0; first < ncells && pass; first += size) {
			pass = group_compact(&l, first, size);
			if (!pass)
				tap_diag("cells %u..%u are not compact", first,
				    first + size - 1);
		}
	}
	tap_ok(pass, "%u cells: aligned groups are squares or 2:1", ncells);
}

/* Aligned groups of 4^j cells are squares of side 2^j, aligned to it. */
static void
test_squares(unsigned ncells)
{
	struct ipmap_layout l;
	struct err err = ERR_INIT;
	unsigned side, first, i, x, y, minx, miny, maxx, maxy;
	int pass = 1;

	if (ipmap_layout(ncells, &l, &err) == -1)
		return;
	for (side = 1; side * side <= ncells && pass; side *= 2) {
		for (first = 0; first < ncells && pass; first += side * side) {
			minx = miny = ~0u;
			maxx = maxy = 0;
			for (i = first; i < first + side * side; i++) {
				ipmap_cell_xy(&l, i, &x, &y);
				minx = x < minx ? x : minx;
				miny = y < miny ? y : miny;
				maxx = x > maxx ? x : maxx;
				maxy = y > maxy ? y : maxy;
			}
			pass = maxx - minx + 1 == side &&
			       maxy - miny + 1 == side && minx % side == 0 &&
			       miny % side == 0;
			if (!pass)
				tap_diag("cells %u..%u span %ux%u at (%u,%u)",
				    first, first + side * side - 1,
				    maxx - minx + 1, maxy - miny + 1, minx,
				    miny);
		}
	}
	tap_ok(pass, "%u cells: aligned power-of-4 groups are aligned squares",
	    ncells);
}

static const struct {
	const char *parent;
	int wanted, want;
} lens[] = {
	{ "10.1.0.0/16", -1, 24 },
	{ "10.1.0.0/16", 20, 20 },
	{ "10.1.0.0/16", 28, 28 },
	{ "10.1.0.0/16", 30, 28 },
	{ "10.1.0.0/16", 8, 16 },
	{ "10.1.0.0/28", -1, 32 },
	{ "10.1.0.7/32", -1, 32 },
	{ "0.0.0.0/0", -1, 8 },
	{ "2001:db8::/32", -1, 40 },
	{ "2001:db8::/32", 64, 44 },
	{ "2001:db8::/126", 200, 128 },
};

static const struct {
	const char *parent;
	int len, in, out;
} zooms[] = {
	{ "10.1.0.0/16", 24, 25, 23 },
	{ "10.1.0.0/16", 16, 17, -1 },
	{ "10.1.0.0/16", 28, -1, 27 },
	{ "10.1.0.0/30", 32, -1, 31 },
	{ "10.1.0.7/32", 32, -1, -1 },
	{ "10.1.0.0/16", 29, -1, -1 },
	{ "10.1.0.0/16", 15, -1, -1 },
};

static void
test_lengths(void)
{
	struct ip_prefix p;
	char name[96];
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		parse(lens[i].parent, &p);
		snprintf(name, sizeof(name), "length for %s wanting %d",
		    lens[i].parent, lens[i].wanted);
		tap_int(
		    ipmap_choose_len(&p, lens[i].wanted), lens[i].want, name);
	}
	for (i = 0; i < sizeof(zooms) / sizeof(zooms[0]); i++) {
		parse(zooms[i].parent, &p);
		snprintf(name, sizeof(name), "zoom in from /%d in %s",
		    zooms[i].len, zooms[i].parent);
		tap_int(ipmap_zoom_in_len(&p, zooms[i].len), zooms[i].in, name);
		snprintf(name, sizeof(name), "zoom out from /%d in %s",
		    zooms[i].len, zooms[i].parent);
		tap_int(
		    ipmap_zoom_out_len(&p, zooms[i].len), zooms[i].out, name);
	}
}

static const char *
get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "(missing)";
	if (v == NULL)
		return "(null)";
	return json_object_get_string(v);
}

static int
get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	return json_object_get_int(v);
}

static void
test_cells(void)
{
	enum ipmap_state states[256];
	const char *titles[256] = { NULL }, *hrefs[256] = { NULL };
	struct ipmap_layout l;
	struct ip_prefix p;
	struct err err = ERR_INIT;
	struct json_object *cells, *c;
	unsigned i;

	for (i = 0; i < 256; i++)
		states[i] = i < 8 ? IPMAP_USED : IPMAP_FREE;
	states[5] = IPMAP_PARTIAL;
	states[200] = IPMAP_RESERVED;
	titles[4] = "10.1.4.0/24 \xC2\xB7 used by prod-db \xC2\xB7 87%";
	hrefs[4] = "/pools/12";
	parse("10.1.0.0/16", &p);
	ipmap_layout(256, &l, &err);
	cells = ipmap_cells_json(&p, 24, &l, states, titles, hrefs);
	tap_int(cells ? (long long)json_object_array_length(cells) : -1, 256,
	    "256 cells for the /24s of 10.1.0.0/16");
	if (cells == NULL)
		return;
	c = json_object_array_get_idx(cells, 4);
	tap_str(get_string(c, "cidr"), "10.1.4.0/24", "cell 4 is 10.1.4.0/24");
	tap_str(get_string(c, "state"), "used", "cell 4 is used");
	tap_str(get_string(c, "title"), titles[4], "cell 4 has its title");
	tap_str(get_string(c, "href"), "/pools/12", "cell 4 has its link");
	/* The top-left 4x4 group runs down first: cell 4 is at (0, 2). */
	tap_int(get_int(c, "x"), 0, "cell 4 is at x = 0 px");
	tap_int(get_int(c, "y"), 64, "cell 4 is at y = 64 px");
	tap_int(get_int(c, "size"), 31, "cells are 31 px with a 1 px gap");
	c = json_object_array_get_idx(cells, 5);
	tap_str(get_string(c, "state"), "partial", "cell 5 is partial");
	c = json_object_array_get_idx(cells, 255);
	tap_str(get_string(c, "cidr"), "10.1.255.0/24",
	    "cell 255 is 10.1.255.0/24");
	tap_str(get_string(c, "title"), "10.1.255.0/24 \xC2\xB7 Free",
	    "a cell without a title names its block and state");
	tap_str(get_string(c, "href"), "(null)",
	    "a cell without a link has a null href");
	tap_int(get_int(c, "x"), 15 * 32, "the last cell is at the right");
	tap_int(get_int(c, "y"), 0, "the last cell is in the top row");
	json_object_put(cells);

	cells = ipmap_cells_json(&p, 23, &l, states, NULL, NULL);
	tap_ok(cells == NULL, "refuse a length that does not match the layout");
	json_object_put(cells);
	parse("2001:db8::/32", &p);
	cells = ipmap_cells_json(&p, 40, &l, NULL, NULL, NULL);
	c = cells ? json_object_array_get_idx(cells, 1) : NULL;
	tap_str(c ? get_string(c, "cidr") : "(none)", "2001:db8:100::/40",
	    "IPv6 cell 1 is 2001:db8:100::/40");
	tap_str(c ? get_string(c, "state") : "(none)", "free",
	    "cells without states are free");
	json_object_put(cells);
}

static void
test_legend_and_map(void)
{
	enum ipmap_state states[16] = { IPMAP_USED, IPMAP_USED, IPMAP_PARTIAL,
		IPMAP_RESERVED };
	struct ipmap_layout l;
	struct ip_prefix p;
	struct err err = ERR_INIT;
	struct json_object *legend, *map, *v;
	static const int want[IPMAP__MAX] = { 12, 2, 1, 1 };
	int i;

	legend = ipmap_legend_json(states, 16);
	for (i = 0; i < IPMAP__MAX; i++) {
		v = legend ? json_object_array_get_idx(legend, (size_t)i)
		           : NULL;
		tap_str(v ? get_string(v, "state") : "(none)",
		    ipmap_state_names[i], "legend entry in enum order");
		tap_int(v ? get_int(v, "count") : -1, want[i],
		    "legend counts the cells of a state");
	}
	json_object_put(legend);

	parse("10.0.0.0/28", &p);
	ipmap_layout(16, &l, &err);
	map = ipmap_json(&p, 32, &l, states, NULL, NULL);
	tap_int(map ? get_int(map, "width") : -1, 511, "map width");
	tap_int(map ? get_int(map, "len") : -1, 32, "map length");
	tap_str(map ? get_string(map, "cidr") : "(none)", "10.0.0.0/28",
	    "map names its parent");
	v = NULL;
	if (map != NULL)
		json_object_object_get_ex(map, "cells", &v);
	tap_int(v ? (long long)json_object_array_length(v) : -1, 16,
	    "map holds its cells");
	json_object_put(map);
}

int
main(void)
{
	static const unsigned sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
		1024, 2048, 4096 };
	size_t i;

	test_layouts();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		test_walk(sizes[i]);
		test_groups(sizes[i]);
		test_squares(sizes[i]);
	}
	test_lengths();
	test_cells();
	test_legend_and_map();
	return tap_done();
}
