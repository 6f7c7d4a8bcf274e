/*
 * routes_users.c: who am I, users and API keys, as JSON and as pages.
 */
#include "cmd/routes.h"

#include "api/keys.h"
#include "api/users.h"
#include "ui/users.h"

static const struct web_route users[] = {
	{ GET, "/api/v1/me", api_me, WEB_ROUTE_API, "signed_in" },
	{ GET, "/api/v1/users", api_users_list, WEB_ROUTE_API, "admin" },
	{ POST, "/api/v1/users", api_users_create, WEB_ROUTE_API, "admin" },
	{ GET, "/api/v1/users/{id}", api_users_get, WEB_ROUTE_API, "admin" },
	{ PATCH, "/api/v1/users/{id}", api_users_update, WEB_ROUTE_API,
	    "admin" },
	{ DELETE, "/api/v1/users/{id}", api_users_delete, WEB_ROUTE_API,
	    "admin" },
	{ GET, "/api/v1/keys", api_keys_list, WEB_ROUTE_API, "admin" },
	{ POST, "/api/v1/keys", api_keys_create, WEB_ROUTE_API, "admin" },
	{ GET, "/api/v1/keys/{id}", api_keys_get, WEB_ROUTE_API, "admin" },
	{ DELETE, "/api/v1/keys/{id}", api_keys_revoke, WEB_ROUTE_API,
	    "admin" },
	{ GET, "/users", ui_users, WEB_ROUTE_PAGE, "admin" },
	{ POST, "/users", ui_user_create, WEB_ROUTE_PAGE, "admin" },
	{ GET, "/users/{id}", ui_user_detail, WEB_ROUTE_PAGE, "admin" },
	{ POST, "/users/{id}", ui_user_save, WEB_ROUTE_PAGE, "admin" },
	{ POST, "/users/{id}/password", ui_user_password, WEB_ROUTE_PAGE,
	    "admin" },
	{ GET, "/users/{id}/delete", ui_user_delete_confirm, WEB_ROUTE_PAGE,
	    "admin" },
	{ POST, "/users/{id}/delete", ui_user_delete, WEB_ROUTE_PAGE, "admin" },
	{ POST, "/keys", ui_key_create, WEB_ROUTE_PAGE, "admin" },
	{ POST, "/keys/{id}/revoke", ui_key_revoke, WEB_ROUTE_PAGE, "admin" },
};

ROUTE_TABLE(routes_users, users);
