/*
 * routes_pages.c: the HTML pages of the IPAM (pools, blocks, accounts,
 * VRFs, special ranges).  The platform's own pages are in routes.c.
 */
#include "cmd/routes.h"

#include "ui/catalog_pages.h"
#include "ui/dashboard.h"
#include "ui/pool_detail.h"
#include "ui/pool_edit.h"
#include "ui/pools.h"

static const struct web_route pages[] = {
	{ GET, "/pools", ui_pools, WEB_ROUTE_PAGE, "read" },
	{ GET, "/pools/new", ui_pool_new, WEB_ROUTE_PAGE, "write" },
	{ POST, "/pools/new", ui_pool_create, WEB_ROUTE_PAGE, "write" },
	{ GET, "/pools/{id}", ui_pool_detail, WEB_ROUTE_PAGE, "read" },
	{ POST, "/pools/{id}/allocate", ui_pool_allocate, WEB_ROUTE_PAGE,
	    "write" },
	{ GET, "/pools/{id}/edit", ui_pool_edit, WEB_ROUTE_PAGE, "write" },
	{ POST, "/pools/{id}/edit", ui_pool_save, WEB_ROUTE_PAGE, "write" },
	{ GET, "/pools/{id}/delete", ui_pool_delete_confirm, WEB_ROUTE_PAGE,
	    "write" },
	{ POST, "/pools/{id}/delete", ui_pool_delete, WEB_ROUTE_PAGE, "write" },
	{ GET, "/blocks", ui_blocks, WEB_ROUTE_PAGE, "read" },
	{ GET, "/accounts", ui_accounts, WEB_ROUTE_PAGE, "read" },
	{ GET, "/accounts/{id}", ui_account_detail, WEB_ROUTE_PAGE, "read" },
	{ GET, "/vrfs", ui_vrfs, WEB_ROUTE_PAGE, "read" },
	{ POST, "/vrfs", ui_vrf_create, WEB_ROUTE_PAGE, "write" },
	{ GET, "/special-ranges", ui_special_ranges, WEB_ROUTE_PAGE, "read" },
	{ POST, "/special-ranges/{id}", ui_special_range_set, WEB_ROUTE_PAGE,
	    "admin" },
};

ROUTE_TABLE(routes_pages, pages);
