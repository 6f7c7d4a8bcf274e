/*
 * request.c: parsing FastCGI parameters, query strings, forms, cookies and
 * JSON bodies, within the limits of struct web_limits.
 *
 * Nothing from the client is trusted here: every count and length is
 * checked before it is used, and strings are copied into the request's
 * arena so the parsed request owns its memory.
 */
#include "web/request.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const web_method_names[WEB_METHOD__MAX] = {
	"GET",     /* WEB_GET */
	"HEAD",    /* WEB_HEAD */
	"POST",    /* WEB_POST */
	"PUT",     /* WEB_PUT */
	"PATCH",   /* WEB_PATCH */
	"DELETE",  /* WEB_DELETE */
	"OPTIONS", /* WEB_OPTIONS */
};

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
web_url_decode(char *s, int plus)
{
	char *out = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+' && plus) {
			*out++ = ' ';
		} else if (*s == '%') {
			hi = hex_value((unsigned char)s[1]);
			lo = hi == -1 ? -1 : hex_value((unsigned char)s[2]);
			if (lo == -1)
				return -1;
			/* A decoded NUL would cut the string short. */
			if (hi == 0 && lo == 0)
				return -1;
			*out++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
	return 0;
}

int
web_request_id_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' &&
		    s[n] != '_' && s[n] != '-')
			return 0;
	return n >= 1 && n <= 64;
}

static enum web_method
method_parse(const char *s)
{
	int i;

	for (i = 0; i < WEB_METHOD__MAX; i++)
		if (strcmp(s, web_method_names[i]) == 0)
			return (enum web_method)i;
	return WEB_METHOD__MAX;
}

enum pairs_decode {
	PAIRS_RAW,     /* cookies: values are opaque (RFC 6265) */
	PAIRS_PERCENT, /* %XX */
	PAIRS_FORM,    /* %XX and '+' for space (forms, query strings) */
	PAIRS__MAX
};

/*
 * Split text on sep into name=value pairs, decoded as asked.  A field
 * without '=' has the value "".  Empty segments ("a=1&&b=2") are skipped.
 */
static int
pairs_parse(struct web_req *req, const char *text, char sep,
    enum pairs_decode decode, int trim, struct web_pair **out, size_t *count,
    const char *what, struct err *err)
{
	const struct web_limits *lim = req->limits;
	struct web_pair *pairs;
	char *copy, *segment, *next, *eq;
	size_t n = 0, i;

	*out = NULL;
	*count = 0;
	if (text == NULL || text[0] == '\0')
		return 0;
	for (i = 0, n = 1; text[i] != '\0'; i++)
		n += text[i] == sep;
	if (n > lim->max_fields)
		return err_set(err, 400, "too_many_fields",
		    "too many %s (at most %zu)", what, lim->max_fields);
	copy = arena_strdup(req->arena, text);
	pairs = arena_calloc(req->arena, n, sizeof(*pairs));
	if (copy == NULL || pairs == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (n = 0, segment = copy; segment != NULL; segment = next) {
		next = strchr(segment, sep);
		if (next != NULL)
			*next++ = '\0';
		while (trim && *segment == ' ')
			segment++;
		if (*segment == '\0')
			continue;
		eq = strchr(segment, '=');
		if (eq != NULL)
			*eq++ = '\0';
		if (decode != PAIRS_RAW &&
		    (web_url_decode(segment, decode == PAIRS_FORM) == -1 ||
		        (eq != NULL &&
		            web_url_decode(eq, decode == PAIRS_FORM) == -1)))
			return err_set(err, 400, "bad_encoding",
			    "malformed percent-encoding in %s", what);
		pairs[n].name = segment;
		pairs[n].value = eq != NULL ? eq : "";
		n++;
	}
	*out = pairs;
	*count = n;
	return 0;
}

static const char *
pairs_find(const struct web_pair *pairs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(pairs[i].name, name) == 0)
			return pairs[i].value;
	return NULL;
}

