/*
 * vrfs.h: the VRFs API.
 *
 * A VRF is {"id", "name", "rd", "description", "pools_count",
 * "created_at", "updated_at"} (ipam_vrf_json).  Errors are the JSON
 * envelope of DESIGN.md.
 */
#ifndef CLOUDPAM_API_VRFS_H
#define CLOUDPAM_API_VRFS_H

#include "web/request.h"
#include "web/response.h"

/* GET /api/v1/vrfs?page=&page_size= (at most 1000): the list envelope,
 * in id order. */
int api_vrfs_list(struct web_req *req, struct web_resp *resp);

/*
 * POST /api/v1/vrfs {"name" (required), "rd", "description"}: 201 with
 * the VRF and a Location header; 400 for bad input, 409 "conflict" when
 * the name is taken (names compare without case).
 */
int api_vrfs_create(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/vrfs/{id}: 200 with the VRF, 404 when there is none. */
int api_vrfs_get(struct web_req *req, struct web_resp *resp);

/*
 * PATCH /api/v1/vrfs/{id} with any of "name", "rd", "description" (at
 * least one, else 400 "empty_change"): 200 with the VRF as changed.
 */
int api_vrfs_update(struct web_req *req, struct web_resp *resp);

/*
 * DELETE /api/v1/vrfs/{id}: 200 {"deleted": 1}; 409 "default_vrf" for
 * the default VRF, 409 "in_use" while it holds pools, 404 when none.
 */
int api_vrfs_delete(struct web_req *req, struct web_resp *resp);

#endif
