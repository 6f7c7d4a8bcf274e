/*
 * routes_catalog.c: VRFs, accounts and the special-purpose ranges.
 */
#include "cmd/routes.h"

#include "api/accounts.h"
#include "api/special.h"
#include "api/vrfs.h"

static const struct web_route catalog[] = {
	{ GET, "/api/v1/vrfs", api_vrfs_list, WEB_ROUTE_API, "read" },
	{ POST, "/api/v1/vrfs", api_vrfs_create, WEB_ROUTE_API, "write" },
	{ GET, "/api/v1/vrfs/{id}", api_vrfs_get, WEB_ROUTE_API, "read" },
	{ PATCH, "/api/v1/vrfs/{id}", api_vrfs_update, WEB_ROUTE_API, "write" },
	{ DELETE, "/api/v1/vrfs/{id}", api_vrfs_delete, WEB_ROUTE_API,
	    "write" },
	{ GET, "/api/v1/accounts", api_accounts_list, WEB_ROUTE_API, "read" },
	{ POST, "/api/v1/accounts", api_accounts_create, WEB_ROUTE_API,
	    "write" },
	{ GET, "/api/v1/accounts/{id}", api_accounts_get, WEB_ROUTE_API,
	    "read+account" },
	{ PATCH, "/api/v1/accounts/{id}", api_accounts_update, WEB_ROUTE_API,
	    "write" },
	{ DELETE, "/api/v1/accounts/{id}", api_accounts_delete, WEB_ROUTE_API,
	    "write" },
	{ GET, "/api/v1/special-ranges", api_special_list, WEB_ROUTE_API,
	    "read" },
	{ PATCH, "/api/v1/special-ranges/{id}", api_special_update,
	    WEB_ROUTE_API, "admin" },
};

ROUTE_TABLE(routes_catalog, catalog);
