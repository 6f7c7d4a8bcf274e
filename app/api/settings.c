/*
 * settings.c: reading and changing instance-wide settings.
 */
#include "api/settings.h"

#include "api/app.h"
#include "ipam/settings.h"
#include "store/store.h"
#include "web/fields.h"

enum { F_INSTANCE_NAME, F__MAX };

static const struct web_field fields[F__MAX] = {
	{ "instance_name", WEB_FIELD_STRING, 0, 1, 100 }, /* F_INSTANCE_NAME */
};

static int
answer_settings(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	struct json_object *o;
	char *name;

	if (store_setting_get(
	        app->store, "instance_name", req->arena, &name, &err) == -1)
		return web_fail(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "instance_name",
	    json_object_new_string(name ? name : "CloudPAM"));
	return web_json(resp, 200, o);
}

int
api_settings_get(struct web_req *req, struct web_resp *resp)
{
	return answer_settings(req, resp);
}

int
api_settings_patch(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct web_value v[F__MAX];
	struct err err = ERR_INIT;
	struct json_object *body;
	int rc;

	if (web_json_body(req, &body, &err) == -1)
		return web_fail(resp, &err);
	rc = web_fields_json(body, fields, F__MAX, v, &err);
	if (rc == 0 && v[F_INSTANCE_NAME].present)
		rc = ipam_setting_set(app->store, req->arena, "instance_name",
		    v[F_INSTANCE_NAME].s, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	return answer_settings(req, resp);
}
