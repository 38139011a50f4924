/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow_mm compat: every difference between kernel versions, in one place.
 */

/**
 * DOC: compat
 *
 * The rest of shadow_mm is written against the newest API and reads as if
 * there were one kernel.  Each entry below names the kernel version and the
 * commit that changed the API, and defines the newer name in terms of the
 * older one.  Where a feature macro tells whether the new API is there, the
 * entry tests that rather than the version, so a distribution kernel with
 * a backport takes the right branch; where there is none, it tests
 * LINUX_VERSION_CODE.
 *
 * Built and tested here: Debian 12's 6.1 and 6.12.  Written for 5.15 up to
 * mainline; Documentation/compat.rst lists what each entry guards and how
 * the older branches were checked.
 */
#ifndef _SHADOW_MM_COMPAT_H
#define _SHADOW_MM_COMPAT_H

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/version.h>

/*
 * MAX_PAGE_ORDER: the largest buddy order, inclusive (10 on x86-64).
 *
 * - 6.8, commit 5e0a760b4441 ("mm, treewide: rename MAX_ORDER to
 *   MAX_PAGE_ORDER") gave it this name.
 * - 6.4, commit 23baf831a32c ("mm, treewide: redefine MAX_ORDER sanely")
 *   made MAX_ORDER mean the same thing.
 * - Before 6.4, MAX_ORDER was the number of orders (11), one more.
 *
 * The name is a macro in every version, so its presence is the test; the
 * meaning of MAX_ORDER needs the version.
 */
#ifndef MAX_PAGE_ORDER
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define MAX_PAGE_ORDER	MAX_ORDER
#else
#define MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif
#endif

/*
 * vm_flags_set(): 6.3, commit bc292ab00f6c ("mm: introduce vma->vm_flags
 * wrapper functions") made vma->vm_flags const for writers, so that
 * per-VMA locking can see every change.  Before it, the field was written
 * directly.  vm_flags_set() is a static inline, with no macro to test; a
 * kernel older than 6.3 with it backported needs this entry taken out.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}
#endif

/*
 * A host kmem_cache that slab merging must leave alone, so that a
 * benchmark measures its own cache and not a busy shared one.
 *
 * - 6.5, commit d0bf7d5759c1 ("mm/slab: introduce kmem_cache flag
 *   SLAB_NO_MERGE") added the flag.
 * - Before it, slab_unmergeable() already refused any cache with a
 *   usercopy region (usersize != 0), so a whitelist of the whole object
 *   does the same thing and changes nothing on the allocation path.
 */
static inline struct kmem_cache *smm_compat_cache_create_unmerged(const char *name,
								  unsigned int size)
{
#ifdef SLAB_NO_MERGE
	return kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
#else
	return kmem_cache_create_usercopy(name, size, 0, 0, 0, size, NULL);
#endif
}

/*
 * smm_compat_follow_pfn(): the PFN a VM_PFNMAP VMA maps at an address, and
 * whether the host's PTE is writable; false if nothing is mapped there.
 * Called with the mmap lock held.
 *
 * - 6.12, commit 6da8e9634bb7 ("mm: new follow_pfnmap API") added
 *   follow_pfnmap_start()/follow_pfnmap_end() and removed follow_pte();
 *   the new API brought the FOLLOW_PFNMAP helpers' struct, so there is no
 *   macro to test: the version is the test.
 * - 6.10, commit 29ae7d96d166 ("mm: pass VMA instead of MM to
 *   follow_pte()") changed follow_pte()'s first argument.
 * - Before it, follow_pte(mm, address, &ptep, &ptl).
 */
static inline bool smm_compat_follow_pfn(struct vm_area_struct *vma, unsigned long addr,
					 unsigned long *pfn, bool *writable)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };

	if (follow_pfnmap_start(&args))
		return false;
	*pfn = args.pfn;
	*writable = args.writable;
	follow_pfnmap_end(&args);
	return true;
#else
	spinlock_t *ptl;	/* the PTE table's lock, held by follow_pte() */
	pte_t *ptep;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	if (follow_pte(vma, addr, &ptep, &ptl))
#else
	if (follow_pte(vma->vm_mm, addr, &ptep, &ptl))
