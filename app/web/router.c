/*
 * router.c: matching paths against patterns segment by segment.
 *
 * The route table is small (tens of routes), so a linear scan with an
 * early exit on the first differing literal is faster than anything
 * cleverer and keeps the table the one place to read.
 */
#include "web/router.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Length of the segment starting at s (up to '/' or the end). */
static size_t
segment_len(const char *s)
{
	return strcspn(s, "/");
}

static int
parse_id(const char *s, size_t n, int64_t *out)
{
	char digits[24];
	char *end;
	long long v;

	if (n == 0 || n >= sizeof(digits) || s[0] == '0')
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (!isdigit((unsigned char)digits[0]))
		return -1;
	errno = 0;
	v = strtoll(digits, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* Match one pattern; fill path values in req on success. */
static int
pattern_match(const char *pattern, const char *path, struct web_req *req)
{
	const char *values[WEB_PATH_PARAMS_MAX];
	size_t plen, slen, nvalues = 0, i;
	int64_t id = 0;

	for (;;) {
		if (*pattern != *path)
			return 0;
		if (*pattern == '\0')
			break;
		pattern++;
		path++;
		plen = segment_len(pattern);
		slen = segment_len(path);
		if (plen >= 2 && pattern[0] == '{') {
			if (slen == 0 || nvalues == WEB_PATH_PARAMS_MAX)
				return 0;
			if (strncmp(pattern, "{id}", 4) == 0 && id == 0 &&
			    parse_id(path, slen, &id) == -1)
				return 0;
			values[nvalues] = arena_strndup(req->arena, path, slen);
			if (values[nvalues] == NULL)
				return 0;
			nvalues++;
		} else if (plen != slen || strncmp(pattern, path, plen) != 0) {
			return 0;
		}
		pattern += plen;
		path += slen;
	}
	for (i = 0; i < nvalues; i++)
		req->path_values[i] = values[i];
	req->npath_values = nvalues;
	req->path_id = id;
	return 1;
}

enum web_match
web_route_match(const struct web_route *routes, size_t n, struct web_req *req,
    const struct web_route **route, unsigned *allow)
{
	enum web_method m = req->method == WEB_HEAD ? WEB_GET : req->method;
	size_t i;

	*route = NULL;
	*allow = 0;
	for (i = 0; i < n; i++) {
		if (!pattern_match(routes[i].pattern, req->path, req))
			continue;
		if (m < WEB_METHOD__MAX && (routes[i].methods & WEB_M(m))) {
			*route = &routes[i];
			req->route_index = i;
			return WEB_MATCH_FOUND;
		}
		if (*route == NULL)
			*route = &routes[i]; /* its kind shapes the 405 */
		*allow |= routes[i].methods;
	}
	if (*allow & WEB_M(WEB_GET))
		*allow |= WEB_M(WEB_HEAD);
	return *allow ? WEB_MATCH_METHOD : WEB_MATCH_NOT_FOUND;
}

int
web_route_is_api(const struct web_route *routes, size_t n, struct web_req *req)
{
	const struct web_route *route;
	unsigned allow;

	if (web_route_match(routes, n, req, &route, &allow) !=
	    WEB_MATCH_NOT_FOUND)
		return route->kind == WEB_ROUTE_API;
	return web_path_is_api(req->path);
}

void
web_allow_string(unsigned methods, struct buf *out)
{
	int i, first = 1;

	for (i = 0; i < WEB_METHOD__MAX; i++) {
		if (!(methods & WEB_M(i)))
			continue;
		if (!first)
			buf_puts(out, ", ");
		buf_puts(out, web_method_names[i]);
		first = 0;
	}
}

int
web_path_is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}
