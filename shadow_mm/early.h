/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_EARLY_H
#define _SHADOW_MM_EARLY_H

#include <linux/seq_file.h>
#include <linux/types.h>

#include "e820.h"

/* As MAX_EARLY_RES in 2.6.3x's kernel/early_res.c. */
#define SMM_EARLY_MAX_RES	64
#define SMM_EARLY_NAME_LEN	16
/* What smm_find_e820_area() returns when nothing fits (-1ULL, as the kernel's). */
#define SMM_EARLY_NOT_FOUND	(~0ULL)

/**
 * struct smm_early_res - one labelled reservation
 * @start: first byte
 * @end: first byte past the end; the range is [@start, @end)
 * @name: what it is for, e.g. "MEMMAP"
 */
struct smm_early_res {
	u64 start;
	u64 end;
	char name[SMM_EARLY_NAME_LEN];
};

/**
 * struct smm_early - the early allocator
 * @e820: the sanitized map it searches
 * @nr: entries in use in @res
 * @res: reservations, sorted by @start and disjoint
 *
 * Used only during bring-up, by the thread building the instance, and
 * read-only afterwards, so it takes no lock.
 */
struct smm_early {
	const struct smm_e820_table *e820;
	unsigned int nr;
	struct smm_early_res res[SMM_EARLY_MAX_RES];
};

void smm_early_init(struct smm_early *e, const struct smm_e820_table *e820);
u64 smm_find_e820_area(const struct smm_early *e, u64 start, u64 end,
		       u64 size, u64 align);
int smm_reserve_early(struct smm_early *e, u64 start, u64 end,
		      const char *name);
int smm_free_early(struct smm_early *e, u64 start, u64 end);
u64 smm_early_alloc(struct smm_early *e, u64 start, u64 end, u64 size,
		    u64 align, const char *name);
u64 smm_early_total(const struct smm_early *e);
void smm_early_show(struct seq_file *m, const struct smm_early *e);

#endif /* _SHADOW_MM_EARLY_H */
