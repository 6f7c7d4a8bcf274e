/*
 * Unit tests for app/cloud/sigv4.c.
 *
 * Walks every case of the two AWS SigV4 suites in testdata/sigv4 (the
 * classic aws4_testsuite from botocore and the aws-c-auth v4 suite, header
 * and presigned), signs each request and compares every artifact with the
 * expected file; then RFC 3986 encoding, canonicalisation corners and
 * refused input, table-driven.  The testdata root is $CLOUDPAM_TESTDATA,
 * or ../shared/testdata from the repository root.
 */
#include "cloud/sigv4.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "unit/tap.h"

#define CASE_FILE_MAX (1 << 20)
#define DIR_ENTRIES_MAX 128
#define HEADERS_MAX 32
#define CLASSIC_CASES 34 /* testdata/sigv4/README.md */
#define CRT_CASES 38

/* The suites' fixed inputs (testdata/sigv4/README.md). */
#define ACCESS_KEY_ID "AKIDEXAMPLE"
#define SECRET_ACCESS_KEY "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define REGION "us-east-1"
#define SERVICE "service"
#define SIGNING_TIME "2015-08-30T12:36:00Z"
#define SHORT_TOKEN                                                            \
	"6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

/* A request parsed from .req or request.txt. */
struct parsed {
	const char *method;
	const char *path;
	const char *query;
	const char *version;
	const char *head;         /* request line and header lines, raw */
	const char *header_lines; /* head after the request line, or "" */
	struct sigv4_header headers[HEADERS_MAX];
	size_t headers_len;
	const char *body;
	size_t body_len;
};

/*
 * The one artifact known to be wrong in the data: this .sreq carries
 * get-vanilla's signature (testdata/sigv4/README.md, "Known quirks").
 */
static const struct {
	const char *name;
	const char *artifact;
	const char *reason;
} stale[] = {
	{ "get-vanilla-with-session-token", ".sreq",
	    "stale: carries get-vanilla's signature 5fa00f..., the .authz "
	    "07ec16... is right (testdata README)" },
};

static struct arena *arena;
static const char *long_token; /* from post-sts-token/readme.txt */
static int classic_cases, classic_passed, crt_cases, crt_passed;

static char *
read_text(const char *path, size_t *len)
{
	struct stat st;
	FILE *f;
	char *text = NULL;
	size_t n = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 &&
	    st.st_size <= CASE_FILE_MAX &&
	    (text = arena_alloc(arena, (size_t)st.st_size + 1)) != NULL)
		n = fread(text, 1, (size_t)st.st_size, f);
	fclose(f);
	if (text == NULL || n != (size_t)st.st_size)
		return NULL;
	text[n] = '\0';
	if (len != NULL)
		*len = n;
	return text;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The subdirectories of dir, sorted so the TAP output is stable. */
static size_t
list_dirs(const char *dir, char **names)
{
	DIR *d;
	struct dirent *e;
	size_t n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < DIR_ENTRIES_MAX) {
		if (e->d_name[0] == '.' ||
		    !is_dir(arena_printf(arena, "%s/%s", dir, e->d_name)))
			continue;
		names[n++] = arena_strdup(arena, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), compare_names);
	return n;
}

/* Append a header line; a line starting with a blank continues the last. */
static int
parse_header_line(struct parsed *p, const char *line)
{
	struct sigv4_header *h;
	const char *colon;

	if ((line[0] == ' ' || line[0] == '\t') && p->headers_len > 0) {
		/* RFC 9112 section 5.2: obs-fold is replaced by a space. */
		h = &p->headers[p->headers_len - 1];
		h->value = arena_printf(arena, "%s %s", h->value, line);
		return 0;
	}
	if ((colon = strchr(line, ':')) == NULL ||
	    p->headers_len == HEADERS_MAX)
		return -1;
	h = &p->headers[p->headers_len++];
	h->name = arena_strndup(arena, line, (size_t)(colon - line));
	h->value = arena_strdup(arena, colon + 1);
	return 0;
}

static int
parse_request_line(struct parsed *p, const char *line)
{
	const char *first, *last, *question;
	char *target;

	first = strchr(line, ' ');
	last = strrchr(line, ' ');
	if (first == NULL || first == last)
		return -1;
	p->method = arena_strndup(arena, line, (size_t)(first - line));
	p->version = arena_strdup(arena, last + 1);
	/* The target may hold spaces (normalize-path/get-space). */
	target = arena_strndup(arena, first + 1, (size_t)(last - first - 1));
	if ((question = strchr(target, '?')) != NULL) {
		p->path =
		    arena_strndup(arena, target, (size_t)(question - target));
		p->query = question + 1;
	} else {
		p->path = target;
		p->query = "";
	}
	return 0;
}

