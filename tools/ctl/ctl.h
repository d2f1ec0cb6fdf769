/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone ctl`: talk to a running dynzoned over its control socket. */
#pragma once

/*
 * Entry point of `dynzone ctl [-s SOCKET] [--json] [-t SECONDS] COMMAND
 * [ARGS...]`; argv[0] is "ctl". Prints the answer on stdout. Exit status 0
 * when the daemon answers ok, 1 when it answers with an error or cannot be
 * reached, 2 for usage errors.
 */
int ctl_main(int argc, char **argv);
