// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm vmalloc: virtually contiguous memory over the shadow page tables.
 */

/**
 * DOC: vmalloc
 *
 * vmalloc() gives memory that is contiguous in virtual space but made of
 * pages from anywhere, so that a large allocation succeeds when the buddy
 * allocator has no large block.  Ours does it twice over, and keeps the two
 * in agreement:
 *
 * - in the shadow: a range of the shadow vmalloc space is found, order-0
 *   pages are taken from the shadow buddy allocator with HIGHUSER semantics
 *   in one bulk request, as vm_area_alloc_pages() does with
 *   alloc_pages_bulk(): all from the first zone of HighMem, Normal, DMA
 *   that can give them all above its low watermark, else page by page down
 *   the zonelist; and the shadow page tables map the range to them, RW and
 *   NX as PAGE_KERNEL;
 * - for real: the host's vmap() maps the same pages at a host address,
 *   which is what smm_vmalloc() returns: usable memory.
 *
 * smm_vmalloc_check() walks every live area and proves they agree: for each
 * page, the shadow PTE's PFN is the arena page that the host mapping
 * resolves to (vmalloc_to_page() of the host address), and the guard page
 * after each area is unmapped.
 *
 * Free ranges are kept as in mm/vmalloc.c: an rb-tree by address,
 * augmented with the largest free size in each subtree, so the lowest range
 * that fits is found in O(log n) (find_vmap_lowest_match()), and a freed
 * range merges with its neighbours.  Every area is followed by an unmapped
 * guard page.
 *
 * As in the kernel, vfree() clears the PTEs but keeps the page tables
 * (vunmap_range_noflush() never frees a table of the vmalloc space): the
 * next area in the same place finds them made, and the tables of the range
 * are freed only with the instance.  ``pagetables`` shows them.
 *
 * Lock order: smm_vmalloc.lock, then smm_pgtable.lock, then the buddy
 * allocator's locks.
 */

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "trace.h"
#include "vmalloc.h"

/* Areas up to this many pages build their host page array on the stack. */
#define SMALL_AREA	16

/* PAGE_KERNEL for vmalloc: present, RW, accessed, dirty, NX. */
#define VMALLOC_PTE	(SMM_PTE_RW | SMM_PTE_ACCESSED | SMM_PTE_DIRTY | SMM_PTE_NX)

static inline u64 va_size(const struct smm_vmap_area *va)
{
	return va->va_end - va->va_start;
}

RB_DECLARE_CALLBACKS_MAX(static, free_cb, struct smm_vmap_area, rb_node, u64,
			 subtree_max_size, va_size);

static inline struct smm_vmap_area *va_of(struct rb_node *n)
{
	return rb_entry_safe(n, struct smm_vmap_area, rb_node);
}

static inline u64 subtree_max(struct rb_node *n)
{
	return n ? va_of(n)->subtree_max_size : 0;
}

static void free_insert(struct smm_vmalloc *vm, struct smm_vmap_area *va)
{
	struct rb_node **link = &vm->free_root.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = va->va_start < va_of(parent)->va_start ? &parent->rb_left :
								 &parent->rb_right;
	}
	va->subtree_max_size = va_size(va);
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_augmented(&va->rb_node, &vm->free_root, &free_cb);
}

static void free_erase(struct smm_vmalloc *vm, struct smm_vmap_area *va)
{
	rb_erase_augmented(&va->rb_node, &vm->free_root, &free_cb);
}

/* A vmap_area node, of the free tree or the busy one; host memory, counted. */
static struct smm_vmap_area *node_new(struct smm_vmalloc *vm)
{
	return smm_host_kvcalloc(vm->buddy->arena, SMM_HOST_VMALLOC, 1,
				 sizeof(struct smm_vmap_area));
}

static void node_free(struct smm_vmalloc *vm, struct smm_vmap_area *va)
{
	smm_host_kvfree(vm->buddy->arena, SMM_HOST_VMALLOC, va, 1, sizeof(*va));
}

/* The page array of an area of @nr pages. */
static void pages_free(struct smm_vmalloc *vm, struct smm_vmap_area *va, unsigned int nr)
{
	smm_host_kvfree(vm->buddy->arena, SMM_HOST_VMALLOC, va->pages, nr, sizeof(*va->pages));
	va->pages = NULL;
}

/* A node no longer in the tree: keep it as the spare, or free it. */
static void node_drop(struct smm_vmalloc *vm, struct smm_vmap_area *va)
{
	if (vm->spare)
		node_free(vm, va);
	else
		vm->spare = va;
}

