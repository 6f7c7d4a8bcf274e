/*
 * ec2_model.h: read any EC2 Query API answer as botocore does, from the
 * EC2 service model.
 *
 * app/cloud/ec2_xml.c reads the few answers discovery uses into records.
 * This reader knows no action: it loads botocore's EC2 service model
 * (testdata/ec2/model/service-2.json, botocore/data/ec2/2016-11-15) and
 * reads an operation's XML answer into a json-c object shaped as the
 * operation's output shape, member names as in the model (PascalCase), as
 * botocore's EC2QueryParser does:
 *   - a structure member is the child element named by its locationName
 *     (else by the member name), matched without namespace;
 *   - a list is the children of its element (<x><item/>...</x>), each
 *     read as the list's member shape, whatever its name;
 *   - boolean is text == "true"; integer and long must be whole numbers,
 *     float and double numbers; string and timestamp are kept as the text
 *     (botocore's tests compare timestamps as their ISO text); blob is the
 *     base64 text decoded; an empty element is "" (false for a boolean);
 *   - elements the shape does not name are skipped;
 *   - the answer's <requestId> becomes ResponseMetadata.RequestId.
 * The EC2 model has no maps or flattened lists, so neither is read.
 *
 * The error envelope <Response><Errors><Error><Code/><Message/></Error>
 * </Errors><RequestID/></Response> (or <ErrorResponse>) is read, as
 * botocore reads it, into {"Error": {"Code": ..., "Message": ...},
 * "ResponseMetadata": {"RequestId": ...}}, each child of the first
 * <Error> a string.
 *
 * An answer with a DTD is refused (so no entity can expand), and so are
 * nesting deeper than EC2_MODEL_DEPTH_MAX and an element text over
 * EC2_MODEL_TEXT_MAX bytes.
 */
#ifndef CLOUDPAM_CLOUD_EC2_MODEL_H
#define CLOUDPAM_CLOUD_EC2_MODEL_H

#include <stddef.h>

#include <json-c/json.h>

#include "lib/err.h"

#define EC2_MODEL_TEXT_MAX ((size_t)64 << 10) /* bytes of one element */
#define EC2_MODEL_DEPTH_MAX 64                /* nested elements */

struct ec2_model;

/*
 * Load the service model from the JSON file at path.  Returns the model,
 * or NULL with err filled: 500 "ec2_model" when the file cannot be read
 * or is not a model (no "operations" and "shapes"), 500 "internal" when
 * memory runs out.  Made once at worker start; release with
 * ec2_model_free().
 */
struct ec2_model *ec2_model_new(const char *path, struct err *err);

/* Release m.  Accepts NULL. */
void ec2_model_free(struct ec2_model *m);

/*
 * Read the len bytes of xml, the answer to operation ("DescribeVpcs"),
 * into *out.  The root element's name is not checked, as botocore does
 * not.  An error envelope is read too: then *out holds "Error" (see
 * above), so a caller tells the two apart by that key.
 *
 * Returns 0 with *out a new object the caller releases with
 * json_object_put(), or -1 with *out NULL and err filled:
 *   - 404 "unknown_operation": the model has no such operation;
 *   - 502 "ec2_xml": malformed or truncated XML, a DTD, nesting too deep,
 *     a text too long, a number or blob that does not read (the message
 *     names the element and the line);
 *   - 500 "internal": memory ran out.
 */
int ec2_model_parse(const struct ec2_model *m, const char *operation,
    const char *xml, size_t len, json_object **out, struct err *err);

#endif
