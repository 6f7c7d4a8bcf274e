/*
 * transfer_import.h: importing pools or accounts from CSV or JSON.
 *
 * An import is all rows or none.  Every row is checked against the same
 * rules as a pool or account made through the API (parse, canonical form,
 * containment, overlap, special ranges, references), inside one
 * transaction, and every bad row is reported with its line and reason
 * rather than stopping at the first.  When any row is bad, or on a dry
 * run, the transaction is rolled back and nothing changes.
 *
 * Pool rows may come in any order: they are applied by VRF, then address,
 * then prefix length, so a parent is made before its children.  A VRF
 * named by a row that does not exist yet is created with the import.
 */
#ifndef CLOUDPAM_IPAM_TRANSFER_IMPORT_H
#define CLOUDPAM_IPAM_TRANSFER_IMPORT_H

#include <stddef.h>

#include "ipam/transfer.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "store/store.h"

struct ipam_import_in {
	enum ipam_transfer_kind kind;
	enum ipam_format format;
	char *text; /* len bytes and a NUL; CSV is unescaped in place */
	size_t len;
	int dry_run;
	const char *actor;         /* recorded as created_by; NULL: "" */
	ipam_progress_fn progress; /* NULL: none */
	void *progress_ctx;
};

struct ipam_import_out {
	size_t rows;         /* data rows read */
	size_t created;      /* rows made (or that a dry run would make) */
	size_t vrfs_created; /* VRFs named by rows that did not exist */
	struct ipam_import_error *errors; /* by line */
	size_t nerrors;
};

/*
 * Import in->text.  Returns 0 when every row was read and checked: then
 * out->nerrors says whether anything was imported (0 and not a dry run:
 * all rows were committed; otherwise nothing changed).  Returns -1 with
 * err when the input cannot be read as a whole (400 "invalid_csv" with
 * the line, "invalid_json" with the byte, an unknown or missing column)
 * or the database fails (5xx); nothing changed then either.  What out
 * points to lives in arena.
 */
int ipam_import(struct store *st, struct arena *arena,
    const struct ipam_import_in *in, struct ipam_import_out *out,
    struct err *err);

#endif
