/*
 * aws.c: discovery in AWS (cloud_aws).
 *
 * For each account (the caller's own; each one listed, entered with STS
 * AssumeRole; or every active account of the organization, from
 * Organizations ListAccounts), for each region (those asked for, or the
 * account's enabled ones from DescribeRegions), the EC2 Query API is asked
 * for VPCs, subnets and, when addresses are wanted, network interfaces and
 * elastic IPs, page after page (NextToken).  Each answer is streamed into
 * an ec2_parser, which hands records to the caller's sink as they close.
 *
 * A page that is retried (throttled, a 5xx, a connection cut mid-answer)
 * is read again from the start, so records the first attempt already
 * handed over would come twice.  Each page therefore remembers a 64-bit
 * hash of every record it delivered, and a retry skips those: the sink
 * sees each record once, and a record that first appears in the retry is
 * not lost.
 *
 * An account or region that fails is recorded in the report, naming it and
 * the AWS error code, and the discovery goes on.  discover() returns -1
 * only when nothing can be tried (options, no credentials at all) or the
 * sink asks to stop.
 */
#include "cloud/cloud.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cloud/aws_config.h"
#include "cloud/aws_credentials.h"
#include "cloud/aws_request.h"
#include "cloud/aws_sts.h"
#include "cloud/ec2_xml.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/log.h"

#define EC2_VERSION "2016-11-15"
#define EC2_PAGE_SIZE "1000" /* the largest EC2 allows */
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define ORG_TYPE "application/x-amz-json-1.1"
#define ORG_TARGET "AWSOrganizationsV20161128.ListAccounts"
#define ORGANIZATION "organization" /* the one account meaning "all" */
#define SESSION_NAME "cloudpam-collector"
#define REFRESH_MARGIN 300 /* renew keys this many seconds early */
#define PAGES_MAX 100000   /* of one action in one region */
#define ACCOUNTS_MAX 100000
#define REGIONS_ANSWER_MAX ((size_t)1 << 20)
#define ORG_ANSWER_MAX ((size_t)4 << 20)
#define SCOPE_MAX 128

/* What a region is read with, in order. */
static const struct {
	enum ec2_action action;
	int paged;   /* takes MaxResults and NextToken */
	int address; /* only when addresses are asked for */
} reads[] = {
	{ EC2_DESCRIBE_VPCS, 1, 0 },
	{ EC2_DESCRIBE_SUBNETS, 1, 0 },
	{ EC2_DESCRIBE_NETWORK_INTERFACES, 1, 1 },
	{ EC2_DESCRIBE_ADDRESSES, 0, 1 },
};

/* One discover() call. */
struct aws_run {
	const struct cloud_options *opt;
	const struct cloud_sink *sink;
	struct cloud_report *report;
	cloud_progress_fn progress;
	void *progress_ctx;
	struct aws_config cfg;
	struct aws_credentials base;
	struct cloud_report scratch;   /* when the caller gives none */
	char own[AWS_ACCOUNT_ID_SIZE]; /* the caller's account, or "" */
	int stopped;                   /* the sink said stop */
	struct err stop_err;
};

/* The account being read and its keys. */
struct aws_account {
	char id[AWS_ACCOUNT_ID_SIZE];
	char role_arn[AWS_ARN_MAX]; /* "": the base keys */
	struct aws_credentials creds;
};

/* One EC2 page: the parser of this attempt, what earlier ones sent. */
struct aws_page {
	struct aws_run *run;
	enum ec2_action action;
	const char *account, *region;
	struct ec2_parser *parser;
	struct cloud_sink sink; /* ours, in front of the caller's */
	long status;
	unsigned attempts;
	uint64_t *sent; /* hashes of records handed over */
	size_t nsent, cap, nsorted;
	int oom;
};

