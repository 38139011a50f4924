// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_parse": what a user may type.
 *
 * The numbers of every control file, create key and module parameter
 * (decimal or 0x hex, never octal; -EINVAL for what is not a number,
 * -ERANGE for a number out of range), the sizes of e820_reserve, the
 * key=value words of a command, instance names, and the control file's
 * rule that a verb takes exactly its own keys.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/control.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/parse.h"

struct num_case {
	const char *s;
	u64 min, max;
	int ret;
	u64 val;
};

static const struct num_case num_cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 100, 0, 10 },
	{ "010", 0, 100, 0, 10 },	/* never octal */
	{ "08", 0, 100, 0, 8 },		/* not a bad octal number either */
	{ "0x10", 0, 100, 0, 16 },
	{ "0X1f", 0, 100, 0, 31 },
	{ "7\n", 0, 100, 0, 7 },	/* echo's newline */
	{ "18446744073709551615", 0, U64_MAX, 0, U64_MAX },
	{ "18446744073709551616", 0, U64_MAX, -ERANGE, 0 },
	{ "0x10000000000000000", 0, U64_MAX, -ERANGE, 0 },
	{ "101", 0, 100, -ERANGE, 0 },
	{ "0", 1, 100, -ERANGE, 0 },
	{ "", 0, 100, -EINVAL, 0 },
	{ "0x", 0, 100, -EINVAL, 0 },
	{ "+1", 0, 100, -EINVAL, 0 },
	{ "-1", 0, 100, -EINVAL, 0 },
	{ " 1", 0, 100, -EINVAL, 0 },
	{ "1 ", 0, 100, -EINVAL, 0 },
	{ "12abc", 0, 100, -EINVAL, 0 },
	{ "abc", 0, 100, -EINVAL, 0 },
	{ "1e3", 0, 10000, -EINVAL, 0 },
	{ "0x0x10", 0, 100, -EINVAL, 0 },	/* one prefix only */
	{ "1\n\n", 0, 100, -EINVAL, 0 },	/* one newline only */
	{ "\n", 0, 100, -EINVAL, 0 },
};

static void num_desc(const struct num_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s' in [%llu, %llu]", c->s, c->min, c->max);
}

KUNIT_ARRAY_PARAM(num, num_cases, num_desc);

static void parse_test_number(struct kunit *test)
{
	const struct num_case *c = test->param_value;
	u64 v = 12345;

	KUNIT_EXPECT_EQ(test, smm_parse_u64("kunit", c->s, c->min, c->max, &v), c->ret);
	KUNIT_EXPECT_EQ(test, v, c->ret ? 12345ULL : c->val);
}

struct size_case {
	const char *s;
	int ret;
	u64 val;
	const char *rest;
};

static const struct size_case size_cases[] = {
	{ "4096@0", 0, 4096, "@0" },
	{ "64K", 0, 64 << 10, "" },
	{ "64k@1M", 0, 64 << 10, "@1M" },
	{ "0x10M", 0, 16 << 20, "" },
	{ "2G:acpi", 0, 2ULL << 30, ":acpi" },
	{ "010K", 0, 10 << 10, "" },	/* never octal */
	{ "17179869183G", 0, 17179869183ULL << 30, "" },
	{ "17179869184G", -ERANGE, 0, NULL },	/* 2^64 */
	{ "99999999999999999999", -ERANGE, 0, NULL },
	{ "K", -EINVAL, 0, NULL },
	{ "@1M", -EINVAL, 0, NULL },
	{ "0xg", -EINVAL, 0, NULL },
};

static void size_desc(const struct size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s'", c->s);
}

KUNIT_ARRAY_PARAM(size, size_cases, size_desc);

static void parse_test_size(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	const char *end = NULL;
	u64 v = 7;

	KUNIT_EXPECT_EQ(test, smm_parse_size(c->s, &end, &v), c->ret);
	if (c->ret) {
		KUNIT_EXPECT_EQ(test, v, 7ULL);
		return;
	}
	KUNIT_EXPECT_EQ(test, v, c->val);
	KUNIT_EXPECT_STREQ(test, end, c->rest);
}

static void parse_test_words(struct kunit *test)
{
	char buf[] = "  a=1\tbb=  =x c=", *cur = buf, *key, *val;

	KUNIT_ASSERT_EQ(test, smm_next_kv(&cur, "kunit", &key, &val), 1);
	KUNIT_EXPECT_STREQ(test, key, "a");
	KUNIT_EXPECT_STREQ(test, val, "1");
	KUNIT_ASSERT_EQ(test, smm_next_kv(&cur, "kunit", &key, &val), 1);
	KUNIT_EXPECT_STREQ(test, key, "bb");
	KUNIT_EXPECT_STREQ(test, val, "");
	/* "=x": no key */
	KUNIT_EXPECT_EQ(test, smm_next_kv(&cur, "kunit", &key, &val), -EINVAL);
	KUNIT_ASSERT_EQ(test, smm_next_kv(&cur, "kunit", &key, &val), 1);
	KUNIT_EXPECT_STREQ(test, key, "c");
	KUNIT_EXPECT_EQ(test, smm_next_kv(&cur, "kunit", &key, &val), 0);
	cur = buf;
	strscpy(buf, "word", sizeof(buf));
	KUNIT_EXPECT_EQ(test, smm_next_kv(&cur, "kunit", &key, &val), -EINVAL);
}

