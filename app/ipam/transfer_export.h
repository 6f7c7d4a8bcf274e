/*
 * transfer_export.h: writing every pool or account as CSV or JSON, in the
 * form transfer_import.h reads back.
 */
#ifndef CLOUDPAM_IPAM_TRANSFER_EXPORT_H
#define CLOUDPAM_IPAM_TRANSFER_EXPORT_H

#include "ipam/transfer.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "store/store.h"

/*
 * Append every row of kind to out: CSV is a header line and one CRLF
 * record per row; JSON is {"items": [...]}, one object per line.  Pools
 * come by VRF, then address, then prefix length, so parents precede
 * their children and an export imports into an empty database as it was.
 * Returns -1 with err (5xx) when the database fails or memory runs out;
 * out then holds a part to be thrown away.  Rows are read into arena.
 */
int ipam_export(struct store *st, struct arena *arena,
    enum ipam_transfer_kind kind, enum ipam_format format, struct buf *out,
    struct err *err);

#endif
