/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_BENCH_H
#define _SHADOW_MM_BENCH_H

#include <linux/dcache.h>

void smm_bench_debugfs_init(struct dentry *root);

#endif /* _SHADOW_MM_BENCH_H */
