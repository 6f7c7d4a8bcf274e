/*
 * report.c: a discovery's account of what failed.
 *
 * A provider that cannot read one account, project or region records why
 * here and goes on with the next one, so one bad region never hides what
 * the others hold.  The report has room for CLOUD_FAILURES_MAX failures;
 * later ones are dropped (the first are the ones worth reading).
 */
#include "cloud/cloud.h"

#include <stdio.h>

void
cloud_report_fail(
    struct cloud_report *report, const char *scope, const char *message)
{
	struct cloud_failure *f;

	if (report == NULL || report->nfailures >= CLOUD_FAILURES_MAX)
		return;
	f = &report->failures[report->nfailures++];
	snprintf(f->scope, sizeof(f->scope), "%s", scope ? scope : "");
	snprintf(f->message, sizeof(f->message), "%s", message ? message : "");
}