/* Request line, header lines, a blank line, the body. */
static int
parse_request(struct parsed *p, const char *text, size_t len)
{
	const char *end, *line, *next;
	size_t head_len;

	memset(p, 0, sizeof(*p));
	if ((end = strstr(text, "\n\n")) != NULL) {
		head_len = (size_t)(end - text);
		p->body = end + 2;
		p->body_len = len - head_len - 2;
	} else {
		head_len = len;
		while (head_len > 0 && text[head_len - 1] == '\n')
			head_len--;
		p->body = "";
	}
	p->head = arena_strndup(arena, text, head_len);
	next = strchr(p->head, '\n');
	p->header_lines = next ? next : "";
	line = arena_strndup(
	    arena, p->head, next ? (size_t)(next - p->head) : head_len);
	if (parse_request_line(p, line) == -1)
		return -1;
	while (next != NULL) {
		line = next + 1;
		next = strchr(line, '\n');
		if (parse_header_line(p,
		        next ? arena_strndup(arena, line, (size_t)(next - line))
		             : line) == -1)
			return -1;
	}
	return 0;
}

static time_t
suite_time(void)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2015 - 1900;
	tm.tm_mon = 7;
	tm.tm_mday = 30;
	tm.tm_hour = 12;
	tm.tm_min = 36;
	return timegm(&tm);
}

static void
base_req(struct sigv4_req *req, const struct parsed *p)
{
	memset(req, 0, sizeof(*req));
	req->method = p->method;
	req->path = p->path;
	req->query = p->query;
	req->headers = p->headers;
	req->headers_len = p->headers_len;
	req->body = p->body;
	req->body_len = p->body_len;
	req->region = REGION;
	req->service = SERVICE;
	req->credentials.access_key_id = ACCESS_KEY_ID;
	req->credentials.secret_access_key = SECRET_ACCESS_KEY;
	req->signing_time = suite_time();
}

/*
 * The request as sent: head, the headers the signer added, then the body.
 * authorization_space is the classic suite's "Authorization: " spelling.
 */
