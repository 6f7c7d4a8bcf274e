/*
 * sigv4_canonical.c: the canonical request of AWS Signature Version 4.
 *
 * Step 1 of sigv4.c's signing, and the percent-encoding it and the EC2
 * Query API share (sigv4_uri_encode, declared in sigv4.h).  Headers are
 * lowercased, trimmed with inner blank runs as one and sorted by name,
 * repeated ones joined in order; query parameters are decoded, encoded
 * again per RFC 3986 section 2.3 and sorted by key, then value; the path
 * is normalised (RFC 3986 section 5.2.4) and encoded again unless the
 * request says not to.  Items are sorted as arrays whose text lives in one
 * reused buffer of the result's work, so a warm result allocates nothing.
 */
#include "cloud/cloud_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"

static const char hex_upper[] = "0123456789ABCDEF";

int
cloud_sigv4_is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

int
cloud_sigv4_is_unreserved(unsigned char c)
{
	/* RFC 3986 section 2.3 */
	return cloud_sigv4_is_alnum(c) || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

int
cloud_sigv4_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
put_encoded_byte(struct buf *out, unsigned char c)
{
	char triplet[3];

	if (cloud_sigv4_is_unreserved(c)) {
		buf_putc(out, (char)c);
		return;
	}
	triplet[0] = '%';
	triplet[1] = hex_upper[c >> 4];
	triplet[2] = hex_upper[c & 15];
	buf_append(out, triplet, sizeof(triplet));
}

void
sigv4_uri_encode(struct buf *out, const void *data, size_t len, int keep_slash)
{
	const unsigned char *s = data;
	size_t i, start = 0;

	/* Copy runs that need no encoding in one append. */
	for (i = 0; i < len; i++) {
		if (cloud_sigv4_is_unreserved(s[i]) ||
		    (keep_slash && s[i] == '/'))
			continue;
		buf_append(out, s + start, i - start);
		put_encoded_byte(out, s[i]);
		start = i + 1;
	}
	buf_append(out, s + start, len - start);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Append a query key or value decoded and encoded again, so that "%7E",
 * "~" and "%7e" sign alike.  '+' is a plus sign (RFC 3986), not a space as
 * in HTML forms.  Returns -1 on a '%' not followed by two hex digits.
 */
static int
put_reencoded(struct buf *out, const char *s, size_t len)
{
	size_t i;
	int high, low;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			put_encoded_byte(out, (unsigned char)s[i]);
			continue;
		}
		if (len - i < 3)
			return -1;
		high = hex_value(s[i + 1]);
		low = hex_value(s[i + 2]);
		if (high < 0 || low < 0)
			return -1;
		put_encoded_byte(out, (unsigned char)(high << 4 | low));
		i += 2;
	}
	return 0;
}

static void
push_item(
    struct sigv4_work *w, size_t key_offset, size_t value_offset, size_t order)
{
	struct sigv4_item item;

	memset(&item, 0, sizeof(item));
	item.key_offset = key_offset;
	item.key_len = value_offset - key_offset;
	item.value_offset = value_offset;
	item.value_len = w->text.len - value_offset;
	item.order = order;
	buf_append(&w->items, &item, sizeof(item));
}

/* Fix the text pointers of the items, now that work_text is complete. */
static struct sigv4_item *
resolve_items(struct sigv4_work *w, size_t *n)
{
	struct sigv4_item *list;
	size_t i;

	if (w->items.oom || w->text.oom || w->items.len == 0) {
		*n = 0;
		return NULL;
	}
	/* realloc(3) memory is aligned for any type. */
	list = (struct sigv4_item *)(void *)w->items.data;
	*n = w->items.len / sizeof(*list);
	for (i = 0; i < *n; i++) {
		list[i].key = w->text.data + list[i].key_offset;
		list[i].value = w->text.data + list[i].value_offset;
	}
	return list;
}

static int
compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
	int c;

	c = memcmp(a, b, a_len < b_len ? a_len : b_len);
	if (c != 0)
		return c;
	return (a_len > b_len) - (a_len < b_len);
}

