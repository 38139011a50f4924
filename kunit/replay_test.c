// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_replay": the trace parser and the replay.
 *
 * The kmem lines of the 6.1 and 6.12 kernels, trace_pipe's and
 * trace-cmd's variants; every malformed field refused with its line
 * number and nothing left pending; a hand-written stream whose live set,
 * unknown frees and peak pages are known exactly, replayed into each of
 * the three slab strategies and into the buddy allocator.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/replay.h"

KUNIT_DEFINE_ACTION_WRAPPER(trace_free_action, smm_replay_trace_free, struct smm_replay_trace *);
KUNIT_DEFINE_ACTION_WRAPPER(ctx_release_action, smm_replay_ctx_release, struct smm_replay_ctx *);

static struct smm_replay_trace *new_trace(struct kunit *test)
{
	struct smm_replay_trace *t = smm_replay_trace_new();

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, trace_free_action, t), 0);
	return t;
}

static int feed(struct smm_replay_trace *t, const char *s)
{
	return smm_replay_feed(t, s, strlen(s));
}

/* The six events as the 6.12 kernel's tracefs prints them (trace file). */
static const char *const lines_612[] = {
	"            bash-245     [001] .....    25.123456: kmalloc: call_site=alloc_pipe_info+0x5e/0x1a0 ptr=00000000a1b2c3d4 bytes_req=1000 bytes_alloc=1024 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO node=-1 accounted=true\n",
	"            bash-245     [001] .....    25.123460: kmem_cache_alloc: call_site=getname_flags+0x4f/0x1f0 ptr=000000001234abcd bytes_req=4096 bytes_alloc=4096 gfp_flags=GFP_KERNEL node=-1 accounted=false\n",
	"            bash-245     [001] .....    25.123470: kmem_cache_free: call_site=putname+0x4c/0x60 ptr=000000001234abcd name=names_cache\n",
	"            bash-245     [001] .....    25.123480: kfree: call_site=free_pipe_info+0x8f/0xb0 ptr=00000000a1b2c3d4\n",
	"            bash-245     [001] .....    25.123490: mm_page_alloc: page=00000000deadbeef pfn=0x12345 order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n",
	"          <idle>-0       [000] ..s1.    25.123500: mm_page_free: page=00000000deadbeef pfn=0x12345 order=2\n",
};

/*
 * The 6.1 kernel: the same TP_printk formats (6.1 merged the kmalloc and
 * kmem_cache_alloc events with node= and accounted=), here as trace_pipe
 * and trace-cmd report print them: a 4-character flags column or none, a
 * module's call_site, a NULL kfree, a lost-events line.
 */
static const char *const lines_61[] = {
	"   kworker/u4:1-37      [000] d..1   118.000001: kmalloc: call_site=load_module+0x1b/0x2000 [shadow_mm] ptr=ffff888003a1b000 bytes_req=24 bytes_alloc=32 gfp_flags=GFP_KERNEL node=-1 accounted=false\n",
	"            find-300   [001]   118.000002: kmem_cache_alloc: call_site=__d_alloc+0x2d/0x1f0 ptr=ffff888003a1c0c0 bytes_req=192 bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=false\n",
	"CPU:1 [LOST 42 EVENTS]\n",
	"            find-300   [001] ....   118.000003: kfree: call_site=kvfree+0x2a/0x40 ptr=(null)\n",
	"            find-300   [001] ....   118.000004: kmem_cache_free: call_site=dput+0x3d/0x300 ptr=ffff888003a1c0c0 name=dentry\n",
	"             tar-301   [000] ....   118.000005: mm_page_alloc: page=ffffea00000e8440 pfn=0x3a11 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n",
	"             tar-301   [000] ....   118.000006: mm_page_free: page=ffffea00000e8440 pfn=0x3a11 order=0\n",
	"             tar-301   [000] ....   118.000007: kfree: call_site=load_module+0x1b/0x2000 [shadow_mm] ptr=ffff888003a1b000\n",
};

