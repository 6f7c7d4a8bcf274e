/*
 * transfer.h: the import and export API of pools and accounts.
 */
#ifndef CLOUDPAM_API_TRANSFER_H
#define CLOUDPAM_API_TRANSFER_H

#include "web/request.h"
#include "web/response.h"

/*
 * POST /api/v1/import/pools, /api/v1/import/accounts?dry_run=true: the
 * body is text/csv (a header line, then rows) or application/json (an
 * array of row objects, or {"items": [...]}).  200 {"dry_run", "rows",
 * "created", "vrfs_created", "errors": []}; 422 "import_failed" listing
 * every bad row in detail.errors, nothing imported; 400 when the body
 * cannot be read as a whole; 415 for another content type.
 */
int api_import_pools(struct web_req *req, struct web_resp *resp);
int api_import_accounts(struct web_req *req, struct web_resp *resp);

/*
 * GET /api/v1/export/pools, /api/v1/export/accounts?format=csv|json:
 * every row, JSON {"items": [...]} by default, CSV as an attachment.
 */
int api_export_pools(struct web_req *req, struct web_resp *resp);
int api_export_accounts(struct web_req *req, struct web_resp *resp);

#endif
