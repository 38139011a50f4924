/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the shadow_mm KUnit suites.
 */
#ifndef _SHADOW_MM_KUNIT_UTIL_H
#define _SHADOW_MM_KUNIT_UTIL_H

#include <kunit/test.h>

#include "shadow_mm/arena.h"
#include "shadow_mm/slab.h"

struct smm_instance;
struct smm_params;

struct smm_instance *smm_test_new_instance(struct kunit *test, const struct smm_params *p);
struct smm_instance *smm_test_instance(struct kunit *test, unsigned int arena_mb,
				       enum smm_slab_strategy slab);
struct smm_instance *smm_test_instance_era(struct kunit *test, unsigned int arena_mb,
					   enum smm_era era);
struct smm_arena *smm_test_fake_arena(struct kunit *test, const struct smm_chunk *chunks,
				      unsigned int nr);

u32 smm_test_pattern(unsigned long tag, unsigned int word);
void smm_test_fill_page(void *page, unsigned long tag);
int smm_test_page_mismatch(const void *page, unsigned long tag);

#endif /* _SHADOW_MM_KUNIT_UTIL_H */
