/*
 * ec2_model.c: EC2 answers read by the service model, as botocore does.
 *
 * The parse is one pass of expat over the answer with a stack of frames,
 * one per open element the model names: a structure or list being filled,
 * or a scalar whose text is being gathered.  A value is built when its
 * element opens (containers) or closes (scalars) and is handed to its
 * parent when it closes, so a frame owns its value until then and a failed
 * parse releases exactly what the stack holds.  Elements the model does
 * not name are counted, not stacked, and their text is dropped.
 */
#include "cloud/ec2_model.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "lib/buf.h"
#include "lib/err.h"

/* The shape types of the EC2 model that an answer can hold. */
enum shape_type {
	SHAPE_STRUCTURE,
	SHAPE_LIST,
	SHAPE_STRING,
	SHAPE_BOOLEAN,
	SHAPE_INTEGER,
	SHAPE_LONG,
	SHAPE_FLOAT,
	SHAPE_DOUBLE,
	SHAPE_TIMESTAMP,
	SHAPE_BLOB,
	SHAPE__MAX
};

static const char *const shape_type_names[SHAPE__MAX] = {
	"structure", /* SHAPE_STRUCTURE */
	"list",      /* SHAPE_LIST */
	"string",    /* SHAPE_STRING */
	"boolean",   /* SHAPE_BOOLEAN */
	"integer",   /* SHAPE_INTEGER */
	"long",      /* SHAPE_LONG */
	"float",     /* SHAPE_FLOAT */
	"double",    /* SHAPE_DOUBLE */
	"timestamp", /* SHAPE_TIMESTAMP */
	"blob",      /* SHAPE_BLOB */
};

/* What an open element is to the reader. */
enum frame_kind {
	FRAME_VALUE,      /* a structure, list or scalar of the model */
	FRAME_REQUEST_ID, /* <requestId>, or the envelope's <RequestID> */
	FRAME_ENVELOPE,   /* <Response> or <ErrorResponse> */
	FRAME_ERRORS,     /* <Errors> */
	FRAME_ERROR,      /* the first <Error>: each child a string */
	FRAME__MAX
};

struct ec2_model {
	json_object *root;       /* owned: the whole service-2.json */
	json_object *operations; /* points into root */
	json_object *shapes;     /* points into root */
};

struct frame {
	enum frame_kind kind;
	enum shape_type type;
	json_object *shape; /* the model's shape; points into the model */
	const char *key;    /* member name in the parent; NULL: the tag's */
	json_object *value; /* container being filled; owned until closed */
	int is_root;
};

struct reader {
	const struct ec2_model *model;
	json_object *output; /* the operation's output shape, or NULL */
	XML_Parser xml;
	struct frame frames[EC2_MODEL_DEPTH_MAX];
	size_t nframes;
	size_t skip;             /* depth inside elements the model ignores */
	struct buf text;         /* the open scalar's text */
	json_object *result;     /* owned: the root's value once closed */
	json_object *request_id; /* owned until added to the result */
	int have_error;          /* an <Error> was read */
	int failed;
	struct err *err;
};

struct ec2_model *
ec2_model_new(const char *path, struct err *err)
{
	struct ec2_model *m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		err_set(err, 500, "internal", "out of memory");
		return NULL;
	}
	if ((m->root = json_object_from_file(path)) == NULL) {
		err_set(err, 500, "ec2_model", "cannot read %s: %s", path,
		    json_util_get_last_err());
		goto fail;
	}
	if (!json_object_object_get_ex(m->root, "operations", &m->operations) ||
	    !json_object_object_get_ex(m->root, "shapes", &m->shapes) ||
	    !json_object_is_type(m->operations, json_type_object) ||
	    !json_object_is_type(m->shapes, json_type_object)) {
		err_set(
		    err, 500, "ec2_model", "%s is not a service model", path);
		goto fail;
	}
	return m;
fail:
	ec2_model_free(m);
	return NULL;
}

void
ec2_model_free(struct ec2_model *m)
{
	if (m == NULL)
		return;
	json_object_put(m->root);
	free(m);
}

