/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_FAULT_H
#define _SHADOW_MM_FAULT_H

#include "instance.h"

int smm_fault_register(struct smm_instance *inst);
void smm_fault_unregister(void);
int smm_fault_check(struct smm_instance *inst);
bool smm_fault_page_shared(struct smm_vmscan *vs, const struct smm_page *page);

#endif /* _SHADOW_MM_FAULT_H */