static uint64_t
key_add(uint64_t h, const char *s)
{
	/* FNV-1a, each string followed by a byte no string holds. */
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static int
key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* 1: hand the record over; 0: an earlier attempt did; -1: memory. */
static int
page_fresh(struct aws_page *pg, uint64_t key)
{
	uint64_t *grown;
	size_t cap;

	if (pg->nsorted > 0 &&
	    bsearch(&key, pg->sent, pg->nsorted, sizeof(key), key_cmp))
		return 0;
	if (pg->nsent == pg->cap) {
		cap = pg->cap ? pg->cap * 2 : 256;
		grown = realloc(pg->sent, cap * sizeof(*grown));
		if (grown == NULL) {
			pg->oom = 1;
			return -1;
		}
		pg->sent = grown;
		pg->cap = cap;
	}
	pg->sent[pg->nsent++] = key;
	return 1;
}

static int
page_sink_result(struct aws_page *pg, int rc, struct err *err)
{
	if (rc == -1) {
		pg->run->stopped = 1;
		pg->run->stop_err = *err;
	}
	return rc;
}

static int
page_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct aws_page *pg = ctx;
	const struct cloud_sink *s = pg->run->sink;
	int fresh = page_fresh(pg, key_add(key_add(0, "n"), n->c.external_id));

	if (fresh <= 0)
		return fresh == 0 ? 0 : err_set(err, 500, "internal", "memory");
	pg->run->report->networks++;
	if (s->on_network == NULL)
		return 0;
	return page_sink_result(pg, s->on_network(s->ctx, n, err), err);
}

static int
page_subnet(void *ctx, const struct cloud_subnet *sn, struct err *err)
{
	struct aws_page *pg = ctx;
	const struct cloud_sink *s = pg->run->sink;
	int fresh = page_fresh(pg, key_add(key_add(0, "s"), sn->c.external_id));

	if (fresh <= 0)
		return fresh == 0 ? 0 : err_set(err, 500, "internal", "memory");
	pg->run->report->subnets++;
	if (s->on_subnet == NULL)
		return 0;
	return page_sink_result(pg, s->on_subnet(s->ctx, sn, err), err);
}

static int
page_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct aws_page *pg = ctx;
	const struct cloud_sink *s = pg->run->sink;
	uint64_t key =
	    key_add(key_add(0, a->is_public ? "p" : "a"), a->c.external_id);
	int fresh =
	    page_fresh(pg, key_add(key_add(key, a->ip), a->interface_id));

	if (fresh <= 0)
		return fresh == 0 ? 0 : err_set(err, 500, "internal", "memory");
	pg->run->report->addresses++;
	if (s->on_address == NULL)
		return 0;
	return page_sink_result(pg, s->on_address(s->ctx, a, err), err);
}

static int
page_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct aws_page *pg = ctx;
	const struct cloud_sink *s = pg->run->sink;
	struct err err = ERR_INIT;
	uint64_t key = key_add(key_add(0, "e"), cloud_kind_names[kind]);
	int fresh = page_fresh(pg, key_add(key_add(key, resource), message));

	if (fresh <= 0)
		return fresh;
	pg->run->report->record_errors++;
	if (s->on_error == NULL ||
	    s->on_error(s->ctx, kind, resource, message) == 0)
		return 0;
	err_set(&err, 500, "sink_stopped", "the sink stopped the discovery");
	return page_sink_result(pg, -1, &err);
}

/* Each attempt: a fresh parser; a retry skips what was handed over. */
static int
page_begin(void *ctx, long status, struct err *err)
{
	struct aws_page *pg = ctx;

	pg->status = status;
	if (++pg->attempts > 1) {
		qsort(pg->sent, pg->nsent, sizeof(*pg->sent), key_cmp);
		pg->nsorted = pg->nsent;
	}
	ec2_parser_free(pg->parser);
	pg->parser =
	    ec2_parser_new(pg->action, &pg->sink, pg->account, pg->region);
	if (pg->parser == NULL)
		return err_set(err, 500, "internal", "out of memory (parser)");
	return 0;
}

static int
page_chunk(void *ctx, const char *data, size_t len, struct err *err)
{
	struct aws_page *pg = ctx;

	return ec2_parser_feed(pg->parser, data, len, 0, err);
}

