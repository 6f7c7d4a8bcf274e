/*
 * routes_transfer.c: import and export of pools and accounts.
 */
#include "cmd/routes.h"

#include "api/transfer.h"

static const struct web_route transfer[] = {
	{ POST, "/api/v1/import/pools", api_import_pools, WEB_ROUTE_API,
	    "write" },
	{ POST, "/api/v1/import/accounts", api_import_accounts, WEB_ROUTE_API,
	    "write" },
	{ GET, "/api/v1/export/pools", api_export_pools, WEB_ROUTE_API,
	    "read" },
	{ GET, "/api/v1/export/accounts", api_export_accounts, WEB_ROUTE_API,
	    "read" },
};

ROUTE_TABLE(routes_transfer, transfer);
