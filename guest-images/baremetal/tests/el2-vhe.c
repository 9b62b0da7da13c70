// SPDX-License-Identifier: GPL-2.0
/*
 * A hyp-stub round trip at virtual EL2 with VHE, for lkvm --nested (KVM's
 * default: HCR_EL2.E2H is RES1). The test is el2-common.h; el2-e2h0.c is
 * the same for --nested --e2h0. Prints "EL2: PASS e2h=1 hvc round trip ok".
 */
#define EL2_EXPECT_E2H 1

#include "el2-common.h"