#endif
		return false;
	__acquire(ptl);		/* follow_pte() returns with it held */
	*pfn = pte_pfn(ptep_get(ptep));
	*writable = pte_write(ptep_get(ptep));
	pte_unmap_unlock(ptep, ptl);
	return true;
#endif
}

#ifdef CONFIG_CONTIG_ALLOC
/*
 * alloc_contig_range() of a MIGRATE_MOVABLE range.
 *
 * - 6.16, Zi Yan's "make page isolation a standalone bit" series
 *   ("mm/page_isolation: remove migratetype parameter from more
 *   functions") replaced the migratetype argument with acr_flags_t:
 *   ACR_FLAGS_NONE for a plain range, ACR_FLAGS_CMA for CMA.  Those are
 *   macros, so they are the test.
 * - 6.10, commit b951aaff5035 ("mm: enable page allocation tagging")
 *   turned the function into a macro over alloc_contig_range_noprof(),
 *   the exported symbol; calling the macro works in both.
 * - Since 5.x, as in 6.1: (start, end, migratetype, gfp_mask).
 */
static inline int smm_compat_alloc_contig_range(unsigned long start, unsigned long end,
						gfp_t gfp)
{
#ifdef ACR_FLAGS_NONE
	return alloc_contig_range(start, end, ACR_FLAGS_NONE, gfp);
#else
	return alloc_contig_range(start, end, MIGRATE_MOVABLE, gfp);
#endif
}
#endif

/*
 * smm_assign_str(): __assign_str() of a tracepoint's TP_fast_assign().
 *
 * - 6.10, commit 2c92ca849fcc ("tracing/treewide: Remove second parameter
 *   of __assign_str()") dropped the source: __string() already names it,
 *   and the copy now takes it from there.
 * - Before it, __assign_str(dst, src), the same source as __string()'s.
 *
 * __assign_str() is defined afresh in each pass over a trace header, so
 * there is nothing to test with #ifdef: the version is the test.  Used in
 * shadow_mm/trace.h only.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define smm_assign_str(dst, src)	__assign_str(dst)
#else
#define smm_assign_str(dst, src)	__assign_str(dst, src)
#endif

#if IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS)
#include <linux/dcache.h>
#include <linux/fault-inject.h>

/*
 * fault_create_debugfs_attr() of 6.1 keeps a reference to the knobs'
 * directory in attr->dname (a dget() that nothing drops), for the name in
 * its messages.  Debian's 6.12 copies the name into a char array of
 * FAULT_ATTR_DNAME_LEN bytes instead and keeps no reference; the release
 * that changed it was not pinned down here, but the macro is defined
 * beside the array, so it is the test.  A module that removes its knobs
 * must drop the old kernels' reference itself.
 */
static inline void smm_compat_fault_attr_put_dname(struct fault_attr *attr)
{
#ifndef FAULT_ATTR_DNAME_LEN
	dput(attr->dname);
	attr->dname = NULL;
#endif
}
#endif

/*
 * KUnit, for the suites in kunit/.  Only compiled when the kernel has
 * KUnit; the module never references a KUnit symbol otherwise.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/resource.h>
#include <kunit/test.h>

/*
 * kunit_add_action_or_reset(): 6.5, commit b9dce8a1ed3e ("kunit: Add
 * kunit_add_action() to defer a call until test exit").  Before it, the
 * same is a resource whose free() makes the call.  It is a function with
 * no macro beside it, so the version is the test.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
typedef void (kunit_action_t)(void *);

struct smm_compat_kunit_action {
	kunit_action_t *fn;
	void *ctx;
};

static inline int smm_compat_kunit_action_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static inline void smm_compat_kunit_action_free(struct kunit_resource *res)
{
	struct smm_compat_kunit_action *a = res->data;

	a->fn(a->ctx);
	kfree(a);
}

static inline int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
					    void *ctx)
{
	struct smm_compat_kunit_action *a = kmalloc(sizeof(*a), GFP_KERNEL);

	if (a) {
		a->fn = action;
		a->ctx = ctx;
		if (kunit_alloc_resource(test, smm_compat_kunit_action_init,
					 smm_compat_kunit_action_free, GFP_KERNEL, a))
			return 0;
		kfree(a);
	}
	action(ctx);
	return -ENOMEM;
}
#endif

/*
 * KUNIT_DEFINE_ACTION_WRAPPER(): 6.8, commit 56778b49c9a2 ("kunit: Add a
 * macro to wrap a deferred action function").  A macro: test for it.
 */