static void replay_test_formats_612(struct kunit *test)
{
	struct smm_replay_trace *t = new_trace(test);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, feed(t, "# tracer: nop\n#\n"), 0);
	KUNIT_ASSERT_EQ(test, feed(t, "# entries-in-buffer/entries-written: 6/10   #P:2\n"), 0);
	for (i = 0; i < ARRAY_SIZE(lines_612); i++)
		KUNIT_ASSERT_EQ_MSG(test, feed(t, lines_612[i]), 0, "line %u", i);
	KUNIT_EXPECT_EQ(test, smm_replay_end(t), 0);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_LINES], 9UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_COMMENTS], 3UL);
	/* the header's written minus in-buffer: overwritten before the read */
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_LOST], 4UL);
	for (i = 0; i < SMM_REPLAY_KIND_NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, t->events[i], 1UL, "%s", smm_replay_kind_name(i));
	KUNIT_ASSERT_EQ(test, t->nr_ops, 6UL);
	KUNIT_EXPECT_EQ(test, t->nr_slab_ops, 4UL);
	KUNIT_EXPECT_EQ(test, t->ops[0].kind, SMM_REPLAY_KMALLOC);
	KUNIT_EXPECT_EQ(test, t->ops[0].size, 1000U);
	KUNIT_EXPECT_EQ(test, t->ops[1].kind, SMM_REPLAY_CACHE_ALLOC);
	KUNIT_EXPECT_EQ(test, t->ops[1].size, 4096U);
	KUNIT_EXPECT_EQ(test, t->ops[2].kind, SMM_REPLAY_CACHE_FREE);
	KUNIT_EXPECT_EQ(test, t->ops[2].slot, t->ops[1].slot);
	KUNIT_EXPECT_EQ(test, t->ops[3].kind, SMM_REPLAY_KFREE);
	KUNIT_EXPECT_EQ(test, t->ops[3].slot, t->ops[0].slot);
	KUNIT_EXPECT_EQ(test, t->ops[4].kind, SMM_REPLAY_PAGE_ALLOC);
	KUNIT_EXPECT_EQ(test, t->ops[4].order, 2);
	KUNIT_EXPECT_EQ(test, t->ops[4].cache, SMM_GFP_HIGHUSER);
	KUNIT_EXPECT_EQ(test, t->ops[5].kind, SMM_REPLAY_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, t->ops[5].slot, t->ops[4].slot);
	KUNIT_EXPECT_EQ(test, t->nr_caches, 1U);
	KUNIT_EXPECT_EQ(test, t->caches[0], 4096U);
	KUNIT_EXPECT_EQ(test, t->live.nr, 0UL);
	KUNIT_EXPECT_EQ(test, t->pages.nr, 0UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_UNKNOWN_FREES], 0UL);
}

static void replay_test_formats_61(struct kunit *test)
{
	struct smm_replay_trace *t = new_trace(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lines_61); i++)
		KUNIT_ASSERT_EQ_MSG(test, feed(t, lines_61[i]), 0, "line %u", i);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_LOST], 42UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_NULL_FREES], 1UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_UNKNOWN_FREES], 0UL);
	KUNIT_ASSERT_EQ(test, t->nr_ops, 6UL);
	KUNIT_EXPECT_EQ(test, t->ops[0].size, 24U);
	KUNIT_EXPECT_EQ(test, t->ops[1].size, 192U);
	KUNIT_EXPECT_EQ(test, t->ops[3].kind, SMM_REPLAY_PAGE_ALLOC);
	KUNIT_EXPECT_EQ(test, t->ops[3].cache, SMM_GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, t->ops[5].kind, SMM_REPLAY_KFREE);
	KUNIT_EXPECT_EQ(test, t->ops[5].slot, t->ops[0].slot);
	KUNIT_EXPECT_EQ(test, t->live.nr, 0UL);
}

/* A line may arrive in pieces: every split gives the same operations. */
static void replay_test_split_writes(struct kunit *test)
{
	const char *s = lines_612[0];
	size_t n = strlen(s), cut;

	for (cut = 1; cut < n; cut += 17) {
		struct smm_replay_trace *t = new_trace(test);

		KUNIT_ASSERT_EQ(test, smm_replay_feed(t, s, cut), 0);
		KUNIT_EXPECT_EQ(test, t->nr_ops, 0UL);
		KUNIT_ASSERT_EQ(test, smm_replay_feed(t, s + cut, n - cut), 0);
		KUNIT_EXPECT_EQ(test, t->nr_ops, 1UL);
		KUNIT_EXPECT_EQ(test, t->ops[0].size, 1000U);
	}
	/* The last line needs no newline. */
	{
		struct smm_replay_trace *t = new_trace(test);

		KUNIT_ASSERT_EQ(test, smm_replay_feed(t, s, n - 1), 0);
		KUNIT_EXPECT_EQ(test, t->nr_ops, 0UL);
		KUNIT_EXPECT_EQ(test, smm_replay_end(t), 0);
		KUNIT_EXPECT_EQ(test, t->nr_ops, 1UL);
	}
}

