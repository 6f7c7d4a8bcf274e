/*
 * dashboard.h: the home page once there is address space to show.
 */
#ifndef CLOUDPAM_UI_DASHBOARD_H
#define CLOUDPAM_UI_DASHBOARD_H

#include "web/request.h"
#include "web/response.h"

/*
 * GET /: totals, the largest and the fullest pools, recent changes.  A
 * fresh install without pools gets the welcome page (ui_home) instead.
 */
int ui_dashboard(struct web_req *req, struct web_resp *resp);

#endif
