/*
 * Unit tests for app/web: request parsing, limits, URL decoding, cookies,
 * forms, JSON bodies, field tables, the router and the response head.
 */
#include "unit/tap.h"
#include "web/fields.h"
#include "web/request.h"
#include "web/response.h"
#include "web/router.h"

#include <string.h>

static struct web_limits limits = WEB_LIMITS_DEFAULT;

static int
parse(struct web_req *req, struct arena *a, char **envp, struct err *err)
{
	err_clear(err);
	arena_reset(a);
	return web_request_parse(req, a, envp, &limits, err);
}

static void
test_parse(struct arena *a)
{
	struct web_req req;
	struct err err;
	char *env[] = { "REQUEST_METHOD=POST",
		"REQUEST_URI=/api/v1/pools/12?x=1&y=a+b&z=%41%42&flag",
		"HTTP_COOKIE=theme=dark; other=1;  sp=%20",
		"HTTP_X_REQUEST_ID=abc.DEF-1_2",
		"CONTENT_TYPE=Application/X-WWW-Form-Urlencoded; charset=utf-8",
		"CONTENT_LENGTH=11", "REMOTE_ADDR=127.0.0.1", "HTTPS=on",
		NULL };

	tap_int(parse(&req, a, env, &err), 0, "parse a full request");
	tap_int(req.method, WEB_POST, "method POST");
	tap_str(req.path, "/api/v1/pools/12", "path without query");
	tap_str(web_query(&req, "y"), "a b", "query '+' is a space");
	tap_str(web_query(&req, "z"), "AB", "query %41%42 decoded");
	tap_str(web_query(&req, "flag"), "", "field without = is empty");
	tap_ok(web_query(&req, "nope") == NULL, "absent query field is NULL");
	tap_str(web_cookie(&req, "theme"), "dark", "cookie theme");
	tap_str(web_cookie(&req, "sp"), "%20", "cookie values not decoded");
	tap_str(req.request_id, "abc.DEF-1_2", "sane request id kept");
	tap_str(req.content_type, "application/x-www-form-urlencoded",
	    "content type lowercased, parameters dropped");
	tap_int((long long)req.content_length, 11, "content length");
	tap_ok(req.https, "HTTPS=on");
	tap_str(web_header(&req, "x-request-id"), "abc.DEF-1_2",
	    "header lookup is case-insensitive");
	tap_int(
	    web_request_set_body(&req, "a=1&b=%3Cx", 10, &err), 0, "form body");
	tap_str(web_form(&req, "b"), "<x", "form field decoded");
}

static void
test_refusals(struct arena *a)
{
	static char big[20000];
	struct web_req req;
	struct err err;
	char *bad_pct[] = { "REQUEST_URI=/x?a=%zz", NULL };
	char *nul_pct[] = { "REQUEST_URI=/x?a=%00", NULL };
	char *too_big[] = { "REQUEST_URI=/", "CONTENT_LENGTH=99999999", NULL };
	char *bad_len[] = { "REQUEST_URI=/", "CONTENT_LENGTH=12ab", NULL };
	char *neg_len[] = { "REQUEST_URI=/", "CONTENT_LENGTH=-1", NULL };
	char *long_param[] = { big, NULL };
	char *bad_id[] = { "REQUEST_URI=/", "HTTP_X_REQUEST_ID=a b", NULL };
	char *many[300];
	int i;

	tap_int(parse(&req, a, bad_pct, &err), -1, "refuse %zz");
	tap_int(err.status, 400, "%zz is 400");
	tap_int(parse(&req, a, nul_pct, &err), -1, "refuse %00");
	tap_int(parse(&req, a, too_big, &err), -1, "refuse a huge body");
	tap_int(err.status, 413, "huge body is 413");
	tap_str(err.code, "body_too_large", "huge body code");
	tap_int(
	    parse(&req, a, bad_len, &err), -1, "refuse Content-Length 12ab");
	tap_int(parse(&req, a, neg_len, &err), -1, "refuse Content-Length -1");
	memcpy(big, "HTTP_X=", 7);
	memset(big + 7, 'x', sizeof(big) - 8);
	tap_int(parse(&req, a, long_param, &err), -1, "refuse a long header");
	tap_str(err.code, "header_too_long", "long header code");
	for (i = 0; i < 299; i++)
		many[i] = "HTTP_X=1";
	many[299] = NULL;
	tap_int(parse(&req, a, many, &err), -1, "refuse too many headers");
	tap_str(err.code, "too_many_headers", "too many headers code");
	tap_int(parse(&req, a, bad_id, &err), 0, "insane request id ignored");
	tap_ok(req.request_id == NULL, "no request id taken from a bad one");
}

