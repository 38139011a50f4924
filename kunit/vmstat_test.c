// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_vmstat": the event counters and the reclaim
 * tunables.
 *
 * The per-CPU counters sum over every CPU and keep their /proc/vmstat
 * names; the watermark sysctls recompute each zone's min, low and high
 * exactly as __setup_per_zone_wmarks() does (checked against numbers
 * worked out by hand), refuse what the zones cannot keep without changing
 * anything, and stay consistent under two racing writers.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/control.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/vmstat.h"

KUNIT_DEFINE_ACTION_WRAPPER(vmstat_destroy_action, smm_vmstat_destroy, struct smm_vmstat *);
KUNIT_DEFINE_ACTION_WRAPPER(buddy_destroy_action, smm_buddy_destroy, struct smm_buddy *);

/*
 * Each possible CPU's counter holds its own value; the sum is all of
 * them, for every item, and an item's sum does not see its neighbours.
 * A count on the local CPU adds exactly its amount.
 */
static void vmstat_test_sum_across_cpus(struct kunit *test)
{
	struct smm_vmstat *vs = kunit_kzalloc(test, sizeof(*vs), GFP_KERNEL);
	unsigned long want[SMM_NR_VM_EVENT_ITEMS] = { 0 };
	unsigned int i;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, vs);
	KUNIT_ASSERT_EQ(test, smm_vmstat_init(vs), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, vmstat_destroy_action, vs), 0);

	for (i = 0; i < SMM_NR_VM_EVENT_ITEMS; i++)
		KUNIT_EXPECT_EQ_MSG(test, smm_vm_events_sum(vs, i), 0UL, "%s starts at 0",
				    smm_vm_event_name(i));

	for_each_possible_cpu(cpu) {
		for (i = 0; i < SMM_NR_VM_EVENT_ITEMS; i++) {
			/* Distinct per CPU and item, so a sum that skips one shows. */
			unsigned long n = 1000UL * (cpu + 1) + i;

			per_cpu_ptr(vs->events, cpu)->n[i] = n;
			want[i] += n;
		}
	}
	for (i = 0; i < SMM_NR_VM_EVENT_ITEMS; i++)
		KUNIT_EXPECT_EQ_MSG(test, smm_vm_events_sum(vs, i), want[i], "%s",
				    smm_vm_event_name(i));

	smm_count_vm_event(vs, SMM_PGFAULT);
	smm_count_vm_events(vs, SMM_PSWPOUT, 37);
	KUNIT_EXPECT_EQ(test, smm_vm_events_sum(vs, SMM_PGFAULT), want[SMM_PGFAULT] + 1);
	KUNIT_EXPECT_EQ(test, smm_vm_events_sum(vs, SMM_PSWPOUT), want[SMM_PSWPOUT] + 37);
	KUNIT_EXPECT_EQ(test, smm_vm_events_sum(vs, SMM_PSWPIN), want[SMM_PSWPIN]);
	KUNIT_EXPECT_EQ(test, smm_vm_events_sum(vs, SMM_NR_VM_EVENT_ITEMS), 0UL);
	kunit_info(test, "%u possible CPUs, pgfault sums to %lu\n", num_possible_cpus(),
		   smm_vm_events_sum(vs, SMM_PGFAULT));
}

/* An instance has its counters from the start, all zero. */
static void vmstat_test_instance_counters(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, !!inst->vmstat.events);
	for (i = 0; i < SMM_NR_VM_EVENT_ITEMS; i++)
		KUNIT_EXPECT_EQ_MSG(test, smm_vm_events_sum(&inst->vmstat, i), 0UL, "%s",
				    smm_vm_event_name(i));
	smm_count_vm_event(&inst->vmstat, SMM_COW_FAULT);
	KUNIT_EXPECT_EQ(test, smm_vm_events_sum(&inst->vmstat, SMM_COW_FAULT), 1UL);
}

