/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_PARSE_H
#define _SHADOW_MM_PARSE_H

#include <linux/types.h>

int smm_parse_u64(const char *field, const char *s, u64 min, u64 max, u64 *out);
int smm_parse_uint(const char *field, const char *s, unsigned int min, unsigned int max,
		   unsigned int *out);
char *smm_cmd_dup_user(const char __user *ubuf, size_t len, size_t max, const char *field);
int smm_parse_size(const char *s, const char **end, u64 *out);
int smm_next_kv(char **cur, const char *field, char **key, char **val);
int smm_next_key(char **cur, const char *field, const char *const *keys, unsigned int nkeys,
		 unsigned int *seen, char **val);

#endif /* _SHADOW_MM_PARSE_H */
