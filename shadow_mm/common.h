/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions shared by every shadow_mm layer: the broken-instance warning,
 * the shadow page size helpers and the rate-limited input error message.
 */
#ifndef _SHADOW_MM_COMMON_H
#define _SHADOW_MM_COMMON_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/printk.h>
#include <linux/types.h>

#include "compat.h"

/*
 * The shadow machine uses the host's page size, so that a shadow page is
 * exactly one host page and can be mapped for real with vmap().
 */
#define SMM_PAGE_SHIFT		PAGE_SHIFT
#define SMM_PAGE_SIZE		PAGE_SIZE
#define SMM_PFN_PHYS(pfn)	((u64)(pfn) << SMM_PAGE_SHIFT)
#define SMM_PHYS_PFN(addr)	((unsigned long)((addr) >> SMM_PAGE_SHIFT))
#define SMM_PFN_UP(addr)	SMM_PHYS_PFN((addr) + SMM_PAGE_SIZE - 1)
#define SMM_PFN_DOWN(addr)	SMM_PHYS_PFN(addr)

/**
 * enum smm_era - whose bring-up an instance replays
 * @SMM_ERA_2629: 2.6.29 on a 32-bit PC, as the seed articles tell it:
 *	early_res, bootmem, DMA/Normal/HighMem, SLAB, SLUB or SLOB
 * @SMM_ERA_612: 6.12 on x86-64: memblock, DMA/DMA32/Normal/Movable,
 *	migratetypes, deferred struct page init, SLUB only
 * @SMM_ERA_NR: number of eras
 */
enum smm_era {
	SMM_ERA_2629,
	SMM_ERA_612,
	SMM_ERA_NR,
};

/**
 * SMM_WARN_ON() - report an impossible state and break the instance
 * @broken: pointer to the owning instance's broken flag
 * @cond: the condition that must never hold
 *
 * Warns once (WARN_ON_ONCE) and marks the instance broken, so that it
 * refuses further work instead of corrupting more state.  Never BUG_ON.
 * Modelled on KFENCE_WARN_ON() in mm/kfence/kfence.h.
 *
 * Return: the value of @cond.
 */
#define SMM_WARN_ON(broken, cond)					\
	({								\
		const bool __cond = WARN_ON_ONCE(cond);			\
		if (unlikely(__cond))					\
			WRITE_ONCE(*(broken), true);			\
		__cond;							\
	})

/**
 * smm_bad_input() - rate-limited message about a malformed user value
 * @field: the parameter, debugfs field or argument that was wrong
 * @fmt: what was wrong with it
 *
 * Every rejection of user input goes through here, so that the message
 * always names the field and can never flood the log.
 */
#define smm_bad_input(field, fmt, ...)					\
	pr_warn_ratelimited("shadow_mm: %s: " fmt "\n", field, ##__VA_ARGS__)

#endif /* _SHADOW_MM_COMMON_H */
