/*
 * routes_identity.c: signing in and out, first start, one's own account.
 */
#include "cmd/routes.h"

#include "ui/login.h"

static const struct web_route identity[] = {
	{ GET, "/login", ui_login, WEB_ROUTE_PAGE, "public" },
	{ POST, "/login", ui_login_post, WEB_ROUTE_PAGE, "public" },
	{ POST, "/logout", ui_logout, WEB_ROUTE_PAGE, "signed_in" },
	{ GET, "/setup", ui_setup, WEB_ROUTE_PAGE, "public" },
	{ POST, "/setup", ui_setup_post, WEB_ROUTE_PAGE, "public" },
	{ GET, "/account", ui_account, WEB_ROUTE_PAGE, "signed_in" },
	{ POST, "/account/password", ui_account_password, WEB_ROUTE_PAGE,
	    "signed_in" },
};

ROUTE_TABLE(routes_identity, identity);