static void parse_test_instance_names(struct kunit *test)
{
	static const char *const good[] = {
		"a", "slab-2", "x_y.z", "0123456789abcdefghijABCDEFGHIJ_",
	};
	static const char *const bad[] = {
		"", ".", "..", "a/b", "a b", "tab\t", "new\nline", "ünï",
		"0123456789abcdefghijABCDEFGHIJ_x",	/* 32 characters */
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		KUNIT_EXPECT_TRUE_MSG(test, smm_instance_name_valid(good[i]), "'%s'", good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE_MSG(test, smm_instance_name_valid(bad[i]), "'%s'", bad[i]);
}

struct cmd_case {
	const char *cmd;
	int ret;
};

/* Against a fresh instance: the verbs' keys, and the errno of each mistake. */
static const struct cmd_case cmd_cases[] = {
	{ "alloc order=0 tag=a", 0 },
	{ "alloc order=0 count=010 tag=a", 0 },
	{ "alloc tag=a", -EINVAL },			/* needs order= */
	{ "alloc order=0", -EINVAL },			/* needs tag= */
	{ "alloc order=0 size=5 tag=a", -EINVAL },	/* size= is not alloc's */
	{ "alloc order=0 order=1 tag=a", -EINVAL },	/* twice */
	{ "alloc order=0 bogus=1 tag=a", -EINVAL },
	{ "alloc order=0 tag", -EINVAL },		/* not key=value */
	{ "alloc order=x tag=a", -EINVAL },
	{ "alloc order=11 tag=a", -ERANGE },		/* max_order 11: orders 0..10 */
	{ "alloc order=0 count=0 tag=a", -ERANGE },
	{ "alloc order=0 count=65537 tag=a", -ERANGE },
	{ "alloc order=0 atomic=2 tag=a", -ERANGE },
	{ "alloc order=0 zone=HIGH tag=a", -EINVAL },
	{ "alloc order=0 tag=0123456789abcdef", -EINVAL },	/* 16 characters */
	{ "free tag=a count=1", -EINVAL },
	{ "free tag=nope", -EINVAL },
	{ "drain", 0 },
	{ "drain now=1", -EINVAL },
	{ "check", 0 },
	{ "kmalloc size=100 tag=a", 0 },
	{ "kmalloc size=0 tag=a", -ERANGE },
	{ "kmalloc size=100 order=1 tag=a", -EINVAL },
	{ "kmalloc size=0x400001 tag=a", -ERANGE },	/* above 4 MiB, the largest block */
	{ "cache_create name=c size=8193", -ERANGE },
	{ "cache_create name=c size=64 align=3", -EINVAL },
	{ "vmalloc size=0x4000001 tag=a", -ERANGE },	/* above 64 MiB */
	{ "vmalloc size=4096 zone=DMA tag=a", -EINVAL },
	{ "cache_create name=c size=64", 0 },
	{ "cache_create name=c", -EINVAL },		/* needs size= */
	{ "cache_create name=c size=64 tag=a", -EINVAL },
	{ "cache_create name=c size=64 align=4097", -ERANGE },
	{ "cache_alloc name=nope tag=a", -EINVAL },
	{ "cache_destroy name=c size=64", -EINVAL },
	{ "frobnicate", -EINVAL },
	{ "", -EINVAL },
};

static void cmd_desc(const struct cmd_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s'", c->cmd);
}

KUNIT_ARRAY_PARAM(cmd, cmd_cases, cmd_desc);

static void parse_test_control(struct kunit *test)
{
	const struct cmd_case *c = test->param_value;
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	unsigned long before;

	smm_drain_pages(&inst->buddy);
	before = smm_buddy_free_pages(&inst->buddy);
	KUNIT_EXPECT_EQ(test, smm_control_exec(inst, c->cmd), c->ret);
	if (c->ret) {
		/* A refused command changes nothing. */
		smm_drain_pages(&inst->buddy);
		KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&inst->buddy), before);
		KUNIT_EXPECT_TRUE(test, list_empty(&inst->ctl_allocs));
	}
}

/* count=010 is ten blocks, not eight. */
static void parse_test_control_decimal(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	unsigned long before;

	smm_drain_pages(&inst->buddy);
	before = smm_buddy_free_pages(&inst->buddy);
	KUNIT_ASSERT_EQ(test, smm_control_exec(inst, "alloc order=0 count=010 tag=a"), 0);
	smm_drain_pages(&inst->buddy);
	KUNIT_EXPECT_EQ(test, before - smm_buddy_free_pages(&inst->buddy), 10UL);
	KUNIT_ASSERT_EQ(test, smm_control_exec(inst, "alloc order=1 count=0x10 tag=b"), 0);
	smm_drain_pages(&inst->buddy);
	KUNIT_EXPECT_EQ(test, before - smm_buddy_free_pages(&inst->buddy), 10UL + 32);
}

static struct kunit_case parse_test_cases[] = {
	KUNIT_CASE_PARAM(parse_test_number, num_gen_params),
	KUNIT_CASE_PARAM(parse_test_size, size_gen_params),
	KUNIT_CASE(parse_test_words),
	KUNIT_CASE(parse_test_instance_names),
	KUNIT_CASE_PARAM(parse_test_control, cmd_gen_params),
	KUNIT_CASE(parse_test_control_decimal),
	{}
};

static struct kunit_suite parse_test_suite = {
	.name = "shadow_mm_parse",
	.test_cases = parse_test_cases,
};

kunit_test_suite(parse_test_suite);
