/*
 * health.c: the endpoints operators and load balancers poll.
 *
 * /healthz must stay cheap and never touch the database: it says the
 * worker answers.  /readyz is what a load balancer should use to decide
 * whether to send traffic here.
 */
#include "api/health.h"

#include "api/app.h"
#include "lib/metrics.h"
#include "store/store.h"

extern const char cloudpam_openapi_yaml[];

int
api_healthz(struct web_req *req, struct web_resp *resp)
{
	struct json_object *o = json_object_new_object();

	(void)req;
	json_object_object_add(o, "status", json_object_new_string("ok"));
	return web_json(resp, 200, o);
}

int
api_readyz(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	struct json_object *o;

	if (store_check_ready(app->store, &err) == -1) {
		err.status = 503;
		return web_fail(resp, &err);
	}
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string("ready"));
	json_object_object_add(
	    o, "database", json_object_new_string(store_backend(app->store)));
	return web_json(resp, 200, o);
}

int
api_metrics(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;

	resp->status = 200;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	buf_reset(resp->body);
	metrics_render(resp->body, app->route_labels, app->nroutes,
	    CLOUDPAM_VERSION, CLOUDPAM_REVISION);
	return 0;
}

int
api_status(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_schema schema;
	struct err err = ERR_INIT;
	struct json_object *o, *db;
	char *name;

	if (store_schema(app->store, &schema, &err) == -1 ||
	    store_setting_get(
	        app->store, "instance_name", req->arena, &name, &err) == -1)
		return web_fail(resp, &err);
	o = json_object_new_object();
	db = json_object_new_object();
	json_object_object_add(
	    o, "name", json_object_new_string(name ? name : "CloudPAM"));
	json_object_object_add(
	    o, "version", json_object_new_string(CLOUDPAM_VERSION));
	json_object_object_add(
	    o, "revision", json_object_new_string(CLOUDPAM_REVISION));
	json_object_object_add(
	    db, "backend", json_object_new_string(store_backend(app->store)));
	json_object_object_add(
	    db, "schema_version", json_object_new_int(schema.current));
	json_object_object_add(
	    db, "schema_known", json_object_new_int(schema.known));
	json_object_object_add(o, "database", db);
	return web_json(resp, 200, o);
}

int
api_openapi(struct web_req *req, struct web_resp *resp)
{
	(void)req;
	web_header_set(resp, "Cache-Control", "public, max-age=300");
	return web_text(resp, 200, "application/yaml; charset=utf-8",
	    cloudpam_openapi_yaml);
}