static const char *
signed_request(const struct parsed *p, const struct sigv4_result *r,
    int authorization_space, int blank_line_always)
{
	struct buf b = BUF_INIT;
	const char *s;
	size_t i;

	buf_puts(&b, p->head);
	for (i = 0; i < r->added_len; i++)
		buf_printf(&b, "\n%s:%s%s", r->added[i].name,
		    authorization_space &&
		            strcmp(r->added[i].name, "Authorization") == 0
		        ? " "
		        : "",
		    r->added[i].value);
	if (blank_line_always || p->body_len > 0) {
		buf_puts(&b, "\n\n");
		buf_append(&b, p->body, p->body_len);
	}
	s = arena_strdup(arena, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

/*
 * Compare two messages, header field names case-insensitively (RFC 9110
 * section 5.1): aws-c-auth writes "x-amz-content-sha256", we write
 * "X-Amz-Content-Sha256".
 */
static int
same_message(const char *have, const char *want)
{
	const char *h_colon, *w_colon, *h_end, *w_end;
	size_t line = 0; /* line 0, the request line, is compared exactly */
	int in_body = 0;

	while (*have != '\0' && *want != '\0') {
		h_end = have + strcspn(have, "\n");
		w_end = want + strcspn(want, "\n");
		h_colon = memchr(have, ':', (size_t)(h_end - have));
		w_colon = memchr(want, ':', (size_t)(w_end - want));
		if (h_end == have)
			in_body = 1;
		if (line > 0 && !in_body && h_colon && w_colon &&
		    h_colon - have == w_colon - want) {
			if (strncasecmp(have, want, (size_t)(h_colon - have)) !=
			        0 ||
			    h_end - h_colon != w_end - w_colon ||
			    memcmp(h_colon, w_colon, (size_t)(h_end - h_colon)))
				return 0;
		} else if (h_end - have != w_end - want ||
		           memcmp(have, want, (size_t)(h_end - have)) != 0) {
			return 0;
		}
		have = *h_end ? h_end + 1 : h_end;
		want = *w_end ? w_end + 1 : w_end;
		line++;
		if ((*have == '\0') != (*want == '\0'))
			return 0;
	}
	return *have == *want;
}

static const char *
stale_reason(const char *name, const char *artifact)
{
	size_t i;

	for (i = 0; i < sizeof(stale) / sizeof(*stale); i++)
		if (strcmp(stale[i].name, name) == 0 &&
		    strcmp(stale[i].artifact, artifact) == 0)
			return stale[i].reason;
	return NULL;
}

/*
 * A stale .sreq must differ from ours, and only in its signature: with the
 * signature of the (correct) .authz put in, the two are equal.
 */
static int
check_stale(const char *name, const char *have, const char *want,
    const char *authorization, const char *reason)
{
	const char *old, *right;
	char *fixed;
	int pass;

	old = strstr(want, "Signature=");
	right = strstr(authorization, "Signature=");
	fixed = arena_strdup(arena, want);
	if (old != NULL && right != NULL && strlen(old) >= 74 &&
	    strlen(right) >= 74)
		memcpy(fixed + (old - want), right, 74);
	pass = strcmp(have, want) != 0 && strcmp(have, fixed) == 0;
	tap_ok(pass, "classic %s: .sreq differs only in its signature (%s)",
	    name, reason);
	if (!pass)
		tap_diag("have: \"%s\"; want: \"%s\"", have, fixed);
	return pass;
}

static int
compare(const char *have, const char *want, const char *suite, const char *name,
    const char *artifact)
{
	if (want == NULL) {
		tap_ok(0, "%s %s: %s is readable", suite, name, artifact);
		return 0;
	}
	return tap_str(have, want,
	    arena_printf(arena, "%s %s: %s", suite, name, artifact));
}

static void
classic_credentials(struct sigv4_req *req, const char *name)
{
	if (strcmp(name, "get-vanilla-with-session-token") == 0)
		req->credentials.session_token = SHORT_TOKEN;
	if (strncmp(name, "post-sts-header-", 16) == 0)
		req->credentials.session_token = long_token;
	/* "after": the token is added to the request once signed. */
	if (strcmp(name, "post-sts-header-after") == 0)
		req->flags |= SIGV4_OMIT_SESSION_TOKEN;
}

static void
classic_case(const char *dir, const char *name)
{
	const char *base = arena_printf(arena, "%s/%s", dir, name);
	const char *sreq, *reason, *want_sreq, *want_authz;
	struct sigv4_result r;
	struct sigv4_req req;
	struct parsed p;
	struct err err = ERR_INIT;
	char *text;
	size_t len;
	int pass;

	classic_cases++;
	sigv4_result_init(&r);
	text = read_text(arena_printf(arena, "%s.req", base), &len);
	if (text == NULL || parse_request(&p, text, len) == -1) {
		tap_ok(0, "classic %s: .req parses", name);
		goto done;
	}
	base_req(&req, &p);
	classic_credentials(&req, name);
	if (!tap_ok(sigv4_sign(&req, &r, &err) == 0, "classic %s: signs", name))
		tap_diag("%s: %s", err.field, err.message);
	pass = compare(r.canonical_request.data,
	    read_text(arena_printf(arena, "%s.creq", base), NULL), "classic",
	    name, ".creq");
	pass &= compare(r.string_to_sign.data,
	    read_text(arena_printf(arena, "%s.sts", base), NULL), "classic",
	    name, ".sts");
	want_authz = read_text(arena_printf(arena, "%s.authz", base), NULL);
	pass &= compare(
	    r.authorization.data, want_authz, "classic", name, ".authz");
	sreq = signed_request(&p, &r, 1, 0);
	want_sreq = read_text(arena_printf(arena, "%s.sreq", base), NULL);
	reason = stale_reason(name, ".sreq");
	if (reason != NULL && want_sreq != NULL && want_authz != NULL)
		pass &= check_stale(name, sreq, want_sreq, want_authz, reason);
	else
		pass &= compare(sreq, want_sreq, "classic", name, ".sreq");
	classic_passed += pass;
done:
	sigv4_result_free(&r);
}

/* A directory holding <name>/<name>.req is a case; others are groups. */
static void
walk_classic(const char *dir)
{
	char *names[DIR_ENTRIES_MAX];
	const char *sub;
	struct stat st;
	size_t i, n;

	n = list_dirs(dir, names);
	for (i = 0; i < n; i++) {
		sub = arena_printf(arena, "%s/%s", dir, names[i]);
		if (stat(arena_printf(arena, "%s/%s.req", sub, names[i]),
		        &st) == 0)
			classic_case(sub, names[i]);
		else
			walk_classic(sub);
	}
}

/* Parse "2015-08-30T12:36:00Z"; -1 when it is not that shape. */
static time_t
parse_timestamp(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm;
	int number[6], i, field = 0;

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return -1;
	memset(number, 0, sizeof(number));
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] != 'd') {
			if (s[i] != shape[i])
				return -1;
			field++;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		number[field] = number[field] * 10 + (s[i] - '0');
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = number[0] - 1900;
	tm.tm_mon = number[1] - 1;
	tm.tm_mday = number[2];
	tm.tm_hour = number[3];
	tm.tm_min = number[4];
	tm.tm_sec = number[5];
	return timegm(&tm);
}

static const char *
json_text(struct json_object *object, const char *key)
{
	struct json_object *value;

	if (!json_object_object_get_ex(object, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	return arena_strdup(arena, json_object_get_string(value));
}

static int
json_flag(struct json_object *object, const char *key)
{
	struct json_object *value;

	return json_object_object_get_ex(object, key, &value) &&
	       json_object_get_boolean(value);
}

/* context.json: credentials, region, service, time, options. */
static int
crt_context(const char *dir, struct sigv4_req *req)
{
	struct json_object *context, *credentials, *value;
	long expires = 0;

	context =
	    json_object_from_file(arena_printf(arena, "%s/context.json", dir));
	if (context == NULL)
		return -1;
	if (json_object_object_get_ex(context, "credentials", &credentials)) {
		req->credentials.access_key_id =
		    json_text(credentials, "access_key_id");
		req->credentials.secret_access_key =
		    json_text(credentials, "secret_access_key");
		req->credentials.session_token =
		    json_text(credentials, "token");
	}
	req->region = json_text(context, "region");
	req->service = json_text(context, "service");
	req->signing_time = parse_timestamp(json_text(context, "timestamp"));
	if (json_object_object_get_ex(context, "expiration_in_seconds", &value))
		expires = (long)json_object_get_int64(value);
	req->flags = 0;
	if (!json_flag(context, "normalize"))
		req->flags |= SIGV4_KEEP_PATH;
	if (json_flag(context, "sign_body"))
		req->flags |= SIGV4_SIGN_BODY;
	if (json_flag(context, "omit_session_token"))
		req->flags |= SIGV4_OMIT_SESSION_TOKEN;
	json_object_put(context);
	req->expires = expires; /* the caller clears it for header signing */
	return 0;
}

static const char *
crt_file(const char *dir, const char *mode, const char *artifact)
{
	return read_text(
	    arena_printf(arena, "%s/%s-%s.txt", dir, mode, artifact), NULL);
}

/* The query of a request line "GET /path?query HTTP/1.1", or NULL. */
static const char *
presigned_query(const char *request)
{
	const char *question, *end;

	if (request == NULL)
		return NULL;
	end = request + strcspn(request, "\n");
	question = memchr(request, '?', (size_t)(end - request));
	while (end > request && end[-1] != ' ')
		end--;
	if (question == NULL || end <= question)
		return NULL;
	return arena_strndup(arena, question + 1, (size_t)(end - question - 2));
}

/* One signing mode ("header" or "query") of one aws-c-auth case. */
static int
crt_mode(const char *dir, const char *name, const struct parsed *p,
    struct sigv4_req *req, const char *mode)
{
	const char *label = arena_printf(arena, "%s (%s)", name, mode);
	const char *sent, *want;
	struct sigv4_result r;
	struct err err = ERR_INIT;
	int pass;

	sigv4_result_init(&r);
	if (!tap_ok(sigv4_sign(req, &r, &err) == 0, "crt %s: signs", label))
		tap_diag("%s: %s", err.field, err.message);
	pass = compare(r.canonical_request.data,
	    crt_file(dir, mode, "canonical-request"), "crt", label,
	    "canonical request");
	pass &= compare(r.string_to_sign.data,
	    crt_file(dir, mode, "string-to-sign"), "crt", label,
	    "string to sign");
	pass &= compare(r.signature, crt_file(dir, mode, "signature"), "crt",
	    label, "signature");
	if (req->expires > 0)
		sent = arena_printf(arena, "%s %s?%s %s%s\n\n%.*s", p->method,
		    p->path, r.query.data ? r.query.data : "", p->version,
		    p->header_lines, (int)p->body_len, p->body);
	else
		sent = signed_request(p, &r, 0, 1);
	want = crt_file(dir, mode, "signed-request");
	if (req->expires > 0)
		pass &= compare(r.query.data, presigned_query(want), "crt",
		    label, "presigned query");
	pass &= tap_ok(want != NULL && same_message(sent, want),
	    "crt %s: signed request (header names compared "
	    "case-insensitively, RFC 9110 section 5.1)",
	    label);
	if (!pass)
		tap_diag("have: \"%s\"", sent);
	sigv4_result_free(&r);
	return pass;
}

static void
crt_case(const char *dir, const char *name)
{
	struct sigv4_req req;
	struct parsed p;
	char *text;
	size_t len;
	long expires;
	int pass;

	crt_cases++;
	text = read_text(arena_printf(arena, "%s/request.txt", dir), &len);
	if (text == NULL || parse_request(&p, text, len) == -1) {
		tap_ok(0, "crt %s: request.txt parses", name);
		return;
	}
	base_req(&req, &p);
	if (!tap_ok(crt_context(dir, &req) == 0 && req.signing_time != -1,
	        "crt %s: context.json parses", name))
		return;
	expires = req.expires;
	req.expires = 0;
	pass = crt_mode(dir, name, &p, &req, "header");
	req.expires = expires;
	pass &= crt_mode(dir, name, &p, &req, "query");
	crt_passed += pass;
}

static void
walk_crt(const char *dir)
{
	char *names[DIR_ENTRIES_MAX];
	size_t i, n;

	n = list_dirs(dir, names);
	for (i = 0; i < n; i++)
		crt_case(arena_printf(arena, "%s/%s", dir, names[i]), names[i]);
}

/* The long STS token is the last word of post-sts-token/readme.txt. */
static const char *
read_long_token(const char *classic)
{
	char *text, *start, *end;

	text = read_text(
	    arena_printf(arena, "%s/post-sts-token/readme.txt", classic), NULL);
	if (text == NULL || (start = strstr(text, "AQoD")) == NULL)
		return NULL;
	end = start + strcspn(start, " \t\r\n");
	*end = '\0';
	return start;
}

static void
test_suites(void)
{
	const char *root = getenv("CLOUDPAM_TESTDATA");
	const char *classic, *crt;

	if (root == NULL || *root == '\0')
		root = "../shared/testdata";
	classic = arena_printf(arena, "%s/sigv4/aws4_testsuite", root);
	crt = arena_printf(arena, "%s/sigv4/aws-signing-test-suite-v4", root);
	long_token = read_long_token(classic);
	tap_ok(long_token != NULL, "classic post-sts-token/readme.txt token");
	walk_classic(classic);
	walk_crt(crt);
	tap_int(classic_cases, CLASSIC_CASES, "classic suite case count");
	tap_int(crt_cases, CRT_CASES, "crt suite case count");
	if (classic_passed == classic_cases && crt_passed == crt_cases)
		printf("# sigv4: classic %d cases, crt %d cases, all passed "
		       "(1 stale .sreq expected to differ)\n",
		    classic_cases, crt_cases);
	else
		printf("# sigv4: classic %d/%d cases, crt %d/%d cases "
		       "passed\n",
		    classic_passed, classic_cases, crt_passed, crt_cases);
}

static const struct {
	const char *in;
	size_t len;
	int keep_slash;
	const char *want;
} encodings[] = {
	{ "", 0, 0, "" },
	{ "AZaz09-._~", 10, 0, "AZaz09-._~" }, /* RFC 3986 2.3 unreserved */
	{ " ", 1, 0, "%20" },
	{ "/a b", 4, 1, "/a%20b" },
	{ "/a b", 4, 0, "%2Fa%20b" },
	{ "+*", 2, 0, "%2B%2A" },
	{ "%", 1, 0, "%25" },
	{ "!'()", 4, 0, "%21%27%28%29" }, /* sub-delims are encoded too */
	{ "=&?#[]@:", 8, 0, "%3D%26%3F%23%5B%5D%40%3A" },
	{ "\xe1\x88\xb4", 3, 0, "%E1%88%B4" }, /* UTF-8, upper-case hex */
	{ "\xff\x01\x7f", 3, 0, "%FF%01%7F" },
	{ "a\0b", 3, 0, "a%00b" },
};

static void
test_encode(void)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(encodings) / sizeof(*encodings); i++) {
		buf_reset(&b);
		sigv4_uri_encode(&b, encodings[i].in, encodings[i].len,
		    encodings[i].keep_slash);
		tap_str(b.data ? b.data : "", encodings[i].want,
		    arena_printf(arena, "RFC 3986 encode \"%s\"%s",
		        encodings[i].want,
		        encodings[i].keep_slash ? " keeping /" : ""));
	}
	buf_free(&b);
}

static const struct sigv4_header host[] = {
	{ "Host", "example.amazonaws.com" },
};

static void
small_req(struct sigv4_req *req)
{
	struct parsed p;

	memset(&p, 0, sizeof(p));
	p.method = "GET";
	p.path = "/";
	p.query = "";
	base_req(req, &p);
	req->headers = host;
	req->headers_len = 1;
}

/* Line n (from 0) of text, in arena memory. */
static const char *
line_of(const char *text, int n)
{
	const char *end;

	for (; n > 0 && text != NULL; n--)
		if ((text = strchr(text, '\n')) != NULL)
			text++;
	if (text == NULL)
		return "(none)";
	end = text + strcspn(text, "\n");
	return arena_strndup(arena, text, (size_t)(end - text));
}

static const struct {
	const char *name;
	const char *path;
	const char *query;
	unsigned int flags;
	int line; /* 1: path, 2: query */
	const char *want;
} canonical[] = {
	{ "dot segments", "/a/./b/../c", "", 0, 1, "/a/c" },
	{ "empty path", "", "", 0, 1, "/" },
	{ "trailing slash kept", "/a/b/", "", 0, 1, "/a/b/" },
	{ ".. stops at the root", "/../..", "", 0, 1, "/" },
	{ "double slash", "/a//b", "", 0, 1, "/a/b" },
	{ "keep path", "/a/./b//c", "", SIGV4_KEEP_PATH, 1, "/a/./b//c" },
	{ "double-encode", "/a%20b", "", 0, 1, "/a%2520b" },
	{ "S3 single encode", "/a%20b//c", "", SIGV4_S3, 1, "/a%20b//c" },
	{ "UTF-8 path", "/\xc3\xa9t\xc3\xa9", "", 0, 1, "/%C3%A9t%C3%A9" },
	{ "sort keys", "/", "b=2&a=1", 0, 2, "a=1&b=2" },
	{ "sort values", "/", "a=2&a=1", 0, 2, "a=1&a=2" },
	{ "byte order", "/", "a=1&Z=1&_=1", 0, 2, "Z=1&_=1&a=1" },
	{ "no =", "/", "a", 0, 2, "a=" },
	{ "empty values", "/", "b&a=", 0, 2, "a=&b=" },
	{ "plus is a plus", "/", "x=a+b", 0, 2, "x=a%2Bb" },
	{ "re-encode", "/", "x=%2f&%7E=~", 0, 2, "x=%2F&~=~" },
	{ "empty pieces", "/", "&&a=1&", 0, 2, "a=1" },
	{ "= in value", "/", "a=b=c", 0, 2, "a=b%3Dc" },
};

static void
test_canonical(void)
{
	struct sigv4_req req;
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(canonical) / sizeof(*canonical); i++) {
		small_req(&req);
		req.path = canonical[i].path;
		req.query = canonical[i].query;
		req.flags = canonical[i].flags;
		buf_reset(&b);
		rc = sigv4_canonical_request(&req, &b, &err);
		tap_str(
		    rc == 0 ? line_of(b.data, canonical[i].line) : err.message,
		    canonical[i].want,
		    arena_printf(arena, "canonical %s: \"%s%s%s\"",
		        canonical[i].name, canonical[i].path,
		        *canonical[i].query ? "?" : "", canonical[i].query));
	}
	buf_free(&b);
}