/* The string at key of o, or NULL. */
static const char *
get_string(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The shape a reference {"shape": "Name", ...} names, or NULL. */
static json_object *
shape_of(const struct ec2_model *m, json_object *reference)
{
	const char *name;
	json_object *shape;

	if (reference == NULL ||
	    (name = get_string(reference, "shape")) == NULL)
		return NULL;
	if (!json_object_object_get_ex(m->shapes, name, &shape))
		return NULL;
	return shape;
}

/* The type of shape, or SHAPE__MAX when the reader has no use for it. */
static enum shape_type
type_of(json_object *shape)
{
	const char *name = get_string(shape, "type");
	size_t i;

	for (i = 0; name != NULL && i < SHAPE__MAX; i++)
		if (strcmp(name, shape_type_names[i]) == 0)
			return (enum shape_type)i;
	return SHAPE__MAX;
}

/* The tag without its namespace ("uri local" with the NS separator). */
static const char *
local_name(const char *name)
{
	const char *space = strrchr(name, ' ');

	return space != NULL ? space + 1 : name;
}

/* Stop the parse with 502 "ec2_xml"; only the first failure is kept. */
static void
fail_xml(struct reader *r, const char *what, const char *tag)
{
	if (r->failed)
		return;
	r->failed = 1;
	err_set(r->err, 502, "ec2_xml", "EC2 answer, line %lu: <%.64s>: %s",
	    (unsigned long)XML_GetCurrentLineNumber(r->xml), tag, what);
	XML_StopParser(r->xml, XML_FALSE);
}

static void
fail_memory(struct reader *r)
{
	if (r->failed)
		return;
	r->failed = 1;
	err_set(r->err, 500, "internal", "out of memory");
	XML_StopParser(r->xml, XML_FALSE);
}

/*
 * Open a frame.  Containers get their value now, so that an element the
 * answer leaves empty (<productCodes/>) still reads as [] or {}.
 */
static void
push(
    struct reader *r, enum frame_kind kind, json_object *shape, const char *key)
{
	struct frame *f = &r->frames[r->nframes];
	int container;

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->shape = shape;
	f->key = key;
	f->type = shape != NULL ? type_of(shape) : SHAPE_STRING;
	container = kind == FRAME_ENVELOPE || kind == FRAME_ERROR ||
	            (kind == FRAME_VALUE && f->type <= SHAPE_LIST);
	if (container && kind == FRAME_VALUE && f->type == SHAPE_LIST)
		f->value = json_object_new_array();
	else if (container)
		f->value = json_object_new_object();
	else
		buf_reset(&r->text);
	r->nframes++;
	if (container && f->value == NULL)
		fail_memory(r);
}

/* Open a member or list item of the model's reference, if readable. */
static void
push_member(struct reader *r, json_object *reference, const char *key)
{
	json_object *shape = shape_of(r->model, reference);

	if (shape == NULL || type_of(shape) == SHAPE__MAX) {
		r->skip++;
		return;
	}
	push(r, FRAME_VALUE, shape, key);
}

/*
 * The member of a structure read from the child tag: the one whose
 * locationName is tag, or without one whose name is.  *key gets its name.
 */
static json_object *
find_member(json_object *structure, const char *tag, const char **key)
{
	json_object *members;
	const char *name;

	if (structure == NULL ||
	    !json_object_object_get_ex(structure, "members", &members))
		return NULL;
	json_object_object_foreach(members, member, reference)
	{
		name = get_string(reference, "locationName");
		if (strcmp(name != NULL ? name : member, tag) == 0) {
			*key = member;
			return reference;
		}
	}
	return NULL;
}

/* A child of the model's structure or list, or the root's requestId. */
static void
open_in_value(struct reader *r, struct frame *top, const char *tag)
{
	json_object *reference;
	const char *key = NULL;

	if (top->type == SHAPE_LIST) {
		json_object_object_get_ex(top->shape, "member", &reference);
		push_member(r, reference, NULL);
		return;
	}
	if (top->type == SHAPE_STRUCTURE &&
	    (reference = find_member(top->shape, tag, &key)) != NULL) {
		push_member(r, reference, key);
		return;
	}
	if (top->is_root && strcmp(tag, "requestId") == 0)
		push(r, FRAME_REQUEST_ID, NULL, NULL);
	else
		r->skip++;
}

/* A child of the error envelope: <Errors>, <Error>, <RequestID>. */
static void
open_in_envelope(struct reader *r, struct frame *top, const char *tag)
{
	int is_error = strcmp(tag, "Error") == 0 && !r->have_error;

	if (top->kind == FRAME_ERROR)
		push(r, FRAME_VALUE, NULL, NULL);
	else if (is_error)
		push(r, FRAME_ERROR, NULL, "Error");
	else if (top->kind == FRAME_ENVELOPE && strcmp(tag, "Errors") == 0)
		push(r, FRAME_ERRORS, NULL, NULL);
	else if (top->kind == FRAME_ENVELOPE &&
	         (strcmp(tag, "RequestID") == 0 ||
	             strcmp(tag, "RequestId") == 0))
		push(r, FRAME_REQUEST_ID, NULL, NULL);
	else
		r->skip++;
}

/* The root: the error envelope, or the operation's output shape. */
static void
open_root(struct reader *r, const char *tag)
{
	if (strcmp(tag, "Response") == 0 || strcmp(tag, "ErrorResponse") == 0) {
		push(r, FRAME_ENVELOPE, NULL, NULL);
		return;
	}
	/* An operation without output still answers <requestId>. */
	push(r, FRAME_VALUE, r->output, NULL);
	if (r->output == NULL && !r->failed) {
		r->frames[0].type = SHAPE_STRUCTURE;
		if ((r->frames[0].value = json_object_new_object()) == NULL)
			fail_memory(r);
	}
	r->frames[0].is_root = 1;
}

static void XMLCALL
on_start(void *ctx, const XML_Char *name, const XML_Char **attributes)
{
	struct reader *r = ctx;
	const char *tag = local_name(name);
	struct frame *top;

	(void)attributes;
	if (r->failed)
		return;
	if (r->nframes + r->skip >= EC2_MODEL_DEPTH_MAX) {
		fail_xml(r, "nested too deep", tag);
		return;
	}
	top = r->nframes > 0 ? &r->frames[r->nframes - 1] : NULL;
	/* A scalar has no children; <requestId> is one. */
	if (r->skip > 0 || (top != NULL && top->kind == FRAME_REQUEST_ID)) {
		r->skip++;
		return;
	}
	if (r->nframes == 0) {
		open_root(r, tag);
		return;
	}
	if (top->kind == FRAME_VALUE && (top->shape != NULL || top->is_root))
		open_in_value(r, top, tag);
	else if (top->kind == FRAME_VALUE)
		r->skip++; /* inside a scalar of the envelope */
	else
		open_in_envelope(r, top, tag);
}

static void XMLCALL
on_text(void *ctx, const XML_Char *text, int len)
{
	struct reader *r = ctx;
	const struct frame *top;

	if (r->failed || r->skip > 0 || r->nframes == 0 || len <= 0)
		return;
	top = &r->frames[r->nframes - 1];
	/* Whitespace between a container's children is no one's text. */
	if (top->kind != FRAME_REQUEST_ID &&
	    (top->kind != FRAME_VALUE || top->value != NULL))
		return;
	if ((size_t)len > EC2_MODEL_TEXT_MAX - r->text.len) {
		fail_xml(r, "text too long", "text");
		return;
	}
	buf_append(&r->text, text, (size_t)len);
	if (r->text.oom)
		fail_memory(r);
}

/* The value of one base64 digit, or -1. */
static int
base64_digit(char c)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                             "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *at = c != '\0' ? strchr(digits, c) : NULL;

	return at != NULL ? (int)(at - digits) : -1;
}

