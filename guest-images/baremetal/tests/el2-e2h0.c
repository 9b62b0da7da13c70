// SPDX-License-Identifier: GPL-2.0
/*
 * A hyp-stub round trip at virtual EL2 without VHE, for lkvm --nested
 * --e2h0 (HCR_EL2.E2H = 0). The test is el2-common.h; el2-vhe.c is the
 * same for --nested. Prints "EL2: PASS e2h=0 hvc round trip ok".
 */
#define EL2_EXPECT_E2H 0

#include "el2-common.h"
