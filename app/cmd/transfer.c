/*
 * transfer.c: importing and exporting pools and accounts from the shell,
 * the way to move more rows than an HTTP body may carry.
 *
 * On a terminal an import draws a progress bar on stderr (phase, percent,
 * rows, rows per second), redrawn at most ten times a second; piped or
 * redirected, stderr gets only the result.
 */
#include "cmd/transfer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/bar.h"
#include "ipam/transfer_export.h"
#include "ipam/transfer_import.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "store/store.h"

#define FILE_MAX ((size_t)1 << 31) /* bytes of an import file */

struct args {
	enum ipam_transfer_kind kind;
	const char *path; /* NULL for export */
	int format;       /* enum ipam_format, or -1 when not given */
	int dry_run;
};

/* An import's frame of the bar (bar.h). */
static void
progress(const struct ipam_import_progress *p, void *ctx)
{
	char label[16];
	int percent =
	    p->total ? (int)((double)p->done * 100.0 / (double)p->total) : 0;

	snprintf(label, sizeof(label), "%-9s", ipam_import_phases[p->phase]);
	bar_draw(
	    ctx, (int)p->phase, label, percent, (int64_t)p->rows, p->finished);
}

static int
usage(const char *command)
{
	if (strcmp(command, "import") == 0)
		fprintf(stderr, "usage: cloudpam import pools|accounts FILE "
		                "[--dry-run] [--format csv|json]\n");
	else
		fprintf(stderr, "usage: cloudpam export pools|accounts "
		                "[--format csv|json]\n");
	return 2;
}

/* The format named by a file's extension, or -1. */
static int
format_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return -1;
	return ipam_transfer_lookup(
	    dot + 1, ipam_format_names, IPAM_FORMAT__MAX);
}

static int
option(struct args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *value = NULL;

	if (strcmp(arg, "--dry-run") == 0) {
		a->dry_run = 1;
		return a->path != NULL ? 0 : -1;
	}
	if (strncmp(arg, "--format=", 9) == 0)
		value = arg + 9;
	else if (strcmp(arg, "--format") == 0 && *i + 1 < argc)
		value = argv[++*i];
	a->format =
	    ipam_transfer_lookup(value, ipam_format_names, IPAM_FORMAT__MAX);
	return a->format == -1 ? -1 : 0;
}

/* Read the arguments; with_file: import takes FILE.  -1: usage. */
static int
args_parse(struct args *a, int with_file, int argc, char **argv)
{
	int i, positional = 0, kind;

	memset(a, 0, sizeof(*a));
	a->format = -1;
	if (with_file)
		a->path = "";
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			if (option(a, argc, argv, &i) == -1)
				return -1;
		} else if (positional == 0) {
			kind = ipam_transfer_lookup(
			    argv[i], ipam_transfer_kinds, IPAM_TRANSFER__MAX);
			if (kind == -1)
				return -1;
			a->kind = (enum ipam_transfer_kind)kind;
			positional++;
		} else if (positional == 1 && with_file) {
			a->path = argv[i];
			positional++;
		} else {
			return -1;
		}
	}
	return positional == (with_file ? 2 : 1) ? 0 : -1;
}

/* The whole of path ("-": stdin) into b, NUL-terminated. */
static int
file_read(const char *path, struct buf *b)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t n = 1;
	int failed;

	if (f == NULL) {
		fprintf(
		    stderr, "cloudpam import: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (n > 0 && b->len < FILE_MAX && buf_reserve(b, 1 << 16) == 0) {
		/* buf_reserve keeps a byte past cap - 1 for the NUL. */
		n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
		b->len += n;
		b->data[b->len] = '\0';
	}
	failed = ferror(f) || b->oom || b->len >= FILE_MAX;
	if (failed)
		fprintf(stderr, "cloudpam import: %s: %s\n", path,
		    ferror(f) ? strerror(errno)
		              : "too large (at most 2 GiB) or out of memory");
	if (f != stdin)
		fclose(f);
	return failed ? -1 : 0;
}

