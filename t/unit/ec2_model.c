/*
 * Unit tests for app/cloud/ec2_model.c.
 *
 * Every EC2 answer of testdata/ec2/botocore-response-parsing (and its
 * errors/) is read with the service model and compared, field by field,
 * with botocore's own parse of it (the .json beside it): the directory is
 * walked, so an answer added there is compared without a change here.
 * ResponseMetadata is compared by its RequestId only.  Then what must be
 * refused.  The testdata root is $CLOUDPAM_TESTDATA, or ../shared/testdata
 * from the repository root.
 */
#include "cloud/ec2_model.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "unit/tap.h"

#define FILE_MAX (1 << 20)
#define PATH_MAX_LEN 1024
#define ANSWERS_MAX 64
#define NAME_MAX_LEN 128
#define MODEL "ec2/model/service-2.json"
#define BOTOCORE "ec2/botocore-response-parsing"

static const char *testdata;

/* The first difference between a parse and botocore's, and the count. */
struct compare {
	char path[512]; /* where they first differ, "" while equal */
	char why[ERR_MESSAGE_MAX];
	int leaves; /* scalars compared equal */
};

static char *
read_file(const char *path, size_t *len)
{
	struct stat st;
	char *text = NULL;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size < FILE_MAX &&
	    (text = malloc((size_t)st.st_size + 1)) != NULL) {
		*len = fread(text, 1, (size_t)st.st_size, f);
		text[*len] = '\0';
	}
	fclose(f);
	return text;
}

static void
differ(struct compare *c, const char *path, const char *why)
{
	if (c->path[0] != '\0')
		return;
	snprintf(c->path, sizeof(c->path), "%s", path[0] ? path : "/");
	snprintf(c->why, sizeof(c->why), "%s", why);
}

static int
is_number(json_object *o)
{
	return json_object_is_type(o, json_type_int) ||
	       json_object_is_type(o, json_type_double);
}

/* Two scalars: numbers by value (5 == 5.0), the rest by type and text. */
static void
compare_leaf(
    struct compare *c, const char *path, json_object *have, json_object *want)
{
	char why[256];
	int equal;

	if (is_number(have) && is_number(want))
		equal = json_object_get_double(have) ==
		        json_object_get_double(want);
	else
		equal =
		    json_object_get_type(have) == json_object_get_type(want) &&
		    strcmp(json_object_to_json_string(have),
		        json_object_to_json_string(want)) == 0;
	if (equal) {
		c->leaves++;
		return;
	}
	snprintf(why, sizeof(why), "have: %.100s; want: %.100s",
	    json_object_to_json_string(have), json_object_to_json_string(want));
	differ(c, path, why);
}

static void compare_value(
    struct compare *c, const char *path, json_object *have, json_object *want);

/* Objects: the same keys, each value equal; ResponseMetadata by id. */
static void
compare_object(
    struct compare *c, const char *path, json_object *have, json_object *want)
{
	char sub[512];
	json_object *other;
	int is_metadata = strcmp(path, "/ResponseMetadata") == 0;

	json_object_object_foreach(want, key, value)
	{
		snprintf(sub, sizeof(sub), "%s/%s", path, key);
		if (json_object_object_get_ex(have, key, &other))
			compare_value(c, sub, other, value);
		else if (!is_metadata)
			differ(c, sub, "missing from the parse");
	}
	json_object_object_foreach(have, key2, value2)
	{
		(void)value2;
		snprintf(sub, sizeof(sub), "%s/%s", path, key2);
		if (!json_object_object_get_ex(want, key2, &other) &&
		    !is_metadata)
			differ(c, sub, "not in botocore's parse");
	}
}

static void
compare_array(
    struct compare *c, const char *path, json_object *have, json_object *want)
{
	char sub[512], why[64];
	size_t i, n = json_object_array_length(want);

	if (json_object_array_length(have) != n) {
		snprintf(why, sizeof(why), "have %zu items; want %zu",
		    json_object_array_length(have), n);
		differ(c, path, why);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s/%zu", path, i);
		compare_value(c, sub, json_object_array_get_idx(have, i),
		    json_object_array_get_idx(want, i));
	}
}

