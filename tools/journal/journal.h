/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone journal`: inspect zone journals offline. */
#pragma once

/* Exit statuses of the journal subcommands. */
enum {
	JOURNAL_OK = 0,    /* printed in full */
	JOURNAL_FAIL = 1,  /* unreadable or corrupt journal */
	JOURNAL_USAGE = 2, /* bad command line */
};

/* `dynzone journal print FILE`; argv[0] is "journal". Returns an exit
 * status. */
int journal_main(int argc, char **argv);