static void
test_header_values(void)
{
	static const struct sigv4_header headers[] = {
		{ "Host", "example.amazonaws.com" },
		{ "My-Header", " \t a\t\t b   c  " },
		{ "X-Empty", "" },
		{ "X-Amz-Date", " 20150830T123600Z " },
	};
	struct sigv4_req req;
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT;

	small_req(&req);
	req.headers = headers;
	req.headers_len = 4;
	sigv4_canonical_request(&req, &b, &err);
	tap_str(line_of(b.data, 4), "my-header:a b c",
	    "header value trimmed, blank runs collapsed");
	tap_str(line_of(b.data, 5), "x-amz-date:20150830T123600Z",
	    "X-Amz-Date given by the caller is used, not added twice");
	tap_str(line_of(b.data, 6), "x-empty:", "empty header value");
	buf_free(&b);
}

/* Each refusal starts from a good request and breaks one thing. */
static void
break_region_null(struct sigv4_req *r)
{
	r->region = NULL;
}

static void
break_region_empty(struct sigv4_req *r)
{
	r->region = "";
}

static void
break_region_space(struct sigv4_req *r)
{
	r->region = "us east-1";
}

static void
break_service(struct sigv4_req *r)
{
	r->service = NULL;
}

static void
break_access_key(struct sigv4_req *r)
{
	r->credentials.access_key_id = "AKID/EXAMPLE";
}

