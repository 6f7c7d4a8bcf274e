/*
 * routes_pools.c: pools, blocks and search.
 */
#include "cmd/routes.h"

#include "api/pools.h"
#include "api/search.h"

static const struct web_route pools[] = {
	{ GET, "/api/v1/pools", api_pools_list, WEB_ROUTE_API, "read" },
	{ POST, "/api/v1/pools", api_pools_create, WEB_ROUTE_API,
	    "write+account" },
	{ GET, "/api/v1/pools/tree", api_pools_tree, WEB_ROUTE_API, "read" },
	{ GET, "/api/v1/pools/{id}", api_pools_get, WEB_ROUTE_API,
	    "read+account" },
	{ PATCH, "/api/v1/pools/{id}", api_pools_update, WEB_ROUTE_API,
	    "write+account" },
	{ DELETE, "/api/v1/pools/{id}", api_pools_delete, WEB_ROUTE_API,
	    "write" },
	{ POST, "/api/v1/pools/{id}/allocate", api_pools_allocate,
	    WEB_ROUTE_API, "write+account" },
	{ GET, "/api/v1/pools/{id}/blocks", api_pools_blocks, WEB_ROUTE_API,
	    "read" },
	{ GET, "/api/v1/pools/{id}/utilization", api_pools_utilization,
	    WEB_ROUTE_API, "read" },
	{ GET, "/api/v1/blocks", api_blocks_list, WEB_ROUTE_API, "read" },
	{ GET, "/api/v1/search", api_search, WEB_ROUTE_API, "read" },
};

ROUTE_TABLE(routes_pools, pools);
