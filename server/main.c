/* SPDX-License-Identifier: BSD-3-Clause */
/* dynzoned's entry point: everything is in server_run(). */
#include "server/server.h"

int main(int argc, char **argv)
{
	return server_run(argc, argv);
}
