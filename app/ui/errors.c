/*
 * errors.c: pages for requests that cannot be served.
 */
#include "ui/errors.h"

#include "ui/page.h"

int
ui_not_found(struct web_req *req, struct web_resp *resp)
{
	struct json_object *data = json_object_new_object();

	json_object_object_add(data, "path", json_object_new_string(req->path));
	return ui_page_render(
	    req, resp, 404, "not_found", "Page not found", "", data);
}

int
ui_error(struct web_req *req, struct web_resp *resp, const struct err *err)
{
	struct json_object *data = json_object_new_object();
	int status =
	    err->status >= 400 && err->status <= 599 ? err->status : 500;
	const char *title = web_status_text(status);
	const char *message = err->message;

	if (status >= 500) {
		title = "Something went wrong";
		message = "CloudPAM could not complete this request. "
		          "Nothing was changed.";
	}
	json_object_object_add(data, "status", json_object_new_int(status));
	json_object_object_add(data, "title", json_object_new_string(title));
	json_object_object_add(
	    data, "message", json_object_new_string(message));
	return ui_page_render(req, resp, status, "error", title, "", data);
}