#define HDR	"  sh-1 [000] ..... 1.000000: "

struct bad_case {
	const char *line;
	const char *field;
};

static const struct bad_case bad_cases[] = {
	{ HDR "kmalloc: call_site=x bytes_req=8 bytes_alloc=8", "ptr" },
	{ HDR "kmalloc: ptr=1 bytes_alloc=8", "bytes_req" },
	{ HDR "kmalloc: ptr=1 bytes_req=8", "bytes_alloc" },
	{ HDR "kmalloc: ptr=zz bytes_req=8 bytes_alloc=8", "ptr" },
	{ HDR "kmalloc: ptr=1 bytes_req=8x bytes_alloc=8", "bytes_req" },
	{ HDR "kmalloc: ptr=1 bytes_req=8 bytes_alloc=-8", "bytes_alloc" },
	{ HDR "kmalloc: ptr=1 bytes_req=8 bytes_alloc=99999999999", "bytes_alloc" },
	{ HDR "kmalloc: ptr=1 bytes_req=16 bytes_alloc=8", "bytes_req" },
	{ HDR "kmalloc: ptr=1 ptr=2 bytes_req=8 bytes_alloc=8", "ptr" },
	{ HDR "kmalloc: ptr=1 junk bytes_req=8 bytes_alloc=8", "kmalloc" },
	{ HDR "kmem_cache_alloc: ptr=1 bytes_req=0 bytes_alloc=8", "bytes_req" },
	{ HDR "kfree: call_site=x", "ptr" },
	{ HDR "kmem_cache_free: ptr= name=x", "ptr" },
	{ HDR "mm_page_alloc: page=1 order=0 gfp_flags=GFP_KERNEL", "pfn" },
	{ HDR "mm_page_alloc: page=1 pfn=0xq order=0", "pfn" },
	{ HDR "mm_page_alloc: page=1 pfn=0x10 order=14", "order" },
	{ HDR "mm_page_free: page=1 pfn=0x10", "order" },
	{ HDR "mm_page_free: page=1 pfn=0x10 order=one", "order" },
	{ "this is not a trace line", "line" },
	{ "  sh-1 [000] ..... kmalloc: ptr=1", "line" },
	{ "CPU:0 [LOST many EVENTS]", "lost" },
};

static void bad_desc(const struct bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %.40s", c->field, c->line);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_desc);

/*
 * Two good lines (an allocation still live), a comment, then the bad one
 * as line 4: -EINVAL naming line 4 and the field, and nothing pending.
 */
static void replay_test_malformed(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct smm_replay_trace *t = new_trace(test);
	char *buf;

	buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	snprintf(buf, 1024, "%s%s# comment\n%s\n%s", lines_612[0], lines_612[4], c->line,
		 lines_612[3]);
	KUNIT_EXPECT_EQ(test, feed(t, buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->error.err, -EINVAL);
	KUNIT_EXPECT_EQ(test, t->error.line, 4UL);
	KUNIT_EXPECT_STREQ(test, t->error.field, c->field);
	KUNIT_EXPECT_EQ(test, t->nr_ops, 0UL);
	KUNIT_EXPECT_EQ(test, t->nr_slots, 0U);
	KUNIT_EXPECT_EQ(test, t->live.nr, 0UL);
	KUNIT_EXPECT_EQ(test, t->pages.nr, 0UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_LINES], 0UL);
	KUNIT_EXPECT_EQ(test, t->line_len, 0U);
	/* The next trace starts afresh, at line 1. */
	KUNIT_EXPECT_EQ(test, feed(t, lines_612[0]), 0);
	KUNIT_EXPECT_EQ(test, t->nr_ops, 1UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_LINES], 1UL);
}

