/*
 * err.h: the one error shape of CloudPAM.
 *
 * A function that can fail returns 0 or -1 and fills a caller's struct err:
 * the HTTP status it maps to, a stable machine code ("overlap",
 * "bad_request"), a message for a person and, when one field is at fault,
 * the field's name.  It maps one-to-one onto the API error envelope
 * {"error": code, "message": message, "detail": {"field": field}} and onto
 * the message shown beside a form field.
 */
#ifndef CLOUDPAM_LIB_ERR_H
#define CLOUDPAM_LIB_ERR_H

#define ERR_CODE_MAX 48
#define ERR_MESSAGE_MAX 512
#define ERR_FIELD_MAX 64

struct err {
	int status;                    /* HTTP status, 0 when unset */
	char code[ERR_CODE_MAX];       /* stable, snake_case */
	char message[ERR_MESSAGE_MAX]; /* for a person */
	char field[ERR_FIELD_MAX];     /* offending field, or "" */
};

#define ERR_INIT                                                               \
	{                                                                      \
		0, "", "", ""                                                  \
	}

/*
 * Fill err with status, code and a printf-style message; field is cleared.
 * Always returns -1 so that callers can write "return err_set(...)".
 */
int err_set(struct err *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* As err_set, and name the field at fault. Returns -1. */
int err_field(struct err *err, int status, const char *code, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reset err to ERR_INIT. */
void err_clear(struct err *err);

#endif
