/*
 * errors.h: error pages (404, 405, 4xx from bad input, 500).
 */
#ifndef CLOUDPAM_UI_ERRORS_H
#define CLOUDPAM_UI_ERRORS_H

#include "lib/err.h"
#include "web/request.h"
#include "web/response.h"

/* The 404 page for req's path. */
int ui_not_found(struct web_req *req, struct web_resp *resp);

/*
 * The error page for err.  A 5xx shows "internal error" and the request
 * id, never err's message.
 */
int ui_error(struct web_req *req, struct web_resp *resp, const struct err *err);

#endif
