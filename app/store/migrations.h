/*
 * migrations.h: the schema migrations compiled into the binary.
 *
 * build/gen/migrations.c is generated from sql/<backend>/NNNN_name.sql by
 * t/tools/embed-sql.sh.  Each table ends with an entry whose sql is NULL.
 */
#ifndef CLOUDPAM_STORE_MIGRATIONS_H
#define CLOUDPAM_STORE_MIGRATIONS_H

#include <stddef.h>

struct store_migration {
	int version;      /* NNNN of the file name */
	const char *name; /* the rest of the file name */
	const char *sql;  /* the whole file, applied in one transaction */
};

extern const struct store_migration store_migrations_sqlite[];
extern const struct store_migration store_migrations_postgres[];

#endif