/* Past the length limit, and a NUL: refused at the line where it happens. */
static void replay_test_long_line(struct kunit *test)
{
	struct smm_replay_trace *t = new_trace(test);
	char *buf = kunit_kzalloc(test, SMM_REPLAY_LINE_MAX + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 'x', SMM_REPLAY_LINE_MAX);
	KUNIT_ASSERT_EQ(test, feed(t, lines_612[0]), 0);
	KUNIT_EXPECT_EQ(test, smm_replay_feed(t, buf, SMM_REPLAY_LINE_MAX / 2), 0);
	KUNIT_EXPECT_EQ(test, smm_replay_feed(t, buf, SMM_REPLAY_LINE_MAX / 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->error.line, 2UL);
	KUNIT_EXPECT_STREQ(test, t->error.field, "line");
	KUNIT_EXPECT_EQ(test, t->nr_ops, 0UL);
	KUNIT_EXPECT_EQ(test, smm_replay_feed(t, "a\0b\n", 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->error.line, 1UL);
	KUNIT_EXPECT_STREQ(test, t->error.field, "line");
}

/* The operation limit: -E2BIG, and the trace dropped. */
static void replay_test_too_many(struct kunit *test)
{
	struct smm_replay_trace *t = new_trace(test);

	t->max_ops = 3;
	KUNIT_EXPECT_EQ(test, feed(t, lines_612[0]), 0);
	KUNIT_EXPECT_EQ(test, feed(t, lines_612[1]), 0);
	KUNIT_EXPECT_EQ(test, feed(t, lines_612[2]), 0);
	KUNIT_EXPECT_EQ(test, feed(t, lines_612[3]), -E2BIG);
	KUNIT_EXPECT_EQ(test, t->error.line, 4UL);
	KUNIT_EXPECT_EQ(test, t->nr_ops, 0UL);
	KUNIT_EXPECT_EQ(test, t->max_ops, 3UL);
}

#define L(ev, f)	HDR ev ": " f "\n"

/*
 * The hand-written stream.  Objects: A (100 bytes), B (200), C (a 64-byte
 * cache object), B again at the same pointer while live (its free went
 * unrecorded), 1000 unknown, D and E: two large kmallocs of 20000 bytes
 * (order 3 each: 16 pages at the peak).  Pages: P order 2, Q order 0; R
 * unknown; P freed with order 1.
 */
static const char stream[] =
	L("kmalloc", "ptr=a bytes_req=100 bytes_alloc=128")
	L("kmalloc", "ptr=b bytes_req=200 bytes_alloc=256")
	L("kfree", "ptr=a")
	L("kfree", "ptr=1000")
	L("kmem_cache_alloc", "ptr=c bytes_req=64 bytes_alloc=64")
	L("kmem_cache_free", "ptr=c name=x")
	L("kfree", "ptr=0000000000000000")
	L("kmalloc", "ptr=b bytes_req=300 bytes_alloc=512")
	L("mm_page_alloc", "page=1 pfn=0x100 order=2 migratetype=0 gfp_flags=GFP_KERNEL")
	L("mm_page_alloc", "page=1 pfn=0x200 order=0 migratetype=0 gfp_flags=GFP_KERNEL")
	L("mm_page_free", "page=1 pfn=0x200 order=0")
	L("mm_page_free", "page=1 pfn=0x300 order=0")
	L("mm_page_free", "page=1 pfn=0x100 order=1")
	L("sched_switch", "prev_comm=sh prev_pid=1")
	L("kmalloc", "ptr=d bytes_req=20000 bytes_alloc=32768")
	L("kmalloc", "ptr=e bytes_req=20000 bytes_alloc=32768")
	L("kfree", "ptr=d")
	L("kmalloc", "ptr=f bytes_req=20000 bytes_alloc=32768");

static void replay_test_live_set(struct kunit *test)
{
	struct smm_replay_trace *t = new_trace(test);

	KUNIT_ASSERT_EQ(test, feed(t, stream), 0);
	KUNIT_ASSERT_EQ(test, smm_replay_end(t), 0);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_LINES], 18UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_OTHER], 1UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_UNKNOWN_FREES], 1UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_UNKNOWN_PAGE_FREES], 1UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_NULL_FREES], 1UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_IMPLICIT_FREES], 1UL);
	KUNIT_EXPECT_EQ(test, t->count[SMM_RC_ORDER_MISMATCH], 1UL);
	/* slab: 2 + 1 + 2 + (1 implicit + 1) + 4 = 11; pages: 2 + 2 */
	KUNIT_EXPECT_EQ(test, t->nr_slab_ops, 11UL);
	KUNIT_EXPECT_EQ(test, t->nr_ops, 15UL);
	/* live: B (300), E, F */
	KUNIT_EXPECT_EQ(test, t->live.nr, 3UL);
	KUNIT_EXPECT_EQ(test, t->pages.nr, 0UL);
	/* the implicit free of B (200 bytes) comes just before its new kmalloc */
	KUNIT_EXPECT_EQ(test, t->ops[5].kind, SMM_REPLAY_KFREE);
	KUNIT_EXPECT_EQ(test, t->ops[5].size, 200U);
	KUNIT_EXPECT_EQ(test, t->ops[6].kind, SMM_REPLAY_KMALLOC);
	KUNIT_EXPECT_EQ(test, t->ops[6].size, 300U);
	/* P is freed with the order it was allocated with */
	KUNIT_EXPECT_EQ(test, t->ops[10].kind, SMM_REPLAY_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, t->ops[10].order, 2);
	/* slots are reused: never more than 3 things live at once */
	KUNIT_EXPECT_EQ(test, t->nr_slots, 3U);
}

