/*
 * Fuzz target for app/cloud/sigv4.c: arbitrary bytes become a request and
 * its options, and go through canonicalisation and signing by every entry
 * point.  Besides crashes, leaks and undefined behaviour (the sanitizers'
 * job) it traps when the signer contradicts itself: a malformed signature,
 * a second signing that differs, entry points that disagree, an encoder
 * that leaves a reserved byte, or a refusal without a message.
 *
 * Input: byte 0 holds the flags (low four bits), presigning (0x10), a
 * session token (0x20) and a given payload hash (0x40); byte 1 picks region
 * and service, some of them bad.  The rest is "METHOD target" on the first
 * line, "name:value" header lines, a blank line, then the body.
 */
#include "cloud/sigv4.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/err.h"

#define HEADERS_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const regions[] = { "us-east-1", "eu-west-1", "",
	"us east-1", NULL };
static const char *const services[] = { "service", "ec2", "sts",
	"organizations", NULL, "a/b" };

struct fuzz_req {
	struct sigv4_req req;
	struct sigv4_header headers[HEADERS_MAX];
	char *text; /* owned: the input, NUL-terminated, cut into lines */
};

static int
is_hex_lower(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[len] == '\0';
}

/* Split "METHOD path?query". */
static void
parse_target(struct sigv4_req *req, char *line)
{
	char *space, *question;

	req->method = line;
	req->path = "";
	req->query = NULL;
	if ((space = strchr(line, ' ')) == NULL)
		return;
	*space = '\0';
	req->path = space + 1;
	if ((question = strchr(space + 1, '?')) != NULL) {
		*question = '\0';
		req->query = question + 1;
	}
}

static void
parse_headers(struct fuzz_req *f, char **cursor, char *end)
{
	char *line = *cursor, *next, *colon;

	while (line < end && *line != '\0') {
		next = line + strlen(line) + 1;
		if (f->req.headers_len < HEADERS_MAX) {
			colon = strchr(line, ':');
			if (colon != NULL)
				*colon = '\0';
			f->headers[f->req.headers_len].name = line;
			f->headers[f->req.headers_len].value =
			    colon ? colon + 1 : "";
			f->req.headers_len++;
		}
		line = next;
	}
	*cursor = line < end ? line + 1 : end;
}

static int
fuzz_parse(struct fuzz_req *f, const uint8_t *data, size_t size)
{
	char *cursor, *end, *newline;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (size < 2 || (f->text = malloc(size - 1)) == NULL)
		return -1;
	memcpy(f->text, data + 2, size - 2);
	f->text[size - 2] = '\0';
	end = f->text + size - 2;
	/* Lines become strings; the body keeps its newlines. */
	for (cursor = f->text;
	     (newline = memchr(cursor, '\n', (size_t)(end - cursor))) != NULL;
	     cursor = newline + 1) {
		*newline = '\0';
		if (cursor == newline && cursor != f->text)
			break;
	}
	cursor = f->text + strlen(f->text) + 1;
	parse_target(&f->req, f->text);
	f->req.headers = f->headers;
	if (cursor < end)
		parse_headers(f, &cursor, end);
	else
		cursor = end;
	f->req.body = cursor;
	f->req.body_len = (size_t)(end - cursor);
	f->req.flags = data[0] & 0x0f;
	f->req.expires = (data[0] & 0x10) ? 1 + data[1] : 0;
	f->req.payload_hash = (data[0] & 0x40) ? SIGV4_UNSIGNED_PAYLOAD : NULL;
	i = data[1] % (sizeof(regions) / sizeof(*regions));
	f->req.region = regions[i];
	f->req.service =
	    services[data[1] % (sizeof(services) / sizeof(*services))];
	f->req.credentials.access_key_id = "AKIDEXAMPLE";
	f->req.credentials.secret_access_key =
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	f->req.credentials.session_token =
	    (data[0] & 0x20) ? "AQoDYXdzEPT//////////wEXAMPLE+/=" : NULL;
	f->req.signing_time = 1440938160 + (time_t)data[1] * 86399;
	return 0;
}

