/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow_mm tracepoints: the events of the shadow allocators, in the
 * kernel's include/trace/events style.  Documentation/trace.rst lists them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadow_mm

#if !defined(_SHADOW_MM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SHADOW_MM_TRACE_H

#include <linux/tracepoint.h>

#include "buddy.h"
#include "compat.h"
#include "slab.h"
#include "swap.h"
#include "timeline.h"
#include "vmalloc.h"
#include "vmscan.h"

#ifndef _SHADOW_MM_TRACE_H_ONCE
#define _SHADOW_MM_TRACE_H_ONCE

/**
 * enum smm_fault_kind - what a fault on /dev/shadow_mm did, for the event
 * @SMM_FAULT_KIND_MINOR: a page came without I/O: a new zeroed page, one the
 *	shadow table or the swap cache already had, or a write fault that
 *	reused its page (wp_page_reuse())
 * @SMM_FAULT_KIND_COW: a write fault copied a shared page (wp_page_copy())
 * @SMM_FAULT_KIND_MAJOR: the page was read back from swap (do_swap_page())
 * @SMM_FAULT_KIND_SIGBUS: the fault failed with SIGBUS; no page
 */
enum smm_fault_kind {
	SMM_FAULT_KIND_MINOR,
	SMM_FAULT_KIND_COW,
	SMM_FAULT_KIND_MAJOR,
	SMM_FAULT_KIND_SIGBUS,
};

size_t smm_trace_kmalloc_bytes(struct smm_slab *sa, const struct smm_kmem_cache *s,
			       const void *ptr, size_t size);
#endif /* _SHADOW_MM_TRACE_H_ONCE */

/*
 * The values are spelled out, not taken from the macros, so that the
 * format file holds plain numbers that trace-cmd and perf can parse;
 * trace.c checks them against buddy.h at build time.  Both read
 * __entry->gfp_flags of the event they print.
 */
#define smm_show_gfp_flags						\
	((__entry->gfp_flags & 0xf) ?					\
	 __print_flags(__entry->gfp_flags & 0xf, "|", { 0x1, "DMA" }, { 0x2, "HIGHMEM" }, \
		       { 0x4, "ZERO" }, { 0x8, "HIGH" }) : "KERNEL")

#define smm_show_site							\
	__print_symbolic((__entry->gfp_flags >> 4) & 0x7, { 0, "pages" }, { 1, "slab" }, \
			 { 2, "pgtable" }, { 3, "vmalloc" }, { 4, "fault" })

TRACE_DEFINE_ENUM(SMM_FAULT_KIND_MINOR);
TRACE_DEFINE_ENUM(SMM_FAULT_KIND_COW);
TRACE_DEFINE_ENUM(SMM_FAULT_KIND_MAJOR);
TRACE_DEFINE_ENUM(SMM_FAULT_KIND_SIGBUS);

/* ---- the buddy allocator: kmem:mm_page_alloc, mm_page_free, mm_page_free_batched ---- */

/* The zone of a page, by the number in its flags: no lookup. */
#define smm_trace_zone(b, page)	((b)->zones[smm_page_zonenum(page)].name)

TRACE_EVENT(smm_mm_page_alloc,
	    TP_PROTO(struct smm_buddy *b, struct smm_page *page, unsigned int order,
		     unsigned int gfp),
	    TP_ARGS(b, page, order, gfp),
	    TP_STRUCT__entry(__string(instance, b->name)
			     __field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __field(unsigned long, gfp_flags)
			     __string(zone, page ? smm_trace_zone(b, page) : "")),
	    TP_fast_assign(smm_assign_str(instance, b->name);
			   __entry->pfn = page ? smm_page_to_pfn(b->arena, page) : -1UL;
			   __entry->order = order;
			   __entry->gfp_flags = gfp;
			   smm_assign_str(zone, page ? smm_trace_zone(b, page) : "");),
	    TP_printk("instance=%s pfn=0x%lx order=%u zone=%s gfp_flags=%s site=%s",
		      __get_str(instance), __entry->pfn, __entry->order, __get_str(zone),
		      smm_show_gfp_flags, smm_show_site)
);

