/*
 * pools.h: the pools tree and the new-pool form.
 */
#ifndef CLOUDPAM_UI_POOLS_H
#define CLOUDPAM_UI_POOLS_H

#include "web/request.h"
#include "web/response.h"

/* GET /pools: the tree, filtered by q, vrf_id, type and status. */
int ui_pools(struct web_req *req, struct web_resp *resp);
/* GET /pools/new (?parent_id=): the form; POST /pools/new creates. */
int ui_pool_new(struct web_req *req, struct web_resp *resp);
int ui_pool_create(struct web_req *req, struct web_resp *resp);

/*
 * Render the pool form (new or edit) with values, errors (may be NULL;
 * taken) and status.  Exposed for the edit page.
 */
int ui_pool_form_render(struct web_req *req, struct web_resp *resp, int status,
    int64_t pool_id, struct json_object *values, struct json_object *errors);

#endif