static void
break_secret(struct sigv4_req *r)
{
	r->credentials.secret_access_key = "";
}

static void
break_token(struct sigv4_req *r)
{
	r->credentials.session_token = "token\r\nX-Evil: 1";
}

static const struct sigv4_header crlf_value[] = {
	{ "Host", "example.amazonaws.com" },
	{ "X-Note", "a\r\nX-Evil: 1" },
};

static void
break_header_crlf(struct sigv4_req *r)
{
	r->headers = crlf_value;
	r->headers_len = 2;
}

static const struct sigv4_header lf_value[] = {
	{ "Host", "example.amazonaws.com\n" },
};

static void
break_header_lf(struct sigv4_req *r)
{
	r->headers = lf_value;
	r->headers_len = 1;
}

static const struct sigv4_header crlf_name[] = {
	{ "Host", "example.amazonaws.com" },
	{ "X-Bad\r\n", "1" },
};

static void
break_header_name(struct sigv4_req *r)
{
	r->headers = crlf_name;
	r->headers_len = 2;
}

static const struct sigv4_header no_host[] = {
	{ "X-Amz-Date", "20150830T123600Z" },
};

static void
break_host(struct sigv4_req *r)
{
	r->headers = no_host;
	r->headers_len = 1;
}

static const struct sigv4_header authorization[] = {
	{ "Host", "example.amazonaws.com" },
	{ "Authorization", "AWS4-HMAC-SHA256 ..." },
};

