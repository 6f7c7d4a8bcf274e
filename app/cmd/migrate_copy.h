/*
 * migrate_copy.h: `cloudpam migrate copy --from URL --to URL`.
 */
#ifndef CLOUDPAM_CMD_MIGRATE_COPY_H
#define CLOUDPAM_CMD_MIGRATE_COPY_H

#include "lib/config.h"

/*
 * Copy every table of the database at --from into the one at --to (argv
 * holds the arguments after "copy"), all or nothing: the target must be
 * migrated and hold no data yet, and every table's rows and checksum
 * must come out the same on both sides.  Exit code 0 when copied, 1 when
 * refused or failed (stderr says why; the target is unchanged), 2 on a
 * usage error.
 */
int migrate_copy_main(const struct config *cfg, int argc, char **argv);

#endif
