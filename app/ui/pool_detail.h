/*
 * pool_detail.h: one pool's page and its allocate form.
 */
#ifndef CLOUDPAM_UI_POOL_DETAIL_H
#define CLOUDPAM_UI_POOL_DETAIL_H

#include "web/request.h"
#include "web/response.h"

/* GET /pools/{id}?map_len=&len=&page=&hide_used=1 */
int ui_pool_detail(struct web_req *req, struct web_resp *resp);
/* POST /pools/{id}/allocate: prefix_len, name, strategy, dry_run. */
int ui_pool_allocate(struct web_req *req, struct web_resp *resp);

#endif
