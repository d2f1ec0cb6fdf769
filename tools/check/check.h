/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone check`: validate zone files (and later configurations) offline. */
#pragma once

/* Exit statuses shared by the check subcommands. */
enum {
	CHECK_OK = 0,    /* valid (warnings may have been printed) */
	CHECK_FAIL = 1,  /* the input is invalid or could not be read */
	CHECK_USAGE = 2, /* bad command line */
};

/* `dynzone check SUBJECT ...`; argv[0] is "check". Returns an exit status. */
int check_main(int argc, char **argv);

/* `dynzone check zone [--print] FILE ORIGIN`; argv[0] is "zone". */
int check_zone_main(int argc, char **argv);

/* `dynzone check config FILE`; argv[0] is "config". */
int check_config_main(int argc, char **argv);
