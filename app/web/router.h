/*
 * router.h: finding the handler for a method and path.
 *
 * Routes are a static table.  A pattern is a path whose segments may be
 * parameters: "{id}" takes a positive decimal integer (stored in
 * req->path_id and path_values), "{name}" any non-empty segment.  A path
 * that matches a pattern but not its methods is a 405 with an Allow
 * header; a path that matches none is a 404.  HEAD is served by GET
 * routes.
 */
#ifndef CLOUDPAM_WEB_ROUTER_H
#define CLOUDPAM_WEB_ROUTER_H

#include <stddef.h>

#include "web/request.h"
#include "web/response.h"

typedef int (*web_handler_fn)(struct web_req *req, struct web_resp *resp);

#define WEB_M(m) (1u << (m))

enum web_route_kind {
	WEB_ROUTE_PAGE, /* HTML; errors as pages */
	WEB_ROUTE_API,  /* JSON; errors as the envelope */
	WEB_ROUTE__MAX
};

struct web_route {
	unsigned methods;    /* WEB_M(WEB_GET) | ... */
	const char *pattern; /* "/api/v1/pools/{id}" */
	web_handler_fn handler;
	enum web_route_kind kind;
	const char *permission; /* what the caller must hold; "" public */
};

enum web_match {
	WEB_MATCH_FOUND,
	WEB_MATCH_NOT_FOUND,
	WEB_MATCH_METHOD, /* path known, method not allowed */
	WEB_MATCH__MAX
};

/*
 * Match req's method and path against routes[0..n).  On FOUND the route
 * is returned in *route and its index in req->route_index, with the path
 * parameters filled.  On METHOD, *allow receives the allowed methods and
 * *route the first route whose path matched.
 */
enum web_match web_route_match(const struct web_route *routes, size_t n,
    struct web_req *req, const struct web_route **route, unsigned *allow);

/* Append "GET, HEAD, POST" for a method mask. */
void web_allow_string(unsigned methods, struct buf *out);

/*
 * Whether errors for req should be JSON: its path belongs to an API route,
 * or (matching none) starts with /api/.
 */
int web_route_is_api(
    const struct web_route *routes, size_t n, struct web_req *req);

/* Whether path looks like an API path ("/api/..."), for error bodies. */
int web_path_is_api(const char *path);

#endif