/* Put prefix before err's message; its status and code stay. */
static void
err_prefix(struct err *err, const char *prefix)
{
	char code[ERR_CODE_MAX], message[ERR_MESSAGE_MAX];

	/* Copies: err_set() writes where they are read from. */
	memcpy(code, err->code, sizeof(code));
	memcpy(message, err->message, sizeof(message));
	err_set(err, err->status, code, "%s: %s", prefix, message);
}

/* Say which call failed, its HTTP status and AWS code, in err. */
static void
page_explain(const struct aws_page *pg, struct err *err)
{
	const char *code =
	    pg->parser ? ec2_parser_error_code(pg->parser) : NULL;
	const char *action = ec2_action_names[pg->action];
	char message[ERR_MESSAGE_MAX];
	int auth = code != NULL && aws_code_is_auth(code);

	if (code == NULL) {
		err_prefix(err, action);
		return;
	}
	snprintf(message, sizeof(message), "%s", err->message);
	err_set(err, err->status, auth ? "aws_auth" : "aws_error",
	    "%s: HTTP %ld %s%s", action, pg->status, message,
	    auth ? " (the credentials or signature were refused)" : "");
}

static void
page_form(
    struct buf *form, enum ec2_action action, int paged, const char *token)
{
	buf_printf(
	    form, "Action=%s&Version=" EC2_VERSION, ec2_action_names[action]);
	if (paged)
		buf_puts(form, "&MaxResults=" EC2_PAGE_SIZE);
	if (token != NULL) {
		buf_puts(form, "&NextToken=");
		sigv4_uri_encode(form, token, strlen(token), 0);
	}
}

/* Read one page; its nextToken (or "") into next. */
static int
page_read(struct aws_page *pg, struct aws_account *acct, int paged,
    const char *token, struct buf *next, struct err *err)
{
	char url[AWS_URL_MAX], region[AWS_REGION_MAX];
	struct http_stream stream = { pg, page_begin, page_chunk };
	struct http_request req;
	struct http_response resp;
	struct aws_signer signer;
	struct buf form = BUF_INIT;
	const char *next_token;
	int rc;

	page_form(&form, pg->action, paged, token);
	if (form.oom)
		return err_set(err, 500, "internal", "out of memory");
	if (aws_endpoint(
	        &pg->run->cfg, AWS_EC2, pg->region, url, region, err) == -1) {
		buf_free(&form);
		return -1;
	}
	aws_request_init(&req, &pg->run->cfg, url, FORM_TYPE, &form);
	aws_signer_init(&signer, &acct->creds, region, AWS_EC2);
	req.sign = aws_signer_sign;
	req.sign_ctx = &signer;
	http_response_init(&resp);
	rc = http_perform(&req, &stream, &resp, pg->run->report, err);
	if (rc == 0 && pg->parser == NULL)
		rc = err_set(err, 502, "aws_error", "no answer");
	if (rc == 0)
		rc = ec2_parser_feed(pg->parser, NULL, 0, 1, err);
	if (rc == 0 && (pg->status < 200 || pg->status > 299))
		rc = err_set(err, 502, "aws_error", "HTTP %ld", pg->status);
	if (rc == -1 && pg->oom)
		err_set(err, 500, "internal", "out of memory");
	if (rc == -1 && !pg->run->stopped)
		page_explain(pg, err);
	buf_reset(next);
	if (rc == 0 && (next_token = ec2_parser_next_token(pg->parser)))
		buf_puts(next, next_token);
	http_response_free(&resp);
	aws_signer_free(&signer);
	buf_free(&form);
	return rc;
}

static int account_fresh(
    struct aws_run *run, struct aws_account *acct, struct err *err);