TRACE_EVENT(smm_mm_page_free,
	    TP_PROTO(struct smm_buddy *b, struct smm_page *page, unsigned int order),
	    TP_ARGS(b, page, order),
	    TP_STRUCT__entry(__string(instance, b->name)
			     __field(unsigned long, pfn)
			     __field(unsigned int, order)
			     __string(zone, smm_trace_zone(b, page))),
	    TP_fast_assign(smm_assign_str(instance, b->name);
			   __entry->pfn = smm_page_to_pfn(b->arena, page);
			   __entry->order = order;
			   smm_assign_str(zone, smm_trace_zone(b, page));),
	    TP_printk("instance=%s pfn=0x%lx order=%u zone=%s",
		      __get_str(instance), __entry->pfn, __entry->order, __get_str(zone))
);

TRACE_EVENT(smm_mm_page_free_batched,
	    TP_PROTO(struct smm_buddy *b, struct smm_page *page),
	    TP_ARGS(b, page),
	    TP_STRUCT__entry(__string(instance, b->name)
			     __field(unsigned long, pfn)
			     __string(zone, smm_trace_zone(b, page))),
	    TP_fast_assign(smm_assign_str(instance, b->name);
			   __entry->pfn = smm_page_to_pfn(b->arena, page);
			   smm_assign_str(zone, smm_trace_zone(b, page));),
	    TP_printk("instance=%s pfn=0x%lx order=0 zone=%s",
		      __get_str(instance), __entry->pfn, __get_str(zone))
);

/*
 * kmem:mm_page_alloc_extfrag: an allocation served from another
 * migratetype's free list (__rmqueue_fallback()).  fragmenting: the block
 * taken was smaller than a pageblock; change_ownership: its pageblock now
 * has the request's type.
 */
TRACE_EVENT(smm_mm_page_alloc_extfrag,
	    TP_PROTO(struct smm_buddy *b, struct smm_page *page, unsigned int alloc_order,
		     unsigned int fallback_order, unsigned int alloc_migratetype,
		     unsigned int fallback_migratetype, bool change_ownership),
	    TP_ARGS(b, page, alloc_order, fallback_order, alloc_migratetype,
		    fallback_migratetype, change_ownership),
	    TP_STRUCT__entry(__string(instance, b->name)
			     __field(unsigned long, pfn)
			     __field(unsigned int, alloc_order)
			     __field(unsigned int, fallback_order)
			     __field(unsigned int, pb_order)
			     __field(unsigned int, alloc_migratetype)
			     __field(unsigned int, fallback_migratetype)
			     __field(bool, change_ownership)),
	    TP_fast_assign(smm_assign_str(instance, b->name);
			   __entry->pfn = smm_page_to_pfn(b->arena, page);
			   __entry->alloc_order = alloc_order;
			   __entry->fallback_order = fallback_order;
			   __entry->pb_order = b->thp_order;
			   __entry->alloc_migratetype = alloc_migratetype;
			   __entry->fallback_migratetype = fallback_migratetype;
			   __entry->change_ownership = change_ownership;),
	    TP_printk("instance=%s pfn=0x%lx alloc_order=%u fallback_order=%u pageblock_order=%u alloc_migratetype=%u fallback_migratetype=%u fragmenting=%d change_ownership=%d",
		      __get_str(instance), __entry->pfn, __entry->alloc_order,
		      __entry->fallback_order, __entry->pb_order,
		      __entry->alloc_migratetype, __entry->fallback_migratetype,
		      __entry->fallback_order < __entry->pb_order,
		      __entry->change_ownership)
);

/* ---- the slab allocator: kmem:kmalloc, kfree, kmem_cache_alloc, kmem_cache_free ---- */

TRACE_EVENT(smm_kmalloc,
	    TP_PROTO(struct smm_slab *sa, const struct smm_kmem_cache *s,
		     unsigned long call_site, const void *ptr, size_t bytes_req, unsigned int gfp),
	    TP_ARGS(sa, s, call_site, ptr, bytes_req, gfp),
	    TP_STRUCT__entry(__string(instance, sa->buddy->name)
			     __field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __field(size_t, bytes_req)
			     __field(size_t, bytes_alloc)
			     __field(unsigned long, gfp_flags)
			     __string(name, s ? s->name : "")),
	    TP_fast_assign(smm_assign_str(instance, sa->buddy->name);
			   __entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __entry->bytes_req = bytes_req;
			   __entry->bytes_alloc = smm_trace_kmalloc_bytes(sa, s, ptr, bytes_req);
			   __entry->gfp_flags = gfp;
			   smm_assign_str(name, s ? s->name : "");),
	    TP_printk("instance=%s call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s name=%s",
		      __get_str(instance), (void *)__entry->call_site, __entry->ptr,
		      __entry->bytes_req, __entry->bytes_alloc, smm_show_gfp_flags,
		      __get_str(name))
);