#ifndef KUNIT_DEFINE_ACTION_WRAPPER
#define KUNIT_DEFINE_ACTION_WRAPPER(wrapper, orig, arg_type)	\
	static void wrapper(void *in)				\
	{							\
		orig((arg_type)in);				\
	}
#endif

/*
 * KUNIT_CASE_SLOW() and KUNIT_CASE_PARAM_ATTR(): 6.6, commit 02c2d0c2a84a
 * ("kunit: Add speed attribute").  Before it a slow case is an ordinary
 * one, and the attributes are dropped.
 */
#ifndef KUNIT_CASE_SLOW
#define KUNIT_CASE_SLOW(test_name)	KUNIT_CASE(test_name)
#endif
#ifndef KUNIT_CASE_PARAM_ATTR
#define KUNIT_CASE_PARAM_ATTR(test_name, gen_params, attributes) \
	KUNIT_CASE_PARAM(test_name, gen_params)
#endif
/*
 * KUNIT_ARRAY_PARAM_DESC(): a parameter array whose elements name
 * themselves, added after 6.1 (6.6, "kunit: Add a macro to generate the
 * description of a parameter from a member"; the hash is not checked
 * here).  A macro: test for it, and define one that does the same.
 */
#ifndef KUNIT_ARRAY_PARAM_DESC
#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)				\
	static const void *name##_gen_params(const void *prev, char *desc)		\
	{										\
		size_t __i = prev ? ((const char *)prev - (const char *)(array)) /	\
				    sizeof((array)[0]) + 1 : 0;			\
											\
		if (__i >= ARRAY_SIZE(array))						\
			return NULL;							\
		strscpy(desc, (array)[__i].desc_member, KUNIT_PARAM_DESC_SIZE);	\
		return &(array)[__i];							\
	}
#endif
/*
 * KUNIT_EXPECT_NULL() and friends: 6.0, "kunit: Introduce _NULL and
 * _NOT_NULL macros" (the hash is not checked here).  Macros: test for
 * each, and fall back to the pointer comparisons they are made of.
 */
#ifndef KUNIT_EXPECT_NULL
#define KUNIT_EXPECT_NULL(test, ptr)	KUNIT_EXPECT_PTR_EQ(test, (const void *)(ptr), NULL)
#define KUNIT_EXPECT_NULL_MSG(test, ptr, fmt, ...) \
	KUNIT_EXPECT_PTR_EQ_MSG(test, (const void *)(ptr), NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL(test, ptr) \
	KUNIT_EXPECT_PTR_NE(test, (const void *)(ptr), NULL)
#define KUNIT_EXPECT_NOT_NULL_MSG(test, ptr, fmt, ...) \
	KUNIT_EXPECT_PTR_NE_MSG(test, (const void *)(ptr), NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL(test, ptr)	KUNIT_ASSERT_PTR_EQ(test, (const void *)(ptr), NULL)
#define KUNIT_ASSERT_NOT_NULL(test, ptr) \
	KUNIT_ASSERT_PTR_NE(test, (const void *)(ptr), NULL)
#define KUNIT_ASSERT_NOT_NULL_MSG(test, ptr, fmt, ...) \
	KUNIT_ASSERT_PTR_NE_MSG(test, (const void *)(ptr), NULL, fmt, ##__VA_ARGS__)
#endif

/*
 * KUNIT_FAIL_AND_ABORT(): KUNIT_FAIL() that ends the case, added after
 * 6.1 (6.7 or so; the commit is not checked here).  6.1 has the
 * KUNIT_FAIL_ASSERTION() it is made of.
 */
#ifndef KUNIT_FAIL_AND_ABORT
#define KUNIT_FAIL_AND_ABORT(test, fmt, ...) \
	KUNIT_FAIL_ASSERTION(test, KUNIT_ASSERTION, fmt, ##__VA_ARGS__)
#endif
#endif /* CONFIG_KUNIT */

#endif /* _SHADOW_MM_COMPAT_H */
