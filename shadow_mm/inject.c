// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm inject: allocation failures on purpose, per instance.
 */

/**
 * DOC: fault injection
 *
 * Each instance can make its own allocations fail, the way the kernel's
 * fail_page_alloc and failslab make the host's fail
 * (Documentation/fault-injection/fault-injection.rst), so that every
 * error path of every layer can be driven from a test:
 *
 * ``<instance>/fail_page_alloc/``
 *	Shadow page allocations: the buddy allocator, and through it slab
 *	pages, page-table pages, vmalloc pages and the pages of the fault
 *	handler.  Besides the kernel's knobs it has ``sites``, which of
 *	those callers may fail (see enum smm_alloc_site), ``min-order`` and
 *	``ignore-gfp-highmem``, as the kernel's fail_page_alloc has.
 * ``<instance>/failslab/``
 *	Shadow kmem_cache_alloc() and kmalloc() of small objects, as the
 *	kernel's failslab.  (A large kmalloc is a page allocation.)
 *
 * Each directory has the kernel's knobs: ``probability`` (percent),
 * ``interval``, ``times`` (-1 for no limit), ``space`` and ``verbose``,
 * with the kernel's meanings and order of tests (should_fail_ex()), and
 * ``injected``, the number of failures so far.  Everything starts off
 * (probability 0), and then costs one test of one word on the allocation
 * paths.
 *
 * Where the kernel has CONFIG_FAULT_INJECTION_DEBUG_FS (the debug kernels
 * of ``make test``), the knobs are the kernel's own struct fault_attr,
 * should_fail() and fault_create_debugfs_attr(), with all their extras
 * (task-filter, the stack-trace filters, /proc/PID/fail-nth, the
 * verbose rate limit).  The stock kernels have CONFIG_FAULT_INJECTION off;
 * there the module carries struct smm_fail_knobs, a copy of the five
 * knobs above with the same semantics, and the same file names.  The
 * default of ``verbose`` is 1 in both: a line per failure, no stack dump.
 *
 * fail_page_alloc starts with ``min-order`` 0 and ``ignore-gfp-highmem``
 * off, where the kernel's has 1 and on: every shadow allocation can fail
 * until the knobs say otherwise.
 *
 * A failure injected is an ordinary failure to the caller: -ENOMEM, NULL,
 * or SIGBUS in the fault handler, and never a broken instance.
 */

#include <linux/debugfs.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/ratelimit.h>

#include "common.h"
#include "inject.h"

/**
 * smm_fail_knobs_should_fail() - should_fail_ex() over our copy of the knobs
 * @k: the knobs
 * @name: for the message
 * @size: what this call would use up of @k->space
 *
 * The tests in the kernel's order: probability, times, space, interval,
 * then the dice.  Used when the kernel has no fault injection, and by the
 * KUnit suite on every kernel.
 *
 * Return: true if this call is to fail; then @k->times is used up by one.
 * Context: any.
 */
bool smm_fail_knobs_should_fail(struct smm_fail_knobs *k, const char *name, ssize_t size)
{
	unsigned long interval = READ_ONCE(k->interval);
	unsigned long probability = READ_ONCE(k->probability);

	if (!probability)
		return false;
	if (!atomic_read(&k->times))
		return false;
	if (atomic_read(&k->space) > size) {
		atomic_sub(size, &k->space);
		return false;
	}
	if (interval > 1 && atomic_long_inc_return(&k->count) % interval)
		return false;
	if (probability <= get_random_u32() % 100)
		return false;
	if (READ_ONCE(k->verbose) > 0) {
		pr_notice_ratelimited("shadow_mm: FAULT_INJECTION: forcing a failure: name %s, interval %lu, probability %lu, space %d, times %d\n",
				      name, interval, probability, atomic_read(&k->space),
				      atomic_read(&k->times));
		if (READ_ONCE(k->verbose) > 1)
			dump_stack();
	}
	if (atomic_read(&k->times) != -1)
		atomic_add_unless(&k->times, -1, 0);
	return true;
}

/**
 * smm_fail_init() - knobs that never fail
 * @f: the knobs
 * @name: their directory name
 *
 * probability 0, interval 1, times 1, space 0 and verbose 1 (one line per
 * failure, rate-limited): writing a probability is enough to arm them,
 * for one failure.
 */
void smm_fail_init(struct smm_fail *f, const char *name)
{
#if SMM_FAIL_KERNEL
	f->attr = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	/* The kernel's default is no limit; its knobs can change this one. */
	ratelimit_state_init(&f->attr.ratelimit_state, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
#else
	memset(&f->attr, 0, sizeof(f->attr));
	f->attr.interval = 1;
	atomic_set(&f->attr.times, 1);
#endif
	f->attr.verbose = 1;
	atomic_long_set(&f->injected, 0);
	f->name = name;
}

/**
 * smm_should_fail() - should this allocation fail?
 * @f: the knobs
 * @size: what it would use up of the space budget
 *
 * Callers test smm_fail_armed() first.
 *
 * Return: true if it is to fail; it is counted in @f->injected.
 * Context: any.
 */
bool smm_should_fail(struct smm_fail *f, ssize_t size)
{
	bool fail;

#if SMM_FAIL_KERNEL
	fail = should_fail(&f->attr, size);
#else
	fail = smm_fail_knobs_should_fail(&f->attr, f->name, size);
#endif
	if (fail)
		atomic_long_inc(&f->injected);
	return fail;
}

static int injected_get(void *data, u64 *val)
{
	*val = atomic_long_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(injected_fops, injected_get, NULL, "%llu\n");

/**
 * smm_fail_debugfs() - the knobs' directory
 * @f: the knobs
 * @parent: the instance's directory
 *
 * Return: the directory, named @f->name, for the caller's own knobs; or
 * an ERR_PTR() (then there are no knobs, and nothing ever fails).
 * Context: process context.
 */
struct dentry *smm_fail_debugfs(struct smm_fail *f, struct dentry *parent)
{
	struct dentry *dir;

#if SMM_FAIL_KERNEL
	dir = fault_create_debugfs_attr(f->name, parent, &f->attr);
#else
	dir = debugfs_create_dir(f->name, parent);
	if (!IS_ERR(dir)) {
		debugfs_create_ulong("probability", 0600, dir, &f->attr.probability);
		debugfs_create_ulong("interval", 0600, dir, &f->attr.interval);
		debugfs_create_atomic_t("times", 0600, dir, &f->attr.times);
		debugfs_create_atomic_t("space", 0600, dir, &f->attr.space);
		debugfs_create_ulong("verbose", 0600, dir, &f->attr.verbose);
	}
#endif
	if (!IS_ERR(dir))
		debugfs_create_file_unsafe("injected", 0400, dir, &f->injected, &injected_fops);
	return dir;
}

/**
 * smm_fail_debugfs_release() - after the knobs' directory is removed
 * @f: the knobs
 *
 * Drops what fault_create_debugfs_attr() kept of the directory, on the
 * kernels where it keeps a reference (see compat.h).
 */
void smm_fail_debugfs_release(struct smm_fail *f)
{
#if SMM_FAIL_KERNEL
	smm_compat_fault_attr_put_dname(&f->attr);
#endif
}
