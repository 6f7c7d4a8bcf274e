/*
 * routes_users.c: who am I, users and API keys.
 */
#include "cmd/routes.h"

#include "api/users.h"

static const struct web_route users[] = {
	{ GET, "/api/v1/me", api_me, WEB_ROUTE_API, "signed_in" },
};

ROUTE_TABLE(routes_users, users);
