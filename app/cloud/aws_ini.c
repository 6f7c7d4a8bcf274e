/*
 * aws_ini.c: the strict reader of the AWS shared credentials file
 * (aws_ini.h).
 *
 * The SDKs read this file leniently; we refuse what we do not understand,
 * so that a typo is reported instead of silently skipping a profile.  The
 * keys are gathered in a local struct aws_credentials that is wiped before
 * returning, and a refusal names the file and line, never the text of the
 * line (it may hold a secret).
 */
#include "cloud/aws_ini.h"

#include <ctype.h>
#include <string.h>

#include "cloud/aws_credentials.h"
#include "lib/buf.h"
#include "lib/err.h"

enum ini_key { INI_KEY_ID, INI_SECRET, INI_TOKEN, INI_KEY__MAX };

static const char *const ini_keys[INI_KEY__MAX] = {
	"aws_access_key_id",     /* INI_KEY_ID */
	"aws_secret_access_key", /* INI_SECRET */
	"aws_session_token",     /* INI_TOKEN */
};

static const size_t ini_limits[INI_KEY__MAX] = {
	AWS_KEY_ID_MAX,        /* INI_KEY_ID */
	AWS_SECRET_MAX,        /* INI_SECRET */
	AWS_SESSION_TOKEN_MAX, /* INI_TOKEN */
};

struct ini {
	const char *profile;
	const char *path;
	size_t line;
	int in_section, in_profile, found, nested;
	struct buf sections; /* names seen, each ending in NUL */
	struct buf keys;     /* keys of this section, each ending in NUL */
	int have[INI_KEY__MAX];
	struct aws_credentials *out;
};

static int
ini_refuse(struct ini *p, const char *why, struct err *err)
{
	return err_set(err, 400, "invalid_credentials", "%s line %zu: %s",
	    p->path, p->line, why);
}

/* Is name (len bytes) in the NUL-separated list?  Add it if not. */
static int
ini_seen(struct buf *list, const char *name, size_t len)
{
	size_t at = 0, n;

	while (at < list->len) {
		n = strlen(list->data + at);
		if (n == len && memcmp(list->data + at, name, len) == 0)
			return 1;
		at += n + 1;
	}
	buf_append(list, name, len);
	buf_putc(list, '\0');
	return 0;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int
ini_section(struct ini *p, const char *s, size_t len, struct err *err)
{
	if (len < 2 || s[len - 1] != ']')
		return ini_refuse(p, "a section without its ']'", err);
	s++, len -= 2;
	trim(&s, &len);
	if (len == 0 || memchr(s, '[', len) || memchr(s, ']', len))
		return ini_refuse(p, "a malformed section name", err);
	if (ini_seen(&p->sections, s, len))
		return ini_refuse(p, "a section named twice", err);
	buf_reset(&p->keys);
	p->in_section = 1;
	p->nested = 0;
	p->in_profile =
	    strlen(p->profile) == len && memcmp(s, p->profile, len) == 0;
	p->found |= p->in_profile;
	return 0;
}

static int
ini_value(
    struct ini *p, enum ini_key k, const char *v, size_t len, struct err *err)
{
	char *dst = k == INI_KEY_ID   ? p->out->access_key_id
	            : k == INI_SECRET ? p->out->secret_access_key
	                              : p->out->session_token;
	size_t i;

	if (len >= ini_limits[k])
		return ini_refuse(p, "a value too long", err);
	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)v[i]))
			return ini_refuse(
			    p, "a key value holding a blank", err);
	memcpy(dst, v, len);
	dst[len] = '\0';
	p->have[k] = len > 0;
	return 0;
}

static int
ini_pair(struct ini *p, const char *s, size_t len, struct err *err)
{
	const char *key = s, *value;
	size_t at = 0, klen, vlen;
	int k;

	while (at < len && s[at] != '=' && s[at] != ':')
		at++;
	if (at == len)
		return ini_refuse(p, "neither a section nor key = value", err);
	if (!p->in_section)
		return ini_refuse(p, "a key outside any [section]", err);
	klen = at;
	trim(&key, &klen);
	value = s + at + 1;
	vlen = len - at - 1;
	trim(&value, &vlen);
	if (klen == 0)
		return ini_refuse(p, "a value without a key", err);
	if (ini_seen(&p->keys, key, klen))
		return ini_refuse(p, "a key given twice in a section", err);
	p->nested = vlen == 0;
	if (!p->in_profile)
		return 0;
	for (k = 0; k < INI_KEY__MAX; k++)
		if (strlen(ini_keys[k]) == klen &&
		    memcmp(key, ini_keys[k], klen) == 0)
			return ini_value(p, (enum ini_key)k, value, vlen, err);
	return 0;
}

static int
ini_line(struct ini *p, const char *s, size_t len, struct err *err)
{
	int indented = len > 0 && (s[0] == ' ' || s[0] == '\t');

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > AWS_INI_LINE_MAX)
		return ini_refuse(p, "a line too long", err);
	trim(&s, &len);
	if (len == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	/* An indented line belongs to a nested block ("s3 =" and below). */
	if (indented) {
		if (!p->nested)
			return ini_refuse(p, "an indented line", err);
		return memchr(s, '=', len) != NULL
		           ? 0
		           : ini_refuse(p, "an indented line", err);
	}
	if (s[0] == '[')
		return ini_section(p, s, len, err);
	return ini_pair(p, s, len, err);
}

int
aws_credentials_parse_ini(const char *text, size_t len, const char *profile,
    const char *path, struct aws_credentials *out, int *found, struct err *err)
{
	struct aws_credentials tmp;
	struct ini p;
	const char *line = text, *end = text + len, *nl;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	memset(&tmp, 0, sizeof(tmp));
	p.profile = profile;
	p.path = path;
	p.out = &tmp;
	*found = 0;
	if (memchr(text, '\0', len) != NULL)
		return err_set(err, 400, "invalid_credentials",
		    "%s: a NUL byte; not a text file", path);
	while (rc == 0 && line < end) {
		p.line++;
		nl = memchr(line, '\n', (size_t)(end - line));
		rc = ini_line(&p, line, (size_t)((nl ? nl : end) - line), err);
		line = nl ? nl + 1 : end;
	}
	if (rc == 0 && (p.sections.oom || p.keys.oom))
		rc = err_set(err, 500, "internal", "out of memory");
	if (rc == 0 && p.found && p.have[INI_KEY_ID] != p.have[INI_SECRET])
		rc = err_set(err, 400, "invalid_credentials",
		    "%s: profile %s has %s but not %s", path, profile,
		    ini_keys[p.have[INI_KEY_ID] ? INI_KEY_ID : INI_SECRET],
		    ini_keys[p.have[INI_KEY_ID] ? INI_SECRET : INI_KEY_ID]);
	if (rc == 0 && p.found && p.have[INI_KEY_ID]) {
		tmp.source = AWS_SOURCE_SHARED_FILE;
		*out = tmp;
		*found = 1;
	}
	aws_credentials_clear(&tmp);
	buf_free(&p.sections);
	buf_free(&p.keys);
	return rc;
}
