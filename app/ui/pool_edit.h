/*
 * pool_edit.h: editing and deleting a pool from the pages.
 */
#ifndef CLOUDPAM_UI_POOL_EDIT_H
#define CLOUDPAM_UI_POOL_EDIT_H

#include "web/request.h"
#include "web/response.h"

/* GET /pools/{id}/edit, POST /pools/{id}/edit */
int ui_pool_edit(struct web_req *req, struct web_resp *resp);
int ui_pool_save(struct web_req *req, struct web_resp *resp);
/* GET /pools/{id}/delete (confirmation), POST /pools/{id}/delete */
int ui_pool_delete_confirm(struct web_req *req, struct web_resp *resp);
int ui_pool_delete(struct web_req *req, struct web_resp *resp);

#endif
