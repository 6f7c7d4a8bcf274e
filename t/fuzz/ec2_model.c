/*
 * Fuzz target for app/cloud/ec2_model.c: arbitrary bytes as the answer to
 * DescribeNetworkInterfaces (the output shape with the deepest nesting of
 * those discovery uses: lists of structures of lists), read with
 * botocore's EC2 model.  Besides crashes, leaks and undefined behaviour
 * (the sanitizers' job) it traps when the reader contradicts itself: a
 * success without an object, a failure with an object or without a code
 * and message, or two reads of the same bytes that differ.
 *
 * The model is loaded once from $CLOUDPAM_TESTDATA (default
 * ../shared/testdata, from the repository root); without it the target
 * traps at once rather than fuzz nothing.
 */
#include "cloud/ec2_model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/err.h"

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

#define OPERATION "DescribeNetworkInterfaces"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ec2_model *model;

static void
load_model(void)
{
	char path[1024];
	const char *testdata = getenv("CLOUDPAM_TESTDATA");
	struct err err = ERR_INIT;

	snprintf(path, sizeof(path), "%s/ec2/model/service-2.json",
	    testdata != NULL ? testdata : "../shared/testdata");
	model = ec2_model_new(path, &err);
	CHECK(model != NULL);
}

/* One read: the JSON text of the parse, or the error code; caller frees. */
static char *
read_once(const uint8_t *data, size_t size)
{
	struct err err = ERR_INIT;
	json_object *out = NULL;
	char *text;
	int rc;

	rc = ec2_model_parse(
	    model, OPERATION, (const char *)data, size, &out, &err);
	if (rc == -1) {
		CHECK(out == NULL);
		CHECK(err.code[0] != '\0' && err.message[0] != '\0');
		CHECK(err.status == 502 || err.status == 500);
		return strdup(err.code);
	}
	CHECK(rc == 0 && json_object_is_type(out, json_type_object));
	text = strdup(json_object_to_json_string(out));
	json_object_put(out);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *first, *second;

	if (model == NULL)
		load_model();
	first = read_once(data, size);
	second = read_once(data, size);
	CHECK(first == NULL || second == NULL || strcmp(first, second) == 0);
	free(first);
	free(second);
	return 0;
}
