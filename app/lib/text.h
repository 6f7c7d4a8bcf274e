/*
 * text.h: what counts as text in CloudPAM.
 */
#ifndef CLOUDPAM_LIB_TEXT_H
#define CLOUDPAM_LIB_TEXT_H

#include <stddef.h>

/*
 * Whether s (len bytes) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF) without NUL or C0 controls other
 * than tab, newline and carriage return.
 */
int text_valid(const char *s, size_t len);

#endif
