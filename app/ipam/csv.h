/*
 * csv.h: CSV as RFC 4180 defines it, for imports and exports.
 *
 * The reader is strict where RFC 4180 section 2 is clear (a quote opens a
 * field only at its start, a quote inside a quoted field is doubled, a
 * closing quote is followed by a comma or the end of the record) and
 * lenient only where real files differ: a record ends with CRLF or LF, and
 * the last one may end without either.  It parses in place: fields are
 * unescaped into the text they came from and NUL-terminated there, so
 * reading a file makes no allocation at all.  Every size is bounded.
 *
 * Inside one CSV field, CloudPAM writes a list (tags "k=v;k2=v2", regions
 * "us-east-1;eu-west-1") separated by ';', with '\' escaping a ';' or a
 * '\' that belongs to an item.
 */
#ifndef CLOUDPAM_IPAM_CSV_H
#define CLOUDPAM_IPAM_CSV_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

#define CSV_FIELD_MAX 65536 /* bytes of one field, unescaped */
#define CSV_FIELDS_MAX 64   /* fields of one record */

struct csv_reader {
	char *text; /* len bytes and a NUL; rewritten while read */
	size_t len;
	size_t pos;       /* next byte to read */
	long line;        /* line of text[pos], from 1 */
	size_t field_max; /* CSV_FIELD_MAX unless a test lowers it */
};

/* Read text (len bytes followed by a NUL, which the reader may use). */
void csv_reader_init(struct csv_reader *r, char *text, size_t len);

/*
 * Read the next record into fields[0..max), each pointing into the text,
 * unescaped and NUL-terminated; *n receives the count and *line the line
 * the record starts on.  An empty line is a record of one empty field.
 * Returns 1 for a record, 0 at the end of the text, or -1 with err 400
 * "invalid_csv" naming the line: an unterminated quoted field, a stray
 * quote, a carriage return without a line feed, a NUL byte, a field over
 * field_max bytes or a record of more than max fields.  After an error the
 * reader must not be used again.
 */
int csv_read(struct csv_reader *r, char **fields, size_t max, size_t *n,
    long *line, struct err *err);

/* Append s as one field, quoted when it holds a comma, a quote, CR or LF
 * (RFC 4180 section 2, rules 6 and 7). */
void csv_put_field(struct buf *b, const char *s);

/* Append fields[0..n) as one record ending in CRLF (section 2, rule 1). */
void csv_put_record(struct buf *b, const char *const *fields, size_t n);

/*
 * Split the list in text at unescaped ';' into items[0..max), unescaping
 * in place; empty items are skipped.  -1 when an item ends in a lone '\',
 * a '\' escapes anything but ';' or '\', or there are more than max items.
 */
int csv_list_split(char *text, char **items, size_t max, size_t *n);

/* Append s as one list item, its ';' and '\' escaped. */
void csv_list_put(struct buf *b, const char *s);

#endif
