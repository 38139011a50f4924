/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_FAULT_H
#define _SHADOW_MM_FAULT_H

#include "instance.h"

int smm_fault_register(struct smm_instance *inst);
void smm_fault_unregister(void);
int smm_fault_check(struct smm_instance *inst);
bool smm_fault_page_shared(struct smm_vmscan *vs, const struct smm_page *page);

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit suites of the layers above (compaction): no host side. */
struct smm_fault_dev;
struct smm_fmap;
struct mm_struct;

struct smm_fault_dev *smm_fault_test_dev_create(struct smm_instance *inst);
void smm_fault_test_dev_destroy(struct smm_fault_dev *dev);
struct smm_fmap *smm_fault_test_mmap(struct smm_fault_dev *dev, struct mm_struct *key,
				     unsigned long start, unsigned long pages, bool shared);
int smm_fault_test_touch(struct smm_fmap *fm, struct mm_struct *key, unsigned long addr,
			 bool write, unsigned long *pfn);
int smm_fault_test_fork(struct smm_fmap *fm, struct mm_struct *parent, struct mm_struct *child);
void smm_fault_test_unmap(struct smm_fmap *fm, struct mm_struct *key);
#endif

#endif /* _SHADOW_MM_FAULT_H */
