/*
 * transfer.h: what import and export share: the kinds of rows, the two
 * formats, the columns of each kind and the text forms of their values.
 *
 * A pool row is name,cidr,vrf,parent_cidr,account_key,type,status,source,
 * description,tags,external_id,region: the VRF by name, the parent by its
 * cidr in the same VRF and the account by its external key, so a file
 * carries no database ids and moves between instances.  An account row is
 * provider,external_key,name,platform,tier,environment,regions,tags,
 * description.  In CSV, tags are "k=v;k2=v2" and regions "a;b" (csv.h on
 * escaping); in JSON they are an object and an array of strings, as in
 * the API's objects.
 */
#ifndef CLOUDPAM_IPAM_TRANSFER_H
#define CLOUDPAM_IPAM_TRANSFER_H

#include <stddef.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

enum ipam_transfer_kind {
	IPAM_TRANSFER_POOLS,
	IPAM_TRANSFER_ACCOUNTS,
	IPAM_TRANSFER__MAX
};

/* "pools", "accounts", indexed by enum ipam_transfer_kind. */
extern const char *const ipam_transfer_kinds[IPAM_TRANSFER__MAX];

enum ipam_format { IPAM_FORMAT_CSV, IPAM_FORMAT_JSON, IPAM_FORMAT__MAX };

/* "csv", "json", indexed by enum ipam_format. */
extern const char *const ipam_format_names[IPAM_FORMAT__MAX];

/* Index of name in the NULL-free table names[0..n), or -1. */
int ipam_transfer_lookup(const char *name, const char *const *names, size_t n);

enum ipam_column_type {
	IPAM_COLUMN_TEXT,    /* CSV field; JSON string */
	IPAM_COLUMN_TAGS,    /* CSV "k=v;k2=v2"; JSON object of strings */
	IPAM_COLUMN_REGIONS, /* CSV "a;b"; JSON array of strings */
	IPAM_COLUMN_TYPE__MAX
};

struct ipam_column {
	const char *name;
	enum ipam_column_type type;
	int required;
	size_t max; /* bytes of a text column */
};

enum ipam_pool_column {
	IPAM_PC_NAME,
	IPAM_PC_CIDR,
	IPAM_PC_VRF,
	IPAM_PC_PARENT_CIDR,
	IPAM_PC_ACCOUNT_KEY,
	IPAM_PC_TYPE,
	IPAM_PC_STATUS,
	IPAM_PC_SOURCE,
	IPAM_PC_DESCRIPTION,
	IPAM_PC_TAGS,
	IPAM_PC_EXTERNAL_ID,
	IPAM_PC_REGION,
	IPAM_PC__MAX
};

enum ipam_account_column {
	IPAM_AC_PROVIDER,
	IPAM_AC_EXTERNAL_KEY,
	IPAM_AC_NAME,
	IPAM_AC_PLATFORM,
	IPAM_AC_TIER,
	IPAM_AC_ENVIRONMENT,
	IPAM_AC_REGIONS,
	IPAM_AC_TAGS,
	IPAM_AC_DESCRIPTION,
	IPAM_AC__MAX
};

#define IPAM_COLUMNS_MAX 12 /* the most columns of any kind */

extern const struct ipam_column ipam_pool_columns[IPAM_PC__MAX];
extern const struct ipam_column ipam_account_columns[IPAM_AC__MAX];

/* The columns of kind, in file order; *n receives their count. */
const struct ipam_column *ipam_transfer_columns(
    enum ipam_transfer_kind kind, size_t *n);

/*
 * Whether s (len bytes) is well-formed UTF-8 without NUL or C0 controls
 * other than tab, line feed and carriage return: the text rule of the API.
 */
int ipam_text_valid(const char *s, size_t len);

/*
 * Check a tags object as the API does (at most 64; names 1-64 of
 * [A-Za-z0-9_.:-]; values text of at most 256 bytes) and give its JSON
 * text, in arena memory, through *json.  400 "invalid_value" naming field.
 */
int ipam_tags_json_text(struct json_object *tags, const char *field,
    struct arena *arena, const char **json, struct err *err);

/*
 * Turn a CSV tags list ("k=v;k2=v2"; rewritten in place) into JSON text
 * in arena memory, checked as ipam_tags_json_text.  "" gives "{}".
 */
int ipam_tags_from_list(char *list, const char *field, struct arena *arena,
    const char **json, struct err *err);

/*
 * Check a JSON array of regions as the API does (at most 64, each 1-64 of
 * [a-z0-9-], none twice) and give its JSON text in arena memory; 400
 * naming field.
 */
int ipam_regions_json_text(struct json_object *list, const char *field,
    struct arena *arena, const char **json, struct err *err);

/* Turn a CSV regions list ("a;b"; rewritten in place) into JSON array
 * text, checked as ipam_regions_json_text.  "" gives "[]". */
int ipam_regions_from_list(char *list, const char *field, struct arena *arena,
    const char **json, struct err *err);

/*
 * Append the CSV form of stored JSON text (tags object or regions array)
 * to b: "k=v;k2=v2" or "a;b", escaped.  Unreadable text appends nothing.
 */
void ipam_tags_to_list(const char *json, struct buf *b);
void ipam_regions_to_list(const char *json, struct buf *b);

/* --- what an import reports ------------------------------------------ */

enum ipam_import_phase {
	IPAM_IMPORT_PARSE, /* reading rows; done and total count bytes */
	IPAM_IMPORT_APPLY, /* checking and making rows; they count rows */
	IPAM_IMPORT_PHASE__MAX
};

/* "parsing", "importing", indexed by enum ipam_import_phase. */
extern const char *const ipam_import_phases[IPAM_IMPORT_PHASE__MAX];

struct ipam_import_progress {
	enum ipam_import_phase phase;
	size_t rows; /* rows parsed, or rows applied */
	size_t done;
	size_t total;
	int finished; /* the phase's last report */
};

/* Called every few hundred rows and once at the end of each phase. */
typedef void (*ipam_progress_fn)(
    const struct ipam_import_progress *progress, void *ctx);

/* One bad row: CSV line (the header is line 1) or JSON item (from 1). */
struct ipam_import_error {
	long line;
	const char *field; /* the column at fault, or "" */
	const char *message;
};

#endif
