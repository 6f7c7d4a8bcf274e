/*
 * routes.c: the platform's own routes, and the joining of every group's
 * table into the one the router reads.
 *
 * Each route names the permission it needs (docs/roles.md: public,
 * signed_in, read, write, audit, admin; "+account" when collector keys
 * may call it for their accounts); api/auth.c checks it before the
 * handler runs.
 */
#include "cmd/routes.h"

#include <string.h>

#include "api/health.h"
#include "api/settings.h"
#include "ui/dashboard.h"
#include "ui/search.h"
#include "ui/theme.h"

static const struct web_route core[] = {
	{ GET, "/", ui_dashboard, WEB_ROUTE_PAGE, "read" },
	{ GET, "/search", ui_search, WEB_ROUTE_PAGE, "read" },
	{ POST, "/theme", ui_theme_set, WEB_ROUTE_PAGE, "public" },
	{ GET, "/healthz", api_healthz, WEB_ROUTE_API, "public" },
	{ GET, "/readyz", api_readyz, WEB_ROUTE_API, "public" },
	{ GET, "/metrics", api_metrics, WEB_ROUTE_API, "read" },
	{ GET, "/api/v1/status", api_status, WEB_ROUTE_API, "read" },
	{ GET, "/api/v1/openapi.yaml", api_openapi, WEB_ROUTE_API, "public" },
	{ GET, "/api/v1/settings", api_settings_get, WEB_ROUTE_API, "read" },
	{ PATCH, "/api/v1/settings", api_settings_patch, WEB_ROUTE_API,
	    "admin" },
};

ROUTE_TABLE(routes_core, core);

struct web_route cloudpam_routes[ROUTES_MAX];
size_t cloudpam_nroutes;

int
cloudpam_routes_init(void)
{
	const struct route_table *tables[] = { &routes_core, &routes_pools,
		&routes_catalog, &routes_transfer, &routes_pages,
		&routes_identity, &routes_users, &routes_audit };
	size_t i, n = 0;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (n + tables[i]->n > ROUTES_MAX)
			return -1;
		if (tables[i]->n > 0)
			memcpy(cloudpam_routes + n, tables[i]->routes,
			    tables[i]->n * sizeof(struct web_route));
		n += tables[i]->n;
	}
	cloudpam_nroutes = n;
	return 0;
}