static void
test_json(void)
{
	static const struct {
		const char *text;
		int rc;
		const char *code;
		const char *name;
	} cases[] = {
		{ "{\"a\":1}", 0, "", "object" },
		{ "", -1, "invalid_json", "empty" },
		{ "[1]", -1, "invalid_json", "array" },
		{ "{\"a\":", -1, "invalid_json", "truncated" },
		{ "{\"a\":1} x", -1, "invalid_json", "trailing data" },
		{ "{\"a\":\"\xff\"}", -1, "invalid_json", "bad UTF-8" },
		{ "{'a':1}", -1, "invalid_json", "single quotes" },
		{ "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]"
		  "]"
		  "]]]]]]]]]]]]]]]]]]]]}",
		    -1, "invalid_json", "too deep" },
	};
	struct json_object *o;
	struct err err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_clear(&err);
		rc = web_json_parse(
		    cases[i].text, strlen(cases[i].text), 32, &o, &err);
		tap_ok(
		    rc == cases[i].rc && strcmp(err.code, cases[i].code) == 0,
		    "json: %s", cases[i].name);
		if (rc != cases[i].rc)
			tap_diag("have rc %d (%s); want %d", rc, err.message,
			    cases[i].rc);
		json_object_put(o);
	}
}

static void
test_fields(void)
{
	static const struct web_field fields[] = {
		{ "name", WEB_FIELD_STRING, WEB_REQUIRED, 1, 5 },
		{ "len", WEB_FIELD_INT, 0, 0, 32 },
		{ "on", WEB_FIELD_BOOL, 0, 0, 1 },
	};
	static const struct {
		const char *text;
		const char *code;
		const char *field;
	} cases[] = {
		{ "{\"name\":\"ab\",\"len\":8,\"on\":true}", "", "" },
		{ "{\"len\":8}", "missing_field", "name" },
		{ "{\"name\":\"ab\",\"x\":1}", "unknown_field", "" },
		{ "{\"name\":1}", "invalid_type", "name" },
		{ "{\"name\":\"abcdef\"}", "invalid_value", "name" },
		{ "{\"name\":\"\"}", "invalid_value", "name" },
		{ "{\"name\":\"a\",\"len\":\"8\"}", "invalid_type", "len" },
		{ "{\"name\":\"a\",\"len\":33}", "invalid_value", "len" },
		{ "{\"name\":\"a\",\"len\":8.5}", "invalid_type", "len" },
		{ "{\"name\":\"a\",\"on\":1}", "invalid_type", "on" },
		{ "{\"name\":\"a\\u0001\"}", "invalid_value", "name" },
	};
	struct web_value v[3];
	struct json_object *o;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_clear(&err);
		o = json_tokener_parse(cases[i].text);
		web_fields_json(o, fields, 3, v, &err);
		tap_ok(strcmp(err.code, cases[i].code) == 0 &&
		           strcmp(err.field, cases[i].field) == 0,
		    "fields: %s", cases[i].text);
		if (strcmp(err.code, cases[i].code) != 0)
			tap_diag("have %s (%s); want %s", err.code, err.message,
			    cases[i].code);
		json_object_put(o);
	}
	tap_ok(web_text_valid("caf\xc3\xa9", 5), "UTF-8 é accepted");
	tap_ok(!web_text_valid("\xc0\xaf", 2), "overlong UTF-8 refused");
	tap_ok(!web_text_valid("\xed\xa0\x80", 3), "surrogate refused");
	tap_ok(!web_text_valid("\xe2\x82", 2), "truncated sequence refused");
	tap_ok(web_text_valid("\xf0\x9f\x98\x80", 4), "emoji accepted");
}