static void
compare_value(
    struct compare *c, const char *path, json_object *have, json_object *want)
{
	int have_object = json_object_is_type(have, json_type_object);
	int have_array = json_object_is_type(have, json_type_array);

	if (json_object_is_type(want, json_type_object) && have_object)
		compare_object(c, path, have, want);
	else if (json_object_is_type(want, json_type_array) && have_array)
		compare_array(c, path, have, want);
	else
		compare_leaf(c, path, have, want);
}

/* "ec2-describe-vpcs.xml" -> "DescribeVpcs". */
static void
operation_of(const char *file, char *operation, size_t size)
{
	const char *s = strncmp(file, "ec2-", 4) == 0 ? file + 4 : file;
	size_t n = 0;
	int upper = 1;

	for (; *s != '\0' && *s != '.' && n + 1 < size; s++) {
		if (*s == '-') {
			upper = 1;
			continue;
		}
		operation[n++] = upper && *s >= 'a' && *s <= 'z'
		                     ? (char)(*s - 'a' + 'A')
		                     : *s;
		upper = 0;
	}
	operation[n] = '\0';
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The .xml answers of dir (relative to BOTOCORE), sorted; how many. */
static size_t
list_answers(const char *dir, char names[][NAME_MAX_LEN], size_t max)
{
	char path[PATH_MAX_LEN];
	struct dirent *e;
	size_t n = 0, len;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/%s", testdata, BOTOCORE, dir);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0 ||
		    len > 100 || strlen(dir) > 20)
			continue;
		snprintf(names[n++], NAME_MAX_LEN, "%s%.100s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, NAME_MAX_LEN, by_name);
	return n;
}

/* Parse one answer, compare it with its .json; the fields compared. */
static int
check_answer(const struct ec2_model *m, const char *name, int *all_equal)
{
	char path[PATH_MAX_LEN], operation[NAME_MAX_LEN];
	struct compare c = { "", "", 0 };
	struct err err = ERR_INIT;
	json_object *have = NULL, *want;
	char *xml;
	size_t len = 0;

	operation_of(strrchr(name, '/') ? strrchr(name, '/') + 1 : name,
	    operation, sizeof(operation));
	snprintf(path, sizeof(path), "%s/%s/%s", testdata, BOTOCORE, name);
	xml = read_file(path, &len);
	snprintf(path, sizeof(path), "%s/%s/%.*s.json", testdata, BOTOCORE,
	    (int)strlen(name) - 4, name);
	want = json_object_from_file(path);
	if (xml == NULL || want == NULL)
		differ(&c, "", "cannot read the answer or its .json");
	else if (ec2_model_parse(m, operation, xml, len, &have, &err) == -1)
		differ(&c, "", err.message);
	else
		compare_value(&c, "", have, want);
	tap_ok(c.path[0] == '\0', "%s as %s equals botocore's parse", name,
	    operation);
	if (c.path[0] != '\0') {
		tap_diag("first difference at %s: %s", c.path, c.why);
		*all_equal = 0;
	}
	tap_ok(c.leaves > 0, "%s: %d fields compared", name, c.leaves);
	json_object_put(have);
	json_object_put(want);
	free(xml);
	return c.leaves;
}

static void
test_botocore_answers(const struct ec2_model *m)
{
	static char names[ANSWERS_MAX][NAME_MAX_LEN];
	size_t n, i;
	int fields = 0, all_equal = 1;

	n = list_answers("", names, ANSWERS_MAX);
	n += list_answers("errors/", names + n, ANSWERS_MAX - n);
	tap_ok(n >= 14, "%zu botocore answers found (README lists 14)", n);
	for (i = 0; i < n; i++)
		fields += check_answer(m, names[i], &all_equal);
	printf("# ec2 model: %zu answers, %d fields, %s\n", n, fields,
	    all_equal ? "all equal" : "NOT all equal");
}

/* Synthetic answers: what is refused, and small reads. */
struct refusal {
	const char *name;
	const char *operation;
	const char *xml;
	const char *code; /* NULL: read, to want */
	const char *want; /* the parse as JSON, without spaces */
};

static const struct refusal refusals[] = {
	{ "unknown operation", "DescribeNothing", "<a/>", "unknown_operation",
	    NULL },
	{ "malformed XML", "DescribeVpcs", "<DescribeVpcsResponse><vpcSet>",
	    "ec2_xml", NULL },
	{ "a DTD", "DescribeVpcs",
	    "<!DOCTYPE x [<!ENTITY a \"b\">]><DescribeVpcsResponse/>",
	    "ec2_xml", NULL },
	{ "an integer that is not one", "DescribeInstances",
	    "<r><reservationSet><item><instancesSet><item><amiLaunchIndex>"
	    "1x</amiLaunchIndex></item></instancesSet></item>"
	    "</reservationSet></r>",
	    "ec2_xml", NULL },
	{ "empty list and unknown elements", "DescribeVpcs",
	    "<DescribeVpcsResponse><requestId>r1</requestId><vpcSet/>"
	    "<novel><vpcSet/></novel></DescribeVpcsResponse>",
	    NULL, "{\"Vpcs\":[],\"ResponseMetadata\":{\"RequestId\":\"r1\"}}" },
	{ "operation without output", "DeleteVpc",
	    "<DeleteVpcResponse><requestId>r2</requestId><return>true"
	    "</return></DeleteVpcResponse>",
	    NULL, "{\"ResponseMetadata\":{\"RequestId\":\"r2\"}}" },
	{ "ErrorResponse of the Query API", "DescribeVpcs",
	    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
	    "</Error><RequestId>r3</RequestId></ErrorResponse>",
	    NULL,
	    "{\"Error\":{\"Type\":\"Sender\",\"Code\":\"Throttling\"},"
	    "\"ResponseMetadata\":{\"RequestId\":\"r3\"}}" },
};

static void
test_refusals(const struct ec2_model *m)
{
	const struct refusal *t;
	struct err err;
	json_object *have;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		t = &refusals[i];
		err_clear(&err);
		rc = ec2_model_parse(
		    m, t->operation, t->xml, strlen(t->xml), &have, &err);
		if (t->code != NULL) {
			if (!tap_ok(rc == -1 && have == NULL &&
			                strcmp(err.code, t->code) == 0,
			        "refuse %s", t->name))
				tap_diag(
				    "have: %d \"%s\" (%s); want: -1 \"%s\"", rc,
				    err.code, err.message, t->code);
			continue;
		}
		tap_str(rc == 0 ? json_object_to_json_string_ext(
		                      have, JSON_C_TO_STRING_PLAIN)
		                : err.message,
		    t->want, t->name);
		json_object_put(have);
	}
}