TRACE_EVENT(smm_kmem_cache_alloc,
	    TP_PROTO(struct smm_kmem_cache *s, unsigned long call_site, const void *ptr,
		     unsigned int gfp),
	    TP_ARGS(s, call_site, ptr, gfp),
	    TP_STRUCT__entry(__string(instance, s->sa->buddy->name)
			     __field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __field(size_t, bytes_req)
			     __field(size_t, bytes_alloc)
			     __field(unsigned long, gfp_flags)
			     __string(name, s->name)),
	    TP_fast_assign(smm_assign_str(instance, s->sa->buddy->name);
			   __entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __entry->bytes_req = s->object_size;
			   __entry->bytes_alloc = s->size;
			   __entry->gfp_flags = gfp;
			   smm_assign_str(name, s->name);),
	    TP_printk("instance=%s call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s name=%s",
		      __get_str(instance), (void *)__entry->call_site, __entry->ptr,
		      __entry->bytes_req, __entry->bytes_alloc, smm_show_gfp_flags,
		      __get_str(name))
);

TRACE_EVENT(smm_kfree,
	    TP_PROTO(struct smm_slab *sa, unsigned long call_site, const void *ptr),
	    TP_ARGS(sa, call_site, ptr),
	    TP_STRUCT__entry(__string(instance, sa->buddy->name)
			     __field(unsigned long, call_site)
			     __field(const void *, ptr)),
	    TP_fast_assign(smm_assign_str(instance, sa->buddy->name);
			   __entry->call_site = call_site;
			   __entry->ptr = ptr;),
	    TP_printk("instance=%s call_site=%pS ptr=%p",
		      __get_str(instance), (void *)__entry->call_site, __entry->ptr)
);

TRACE_EVENT(smm_kmem_cache_free,
	    TP_PROTO(struct smm_kmem_cache *s, unsigned long call_site, const void *ptr),
	    TP_ARGS(s, call_site, ptr),
	    TP_STRUCT__entry(__string(instance, s->sa->buddy->name)
			     __field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __string(name, s->name)),
	    TP_fast_assign(smm_assign_str(instance, s->sa->buddy->name);
			   __entry->call_site = call_site;
			   __entry->ptr = ptr;
			   smm_assign_str(name, s->name);),
	    TP_printk("instance=%s call_site=%pS ptr=%p name=%s",
		      __get_str(instance), (void *)__entry->call_site, __entry->ptr,
		      __get_str(name))
);

/* ---- vmalloc (vmalloc:alloc_vmap_area has addr and size) ---- */

DECLARE_EVENT_CLASS(smm_vmap_area,
		    TP_PROTO(struct smm_vmalloc *vm, const struct smm_vmap_area *va,
			     unsigned long call_site),
		    TP_ARGS(vm, va, call_site),
		    TP_STRUCT__entry(__string(instance, vm->buddy->name)
				     __field(unsigned long, call_site)
				     __field(u64, addr)
				     __field(const void *, ptr)
				     __field(unsigned long, size)
				     __field(unsigned int, nr_pages)
				     __field(bool, vmap)),
		    TP_fast_assign(smm_assign_str(instance, vm->buddy->name);
				   __entry->call_site = call_site;
				   __entry->addr = va->va_start;
				   __entry->ptr = va->addr;
				   __entry->size = (unsigned long)va->nr_pages << PAGE_SHIFT;
				   __entry->nr_pages = va->nr_pages;
				   __entry->vmap = !va->owned;),
		    TP_printk("instance=%s call_site=%pS addr=0x%llx ptr=%p size=%lu nr_pages=%u vmap=%d",
			      __get_str(instance), (void *)__entry->call_site, __entry->addr,
			      __entry->ptr, __entry->size, __entry->nr_pages, __entry->vmap)
);

DEFINE_EVENT(smm_vmap_area, smm_vmalloc,
	     TP_PROTO(struct smm_vmalloc *vm, const struct smm_vmap_area *va,
		      unsigned long call_site),
	     TP_ARGS(vm, va, call_site)
);

