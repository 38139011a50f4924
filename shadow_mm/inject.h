/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_INJECT_H
#define _SHADOW_MM_INJECT_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/dcache.h>
#include <linux/fault-inject.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/types.h>

/*
 * The kernel's own fault_attr, should_fail() and debugfs knobs when it has
 * them; the stock Debian kernels do not (CONFIG_FAULT_INJECTION is off),
 * and there struct smm_fail_knobs is a copy of the same knobs.
 */
#if IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS)
#define SMM_FAIL_KERNEL	1
#else
#define SMM_FAIL_KERNEL	0
#endif

/**
 * struct smm_fail_knobs - the knobs of struct fault_attr, for kernels
 * without CONFIG_FAULT_INJECTION
 * @probability: percent of the eligible calls that fail, 0 (off) to 100
 * @interval: only every @interval-th eligible call may fail
 * @times: failures left; -1 is no limit
 * @space: a budget, in the unit the call site passes (bytes for failslab,
 *	pages for fail_page_alloc), that calls use up before any fails
 * @verbose: 0 quiet, 1 one line per failure, 2 a stack dump as well
 * @count: calls that passed every other test, for @interval
 *
 * Documentation/fault-injection/fault-injection.rst describes each knob;
 * smm_fail_knobs_should_fail() applies them in should_fail_ex()'s order.
 */
struct smm_fail_knobs {
	unsigned long probability;
	unsigned long interval;
	atomic_t times;
	atomic_t space;
	unsigned long verbose;
	atomic_long_t count;
};

/**
 * struct smm_fail - when to make an allocation fail on purpose
 * @attr: the knobs: the kernel's struct fault_attr, or our copy of it
 * @injected: failures injected so far
 * @name: the knobs' directory name, for the messages
 */
struct smm_fail {
#if SMM_FAIL_KERNEL
	struct fault_attr attr;
#else
	struct smm_fail_knobs attr;
#endif
	atomic_long_t injected;
	const char *name;
};

void smm_fail_init(struct smm_fail *f, const char *name);
bool smm_should_fail(struct smm_fail *f, ssize_t size);
struct dentry *smm_fail_debugfs(struct smm_fail *f, struct dentry *parent);
void smm_fail_debugfs_release(struct smm_fail *f);
bool smm_fail_knobs_should_fail(struct smm_fail_knobs *k, const char *name, ssize_t size);

/**
 * smm_fail_armed() - may this ever fail?
 * @f: the knobs
 *
 * The one test on an allocation fast path: probability 0 (the default)
 * never fails, as in should_fail_ex().  With the kernel's knobs, a task's
 * /proc/PID/fail-nth counts even then, so that is looked at too.
 *
 * Return: true if smm_should_fail() must be asked.
 */
static inline bool smm_fail_armed(const struct smm_fail *f)
{
#if SMM_FAIL_KERNEL
	if (in_task() && READ_ONCE(current->fail_nth))
		return true;
#endif
	return READ_ONCE(f->attr.probability) != 0;
}

#endif /* _SHADOW_MM_INJECT_H */
