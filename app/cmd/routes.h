/*
 * routes.h: the route table of the cloudpam server.
 */
#ifndef CLOUDPAM_CMD_ROUTES_H
#define CLOUDPAM_CMD_ROUTES_H

#include <stddef.h>

#include "web/router.h"

extern const struct web_route cloudpam_routes[];
extern const size_t cloudpam_nroutes;

#endif