static void
break_authorization(struct sigv4_req *r)
{
	r->headers = authorization;
	r->headers_len = 2;
}

static const struct sigv4_header wrong_date[] = {
	{ "Host", "example.amazonaws.com" },
	{ "X-Amz-Date", "20150830T123601Z" },
};

static void
break_date(struct sigv4_req *r)
{
	r->headers = wrong_date;
	r->headers_len = 2;
}

static void
break_path_cr(struct sigv4_req *r)
{
	r->path = "/a\rb";
}

static void
break_path_relative(struct sigv4_req *r)
{
	r->path = "a/b";
}

static void
break_query_percent(struct sigv4_req *r)
{
	r->query = "a=%zz";
}

static void
break_query_tail(struct sigv4_req *r)
{
	r->query = "a=1%";
}

static void
break_method(struct sigv4_req *r)
{
	r->method = "GE T";
}

static void
break_expires(struct sigv4_req *r)
{
	r->expires = SIGV4_EXPIRES_MAX + 1;
}

static void
break_presign_collision(struct sigv4_req *r)
{
	r->expires = 60;
	r->query = "X-Amz-Signature=0";
}

static void
break_payload_hash(struct sigv4_req *r)
{
	r->payload_hash = "not a hash";
}

static void
break_flags(struct sigv4_req *r)
{
	r->flags = 0x100;
}