/* The names of mm/vmstat.c's vmstat_text[], and our cow_fault. */
static void vmstat_test_names(struct kunit *test)
{
	static const char *const names[] = {
		[SMM_PGFAULT]		= "pgfault",
		[SMM_PGMAJFAULT]	= "pgmajfault",
		[SMM_PSWPIN]		= "pswpin",
		[SMM_PSWPOUT]		= "pswpout",
		[SMM_PGSCAN_KSWAPD]	= "pgscan_kswapd",
		[SMM_PGSCAN_DIRECT]	= "pgscan_direct",
		[SMM_PGSTEAL_KSWAPD]	= "pgsteal_kswapd",
		[SMM_PGSTEAL_DIRECT]	= "pgsteal_direct",
		[SMM_PGACTIVATE]	= "pgactivate",
		[SMM_PGDEACTIVATE]	= "pgdeactivate",
		[SMM_ALLOCSTALL]	= "allocstall",
		[SMM_COW_FAULT]		= "cow_fault",
		[SMM_PGMIGRATE_SUCCESS]	= "pgmigrate_success",
		[SMM_PGMIGRATE_FAIL]	= "pgmigrate_fail",
		[SMM_COMPACT_MIGRATE_SCANNED] = "compact_migrate_scanned",
		[SMM_COMPACT_FREE_SCANNED] = "compact_free_scanned",
		[SMM_COMPACT_ISOLATED]	= "compact_isolated",
		[SMM_COMPACT_STALL]	= "compact_stall",
		[SMM_COMPACT_FAIL]	= "compact_fail",
		[SMM_COMPACT_SUCCESS]	= "compact_success",
	};
	unsigned int i, j;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(names), (size_t)SMM_NR_VM_EVENT_ITEMS);
	for (i = 0; i < SMM_NR_VM_EVENT_ITEMS; i++) {
		KUNIT_EXPECT_STREQ(test, smm_vm_event_name(i), names[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, smm_vm_event_name(i), smm_vm_event_name(j));
	}
	KUNIT_EXPECT_STREQ(test, smm_vm_event_name(SMM_NR_VM_EVENT_ITEMS), "?");
}

/*
 * A bare allocator whose zones manage made-up numbers of pages, so that
 * the watermarks can be worked out by hand: DMA 3000, Normal 200000,
 * HighMem 30000 pages (4 KiB pages).  No page is ever handed over; only
 * the sizes matter to the watermarks.
 */
static const unsigned long fake_managed[SMM_NR_ZONES] = {
	[SMM_ZONE_DMA] = 3000, [SMM_ZONE_NORMAL] = 200000, [SMM_ZONE_HIGHMEM] = 30000,
};

static struct smm_buddy *fake_buddy(struct kunit *test)
{
	static const struct smm_chunk chunks[] = { { .host_pfn = 0x10000, .order = 10 } };
	struct smm_arena *a = smm_test_fake_arena(test, chunks, ARRAY_SIZE(chunks));
	struct smm_buddy *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	bool *broken = kunit_kzalloc(test, sizeof(*broken), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, broken);
	KUNIT_ASSERT_EQ(test, smm_buddy_init(b, a, broken, SMM_MAX_ORDER_DEFAULT, SMM_ERA_2629,
					     (const unsigned long[SMM_NR_ZONES]) {
						256, 256, 768, max(a->end_pfn, 768UL),
						max(a->end_pfn, 768UL),
					     }), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buddy_destroy_action, b), 0);
	for (i = 0; i < SMM_NR_ZONES; i++)
		b->zones[i].managed_pages = fake_managed[i];
	return b;
}

