/*
 * login.h: signing in and out, first start, one's own account.
 */
#ifndef CLOUDPAM_UI_LOGIN_H
#define CLOUDPAM_UI_LOGIN_H

#include "web/request.h"
#include "web/response.h"

int ui_login(struct web_req *req, struct web_resp *resp);
int ui_login_post(struct web_req *req, struct web_resp *resp);
int ui_logout(struct web_req *req, struct web_resp *resp);
int ui_setup(struct web_req *req, struct web_resp *resp);
int ui_setup_post(struct web_req *req, struct web_resp *resp);
int ui_account(struct web_req *req, struct web_resp *resp);
int ui_account_password(struct web_req *req, struct web_resp *resp);

#endif
