/*
 * transfer.c: the import and export API: read the body's format and the
 * query, call app/ipam, answer JSON or the exported file.
 *
 * The body is bounded by CLOUDPAM_MAX_BODY (1 MiB by default, some ten
 * thousand rows); larger imports belong to `cloudpam import`.
 */
#include "api/transfer.h"

#include <string.h>

#include "api/app.h"
#include "ipam/transfer_export.h"
#include "ipam/transfer_import.h"
#include "lib/log.h"
#include "web/query.h"

static int
body_format(const struct web_req *req, enum ipam_format *out, struct err *err)
{
	if (strcmp(req->content_type, "text/csv") == 0)
		*out = IPAM_FORMAT_CSV;
	else if (strcmp(req->content_type, "application/json") == 0)
		*out = IPAM_FORMAT_JSON;
	else
		return err_set(err, 415, "unsupported_media_type",
		    "send the rows as text/csv or application/json");
	return 0;
}

static int
fail(struct web_resp *resp, const struct err *err, const char *function)
{
	if (err->status >= 500)
		log_fields(LOG_LEVEL_ERROR, "transfer failed", "function",
		    function, "code", err->code, "detail", err->message, NULL);
	return web_fail(resp, err);
}

static struct json_object *
errors_json(const struct ipam_import_out *out)
{
	struct json_object *list = json_object_new_array_ext((int)out->nerrors);
	struct json_object *e;
	size_t i;

	for (i = 0; i < out->nerrors; i++) {
		e = json_object_new_object();
		json_object_object_add(
		    e, "line", json_object_new_int64(out->errors[i].line));
		json_object_object_add(e, "field",
		    out->errors[i].field[0]
		        ? json_object_new_string(out->errors[i].field)
		        : NULL);
		json_object_object_add(e, "message",
		    json_object_new_string(out->errors[i].message));
		json_object_array_add(list, e);
	}
	return list;
}

/* 422 with every bad row: the error envelope, its detail made here
 * because web_fail carries one field only. */
static int
import_failed(
    struct web_resp *resp, const struct ipam_import_out *out, int dry_run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *detail = json_object_new_object();
	char *message = arena_printf(resp->arena,
	    "%zu row%s %s errors; nothing was imported", out->nerrors,
	    out->nerrors == 1 ? "" : "s", out->nerrors == 1 ? "has" : "have");

	json_object_object_add(
	    o, "error", json_object_new_string("import_failed"));
	json_object_object_add(o, "message",
	    json_object_new_string(message ? message : "rows have errors"));
	json_object_object_add(detail, "errors", errors_json(out));
	json_object_object_add(
	    detail, "rows", json_object_new_int64((int64_t)out->rows));
	json_object_object_add(
	    detail, "dry_run", json_object_new_boolean(dry_run));
	if (resp->request_id != NULL)
		json_object_object_add(detail, "request_id",
		    json_object_new_string(resp->request_id));
	json_object_object_add(o, "detail", detail);
	return web_json(resp, 422, o);
}

static int
import(struct web_req *req, struct web_resp *resp, enum ipam_transfer_kind kind)
{
	struct app *app = req->app;
	struct ipam_import_in in;
	struct ipam_import_out out;
	struct err err = ERR_INIT;
	struct json_object *o;
	int dry_run;

	memset(&in, 0, sizeof(in));
	if (body_format(req, &in.format, &err) == -1 ||
	    web_query_bool(req, "dry_run", 0, &dry_run, &err) == -1)
		return fail(resp, &err, __func__);
	in.kind = kind;
	in.dry_run = dry_run;
	/* CSV is unescaped in place, and the request's body stays as sent. */
	in.len = req->body_len;
	in.text = arena_strndup(req->arena, req->body ? req->body : "", in.len);
	if (in.text == NULL) {
		err_set(&err, 500, "internal", "out of memory");
		return fail(resp, &err, __func__);
	}
	if (ipam_import(app->store, req->arena, &in, &out, &err) == -1)
		return fail(resp, &err, __func__);
	if (out.nerrors > 0)
		return import_failed(resp, &out, dry_run);
	o = json_object_new_object();
	json_object_object_add(o, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(
	    o, "rows", json_object_new_int64((int64_t)out.rows));
	json_object_object_add(
	    o, "created", json_object_new_int64((int64_t)out.created));
	json_object_object_add(o, "vrfs_created",
	    json_object_new_int64((int64_t)out.vrfs_created));
	json_object_object_add(o, "errors", json_object_new_array());
	return web_json(resp, 200, o);
}

int
api_import_pools(struct web_req *req, struct web_resp *resp)
{
	return import(req, resp, IPAM_TRANSFER_POOLS);
}

int
api_import_accounts(struct web_req *req, struct web_resp *resp)
{
	return import(req, resp, IPAM_TRANSFER_ACCOUNTS);
}

static int export(
    struct web_req *req, struct web_resp *resp, enum ipam_transfer_kind kind)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	const char *name;
	int format = IPAM_FORMAT_JSON;

	if (web_query_text(req, "format", 8, &name, &err) == -1)
		return fail(resp, &err, __func__);
	if (name != NULL && (format = ipam_transfer_lookup(name,
	                         ipam_format_names, IPAM_FORMAT__MAX)) == -1) {
		err_field(&err, 400, "invalid_parameter", "format",
		    "format must be csv or json");
		return fail(resp, &err, __func__);
	}
	/* The file is written straight into the response body. */
	buf_reset(resp->body);
	if (ipam_export(app->store, req->arena, kind, (enum ipam_format)format,
	        resp->body, &err) == -1)
		return fail(resp, &err, __func__);
	resp->status = 200;
	if (format == IPAM_FORMAT_JSON) {
		resp->content_type = "application/json";
		return 0;
	}
	resp->content_type = "text/csv; charset=utf-8";
	web_header_setf(resp, "Content-Disposition",
	    "attachment; filename=\"cloudpam-%s.csv\"",
	    ipam_transfer_kinds[kind]);
	return 0;
}

int
api_export_pools(struct web_req *req, struct web_resp *resp)
{
	return export(req, resp, IPAM_TRANSFER_POOLS);
}

int
api_export_accounts(struct web_req *req, struct web_resp *resp)
{
	return export(req, resp, IPAM_TRANSFER_ACCOUNTS);
}