static void
break_time(struct sigv4_req *r)
{
	r->signing_time = (time_t)253402300800LL; /* year 10000 */
}

static void
break_body(struct sigv4_req *r)
{
	r->body = NULL;
	r->body_len = 5;
}

typedef void (*break_fn)(struct sigv4_req *);

static const struct {
	const char *name;
	break_fn mutate;
	const char *field;
} refusals[] = {
	{ "missing region", break_region_null, "region" },
	{ "empty region", break_region_empty, "region" },
	{ "region with a space", break_region_space, "region" },
	{ "missing service", break_service, "service" },
	{ "access key id with /", break_access_key, "access_key_id" },
	{ "empty secret", break_secret, "secret_access_key" },
	{ "session token with CR/LF", break_token, "session_token" },
	{ "header value with CR/LF", break_header_crlf, "headers" },
	{ "header value with LF", break_header_lf, "headers" },
	{ "header name with CR/LF", break_header_name, "headers" },
	{ "no Host header", break_host, "headers" },
	{ "Authorization header", break_authorization, "headers" },
	{ "X-Amz-Date disagreeing", break_date, "headers" },
	{ "path with CR", break_path_cr, "path" },
	{ "relative path", break_path_relative, "path" },
	{ "query %zz", break_query_percent, "query" },
	{ "query ending in %", break_query_tail, "query" },
	{ "method with a space", break_method, "method" },
	{ "expires past seven days", break_expires, "expires" },
	{ "presign over X-Amz-Signature", break_presign_collision, "query" },
	{ "payload hash with spaces", break_payload_hash, "payload_hash" },
	{ "unknown flag", break_flags, "flags" },
	{ "year 10000", break_time, "signing_time" },
	{ "body_len without body", break_body, "body" },
};

static void
test_refusals(void)
{
	struct sigv4_result r;
	struct sigv4_req req;
	struct err err;
	size_t i;
	int rc, pass;

	sigv4_result_init(&r);
	for (i = 0; i < sizeof(refusals) / sizeof(*refusals); i++) {
		small_req(&req);
		refusals[i].mutate(&req);
		err_clear(&err);
		rc = sigv4_sign(&req, &r, &err);
		pass = rc == -1 && err.status == 400 &&
		       strcmp(err.code, "invalid_request") == 0 &&
		       strcmp(err.field, refusals[i].field) == 0 &&
		       err.message[0] != '\0';
		tap_ok(pass, "refuse %s", refusals[i].name);
		if (!pass)
			tap_diag("have: %d %d \"%s\" field \"%s\"; want: -1 "
			         "400 \"invalid_request\" field \"%s\"",
			    rc, err.status, err.code, err.field,
			    refusals[i].field);
	}
	sigv4_result_free(&r);
}

