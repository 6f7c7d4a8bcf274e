/*
 * cloud_internal.h: helpers shared inside app/cloud, never included from
 * another layer.
 *
 * Five groups, each used by the files named in its heading:
 *   - reading JSON answers into records (defined in cloud_json.c);
 *   - a Compute answer and its records (gcp_json.c, gcp_records.c);
 *   - a discovery through a REST API with a bearer token: the sink between
 *     parser and caller, HTTP, the token, accounts and pages (defined in
 *     cloud_common.c);
 *   - the SigV4 signer's state and steps (sigv4.c, sigv4_canonical.c);
 *   - the EC2 answer reader's state (ec2_xml.c, ec2_records.c).
 * Strings these functions hand back point into what they were given (a
 * JSON tree, an arena, a buffer) unless their comment says otherwise.
 */
#ifndef CLOUDPAM_CLOUD_INTERNAL_H
#define CLOUDPAM_CLOUD_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <expat.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "cloud/cloud.h"
#include "cloud/ec2_xml.h"
#include "cloud/gcp_json.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

/* --- JSON answers: gcp_json.c, gcp_records.c, azure_json.c ------------- */

/* The largest "why" buffer a JSON record builder passes below. */
#define CLOUD_JSON_WHY_MAX 512

/*
 * Write why a record was refused into why (size bytes, at most
 * CLOUD_JSON_WHY_MAX), cut to fit.  Always returns -1, for "return
 * cloud_json_why(...)" in the record builders.
 */
int cloud_json_why(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Report a record of kind that cannot be read, named resource, with the
 * message fmt makes (cut to size bytes, at most CLOUD_JSON_WHY_MAX; cloud
 * text may reach a log, so control bytes become '?').  Returns 0 when the
 * sink's on_error takes it and the answer goes on; -1 with err filled (502
 * "bad_record") when the sink has no on_error or refuses.
 */
int cloud_json_vrefuse(const struct cloud_sink *sink, struct err *err,
    enum cloud_kind kind, const char *resource, size_t size, const char *fmt,
    va_list ap) __attribute__((format(printf, 6, 0)));

/*
 * The string at key of o: 0 with *out NULL when absent or null, -1 (and
 * *out NULL) when it is another type or holds a NUL, which would cut an id
 * short.  *out points into o.
 */
int cloud_json_get_string(
    struct json_object *o, const char *key, const char **out);

/* As cloud_json_get_string for another type t; absent or null give NULL. */
int cloud_json_get_typed(struct json_object *o, const char *key,
    enum json_type t, struct json_object **out);

/* The string at key of o when it is one and not "", else fallback. */
const char *cloud_json_string_or(
    struct json_object *o, const char *key, const char *fallback);

/*
 * A string at key that must be there and not be empty: 0, or -1 with why
 * (size bytes) saying which.  *out points into o.
 */
int cloud_json_need_string(struct json_object *o, const char *key,
    const char **out, char *why, size_t size);

/* A string at key that may be missing, *out then "".  As above. */
int cloud_json_opt_string(struct json_object *o, const char *key,
    const char **out, char *why, size_t size);

/*
 * The object at key of o ("labels", "tags") as the tags of c; singular
 * names one in messages ("label").  0, or -1 with why (size bytes) for a
 * value that is not a string or more than CLOUD_TAGS_MAX.  The tags point
 * into o.
 */
int cloud_json_tags_read(struct json_object *o, const char *key,
    const char *singular, struct cloud_common *c, char *why, size_t size);

/* One API's answers: their bounds, and where they name the next page. */
struct cloud_json_api {
	size_t max;           /* bytes in one answer */
	int depth;            /* nesting of one answer */
	const char *next_key; /* "nextPageToken", "nextLink" */
	int next_max;         /* bytes of it */
};

/*
 * Parse the text of one answer: strict JSON of 1 to api->max bytes, UTF-8,
 * nested at most api->depth deep, an object, nothing after it but blanks.
 * 0 with *out the tree (the caller puts it), or -1 with err (502
 * "invalid_json" or "answer_too_large", 500 "internal") and *out NULL.
 */
int cloud_json_answer_parse(const struct cloud_json_api *api, const char *json,
    size_t len, struct json_object **out, struct err *err);