/* Headers: by lowercase name, equal names in the order they came. */
static int
compare_header(const void *left, const void *right)
{
	const struct sigv4_item *a = left, *b = right;
	int c;

	c = compare_bytes(a->key, a->key_len, b->key, b->key_len);
	return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

/* Query: by encoded key, then encoded value. */
static int
compare_query(const void *left, const void *right)
{
	const struct sigv4_item *a = left, *b = right;
	int c;

	c = compare_bytes(a->key, a->key_len, b->key, b->key_len);
	if (c == 0)
		c = compare_bytes(
		    a->value, a->value_len, b->value, b->value_len);
	return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

/* Lowercase name, then the value trimmed with inner blank runs as one. */
static void
push_header(
    struct sigv4_work *w, const char *name, const char *value, size_t order)
{
	size_t key_offset = w->text.len, value_offset, i;
	int blank = 0;

	for (i = 0; name[i] != '\0'; i++)
		buf_putc(&w->text,
		    name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	value_offset = w->text.len;
	while (cloud_sigv4_is_blank(*value))
		value++;
	for (; *value != '\0'; value++) {
		if (cloud_sigv4_is_blank(*value)) {
			blank = 1;
			continue;
		}
		if (blank)
			buf_putc(&w->text, ' ');
		blank = 0;
		buf_putc(&w->text, *value);
	}
	push_item(w, key_offset, value_offset, order);
}

static void
render_headers(struct sigv4_work *w, const struct sigv4_item *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == 0 ||
		    compare_bytes(list[i - 1].key, list[i - 1].key_len,
		        list[i].key, list[i].key_len) != 0) {
			if (i > 0) {
				buf_putc(&w->canonical_headers, '\n');
				buf_putc(&w->signed_headers, ';');
			}
			buf_append(&w->canonical_headers, list[i].key,
			    list[i].key_len);
			buf_putc(&w->canonical_headers, ':');
			buf_append(
			    &w->signed_headers, list[i].key, list[i].key_len);
		} else {
			/* Repeated header: values joined in their order. */
			buf_putc(&w->canonical_headers, ',');
		}
		buf_append(
		    &w->canonical_headers, list[i].value, list[i].value_len);
	}
	if (n > 0)
		buf_putc(&w->canonical_headers, '\n');
}

static int
make_headers(struct sigv4_context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct sigv4_item *list;
	size_t i, n;

	buf_reset(&w->text);
	buf_reset(&w->items);
	buf_reset(&w->canonical_headers);
	buf_reset(&w->signed_headers);
	for (i = 0; i < req->headers_len; i++) {
		if (c->token != NULL && !c->token_signed &&
		    strcasecmp(req->headers[i].name, "x-amz-security-token") ==
		        0)
			continue;
		push_header(w, req->headers[i].name, req->headers[i].value, i);
	}
	if (c->token_added && c->token_signed && !c->presign)
		push_header(w, "x-amz-security-token", c->token, i++);
	if (c->date_added)
		push_header(w, "x-amz-date", r->date, i++);
	if (c->content_added)
		push_header(w, "x-amz-content-sha256", r->payload_hash, i++);
	list = resolve_items(w, &n);
	if (n > 1)
		qsort(list, n, sizeof(*list), compare_header);
	render_headers(w, list, n);
	return cloud_sigv4_check_memory(c, err);
}

/* The request's own parameters; a key without '=' has an empty value. */
static int
push_query(
    struct sigv4_work *w, const char *query, size_t *order, struct err *err)
{
	const char *p = query, *end, *equals;
	size_t key_offset, value_offset;

	while (*p != '\0') {
		end = p + strcspn(p, "&");
		equals = memchr(p, '=', (size_t)(end - p));
		if (equals == NULL)
			equals = end;
		key_offset = w->text.len;
		if (put_reencoded(&w->text, p, (size_t)(equals - p)) == -1)
			goto bad;
		value_offset = w->text.len;
		if (equals < end && put_reencoded(&w->text, equals + 1,
		                        (size_t)(end - equals - 1)) == -1)
			goto bad;
		/* "a&&b" has an empty piece between the ampersands: skip. */
		if (end > p)
			push_item(w, key_offset, value_offset, (*order)++);
		p = *end == '&' ? end + 1 : end;
	}
	return 0;
bad:
	return cloud_sigv4_refuse(
	    err, "query", "query holds a %% not followed by two hex digits");
}

/*
 * The request's parameters may not include those presigning adds: the
 * request would send a value other than the one signed.
 */
static const char *const presign_names[] = {
	"X-Amz-Algorithm",
	"X-Amz-Credential",
	"X-Amz-Date",
	"X-Amz-Expires",
	"X-Amz-Security-Token",
	"X-Amz-SignedHeaders",
	"X-Amz-Signature",
};

static int
check_presign_collision(
    const struct sigv4_item *list, size_t n, struct err *err)
{
	size_t i, j, len;

	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(presign_names) / sizeof(*presign_names);
		     j++) {
			len = strlen(presign_names[j]);
			if (list[i].key_len == len &&
			    memcmp(list[i].key, presign_names[j], len) == 0)
				return cloud_sigv4_refuse(err, "query",
				    "query already holds %s", presign_names[j]);
		}
	}
	return 0;
}