static void
test_entry_points(void)
{
	struct sigv4_result r;
	struct sigv4_req req;
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT;
	char signature[SIGV4_SIGNATURE_SIZE];
	int rc;

	small_req(&req);
	req.credentials.session_token = SHORT_TOKEN;
	sigv4_result_init(&r);
	sigv4_sign(&req, &r, &err);
	tap_int((long long)r.added_len, 3, "header signing adds three headers");
	tap_str(r.added_len == 3
	            ? arena_printf(arena, "%s,%s,%s", r.added[0].name,
	                  r.added[1].name, r.added[2].name)
	            : "",
	    "X-Amz-Security-Token,X-Amz-Date,Authorization",
	    "added headers in order, Authorization last");
	sigv4_canonical_request(&req, &b, &err);
	tap_str(b.data, r.canonical_request.data,
	    "sigv4_canonical_request agrees with sigv4_sign");
	buf_reset(&b);
	sigv4_string_to_sign(&req, &b, &err);
	tap_str(b.data, r.string_to_sign.data,
	    "sigv4_string_to_sign agrees with sigv4_sign");
	sigv4_signature(&req, signature, &err);
	tap_str(signature, r.signature, "sigv4_signature agrees");
	buf_reset(&b);
	sigv4_authorization(&req, &b, &err);
	tap_str(b.data, r.authorization.data, "sigv4_authorization agrees");
	buf_reset(&b);
	rc = sigv4_presigned_query(&req, &b, &err);
	tap_ok(rc == -1 && b.len == 0 && strcmp(err.field, "expires") == 0,
	    "presigned query refused without expires, out unchanged");
	req.expires = 60;
	rc = sigv4_authorization(&req, &b, &err);
	tap_ok(rc == -1 && b.len == 0,
	    "Authorization refused for a presigning request");
	buf_free(&b);
	sigv4_result_free(&r);
}

/* One result reused across different requests gives the same bytes. */
static void
test_reuse(void)
{
	struct sigv4_result r;
	struct sigv4_req req;
	struct err err = ERR_INIT;
	char *first;

	small_req(&req);
	req.query = "b=2&a=1";
	sigv4_result_init(&r);
	sigv4_sign(&req, &r, &err);
	first = arena_strdup(arena, r.authorization.data);
	req.query = "c=3";
	req.expires = 300;
	sigv4_sign(&req, &r, &err);
	req.query = "b=2&a=1";
	req.expires = 0;
	sigv4_sign(&req, &r, &err);
	tap_str(r.authorization.data, first,
	    "a reused result signs deterministically");
	sigv4_result_free(&r);
	sigv4_result_free(&r);
	tap_ok(1, "sigv4_result_free twice is harmless");
}

/* Sign with a fresh result: what a warm result must also produce. */
static const char *
fresh_signature(const struct sigv4_req *req)
{
	char signature[SIGV4_SIGNATURE_SIZE];
	struct err err = ERR_INIT;

	if (sigv4_signature(req, signature, &err) == -1)
		return arena_strdup(arena, err.message);
	return arena_strdup(arena, signature);
}

/*
 * A result keeps the last signing key; any change of secret, access key,
 * day, region or service must derive a new one.
 */
static void
test_key_cache(void)
{
	static const struct {
		const char *name;
		const char *secret;
		const char *access_key_id;
		time_t later;
		const char *region;
		const char *service;
	} steps[] = {
		{ "first key", SECRET_ACCESS_KEY, ACCESS_KEY_ID, 0, REGION,
		    SERVICE },
		{ "same key, later that day", SECRET_ACCESS_KEY, ACCESS_KEY_ID,
		    3600, REGION, SERVICE },
		{ "new secret, same access key", "otherSECRETkey",
		    ACCESS_KEY_ID, 0, REGION, SERVICE },
		{ "back to the first secret", SECRET_ACCESS_KEY, ACCESS_KEY_ID,
		    0, REGION, SERVICE },
		{ "next day", SECRET_ACCESS_KEY, ACCESS_KEY_ID, 86400, REGION,
		    SERVICE },
		{ "other region", SECRET_ACCESS_KEY, ACCESS_KEY_ID, 0,
		    "eu-west-1", SERVICE },
		{ "other service", SECRET_ACCESS_KEY, ACCESS_KEY_ID, 0, REGION,
		    "ec2" },
		{ "other access key", SECRET_ACCESS_KEY, "AKIDOTHER", 0, REGION,
		    SERVICE },
	};
	struct sigv4_result r;
	struct sigv4_req req;
	struct err err = ERR_INIT;
	size_t i;

	sigv4_result_init(&r);
	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		small_req(&req);
		req.credentials.secret_access_key = steps[i].secret;
		req.credentials.access_key_id = steps[i].access_key_id;
		req.signing_time += steps[i].later;
		req.region = steps[i].region;
		req.service = steps[i].service;
		tap_str(
		    sigv4_sign(&req, &r, &err) == 0 ? r.signature : err.message,
		    fresh_signature(&req),
		    arena_printf(
		        arena, "signing key cache: %s", steps[i].name));
	}
	sigv4_result_free(&r);
}

int
main(void)
{
	arena = arena_new(1 << 20);
	if (arena == NULL)
		return 1;
	test_suites();
	test_encode();
	test_canonical();
	test_header_values();
	test_refusals();
	test_entry_points();
	test_reuse();
	test_key_cache();
	arena_free(arena);
	return tap_done();
}
