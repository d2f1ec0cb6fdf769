/* SPDX-License-Identifier: BSD-3-Clause */
/* dynzone: the command-line tool; main only dispatches to a subcommand. */

#include <stdio.h>
#include <string.h>

#include "tools/check/check.h"
#include "tools/common/msg.h"
#include "tools/ctl/ctl.h"
#include "tools/demo/demo.h"
#include "tools/journal/journal.h"
#include "tools/keygen/keygen.h"
#include "tools/update/update.h"

#ifndef DZ_VERSION
#define DZ_VERSION "unknown"
#endif

typedef struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command_t;

/* Later: update, doctor, trace, agent (DESIGN.md §1). */
static const command_t commands[] = {
	{"check", check_main,
	 "validate a zone file or a configuration without starting anything"},
	{"ctl", ctl_main, "control a running dynzoned (status, reload, stats)"},
	{"journal", journal_main, "print a zone journal as a list of changes"},
	{"update", update_main, "send RFC 2136 updates (nsupdate's command language)"},
	{"keygen", keygen_main, "print a new TSIG key for the configuration"},
	{"demo", demo_main, "run a primary and a secondary, show one update reach the secondary"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: dynzone [--help | --version] COMMAND [ARGS...]\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	}
	fprintf(out, "\n'dynzone COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("dynzone %s\n", DZ_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name) == 0) {
			/* The subcommand sees itself as argv[0]. */
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	msg_error("unknown command '%s' (see 'dynzone --help')", cmd);
	return 2;
}
