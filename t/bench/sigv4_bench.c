/*
 * sigv4_bench.c: how long SigV4 signing takes.
 *
 * Signs 100,000 EC2 Query API requests (POST, form body hashed, session
 * token) with one reused result, as a collector worker does, and prints the
 * elapsed time.  Figures only: it never fails on speed.
 */
#include "cloud/sigv4.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/err.h"

#define REQUESTS 100000

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	static const char body[] =
	    "Action=DescribeSubnets&Version=2016-11-15&"
	    "Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0123456789abcdef0";
	static const struct sigv4_header headers[] = {
		{ "Host", "ec2.eu-west-1.amazonaws.com" },
		{ "Content-Type",
		    "application/x-www-form-urlencoded; charset=utf-8" },
	};
	struct sigv4_result result;
	struct sigv4_req req;
	struct err err = ERR_INIT;
	double start, elapsed;
	size_t bytes = 0;
	int i;

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/";
	req.headers = headers;
	req.headers_len = sizeof(headers) / sizeof(*headers);
	req.body = body;
	req.body_len = sizeof(body) - 1;
	req.region = "eu-west-1";
	req.service = "ec2";
	req.credentials.access_key_id = "AKIDEXAMPLE";
	req.credentials.secret_access_key =
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	req.credentials.session_token = "FwoGZXIvYXdzEXAMPLETOKEN";
	req.signing_time = 1440938160;
	sigv4_result_init(&result);
	start = seconds();
	for (i = 0; i < REQUESTS; i++) {
		req.signing_time++;
		if (sigv4_sign(&req, &result, &err) == -1) {
			printf("sigv4_bench: %s\n", err.message);
			break;
		}
		bytes += result.authorization.len;
	}
	elapsed = seconds() - start;
	printf("sigv4: %d requests signed in %.3f s (%.2f us each, "
	       "%zu bytes of Authorization)\n",
	    i, elapsed, elapsed * 1e6 / (i > 0 ? i : 1), bytes);
	sigv4_result_free(&result);
	return 0;
}