/* Every page of one action in one region. */
static int
action_read(struct aws_run *run, struct aws_account *acct, const char *region,
    size_t read, const char *scope, struct err *err)
{
	struct aws_page pg;
	struct buf token = BUF_INIT, next = BUF_INIT, swap;
	size_t pages;
	int rc = 0;

	for (pages = 0; rc == 0; pages++) {
		memset(&pg, 0, sizeof(pg));
		pg.run = run;
		pg.action = reads[read].action;
		pg.account = acct->id;
		pg.region = region;
		pg.sink = (struct cloud_sink){ &pg, page_network, page_subnet,
			page_address, page_error };
		rc = account_fresh(run, acct, err);
		if (rc == 0)
			rc = page_read(&pg, acct, reads[read].paged,
			    token.len ? token.data : NULL, &next, err);
		ec2_parser_free(pg.parser);
		free(pg.sent);
		if (rc == -1)
			break;
		run->report->pages++;
		if (run->progress != NULL)
			run->progress(run->progress_ctx, run->report, scope);
		if (next.len == 0)
			break;
		if ((token.len > 0 && strcmp(token.data, next.data) == 0) ||
		    pages + 1 == PAGES_MAX)
			rc = err_set(err, 502, "aws_error",
			    "%s: nextToken does not advance",
			    ec2_action_names[pg.action]);
		swap = token, token = next, next = swap;
	}
	buf_free(&token);
	buf_free(&next);
	return rc;
}

/* One region; a failure is reported and ends the region, not the run. */
static int
region_read(struct aws_run *run, struct aws_account *acct, const char *region)
{
	char scope[SCOPE_MAX];
	struct err err = ERR_INIT;
	size_t i;

	snprintf(scope, sizeof(scope), "aws:%s/%s", acct->id, region);
	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		if (reads[i].address && !run->opt->addresses)
			continue;
		if (action_read(run, acct, region, i, scope, &err) == 0)
			continue;
		if (run->stopped)
			return -1;
		cloud_report_fail(run->report, scope, err.message);
		log_fields(LOG_LEVEL_WARN, "aws region failed", "scope", scope,
		    "error", err.code, "detail", err.message, NULL);
		break;
	}
	return 0;
}

static int
assume(struct aws_run *run, struct aws_account *acct, struct err *err)
{
	char prefix[AWS_ARN_MAX + 16];

	if (aws_sts_assume_role(&run->cfg, &run->base, acct->role_arn,
	        SESSION_NAME, run->report, &acct->creds, err) == 0)
		return 0;
	snprintf(prefix, sizeof(prefix), "AssumeRole %s", acct->role_arn);
	err_prefix(err, prefix);
	return -1;
}

/* Renew keys that expire within REFRESH_MARGIN seconds. */
static int
account_fresh(struct aws_run *run, struct aws_account *acct, struct err *err)
{
	time_t now = time(NULL);

	if (acct->creds.expiration == 0 ||
	    now + REFRESH_MARGIN < acct->creds.expiration)
		return 0;
	if (run->base.expiration != 0 &&
	    now + REFRESH_MARGIN >= run->base.expiration &&
	    aws_credentials_resolve(&run->cfg, run->report, &run->base, err) ==
	        -1)
		return -1;
	if (acct->role_arn[0] != '\0')
		return assume(run, acct, err);
	acct->creds = run->base;
	return 0;
}

/* DescribeRegions in the home region: the account's enabled regions. */
static int
regions_enabled(struct aws_run *run, struct aws_account *acct, struct arena *a,
    char ***names, size_t *n, struct err *err)
{
	char url[AWS_URL_MAX], region[AWS_REGION_MAX], prefix[48];
	struct http_request req;
	struct aws_signer signer;
	struct buf form = BUF_INIT, body = BUF_INIT;
	long status = 0;
	int rc;

	buf_puts(&form, "Action=DescribeRegions&Version=" EC2_VERSION);
	rc =
	    aws_endpoint(&run->cfg, AWS_EC2, run->cfg.region, url, region, err);
	if (rc == 0) {
		aws_request_init(&req, &run->cfg, url, FORM_TYPE, &form);
		aws_signer_init(&signer, &acct->creds, region, AWS_EC2);
		req.sign = aws_signer_sign;
		req.sign_ctx = &signer;
		rc = aws_call(
		    &req, &body, REGIONS_ANSWER_MAX, &status, run->report, err);
		aws_signer_free(&signer);
	}
	if (rc == 0 &&
	    (rc = ec2_regions_parse(body.data ? body.data : "", body.len, names,
	         n, a, err)) == 0 &&
	    (status < 200 || status > 299))
		rc = err_set(err, 502, "aws_error", "an answer without error");
	if (rc == -1) {
		snprintf(prefix, sizeof(prefix), "DescribeRegions: HTTP %ld",
		    status);
		err_prefix(err, status != 0 ? prefix : "DescribeRegions");
	}
	buf_free(&form);
	buf_free(&body);
	return rc;
}

