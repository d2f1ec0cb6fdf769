/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone demo`: run a primary and a secondary dynzoned and show one update travel between them. */
#pragma once

/*
 * Entry point of `dynzone demo [OPTIONS]` (argv[0] is "demo"). Starts two
 * dynzoned processes on loopback in a temporary folder, sends one signed
 * update to the primary, prints the chain of events of both logs, stops
 * both. Returns 0 when the secondary served the change, 1 on any failure
 * (with both logs' tails printed), 2 on a usage error.
 */
int demo_main(int argc, char **argv);
