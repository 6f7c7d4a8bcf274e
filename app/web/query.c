/*
 * query.c: reading typed values from the query string.
 */
#include "web/query.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "web/fields.h"

int
web_parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || (!isdigit((unsigned char)s[0]) && s[0] != '-'))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
web_query_int(const struct web_req *req, const char *name, long long min,
    long long max, long long fallback, long long *out, struct err *err)
{
	const char *v = web_query(req, name);

	*out = fallback;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (web_parse_int(v, min, max, out) == -1)
		return err_field(err, 400, "invalid_parameter", name,
		    "%s must be a whole number from %lld to %lld", name, min,
		    max);
	return 0;
}

int
web_query_bool(const struct web_req *req, const char *name, int fallback,
    int *out, struct err *err)
{
	const char *v = web_query(req, name);

	*out = fallback;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return err_field(err, 400, "invalid_parameter", name,
		    "%s must be true or false", name);
	return 0;
}

int
web_query_text(const struct web_req *req, const char *name, size_t max,
    const char **out, struct err *err)
{
	const char *v = web_query(req, name);
	size_t n;

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return 0;
	n = strlen(v);
	if (n > max || !web_text_valid(v, n))
		return err_field(err, 400, "invalid_parameter", name,
		    "%s must be text of at most %zu bytes", name, max);
	*out = v;
	return 0;
}

int
web_query_paging(const struct web_req *req, long long default_size,
    long long max_size, struct web_paging *out, struct err *err)
{
	if (web_query_int(req, "page", 1, 1000000000, 1, &out->page, err) ==
	        -1 ||
	    web_query_int(req, "page_size", 1, max_size, default_size,
	        &out->page_size, err) == -1)
		return -1;
	return 0;
}
