/*
 * hash.h: SHA-256 through OpenSSL's libcrypto.
 */
#ifndef CLOUDPAM_LIB_HASH_H
#define CLOUDPAM_LIB_HASH_H

#include <stddef.h>

#define HASH_SHA256_HEX 65

/* Lowercase hex SHA-256 of data into out.  -1 if OpenSSL fails. */
int hash_sha256_hex(const void *data, size_t len, char out[HASH_SHA256_HEX]);

#endif