static void expect_wmarks(struct kunit *test, const struct smm_buddy *b,
			  const unsigned long want[SMM_NR_ZONES][SMM_NR_WMARK], const char *step)
{
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		const struct smm_zone *z = &b->zones[i];
		const struct smm_pcp *pcp = per_cpu_ptr(z->pcp, 0);
		/* zone_highsize(): the per-CPU lists' lower bound follows the low mark. */
		unsigned long high_min = max(want[i][SMM_WMARK_LOW] / num_online_cpus(),
					     4UL * pcp->batch);

		KUNIT_EXPECT_EQ_MSG(test, z->wmark[SMM_WMARK_MIN], want[i][SMM_WMARK_MIN],
				    "%s: %s min", step, z->name);
		KUNIT_EXPECT_EQ_MSG(test, z->wmark[SMM_WMARK_LOW], want[i][SMM_WMARK_LOW],
				    "%s: %s low", step, z->name);
		KUNIT_EXPECT_EQ_MSG(test, z->wmark[SMM_WMARK_HIGH], want[i][SMM_WMARK_HIGH],
				    "%s: %s high", step, z->name);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned long)pcp->high_min, high_min,
				    "%s: %s high_min", step, z->name);
		/* clamp() gives high_max the last word when the bounds cross. */
		KUNIT_EXPECT_GE_MSG(test, pcp->high, min(pcp->high_min, pcp->high_max),
				    "%s: %s", step, z->name);
		KUNIT_EXPECT_LE_MSG(test, pcp->high, max(pcp->high_min, pcp->high_max),
				    "%s: %s", step, z->name);
	}
}

/*
 * The watermarks for known tunables, against numbers worked out by hand.
 * Low memory is 3000 + 200000 = 203000 pages = 812000 KiB.
 *
 * Bring-up: min_free_kbytes = int_sqrt(812000 * 16) = 3604 (3604^2 =
 * 12988816 <= 12992000 < 3605^2), pages_min = 901.  Shares 901 * managed /
 * 203000: DMA 13, Normal 887, HighMem 133.  Gaps max(share / 4, managed *
 * 10 / 10000): DMA max(3, 3) = 3, Normal max(221, 200) = 221, HighMem
 * max(33, 30) = 33; HighMem's min is clamp(30000 / 1024, 32, 128) = 32.
 *
 * min_free_kbytes=16384: pages_min 4096; shares DMA 60, Normal 4035,
 * HighMem 605; gaps 15, 1008, 151.
 *
 * Then watermark_scale_factor=200 (2%): gaps max(share / 4, 2% of the
 * zone): DMA max(15, 60) = 60, Normal max(1008, 4000) = 4000, HighMem
 * max(151, 600) = 600.
 *
 * Then min_free_kbytes=262144 (the cap) with watermark_scale_factor=3000:
 * pages_min 65536; shares DMA 968, Normal 64567, HighMem 9685; gaps
 * max(242, 900) = 900, max(16141, 60000) = 60000, max(2421, 9000) = 9000.
 */
