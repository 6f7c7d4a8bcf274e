/*
 * audit.h: the audit log page, and the history of one object that other
 * pages (the pool page's history tab) show the same way.
 */
#ifndef CLOUDPAM_UI_AUDIT_H
#define CLOUDPAM_UI_AUDIT_H

#include <stdint.h>

#include <json-c/json.h>

#include "lib/err.h"
#include "web/request.h"
#include "web/response.h"

/* Events on one page of the audit table. */
#define UI_AUDIT_PAGE_SIZE 50

/*
 * GET /audit?actor=&action=&object_type=&object_id=&since=&until=&page=:
 * the filter form, the events newest first with what each changed, and
 * export links carrying the same filters.  A malformed filter is shown
 * beside its field (400).
 */
int ui_audit(struct web_req *req, struct web_resp *resp);

/*
 * The history of object_type/object_id, page `page` newest first, into
 * *out (the caller owns it): {"items" (as the audit page shows them),
 * "total", "page", "pages", "prev_href", "next_href" (links to base with
 * "&page=N" added), "empty", "all_href" (the audit page filtered to the
 * object)}.  -1 with err when the database fails.
 */
int ui_audit_history(struct web_req *req, const char *object_type,
    int64_t object_id, long long page, const char *base,
    struct json_object **out, struct err *err);

#endif
