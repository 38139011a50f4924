// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: shadow_mm_fault, included at the end of shadow_mm/fault.c so
 * that it reaches the fault layer's internals.  Filled in next.
 */