/* The encoder leaves only unreserved bytes, '/' if asked, and %XX. */
static void
check_encoder(const uint8_t *data, size_t size, int keep_slash)
{
	struct buf b = BUF_INIT;
	size_t i, want = 0;
	unsigned char c;

	for (i = 0; i < size; i++) {
		c = data[i];
		want += (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                (c >= '0' && c <= '9') ||
		                (c != 0 && strchr("-._~", c)) ||
		                (keep_slash && c == '/')
		            ? 1
		            : 3;
	}
	sigv4_uri_encode(&b, data, size, keep_slash);
	if (!b.oom && b.len != want)
		__builtin_trap();
	for (i = 0; i < b.len; i++)
		if (strchr("!#$&'()*+,:;=?@[] ", b.data[i]) != NULL ||
		    (!keep_slash && b.data[i] == '/'))
			__builtin_trap();
	buf_free(&b);
}

/* The other entry points must say what sigv4_sign() said. */
static void
check_entry_points(const struct sigv4_req *req, const struct sigv4_result *r)
{
	char signature[SIGV4_SIGNATURE_SIZE];
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT;

	if (sigv4_canonical_request(req, &b, &err) == -1 ||
	    strcmp(b.data, r->canonical_request.data) != 0)
		__builtin_trap();
	buf_reset(&b);
	if (sigv4_string_to_sign(req, &b, &err) == -1 ||
	    strcmp(b.data, r->string_to_sign.data) != 0)
		__builtin_trap();
	if (sigv4_signature(req, signature, &err) == -1 ||
	    strcmp(signature, r->signature) != 0)
		__builtin_trap();
	buf_reset(&b);
	if (req->expires > 0 ? sigv4_presigned_query(req, &b, &err) == -1 ||
	                           strcmp(b.data, r->query.data) != 0
	                     : sigv4_authorization(req, &b, &err) == -1 ||
	                           strcmp(b.data, r->authorization.data) != 0)
		__builtin_trap();
	buf_free(&b);
}

static void
check_signed(const struct sigv4_req *req, struct sigv4_result *r)
{
	char first[SIGV4_SIGNATURE_SIZE];
	struct err err = ERR_INIT;
	size_t len;

	if (!is_hex_lower(r->signature, SIGV4_SIGNATURE_SIZE - 1))
		__builtin_trap();
	if (req->expires > 0) {
		len = strlen(r->query.data);
		if (r->added_len != 0 || len < SIGV4_SIGNATURE_SIZE - 1 ||
		    strcmp(r->query.data + len - (SIGV4_SIGNATURE_SIZE - 1),
		        r->signature) != 0)
			__builtin_trap();
	} else if (r->added_len == 0 ||
	           strcmp(r->added[r->added_len - 1].name, "Authorization") !=
	               0 ||
	           strncmp(r->authorization.data,
	               "AWS4-HMAC-SHA256 Credential=", 28) != 0) {
		__builtin_trap();
	}
	/* Again with the same, warm result: same bytes. */
	memcpy(first, r->signature, sizeof(first));
	if (sigv4_sign(req, r, &err) == -1 || strcmp(first, r->signature) != 0)
		__builtin_trap();
	check_entry_points(req, r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigv4_result r;
	struct fuzz_req f;
	struct err err = ERR_INIT;

	check_encoder(data, size, 0);
	check_encoder(data, size, 1);
	if (fuzz_parse(&f, data, size) == -1)
		return 0;
	sigv4_result_init(&r);
	if (sigv4_sign(&f.req, &r, &err) == 0)
		check_signed(&f.req, &r);
	else if (err.code[0] == '\0' || err.message[0] == '\0')
		__builtin_trap();
	sigv4_result_free(&r);
	free(f.text);
	return 0;
}
