/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_CONTROL_H
#define _SHADOW_MM_CONTROL_H

#include <linux/seq_file.h>

struct smm_instance;

int smm_control_exec(struct smm_instance *inst, const char *cmd);
void smm_control_show(struct seq_file *m, struct smm_instance *inst);
void smm_control_release(struct smm_instance *inst);
void smm_sysctl_show(struct seq_file *m, struct smm_instance *inst);

#endif /* _SHADOW_MM_CONTROL_H */
