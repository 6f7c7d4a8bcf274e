/*
 * sigv4.h: AWS Signature Version 4, the signer of the collector's calls to
 * the EC2 Query API, STS and Organizations.
 *
 * The caller describes the request it is about to send (struct sigv4_req:
 * method, path and query exactly as they go on the wire, the headers it
 * will send, the body or its precomputed hash, region, service,
 * credentials, time and options) and sigv4_sign() fills a struct
 * sigv4_result with every artifact of the algorithm: canonical request,
 * string to sign, signature, and either the Authorization header value plus
 * the headers to add, or, when presigning, the query string to send.
 *
 * The rules follow AWS's "Create a signed AWS API request" and the AWS
 * test suites (botocore aws4_testsuite, aws-c-auth v4): header names are
 * lowercased and sorted, values trimmed with inner runs of blanks collapsed,
 * repeated headers joined by commas in order; query parameters are
 * percent-decoded, re-encoded per RFC 3986 section 2.3 and sorted by
 * encoded key then value; the path is normalised (RFC 3986 section 5.2.4)
 * and encoded again unless the service is S3.
 *
 * Nothing is read from a clock or the environment: the same request gives
 * the same bytes.  Input that cannot be signed safely (CR or LF in a
 * header, a missing region, bad percent-encoding) is refused with -1 and a
 * filled struct err, never signed and never aborted on.
 */
#ifndef CLOUDPAM_CLOUD_SIGV4_H
#define CLOUDPAM_CLOUD_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/err.h"

#define SIGV4_SIGNATURE_SIZE 65    /* 64 lowercase hex digits and a NUL */
#define SIGV4_DATE_SIZE 17         /* "20150830T123600Z" and a NUL */
#define SIGV4_PAYLOAD_HASH_SIZE 65 /* hex SHA-256 or a keyword, and a NUL */
#define SIGV4_HEADERS_ADDED_MAX 4
#define SIGV4_EXPIRES_MAX 604800 /* seven days, AWS's limit */

/* A payload_hash for bodies the service does not check (S3 presigning). */
#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/*
 * Bits for sigv4_req.flags.  Zero is right for EC2, STS and Organizations;
 * S3 wants SIGV4_S3.
 *
 * SIGV4_SINGLE_ENCODE: sign the path as given, without encoding it again.
 * SIGV4_KEEP_PATH: keep ".", ".." and empty segments in the path.
 * SIGV4_SIGN_BODY: header signing adds and signs X-Amz-Content-Sha256.
 * SIGV4_OMIT_SESSION_TOKEN: the session token is added to the request (or
 * the presigned query) after signing, unsigned, as some services want.
 */
#define SIGV4_SINGLE_ENCODE 0x1
#define SIGV4_KEEP_PATH 0x2
#define SIGV4_SIGN_BODY 0x4
#define SIGV4_OMIT_SESSION_TOKEN 0x8
#define SIGV4_S3 (SIGV4_SINGLE_ENCODE | SIGV4_KEEP_PATH | SIGV4_SIGN_BODY)

struct sigv4_work;

struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_credentials {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL or "" for long-term keys */
};

struct sigv4_req {
	const char *method; /* "GET", "POST" */
	const char *path;   /* as sent, "/" or "/a/b"; "" means "/" */
	const char *query;  /* as sent, without '?'; NULL or "" for none */
	const struct sigv4_header *headers; /* as sent; Host is required */
	size_t headers_len;
	const void *body; /* hashed unless payload_hash is set */
	size_t body_len;
	const char *payload_hash; /* NULL, hex SHA-256 or a keyword */
	const char *region;       /* "us-east-1" */
	const char *service;      /* "ec2", "sts", "organizations" */
	struct sigv4_credentials credentials;
	time_t signing_time; /* seconds since the epoch, UTC */
	unsigned int flags;  /* SIGV4_* bits */
	long expires;        /* > 0: presign for this many seconds */
};

/*
 * What sigv4_sign() makes.  The buffers are reused by the next call, so a
 * worker that keeps one result signs without allocating once warm.
 */
struct sigv4_result {
	struct buf canonical_request;
	struct buf string_to_sign;
	struct buf authorization; /* header signing: the Authorization value */
	struct buf query;         /* presigning: the query to send, no '?' */
	char signature[SIGV4_SIGNATURE_SIZE];
	char date[SIGV4_DATE_SIZE]; /* the X-Amz-Date value */
	char payload_hash[SIGV4_PAYLOAD_HASH_SIZE];
	/*
	 * Header signing: the headers the caller must add to the request, in
	 * order, Authorization last.  Values point into this result or into
	 * the request's credentials.
	 */
	struct sigv4_header added[SIGV4_HEADERS_ADDED_MAX];
	size_t added_len;
	struct sigv4_work *work; /* private: buffers, OpenSSL, key cache */
};

/*
 * Prepare an empty result; no memory is taken and no OpenSSL algorithm
 * fetched until the first signing.
 */
void sigv4_result_init(struct sigv4_result *result);

/* Release a result's memory.  Accepts an initialised or freed result. */
void sigv4_result_free(struct sigv4_result *result);

/*
 * Sign req.  With req->expires == 0 the result holds the Authorization
 * value and the headers to add (X-Amz-Security-Token, X-Amz-Date,
 * X-Amz-Content-Sha256 when the request lacks them, then Authorization);
 * with req->expires > 0 it holds the presigned query: the request's own
 * query as given, then the X-Amz-* parameters, X-Amz-Signature last.
 * Returns 0, or -1 with err filled (400 "invalid_request" naming the
 * field for input that cannot be signed, 500 "internal" when memory or
 * OpenSSL fails); the result is then still owned by the caller but its
 * contents are unspecified.  Pointers in result->added are valid until the
 * result is reused or freed and, for the session token, while req lives.
 */
int sigv4_sign(
    const struct sigv4_req *req, struct sigv4_result *result, struct err *err);

/*
 * Append req's canonical request to out.  Returns 0, or -1 with err filled
 * and out unchanged.  Takes and releases its own working memory: for tests
 * and one-off use; sigv4_sign() is the reusing path.
 */
int sigv4_canonical_request(
    const struct sigv4_req *req, struct buf *out, struct err *err);

/* Append req's string to sign to out.  As sigv4_canonical_request(). */
int sigv4_string_to_sign(
    const struct sigv4_req *req, struct buf *out, struct err *err);

/*
 * Write req's signature, 64 lowercase hex digits and a NUL, to signature.
 * Returns 0, or -1 with err filled and signature set to "".
 */
int sigv4_signature(const struct sigv4_req *req,
    char signature[SIGV4_SIGNATURE_SIZE], struct err *err);

/*
 * Append the Authorization header value for req to out.  A presigning req
 * (expires > 0) is refused.  As sigv4_canonical_request() otherwise.
 */
int sigv4_authorization(
    const struct sigv4_req *req, struct buf *out, struct err *err);

/*
 * Append the presigned query string for req (no leading '?') to out.  A
 * req without expires is refused.  As sigv4_canonical_request() otherwise.
 */
int sigv4_presigned_query(
    const struct sigv4_req *req, struct buf *out, struct err *err);

/*
 * Append len bytes of data to out percent-encoded per RFC 3986 section 2.1:
 * unreserved characters (ALPHA DIGIT - . _ ~, section 2.3) as they are,
 * '/' as it is when keep_slash is set, every other byte as %XX in upper
 * case.  This is the encoder for EC2 Query API parameters too, so that
 * what is sent is what is signed.  Memory failure is recorded in out->oom.
 */
void sigv4_uri_encode(
    struct buf *out, const void *data, size_t len, int keep_slash);

#endif
