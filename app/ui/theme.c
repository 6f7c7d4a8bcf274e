/*
 * theme.c: storing the theme choice of the no-JavaScript form.
 */
#include "ui/theme.h"

#include <string.h>

#include "ui/errors.h"

int
ui_theme_set(struct web_req *req, struct web_resp *resp)
{
	const char *theme = web_form(req, "theme");
	const char *back = web_form(req, "return_to");
	struct err err = ERR_INIT;

	if (theme == NULL ||
	    (strcmp(theme, "system") != 0 && strcmp(theme, "light") != 0 &&
	        strcmp(theme, "dark") != 0)) {
		err_field(&err, 400, "invalid_theme", "theme",
		    "choose system, light or dark");
		return ui_error(req, resp, &err);
	}
	web_header_setf(resp, "Set-Cookie",
	    "theme=%s; Path=/; Max-Age=31536000; SameSite=Lax%s", theme,
	    req->https ? "; Secure" : "");
	return web_redirect(resp, 303, back && back[0] == '/' ? back : "/");
}
