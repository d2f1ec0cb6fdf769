/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone keygen`: a new random TSIG key in the configuration's (or BIND's) form. */
#pragma once

/* Entry point of the subcommand; argv[0] is "keygen". */
int keygen_main(int argc, char **argv);
