/*
 * audit.h: the audit log API: list, one event, export.
 *
 * An event is {"id", "at", "actor", "actor_type", "key_id", "action",
 * "object_type", "object_id", "before", "after", "request_id",
 * "client_addr"} (ipam_audit_event_json).  The log is append only: there
 * is no route that changes or removes an event, so PUT, PATCH and DELETE
 * on these paths answer 405.  Every route needs the "audit" permission.
 */
#ifndef CLOUDPAM_API_AUDIT_H
#define CLOUDPAM_API_AUDIT_H

#include "store/store.h"
#include "web/request.h"
#include "web/response.h"

/*
 * Read the filters of req's query into *f: actor, action, object_type,
 * object_id, since and until (times in UTC, made canonical in req's
 * arena; since inclusive, until exclusive).  f->after_id is 0.  400
 * "invalid_parameter" naming the parameter at fault.  Shared with the
 * audit page.
 */
int api_audit_filter(
    struct web_req *req, struct store_audit_filter *f, struct err *err);

/* GET /api/v1/audit?actor=&action=&object_type=&object_id=&since=&until=
 * &page=&page_size= (at most 500): the list envelope, newest first. */
int api_audit_list(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/audit/{id}: 200 with the event, 404 when there is none. */
int api_audit_get(struct web_req *req, struct web_resp *resp);

/*
 * GET /api/v1/audit/export?format=csv|jsonl with the list's filters and
 * after_id: every matching event oldest first as an attachment, CSV (RFC
 * 4180 with a header line) or JSON lines (application/x-ndjson).
 */
int api_audit_export(struct web_req *req, struct web_resp *resp);

#endif
