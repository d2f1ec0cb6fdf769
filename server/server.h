/* SPDX-License-Identifier: BSD-3-Clause */
/* dynzoned as a library call: parse the command line, serve until stopped. */
#pragma once

/*
 * Run the daemon: `dynzoned [-c FILE] [--check] [-p PIDFILE] [-V] [-h]`.
 * Without -c it serves the embedded default (DESIGN.md §1). Returns the
 * process exit status: 0 after an orderly stop (or a passing --check), 1 on
 * a configuration, zone (--check) or start-up error, 2 on bad usage.
 */
int server_run(int argc, char **argv);
