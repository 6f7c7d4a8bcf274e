/*
 * audit_query.h: reading the audit log: one event, the JSON shape of an
 * event, what an event changed, and exports in chunks.
 *
 * Writing events is audit.h's job; nothing here changes the log, and
 * nothing anywhere may (the database refuses UPDATE and DELETE on it).
 */
#ifndef CLOUDPAM_IPAM_AUDIT_QUERY_H
#define CLOUDPAM_IPAM_AUDIT_QUERY_H

#include <stdint.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "store/store.h"

/* Bytes of a canonical time, "2026-11-23T00:00:00.000Z", with its NUL. */
#define IPAM_AUDIT_TIME_SIZE 25

/* Events read per query while exporting. */
#define IPAM_AUDIT_EXPORT_CHUNK 1000

/* The actions and object types CloudPAM writes today, NULL-terminated:
 * choices for filter forms, never a limit on what a filter accepts. */
extern const char *const ipam_audit_actions[];
extern const char *const ipam_audit_object_types[];

/*
 * Read a time in UTC as ISO 8601 gives it: "2026-11-23",
 * "2026-11-23T08:30", "2026-11-23T08:30:00", with a fraction of a second
 * or not, ending in "Z", "+00:00" or nothing (UTC either way), 'T' or a
 * space between date and time.  Writes the canonical form the log stores
 * ("2026-11-23T08:30:00.000Z"), so that comparing text compares times.
 * Returns -1, out untouched, when text is no such time or names a day
 * that does not exist.
 */
int ipam_audit_time_parse(const char *text, char out[IPAM_AUDIT_TIME_SIZE]);

/*
 * Whether text may name an action or an object type in a filter: 1 to 64
 * of [a-z0-9_.-].
 */
int ipam_audit_name_valid(const char *text);

/*
 * The event with id into *out (strings in arena).  404 "not_found" when
 * there is none.
 */
int ipam_audit_get(struct store *st, struct arena *arena, int64_t id,
    struct store_audit *out, struct err *err);

/*
 * The API object of an event: {id, at, actor, actor_type, key_id (null
 * when none), action, object_type, object_id, before, after, request_id,
 * client_addr} with before and after parsed back to JSON (null when
 * absent).  The caller owns the result.
 */
struct json_object *ipam_audit_event_json(const struct store_audit *ev);

/*
 * What an event changed, for people: a list of {field, before, after}
 * with nested objects flattened to dotted fields ("tags.env") and values
 * as text (strings as they are, anything else as JSON; null when absent
 * on that side).  With both sides, only the fields whose values differ;
 * with one side (a create or a delete), every field of it.  before and
 * after are JSON text or NULL.  The caller owns the result.
 */
struct json_object *ipam_audit_changes(const char *before, const char *after);

enum ipam_audit_format {
	IPAM_AUDIT_CSV,   /* RFC 4180, a header line, CRLF records */
	IPAM_AUDIT_JSONL, /* one event object per line */
	IPAM_AUDIT_FORMAT__MAX
};

/* "csv", "jsonl", indexed by enum ipam_audit_format. */
extern const char *const ipam_audit_format_names[IPAM_AUDIT_FORMAT__MAX];

/*
 * Append every event matching f to out, oldest first, in format.  Events
 * after f->after_id when it is set, else from the first.  The events are
 * read IPAM_AUDIT_EXPORT_CHUNK at a time into a scratch arena that is
 * emptied between chunks, inside one read transaction, so the export is
 * one consistent picture and the memory for rows stays flat however long
 * the log.  -1 with err when the database fails or memory runs out; out
 * then holds a part to be thrown away.
 */
int ipam_audit_export(struct store *st, const struct store_audit_filter *f,
    enum ipam_audit_format format, struct buf *out, struct err *err);

#endif