/*
 * Decode base64 text in place (it only shrinks), skipping whitespace as
 * Python's b64decode does; padding ends it.  Returns the length, or -1.
 */
static long
base64_decode(char *s, size_t len)
{
	unsigned long bits = 0;
	size_t i, out = 0, ndigits = 0, npad = 0;
	int digit;

	for (i = 0; i < len; i++) {
		if (strchr(" \t\r\n", s[i]) != NULL)
			continue;
		if (s[i] == '=') {
			npad++;
			continue;
		}
		if (npad > 0 || (digit = base64_digit(s[i])) < 0)
			return -1;
		bits = (bits << 6) | (unsigned long)digit;
		if (++ndigits % 4 == 0) {
			s[out++] = (char)(bits >> 16);
			s[out++] = (char)(bits >> 8);
			s[out++] = (char)bits;
			bits = 0;
		}
	}
	if (ndigits % 4 == 1 || (ndigits + npad) % 4 != 0)
		return -1;
	if (ndigits % 4 == 2)
		s[out++] = (char)(bits >> 4);
	if (ndigits % 4 == 3) {
		s[out++] = (char)(bits >> 10);
		s[out++] = (char)(bits >> 2);
	}
	return (long)out;
}

/* The value of a scalar's text by its type; NULL (and failed) if bad. */
static json_object *
scalar_value(struct reader *r, enum shape_type type, const char *tag)
{
	char *text = r->text.data != NULL ? r->text.data : "";
	char *end = NULL;
	long long whole;
	double real;
	long n;

	errno = 0;
	switch (type) {
	case SHAPE_BOOLEAN:
		return json_object_new_boolean(strcmp(text, "true") == 0);
	case SHAPE_INTEGER:
	case SHAPE_LONG:
		whole = strtoll(text, &end, 10);
		if (*text == '\0' || *end != '\0' || errno != 0)
			break;
		return json_object_new_int64(whole);
	case SHAPE_FLOAT:
	case SHAPE_DOUBLE:
		real = strtod(text, &end);
		if (*text == '\0' || *end != '\0' || errno == ERANGE)
			break;
		return json_object_new_double(real);
	case SHAPE_BLOB:
		if ((n = base64_decode(text, r->text.len)) < 0)
			break;
		return json_object_new_string_len(text, (int)n);
	default:
		return json_object_new_string_len(text, (int)r->text.len);
	}
	fail_xml(r, type == SHAPE_BLOB ? "not base64" : "not a number", tag);
	return NULL;
}

