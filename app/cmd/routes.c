/*
 * routes.c: every route of CloudPAM in one table.
 *
 * The order matters only where two patterns match the same path: the
 * first wins.  Each route names the permission it needs ("" for public
 * endpoints); the identity work checks it before the handler runs.
 */
#include "cmd/routes.h"

#include "api/health.h"
#include "api/pools.h"
#include "api/search.h"
#include "api/settings.h"
#include "ui/home.h"
#include "ui/search.h"
#include "ui/theme.h"

#define GET WEB_M(WEB_GET)
#define POST WEB_M(WEB_POST)
#define PATCH WEB_M(WEB_PATCH)
#define DELETE WEB_M(WEB_DELETE)

const struct web_route cloudpam_routes[] = {
	{ GET, "/", ui_home, WEB_ROUTE_PAGE, "" },
	{ GET, "/search", ui_search, WEB_ROUTE_PAGE, "" },
	{ POST, "/theme", ui_theme_set, WEB_ROUTE_PAGE, "" },
	{ GET, "/healthz", api_healthz, WEB_ROUTE_API, "" },
	{ GET, "/readyz", api_readyz, WEB_ROUTE_API, "" },
	{ GET, "/metrics", api_metrics, WEB_ROUTE_API, "" },
	{ GET, "/api/v1/status", api_status, WEB_ROUTE_API, "" },
	{ GET, "/api/v1/openapi.yaml", api_openapi, WEB_ROUTE_API, "" },
	{ GET, "/api/v1/settings", api_settings_get, WEB_ROUTE_API, "" },
	{ PATCH, "/api/v1/settings", api_settings_patch, WEB_ROUTE_API, "" },
	{ GET, "/api/v1/pools", api_pools_list, WEB_ROUTE_API, "" },
	{ POST, "/api/v1/pools", api_pools_create, WEB_ROUTE_API, "" },
	{ GET, "/api/v1/pools/tree", api_pools_tree, WEB_ROUTE_API, "" },
	{ GET, "/api/v1/pools/{id}", api_pools_get, WEB_ROUTE_API, "" },
	{ PATCH, "/api/v1/pools/{id}", api_pools_update, WEB_ROUTE_API, "" },
	{ DELETE, "/api/v1/pools/{id}", api_pools_delete, WEB_ROUTE_API, "" },
	{ POST, "/api/v1/pools/{id}/allocate", api_pools_allocate,
	    WEB_ROUTE_API, "" },
	{ GET, "/api/v1/pools/{id}/blocks", api_pools_blocks, WEB_ROUTE_API,
	    "" },
	{ GET, "/api/v1/pools/{id}/utilization", api_pools_utilization,
	    WEB_ROUTE_API, "" },
	{ GET, "/api/v1/blocks", api_blocks_list, WEB_ROUTE_API, "" },
	{ GET, "/api/v1/search", api_search, WEB_ROUTE_API, "" },
};

const size_t cloudpam_nroutes =
    sizeof(cloudpam_routes) / sizeof(cloudpam_routes[0]);