/* Copy envp into req->params, checking count and lengths. */
static int
params_copy(struct web_req *req, char *const *envp, struct err *err)
{
	const struct web_limits *lim = req->limits;
	size_t n, i, len;
	char *copy, *eq;

	for (n = 0; envp[n] != NULL; n++)
		if (n >= lim->max_params)
			return err_set(err, 400, "too_many_headers",
			    "too many request headers (at most %zu)",
			    lim->max_params);
	req->params = arena_calloc(req->arena, n ? n : 1, sizeof(*req->params));
	if (req->params == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < n; i++) {
		len = strlen(envp[i]);
		if (len > lim->max_param_len)
			return err_set(err, 400, "header_too_long",
			    "a request header is longer than %zu bytes",
			    lim->max_param_len);
		copy = arena_strndup(req->arena, envp[i], len);
		if (copy == NULL)
			return err_set(err, 500, "internal", "out of memory");
		eq = strchr(copy, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		req->params[req->nparams].name = copy;
		req->params[req->nparams].value = eq + 1;
		req->nparams++;
	}
	return 0;
}

/* A parameter straight from envp, before the copy (for error answers). */
static const char *
envp_find(char *const *envp, const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
			return envp[i] + n + 1;
	return NULL;
}

/* The path and query from REQUEST_URI (Apache sends no PATH_INFO). */
static int
path_parse(struct web_req *req, const char *uri, struct err *err)
{
	const char *q;
	char *path;

	if (uri == NULL || uri[0] != '/')
		uri = "/";
	q = strchr(uri, '?');
	req->raw_path = q ? arena_strndup(req->arena, uri, (size_t)(q - uri))
	                  : arena_strdup(req->arena, uri);
	req->query = q ? arena_strdup(req->arena, q + 1) : "";
	if (req->raw_path == NULL || req->query == NULL)
		return err_set(err, 500, "internal", "out of memory");
	path = arena_strdup(req->arena, req->raw_path);
	if (path == NULL)
		return err_set(err, 500, "internal", "out of memory");
	req->path = req->raw_path;
	if (web_url_decode(path, 0) == -1)
		return err_set(err, 400, "bad_encoding",
		    "malformed percent-encoding in the path");
	req->path = path;
	return 0;
}

static void
content_type_parse(struct web_req *req)
{
	const char *ct = web_param(req, "CONTENT_TYPE");
	size_t n, i;
	char *lower;

	req->content_type = "";
	if (ct == NULL)
		return;
	n = strcspn(ct, "; ");
	lower = arena_strndup(req->arena, ct, n);
	if (lower == NULL)
		return;
	for (i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)lower[i]);
	req->content_type = lower;
}

static int
content_length_parse(struct web_req *req, struct err *err)
{
	const char *cl = web_param(req, "CONTENT_LENGTH");
	unsigned long long v;
	char *end;

	req->content_length = 0;
	if (cl == NULL || cl[0] == '\0')
		return 0;
	if (!isdigit((unsigned char)cl[0]))
		return err_set(
		    err, 400, "bad_request", "Content-Length is not a number");
	errno = 0;
	v = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0')
		return err_set(
		    err, 400, "bad_request", "Content-Length is not a number");
	if (v > req->limits->max_body)
		return err_set(err, 413, "body_too_large",
		    "the request body is larger than %zu bytes",
		    req->limits->max_body);
	req->content_length = (size_t)v;
	return 0;
}

int
web_request_parse(struct web_req *req, struct arena *arena, char *const *envp,
    const struct web_limits *limits, struct err *err)
{
	const char *m, *https, *id;

	memset(req, 0, sizeof(*req));
	req->arena = arena;
	req->limits = limits;
	req->method = WEB_GET;
	req->method_name = "GET";
	req->path = req->raw_path = "/";
	req->query = "";
	req->content_type = "";
	req->remote_addr = "";
	/*
	 * Method and path first, straight from envp, so that even a request
	 * refused for its headers is answered in the right form.
	 */
	m = envp_find(envp, "REQUEST_METHOD");
	req->method_name = m && strlen(m) < 16 ? m : "GET";
	req->method = method_parse(req->method_name);
	if (path_parse(req, envp_find(envp, "REQUEST_URI"), err) == -1 ||
	    params_copy(req, envp, err) == -1)
		return -1;
	req->remote_addr = web_param(req, "REMOTE_ADDR");
	if (req->remote_addr == NULL)
		req->remote_addr = "";
	https = web_param(req, "HTTPS");
	req->https = https != NULL && strcasecmp(https, "on") == 0;
	/* The client's id when sane, else the front server's ($request_id). */
	id = web_param(req, "HTTP_X_REQUEST_ID");
	if (id == NULL || !web_request_id_valid(id))
		id = web_param(req, "REQUEST_ID");
	if (id != NULL && web_request_id_valid(id))
		req->request_id = id;
	content_type_parse(req);
	if (content_length_parse(req, err) == -1)
		return -1;
	if (pairs_parse(req, req->query, '&', PAIRS_FORM, 0, &req->query_fields,
	        &req->nquery_fields, "query parameters", err) == -1)
		return -1;
	if (pairs_parse(req, web_param(req, "HTTP_COOKIE"), ';', PAIRS_RAW, 1,
	        &req->cookies, &req->ncookies, "cookies", err) == -1)
		return -1;
	return 0;
}

