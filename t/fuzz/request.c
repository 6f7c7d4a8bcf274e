/*
 * Fuzz target: the request parser.  The input is FastCGI parameters, one
 * NAME=value per line, then an empty line and the body.  Every path of
 * web_request_parse, web_request_set_body, the cookie, query and form
 * readers and the router must survive any bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/request.h"
#include "web/router.h"

#define PARAMS_MAX 512

static int
noop(struct web_req *req, struct web_resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

static const struct web_route routes[] = {
	{ WEB_M(WEB_GET), "/", noop, WEB_ROUTE_PAGE, "" },
	{ WEB_M(WEB_GET) | WEB_M(WEB_POST), "/api/v1/pools", noop,
	    WEB_ROUTE_API, "" },
	{ WEB_M(WEB_GET), "/api/v1/pools/{id}/blocks", noop, WEB_ROUTE_API,
	    "" },
	{ WEB_M(WEB_PATCH), "/api/v1/x/{name}", noop, WEB_ROUTE_API, "" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *arena;
	struct web_limits limits = WEB_LIMITS_DEFAULT;
	char *params[PARAMS_MAX + 1];
	char *text, *line, *body = NULL, *nl;
	const struct web_route *route;
	struct json_object *obj;
	struct web_req req;
	struct err err = ERR_INIT;
	size_t n = 0, body_len = 0;
	unsigned allow;

	if (arena == NULL)
		arena = arena_new(65536);
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line != NULL && n < PARAMS_MAX; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		if (*line == '\0') {
			body = nl;
			break;
		}
		params[n++] = line;
	}
	params[n] = NULL;
	if (body != NULL)
		body_len = size - (size_t)(body - text);
	limits.max_body = 4096;
	if (web_request_parse(&req, arena, params, &limits, &err) == 0) {
		web_route_match(routes, 4, &req, &route, &allow);
		web_route_is_api(routes, 4, &req);
		if (body != NULL &&
		    web_request_set_body(&req, body, body_len, &err) == 0 &&
		    web_json_body(&req, &obj, &err) == 0)
			json_object_put(obj);
		web_cookie(&req, "theme");
		web_header(&req, "X-Request-Id");
		web_form(&req, "a");
	}
	arena_reset(arena);
	free(text);
	return 0;
}
