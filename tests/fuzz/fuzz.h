/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what every fuzz target shares: the libFuzzer entry points, so
 * that the targets compile warning-free as replay drivers too (replay.c).
 */
#ifndef MC_FUZZ_H
#define MC_FUZZ_H
#include <stddef.h>
#include <stdint.h>

/* Runs one input; returns 0 (libFuzzer ignores the value). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional one-time set-up; the replay driver calls it when defined. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