/* Every region of one account.  -1 only when the sink stopped. */
static int
account_read(struct aws_run *run, struct aws_account *acct)
{
	char scope[SCOPE_MAX];
	struct err err = ERR_INIT;
	struct arena *a = NULL;
	char **found = NULL;
	const char *const *regions = run->opt->regions;
	size_t i, n = run->opt->nregions;
	int rc = 0;

	snprintf(scope, sizeof(scope), "aws:%s", acct->id);
	if (acct->role_arn[0] != '\0' && assume(run, acct, &err) == -1)
		goto fail;
	if (acct->role_arn[0] == '\0')
		acct->creds = run->base;
	if (n == 0) {
		if ((a = arena_new(4096)) == NULL) {
			err_set(&err, 500, "internal", "out of memory");
			goto fail;
		}
		if (regions_enabled(run, acct, a, &found, &n, &err) == -1)
			goto fail;
		regions = (const char *const *)found;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = region_read(run, acct, regions[i]);
	goto done;
fail:
	cloud_report_fail(run->report, scope, err.message);
	log_fields(LOG_LEVEL_WARN, "aws account failed", "scope", scope,
	    "error", err.code, "detail", err.message, NULL);
done:
	aws_credentials_clear(&acct->creds);
	arena_free(a);
	return rc;
}

static int
account_id_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return i == AWS_ACCOUNT_ID_SIZE - 1;
}

/* Read account id, entering it with the role unless it is our own. */
static int
account_visit(struct aws_run *run, struct aws_account *acct, const char *id)
{
	char scope[SCOPE_MAX];
	int n;

	memset(acct, 0, sizeof(*acct));
	if (!account_id_valid(id)) {
		snprintf(scope, sizeof(scope), "aws:%.100s", id);
		cloud_report_fail(
		    run->report, scope, "not a 12-digit account id");
		return 0;
	}
	memcpy(acct->id, id, AWS_ACCOUNT_ID_SIZE);
	if (strcmp(id, run->own) != 0) {
		n = snprintf(acct->role_arn, sizeof(acct->role_arn),
		    "arn:%s:iam::%s:role/%s", aws_partition(run->cfg.region),
		    id, run->opt->role_name);
		if (n < 0 || (size_t)n >= sizeof(acct->role_arn)) {
			snprintf(scope, sizeof(scope), "aws:%s", id);
			cloud_report_fail(
			    run->report, scope, "role ARN too long");
			return 0;
		}
	}
	return account_read(run, acct);
}

/* One page of ListAccounts: active account ids into ids, NUL-ended. */
static int
org_accounts(
    struct json_object *o, struct buf *ids, struct buf *next, struct err *err)
{
	struct json_object *list, *item, *v;
	const char *id, *status;
	size_t i;

