/*
 * password.h: password hashing with argon2id (libargon2).
 *
 * Hashes are argon2's encoded strings ("$argon2id$v=19$m=...,t=...,p=...
 * $salt$hash"), so a hash carries its own parameters: verification needs
 * none, and password_needs_rehash() tells when the configured parameters
 * have moved on, so a login can store a new hash.
 */
#ifndef CLOUDPAM_LIB_PASSWORD_H
#define CLOUDPAM_LIB_PASSWORD_H

#include <stddef.h>

#define PASSWORD_HASH_MAX 160

struct password_params {
	unsigned t_cost;   /* iterations */
	unsigned m_cost;   /* KiB of memory */
	unsigned parallel; /* lanes */
};

/* OWASP's argon2id choice: 19 MiB, 2 iterations, 1 lane. */
#define PASSWORD_PARAMS_DEFAULT                                                \
	{                                                                      \
		2, 19456, 1                                                    \
	}

/* Hash password with a fresh 16-byte salt.  -1 on failure. */
int password_hash(const struct password_params *p, const char *password,
    char out[PASSWORD_HASH_MAX]);

/* 1 when password matches encoded, 0 when not (or encoded is not an
 * argon2id hash), -1 on failure. */
int password_verify(const char *encoded, const char *password);

/* Whether encoded was made with other parameters than p. */
int password_needs_rehash(const struct password_params *p, const char *encoded);

#endif
