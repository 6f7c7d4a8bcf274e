/*
 * routes_audit.c: the audit log, its export and its page.
 *
 * Only GET: the log is append only, so PUT, PATCH and DELETE on these
 * paths find no route and answer 405 with an Allow header.
 */
#include "cmd/routes.h"

#include "api/audit.h"
#include "ui/audit.h"

static const struct web_route audit[] = {
	{ GET, "/api/v1/audit", api_audit_list, WEB_ROUTE_API, "audit" },
	{ GET, "/api/v1/audit/export", api_audit_export, WEB_ROUTE_API,
	    "audit" },
	{ GET, "/api/v1/audit/{id}", api_audit_get, WEB_ROUTE_API, "audit" },
	{ GET, "/audit", ui_audit, WEB_ROUTE_PAGE, "audit" },
};

ROUTE_TABLE(routes_audit, audit);
