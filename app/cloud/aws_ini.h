/*
 * aws_ini.h: the strict reader of the AWS shared credentials file
 * (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials).
 *
 * aws_credentials_resolve (aws_credentials.h) reads the file and hands its
 * text here; the reader touches no file itself, so it can be tested on
 * text alone.
 */
#ifndef CLOUDPAM_CLOUD_AWS_INI_H
#define CLOUDPAM_CLOUD_AWS_INI_H

#include <stddef.h>

#include "cloud/aws_credentials.h"
#include "lib/err.h"

#define AWS_INI_LINE_MAX 8192

/*
 * Read the keys of profile from the shared credentials file text (len
 * bytes; path only names it in messages).  Strict INI: [section] lines,
 * key = value lines, blank lines, comments starting with # or ;, and
 * indented lines only below a key with an empty value (a nested block).
 * Anything else, a key outside a section, a key twice in a section, a
 * section twice, a NUL byte or a line past AWS_INI_LINE_MAX is refused
 * with 400 "invalid_credentials" naming the line, never quoting it.
 * *found is 0 when the profile is not in the file (then 0 is returned and
 * out is untouched); a profile with only one of aws_access_key_id and
 * aws_secret_access_key is refused.
 */
int aws_credentials_parse_ini(const char *text, size_t len, const char *profile,
    const char *path, struct aws_credentials *out, int *found, struct err *err);

#endif
