/*
 * settings.h: instance-wide settings.
 */
#ifndef CLOUDPAM_API_SETTINGS_H
#define CLOUDPAM_API_SETTINGS_H

#include "web/request.h"
#include "web/response.h"

/* GET /api/v1/settings: {"instance_name": ...}. */
int api_settings_get(struct web_req *req, struct web_resp *resp);

/*
 * PATCH /api/v1/settings with a JSON object of the settings to change.
 * Unknown fields, wrong types and bad values are refused with 400 and
 * nothing is changed; the answer is the settings after the change.
 */
int api_settings_patch(struct web_req *req, struct web_resp *resp);

#endif
