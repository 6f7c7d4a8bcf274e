/*
 * aws_request.h: what every call to an AWS API shares: a request set up
 * with the HTTP settings of the configuration, SigV4 signing made afresh
 * before each attempt, the error code and message of a refusal, the
 * throttling codes that make http_perform() back off, and a call that
 * collects the answer into a buf.
 */
#ifndef CLOUDPAM_CLOUD_AWS_REQUEST_H
#define CLOUDPAM_CLOUD_AWS_REQUEST_H

#include <stddef.h>

#include "cloud/aws_config.h"
#include "cloud/aws_credentials.h"
#include "cloud/cloud.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"

/*
 * Signing for http_request.sign: SigV4 with credentials for region and
 * service, made afresh before every attempt.  The Host header is set from
 * the URL; the headers added (X-Amz-Date, X-Amz-Security-Token,
 * Authorization) point into the signer, valid until it signs again or is
 * freed.
 */
struct aws_signer {
	const struct aws_credentials *credentials;
	const char *region;
	enum aws_service service;
	char host[AWS_URL_MAX];
	struct sigv4_result result;
};

void aws_signer_init(struct aws_signer *s,
    const struct aws_credentials *credentials, const char *region,
    enum aws_service service);
void aws_signer_free(struct aws_signer *s);
int aws_signer_sign(void *ctx, struct http_request *req, struct err *err);

/*
 * Is this 4xx/5xx answer AWS throttling?  For http_request.is_throttle:
 * the codes RequestLimitExceeded, Throttling, ThrottlingException,
 * TooManyRequestsException, RequestThrottled (XML <Code> or JSON __type).
 */
int aws_is_throttle(long status, const char *body, size_t len);

/*
 * Does this AWS error code mean the keys or the signature were refused
 * (AuthFailure, SignatureDoesNotMatch, InvalidClientTokenId, ExpiredToken,
 * …) rather than the call?
 */
int aws_code_is_auth(const char *code);

/*
 * The AWS error code of an XML (<Code>) or JSON ("__type", after any '#')
 * error answer into code, "" when none; the message (<Message>, "message"
 * or "Message") into message.
 */
void aws_error_read(const char *body, size_t len, char *code, size_t code_size,
    char *message, size_t message_size);

/*
 * A request to service at url for cfg: method POST, the content type and
 * body given (owned by the caller, alive while req is), the HTTP settings
 * of cfg.
 */
void aws_request_init(struct http_request *req, const struct aws_config *cfg,
    const char *url, const char *content_type, const struct buf *body);

/*
 * Perform req and collect at most max bytes of the answer into body.
 * Returns 0 with *status (any status), or -1 with err as http_perform().
 */
int aws_call(struct http_request *req, struct buf *body, size_t max,
    long *status, struct cloud_report *report, struct err *err);

#endif
