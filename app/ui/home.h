/*
 * home.h: the home page (dashboard of a fresh install).
 */
#ifndef CLOUDPAM_UI_HOME_H
#define CLOUDPAM_UI_HOME_H

#include "web/request.h"
#include "web/response.h"

/* GET /: instance name, database state and what to do next. */
int ui_home(struct web_req *req, struct web_resp *resp);

#endif
