// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm bring-up timeline.
 */

/**
 * DOC: bring-up timeline
 *
 * Every stage of an instance's bring-up records when it started, how long it
 * took and one line on what it produced.  Read in order, the records replay
 * the boot sequence of i386_start_kernel(), setup_arch() and start_kernel()
 * in 2.6.29: the firmware hands over memory (our arena), setup_memory_map()
 * prints the e820 map, the early_res table starts, the kernel image sits
 * where the loader put it (static allocation, "TEXT DATA BSS", and the
 * temporary page table, "INIT_PG_TABLE"), sparse_init() places the mem_map,
 * init_memory_mapping() maps low memory with tables reserved as "PGTABLE",
 * setup_bootmem_allocator() sets up bootmem and early_res_to_bootmem()
 * carries the reservations into it, paging_init() makes the pkmap and
 * kmap_local tables from bootmem, zone_sizes_init() sizes the zones,
 * mem_init() hands the free low pages to the buddy allocator
 * (free_all_bootmem()) and the HighMem pages one by one
 * (set_highmem_pages_init()) and prints its banner, kmem_cache_init()
 * bootstraps the slab allocator, and vmalloc_init() the vmalloc space.
 *
 * The 6.12 bring-up (bringup=6.12, see bringup_612.c) runs other stages,
 * and some of the same ones under their modern kernel names:
 * early_reserve_memory() reserves the kernel image in memblock before the
 * e820 map is read, e820__memblock_setup() fills memblock.memory,
 * init_mem_mapping() maps all memory with tables from memblock, sparse_init()
 * takes the mem_map from memblock, free_area_init() sizes the zones and
 * initialises only the first part of the highest one, setup_per_cpu_areas()
 * takes the per-CPU first chunk, memblock_free_all() hands the free pages
 * over, kmem_cache_init() and vmalloc_init() follow, and last the
 * deferred_init_memmap() threads initialise and free the rest.  The table
 * shows the stages in the order they ran.
 *
 * A stage may record steps: the kernel functions it is made of, each with
 * its own time and result, shown indented under the stage.  The timeline
 * is shown in debugfs ``bringup`` and summarised in dmesg when an instance
 * comes up.
 */

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "timeline.h"
#include "trace.h"

static const char *const stage_names[] = {
	[SMM_STAGE_ARENA]	= "arena",
	[SMM_STAGE_E820]	= "e820",
	[SMM_STAGE_EARLY]	= "early",
	[SMM_STAGE_STATIC]	= "static",
	[SMM_STAGE_MEMMAP]	= "memmap",
	[SMM_STAGE_PGTABLE]	= "pgtable",
	[SMM_STAGE_BOOTMEM]	= "bootmem",
	[SMM_STAGE_EARLYRES]	= "earlyres",
	[SMM_STAGE_KMAP]	= "kmap",
	[SMM_STAGE_ZONES]	= "zones",
	[SMM_STAGE_HANDOFF]	= "handoff",
	[SMM_STAGE_SLAB]	= "slab",
	[SMM_STAGE_VMALLOC]	= "vmalloc",
	[SMM_STAGE_MEMBLOCK]	= "memblock",
	[SMM_STAGE_PERCPU]	= "percpu",
	[SMM_STAGE_DEFERRED]	= "deferred",
};

static_assert(ARRAY_SIZE(stage_names) == SMM_STAGE_NR);