DEFINE_EVENT(smm_vmap_area, smm_vfree,
	     TP_PROTO(struct smm_vmalloc *vm, const struct smm_vmap_area *va,
		      unsigned long call_site),
	     TP_ARGS(vm, va, call_site)
);

/* ---- faults on /dev/shadow_mm (exceptions:page_fault_user has address) ---- */

TRACE_EVENT(smm_fault,
	    TP_PROTO(const char *instance, unsigned long address, unsigned long pfn,
		     enum smm_fault_kind kind, bool write),
	    TP_ARGS(instance, address, pfn, kind, write),
	    TP_STRUCT__entry(__string(instance, instance)
			     __field(unsigned long, address)
			     __field(unsigned long, pfn)
			     __field(unsigned int, kind)
			     __field(bool, write)),
	    TP_fast_assign(smm_assign_str(instance, instance);
			   __entry->address = address;
			   __entry->pfn = pfn;
			   __entry->kind = kind;
			   __entry->write = write;),
	    TP_printk("instance=%s address=0x%lx pfn=0x%lx kind=%s write=%d",
		      __get_str(instance), __entry->address, __entry->pfn,
		      __print_symbolic(__entry->kind, { SMM_FAULT_KIND_MINOR, "minor" },
				       { SMM_FAULT_KIND_COW, "cow" },
				       { SMM_FAULT_KIND_MAJOR, "major" },
				       { SMM_FAULT_KIND_SIGBUS, "sigbus" }),
		      __entry->write)
);

/* ---- reclaim: vmscan:mm_vmscan_* ---- */

TRACE_EVENT(smm_mm_vmscan_kswapd_sleep,
	    TP_PROTO(struct smm_vmscan *vs),
	    TP_ARGS(vs),
	    TP_STRUCT__entry(__string(instance, vs->buddy->name)),
	    TP_fast_assign(smm_assign_str(instance, vs->buddy->name);),
	    TP_printk("instance=%s", __get_str(instance))
);

DECLARE_EVENT_CLASS(smm_kswapd_order,
		    TP_PROTO(struct smm_vmscan *vs, int zid, int order),
		    TP_ARGS(vs, zid, order),
		    TP_STRUCT__entry(__string(instance, vs->buddy->name)
				     __field(int, zid)
				     __field(int, order)),
		    TP_fast_assign(smm_assign_str(instance, vs->buddy->name);
				   __entry->zid = zid;
				   __entry->order = order;),
		    TP_printk("instance=%s zid=%d order=%d",
			      __get_str(instance), __entry->zid, __entry->order)
);

DEFINE_EVENT(smm_kswapd_order, smm_mm_vmscan_kswapd_wake,
	     TP_PROTO(struct smm_vmscan *vs, int zid, int order),
	     TP_ARGS(vs, zid, order)
);

DEFINE_EVENT(smm_kswapd_order, smm_mm_vmscan_wakeup_kswapd,
	     TP_PROTO(struct smm_vmscan *vs, int zid, int order),
	     TP_ARGS(vs, zid, order)
);

TRACE_EVENT(smm_mm_vmscan_direct_reclaim_begin,
	    TP_PROTO(struct smm_vmscan *vs, int order, unsigned int gfp),
	    TP_ARGS(vs, order, gfp),
	    TP_STRUCT__entry(__string(instance, vs->buddy->name)
			     __field(int, order)
			     __field(unsigned long, gfp_flags)),
	    TP_fast_assign(smm_assign_str(instance, vs->buddy->name);
			   __entry->order = order;
			   __entry->gfp_flags = gfp;),
	    TP_printk("instance=%s order=%d gfp_flags=%s",
		      __get_str(instance), __entry->order, smm_show_gfp_flags)
);

TRACE_EVENT(smm_mm_vmscan_direct_reclaim_end,
	    TP_PROTO(struct smm_vmscan *vs, unsigned long nr_reclaimed),
	    TP_ARGS(vs, nr_reclaimed),
	    TP_STRUCT__entry(__string(instance, vs->buddy->name)
			     __field(unsigned long, nr_reclaimed)),
	    TP_fast_assign(smm_assign_str(instance, vs->buddy->name);
			   __entry->nr_reclaimed = nr_reclaimed;),
	    TP_printk("instance=%s nr_reclaimed=%lu", __get_str(instance),
		      __entry->nr_reclaimed)
);

