/*
 * serve.h: `cloudpam serve`, the pre-fork supervisor.
 */
#ifndef CLOUDPAM_CMD_SERVE_H
#define CLOUDPAM_CMD_SERVE_H

#include "lib/config.h"

/*
 * Serve in the mode the environment asks for: plain CGI when
 * GATEWAY_INTERFACE is set; one worker on the socket at fd 0 when started
 * by spawn-fcgi or mod_fcgid; else bind --listen and run a supervised
 * pool of --workers.  Returns the process exit code.
 */
int serve_main(const struct config *cfg);

#endif
