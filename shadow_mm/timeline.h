/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_TIMELINE_H
#define _SHADOW_MM_TIMELINE_H

#include <linux/build_bug.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "common.h"

/**
 * enum smm_stage - the bring-up stages, in the order they run
 * @SMM_STAGE_ARENA: real pages taken from the host (the "firmware")
 * @SMM_STAGE_E820: the synthetic BIOS map is built and sanitized
 * @SMM_STAGE_EARLY: the early reservation table is set up
 * @SMM_STAGE_STATIC: the kernel image and its temporary page table are
 *	placed and reserved (static allocation)
 * @SMM_STAGE_MEMMAP: the page descriptors are placed and initialised
 * @SMM_STAGE_PGTABLE: init_memory_mapping(): the direct map of low memory,
 *	its tables from find_early_table_space(), reserved as "PGTABLE"
 * @SMM_STAGE_BOOTMEM: the bootmem bitmap is set up over low memory
 * @SMM_STAGE_EARLYRES: early_res_to_bootmem(): every early reservation
 *	is carried into bootmem with its label
 * @SMM_STAGE_KMAP: paging_init(): the pkmap and kmap_local windows get
 *	their page tables from bootmem
 * @SMM_STAGE_ZONES: the zones are sized and their buddy allocators set up
 * @SMM_STAGE_HANDOFF: mem_init(): free_all_bootmem() gives the free low
 *	pages to the buddy, set_highmem_pages_init() the HighMem pages
 * @SMM_STAGE_SLAB: the slab allocator and its kmalloc caches come up
 * @SMM_STAGE_VMALLOC: the shadow vmalloc space is set up
 * @SMM_STAGE_MEMBLOCK: e820__memblock_setup(): memblock.memory from the
 *	e820 map (6.12 only)
 * @SMM_STAGE_PERCPU: setup_per_cpu_areas(): the first chunk, from memblock
 *	(6.12 only)
 * @SMM_STAGE_DEFERRED: deferred_init_memmap(): the rest of the mem_map,
 *	by kthreads, freed to the buddy allocator as it goes (6.12 only)
 * @SMM_STAGE_NR: number of stages
 *
 * The short names (smm_stage_name()) are the bench's row names and stay
 * as they were when a stage's kernel function changed.
 */
enum smm_stage {
	SMM_STAGE_ARENA,
	SMM_STAGE_E820,
	SMM_STAGE_EARLY,
	SMM_STAGE_STATIC,
	SMM_STAGE_MEMMAP,
	SMM_STAGE_PGTABLE,
	SMM_STAGE_BOOTMEM,
	SMM_STAGE_EARLYRES,
	SMM_STAGE_KMAP,
	SMM_STAGE_ZONES,
	SMM_STAGE_HANDOFF,
	SMM_STAGE_SLAB,
	SMM_STAGE_VMALLOC,
	SMM_STAGE_MEMBLOCK,
	SMM_STAGE_PERCPU,
	SMM_STAGE_DEFERRED,
	SMM_STAGE_NR,
};

/* The 2.6.29 bring-up runs the first stages, in enum order. */
#define SMM_NR_STAGES_2629	(SMM_STAGE_VMALLOC + 1)

#define SMM_TIMELINE_RESULT_LEN	112
#define SMM_TIMELINE_MAX_STEPS	64
#define SMM_TIMELINE_STEP_LEN	24

/**
 * struct smm_stage_rec - what one stage did
 * @start_ns: start, in ns since the instance began its bring-up
 * @duration_ns: how long the stage took
 * @done: the stage completed
 * @result: one line saying what the stage produced
 */
struct smm_stage_rec {
	u64 start_ns;
	u64 duration_ns;
	bool done;
	char result[SMM_TIMELINE_RESULT_LEN];
};

/**
 * struct smm_step_rec - one step inside a stage
 * @stage: the stage it belongs to
 * @start_ns: start, in ns since the instance began its bring-up
 * @duration_ns: how long the step took
 * @name: the kernel function it replays, e.g. "set_highmem_pages_init"
 * @result: one line saying what the step did
 */
struct smm_step_rec {
	enum smm_stage stage;
	u64 start_ns;
	u64 duration_ns;
	char name[SMM_TIMELINE_STEP_LEN];
	char result[SMM_TIMELINE_RESULT_LEN];
};

/**
 * struct smm_timeline - the bring-up timeline of one instance
 * @era: whose bring-up: the kernel functions the stages are named after
 * @origin: ktime at which the bring-up began
 * @cur: the stage in progress, or %SMM_STAGE_NR
 * @cur_start: ktime at which @cur began
 * @step_start: ktime at which the step in progress began
 * @nr_steps: steps recorded in @steps
 * @dropped_steps: steps that did not fit in @steps
 * @nr_seq: stages begun so far
 * @seq: the stages in the order they began, as shown
 * @recs: one record per stage
 * @steps: the steps, in the order they ran
 * @name: the instance's name, for the tracepoints; set by the instance
 *	after smm_timeline_init(), NULL for a test's own timeline
 *
 * Written only during bring-up, by the thread creating the instance, and
 * read-only afterwards, so it takes no lock.
 */
struct smm_timeline {
	enum smm_era era;
	ktime_t origin;
	enum smm_stage cur;
	ktime_t cur_start;
	ktime_t step_start;
	unsigned int nr_steps;
	unsigned int dropped_steps;
	unsigned int nr_seq;
	enum smm_stage seq[SMM_STAGE_NR];
	struct smm_stage_rec recs[SMM_STAGE_NR];
	struct smm_step_rec steps[SMM_TIMELINE_MAX_STEPS];
	const char *name;
};

void smm_timeline_init(struct smm_timeline *tl, enum smm_era era);
void smm_timeline_begin(struct smm_timeline *tl, enum smm_stage stage);
__printf(2, 3)
void smm_timeline_end(struct smm_timeline *tl, const char *fmt, ...);
void smm_timeline_step_begin(struct smm_timeline *tl);
__printf(3, 4)
void smm_timeline_step_end(struct smm_timeline *tl, const char *name, const char *fmt, ...);
const char *smm_stage_name(enum smm_stage stage);
const char *smm_stage_kernel_name(enum smm_era era, enum smm_stage stage);
void smm_timeline_show(struct seq_file *m, const struct smm_timeline *tl);
void smm_timeline_log(const struct smm_timeline *tl, const char *instance);
u64 smm_timeline_total_ns(const struct smm_timeline *tl);

#endif /* _SHADOW_MM_TIMELINE_H */