/* Add one parameter from a key and a value not yet encoded. */
static void
push_param(
    struct sigv4_work *w, const char *key, const char *value, size_t order)
{
	size_t key_offset = w->text.len, value_offset;

	sigv4_uri_encode(&w->text, key, strlen(key), 0);
	value_offset = w->text.len;
	sigv4_uri_encode(&w->text, value, strlen(value), 0);
	push_item(w, key_offset, value_offset, order);
}

static int
push_presign_params(struct sigv4_context *c, size_t order, struct err *err)
{
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	const struct sigv4_item *list;
	size_t n;
	char expires[24];

	list = resolve_items(w, &n);
	if (check_presign_collision(list, n, err) == -1)
		return -1;
	snprintf(expires, sizeof(expires), "%ld", c->req->expires);
	push_param(w, "X-Amz-Algorithm", SIGV4_ALGORITHM, order++);
	push_param(w, "X-Amz-Credential", c->credential, order++);
	push_param(w, "X-Amz-Date", r->date, order++);
	push_param(w, "X-Amz-Expires", expires, order++);
	if (c->token_signed)
		push_param(w, "X-Amz-Security-Token", c->token, order++);
	push_param(w, "X-Amz-SignedHeaders",
	    w->signed_headers.data ? w->signed_headers.data : "", order);
	return cloud_sigv4_check_memory(c, err);
}

static void
render_query(struct buf *out, const struct sigv4_item *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, '&');
		buf_append(out, list[i].key, list[i].key_len);
		buf_putc(out, '=');
		buf_append(out, list[i].value, list[i].value_len);
	}
}

static void
put_segment(struct buf *out, const char *s, size_t len, unsigned int flags)
{
	if (flags & SIGV4_SINGLE_ENCODE)
		buf_append(out, s, len);
	else
		sigv4_uri_encode(out, s, len, 1);
}

/* Undo the last segment written since start, for "..". */
static void
drop_segment(struct buf *out, size_t start)
{
	if (out->oom || out->data == NULL)
		return;
	while (out->len > start && out->data[out->len - 1] != '/')
		out->len--;
	if (out->len > start)
		out->len--;
	out->data[out->len] = '\0';
}

/*
 * RFC 3986 section 5.2.4, as AWS applies it: empty and "." segments go,
 * ".." takes the previous segment with it, never above the root, and a
 * trailing slash stays.
 */
static void
put_normalized_path(struct buf *out, const char *path, unsigned int flags)
{
	size_t start = out->len, len;
	const char *p = path, *end;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, "/");
		len = (size_t)(end - p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			drop_segment(out, start);
		} else if (len != 1 || p[0] != '.') {
			buf_putc(out, '/');
			put_segment(out, p, len, flags);
		}
		p = end;
	}
	if (out->len == start || path[strlen(path) - 1] == '/')
		buf_putc(out, '/');
}

static void
put_path(struct buf *out, const char *path, unsigned int flags)
{
	if (*path == '\0')
		path = "/";
	if (flags & SIGV4_KEEP_PATH)
		put_segment(out, path, strlen(path), flags);
	else
		put_normalized_path(out, path, flags);
}

int
cloud_sigv4_canonical_request(struct sigv4_context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct buf *out = &r->canonical_request;
	struct sigv4_item *list;
	size_t n, order = 0;

	if (make_headers(c, err) == -1)
		return -1;
	buf_reset(&w->text);
	buf_reset(&w->items);
	if (req->query != NULL && push_query(w, req->query, &order, err) == -1)
		return -1;
	if (c->presign && push_presign_params(c, order, err) == -1)
		return -1;
	list = resolve_items(w, &n);
	if (n > 1)
		qsort(list, n, sizeof(*list), compare_query);
	buf_puts(out, req->method);
	buf_putc(out, '\n');
	put_path(out, req->path, req->flags);
	buf_putc(out, '\n');
	render_query(out, list, n);
	buf_putc(out, '\n');
	buf_append(out, w->canonical_headers.data, w->canonical_headers.len);
	buf_putc(out, '\n');
	buf_append(out, w->signed_headers.data, w->signed_headers.len);
	buf_putc(out, '\n');
	buf_puts(out, r->payload_hash);
	return cloud_sigv4_check_memory(c, err);
}