/* find_vmap_lowest_match(): the lowest free range of at least @size. */
static struct smm_vmap_area *lowest_match(struct smm_vmalloc *vm, u64 size)
{
	struct rb_node *n = vm->free_root.rb_node;

	while (n) {
		struct smm_vmap_area *va = va_of(n);

		if (subtree_max(n->rb_left) >= size)
			n = n->rb_left;
		else if (va_size(va) >= size)
			return va;
		else if (subtree_max(n->rb_right) >= size)
			n = n->rb_right;
		else
			return NULL;
	}
	return NULL;
}

/* Take [start, start + size) from the front of the lowest fit. */
static int __va_alloc(struct smm_vmalloc *vm, u64 size, u64 *start)
{
	struct smm_vmap_area *va;

	lockdep_assert_held(&vm->lock);
	va = lowest_match(vm, size);
	if (!va)
		return -ENOMEM;
	*start = va->va_start;
	if (va_size(va) == size) {
		free_erase(vm, va);
		node_drop(vm, va);
	} else {
		/* Still between the same neighbours: only the sizes change. */
		va->va_start += size;
		free_cb_propagate(&va->rb_node, NULL);
	}
	return 0;
}

/*
 * Make sure a free-range node is at hand, so that __va_free() cannot fail:
 * the kernel preloads one per CPU for the same reason (ne_fit_preload()).
 */
static int spare_fill(struct smm_vmalloc *vm)
{
	lockdep_assert_held(&vm->lock);
	if (!vm->spare)
		vm->spare = node_new(vm);
	return vm->spare ? 0 : -ENOMEM;
}

/*
 * Give [start, end) back, merging with free neighbours as
 * merge_or_add_vmap_area() does; only a range that merges with neither
 * takes the spare node.  The caller made sure of it with spare_fill().
 */
static void __va_free(struct smm_vmalloc *vm, u64 start, u64 end)
{
	struct smm_vmap_area *prev = NULL, *next = NULL, *va;
	struct rb_node *n = vm->free_root.rb_node;

	lockdep_assert_held(&vm->lock);
	/* The free ranges around the hole [start, end). */
	while (n) {
		va = va_of(n);
		if (va->va_start < start) {
			prev = va;
			n = n->rb_right;
		} else {
			next = va;
			n = n->rb_left;
		}
	}
	if (prev && prev->va_end != start)
		prev = NULL;
	if (next && next->va_start != end)
		next = NULL;
	if (prev && next) {
		u64 e = next->va_end;

		free_erase(vm, next);
		node_drop(vm, next);
		prev->va_end = e;
		free_cb_propagate(&prev->rb_node, NULL);
	} else if (prev) {
		prev->va_end = end;
		free_cb_propagate(&prev->rb_node, NULL);
	} else if (next) {
		/* Still between the same neighbours: only the sizes change. */
		next->va_start = start;
		free_cb_propagate(&next->rb_node, NULL);
	} else if (!SMM_WARN_ON(vm->buddy->broken, !vm->spare)) {
		va = vm->spare;
		vm->spare = NULL;
		va->va_start = start;
		va->va_end = end;
		free_insert(vm, va);
	}
}

/**
 * smm_vmalloc_init() - an empty shadow vmalloc space
 * @vm: the allocator
 * @pt: the page tables its mappings go into
 * @b: the buddy allocator its pages come from
 * @size: bytes of address space, from %SMM_VMALLOC_START; a page multiple,
 *	at most %SMM_VMALLOC_MAX_SIZE
 *
 * Return: 0, -EINVAL for a bad size, or -ENOMEM.
 * Context: process context.
 */
int smm_vmalloc_init(struct smm_vmalloc *vm, struct smm_pgtable *pt, struct smm_buddy *b,
		     u64 size)
{
	struct smm_vmap_area *va;

	memset(vm, 0, sizeof(*vm));
	if (!size || size > SMM_VMALLOC_MAX_SIZE || (size & ~PAGE_MASK))
		return -EINVAL;
	vm->pt = pt;
	vm->buddy = b;
	mutex_init(&vm->lock);
	vm->free_root = RB_ROOT;
	vm->busy_root = RB_ROOT;
	INIT_LIST_HEAD(&vm->busy_list);
	vm->start = SMM_VMALLOC_START;
	vm->end = SMM_VMALLOC_START + size;
	va = node_new(vm);
	if (!va)
		return -ENOMEM;
	va->va_start = vm->start;
	va->va_end = vm->end;
	free_insert(vm, va);
	return 0;
}

