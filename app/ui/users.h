/*
 * users.h: the "Users and keys" pages (admins only).
 *
 * /users lists users and API keys beside the forms that add them;
 * /users/{id} shows one user with forms to change the profile and role,
 * disable or enable, reset the password, and a link to delete through a
 * confirmation page.  A form sent back with errors shows each message
 * beside its field, keeps what was typed (never a password) and answers
 * 4xx.  Changes answer 303 with a one-line flash (POST-redirect-GET),
 * except the creation of a key: its token is shown once on the page that
 * answers the POST, never in a URL or a cookie.
 */
#ifndef CLOUDPAM_UI_USERS_H
#define CLOUDPAM_UI_USERS_H

#include "web/request.h"
#include "web/response.h"

/* GET /users[?owner=ID]: users, keys and the two forms (owner preselects
 * the owner of a new key). */
int ui_users(struct web_req *req, struct web_resp *resp);

/* POST /users: username, role, password, display_name, email. */
int ui_user_create(struct web_req *req, struct web_resp *resp);

/* GET /users/{id}: the user, their keys and the forms that change them. */
int ui_user_detail(struct web_req *req, struct web_resp *resp);

/* POST /users/{id}: any of display_name, email, role, disabled (1 or 0). */
int ui_user_save(struct web_req *req, struct web_resp *resp);

/* POST /users/{id}/password: new_password, new_password_confirm. */
int ui_user_password(struct web_req *req, struct web_resp *resp);

/* GET and POST /users/{id}/delete: confirm, then delete. */
int ui_user_delete_confirm(struct web_req *req, struct web_resp *resp);
int ui_user_delete(struct web_req *req, struct web_resp *resp);

/* POST /keys: name, user_id, scope, accounts (ids, repeated or comma
 * separated), expires_at (a date).  201 with the token shown once. */
int ui_key_create(struct web_req *req, struct web_resp *resp);

/* POST /keys/{id}/revoke[, next=/users/ID]: revoke, then back. */
int ui_key_revoke(struct web_req *req, struct web_resp *resp);

#endif
