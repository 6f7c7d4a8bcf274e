/*
 * audit.h: the append-only record of every change.
 *
 * A worker serves one request at a time, so the actor of the request
 * (who, through which key, from where, under which request id) is set
 * once when the request has been authenticated and read by every change
 * the request makes.  ipam_audit() is called by the domain inside the
 * change's own transaction: a change that fails rolls its event back with
 * it, and an event that cannot be written fails the change.
 *
 * Outside a request (the command line) the actor is "system" unless the
 * command sets one.
 */
#ifndef CLOUDPAM_IPAM_AUDIT_H
#define CLOUDPAM_IPAM_AUDIT_H

#include <stdint.h>

#include <json-c/json.h>

#include "lib/err.h"
#include "store/store.h"

struct ipam_actor {
	const char *name; /* username, or "system" / "anonymous" */
	const char *type; /* user key system anonymous */
	int64_t key_id;   /* the API key used, 0 none */
	const char *request_id;
	const char *client_addr;
};

/* Set the actor of the changes that follow; NULL restores "system".  The
 * strings must live until the next call. */
void ipam_audit_set_actor(const struct ipam_actor *actor);

/* The actor becomes the user name (who has just proved who they are, at
 * sign-in or set-up), keeping the request id and client address.  name
 * must live until the next call. */
void ipam_audit_set_user(const char *name);

/* The current actor (never NULL). */
const struct ipam_actor *ipam_audit_actor(void);

/*
 * Record action ("pool.create") on object_type/object_id with the object
 * before and after the change (either may be NULL).  Takes ownership of
 * before and after.  Must run inside the change's transaction.
 */
int ipam_audit(struct store *st, const char *action, const char *object_type,
    int64_t object_id, struct json_object *before, struct json_object *after,
    struct err *err);

/* The same with a textual object id (usernames of failed logins). */
int ipam_audit_named(struct store *st, const char *action,
    const char *object_type, const char *object_id, struct json_object *before,
    struct json_object *after, struct err *err);

#endif
