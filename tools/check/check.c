/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone check`: dispatches to what is being checked. */

#include "tools/check/check.h"

#include <stdio.h>
#include <string.h>

#include "tools/common/msg.h"

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: dynzone check zone [--print] FILE ORIGIN\n"
		"       dynzone check config FILE\n\n"
		"  zone   parse FILE as the zone ORIGIN (RFC 1035 master format\n"
		"         with $ORIGIN, $TTL, $INCLUDE, $GENERATE), run the zone\n"
		"         checks, and print 'OK' when it would load; with\n"
		"         --print, write the zone in canonical order to stdout\n"
		"  config validate the dynzoned configuration FILE and every\n"
		"         zone file it names (runs dynzoned -c FILE --check)\n\n"
		"exit status: 0 valid, 1 invalid, 2 usage\n");
}

int check_main(int argc, char **argv)
{
	if (argc < 2) {
		check_usage(stderr);
		return CHECK_USAGE;
	}
	const char *what = argv[1];
	if (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0) {
		check_usage(stdout);
		return CHECK_OK;
	}
	if (strcmp(what, "zone") == 0) {
		return check_zone_main(argc - 1, argv + 1);
	}
	if (strcmp(what, "config") == 0) {
		return check_config_main(argc - 1, argv + 1);
	}
	msg_error("unknown check '%s' (see 'dynzone check --help')", what);
	return CHECK_USAGE;
}
