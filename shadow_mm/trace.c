// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm tracepoints: the one place that creates them.
 */

/**
 * DOC: tracepoints
 *
 * The events of shadow_mm/trace.h are defined here, and only here
 * (CREATE_TRACE_POINTS); every layer includes the header and calls its
 * trace_smm_*().  A disabled event costs its static-key branch: the
 * arguments are pointers and values the caller has at hand, and whatever
 * an event needs to compute (a PFN, a zone's name, SLOB's block size) is
 * computed in TP_fast_assign(), which runs only when the event is on.
 * Documentation/trace.rst lists the events and their fields.
 */

#include <linux/mm.h>

#include "buddy.h"
#include "slab.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* trace.h spells the flags out as numbers for trace-cmd: check them. */
static_assert(__SMM_GFP_DMA == 0x1 && __SMM_GFP_HIGHMEM == 0x2 &&
	      __SMM_GFP_ZERO == 0x4 && __SMM_GFP_HIGH == 0x8);
static_assert(__SMM_GFP_SITE_SHIFT == 4 && SMM_GFP_SITE_MASK == 0x70);
static_assert(SMM_SITE_PAGES == 0 && SMM_SITE_SLAB == 1 && SMM_SITE_PGTABLE == 2 &&
	      SMM_SITE_VMALLOC == 3 && SMM_SITE_FAULT == 4 && SMM_SITE_NR == 5);

/**
 * smm_trace_kmalloc_bytes() - bytes_alloc of the kmalloc event
 * @sa: the slab allocator
 * @s: the size class that served the request, or NULL
 * @ptr: what kmalloc() returned, or NULL
 * @size: bytes asked for
 *
 * What the kernel reports: the class's slot (its &smm_kmem_cache.size,
 * red zones included under slab_debug=Z), the whole pages of a large
 * kmalloc, and, under SLOB, the block its lists gave (ksize()).  Called
 * from the event's TP_fast_assign() only, when the event is enabled.
 *
 * Return: the bytes the request took; 0 for a failed SLOB request.
 */
size_t smm_trace_kmalloc_bytes(struct smm_slab *sa, const struct smm_kmem_cache *s,
			       const void *ptr, size_t size)
{
	if (s)
		return s->size;
	if (!sa->ops->small_alloc || size > sa->ops->small_max)
		return PAGE_SIZE << get_order(size);
	return ptr ? smm_ksize(sa, ptr) : 0;
}
