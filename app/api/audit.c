/*
 * audit.c: the audit log API: read the filters, call app/ipam, answer
 * JSON or the exported file.
 */
#include "api/audit.h"

#include <string.h>
#include <time.h>

#include "api/app.h"
#include "api/json.h"
#include "ipam/audit_query.h"
#include "lib/log.h"
#include "web/query.h"

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 500

static int
fail(struct web_resp *resp, const struct err *err, const char *function)
{
	if (err->status >= 500)
		log_fields(LOG_LEVEL_ERROR, "audit failed", "function",
		    function, "code", err->code, "detail", err->message, NULL);
	return web_fail(resp, err);
}

/* A time parameter made canonical in the arena; NULL when absent. */
static int
time_param(
    struct web_req *req, const char *name, const char **out, struct err *err)
{
	char canonical[IPAM_AUDIT_TIME_SIZE];
	const char *v;

	if (web_query_text(req, name, 64, &v, err) == -1)
		return -1;
	*out = NULL;
	if (v == NULL)
		return 0;
	if (ipam_audit_time_parse(v, canonical) == -1)
		return err_field(err, 400, "invalid_parameter", name,
		    "%s must be a UTC time such as 2026-11-23 or "
		    "2026-11-23T08:30:00Z",
		    name);
	if ((*out = arena_strdup(req->arena, canonical)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

/* A name parameter (action, object_type): 1-64 of [a-z0-9_.-]. */
static int
name_param(
    struct web_req *req, const char *name, const char **out, struct err *err)
{
	if (web_query_text(req, name, 64, out, err) == -1)
		return -1;
	if (*out != NULL && !ipam_audit_name_valid(*out))
		return err_field(err, 400, "invalid_parameter", name,
		    "%s takes lower-case letters, digits and _ . - such as "
		    "%s",
		    name, strcmp(name, "action") == 0 ? "pool.update" : "pool");
	return 0;
}

int
api_audit_filter(
    struct web_req *req, struct store_audit_filter *f, struct err *err)
{
	memset(f, 0, sizeof(*f));
	if (web_query_text(req, "actor", 200, &f->actor, err) == -1 ||
	    name_param(req, "action", &f->action, err) == -1 ||
	    name_param(req, "object_type", &f->object_type, err) == -1 ||
	    web_query_text(req, "object_id", 200, &f->object_id, err) == -1 ||
	    time_param(req, "since", &f->since, err) == -1 ||
	    time_param(req, "until", &f->until, err) == -1)
		return -1;
	if (f->since != NULL && f->until != NULL &&
	    strcmp(f->since, f->until) >= 0)
		return err_field(err, 400, "invalid_parameter", "until",
		    "until must be later than since");
	return 0;
}

int
api_audit_list(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_audit_filter f;
	struct web_paging paging;
	struct store_page page;
	struct store_audit *rows;
	struct json_object *items;
	struct err err = ERR_INIT;
	size_t n, i;

	if (api_audit_filter(req, &f, &err) == -1 ||
	    web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1)
		return fail(resp, &err, __func__);
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	page.total = 0;
	if (store_audit_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		return fail(resp, &err, __func__);
	items = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++)
		json_object_array_add(items, ipam_audit_event_json(&rows[i]));
	web_header_set(resp, "Cache-Control", "no-store");
	return web_json(resp, 200, api_list_json(items, page.total, &paging));
}

int
api_audit_get(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_audit ev;
	struct err err = ERR_INIT;

	if (ipam_audit_get(app->store, req->arena, req->path_id, &ev, &err) ==
	    -1)
		return fail(resp, &err, __func__);
	web_header_set(resp, "Cache-Control", "no-store");
	return web_json(resp, 200, ipam_audit_event_json(&ev));
}

static int
export_format(struct web_req *req, enum ipam_audit_format *out, struct err *err)
{
	const char *name;
	int i;

	if (web_query_text(req, "format", 8, &name, err) == -1)
		return -1;
	*out = IPAM_AUDIT_JSONL;
	if (name == NULL)
		return 0;
	for (i = 0; i < IPAM_AUDIT_FORMAT__MAX; i++)
		if (strcmp(name, ipam_audit_format_names[i]) == 0) {
			*out = (enum ipam_audit_format)i;
			return 0;
		}
	return err_field(err, 400, "invalid_parameter", "format",
	    "format must be csv or jsonl");
}

int
api_audit_export(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_audit_filter f;
	enum ipam_audit_format format;
	struct err err = ERR_INIT;
	char stamp[32];
	long long after_id;
	time_t now = time(NULL);
	struct tm tm;

	if (api_audit_filter(req, &f, &err) == -1 ||
	    export_format(req, &format, &err) == -1 ||
	    web_query_int(req, "after_id", 1, INT64_MAX, 0, &after_id, &err) ==
	        -1)
		return fail(resp, &err, __func__);
	f.after_id = after_id;
	/* The file is written straight into the response body. */
	buf_reset(resp->body);
	if (ipam_audit_export(app->store, &f, format, resp->body, &err) == -1) {
		buf_reset(resp->body);
		return fail(resp, &err, __func__);
	}
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		strcpy(stamp, "export");
	resp->status = 200;
	resp->content_type = format == IPAM_AUDIT_CSV
	                         ? "text/csv; charset=utf-8"
	                         : "application/x-ndjson";
	web_header_setf(resp, "Content-Disposition",
	    "attachment; filename=\"cloudpam-audit-%s.%s\"", stamp,
	    ipam_audit_format_names[format]);
	web_header_set(resp, "Cache-Control", "no-store");
	return 0;
}
