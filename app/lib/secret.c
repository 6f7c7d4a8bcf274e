/*
 * secret.c: random tokens and keyed hashes through the kernel and
 * OpenSSL's libcrypto.
 */
#include "lib/secret.h"

#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int
secret_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

/* 32 bytes as unpadded base64url. */
static void
b64url32(const unsigned char in[32], char out[SECRET_TOKEN_SIZE])
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;
	unsigned v;

	for (i = 0; i + 3 <= 30; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	v = (unsigned)in[30] << 16 | (unsigned)in[31] << 8;
	out[o++] = abc[v >> 18 & 63];
	out[o++] = abc[v >> 12 & 63];
	out[o++] = abc[v >> 6 & 63];
	out[o] = '\0';
}

int
secret_token(char out[SECRET_TOKEN_SIZE])
{
	unsigned char raw[32];

	if (secret_random(raw, sizeof(raw)) == -1)
		return -1;
	b64url32(raw, out);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

int
secret_token_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (i >= SECRET_TOKEN_LEN)
			return 0;
	}
	return i == SECRET_TOKEN_LEN;
}

int
secret_hmac(const void *key, size_t keylen, const void *data, size_t len,
    char out[SECRET_TOKEN_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, md, &n) == NULL ||
	    n != 32)
		return -1;
	b64url32(md, out);
	return 0;
}

int
secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}