static void busy_insert(struct smm_vmalloc *vm, struct smm_vmap_area *va)
{
	struct rb_node **link = &vm->busy_root.rb_node, *parent = NULL;
	struct smm_vmap_area *pos;

	while (*link) {
		parent = *link;
		link = va->addr < va_of(parent)->addr ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_color(&va->rb_node, &vm->busy_root);
	/* vmallocinfo lists areas in shadow address order. */
	list_for_each_entry(pos, &vm->busy_list, list)
		if (pos->va_start > va->va_start)
			break;
	list_add_tail(&va->list, &pos->list);
	vm->nr_areas++;
	vm->nr_pages += va->nr_pages;
}

/* The busy area whose mapping holds host address @addr. */
static struct smm_vmap_area *busy_find(struct smm_vmalloc *vm, const void *addr)
{
	struct rb_node *n = vm->busy_root.rb_node;

	lockdep_assert_held(&vm->lock);
	while (n) {
		struct smm_vmap_area *va = va_of(n);

		if (addr < va->addr)
			n = n->rb_left;
		else if (addr >= va->addr + ((unsigned long)va->nr_pages << PAGE_SHIFT))
			n = n->rb_right;
		else
			return va;
	}
	return NULL;
}

/* Unmap the shadow PTEs of the first @n pages of @va; the tables stay. */
static void unmap_shadow(struct smm_vmalloc *vm, struct smm_vmap_area *va, unsigned int n)
{
	if (n)
		smm_pgtable_unmap_kernel_range(vm->pt, va->va_start,
					       va->va_start + ((u64)n << PAGE_SHIFT));
}

static void free_pages_of(struct smm_vmalloc *vm, struct smm_vmap_area *va, unsigned int n)
{
	SMM_WARN_ON(vm->buddy->broken, smm_free_pages_bulk(vm->buddy, va->pages, n));
}

/*
 * __vmalloc_node_range(): shadow range, pages (or @given), shadow PTEs and
 * the host mapping.  All or nothing.
 */
static void *map_area(struct smm_vmalloc *vm, unsigned int nr, struct smm_page **given,
		      const void *caller)
{
	struct smm_arena *a = vm->buddy->arena;
	struct page *host_small[SMALL_AREA], **host = host_small;
	struct smm_vmap_area *va;
	unsigned int i = 0, n;
	int ret;

	va = node_new(vm);
	if (nr > SMALL_AREA)
		host = kvcalloc(nr, sizeof(*host), GFP_KERNEL);
	if (va)
		va->pages = smm_host_kvcalloc(a, SMM_HOST_VMALLOC, nr, sizeof(*va->pages));
	if (!va || !host || !va->pages)
		goto err_mem;

	mutex_lock(&vm->lock);
	/* One more page: the unmapped guard page after the area. */
	if (spare_fill(vm) || __va_alloc(vm, ((u64)nr + 1) << PAGE_SHIFT, &va->va_start))
		goto err_va;
	va->va_end = va->va_start + (((u64)nr + 1) << PAGE_SHIFT);
	va->owned = !given;
	va->caller = caller;
	if (given) {
		memcpy(va->pages, given, nr * sizeof(*given));
		i = nr;
	} else {
		/* vm_area_alloc_pages(): one bulk request, HIGHUSER zonelist. */
		ret = smm_alloc_pages_bulk(vm->buddy, SMM_GFP_HIGHUSER |
					   __SMM_GFP_SITE(SMM_SITE_VMALLOC), nr, va->pages);
		i = max(ret, 0);
		if (i < nr)
			goto err_unmapped;
	}
	for (n = 0; n < nr; n++)
		host[n] = smm_arena_pfn_to_host(a, smm_page_to_pfn(a, va->pages[n]));
	/* vmap_pages_range(), in the shadow: all the PTEs under one lock. */
	if (smm_pgtable_map_pages(vm->pt, va->va_start, va->pages, nr, VMALLOC_PTE))
		goto err_unmapped;
	va->nr_pages = nr;
	va->addr = vmap(host, nr, VM_MAP, PAGE_KERNEL);
	if (!va->addr) {
		unmap_shadow(vm, va, nr);
		goto err_unmapped;
	}
	busy_insert(vm, va);
	trace_smm_vmalloc(vm, va, (unsigned long)caller);
	mutex_unlock(&vm->lock);
	if (host != host_small)
		kvfree(host);
	return va->addr;

err_unmapped:
	if (va->owned)
		free_pages_of(vm, va, i);
	__va_free(vm, va->va_start, va->va_end);
err_va:
	mutex_unlock(&vm->lock);
err_mem:
	if (va) {
		pages_free(vm, va, nr);
		node_free(vm, va);
	}
	if (host != host_small)
		kvfree(host);
	return NULL;
}

/**
 * smm_vmalloc() - allocate virtually contiguous memory
 * @vm: the allocator
 * @size: bytes, rounded up to pages
 *
 * Return: a host address of usable memory, or NULL (a bad size is
 * reported).
 * Context: process context; sleeps.
 */
void *smm_vmalloc(struct smm_vmalloc *vm, unsigned long size)
{
	if (!size || size > vm->end - vm->start) {
		smm_bad_input("vmalloc.size", "%lu bytes", size);
		return NULL;
	}
	return map_area(vm, PAGE_ALIGN(size) >> PAGE_SHIFT, NULL,
			__builtin_return_address(0));
}

/**
 * smm_vzalloc() - smm_vmalloc(), zeroed
 * @vm: the allocator
 * @size: bytes
 *
 * Zeroed through the new mapping: shadow highmem is never touched through
 * the host's direct map.
 *
 * Return: as smm_vmalloc().
 * Context: process context; sleeps.
 */
void *smm_vzalloc(struct smm_vmalloc *vm, unsigned long size)
{
	void *p = smm_vmalloc(vm, size);

	if (p)
		memset(p, 0, PAGE_ALIGN(size));
	return p;
}

/**
 * smm_vmap() - map shadow pages the caller owns, contiguously
 * @vm: the allocator
 * @pages: the pages
 * @count: how many
 *
 * Return: the host address, or NULL.  smm_vfree() unmaps; the pages stay
 * the caller's.
 * Context: process context; sleeps.
 */
void *smm_vmap(struct smm_vmalloc *vm, struct smm_page **pages, unsigned int count)
{
	if (!count || !pages)
		return NULL;
	return map_area(vm, count, pages, __builtin_return_address(0));
}

/**
 * smm_vfree() - unmap and free what smm_vmalloc() or smm_vmap() returned
 * @vm: the allocator
 * @addr: the address it returned, or NULL (ignored)
 *
 * Return: 0, or -EINVAL (reported) if @addr is not the start of an area.
 * Context: process context; sleeps.
 */
int smm_vfree(struct smm_vmalloc *vm, const void *addr)
{
	struct smm_vmap_area *va;

	if (!addr)
		return 0;
	mutex_lock(&vm->lock);
	va = busy_find(vm, addr);
	if (!va || va->addr != addr) {
		mutex_unlock(&vm->lock);
		smm_bad_input("vfree", "not the start of a vmalloc area");
		return -EINVAL;
	}
	if (spare_fill(vm)) {
		mutex_unlock(&vm->lock);
		return -ENOMEM;
	}
	trace_smm_vfree(vm, va, _RET_IP_);
	rb_erase(&va->rb_node, &vm->busy_root);
	list_del(&va->list);
	vm->nr_areas--;
	vm->nr_pages -= va->nr_pages;
	vunmap(va->addr);
	unmap_shadow(vm, va, va->nr_pages);
	if (va->owned)
		free_pages_of(vm, va, va->nr_pages);
	__va_free(vm, va->va_start, va->va_end);
	mutex_unlock(&vm->lock);
	pages_free(vm, va, va->nr_pages);
	node_free(vm, va);
	return 0;
}

/**
 * smm_vmalloc_shadow_addr() - the shadow address of a host vmalloc address
 * @vm: the allocator
 * @addr: an address inside an area's mapping
 *
 * Return: the shadow virtual address, or 0 if @addr is in no area.
 */
u64 smm_vmalloc_shadow_addr(struct smm_vmalloc *vm, const void *addr)
{
	struct smm_vmap_area *va;
	u64 sva = 0;

	mutex_lock(&vm->lock);
	va = busy_find(vm, addr);
	if (va)
		sva = va->va_start + (addr - va->addr);
	mutex_unlock(&vm->lock);
	return sva;
}

/**
 * smm_vmalloc_to_page() - the shadow page behind a vmalloc address
 * @vm: the allocator
 * @addr: an address inside an area's mapping
 *
 * Translated through the shadow tables, not through the host's.
 *
 * Return: the page, or NULL.
 */
struct smm_page *smm_vmalloc_to_page(struct smm_vmalloc *vm, const void *addr)
{
	u64 sva = smm_vmalloc_shadow_addr(vm, addr), pte;

	if (!sva || smm_pgtable_get(vm->pt, sva & PAGE_MASK, &pte))
		return NULL;
	return smm_pfn_to_page(vm->buddy->arena, smm_pte_pfn(pte));
}

/**
 * smm_vmalloc_check() - prove the shadow tables agree with the host mapping
 * @vm: the allocator
 * @m: where to report each disagreement, or NULL
 *
 * For every page of every area, the shadow PTE must be present and point at
 * the arena page the host's vmalloc_to_page() finds at the same offset; the
 * guard page must be unmapped.
 *
 * Return: the number of disagreements (0 when all agree).
 * Context: process context; sleeps.
 */
int smm_vmalloc_check(struct smm_vmalloc *vm, struct seq_file *m)
{
	struct smm_arena *a = vm->buddy->arena;
	struct smm_vmap_area *va;
	int bad = 0;

	mutex_lock(&vm->lock);
	list_for_each_entry(va, &vm->busy_list, list) {
		unsigned int i;
		u64 pte;

		for (i = 0; i < va->nr_pages; i++) {
			u64 sva = va->va_start + ((u64)i << PAGE_SHIFT);
			void *haddr = va->addr + ((unsigned long)i << PAGE_SHIFT);
			struct page *host = vmalloc_to_page(haddr);
			unsigned long hpfn = ~0UL;

			pte = 0;
			if (!host || !smm_arena_host_to_pfn(a, host, &hpfn) ||
			    smm_pgtable_get(vm->pt, sva, &pte) || smm_pte_pfn(pte) != hpfn) {
				bad++;
				if (m)
					seq_printf(m, "mismatch at %#llx: shadow pte %#llx, host pfn %#lx\n",
						   sva, pte, hpfn);
			}
		}
		if (!smm_pgtable_get(vm->pt, va->va_end - PAGE_SIZE, &pte)) {
			bad++;
			if (m)
				seq_printf(m, "guard page %#llx is mapped: %#llx\n",
					   va->va_end - PAGE_SIZE, pte);
		}
	}
	mutex_unlock(&vm->lock);
	return bad;
}

/**
 * smm_vmallocinfo_show() - /proc/vmallocinfo for the shadow vmalloc space
 * @m: the seq_file
 * @vm: the allocator
 *
 * ``0x<start>-0x<end> <size> <caller> pages=<n> vmalloc``, with shadow
 * addresses and the size including the guard page, as the kernel prints.
 */
void smm_vmallocinfo_show(struct seq_file *m, struct smm_vmalloc *vm)
{
	struct smm_vmap_area *va;

	mutex_lock(&vm->lock);
	list_for_each_entry(va, &vm->busy_list, list)
		seq_printf(m, "0x%016llx-0x%016llx %7llu %pS pages=%u %s\n", va->va_start,
			   va->va_end, va_size(va), va->caller, va->nr_pages,
			   va->owned ? "vmalloc" : "vmap");
	mutex_unlock(&vm->lock);
}

/**
 * smm_vmalloc_destroy() - unmap and free every area, and the free ranges
 * @vm: the allocator
 *
 * Context: process context; sleeps.
 */
void smm_vmalloc_destroy(struct smm_vmalloc *vm)
{
	struct smm_vmap_area *va, *tmp;
	struct rb_node *n;

	if (!vm->pt)
		return;
	mutex_lock(&vm->lock);
	list_for_each_entry_safe(va, tmp, &vm->busy_list, list) {
		vunmap(va->addr);
		unmap_shadow(vm, va, va->nr_pages);
		if (va->owned)
			free_pages_of(vm, va, va->nr_pages);
		list_del(&va->list);
		pages_free(vm, va, va->nr_pages);
		node_free(vm, va);
	}
	vm->busy_root = RB_ROOT;
	vm->nr_areas = 0;
	vm->nr_pages = 0;
	while ((n = rb_first(&vm->free_root))) {
		va = va_of(n);
		free_erase(vm, va);
		node_free(vm, va);
	}
	node_free(vm, vm->spare);
	vm->spare = NULL;
	mutex_unlock(&vm->lock);
	vm->pt = NULL;
}
