/*
 * transfer.h: `cloudpam import` and `cloudpam export`.
 */
#ifndef CLOUDPAM_CMD_TRANSFER_H
#define CLOUDPAM_CMD_TRANSFER_H

#include "lib/config.h"

/*
 * import pools|accounts FILE [--dry-run] [--format csv|json]: FILE may be
 * "-" for standard input; the format comes from the name (.csv, .json)
 * unless given.  Exit code 0 when imported (or valid on a dry run), 1 when
 * rows were rejected (each printed "line N: field: message" on stderr) or
 * the file or database failed, 2 on a usage error.
 */
int transfer_import_main(const struct config *cfg, int argc, char **argv);

/* export pools|accounts [--format csv|json]: every row on stdout, JSON
 * unless told otherwise.  Exit code 0, 1 on failure, 2 on usage. */
int transfer_export_main(const struct config *cfg, int argc, char **argv);

#endif