int
web_request_set_body(
    struct web_req *req, const char *body, size_t len, struct err *err)
{
	if (len > req->limits->max_body)
		return err_set(err, 413, "body_too_large",
		    "the request body is larger than %zu bytes",
		    req->limits->max_body);
	req->body = arena_strndup(req->arena, body, len);
	if (req->body == NULL)
		return err_set(err, 500, "internal", "out of memory");
	req->body_len = len;
	if (strcmp(req->content_type, "application/x-www-form-urlencoded") != 0)
		return 0;
	if (memchr(body, '\0', len) != NULL)
		return err_set(
		    err, 400, "bad_encoding", "the form contains a NUL byte");
	return pairs_parse(req, req->body, '&', PAIRS_FORM, 0,
	    &req->form_fields, &req->nform_fields, "form fields", err);
}

const char *
web_param(const struct web_req *req, const char *name)
{
	return pairs_find(req->params, req->nparams, name);
}

const char *
web_header(const struct web_req *req, const char *name)
{
	char key[128];
	size_t i, n = strlen(name);

	if (n + 6 > sizeof(key))
		return NULL;
	memcpy(key, "HTTP_", 5);
	for (i = 0; i < n; i++)
		key[5 + i] = name[i] == '-'
		                 ? '_'
		                 : (char)toupper((unsigned char)name[i]);
	key[5 + n] = '\0';
	return web_param(req, key);
}

const char *
web_query(const struct web_req *req, const char *name)
{
	return pairs_find(req->query_fields, req->nquery_fields, name);
}

const char *
web_form(const struct web_req *req, const char *name)
{
	return pairs_find(req->form_fields, req->nform_fields, name);
}

const char *
web_cookie(const struct web_req *req, const char *name)
{
	return pairs_find(req->cookies, req->ncookies, name);
}

/*
 * json-c accepts 'single-quoted' names even in strict mode; JSON (RFC
 * 8259) does not.  Returns the offset of the first quote outside a
 * string, or len when there is none.
 */
static size_t
single_quote_at(const char *text, size_t len)
{
	size_t i;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (text[i] == '\\')
				i++;
			else if (text[i] == '"')
				in_string = 0;
		} else if (text[i] == '"') {
			in_string = 1;
		} else if (text[i] == '\'') {
			return i;
		}
	}
	return len;
}

int
web_json_parse(const char *text, size_t len, size_t max_depth,
    struct json_object **out, struct err *err)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t offset;

	*out = NULL;
	if (len == 0)
		return err_set(err, 400, "invalid_json",
		    "the request body is empty; a JSON object is expected");
	if (len > INT32_MAX)
		return err_set(err, 413, "body_too_large", "body too large");
	if ((offset = single_quote_at(text, len)) != len)
		return err_set(err, 400, "invalid_json",
		    "malformed JSON at byte %zu: strings and names take double "
		    "quotes",
		    offset);
	tok = json_tokener_new_ex((int)max_depth);
	if (tok == NULL)
		return err_set(err, 500, "internal", "out of memory");
	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	offset = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success || obj == NULL || offset != len) {
		json_object_put(obj);
		if (jerr == json_tokener_success)
			return err_set(err, 400, "invalid_json",
			    "unexpected data after the JSON value at byte %zu",
			    offset);
		return err_set(err, 400, "invalid_json",
		    "malformed JSON at byte %zu: %s", offset,
		    jerr == json_tokener_continue
		        ? "unexpected end of input"
		        : json_tokener_error_desc(jerr));
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return err_set(err, 400, "invalid_json",
		    "the request body must be a JSON object");
	}
	*out = obj;
	return 0;
}

int
web_json_body(
    const struct web_req *req, struct json_object **out, struct err *err)
{
	*out = NULL;
	if (strcmp(req->content_type, "application/json") != 0)
		return err_set(err, 415, "unsupported_media_type",
		    "send the body as application/json");
	return web_json_parse(req->body ? req->body : "", req->body_len,
	    req->limits->max_json_depth, out, err);
}