static const enum smm_slab_strategy strategies[] = {
	SMM_SLAB_SLAB, SMM_SLAB_SLUB, SMM_SLAB_SLOB,
};

static void strategy_desc(const enum smm_slab_strategy *s, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", smm_slab_strategy_name(*s));
}

KUNIT_ARRAY_PARAM(strategy, strategies, strategy_desc);

static struct smm_replay_ctx *new_ctx(struct kunit *test, struct smm_instance *inst,
				      const struct smm_replay_trace *t)
{
	struct smm_replay_ctx *ctx = smm_replay_ctx_new(inst, t);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ctx_release_action, ctx), 0);
	return ctx;
}

/*
 * Each strategy replays the stream: every operation done, the live set
 * exact, the peak the two large kmallocs' 16 pages and at most one new
 * slab for each of the four small sizes, and the host side did the same
 * operations.
 */
static void replay_test_strategy(struct kunit *test)
{
	const enum smm_slab_strategy *s = test->param_value;
	struct smm_instance *inst = smm_test_instance(test, 8, *s);
	struct smm_replay_trace *t = new_trace(test);
	struct smm_replay_result r = { .strategy = *s };
	struct smm_replay_ctx *ctx;
	unsigned long free0 = smm_buddy_free_pages(&inst->buddy);

	KUNIT_ASSERT_EQ(test, feed(t, stream), 0);
	ctx = new_ctx(test, inst, t);
	KUNIT_ASSERT_EQ(test, smm_replay_slab(ctx, t, &r), 0);
	KUNIT_EXPECT_EQ(test, r.ops, 11UL);
	KUNIT_EXPECT_EQ(test, r.failed, 0UL);
	KUNIT_EXPECT_EQ(test, r.live_end, 3UL);
	KUNIT_EXPECT_EQ(test, smm_replay_ctx_live(ctx), 3UL);
	KUNIT_EXPECT_GE(test, r.peak_pages, 16UL);
	KUNIT_EXPECT_LE(test, r.peak_pages, 24UL);
	KUNIT_EXPECT_GE(test, r.peak_live_bytes, 40000UL);
	KUNIT_EXPECT_GT(test, r.ns, 0ULL);
	KUNIT_EXPECT_EQ(test, smm_replay_host_slab(t, SZ_8M, &r), 0);
	KUNIT_EXPECT_EQ(test, r.host_ops, 11UL);
	KUNIT_EXPECT_EQ(test, r.host_failed, 0UL);
	/* E and F hold 16 pages; the page operations were not this pass's. */
	KUNIT_EXPECT_GE(test, free0 - smm_buddy_free_pages(&inst->buddy), 16UL);
	KUNIT_EXPECT_LE(test, free0 - smm_buddy_free_pages(&inst->buddy), 24UL);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* Large kmallocs only: the peak is exactly their pages, no slab made. */
static void replay_test_peak_exact(struct kunit *test)
{
	static const char big[] =
		L("kmalloc", "ptr=1 bytes_req=20000 bytes_alloc=32768")
		L("kmalloc", "ptr=2 bytes_req=9000 bytes_alloc=16384")
		L("kfree", "ptr=1")
		L("kmalloc", "ptr=3 bytes_req=20000 bytes_alloc=32768")
		L("kmalloc", "ptr=4 bytes_req=20000 bytes_alloc=32768")
		L("kfree", "ptr=3")
		L("kfree", "ptr=2")
		L("kfree", "ptr=4");
	const enum smm_slab_strategy *s = test->param_value;
	struct smm_instance *inst = smm_test_instance(test, 8, *s);
	struct smm_replay_trace *t = new_trace(test);
	struct smm_replay_result r = { .strategy = *s };
	struct smm_replay_ctx *ctx;

	KUNIT_ASSERT_EQ(test, feed(t, big), 0);
	ctx = new_ctx(test, inst, t);
	KUNIT_ASSERT_EQ(test, smm_replay_slab(ctx, t, &r), 0);
	/* 9000 bytes: order 2 (4 pages); 20000: order 3 (8); peak 4 + 8 + 8 */
	KUNIT_EXPECT_EQ(test, r.peak_pages, 20UL);
	KUNIT_EXPECT_EQ(test, r.peak_live_bytes, 49000UL);
	KUNIT_EXPECT_EQ(test, r.slabs_created, 0UL);
	KUNIT_EXPECT_EQ(test, r.slabs_destroyed, 0UL);
	KUNIT_EXPECT_EQ(test, r.live_end, 0UL);
	KUNIT_EXPECT_EQ(test, r.ops, 8UL);
}

/* The page operations: exact peak, the mismatched free, the samples. */
static void replay_test_pages(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	struct smm_replay_trace *t = new_trace(test);
	struct smm_replay_buddy *br = kunit_kzalloc(test, sizeof(*br), GFP_KERNEL);
	unsigned long free0 = smm_buddy_free_pages(&inst->buddy);
	struct smm_replay_ctx *ctx;

	KUNIT_ASSERT_NOT_NULL(test, br);
	KUNIT_ASSERT_EQ(test, feed(t, stream), 0);
	ctx = new_ctx(test, inst, t);
	KUNIT_ASSERT_EQ(test, smm_replay_pages(ctx, t, 1, br), 0);
	KUNIT_EXPECT_EQ(test, br->ops, 4UL);
	KUNIT_EXPECT_EQ(test, br->failed, 0UL);
	KUNIT_EXPECT_EQ(test, br->peak_pages, 5UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&inst->buddy), free0);
	/* the first sample, then one per page operation */
	KUNIT_ASSERT_EQ(test, br->nr_samples, 5U);
	KUNIT_EXPECT_EQ(test, br->samples[1].op, 7U);
	KUNIT_EXPECT_EQ(test, br->samples[4].op, 10U);
	/* an 8 MiB arena has free order-3 and order-9 blocks */
	KUNIT_EXPECT_EQ(test, br->samples[0].ef3, -1000);
	KUNIT_EXPECT_GE(test, br->samples[0].ui3, 0);
	KUNIT_EXPECT_LT(test, br->samples[0].ui3, 1000);
	KUNIT_EXPECT_EQ(test, smm_replay_host_pages(t, SZ_8M >> PAGE_SHIFT, br), 0);
	KUNIT_EXPECT_EQ(test, br->host_ops, 4UL);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/*
 * kmem_cache_alloc objects larger than the shadow's largest cache are
 * kmalloc()ed on both sides: the host pass makes no kmem_cache of 5 MB
 * (kmem_cache_create() would fail, dumping its stack, and the pass with
 * it) nor of 20000 bytes; the 5 MB object fails on both sides, quietly.
 */
static void replay_test_host_big_objects(struct kunit *test)
{
	static const char big[] =
		L("kmem_cache_alloc", "ptr=1 bytes_req=5000000 bytes_alloc=5000000")
		L("kmem_cache_alloc", "ptr=2 bytes_req=20000 bytes_alloc=20000")
		L("kmem_cache_free", "ptr=2 name=x")
		L("kmem_cache_free", "ptr=1 name=x");
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	struct smm_replay_trace *t = new_trace(test);
	struct smm_replay_result r = { .strategy = SMM_SLAB_SLUB };
	struct smm_replay_ctx *ctx;

	KUNIT_ASSERT_EQ(test, feed(t, big), 0);
	KUNIT_ASSERT_EQ(test, t->nr_caches, 2U);
	KUNIT_EXPECT_EQ(test, smm_replay_host_slab(t, SZ_8M, &r), 0);
	/* two allocations tried, the 5 MB one failed; one free */
	KUNIT_EXPECT_EQ(test, r.host_ops, 3UL);
	KUNIT_EXPECT_EQ(test, r.host_failed, 1UL);
	ctx = new_ctx(test, inst, t);
	KUNIT_ASSERT_EQ(test, smm_replay_slab(ctx, t, &r), 0);
	KUNIT_EXPECT_EQ(test, r.ops, 3UL);
	KUNIT_EXPECT_EQ(test, r.failed, 1UL);
	KUNIT_EXPECT_EQ(test, r.live_end, 0UL);
}

/*
 * The host passes hold no more than they are given (the shadow arena's
 * size), whatever the trace's live set: past it, allocations fail and are
 * counted, and what is freed makes room again.
 */
static void replay_test_host_bound(struct kunit *test)
{
	static const char grow[] =
		L("kmalloc", "ptr=1 bytes_req=3000 bytes_alloc=4096")
		L("kmalloc", "ptr=2 bytes_req=3000 bytes_alloc=4096")
		L("kmalloc", "ptr=3 bytes_req=3000 bytes_alloc=4096")
		L("kfree", "ptr=1")
		L("kmalloc", "ptr=4 bytes_req=3000 bytes_alloc=4096")
		L("mm_page_alloc", "page=1 pfn=0x100 order=2 migratetype=0 gfp_flags=GFP_KERNEL")
		L("mm_page_alloc", "page=1 pfn=0x200 order=2 migratetype=0 gfp_flags=GFP_KERNEL")
		L("mm_page_alloc", "page=1 pfn=0x300 order=2 migratetype=0 gfp_flags=GFP_KERNEL")
		L("mm_page_free", "page=1 pfn=0x100 order=2")
		L("mm_page_alloc", "page=1 pfn=0x400 order=2 migratetype=0 gfp_flags=GFP_KERNEL");
	struct smm_replay_trace *t = new_trace(test);
	struct smm_replay_buddy *br = kunit_kzalloc(test, sizeof(*br), GFP_KERNEL);
	struct smm_replay_result r = {};

	KUNIT_ASSERT_NOT_NULL(test, br);
	KUNIT_ASSERT_EQ(test, feed(t, grow), 0);
	/* 8000 bytes: two of 3000 fit, the third fails; the fourth fits after the free */
	KUNIT_EXPECT_EQ(test, smm_replay_host_slab(t, 8000, &r), 0);
	KUNIT_EXPECT_EQ(test, r.host_ops, 5UL);
	KUNIT_EXPECT_EQ(test, r.host_failed, 1UL);
	/* 10 pages: two order-2 blocks fit, the third fails, the fourth fits */
	KUNIT_EXPECT_EQ(test, smm_replay_host_pages(t, 10, br), 0);
	KUNIT_EXPECT_EQ(test, br->host_ops, 5UL);
	KUNIT_EXPECT_EQ(test, br->host_failed, 1UL);
}

static struct kunit_case replay_test_cases[] = {
	KUNIT_CASE(replay_test_formats_612),
	KUNIT_CASE(replay_test_formats_61),
	KUNIT_CASE(replay_test_split_writes),
	KUNIT_CASE_PARAM(replay_test_malformed, bad_gen_params),
	KUNIT_CASE(replay_test_long_line),
	KUNIT_CASE(replay_test_too_many),
	KUNIT_CASE(replay_test_live_set),
	KUNIT_CASE_PARAM(replay_test_strategy, strategy_gen_params),
	KUNIT_CASE_PARAM(replay_test_peak_exact, strategy_gen_params),
	KUNIT_CASE(replay_test_pages),
	KUNIT_CASE(replay_test_host_big_objects),
	KUNIT_CASE(replay_test_host_bound),
	{}
};

static struct kunit_suite replay_test_suite = {
	.name = "shadow_mm_replay",
	.test_cases = replay_test_cases,
};

kunit_test_suite(replay_test_suite);
