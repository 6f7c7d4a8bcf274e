/*
 * routes.h: the route table of the cloudpam server.
 *
 * Each group of resources keeps its routes in a file of its own
 * (routes_<group>.c) as a struct route_table; routes.c joins them in a
 * fixed order into cloudpam_routes at start.  Within the joined table the
 * first match wins.
 */
#ifndef CLOUDPAM_CMD_ROUTES_H
#define CLOUDPAM_CMD_ROUTES_H

#include <stddef.h>

#include "web/router.h"

#define ROUTES_MAX 192

struct route_table {
	const struct web_route *routes;
	size_t n;
};

#define ROUTE_TABLE(name, array)                                               \
	const struct route_table name = { array,                               \
		sizeof(array) / sizeof(array[0]) }

#define GET WEB_M(WEB_GET)
#define POST WEB_M(WEB_POST)
#define PUT WEB_M(WEB_PUT)
#define PATCH WEB_M(WEB_PATCH)
#define DELETE WEB_M(WEB_DELETE)

extern const struct route_table routes_core;     /* routes.c */
extern const struct route_table routes_pools;    /* routes_pools.c */
extern const struct route_table routes_catalog;  /* routes_catalog.c */
extern const struct route_table routes_transfer; /* routes_transfer.c */
extern const struct route_table routes_pages;    /* routes_pages.c */
extern const struct route_table routes_identity; /* routes_identity.c */
extern const struct route_table routes_users;    /* routes_users.c */
extern const struct route_table routes_audit;    /* routes_audit.c */

/* The joined table, filled by cloudpam_routes_init(). */
extern struct web_route cloudpam_routes[ROUTES_MAX];
extern size_t cloudpam_nroutes;

/* Join the tables.  Returns -1 when they hold more than ROUTES_MAX. */
int cloudpam_routes_init(void);

#endif
