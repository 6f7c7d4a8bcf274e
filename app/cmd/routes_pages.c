/*
 * routes_pages.c: the routes of the pages group (see routes.h).
 */
#include "cmd/routes.h"

#include <stddef.h>

/* An empty table is a zero-length array in no C standard: size 0 via n. */
const struct route_table routes_pages = { NULL, 0 };