/* Hand a closed value to the frame now on top; takes v. */
static void
attach(struct reader *r, json_object *v, const char *key)
{
	struct frame *parent = &r->frames[r->nframes - 1];
	int rc;

	/* <Errors> only opens in the envelope, which takes its <Error>. */
	if (parent->kind == FRAME_ERRORS)
		parent = &r->frames[0];

	if (parent->type == SHAPE_LIST && parent->kind == FRAME_VALUE)
		rc = json_object_array_add(parent->value, v);
	else
		rc = json_object_object_add(parent->value, key, v);
	if (rc != 0) {
		json_object_put(v);
		fail_memory(r);
	}
}

static void XMLCALL
on_end(void *ctx, const XML_Char *name)
{
	struct reader *r = ctx;
	const char *tag = local_name(name);
	struct frame f;
	json_object *v;

	if (r->failed)
		return;
	if (r->skip > 0) {
		r->skip--;
		return;
	}
	f = r->frames[--r->nframes];
	if (f.kind == FRAME_ERRORS)
		return;
	if (f.kind == FRAME_REQUEST_ID) {
		json_object_put(r->request_id);
		if ((r->request_id = scalar_value(r, SHAPE_STRING, tag)) ==
		    NULL)
			fail_memory(r);
		return;
	}
	if (f.kind == FRAME_ERROR)
		r->have_error = 1;
	v = f.value;
	if (v == NULL && (v = scalar_value(r, f.type, tag)) == NULL) {
		fail_memory(r); /* kept only if scalar_value did not fail */
		return;
	}
	if (r->nframes == 0)
		r->result = v;
	else
		attach(r, v, f.key != NULL ? f.key : tag);
}

static void XMLCALL
on_doctype(void *ctx, const XML_Char *name, const XML_Char *system_id,
    const XML_Char *public_id, int has_internal_subset)
{
	(void)system_id;
	(void)public_id;
	(void)has_internal_subset;
	fail_xml(ctx, "a DTD is refused", name);
}

/* Add ResponseMetadata.RequestId to the result, as botocore injects it. */
static int
add_request_id(struct reader *r)
{
	json_object *metadata;

	if (r->request_id == NULL ||
	    !json_object_is_type(r->result, json_type_object))
		return 0;
	if ((metadata = json_object_new_object()) == NULL)
		return -1;
	if (json_object_object_add(metadata, "RequestId", r->request_id) != 0) {
		json_object_put(metadata);
		return -1;
	}
	r->request_id = NULL;
	if (json_object_object_add(r->result, "ResponseMetadata", metadata) !=
	    0) {
		json_object_put(metadata);
		return -1;
	}
	return 0;
}

/* Run expat over the whole answer; 0, or -1 with r->err filled. */
static int
read_xml(struct reader *r, const char *xml, size_t len)
{
	enum XML_Status status;

	if (len > (size_t)INT32_MAX)
		return err_set(r->err, 502, "ec2_xml", "EC2 answer too long");
	XML_SetUserData(r->xml, r);
	XML_SetElementHandler(r->xml, on_start, on_end);
	XML_SetCharacterDataHandler(r->xml, on_text);
	XML_SetStartDoctypeDeclHandler(r->xml, on_doctype);
	status = XML_Parse(r->xml, xml, (int)len, XML_TRUE);
	if (r->failed)
		return -1;
	if (status != XML_STATUS_OK || r->result == NULL)
		return err_set(r->err, 502, "ec2_xml",
		    "EC2 answer, line %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(r->xml),
		    XML_ErrorString(XML_GetErrorCode(r->xml)));
	if (add_request_id(r) == -1)
		return err_set(r->err, 500, "internal", "out of memory");
	return 0;
}

int
ec2_model_parse(const struct ec2_model *m, const char *operation,
    const char *xml, size_t len, json_object **out, struct err *err)
{
	struct reader r;
	json_object *op, *output = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (!json_object_object_get_ex(m->operations, operation, &op))
		return err_set(err, 404, "unknown_operation",
		    "the EC2 model has no operation %.64s", operation);
	memset(&r, 0, sizeof(r));
	r.model = m;
	r.err = err;
	buf_init(&r.text);
	json_object_object_get_ex(op, "output", &output);
	r.output = shape_of(m, output);
	if ((r.xml = XML_ParserCreateNS(NULL, ' ')) == NULL) {
		err_set(err, 500, "internal", "out of memory");
		goto fail;
	}
	rc = read_xml(&r, xml, len);
fail:
	for (i = 0; i < r.nframes; i++)
		json_object_put(r.frames[i].value);
	if (rc == 0)
		*out = r.result;
	else
		json_object_put(r.result);
	json_object_put(r.request_id);
	if (r.xml != NULL)
		XML_ParserFree(r.xml);
	buf_free(&r.text);
	return rc;
}