	if (!json_object_object_get_ex(o, "Accounts", &list) ||
	    !json_object_is_type(list, json_type_array))
		return err_set(err, 502, "aws_error",
		    "ListAccounts: an answer without Accounts");
	for (i = 0; i < json_object_array_length(list); i++) {
		item = json_object_array_get_idx(list, i);
		id = json_object_object_get_ex(item, "Id", &v)
		         ? json_object_get_string(v)
		         : NULL;
		status = json_object_object_get_ex(item, "Status", &v)
		             ? json_object_get_string(v)
		             : "";
		if (id == NULL || !account_id_valid(id))
			return err_set(err, 502, "aws_error",
			    "ListAccounts: an account without a 12-digit Id");
		if (status != NULL && strcmp(status, "ACTIVE") == 0)
			buf_append(ids, id, strlen(id) + 1);
	}
	buf_reset(next);
	if (json_object_object_get_ex(o, "NextToken", &v) &&
	    json_object_is_type(v, json_type_string))
		buf_puts(next, json_object_get_string(v));
	return 0;
}

static int
org_page(struct aws_run *run, const char *token, struct buf *ids,
    struct buf *next, struct err *err)
{
	char url[AWS_URL_MAX], region[AWS_REGION_MAX], code[128], message[256];
	struct json_object *ask = json_object_new_object(), *o = NULL;
	struct http_request req;
	struct aws_signer signer;
	struct buf form = BUF_INIT, body = BUF_INIT;
	long status = 0;
	int rc;

	if (ask != NULL && token != NULL)
		json_object_object_add(
		    ask, "NextToken", json_object_new_string(token));
	buf_puts(&form, ask ? json_object_to_json_string_ext(ask, 0) : "");
	rc = aws_endpoint(
	    &run->cfg, AWS_ORGANIZATIONS, run->cfg.region, url, region, err);
	if (rc == 0 && (ask == NULL || form.oom))
		rc = err_set(err, 500, "internal", "out of memory");
	if (rc == 0) {
		aws_request_init(&req, &run->cfg, url, ORG_TYPE, &form);
		http_request_header(&req, "X-Amz-Target", ORG_TARGET);
		aws_signer_init(&signer, &run->base, region, AWS_ORGANIZATIONS);
		req.sign = aws_signer_sign;
		req.sign_ctx = &signer;
		rc = aws_call(
		    &req, &body, ORG_ANSWER_MAX, &status, run->report, err);
		aws_signer_free(&signer);
	}
	if (rc == 0 && status != 200) {
		aws_error_read(body.data ? body.data : "", body.len, code,
		    sizeof(code), message, sizeof(message));
		rc = err_set(err, 502,
		    aws_code_is_auth(code) ? "aws_auth" : "aws_error",
		    "ListAccounts: HTTP %ld %s: %s", status,
		    code[0] ? code : "(no code)", message);
	}
	if (rc == 0 && (o = json_tokener_parse(body.data)) == NULL)
		rc = err_set(err, 502, "aws_error", "ListAccounts: not JSON");
	if (rc == 0)
		rc = org_accounts(o, ids, next, err);
	json_object_put(o);
	json_object_put(ask);
	buf_free(&form);
	buf_free(&body);
	return rc;
}

/* Every active account of the organization, ids NUL-separated in ids. */
static int
org_list(struct aws_run *run, struct buf *ids, struct err *err)
{
	struct buf token = BUF_INIT, next = BUF_INIT, swap;
	size_t pages;
	int rc = 0;

	for (pages = 0; rc == 0; pages++) {
		rc = org_page(
		    run, token.len ? token.data : NULL, ids, &next, err);
		if (rc == 0 && ids->oom)
			rc = err_set(err, 500, "internal", "out of memory");
		if (rc == -1 || next.len == 0)
			break;
		if (pages + 1 == PAGES_MAX || ids->len > ACCOUNTS_MAX * 13 ||
		    (token.len > 0 && strcmp(token.data, next.data) == 0))
			rc = err_set(err, 502, "aws_error",
			    "ListAccounts: NextToken does not advance");
		swap = token, token = next, next = swap;
	}
	buf_free(&token);
	buf_free(&next);
	return rc;
}

/* Our own account, for the records' account and to skip AssumeRole. */
static int
own_account(struct aws_run *run, const char *scope)
{
	struct err err = ERR_INIT;

	if (aws_sts_caller_account(
	        &run->cfg, &run->base, run->report, run->own, &err) == 0)
		return 0;
	cloud_report_fail(run->report, scope, err.message);
	log_fields(LOG_LEVEL_WARN, "aws identity failed", "scope", scope,
	    "error", err.code, "detail", err.message, NULL);
	return -1;
}

