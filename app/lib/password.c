/*
 * password.c: argon2id through libargon2.
 */
#include "lib/password.h"

#include <stdio.h>
#include <string.h>

#include <argon2.h>

#include "lib/secret.h"

#define PASSWORD_SALT 16
#define PASSWORD_DIGEST 32

int
password_hash(const struct password_params *p, const char *password,
    char out[PASSWORD_HASH_MAX])
{
	unsigned char salt[PASSWORD_SALT];

	if (secret_random(salt, sizeof(salt)) == -1)
		return -1;
	if (argon2id_hash_encoded(p->t_cost, p->m_cost, p->parallel, password,
	        strlen(password), salt, sizeof(salt), PASSWORD_DIGEST, out,
	        PASSWORD_HASH_MAX) != ARGON2_OK)
		return -1;
	return 0;
}

int
password_verify(const char *encoded, const char *password)
{
	int rc;

	if (strncmp(encoded, "$argon2id$", 10) != 0)
		return 0;
	rc = argon2id_verify(encoded, password, strlen(password));
	if (rc == ARGON2_OK)
		return 1;
	if (rc == ARGON2_VERIFY_MISMATCH || rc == ARGON2_DECODING_FAIL ||
	    rc == ARGON2_SALT_TOO_SHORT || rc == ARGON2_PWD_TOO_LONG)
		return 0;
	return -1;
}

int
password_needs_rehash(const struct password_params *p, const char *encoded)
{
	char want[64];

	snprintf(want, sizeof(want), "$argon2id$v=%d$m=%u,t=%u,p=%u$",
	    ARGON2_VERSION_NUMBER, p->m_cost, p->t_cost, p->parallel);
	return strncmp(encoded, want, strlen(want)) != 0;
}
