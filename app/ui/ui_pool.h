/*
 * ui_pool.h: the page model of a pool, shared by the pool pages.
 */
#ifndef CLOUDPAM_UI_POOL_H
#define CLOUDPAM_UI_POOL_H

#include <json-c/json.h>

#include "ip/ip_blocks.h"
#include "store/store.h"
#include "web/request.h"
#include "web/response.h"

/*
 * The API object of a pool plus what pages need: "href", tags as a list
 * of {key, value}, utilization with display forms ("2^80", "65,536") and
 * a percent label, and "bar" for the util_bar partial.
 */
struct json_object *ui_pool_json(const struct store_pool *p);

/* A count for people: "65,536" while decimals read well, else "2^80". */
void ui_count_display(const struct ip_count *c, char *out, size_t size);

/* An error object for forms: {"field": message, "_summary": [...]}. */
struct json_object *ui_form_errors(const char *field, const char *message);

/* A form value of at most max bytes of valid text; NULL when empty. */
const char *ui_form_text(
    const struct web_req *req, const char *name, size_t max);

/* {"label", "href"}: a page's primary action. */
struct json_object *ui_action(const char *label, const char *href);

/*
 * Tags typed as "env=prod, team=net" into canonical JSON object text (in
 * the request's arena); -1 with err naming "tags_text" when malformed.
 */
int ui_tags_parse(
    struct web_req *req, const char *text, const char **out, struct err *err);

/* Choices for selects: [{id, name, selected}] of VRFs and accounts. */
struct json_object *ui_vrf_choices(struct web_req *req, int64_t selected);
struct json_object *ui_account_choices(struct web_req *req, int64_t selected);

/* Flash message for the next page (POST-redirect-GET). */
void ui_flash_set(struct web_resp *resp, const char *text);

#endif