TRACE_EVENT(smm_mm_vmscan_lru_shrink_inactive,
	    TP_PROTO(struct smm_vmscan *vs, int zid, unsigned long nr_scanned,
		     unsigned long nr_reclaimed, bool kswapd),
	    TP_ARGS(vs, zid, nr_scanned, nr_reclaimed, kswapd),
	    TP_STRUCT__entry(__string(instance, vs->buddy->name)
			     __field(int, zid)
			     __field(unsigned long, nr_scanned)
			     __field(unsigned long, nr_reclaimed)
			     __field(bool, kswapd)),
	    TP_fast_assign(smm_assign_str(instance, vs->buddy->name);
			   __entry->zid = zid;
			   __entry->nr_scanned = nr_scanned;
			   __entry->nr_reclaimed = nr_reclaimed;
			   __entry->kswapd = kswapd;),
	    TP_printk("instance=%s zid=%d nr_scanned=%lu nr_reclaimed=%lu kswapd=%d",
		      __get_str(instance), __entry->zid, __entry->nr_scanned,
		      __entry->nr_reclaimed, __entry->kswapd)
);

/* ---- swap I/O: swap_writepage() and swap_read_folio() ---- */

DECLARE_EVENT_CLASS(smm_swap_io,
		    TP_PROTO(struct smm_swap *s, unsigned long slot, struct smm_page *page),
		    TP_ARGS(s, slot, page),
		    TP_STRUCT__entry(__string(instance, s->name)
				     __field(unsigned long, slot)
				     __field(unsigned long, pfn)),
		    TP_fast_assign(smm_assign_str(instance, s->name);
				   __entry->slot = slot;
				   __entry->pfn = smm_page_to_pfn(s->arena, page);),
		    TP_printk("instance=%s slot=%lu pfn=0x%lx",
			      __get_str(instance), __entry->slot, __entry->pfn)
);

DEFINE_EVENT(smm_swap_io, smm_swap_out,
	     TP_PROTO(struct smm_swap *s, unsigned long slot, struct smm_page *page),
	     TP_ARGS(s, slot, page)
);

DEFINE_EVENT(smm_swap_io, smm_swap_in,
	     TP_PROTO(struct smm_swap *s, unsigned long slot, struct smm_page *page),
	     TP_ARGS(s, slot, page)
);

/* ---- the bring-up timeline ---- */

TRACE_EVENT(smm_bringup_stage_begin,
	    TP_PROTO(const struct smm_timeline *tl, enum smm_stage stage),
	    TP_ARGS(tl, stage),
	    TP_STRUCT__entry(__string(instance, tl->name)
			     __field(unsigned int, stage_id)
			     __string(stage, smm_stage_name(stage))
			     __string(function, smm_stage_kernel_name(tl->era, stage))),
	    TP_fast_assign(smm_assign_str(instance, tl->name);
			   __entry->stage_id = stage;
			   smm_assign_str(stage, smm_stage_name(stage));
			   smm_assign_str(function, smm_stage_kernel_name(tl->era, stage));),
	    TP_printk("instance=%s stage_id=%u stage=%s function=%s",
		      __get_str(instance), __entry->stage_id, __get_str(stage),
		      __get_str(function))
);

TRACE_EVENT(smm_bringup_stage_end,
	    TP_PROTO(const struct smm_timeline *tl, enum smm_stage stage),
	    TP_ARGS(tl, stage),
	    TP_STRUCT__entry(__string(instance, tl->name)
			     __field(unsigned int, stage_id)
			     __string(stage, smm_stage_name(stage))
			     __string(function, smm_stage_kernel_name(tl->era, stage))
			     __field(u64, duration_ns)
			     __string(result, tl->recs[stage].result)),
	    TP_fast_assign(smm_assign_str(instance, tl->name);
			   __entry->stage_id = stage;
			   smm_assign_str(stage, smm_stage_name(stage));
			   smm_assign_str(function, smm_stage_kernel_name(tl->era, stage));
			   __entry->duration_ns = tl->recs[stage].duration_ns;
			   smm_assign_str(result, tl->recs[stage].result);),
	    TP_printk("instance=%s stage_id=%u stage=%s function=%s duration_ns=%llu result=%s",
		      __get_str(instance), __entry->stage_id, __get_str(stage),
		      __get_str(function), __entry->duration_ns, __get_str(result))
);

#endif /* _SHADOW_MM_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
