/*
 * health.h: liveness, readiness, metrics and status endpoints.
 */
#ifndef CLOUDPAM_API_HEALTH_H
#define CLOUDPAM_API_HEALTH_H

#include "web/request.h"
#include "web/response.h"

/* GET /healthz: the process answers.  Always 200 {"status": "ok"}. */
int api_healthz(struct web_req *req, struct web_resp *resp);

/*
 * GET /readyz: 200 when the database answers and its schema is current,
 * else 503 with the envelope saying why.
 */
int api_readyz(struct web_req *req, struct web_resp *resp);

/* GET /metrics: Prometheus text exposition for the whole pool. */
int api_metrics(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/status: version, backend, schema and instance name. */
int api_status(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/openapi.yaml: the API description compiled in. */
int api_openapi(struct web_req *req, struct web_resp *resp);

#endif