static void vmstat_test_wmark_recompute(struct kunit *test)
{
	static const unsigned long boot[SMM_NR_ZONES][SMM_NR_WMARK] = {
		[SMM_ZONE_DMA] = { 13, 16, 19 }, [SMM_ZONE_NORMAL] = { 887, 1108, 1329 },
		[SMM_ZONE_HIGHMEM] = { 32, 65, 98 },
	};
	static const unsigned long mfk16384[SMM_NR_ZONES][SMM_NR_WMARK] = {
		[SMM_ZONE_DMA] = { 60, 75, 90 }, [SMM_ZONE_NORMAL] = { 4035, 5043, 6051 },
		[SMM_ZONE_HIGHMEM] = { 32, 183, 334 },
	};
	static const unsigned long wsf200[SMM_NR_ZONES][SMM_NR_WMARK] = {
		[SMM_ZONE_DMA] = { 60, 120, 180 }, [SMM_ZONE_NORMAL] = { 4035, 8035, 12035 },
		[SMM_ZONE_HIGHMEM] = { 32, 632, 1232 },
	};
	static const unsigned long cap[SMM_NR_ZONES][SMM_NR_WMARK] = {
		[SMM_ZONE_DMA] = { 968, 1868, 2768 }, [SMM_ZONE_NORMAL] = { 64567, 124567, 184567 },
		[SMM_ZONE_HIGHMEM] = { 32, 9032, 18032 },
	};
	struct smm_buddy *b;

	if (PAGE_SIZE != SZ_4K)
		kunit_skip(test, "the numbers are worked out for 4 KiB pages");
	b = fake_buddy(test);

	smm_buddy_setup_watermarks(b);
	KUNIT_EXPECT_EQ(test, b->lowmem_pages, 203000UL);
	KUNIT_EXPECT_EQ(test, b->min_free_kbytes, 3604UL);
	KUNIT_EXPECT_EQ(test, b->watermark_scale_factor, 10U);
	expect_wmarks(test, b, boot, "bring-up");

	KUNIT_EXPECT_EQ(test, smm_buddy_tune_watermarks(b, &(unsigned long){ 16384 }, NULL), 0);
	KUNIT_EXPECT_EQ(test, b->min_free_kbytes, 16384UL);
	KUNIT_EXPECT_EQ(test, b->watermark_scale_factor, 10U);
	expect_wmarks(test, b, mfk16384, "min_free_kbytes=16384");

	KUNIT_EXPECT_EQ(test, smm_buddy_tune_watermarks(b, NULL, &(unsigned int){ 200 }), 0);
	KUNIT_EXPECT_EQ(test, b->min_free_kbytes, 16384UL);
	KUNIT_EXPECT_EQ(test, b->watermark_scale_factor, 200U);
	expect_wmarks(test, b, wsf200, "watermark_scale_factor=200");

	KUNIT_EXPECT_EQ(test, smm_buddy_tune_watermarks(b, &(unsigned long){ 262144 },
							&(unsigned int){ 3000 }), 0);
	expect_wmarks(test, b, cap, "min_free_kbytes=262144 watermark_scale_factor=3000");

	/* And back: the marks depend on the values only, not on the history. */
	KUNIT_EXPECT_EQ(test, smm_buddy_tune_watermarks(b, &(unsigned long){ 3604 },
							&(unsigned int){ 10 }), 0);
	expect_wmarks(test, b, boot, "back to the defaults");
}

/* Everything a refused write must leave alone. */
struct tunables_snap {
	unsigned long wmark[SMM_NR_ZONES][SMM_NR_WMARK];
	int high_min[SMM_NR_ZONES], high_max[SMM_NR_ZONES], batch[SMM_NR_ZONES];
	unsigned long min_free_kbytes;
	unsigned int watermark_scale_factor;
	unsigned int swappiness;
};

static void snap(struct smm_instance *inst, struct tunables_snap *s)
{
	int i, w;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < SMM_NR_ZONES; i++) {
		const struct smm_zone *z = &inst->buddy.zones[i];
		const struct smm_pcp *pcp = per_cpu_ptr(z->pcp, 0);

		for (w = 0; w < SMM_NR_WMARK; w++)
			s->wmark[i][w] = z->wmark[w];
		s->high_min[i] = pcp->high_min;
		s->high_max[i] = pcp->high_max;
		s->batch[i] = pcp->batch;
	}
	s->min_free_kbytes = inst->buddy.min_free_kbytes;
	s->watermark_scale_factor = inst->buddy.watermark_scale_factor;
	s->swappiness = inst->vmscan.swappiness;
}

/*
 * Bad values, through the control file and directly, are refused with the
 * right errno, and leave the watermarks, the per-CPU bounds and all three
 * tunables as they were, even when another key of the same command was
 * good.  A good command afterwards changes all of them, so the comparison
 * would see a change.
 */
