/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_BRINGUP_H
#define _SHADOW_MM_BRINGUP_H

struct smm_instance;
struct smm_params;

int smm_bringup_612(struct smm_instance *inst, const struct smm_params *p);

#endif /* _SHADOW_MM_BRINGUP_H */
