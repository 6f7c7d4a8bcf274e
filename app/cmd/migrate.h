/*
 * migrate.h: `cloudpam migrate up|status|copy`.
 */
#ifndef CLOUDPAM_CMD_MIGRATE_H
#define CLOUDPAM_CMD_MIGRATE_H

#include "lib/config.h"

/* Run the subcommand named by argv[0] ("up", "status" or "copy");
 * exit code. */
int migrate_main(const struct config *cfg, int argc, char **argv);

#endif