/* The kernel function each stage replays, for readers of the boot code. */
static const char *const stage_kernel_names[SMM_ERA_NR][SMM_STAGE_NR] = {
	[SMM_ERA_2629] = {
	[SMM_STAGE_ARENA]	= "(firmware)",
	[SMM_STAGE_E820]	= "setup_memory_map",
	[SMM_STAGE_EARLY]	= "early_res",
	[SMM_STAGE_STATIC]	= "i386_start_kernel",
	[SMM_STAGE_MEMMAP]	= "sparse_init",
	[SMM_STAGE_PGTABLE]	= "init_memory_mapping",
	[SMM_STAGE_BOOTMEM]	= "setup_bootmem_allocator",
	[SMM_STAGE_EARLYRES]	= "early_res_to_bootmem",
	[SMM_STAGE_KMAP]	= "paging_init",
	[SMM_STAGE_ZONES]	= "zone_sizes_init",
	[SMM_STAGE_HANDOFF]	= "mem_init",
	[SMM_STAGE_SLAB]	= "kmem_cache_init",
	[SMM_STAGE_VMALLOC]	= "vmalloc_init",
	},
	[SMM_ERA_612] = {
	[SMM_STAGE_ARENA]	= "(firmware)",
	[SMM_STAGE_E820]	= "e820__memory_setup",
	[SMM_STAGE_STATIC]	= "early_reserve_memory",
	[SMM_STAGE_MEMBLOCK]	= "e820__memblock_setup",
	[SMM_STAGE_PGTABLE]	= "init_mem_mapping",
	[SMM_STAGE_MEMMAP]	= "sparse_init",
	[SMM_STAGE_ZONES]	= "free_area_init",
	[SMM_STAGE_PERCPU]	= "setup_per_cpu_areas",
	[SMM_STAGE_HANDOFF]	= "memblock_free_all",
	[SMM_STAGE_SLAB]	= "kmem_cache_init",
	[SMM_STAGE_VMALLOC]	= "vmalloc_init",
	[SMM_STAGE_DEFERRED]	= "deferred_init_memmap",
	},
};

/**
 * smm_stage_name() - short name of a stage
 * @stage: the stage
 *
 * Return: a static string, "?" for an unknown stage.
 */
const char *smm_stage_name(enum smm_stage stage)
{
	return stage < SMM_STAGE_NR ? stage_names[stage] : "?";
}

/**
 * smm_stage_kernel_name() - the kernel function a stage replays
 * @era: whose kernel
 * @stage: the stage
 *
 * Return: a static string, "?" for an unknown stage or one the era does
 * not run.
 */
const char *smm_stage_kernel_name(enum smm_era era, enum smm_stage stage)
{
	const char *name = era < SMM_ERA_NR && stage < SMM_STAGE_NR ?
			   stage_kernel_names[era][stage] : NULL;

	return name ?: "?";
}

/**
 * smm_timeline_init() - start a timeline
 * @tl: the timeline
 * @era: whose bring-up it records
 *
 * Context: any; does not sleep.
 */
void smm_timeline_init(struct smm_timeline *tl, enum smm_era era)
{
	memset(tl, 0, sizeof(*tl));
	tl->era = era;
	tl->origin = ktime_get();
	tl->cur = SMM_STAGE_NR;
}

/**
 * smm_timeline_begin() - a stage starts
 * @tl: the timeline
 * @stage: the stage
 *
 * Context: the thread building the instance; does not sleep.
 */
void smm_timeline_begin(struct smm_timeline *tl, enum smm_stage stage)
{
	unsigned int i;

	if (WARN_ON_ONCE(stage >= SMM_STAGE_NR))
		return;
	for (i = 0; i < tl->nr_seq && tl->seq[i] != stage; i++)
		;
	if (i == tl->nr_seq && i < SMM_STAGE_NR)
		tl->seq[tl->nr_seq++] = stage;
	tl->cur = stage;
	tl->cur_start = ktime_get();
	tl->step_start = tl->cur_start;
	tl->recs[stage].start_ns = ktime_to_ns(ktime_sub(tl->cur_start, tl->origin));
	trace_smm_bringup_stage_begin(tl, stage);
}

/**
 * smm_timeline_end() - the stage begun last has completed
 * @tl: the timeline
 * @fmt: printf format of the one-line result
 *
 * Context: the thread building the instance; does not sleep.
 */
void smm_timeline_end(struct smm_timeline *tl, const char *fmt, ...)
{
	struct smm_stage_rec *rec;
	va_list args;

	if (WARN_ON_ONCE(tl->cur >= SMM_STAGE_NR))
		return;
	rec = &tl->recs[tl->cur];
	rec->duration_ns = ktime_to_ns(ktime_sub(ktime_get(), tl->cur_start));
	va_start(args, fmt);
	vscnprintf(rec->result, sizeof(rec->result), fmt, args);
	va_end(args);
	rec->done = true;
	trace_smm_bringup_stage_end(tl, tl->cur);
	tl->cur = SMM_STAGE_NR;
}

/**
 * smm_timeline_step_begin() - a step of the current stage starts
 * @tl: the timeline, or NULL (nothing is recorded)
 *
 * Context: the thread building the instance; does not sleep.
 */
void smm_timeline_step_begin(struct smm_timeline *tl)
{
	if (tl)
		tl->step_start = ktime_get();
}

