/*
 * request.h: one HTTP request as CloudPAM's handlers see it.
 *
 * app/web turns the FastCGI parameters and body into typed, bounded
 * values before any handler runs: method, path, query, cookies, headers,
 * form fields and a JSON body.  Every string points into the request's
 * arena and is valid until the response is sent.  Limits are checked here
 * once; a request over a limit is answered 413 (body) or 400 (too many or
 * too long parameters, headers, fields or cookies).
 */
#ifndef CLOUDPAM_WEB_REQUEST_H
#define CLOUDPAM_WEB_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/err.h"

enum web_method {
	WEB_GET,
	WEB_HEAD,
	WEB_POST,
	WEB_PUT,
	WEB_PATCH,
	WEB_DELETE,
	WEB_OPTIONS,
	WEB_METHOD__MAX
};

/* Names indexed by enum web_method ("GET", ...). */
extern const char *const web_method_names[WEB_METHOD__MAX];

#define WEB_PATH_PARAMS_MAX 4

struct web_limits {
	size_t max_body;      /* bytes */
	size_t max_params;    /* FastCGI parameters, headers included */
	size_t max_param_len; /* bytes of one name=value */
	size_t max_fields;    /* query + form fields, cookies */
	size_t max_json_depth;
};

#define WEB_LIMITS_DEFAULT                                                     \
	{                                                                      \
		1048576, 200, 16384, 256, 32                                   \
	}

struct web_pair {
	const char *name;
	const char *value;
};

struct web_req {
	struct arena *arena;
	enum web_method method;
	const char *method_name;
	const char *path;         /* decoded, without the query */
	const char *raw_path;     /* as sent, without the query */
	const char *query;        /* after '?', or "" */
	const char *content_type; /* without parameters, lowercase */
	const char *remote_addr;
	const char *request_id;
	int https;

	struct web_pair *params; /* FastCGI parameters as sent */
	size_t nparams;
	struct web_pair *query_fields;
	size_t nquery_fields;
	struct web_pair *form_fields;
	size_t nform_fields;
	struct web_pair *cookies;
	size_t ncookies;

	const char *body; /* NUL-terminated; body_len bytes */
	size_t body_len;
	size_t content_length; /* from CONTENT_LENGTH */

	/* Filled by the router. */
	const char *path_values[WEB_PATH_PARAMS_MAX];
	size_t npath_values;
	int64_t path_id; /* first {id} parameter, or 0 */
	size_t route_index;

	void *app;      /* the application's context */
	void *identity; /* who is asking, set by the application */
	const struct web_limits *limits;
};

/*
 * Parse the FastCGI parameters envp (NULL-terminated "NAME=value"
 * strings) into req, using memory from arena.  The body is added later by
 * web_request_set_body.  Returns -1 with err filled (400 or 413) when the
 * request breaks a limit or is malformed; req is still usable for an error
 * answer then (method and path are filled when they could be read).
 */
int web_request_parse(struct web_req *req, struct arena *arena,
    char *const *envp, const struct web_limits *limits, struct err *err);

/*
 * Attach len bytes of body (copied into the arena) and parse it as a form
 * when the content type says so.  -1 with err (400, 413).
 */
int web_request_set_body(
    struct web_req *req, const char *body, size_t len, struct err *err);

/* A FastCGI parameter by exact, case-sensitive name, or NULL. */
const char *web_param(const struct web_req *req, const char *name);

/* A request header by name, case-insensitive ("X-Request-Id"), or NULL. */
const char *web_header(const struct web_req *req, const char *name);

/* A query field, a form field, a cookie by exact name, or NULL. */
const char *web_query(const struct web_req *req, const char *name);
const char *web_form(const struct web_req *req, const char *name);
const char *web_cookie(const struct web_req *req, const char *name);

/*
 * Parse the body as a JSON object.  Requires the content type
 * application/json (else 415), valid UTF-8, depth within the limit and a
 * top-level object (else 400 "invalid_json" with the position).  The
 * returned object belongs to the caller (json_object_put).
 */
int web_json_body(
    const struct web_req *req, struct json_object **out, struct err *err);

/*
 * Parse text as JSON into *out; the same checks as web_json_body without
 * the content type.  Exposed for the fuzzer.
 */
int web_json_parse(const char *text, size_t len, size_t max_depth,
    struct json_object **out, struct err *err);

/* Decode %XX and (when plus is nonzero) '+' in place.  -1 on a bad %. */
int web_url_decode(char *s, int plus);

/* Whether s is a sane client-supplied request id: 1..64 of [A-Za-z0-9._-]. */
int web_request_id_valid(const char *s);

#endif
