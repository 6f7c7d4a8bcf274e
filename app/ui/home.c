/*
 * home.c: the home page.
 *
 * It reads the instance name and the schema state, so it also shows at a
 * glance whether the database is healthy.
 */
#include "ui/home.h"

#include "api/app.h"
#include "ui/page.h"

static struct json_object *
check_json(const char *label, int ok, const char *detail)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "label", json_object_new_string(label));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	return o;
}

int
ui_home(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_schema schema = { 0, 0, 0 };
	struct err err = ERR_INIT;
	struct json_object *data, *home, *db, *checks;
	char *name = NULL;
	int db_ok;

	db_ok = store_schema(app->store, &schema, &err) == 0 &&
	        store_setting_get(
	            app->store, "instance_name", req->arena, &name, &err) == 0;
	home = json_object_new_object();
	db = json_object_new_object();
	json_object_object_add(home, "instance_name",
	    json_object_new_string(name ? name : "CloudPAM"));
	json_object_object_add(
	    db, "backend", json_object_new_string(store_backend(app->store)));
	json_object_object_add(
	    db, "schema_version", json_object_new_int(schema.current));
	json_object_object_add(db, "migrations_current",
	    json_object_new_boolean(db_ok && schema.current == schema.known));
	json_object_object_add(home, "database", db);
	json_object_object_add(home, "workers",
	    json_object_new_int((int)config_int(app->cfg, CONFIG_WORKERS)));
	checks = json_object_new_array();
	json_object_array_add(
	    checks, check_json("Database", db_ok,
	                db_ok ? "answering" : "not answering"));
	json_object_array_add(checks,
	    check_json("Schema", db_ok && schema.current == schema.known,
	        schema.current == schema.known ? "up to date"
	                                       : "migrations pending"));
	json_object_object_add(home, "checks", checks);
	data = json_object_new_object();
	json_object_object_add(data, "home", home);
	return ui_page_render(req, resp, 200, "home", "Home", "home", data);
}
