/*
 * Unit tests for app/lib/config.c and app/lib/metrics.c: defaults,
 * environment, flags, refusals naming the variable, redaction, and the
 * Prometheus text.
 */
#include "lib/config.h"
#include "lib/metrics.h"
#include "unit/tap.h"

#include <stdlib.h>
#include <string.h>

static int
load(struct config *cfg, int *argc, char **argv, struct err *err)
{
	err_clear(err);
	return config_load(cfg, argc, argv, err);
}

static void
test_config(void)
{
	struct config cfg;
	struct err err;
	struct buf b = BUF_INIT;
	char *argv1[] = { "cloudpam", "serve", "--workers", "7", "--dev",
		"--max-body=4096", NULL };
	char *argv2[] = { "cloudpam", "--workers", NULL };
	char *argv3[] = { "cloudpam", "--socket-mode", "777", NULL };
	int argc;

	unsetenv("CLOUDPAM_WORKERS");
	argc = 1;
	tap_int(load(&cfg, &argc, (char *[]){ "cloudpam", NULL }, &err), 0,
	    "defaults load");
	tap_int(config_int(&cfg, CONFIG_WORKERS), 2, "default workers 2");
	tap_str(config_str(&cfg, CONFIG_DATABASE_URL), "sqlite:var/cloudpam.db",
	    "default database");
	tap_int(config_int(&cfg, CONFIG_SOCKET_MODE), 0660, "mode is octal");
	config_free(&cfg);

	setenv("CLOUDPAM_WORKERS", "3", 1);
	setenv("CLOUDPAM_LOG_LEVEL", "debug", 1);
	argc = 6;
	tap_int(load(&cfg, &argc, argv1, &err), 0, "flags load");
	tap_int(config_int(&cfg, CONFIG_WORKERS), 7, "a flag beats the env");
	tap_str(config_str(&cfg, CONFIG_LOG_LEVEL), "debug", "env applies");
	tap_int(config_int(&cfg, CONFIG_DEV), 1, "a bare boolean flag is 1");
	tap_int(config_int(&cfg, CONFIG_MAX_BODY), 4096, "--flag=value form");
	tap_int(argc, 2, "settings are taken out of argv");
	tap_str(argv1[1], "serve", "the command stays");
	config_free(&cfg);

	argc = 2;
	tap_int(load(&cfg, &argc, argv2, &err), -1, "a flag without value");
	tap_ok(strstr(err.message, "--workers needs a value") != NULL,
	    "names the flag");
	argc = 3;
	tap_int(load(&cfg, &argc, argv3, &err), -1, "mode must be octal 0...");
	setenv("CLOUDPAM_WORKERS", "0", 1);
	argc = 1;
	tap_int(load(&cfg, &argc, (char *[]){ "cloudpam", NULL }, &err), -1,
	    "workers 0 refused");
	tap_str(err.field, "CLOUDPAM_WORKERS", "field names the variable");
	setenv("CLOUDPAM_WORKERS", " 4", 1);
	tap_int(load(&cfg, &argc, (char *[]){ "cloudpam", NULL }, &err), -1,
	    "a leading space refused");
	setenv("CLOUDPAM_WORKERS", "4", 1);
	setenv("CLOUDPAM_DATABASE_URL", "mysql://u:secret@h/db", 1);
	tap_int(load(&cfg, &argc, (char *[]){ "cloudpam", NULL }, &err), -1,
	    "unsupported database refused");
	tap_str(err.field, "CLOUDPAM_DATABASE_URL", "and named");
	setenv("CLOUDPAM_DATABASE_URL", "postgres://", 1);
	tap_int(load(&cfg, &argc, (char *[]){ "cloudpam", NULL }, &err), -1,
	    "postgres:// alone refused");
	setenv("CLOUDPAM_DATABASE_URL", "postgresql://u:secret@h:5432/db", 1);
	tap_int(load(&cfg, &argc, (char *[]){ "cloudpam", NULL }, &err), 0,
	    "PostgreSQL URL accepted");
	config_json(&cfg, &b);
	tap_ok(strstr(b.data, "secret") == NULL, "its password redacted");
	config_free(&cfg);
	buf_free(&b);
	setenv("CLOUDPAM_DATABASE_URL", "sqlite:/tmp/x@y.db", 1);
	tap_int(load(&cfg, &argc, (char *[]){ "cloudpam", NULL }, &err), 0,
	    "sqlite URL accepted");
	config_json(&cfg, &b);
	tap_ok(strstr(b.data, "x@y") == NULL, "secret setting redacted");
	tap_ok(strstr(b.data, "\"CLOUDPAM_WORKERS\":\"4\"") != NULL,
	    "effective config shows values");
	config_free(&cfg);
	buf_free(&b);
	unsetenv("CLOUDPAM_WORKERS");
	unsetenv("CLOUDPAM_DATABASE_URL");
	unsetenv("CLOUDPAM_LOG_LEVEL");
}

static void
test_metrics(void)
{
	const char *labels[] = { "/", "/a\"b" };
	struct buf b = BUF_INIT;

	tap_int(metrics_init(0), 0, "metrics region");
	metrics_request(0, 200, 300);
	metrics_request(0, 200, 3000000);
	metrics_request(1, 418, 10);
	metrics_request(METRICS_ROUTES_MAX - 1, 404, 10);
	metrics_render(&b, labels, 2, "1.0", "abc");
	tap_ok(strstr(b.data, "cloudpam_http_requests_total{route=\"/\","
	                      "status=\"200\"} 2\n") != NULL,
	    "requests counted by route and status");
	tap_ok(
	    strstr(b.data, "{route=\"/a\\\"b\",status=\"other\"} 1\n") != NULL,
	    "label escaped; unknown status is other");
	tap_ok(
	    strstr(b.data, "{route=\"unmatched\",status=\"404\"} 1\n") != NULL,
	    "unmatched slot");
	tap_ok(strstr(b.data, "bucket{route=\"/\",le=\"0.0005\"} 1\n") != NULL,
	    "first bucket cumulative");
	tap_ok(strstr(b.data, "bucket{route=\"/\",le=\"+Inf\"} 2\n") != NULL,
	    "+Inf bucket has all");
	tap_ok(strstr(b.data, "_sum{route=\"/\"} 3.000300\n") != NULL,
	    "sum in seconds");
	buf_free(&b);
}

int
main(void)
{
	test_config();
	test_metrics();
	return tap_done();
}
