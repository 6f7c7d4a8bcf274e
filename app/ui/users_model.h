/*
 * users_model.h: the page model the "Users and keys" pages share
 * (users.c, user_detail.c): rows of users and keys, the choices of the
 * selects, and reading their forms.
 */
#ifndef CLOUDPAM_UI_USERS_MODEL_H
#define CLOUDPAM_UI_USERS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "lib/err.h"
#include "store/store.h"
#include "web/request.h"

/* Accounts, to name a collector key's accounts and to choose them. */
struct ui_users_accounts {
	struct store_account *rows; /* in the request's arena */
	size_t n;
};

/* Load up to 1000 accounts (none on a failure: the names are extra). */
void ui_users_accounts_load(struct web_req *req, struct ui_users_accounts *out);

/*
 * A user as pages show it: ipam_user_json plus "href", "name" (display
 * name or username), "sso", "is_me" (me is the caller's user id) and
 * "status" ("enabled" or "disabled"), and created_at_display and
 * last_login_at_display ("2026-01-31 14:05") and the same with _date
 * ("2026-01-31") when there is such a time.
 */
struct json_object *ui_users_user_json(const struct store_user *u, int64_t me);

/*
 * A key as pages show it: ipam_key_json plus "owner_href", "revoke_href",
 * "next" (where a revoke returns to), "status" ("active", "expired" or
 * "revoked") with one flag of the same name, and "account_names" as
 * {id, name, href} (name "#ID" for an account that is gone), and
 * expires_at_display, last_used_at_display, revoked_at_display,
 * created_at_display ("2026-01-31 14:05") and the same with _date
 * ("2026-01-31") for the times it has.
 */
struct json_object *ui_users_key_json(const struct store_api_key *k,
    const struct ui_users_accounts *accounts, const char *next);
struct json_object *ui_users_keys_json(const struct store_api_key *rows,
    size_t n, const struct ui_users_accounts *accounts, const char *next);

/* [{value, label, hint, selected}] of the roles and of key scopes. */
struct json_object *ui_users_role_choices(const char *selected);
struct json_object *ui_users_scope_choices(const char *selected);

/*
 * The form field name as text without surrounding blanks: NULL when it
 * was not sent, "" when empty.  400 "invalid_value" naming it when longer
 * than max bytes or not text.  Points into the request's arena.
 */
int ui_users_form_text(struct web_req *req, const char *name, size_t max,
    const char **out, struct err *err);

/* The status of a page that sends a form back: err's 4xx, else 500. */
int ui_users_status(const struct err *err);

/* "Users and keys" (linked) then last when not NULL. */
struct json_object *ui_users_breadcrumbs(const char *last);

#endif