/**
 * smm_timeline_step_end() - the step begun last has completed
 * @tl: the timeline, or NULL (nothing is recorded)
 * @name: the kernel function the step replays
 * @fmt: printf format of the one-line result
 *
 * A step with no smm_timeline_step_begin() since the last step (or since
 * its stage began) is timed from that point.  Steps beyond
 * %SMM_TIMELINE_MAX_STEPS are counted in &smm_timeline.dropped_steps.
 *
 * Context: the thread building the instance; does not sleep.
 */
void smm_timeline_step_end(struct smm_timeline *tl, const char *name, const char *fmt, ...)
{
	struct smm_step_rec *rec;
	ktime_t now = ktime_get();
	va_list args;

	if (!tl || WARN_ON_ONCE(tl->cur >= SMM_STAGE_NR))
		return;
	if (tl->nr_steps == SMM_TIMELINE_MAX_STEPS) {
		tl->dropped_steps++;
		tl->step_start = now;
		return;
	}
	rec = &tl->steps[tl->nr_steps++];
	rec->stage = tl->cur;
	rec->start_ns = ktime_to_ns(ktime_sub(tl->step_start, tl->origin));
	rec->duration_ns = ktime_to_ns(ktime_sub(now, tl->step_start));
	strscpy(rec->name, name, sizeof(rec->name));
	va_start(args, fmt);
	vscnprintf(rec->result, sizeof(rec->result), fmt, args);
	va_end(args);
	tl->step_start = now;
}

/**
 * smm_timeline_total_ns() - time spent in completed stages
 * @tl: the timeline
 *
 * Return: the sum of the durations of the completed stages, in ns.
 */
u64 smm_timeline_total_ns(const struct smm_timeline *tl)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < SMM_STAGE_NR; i++)
		if (tl->recs[i].done)
			sum += tl->recs[i].duration_ns;
	return sum;
}

/**
 * smm_timeline_show() - print the timeline as a table
 * @m: the seq_file
 * @tl: the timeline
 *
 * Context: process context.
 */
void smm_timeline_show(struct seq_file *m, const struct smm_timeline *tl)
{
	unsigned int j, k;

	seq_printf(m, "%-8s %-24s %12s %12s  %s\n",
		   "stage", "kernel", "start_ns", "duration_ns", "result");
	for (k = 0; k < tl->nr_seq; k++) {
		const unsigned int i = tl->seq[k];
		const struct smm_stage_rec *rec = &tl->recs[i];

		if (!rec->done)
			continue;
		seq_printf(m, "%-8s %-24s %12llu %12llu  %s\n",
			   stage_names[i], smm_stage_kernel_name(tl->era, i),
			   rec->start_ns, rec->duration_ns, rec->result);
		for (j = 0; j < tl->nr_steps; j++) {
			const struct smm_step_rec *st = &tl->steps[j];

			if (st->stage == i)
				seq_printf(m, "%-8s  %-23s %12llu %12llu  %s\n", "", st->name,
					   st->start_ns, st->duration_ns, st->result);
		}
	}
	if (tl->dropped_steps)
		seq_printf(m, "%u steps not recorded (table full)\n", tl->dropped_steps);
	seq_printf(m, "total %llu ns\n", smm_timeline_total_ns(tl));
}

/**
 * smm_timeline_log() - summarise the timeline in the kernel log
 * @tl: the timeline
 * @instance: the instance's name
 *
 * Context: any.
 */
void smm_timeline_log(const struct smm_timeline *tl, const char *instance)
{
	unsigned int j, k;

	for (k = 0; k < tl->nr_seq; k++) {
		const unsigned int i = tl->seq[k];
		const struct smm_stage_rec *rec = &tl->recs[i];

		if (!rec->done)
			continue;
		pr_info("shadow_mm: %s: %-8s %-23s %9llu ns  %s\n",
			instance, stage_names[i], smm_stage_kernel_name(tl->era, i),
			rec->duration_ns, rec->result);
		for (j = 0; j < tl->nr_steps; j++) {
			const struct smm_step_rec *st = &tl->steps[j];

			if (st->stage == i)
				pr_info("shadow_mm: %s: %-8s  %-22s %9llu ns  %s\n",
					instance, "", st->name, st->duration_ns, st->result);
		}
	}
	pr_info("shadow_mm: %s: bring-up took %llu ns\n", instance,
		smm_timeline_total_ns(tl));
}
