/*
 * page.h: the layout every HTML page shares.
 *
 * A page handler builds the json-c object of its own content and calls
 * ui_page_render(), which adds what the layout needs (product name and
 * version, navigation, theme, asset URLs, the search box's query, the
 * request id) and renders the page's template into the response.
 */
#ifndef CLOUDPAM_UI_PAGE_H
#define CLOUDPAM_UI_PAGE_H

#include <json-c/json.h>

#include "web/request.h"
#include "web/response.h"

/*
 * Render template (e.g. "home") titled title with data (taken: released
 * here) and answer status.  Navigation marks section as active.  On a
 * rendering failure the response is a plain 500.  Returns 0.
 */
int ui_page_render(struct web_req *req, struct web_resp *resp, int status,
    const char *template_name, const char *title, const char *section,
    struct json_object *data);

#endif