/* Nesting past EC2_MODEL_DEPTH_MAX is refused, not followed. */
static void
test_depth(const struct ec2_model *m)
{
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;
	json_object *have = NULL;
	int i, rc;

	for (i = 0; i <= EC2_MODEL_DEPTH_MAX; i++)
		buf_puts(&b, "<a>");
	for (i = 0; i <= EC2_MODEL_DEPTH_MAX; i++)
		buf_puts(&b, "</a>");
	rc = ec2_model_parse(m, "DescribeVpcs", b.data, b.len, &have, &err);
	tap_ok(rc == -1 && have == NULL && strstr(err.message, "deep"),
	    "refuse nesting deeper than %d", EC2_MODEL_DEPTH_MAX);
	buf_free(&b);
}

int
main(void)
{
	char path[PATH_MAX_LEN];
	struct err err = ERR_INIT;
	struct ec2_model *m;

	if ((testdata = getenv("CLOUDPAM_TESTDATA")) == NULL)
		testdata = "../shared/testdata";
	snprintf(path, sizeof(path), "%s/%s", testdata, MODEL);
	m = ec2_model_new(path, &err);
	if (!tap_ok(m != NULL, "load %s", MODEL)) {
		tap_diag("have: %s; want: the model", err.message);
		return tap_done();
	}
	test_botocore_answers(m);
	test_refusals(m);
	test_depth(m);
	tap_ok(ec2_model_new("/nonexistent", &err) == NULL &&
	           strcmp(err.code, "ec2_model") == 0,
	    "refuse a model that cannot be read");
	ec2_model_free(m);
	return tap_done();
}