static struct store *
store_connect(const struct config *cfg, const char *command)
{
	struct store_options opt = { 0, 0, 0 };
	struct err err = ERR_INIT;
	struct store *st;

	opt.busy_timeout_ms = (int)config_int(cfg, CONFIG_BUSY_TIMEOUT);
	st = store_open(config_str(cfg, CONFIG_DATABASE_URL), &opt, &err);
	if (st != NULL && store_check_ready(st, &err) == 0)
		return st;
	fprintf(stderr, "cloudpam %s: %s\n", command, err.message);
	store_free(st);
	return NULL;
}

static void
report(const struct args *a, const struct ipam_import_out *out, double elapsed)
{
	size_t i;

	for (i = 0; i < out->nerrors; i++)
		fprintf(stderr, "line %ld: %s%s%s\n", out->errors[i].line,
		    out->errors[i].field, out->errors[i].field[0] ? ": " : "",
		    out->errors[i].message);
	if (out->nerrors > 0)
		fprintf(stderr,
		    "cloudpam import: %zu of %zu rows have errors; nothing "
		    "was imported\n",
		    out->nerrors, out->rows);
	else if (a->dry_run)
		printf("dry run: %zu %s are valid; nothing was changed\n",
		    out->rows, ipam_transfer_kinds[a->kind]);
	else
		printf("imported %zu %s (%zu VRFs created) in %.2f s, %.0f "
		       "rows/s\n",
		    out->created, ipam_transfer_kinds[a->kind],
		    out->vrfs_created, elapsed,
		    elapsed > 0 ? (double)out->created / elapsed : 0.0);
}

static int
run_import(struct store *st, const struct args *a, struct buf *file)
{
	struct ipam_import_in in;
	struct ipam_import_out out;
	struct err err = ERR_INIT;
	struct bar bar;
	struct arena *arena = arena_new(1 << 20);
	double started = bar_seconds();
	int rc;

	if (arena == NULL)
		return 1;
	memset(&in, 0, sizeof(in));
	in.kind = a->kind;
	in.format = (enum ipam_format)a->format;
	in.text = file->data ? file->data : "";
	in.len = file->len;
	in.dry_run = a->dry_run;
	in.actor = "cli";
	bar_init(&bar);
	if (bar.on) {
		in.progress = progress;
		in.progress_ctx = &bar;
	}
	rc = ipam_import(st, arena, &in, &out, &err);
	bar_end(&bar);
	if (rc == -1)
		fprintf(stderr, "cloudpam import: %s\n", err.message);
	else
		report(a, &out, bar_seconds() - started);
	arena_free(arena);
	return rc == -1 || out.nerrors > 0 ? 1 : 0;
}

int
transfer_import_main(const struct config *cfg, int argc, char **argv)
{
	struct buf file = BUF_INIT;
	struct args a;
	struct store *st;
	int rc = 1;

	if (args_parse(&a, 1, argc, argv) == -1)
		return usage("import");
	if (a.format == -1 && (a.format = format_of_path(a.path)) == -1) {
		fprintf(stderr,
		    "cloudpam import: cannot tell the format of "
		    "%s; name it .csv or .json or give --format\n",
		    a.path);
		return 2;
	}
	if (file_read(a.path, &file) == 0 &&
	    (st = store_connect(cfg, "import")) != NULL) {
		rc = run_import(st, &a, &file);
		store_free(st);
	}
	buf_free(&file);
	return rc;
}

int
transfer_export_main(const struct config *cfg, int argc, char **argv)
{
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;
	struct arena *arena;
	struct store *st;
	struct args a;
	int rc = 1;

	if (args_parse(&a, 0, argc, argv) == -1)
		return usage("export");
	if (a.format == -1)
		a.format = IPAM_FORMAT_JSON;
	if ((st = store_connect(cfg, "export")) == NULL)
		return 1;
	if ((arena = arena_new(1 << 20)) != NULL &&
	    ipam_export(st, arena, a.kind, (enum ipam_format)a.format, &out,
	        &err) == 0) {
		if (fwrite(out.data, 1, out.len, stdout) == out.len &&
		    fflush(stdout) == 0)
			rc = 0;
		else
			fprintf(
			    stderr, "cloudpam export: %s\n", strerror(errno));
	} else {
		fprintf(stderr, "cloudpam export: %s\n",
		    arena ? err.message : "out of memory");
	}
	arena_free(arena);
	buf_free(&out);
	store_free(st);
	return rc;
}
