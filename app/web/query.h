/*
 * query.h: typed query-string parameters.
 *
 * Each reader parses and range-checks at once; a bad value is a 400 that
 * names the parameter, never a silent default.
 */
#ifndef CLOUDPAM_WEB_QUERY_H
#define CLOUDPAM_WEB_QUERY_H

#include <stdint.h>

#include "web/request.h"

/* The integer parameter name within [min, max], or fallback when absent
 * or empty. */
int web_query_int(const struct web_req *req, const char *name, long long min,
    long long max, long long fallback, long long *out, struct err *err);

/* A boolean parameter: true/false/1/0; fallback when absent. */
int web_query_bool(const struct web_req *req, const char *name, int fallback,
    int *out, struct err *err);

/* A text parameter of at most max bytes of valid text, or NULL when
 * absent or empty. */
int web_query_text(const struct web_req *req, const char *name, size_t max,
    const char **out, struct err *err);

/* Page and page size: page from 1, page_size from 1 to max_size. */
struct web_paging {
	long long page;
	long long page_size;
};

int web_query_paging(const struct web_req *req, long long default_size,
    long long max_size, struct web_paging *out, struct err *err);

/* Parse a whole decimal integer within [min, max]; -1 when it is not. */
int web_parse_int(const char *s, long long min, long long max, long long *out);

#endif
