/*
 * users.h: `cloudpam user ...` and `cloudpam token ...`.
 */
#ifndef CLOUDPAM_CMD_USERS_H
#define CLOUDPAM_CMD_USERS_H

#include "lib/config.h"

int users_main(const struct config *cfg, int argc, char **argv);
int tokens_main(const struct config *cfg, int argc, char **argv);

#endif