/*
 * Copy the string at api->next_key of root into arena as *out; absent or
 * "" (the last page) leave *out as it was.  -1 with err (502
 * "unexpected_answer") when it is not a string or is longer than
 * api->next_max bytes, or (500 "internal") when the arena is out of memory.
 */
int cloud_json_next_copy(const struct cloud_json_api *api,
    struct json_object *root, struct arena *arena, char **out, struct err *err);

/*
 * Read one answer: cloud_json_answer_parse(), walk(ctx, root) (0, or -1
 * with its own err filled), then cloud_json_next_copy() into *next.  The
 * tree is released before the return.  0, or -1 with err.
 */
int cloud_json_read(const struct cloud_json_api *api, const char *json,
    size_t len, int (*walk)(void *ctx, struct json_object *root), void *ctx,
    struct arena *arena, char **next, struct err *err);

/* The CIDRs of a network or subnet as they are gathered. */
struct cloud_cidr_set {
	struct cloud_cidr *cidrs; /* the record's, CLOUD_CIDRS_MAX long */
	size_t *ncidrs;
	struct ip_prefix prefixes[CLOUD_CIDRS_MAX];
	char texts[CLOUD_CIDRS_MAX][IP_PREFIX_STRLEN];
};

/*
 * Add p, with name and secondary, to set unless it is there already; its
 * text is written canonically into the set.  0, or -1 when the set holds
 * CLOUD_CIDRS_MAX already (nothing is added).
 */
int cloud_cidr_set_add(struct cloud_cidr_set *set, const struct ip_prefix *p,
    const char *name, int secondary);

/* --- Compute answers: gcp_json.c, gcp_records.c ------------------------- */

#define GCP_PART_MAX 128 /* a project id, region or zone (GCP allows 63) */

/* One gcp_parse call. */
struct gcp_walk {
	enum gcp_resource resource;
	const char *project; /* the caller's, or NULL */
	const struct cloud_sink *sink;
	struct err *err;
};

/*
 * Report a record of w's resource that cannot be read, named resource, and
 * go on: as cloud_json_vrefuse(), 0 when the sink took it, -1 with w->err
 * when the answer fails.
 */