static int
walk(struct aws_run *run, struct aws_account *acct)
{
	const struct cloud_options *opt = run->opt;
	struct buf ids = BUF_INIT;
	struct err err = ERR_INIT;
	size_t i, at;
	int rc = 0;

	if (opt->naccounts == 0) {
		if (own_account(run, "aws") == 0)
			rc = account_visit(run, acct, run->own);
		return rc;
	}
	if (opt->naccounts > 1 || strcmp(opt->accounts[0], ORGANIZATION) != 0) {
		for (i = 0; i < opt->naccounts && rc == 0; i++)
			rc = account_visit(run, acct, opt->accounts[i]);
		return rc;
	}
	if (own_account(run, "aws:" ORGANIZATION) == -1)
		return 0;
	if (org_list(run, &ids, &err) == -1)
		cloud_report_fail(
		    run->report, "aws:" ORGANIZATION, err.message);
	else
		for (at = 0; at < ids.len && rc == 0;
		     at += strlen(ids.data + at) + 1)
			rc = account_visit(run, acct, ids.data + at);
	buf_free(&ids);
	return rc;
}

static int
role_name_valid(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("+=,.@_/-", s[i]))
			return 0;
	return i > 0 && i <= 512;
}

static int
options_apply(struct aws_run *run, struct err *err)
{
	const struct cloud_options *opt = run->opt;

	if (opt->nregions > CLOUD_LIST_MAX || opt->naccounts > CLOUD_LIST_MAX)
		return err_set(err, 400, "invalid_options",
		    "too many regions "
		    "or accounts");
	if (opt->naccounts > 0 && !role_name_valid(opt->role_name))
		return err_field(err, 400, "invalid_options", "role_name",
		    "accounts to enter need a role name ([A-Za-z0-9+=,.@_/-])");
	if (opt->timeout_ms > 0)
		run->cfg.timeout_ms = opt->timeout_ms;
	run->cfg.max_retries = opt->max_retries > 0 ? opt->max_retries : 0;
	if (opt->backoff_base_ms > 0)
		run->cfg.backoff_base_ms = opt->backoff_base_ms;
	if (opt->backoff_cap_ms > 0)
		run->cfg.backoff_cap_ms = opt->backoff_cap_ms;
	return 0;
}

static int
aws_discover(const struct cloud_options *opt, const struct cloud_sink *sink,
    struct cloud_report *report, cloud_progress_fn progress, void *progress_ctx,
    struct err *err)
{
	struct aws_run *run = calloc(1, sizeof(*run));
	struct aws_account *acct = calloc(1, sizeof(*acct));
	int rc = -1;

	if (run == NULL || acct == NULL) {
		err_set(err, 500, "internal", "out of memory");
		goto done;
	}
	run->opt = opt;
	run->sink = sink;
	run->report = report != NULL ? report : &run->scratch;
	run->progress = progress;
	run->progress_ctx = progress_ctx;
	if (http_global_init(err) == -1 ||
	    aws_config_from_env(&run->cfg, err) == -1 ||
	    options_apply(run, err) == -1 ||
	    aws_credentials_resolve(&run->cfg, run->report, &run->base, err) ==
	        -1)
		goto done;
	log_fields(LOG_LEVEL_INFO, "aws credentials", "source",
	    aws_source_names[run->base.source], "region", run->cfg.region,
	    NULL);
	rc = walk(run, acct);
	if (rc == -1)
		*err = run->stop_err;
done:
	if (run != NULL)
		aws_credentials_clear(&run->base);
	if (acct != NULL)
		aws_credentials_clear(&acct->creds);
	free(run);
	free(acct);
	return rc;
}

const struct cloud_provider_ops cloud_aws = {
	CLOUD_AWS,
	"aws",
	aws_discover,
};
