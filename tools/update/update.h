/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone update`: nsupdate's command language, RFC 2136 updates sent to the primary. */
#pragma once

/* Entry point of the subcommand; argv[0] is "update". */
int update_main(int argc, char **argv);