int cloud_gcp_refuse(struct gcp_walk *w, const char *resource, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * What names an item that could not be read: its selfLink made relative,
 * else its name, else where.  Points into item or is where.
 */
const char *cloud_gcp_label(struct json_object *item, const char *where);

/*
 * Read item, an object from w's answer found at where ("items[3]"), into
 * a record for w->sink: a network, a subnetwork, each address of an
 * instance, or a reserved address.  An item that cannot be read goes to
 * cloud_gcp_refuse().  0, or -1 with w->err when the answer must stop.
 */
int cloud_gcp_network_read(
    struct gcp_walk *w, struct json_object *item, const char *where);
int cloud_gcp_subnet_read(
    struct gcp_walk *w, struct json_object *item, const char *where);
int cloud_gcp_instance_read(
    struct gcp_walk *w, struct json_object *item, const char *where);
int cloud_gcp_address_read(
    struct gcp_walk *w, struct json_object *item, const char *where);

/* --- discovery with a bearer token: gcp.c, azure.c ---------------------- */

#define CLOUD_TOKEN_MAX 8192   /* room for an access token (JWTs run long) */
#define CLOUD_PAGES_MAX 100000 /* of one list: a loop, not an account */

/*
 * What a provider brings to a session: its names and limits, then its
 * callbacks.  A callback gets the session's ctx (the provider's own state,
 * which holds the session) and returns 0, or -1 with err filled.
 *
 * region_wanted: 1 when a record of kind in region goes to the caller.
 * api_error: the code and text of the API's own "error" object (the OAuth
 *   shape is read by the session); either is left NULL when absent.
 * start: once the session is made, read settings, call
 *   cloud_session_open() and load keys; stop releases what ctx holds.
 * token_fetch: get a new token into the session with
 *   cloud_session_token_read(), building the request's URL in token_url:
 *   a token may be renewed between two pages, and url holds the next one.
 * list_walk: walk list i of account with cloud_session_list(); 0 for a
 *   list that is not asked for.
 * page_prepare: make (or check) the session's url for the page after next
 *   (NULL: the list's first); -1 only when memory ran out.
 * page_parse: parse the answer in the session's resp into its sink; *next
 *   gets the next page's token or link from its arena, NULL on the last.
 * page_next: take next for the page after: refuse a loop or another host.
 */
struct cloud_session_ops {
	const char *scope; /* "gcp": failures are scoped "gcp:<account>" */
	const char *no_accounts; /* the code when no account is asked for */
	const char *no_accounts_message;
	size_t account_max;      /* an id this long, or "", is refused */
	const char *bad_account; /* with this failure: "not a project id" */
	size_t token_max;        /* a token is shorter (<= CLOUD_TOKEN_MAX) */
	size_t nlists;           /* lists of an account, walked in order */
	int (*region_wanted)(const struct cloud_options *opt,
	    enum cloud_kind kind, const char *region);
	void (*api_error)(
	    struct json_object *error, const char **code, const char **text);
	int (*start)(void *ctx, struct err *err);
	void (*stop)(void *ctx);
	int (*token_fetch)(void *ctx, struct err *err);
	int (*list_walk)(void *ctx, const char *account, size_t i,
	    const char *scope, struct err *err);
	int (*page_prepare)(void *ctx, const char *next, struct err *err);
	int (*page_parse)(void *ctx, char **next, struct err *err);
	int (*page_next)(void *ctx, const char *next, struct err *err);
};

/*
 * One discovery.  The provider's state holds it and sets ops and ctx;
 * cloud_session_discover() makes the rest.  The token and the Authorization
 * header are wiped when the session is freed.
 */
struct cloud_session {
	const struct cloud_session_ops *ops;
	void *ctx; /* the provider's, given to ops */
	const struct cloud_options *opt;
	const struct cloud_sink *out; /* the caller's */
	struct cloud_sink sink;       /* counts, stamps, filters, forwards */
	struct cloud_report *report;
	cloud_progress_fn progress;
	void *progress_ctx;
	char token[CLOUD_TOKEN_MAX];
	time_t token_expires;
	time_t now; /* discovered_at of every record */
	int sink_stopped;
	struct err sink_err;
	struct buf url;       /* the page being asked for */
	struct buf token_url; /* a token request's, never a page's */
	struct buf auth, body;
	struct http_response resp;
	struct arena *arena; /* a page's strings; reset for each page */
};

/*
 * The discover() of a provider (cloud.h): refuse no accounts, make s,
 * start, get a token, walk each account's lists (a failing account is
 * recorded in report and the next one tried), stop and free s.  Returns
 * 0, or -1 with err: no accounts, no credentials, or the caller's sink
 * stopped (its err then).
 */
int cloud_session_discover(struct cloud_session *s,
    const struct cloud_options *opt, const struct cloud_sink *sink,
    struct cloud_report *report, cloud_progress_fn progress, void *progress_ctx,
    struct err *err);

/* The arena and libcurl, for start.  0, or -1 with err. */
int cloud_session_open(struct cloud_session *s, struct err *err);

/* The environment variable name, or fallback when unset or "". */
const char *cloud_env(const char *name, const char *fallback);

/* A request of method to url with the session's timeout and retries. */
void cloud_session_request(const struct cloud_session *s,
    struct http_request *req, const char *method, const char *url);

/*
 * Perform req into the session's resp.  A failure to get an answer keeps
 * http_perform's code; an answer other than 200 is 502 with code and the
 * API's error message.  Either message starts with what was asked.
 */
int cloud_session_perform(struct cloud_session *s, struct http_request *req,
    const char *what, const char *code, struct err *err);

/*
 * Take access_token and its lifetime from the answer in resp, which is
 * then wiped: expires_in (seconds, a number or text as metadata services
 * give it), else expires_on (seconds since the epoch, as App Service's
 * managed identity gives it), else five minutes.  -1 with err (502
 * "token_invalid", naming source) when there is no usable token.
 */
int cloud_session_token_read(
    struct cloud_session *s, const char *source, struct err *err);

/*
 * Make sure a token good for a while is at hand (ops->token_fetch
 * otherwise), and the Authorization header for it.  0, or -1 with err.
 */
int cloud_session_token_ensure(struct cloud_session *s, struct err *err);

/*
 * Every page of one list called name, into the sink: ops->page_prepare,
 * GET with the token, ops->page_parse, progress for scope, ops->page_next,
 * up to CLOUD_PAGES_MAX pages.  0, or -1 with err.
 */
int cloud_session_list(struct cloud_session *s, const char *name,
    const char *scope, struct err *err);

/* Put what and ": " before err's message, keeping its code.  Returns -1. */
int cloud_err_prefix(struct err *err, const char *what);

/* --- SigV4: sigv4.c, sigv4_canonical.c ---------------------------------- */

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_SHA256_SIZE 32
#define SIGV4_NAME_MAX_LEN 64        /* region, service */
#define SIGV4_ACCESS_KEY_MAX_LEN 128 /* AWS documents 16 to 128 */
#define SIGV4_SCOPE_SIZE                                                       \
	(8 + 1 + SIGV4_NAME_MAX_LEN + 1 + SIGV4_NAME_MAX_LEN + 1 + 12 + 1)
#define SIGV4_CREDENTIAL_SIZE (SIGV4_ACCESS_KEY_MAX_LEN + 1 + SIGV4_SCOPE_SIZE)

/*
 * One header or query parameter on its way to being sorted.  The text is
 * in work_text and found by offset while the buffer may still move; key and
 * value are filled in once it no longer does.
 */
struct sigv4_item {
	size_t key_offset;
	size_t key_len;
	size_t value_offset;
	size_t value_len;
	size_t order; /* position in the input: equal headers keep it */
	const char *key;
	const char *value;
};

/*
 * A result's private memory, made on first use and kept until
 * sigv4_result_free(): text and items being sorted, the headers once
 * rendered, OpenSSL contexts, and the last signing key.  AWS's key is a
 * function of secret, date, region and service only, so one derivation
 * serves a worker all day.
 */
struct sigv4_work {
	struct buf text;
	struct buf items;
	struct buf canonical_headers;
	struct buf signed_headers;
	EVP_MAC_CTX *hmac;
	EVP_MD_CTX *sha256;
	EVP_MD *sha256_md;
	unsigned char key[SIGV4_SHA256_SIZE];
	unsigned char key_secret[SIGV4_SHA256_SIZE]; /* SHA-256 of its secret */
	char key_credential[SIGV4_CREDENTIAL_SIZE];  /* "" when key is unset */
};

/* State shared by the steps of one signing. */
struct sigv4_context {
	const struct sigv4_req *req;
	struct sigv4_result *result;
	struct sigv4_work *work;
	const char *token; /* session token, NULL when none */
	int presign;
	int token_signed;  /* the token is part of the canonical request */
	int token_added;   /* the signer adds the token (header or query) */
	int date_added;    /* the signer adds X-Amz-Date */
	int content_added; /* the signer adds X-Amz-Content-Sha256 */
	char scope[SIGV4_SCOPE_SIZE]; /* 20150830/us-east-1/ec2/aws4_request */
	char credential[SIGV4_CREDENTIAL_SIZE]; /* access key id, '/', scope */
};

/* ASCII letters and digits. */
int cloud_sigv4_is_alnum(unsigned char c);

/* RFC 3986 section 2.3: ALPHA DIGIT - . _ ~ */
int cloud_sigv4_is_unreserved(unsigned char c);

/* A space or a tab. */
int cloud_sigv4_is_blank(char c);

/* 0, or -1 with err (500 "internal") when a buffer of c ran out of memory. */
int cloud_sigv4_check_memory(const struct sigv4_context *c, struct err *err);

/*
 * Fill err for input that cannot be signed: 400 "invalid_request" naming
 * field, with the message fmt makes.  Returns -1.
 */
int cloud_sigv4_refuse(struct err *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Step 1 of a signing: the canonical request (method, path, query,
 * headers, signed headers, payload hash) into c->result, with the
 * canonical and signed headers in c->work.  0, or -1 with err: a query
 * that cannot be decoded or holds presigning's own parameters (400), or
 * memory (500).
 */
int cloud_sigv4_canonical_request(struct sigv4_context *c, struct err *err);

/* --- the EC2 answer reader: ec2_xml.c, ec2_records.c --------------------- */

/* What a record keeps; NULL is "not in the item". */
enum ec2_field {
	EC2_F_ID, /* vpcId, subnetId, networkInterfaceId, regionName */
	EC2_F_STATE,
	EC2_F_CIDR,
	EC2_F_OWNER,
	EC2_F_IS_DEFAULT,
	EC2_F_VPC_ID,
	EC2_F_SUBNET_ID,
	EC2_F_ZONE,
	EC2_F_INTERFACE_ID,
	EC2_F_INTERFACE_OWNER,
	EC2_F_INSTANCE_ID,
	EC2_F_PRIVATE_IP,
	EC2_F_PUBLIC_IP,
	EC2_F_ALLOCATION_ID,
	EC2_F_ASSOCIATION_ID,
	EC2_F_DOMAIN,
	EC2_F_TAG_KEY, /* from here on: the sub-item being read */
	EC2_F_TAG_VALUE,
	EC2_F_SUB_VALUE, /* its CIDR or address */
	EC2_F_SUB_ID,    /* its association id */
	EC2_F_SUB_STATE,
	EC2_F_SUB_PRIMARY,
	EC2_F_SUB_PUBLIC_IP,
	EC2_F_SUB_ALLOCATION_ID,
	EC2_F_SUB_ASSOCIATION_ID,
	EC2_F__MAX
};

/* What the close of a sub-item's <item> sets aside. */
enum ec2_sub_kind {
	EC2_SUB_NONE,
	EC2_SUB_TAG,
	EC2_SUB_CIDR_V4,
	EC2_SUB_CIDR_V6,
	EC2_SUB_ADDRESS_V4,
	EC2_SUB_ADDRESS_V6,
	EC2_SUB__MAX
};

/* A CIDR association or an address of a record, set aside. */
struct ec2_sub_item {
	uint8_t kind; /* enum ec2_sub_kind */
	const char *value;
	const char *id;
	const char *state;
	const char *primary;
	const char *public_ip;
	const char *allocation_id;
	const char *association_id;
};

/* The record being read; its strings are in the parser's arena. */
struct ec2_record {
	const char *f[EC2_F__MAX];
	struct cloud_tag tags[CLOUD_TAGS_MAX];
	size_t ntags;
	struct ec2_sub_item subs[EC2_SUBITEMS_MAX];
	size_t nsubs;
	char why[ERR_MESSAGE_MAX]; /* not "": why the record is refused */
};

enum ec2_root { EC2_ROOT_NONE, EC2_ROOT_ANSWER, EC2_ROOT_ERROR };

struct ec2_parser {
	XML_Parser xml;
	enum ec2_action action;
	struct cloud_sink sink;
	ec2_region_fn region_fn;
	void *region_ctx;
	char *account;
	char *region;
	time_t discovered_at;
	enum ec2_root root;
	uint8_t stack[EC2_DEPTH_MAX]; /* ec2_xml.c's enum element, root at 0 */
	size_t depth;
	size_t record_depth; /* depth of the record's <item>, 0 outside */
	struct buf text;     /* of the innermost element */
	struct arena *arena; /* the record's strings */
	struct ec2_record rec;
	struct ec2_address_extra extra;
	struct buf next_token;
	int has_next_token;
	struct buf request_id;
	char aws_code[EC2_AWS_CODE_MAX]; /* of the first <Error> */
	struct buf aws_message;
	int errors_read; /* <Error> elements closed */
	int failed;
	struct err err; /* why, once failed */
};

/*
 * Stop p for good with status, code and the message fmt makes: every later
 * feed returns that err.  Only the first failure counts.
 */
void cloud_ec2_fail(struct ec2_parser *p, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* cloud_ec2_fail() for memory that ran out: 500 "internal". */
void cloud_ec2_fail_oom(struct ec2_parser *p);

/*
 * Mark the record being read unreadable with the reason fmt makes; the
 * first reason is the one reported.
 */
void cloud_ec2_record_refuse(struct ec2_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Field f of the record being read, "" when the item lacks it. */
const char *cloud_ec2_field(const struct ec2_parser *p, enum ec2_field f);

/* Set the EC2 extras of an address (ec2_parser_address_extra) to "". */
void cloud_ec2_extra_clear(struct ec2_parser *p);

/*
 * The record's <item> closed: check it, make it canonical and hand it to
 * the sink (or on_error, or the region callback), then leave the record.
 */
void cloud_ec2_record_end(struct ec2_parser *p);

#endif