static int
handler(struct web_req *req, struct web_resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

static void
test_router(struct arena *a)
{
	static const struct web_route routes[] = {
		{ WEB_M(WEB_GET), "/", handler, WEB_ROUTE_PAGE, "" },
		{ WEB_M(WEB_GET) | WEB_M(WEB_POST), "/api/v1/pools", handler,
		    WEB_ROUTE_API, "" },
		{ WEB_M(WEB_GET), "/api/v1/pools/{id}", handler, WEB_ROUTE_API,
		    "" },
		{ WEB_M(WEB_DELETE), "/api/v1/pools/{id}", handler,
		    WEB_ROUTE_API, "" },
		{ WEB_M(WEB_GET), "/api/v1/tags/{name}/x", handler,
		    WEB_ROUTE_API, "" },
	};
	static const struct {
		const char *method, *uri;
		enum web_match want;
		size_t index;
		long long id;
	} cases[] = {
		{ "GET", "/", WEB_MATCH_FOUND, 0, 0 },
		{ "HEAD", "/", WEB_MATCH_FOUND, 0, 0 },
		{ "GET", "/api/v1/pools", WEB_MATCH_FOUND, 1, 0 },
		{ "POST", "/api/v1/pools", WEB_MATCH_FOUND, 1, 0 },
		{ "GET", "/api/v1/pools/42", WEB_MATCH_FOUND, 2, 42 },
		{ "DELETE", "/api/v1/pools/42", WEB_MATCH_FOUND, 3, 42 },
		{ "PUT", "/api/v1/pools/42", WEB_MATCH_METHOD, 0, 0 },
		{ "GET", "/api/v1/pools/042", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/api/v1/pools/0", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/api/v1/pools/-1", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/api/v1/pools/99999999999999999999",
		    WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/api/v1/pools/12x", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/api/v1/pools/", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/api/v1/pools/1/2", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/api/v1/tags/env/x", WEB_MATCH_FOUND, 4, 0 },
		{ "GET", "/api/v1/tags//x", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "GET", "/nope", WEB_MATCH_NOT_FOUND, 0, 0 },
		{ "BREW", "/", WEB_MATCH_METHOD, 0, 0 },
	};
	const struct web_route *route;
	struct web_req req;
	struct err err;
	unsigned allow;
	char m[64], u[128];
	char *env[] = { m, u, NULL };
	enum web_match got;
	size_t i;
	int pass;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(m, sizeof(m), "REQUEST_METHOD=%s", cases[i].method);
		snprintf(u, sizeof(u), "REQUEST_URI=%s", cases[i].uri);
		parse(&req, a, env, &err);
		got = web_route_match(routes, 5, &req, &route, &allow);
		pass = got == cases[i].want;
		if (pass && got == WEB_MATCH_FOUND)
			pass = req.route_index == cases[i].index &&
			       req.path_id == cases[i].id;
		tap_ok(pass, "route %s %s", cases[i].method, cases[i].uri);
	}
	snprintf(m, sizeof(m), "REQUEST_METHOD=PUT");
	snprintf(u, sizeof(u), "REQUEST_URI=/api/v1/pools/7");
	parse(&req, a, env, &err);
	web_route_match(routes, 5, &req, &route, &allow);
	{
		struct buf b = BUF_INIT;

		web_allow_string(allow, &b);
		tap_str(b.data, "GET, HEAD, DELETE", "Allow for /pools/{id}");
		buf_free(&b);
	}
	snprintf(u, sizeof(u), "REQUEST_URI=/api/v1/tags/a%%2Fb/x");
	snprintf(m, sizeof(m), "REQUEST_METHOD=GET");
	parse(&req, a, env, &err);
	tap_int(web_route_match(routes, 5, &req, &route, &allow),
	    WEB_MATCH_NOT_FOUND, "an encoded slash is not a segment break");
}

static void
test_response(struct arena *a)
{
	struct web_resp resp;
	struct buf body = BUF_INIT, head = BUF_INIT;
	struct err err = ERR_INIT;

	web_response_init(&resp, a, &body, "rid1");
	tap_int(web_header_set(&resp, "X-Evil", "a\r\nSet-Cookie: x=1"), -1,
	    "header value with CR LF refused");
	tap_int(web_header_set(&resp, "Bad Name", "v"), -1,
	    "header name with a space refused");
	err_set(&err, 500, "database", "SQLITE secret path /var/x");
	web_fail(&resp, &err);
	tap_ok(strstr(body.data, "secret") == NULL,
	    "a 500 does not leak its message");
	tap_ok(strstr(body.data, "\"request_id\":\"rid1\"") != NULL,
	    "a 500 names the request id");
	web_response_head(&resp, &head);
	tap_ok(strncmp(
	           head.data, "Status: 500 Internal Server Error\r\n", 35) == 0,
	    "status line");
	tap_ok(strstr(head.data, "Content-Security-Policy: default-src "
	                         "'none';") != NULL,
	    "CSP in the head");
	web_redirect(&resp, 303, "//evil.example/");
	tap_str(resp.headers[resp.nheaders - 1].value, "/",
	    "protocol-relative redirect refused");
	buf_free(&body);
	buf_free(&head);
}

int
main(void)
{
	struct arena *a = arena_new(4096);

	test_parse(a);
	test_refusals(a);
	test_json();
	test_fields();
	test_router(a);
	test_response(a);
	arena_free(a);
	return tap_done();
}
