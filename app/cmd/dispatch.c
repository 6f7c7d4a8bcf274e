/*
 * dispatch.c: the life of one request inside a worker.
 */
#include "cmd/dispatch.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "api/auth.h"
#include "ipam/audit.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "ui/errors.h"
#include "web/router.h"

int
dispatch_state_init(struct dispatch_state *ds)
{
	unsigned char seed[8];
	size_t i;

	memset(ds, 0, sizeof(*ds));
	ds->arena = arena_new(64 * 1024);
	if (ds->arena == NULL)
		return -1;
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		unsigned long long fallback = (unsigned long long)getpid() ^
		                              (unsigned long long)time(NULL);
		memcpy(seed, &fallback, sizeof(seed));
	}
	for (i = 0; i < sizeof(seed); i++)
		snprintf(ds->id_prefix + 2 * i, 3, "%02x", seed[i]);
	return 0;
}

void
dispatch_state_free(struct dispatch_state *ds)
{
	arena_free(ds->arena);
	buf_free(&ds->body);
	buf_free(&ds->head);
	ds->arena = NULL;
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Read the whole body announced by CONTENT_LENGTH into the request. */
static int
read_body(struct web_req *req, const struct dispatch_io *io, struct err *err)
{
	size_t want = req->content_length, got = 0;
	char *data;
	ssize_t n;

	if (want == 0)
		return web_request_set_body(req, "", 0, err);
	data = arena_alloc(req->arena, want + 1);
	if (data == NULL)
		return err_set(err, 500, "internal", "out of memory");
	while (got < want) {
		n = io->read(io->ctx, data + got, want - got);
		if (n <= 0)
			return err_set(err, 400, "bad_request",
			    "the request body ended early");
		got += (size_t)n;
	}
	return web_request_set_body(req, data, got, err);
}

static void
answer_error(
    struct web_req *req, struct web_resp *resp, const struct err *err, int api)
{
	if (err->status >= 500)
		log_fields(LOG_LEVEL_ERROR, "request failed", "code", err->code,
		    "detail", err->message, NULL);
	if (api)
		web_fail(resp, err);
	else
		ui_error(req, resp, err);
}

/* Route and run the handler; errors become pages or envelopes. */
static void
route_and_run(struct app *app, struct web_req *req, struct web_resp *resp,
    const struct dispatch_io *io)
{
	const struct web_route *route;
	struct err err = ERR_INIT;
	struct buf allow = BUF_INIT;
	unsigned allowed;
	int api;

	switch (
	    web_route_match(app->routes, app->nroutes, req, &route, &allowed)) {
	case WEB_MATCH_NOT_FOUND:
		api = web_path_is_api(req->path);
		req->route_index = METRICS_ROUTES_MAX - 1;
		err_set(
		    &err, 404, "not_found", "no such page: %s", req->raw_path);
		if (api)
			web_fail(resp, &err);
		else
			ui_not_found(req, resp);
		return;
	case WEB_MATCH_METHOD:
		req->route_index = (size_t)(route - app->routes);
		web_allow_string(allowed, &allow);
		web_header_set(resp, "Allow",
		    arena_strdup(req->arena, allow.data ? allow.data : ""));
		buf_free(&allow);
		err_set(&err, 405, "method_not_allowed",
		    "%s is not allowed here", req->method_name);
		answer_error(req, resp, &err, route->kind == WEB_ROUTE_API);
		return;
	default:
		break;
	}
	api = route->kind == WEB_ROUTE_API;
	if (read_body(req, io, &err) == -1) {
		answer_error(req, resp, &err, api);
		return;
	}
	if (auth_gate(req, resp, route) != 0)
		return;
	if (route->handler(req, resp) == -1) {
		err_set(&err, 500, "internal", "handler failed");
		answer_error(req, resp, &err, api);
	}
}

static void
write_response(struct dispatch_state *ds, const struct web_req *req,
    struct web_resp *resp, const struct dispatch_io *io)
{
	if (resp->body->oom)
		web_text(
		    resp, 500, "text/plain; charset=utf-8", "internal error\n");
	buf_reset(&ds->head);
	web_response_head(resp, &ds->head);
	if (io->write(io->ctx, ds->head.data, ds->head.len) == -1)
		return;
	if (req->method != WEB_HEAD && resp->body->len > 0)
		io->write(io->ctx, resp->body->data, resp->body->len);
}

void
dispatch_request(struct app *app, struct dispatch_state *ds, char *const *envp,
    const struct dispatch_io *io)
{
	struct web_limits limits = WEB_LIMITS_DEFAULT;
	struct web_req req;
	struct web_resp resp;
	struct err err = ERR_INIT;
	uint64_t start = now_us(), elapsed;
	int parsed;

	limits.max_body = (size_t)config_int(app->cfg, CONFIG_MAX_BODY);
	parsed = web_request_parse(&req, ds->arena, envp, &limits, &err);
	req.app = app;
	if (req.request_id == NULL)
		req.request_id = arena_printf(
		    ds->arena, "%s%08llx", ds->id_prefix, ++ds->served);
	else
		ds->served++;
	log_set_request_id(req.request_id);
	web_response_init(&resp, ds->arena, &ds->body, req.request_id);
	if (parsed == -1) {
		req.route_index = METRICS_ROUTES_MAX - 1;
		answer_error(&req, &resp, &err,
		    web_route_is_api(app->routes, app->nroutes, &req));
	} else {
		route_and_run(app, &req, &resp, io);
	}
	write_response(ds, &req, &resp, io);
	elapsed = now_us() - start;
	metrics_request(req.route_index, resp.status, elapsed);
	log_access(req.method_name, req.raw_path, resp.status,
	    (double)elapsed / 1000.0, req.remote_addr);
	log_set_request_id(NULL);
	ipam_audit_set_actor(NULL);
	arena_reset(ds->arena);
}
