/*
 * special.h: the special-purpose ranges API, the policy table seeded
 * from IANA's special-purpose registries (DESIGN.md, "Rules of the
 * address space").
 *
 * A row is {"id", "cidr", "name", "reference", "registry", "category",
 * "always_allowed", "allowed"}; the last two are booleans.  A pool that
 * overlaps a row which is not allowed is refused (400 "special_range").
 */
#ifndef CLOUDPAM_API_SPECIAL_H
#define CLOUDPAM_API_SPECIAL_H

#include "web/request.h"
#include "web/response.h"

/*
 * GET /api/v1/special-ranges?page=&page_size=: the list envelope in
 * address order (IPv4 first).  The table is small: page_size defaults to
 * its cap, 1000, so one page holds every row.
 */
int api_special_list(struct web_req *req, struct web_resp *resp);

/*
 * PATCH /api/v1/special-ranges/{id} {"allowed": true|false} (required):
 * 200 with the row as changed; 404 "not_found" when there is no such
 * row; 409 "always_allowed" for private-use, shared and unique-local
 * rows, which cannot be refused.
 */
int api_special_update(struct web_req *req, struct web_resp *resp);

#endif
