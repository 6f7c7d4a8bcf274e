/*
 * search.h: the search page behind the header's search box.
 */
#ifndef CLOUDPAM_UI_SEARCH_H
#define CLOUDPAM_UI_SEARCH_H

#include "web/request.h"
#include "web/response.h"

/* GET /search?q=: grouped hits for an IP, a CIDR, a name or an id. */
int ui_search(struct web_req *req, struct web_resp *resp);

#endif
