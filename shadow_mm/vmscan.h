/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_VMSCAN_H
#define _SHADOW_MM_VMSCAN_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "buddy.h"
#include "swap.h"
#include "vmstat.h"

struct task_struct;

/**
 * enum smm_lru_list - the LRU lists of user pages (anon only: there is no
 *	page cache in the shadow)
 * @SMM_LRU_INACTIVE_ANON: pages not referenced lately, reclaimed first
 * @SMM_LRU_ACTIVE_ANON: pages referenced since they were last scanned
 * @SMM_NR_LRU_LISTS: number of lists
 */
enum smm_lru_list {
	SMM_LRU_INACTIVE_ANON,
	SMM_LRU_ACTIVE_ANON,
	SMM_NR_LRU_LISTS,
};

/**
 * struct smm_rmap_ops - what reclaim asks of the layer that maps user pages
 * @lock: take what keeps @page's mappings still (its owner's lock), with a
 *	trylock: returns a cookie for @unlock, or NULL if busy or if @page is
 *	no longer a mapped user page.  Called with no lock of vmscan held.
 * @unlock: let go of what @lock took
 * @referenced: folio_referenced(): how many mappings touched @page since
 *	the last call; clears the evidence.  Under @lock.
 * @swapout: try_to_unmap() and pageout() in one: put @page in swap, replace
 *	its mappings with swap entries and free it.  Under @lock.  Returns 0
 *	(freed), -ENOSPC (no swap), -EAGAIN (still mapped somewhere: keep it)
 * @migrate: migrate_pages() of one page, for compaction: take @page off
 *	its list, unmap it from every process, copy it to @newpage, map
 *	@newpage where @page was with the same bits, put it on the list in
 *	@page's place and free @page.  @newpage is an order-0 page the
 *	caller allocated and no one maps.  Under @lock.  Returns 0 (@page
 *	freed, @newpage in use), or -EBUSY (pinned: in the swap cache or
 *	more mappings than can be taken down at once) or -EAGAIN (a process
 *	busy), and then nothing changed and @newpage is still the caller's
 *
 * Each takes &smm_vmscan.rmap_ctx first.
 */
struct smm_rmap_ops {
	void *(*lock)(void *ctx, struct smm_page *page);
	void (*unlock)(void *ctx, void *cookie);
	int (*referenced)(void *ctx, struct smm_page *page);
	int (*swapout)(void *ctx, struct smm_page *page);
	int (*migrate)(void *ctx, struct smm_page *page, struct smm_page *newpage);
};

/**
 * struct smm_vmscan - the LRU, reclaim and kswapd of one instance
 * @buddy: the allocator reclaim frees into
 * @swap: the swap area pages go to
 * @vmstat: the event counters
 * @broken: the instance's broken flag
 * @lru_lock: protects @lists, @nr and the LRU bits of the pages on them
 * @lists: per zone, per list
 * @nr: pages on each list
 * @swappiness: 0..200, as vm.swappiness; 0 keeps kswapd from swapping
 * @rmap: set by the fault layer; NULL: nothing maps user pages
 * @rmap_ctx: its argument
 * @reclaim_lock: one reclaimer at a time walks the lists
 * @kswapd: the kthread
 * @kswapd_wait: where it sleeps
 * @kswapd_wake: set by smm_wakeup_kswapd()
 */
struct smm_vmscan {
	struct smm_buddy *buddy;
	struct smm_swap *swap;
	struct smm_vmstat *vmstat;
	bool *broken;
	spinlock_t lru_lock;	/* protects lists, nr */
	struct list_head lists[SMM_NR_ZONES][SMM_NR_LRU_LISTS];
	unsigned long nr[SMM_NR_ZONES][SMM_NR_LRU_LISTS];
	unsigned int swappiness;
	const struct smm_rmap_ops *rmap;
	void *rmap_ctx;
	struct mutex reclaim_lock;	/* one reclaimer at a time */
	struct task_struct *kswapd;
	wait_queue_head_t kswapd_wait;
	bool kswapd_wake;
};

#define SMM_SWAPPINESS_DEFAULT	60
#define SMM_SWAPPINESS_MAX	200

int smm_vmscan_init(struct smm_vmscan *vs, struct smm_buddy *b, struct smm_swap *swap,
		    struct smm_vmstat *vmstat, bool *broken, const char *name);
void smm_vmscan_destroy(struct smm_vmscan *vs);

long smm_reclaim_pages(struct smm_vmscan *vs, unsigned long nr);
unsigned long smm_try_to_free_pages(struct smm_vmscan *vs, unsigned long nr, unsigned int gfp);
void smm_lru_add(struct smm_vmscan *vs, struct smm_page *page);
void smm_lru_del(struct smm_vmscan *vs, struct smm_page *page);
void smm_vmscan_set_rmap(struct smm_vmscan *vs, const struct smm_rmap_ops *ops, void *ctx);
bool smm_zones_low(struct smm_vmscan *vs);
unsigned long smm_lru_pages(struct smm_vmscan *vs, enum smm_lru_list lru);
void smm_wakeup_kswapd(struct smm_vmscan *vs);

#endif /* _SHADOW_MM_VMSCAN_H */