static void vmstat_test_sysctl_refused(struct kunit *test)
{
	static const struct {
		const char *cmd;
		int ret;
	} bad[] = {
		{ "sysctl", -EINVAL },
		{ "sysctl swappiness=", -EINVAL },
		{ "sysctl swappiness=abc", -EINVAL },
		{ "sysctl swappiness=-1", -EINVAL },
		{ "sysctl swappiness=201", -ERANGE },
		{ "sysctl watermark_scale_factor=0", -ERANGE },
		{ "sysctl watermark_scale_factor=3001", -ERANGE },
		{ "sysctl min_free_kbytes=262145", -ERANGE },
		{ "sysctl min_free_kbytes=4294967296", -ERANGE },
		/* 64 MiB of reserve in an 8 MiB arena */
		{ "sysctl min_free_kbytes=65536", -ERANGE },
		{ "sysctl swappiness=7 min_free_kbytes=65536", -ERANGE },
		{ "sysctl swappiness=7 watermark_scale_factor=0", -ERANGE },
		/* 30% gaps on top of a large reserve leave no zone its high mark */
		{ "sysctl min_free_kbytes=4096 watermark_scale_factor=3000", -ERANGE },
		{ "sysctl swappiness=7 swappiness=8", -EINVAL },
		{ "sysctl order=1", -EINVAL },
		{ "sysctl swappiness=7 tag=x", -EINVAL },
		{ "sysctl vm.swappiness=7", -EINVAL },
	};
	static const char good[] =
		"sysctl swappiness=7 min_free_kbytes=1024 watermark_scale_factor=100";
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	struct tunables_snap before, after;
	unsigned int i;

	/* The lead's vmscan init sets the default; stand in for it here. */
	inst->vmscan.swappiness = SMM_SWAPPINESS_DEFAULT;
	snap(inst, &before);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_control_exec(inst, bad[i].cmd), bad[i].ret, "'%s'",
				    bad[i].cmd);
		snap(inst, &after);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&before, &after, sizeof(before)), 0,
				    "'%s' changed something", bad[i].cmd);
	}
	KUNIT_EXPECT_EQ(test, smm_buddy_tune_watermarks(&inst->buddy,
							&(unsigned long){ 262145 }, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, smm_buddy_tune_watermarks(&inst->buddy, NULL,
							&(unsigned int){ 0 }), -ERANGE);
	KUNIT_EXPECT_EQ(test, smm_buddy_tune_watermarks(&inst->buddy, &(unsigned long){ 1024 },
							&(unsigned int){ 3001 }), -ERANGE);
	snap(inst, &after);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);

	KUNIT_ASSERT_EQ(test, smm_control_exec(inst, good), 0);
	snap(inst, &after);
	KUNIT_EXPECT_EQ(test, after.swappiness, 7U);
	KUNIT_EXPECT_EQ(test, after.min_free_kbytes, 1024UL);
	KUNIT_EXPECT_EQ(test, after.watermark_scale_factor, 100U);
	for (i = 0; i < SMM_NR_ZONES; i++)
		if (inst->buddy.zones[i].managed_pages)
			KUNIT_EXPECT_NE_MSG(test, after.wmark[i][SMM_WMARK_HIGH],
					    before.wmark[i][SMM_WMARK_HIGH], "%s",
					    inst->buddy.zones[i].name);
	kunit_info(test, "min_free_kbytes %lu -> 1024: Normal min/low/high %lu/%lu/%lu -> %lu/%lu/%lu\n",
		   before.min_free_kbytes, before.wmark[SMM_ZONE_NORMAL][0],
		   before.wmark[SMM_ZONE_NORMAL][1], before.wmark[SMM_ZONE_NORMAL][2],
		   after.wmark[SMM_ZONE_NORMAL][0], after.wmark[SMM_ZONE_NORMAL][1],
		   after.wmark[SMM_ZONE_NORMAL][2]);
	/* A write of swappiness alone leaves the watermarks. */
	KUNIT_ASSERT_EQ(test, smm_control_exec(inst, "sysctl swappiness=200"), 0);
	snap(inst, &before);
	KUNIT_EXPECT_EQ(test, before.swappiness, 200U);
	before.swappiness = after.swappiness;
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);
}

/* __setup_per_zone_wmarks() in the test's own words, for any zones. */
static void formula(const struct smm_buddy *b, unsigned long kbytes, unsigned int factor,
		    unsigned long want[SMM_NR_ZONES][SMM_NR_WMARK])
{
	unsigned long pages_min = kbytes / (PAGE_SIZE / 1024);
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		unsigned long managed = b->zones[i].managed_pages;
		unsigned long share = div64_u64((u64)pages_min * managed, b->lowmem_pages);
		unsigned long min = i == SMM_ZONE_HIGHMEM ? clamp(managed / 1024, 32UL, 128UL) :
			share;
		unsigned long gap = max(share / 4, managed * factor / 10000);

		if (!managed)
			min = 0;
		want[i][SMM_WMARK_MIN] = min;
		want[i][SMM_WMARK_LOW] = min + gap;
		want[i][SMM_WMARK_HIGH] = min + 2 * gap;
	}
}

