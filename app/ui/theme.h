/*
 * theme.h: the theme preference (system, light or dark).
 */
#ifndef CLOUDPAM_UI_THEME_H
#define CLOUDPAM_UI_THEME_H

#include "web/request.h"
#include "web/response.h"

/*
 * POST /theme with theme=system|light|dark: remember it in a cookie so
 * the first paint of every page is right, then go back to return_to.
 */
int ui_theme_set(struct web_req *req, struct web_resp *resp);

#endif
