/*
 * users.c: the identity API.
 */
#include "api/users.h"

#include "api/app.h"
#include "api/auth.h"

static const char *const kind_names[IPAM_AUTH__MAX] = { "none", "session",
	"key", "sso" };

int
api_me(struct web_req *req, struct web_resp *resp)
{
	const struct ipam_identity *id = auth_identity(req);
	struct json_object *o = json_object_new_object();
	struct json_object *perms = json_object_new_array();
	int i;

	for (i = 0; i < IPAM_PERM__MAX; i++)
		if (id->perms & (1u << i))
			json_object_array_add(
			    perms, json_object_new_string(ipam_perm_names[i]));
	json_object_object_add(o, "user", ipam_user_json(&id->user));
	json_object_object_add(
	    o, "role", json_object_new_string(ipam_role_names[id->role]));
	json_object_object_add(o, "permissions", perms);
	json_object_object_add(
	    o, "auth", json_object_new_string(kind_names[id->kind]));
	if (id->kind == IPAM_AUTH_KEY) {
		json_object_object_add(
		    o, "key_id", json_object_new_int64(id->key_id));
		json_object_object_add(
		    o, "scope", json_object_new_string(id->scope));
	}
	return web_json(resp, 200, o);
}