struct racer {
	struct smm_buddy *b;
	unsigned long kbytes;
	unsigned int factor;
	int errors;
	struct completion done;
};

static int racer_fn(void *arg)
{
	struct racer *r = arg;
	int i;

	for (i = 0; i < 2000; i++) {
		if (smm_buddy_tune_watermarks(r->b, &r->kbytes, &r->factor))
			r->errors++;
		if (!(i % 64))
			cond_resched();
	}
	kthread_complete_and_exit(&r->done, 0);
}

/*
 * Two writers, each setting both tunables to its own pair, thousands of
 * times at once.  Whichever wins, the watermarks and the per-CPU bounds
 * must be those of one pair, the pair the tunables show: never one
 * writer's min_free_kbytes with the other's marks.
 */
static void vmstat_test_sysctl_race(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLUB);
	struct smm_buddy *b = &inst->buddy;
	struct racer r[2] = {
		{ .b = b, .kbytes = 256, .factor = 10 },
		{ .b = b, .kbytes = 1024, .factor = 400 },
	};
	unsigned long want[SMM_NR_ZONES][SMM_NR_WMARK];
	struct task_struct *t;
	int n, i;

	for (n = 0; n < 2; n++) {
		init_completion(&r[n].done);
		t = kthread_run(racer_fn, &r[n], "smm_kunit/wm%d", n);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	}
	for (n = 0; n < 2; n++) {
		wait_for_completion(&r[n].done);
		KUNIT_EXPECT_EQ(test, r[n].errors, 0);
	}
	n = b->min_free_kbytes == r[1].kbytes;
	KUNIT_EXPECT_EQ(test, b->min_free_kbytes, r[n].kbytes);
	KUNIT_EXPECT_EQ(test, b->watermark_scale_factor, r[n].factor);
	formula(b, b->min_free_kbytes, b->watermark_scale_factor, want);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		const struct smm_zone *z = &b->zones[i];
		int cpu;

		KUNIT_EXPECT_EQ_MSG(test, z->wmark[SMM_WMARK_MIN], want[i][SMM_WMARK_MIN], "%s",
				    z->name);
		KUNIT_EXPECT_EQ_MSG(test, z->wmark[SMM_WMARK_LOW], want[i][SMM_WMARK_LOW], "%s",
				    z->name);
		KUNIT_EXPECT_EQ_MSG(test, z->wmark[SMM_WMARK_HIGH], want[i][SMM_WMARK_HIGH], "%s",
				    z->name);
		for_each_possible_cpu(cpu) {
			const struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);
			unsigned long high_min = max(want[i][SMM_WMARK_LOW] / num_online_cpus(),
						     4UL * pcp->batch);

			KUNIT_EXPECT_EQ_MSG(test, (unsigned long)pcp->high_min, high_min,
					    "%s cpu %d", z->name, cpu);
		}
	}
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	kunit_info(test, "the last writer set min_free_kbytes=%lu watermark_scale_factor=%u\n",
		   b->min_free_kbytes, b->watermark_scale_factor);
}

static struct kunit_case vmstat_test_cases[] = {
	KUNIT_CASE(vmstat_test_sum_across_cpus),
	KUNIT_CASE(vmstat_test_instance_counters),
	KUNIT_CASE(vmstat_test_names),
	KUNIT_CASE(vmstat_test_wmark_recompute),
	KUNIT_CASE(vmstat_test_sysctl_refused),
	KUNIT_CASE(vmstat_test_sysctl_race),
	{}
};

static struct kunit_suite vmstat_test_suite = {
	.name = "shadow_mm_vmstat",
	.test_cases = vmstat_test_cases,
};

kunit_test_suite(vmstat_test_suite);
