/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_DEBUGFS_H
#define _SHADOW_MM_DEBUGFS_H

#include <linux/dcache.h>

#include "instance.h"

int smm_debugfs_add(struct smm_instance *inst, struct dentry *root);
void smm_debugfs_remove(struct smm_instance *inst);

#endif /* _SHADOW_MM_DEBUGFS_H */
