/*
 * catalog_pages.h: the blocks, accounts, VRFs and special-ranges pages.
 */
#ifndef CLOUDPAM_UI_CATALOG_PAGES_H
#define CLOUDPAM_UI_CATALOG_PAGES_H

#include "web/request.h"
#include "web/response.h"

/* GET /blocks: leaf pools across all pools (q, vrf_id, account_id). */
int ui_blocks(struct web_req *req, struct web_resp *resp);
/* GET /accounts (q, provider), GET /accounts/{id} */
int ui_accounts(struct web_req *req, struct web_resp *resp);
int ui_account_detail(struct web_req *req, struct web_resp *resp);
/* GET /vrfs, POST /vrfs (name, rd, description) */
int ui_vrfs(struct web_req *req, struct web_resp *resp);
int ui_vrf_create(struct web_req *req, struct web_resp *resp);
/* GET /special-ranges, POST /special-ranges/{id} (allowed=1|0) */
int ui_special_ranges(struct web_req *req, struct web_resp *resp);
int ui_special_range_set(struct web_req *req, struct web_resp *resp);

#endif
