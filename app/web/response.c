/*
 * response.c: status, headers, JSON and error bodies.
 */
#include "web/response.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

static const struct {
	int status;
	const char *text;
} web_statuses[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 204, "No Content" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

const char *
web_status_text(int status)
{
	size_t i;

	for (i = 0; i < sizeof(web_statuses) / sizeof(web_statuses[0]); i++)
		if (web_statuses[i].status == status)
			return web_statuses[i].text;
	return "Unknown";
}

void
web_response_init(struct web_resp *resp, struct arena *arena, struct buf *body,
    const char *request_id)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
	resp->content_type = "text/plain; charset=utf-8";
	resp->arena = arena;
	resp->body = body;
	resp->request_id = request_id;
	buf_reset(body);
}

static int
header_name_valid(const char *name)
{
	if (*name == '\0')
		return 0;
	for (; *name != '\0'; name++)
		if (!isalnum((unsigned char)*name) && *name != '-')
			return 0;
	return 1;
}

int
web_header_set(struct web_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders >= WEB_HEADERS_MAX || !header_name_valid(name) ||
	    strpbrk(value, "\r\n") != NULL)
		return -1;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
	return 0;
}

int
web_header_setf(struct web_resp *resp, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = arena_vprintf(resp->arena, fmt, ap);
	va_end(ap);
	if (value == NULL)
		return -1;
	return web_header_set(resp, name, value);
}

int
web_json(struct web_resp *resp, int status, struct json_object *obj)
{
	const char *text;
	size_t len;

	resp->status = status;
	resp->content_type = "application/json";
	buf_reset(resp->body);
	text = json_object_to_json_string_length(
	    obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	buf_append(resp->body, text, len);
	buf_putc(resp->body, '\n');
	json_object_put(obj);
	return 0;
}

int
web_text(struct web_resp *resp, int status, const char *content_type,
    const char *text)
{
	resp->status = status;
	resp->content_type = content_type;
	buf_reset(resp->body);
	buf_puts(resp->body, text);
	return 0;
}

int
web_redirect(struct web_resp *resp, int status, const char *location)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(resp->body);
	/* A local path only: "//host" would leave the site. */
	if (location[0] != '/' || location[1] == '/' || location[1] == '\\')
		location = "/";
	/* A copy: callers pass buffers of their own stack frame. */
	if (web_header_setf(resp, "Location", "%s", location) == -1)
		web_header_set(resp, "Location", "/");
	buf_puts(resp->body, "See ");
	buf_puts(resp->body, "the new location.\n");
	return 0;
}

int
web_fail(struct web_resp *resp, const struct err *err)
{
	struct json_object *o, *detail;
	int status =
	    err->status >= 400 && err->status <= 599 ? err->status : 500;

	o = json_object_new_object();
	detail = json_object_new_object();
	if (status >= 500 && status != 503) {
		json_object_object_add(
		    o, "error", json_object_new_string("internal"));
		json_object_object_add(o, "message",
		    json_object_new_string(
		        "internal error; quote the request id to support"));
	} else {
		json_object_object_add(o, "error",
		    json_object_new_string(err->code[0] ? err->code : "error"));
		json_object_object_add(
		    o, "message", json_object_new_string(err->message));
		if (err->field[0] != '\0')
			json_object_object_add(detail, "field",
			    json_object_new_string(err->field));
	}
	if (resp->request_id != NULL)
		json_object_object_add(detail, "request_id",
		    json_object_new_string(resp->request_id));
	json_object_object_add(o, "detail", detail);
	return web_json(resp, status, o);
}

void
web_response_head(const struct web_resp *resp, struct buf *out)
{
	size_t i;

	buf_printf(out,
	    "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Content-Security-Policy: " WEB_CSP "\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "X-Frame-Options: DENY\r\n",
	    resp->status, web_status_text(resp->status), resp->content_type,
	    resp->body->len);
	if (resp->request_id != NULL)
		buf_printf(out, "X-Request-Id: %s\r\n", resp->request_id);
	for (i = 0; i < resp->nheaders; i++)
		buf_printf(out, "%s: %s\r\n", resp->headers[i].name,
		    resp->headers[i].value);
	buf_puts(out, "\r\n");
}
