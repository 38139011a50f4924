/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_COMPACTION_H
#define _SHADOW_MM_COMPACTION_H

#include <linux/seq_file.h>
#include <linux/types.h>

#include "buddy.h"

struct dentry;
struct smm_instance;

/* cc->order of a compaction of everything (is_via_compact_memory()). */
#define SMM_COMPACT_ALL		(-1)

/* &smm_compact.flags: a compaction runs (the bit is its lock). */
#define SMM_COMPACT_RUNNING	0

/**
 * enum smm_compact_result - how a zone's compaction ended (enum compact_result)
 * @SMM_COMPACT_RES_NOT_RUN: the zone was not compacted
 * @SMM_COMPACT_RES_SKIPPED: compaction_suitable() said no: too little free
 *	memory to migrate into, or the failure is not fragmentation
 * @SMM_COMPACT_RES_SUCCESS: a free block of the wanted order is there
 * @SMM_COMPACT_RES_COMPLETE: the scanners met
 * @SMM_COMPACT_RES_NO_FREE: the free scanner found no page to migrate into
 * @SMM_COMPACT_RES_NR: number of results
 */
enum smm_compact_result {
	SMM_COMPACT_RES_NOT_RUN,
	SMM_COMPACT_RES_SKIPPED,
	SMM_COMPACT_RES_SUCCESS,
	SMM_COMPACT_RES_COMPLETE,
	SMM_COMPACT_RES_NO_FREE,
	SMM_COMPACT_RES_NR,
};

/**
 * struct smm_compact_report - what the last compaction did
 * @runs: compactions so far, command and allocation failures together
 * @direct: the last one came from a failed allocation, not the command
 * @order: the order it compacted for; %SMM_COMPACT_ALL for the command
 * @migrate_scanned: PFNs the migrate scanner looked at
 * @free_scanned: PFNs the free scanner looked at
 * @isolated: pages isolated, free and user ones together
 * @migrated: user pages moved
 * @failed: user pages that could not move
 * @result: per zone
 * @before: per zone, free blocks per order before
 * @after: per zone, free blocks per order after
 */
struct smm_compact_report {
	unsigned long runs;
	bool direct;
	int order;
	unsigned long migrate_scanned;
	unsigned long free_scanned;
	unsigned long isolated;
	unsigned long migrated;
	unsigned long failed;
	enum smm_compact_result result[SMM_NR_ZONES];
	unsigned long before[SMM_NR_ZONES][SMM_MAX_ORDER_LIMIT];
	unsigned long after[SMM_NR_ZONES][SMM_MAX_ORDER_LIMIT];
};

/**
 * struct smm_compact - the compaction of one instance
 * @flags: %SMM_COMPACT_RUNNING, taken with test_and_set_bit_lock(): one
 *	compaction at a time; protects @last
 * @last: the report of the last compaction
 * @debugfs: the ``compaction`` file, or NULL
 *
 * Valid when zeroed: an instance that never called smm_compact_attach()
 * still compacts on the ``compact`` command.
 */
struct smm_compact {
	unsigned long flags;
	struct smm_compact_report last;
	struct dentry *debugfs;
};

int smm_compact(struct smm_instance *inst, int zone);
unsigned long smm_compact_alloc_failed(void *ctx, unsigned int gfp, unsigned int order);
void smm_compact_attach(struct smm_instance *inst, bool on_alloc_failure);
void smm_compact_detach(struct smm_instance *inst);
int smm_compact_show(struct seq_file *m, struct smm_instance *inst);
int smm_compact_largest_free_order(struct smm_buddy *b, const struct smm_zone *z);

#endif /* _SHADOW_MM_COMPACTION_H */
