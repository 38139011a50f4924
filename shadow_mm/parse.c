// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm parse: the words and numbers of every file one writes to.
 */

/**
 * DOC: input
 *
 * Everything a user writes (``control`` commands, ``create`` keys, the
 * ``bench`` settings, an address for ``pagetables``, the fault-injection
 * knobs) is read by the same rules:
 *
 * - Words are separated by spaces or tabs; a key and its value are joined
 *   by ``=`` (``count=10``).
 * - A number is decimal, or hexadecimal with a ``0x`` prefix.  A leading
 *   zero means nothing: ``010`` is ten, never octal eight.  No sign, no
 *   suffix.
 * - A size or an address in ``e820_reserve=`` is such a number with an
 *   optional K, M or G suffix (``64K@0x200000``), as memparse() reads the
 *   kernel's ``memmap=``, but again with no octal.
 * - Malformed input (not a number, not key=value, an unknown key, a key
 *   the command does not take, a key given twice) gets -EINVAL.  A
 *   well-formed number outside the range its field allows gets -ERANGE.
 *   Either way the message names the field, and nothing changes.
 */

#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "common.h"
#include "parse.h"

/* At least one digit of @base, nothing else but a final newline. */
static bool digits_only(const char *s, unsigned int base)
{
	const char *p = s;

	for (; *p && *p != '\n'; p++)
		if (base == 16 ? !isxdigit(*p) : !isdigit(*p))
			return false;
	return p > s && (!*p || !p[1]);
}

/**
 * smm_parse_u64() - read a number, decimal or 0x-prefixed hex
 * @field: what it is, for the message (``control.count``)
 * @s: the text; one trailing newline is allowed
 * @min: smallest value allowed
 * @max: largest value allowed
 * @out: where the value goes; untouched on error
 *
 * Return: 0; -EINVAL if @s is not a number; -ERANGE if it is one outside
 * [@min, @max] or beyond 64 bits.  Each error is reported, naming @field.
 */
int smm_parse_u64(const char *field, const char *s, u64 min, u64 max, u64 *out)
{
	unsigned int base = 10;
	const char *digits = s;
	u64 v;
	int ret;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	/*
	 * Only digits of the base, and one newline at the end: kstrtou64()
	 * alone would take a '+', a second "0x", and in base 0 a leading 0
	 * for octal.
	 */
	if (!digits_only(digits, base)) {
		smm_bad_input(field, "'%s' is not a number (decimal, or hex with 0x)", s);
		return -EINVAL;
	}
	ret = kstrtou64(digits, base, &v);
	if (ret == -ERANGE || (!ret && (v < min || v > max))) {
		smm_bad_input(field, "'%s' is outside [%llu, %llu]", s, min, max);
		return -ERANGE;
	}
	if (ret) {
		smm_bad_input(field, "'%s' is not a number (decimal, or hex with 0x)", s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/**
 * smm_parse_size() - read a size or address with an optional K, M or G suffix
 * @s: the text; reading stops at the first character past the number and
 *	suffix
 * @end: set to that character
 * @out: where the value goes; untouched on error
 *
 * memparse() with the rules of "DOC: input": decimal or 0x hex, never
 * octal.  Reports nothing: the caller knows the field.
 *
 * Return: 0; -EINVAL if @s does not start with a number; -ERANGE if the
 * value does not fit in 64 bits.
 */
int smm_parse_size(const char *s, const char **end, u64 *out)
{
	unsigned int base = 10, shift = 0, d;
	const char *p = s;
	u64 v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit(*p) || (base == 10 && !isdigit(*p)))
		return -EINVAL;
	for (; isxdigit(*p) && (base == 16 || isdigit(*p)); p++) {
		d = isdigit(*p) ? *p - '0' : tolower(*p) - 'a' + 10;
		if (check_mul_overflow(v, (u64)base, &v) || check_add_overflow(v, (u64)d, &v))
			return -ERANGE;
	}
	switch (*p) {
	case 'G':
	case 'g':
		shift += 10;
		fallthrough;
	case 'M':
	case 'm':
		shift += 10;
		fallthrough;
	case 'K':
	case 'k':
		shift += 10;
		p++;
	}
	if (shift && v > (U64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	*end = p;
	return 0;
}

/**
 * smm_parse_uint() - smm_parse_u64() into an unsigned int
 * @field: what it is, for the message
 * @s: the text
 * @min: smallest value allowed
 * @max: largest value allowed
 * @out: where the value goes; untouched on error
 *
 * Return: as smm_parse_u64().
 */
int smm_parse_uint(const char *field, const char *s, unsigned int min, unsigned int max,
		   unsigned int *out)
{
	u64 v;
	int ret = smm_parse_u64(field, s, min, max, &v);

	if (!ret)
		*out = v;
	return ret;
}

/**
 * smm_next_kv() - the next key=value word of a command
 * @cur: the rest of the command, advanced past the word (strsep())
 * @field: the file, for the message
 * @key: set to the key
 * @val: set to the value, possibly empty
 *
 * Empty words (two spaces) are skipped.  The word is split in place.
 *
 * Return: 1 with @key and @val set, 0 at the end of the command, or
 * -EINVAL (reported) for a word that is not key=value.
 */
int smm_next_kv(char **cur, const char *field, char **key, char **val)
{
	char *word;

	do {
		word = strsep(cur, " \t\n");
		if (!word)
			return 0;
	} while (!*word);
	*val = strchr(word, '=');
	if (!*val || *val == word) {
		smm_bad_input(field, "'%s' is not key=value", word);
		return -EINVAL;
	}
	*(*val)++ = '\0';
	*key = word;
	return 1;
}

/**
 * smm_next_key() - the next key=value word, as the index of its key
 * @cur: the rest of the command, advanced past the word
 * @field: the file, for the messages
 * @keys: the keys the file knows
 * @nkeys: how many (at most 32)
 * @seen: BIT(index) of each key given so far; updated
 * @val: set to the value
 *
 * Return: the key's index in @keys; -ENOENT at the end of the command;
 * -EINVAL (reported) for a word that is not key=value, an unknown key or
 * a key given twice.
 */
int smm_next_key(char **cur, const char *field, const char *const *keys, unsigned int nkeys,
		 unsigned int *seen, char **val)
{
	char *key;
	int k, ret;

	ret = smm_next_kv(cur, field, &key, val);
	if (ret <= 0)
		return ret ? ret : -ENOENT;
	k = match_string(keys, nkeys, key);
	if (k < 0) {
		smm_bad_input(field, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (*seen & BIT(k)) {
		smm_bad_input(field, "%s= is given twice", key);
		return -EINVAL;
	}
	*seen |= BIT(k);
	return k;
}

/**
 * smm_cmd_dup_user() - a command written to a debugfs file, as a string
 * @ubuf: the user's buffer
 * @len: its length, as write() gave it
 * @max: the longest command the file takes, in bytes
 * @field: the file's name, for the message
 *
 * Return: a NUL-terminated copy to kfree(); ERR_PTR(-EINVAL), with a
 * rate-limited message that names @field, if @len is over @max;
 * ERR_PTR(-EFAULT) or ERR_PTR(-ENOMEM) as memdup_user_nul() gives them.
 * Context: process context; may sleep.
 */
char *smm_cmd_dup_user(const char __user *ubuf, size_t len, size_t max, const char *field)
{
	if (len > max) {
		smm_bad_input(field, "command longer than %zu bytes", max);
		return ERR_PTR(-EINVAL);
	}
	return memdup_user_nul(ubuf, len);
}
