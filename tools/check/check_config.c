/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone check config FILE`: run `dynzoned -c FILE --check` found next to this binary. */

#include "tools/check/check.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/common/msg.h"

/*
 * tools/ must not include server/ (the configuration parser lives there), so
 * the check is delegated to the daemon's own --check, which is the very code
 * that will read the file at start-up. dynzoned is taken from the folder of
 * this executable (build/ or the install's bin/), never from PATH, so the
 * two always come from the same build. Its output and exit status are
 * passed through unchanged.
 */
static int daemon_path(char *dst, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		return -1;
	}
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash == NULL) {
		return -1;
	}
	slash[1] = '\0';
	int w = snprintf(dst, len, "%sdynzoned", self);
	return w > 0 && (size_t)w < len ? 0 : -1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: dynzone check config FILE\n\n"
		     "Validate the dynzoned configuration FILE and every zone\n"
		     "file it names; errors are printed as FILE:LINE: message.\n"
		     "exit status: 0 valid, 1 invalid, 2 usage\n");
}

int check_config_main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return CHECK_OK;
	}
	if (argc != 2) {
		usage(stderr);
		return CHECK_USAGE;
	}
	char path[PATH_MAX];
	if (daemon_path(path, sizeof(path)) != 0 || access(path, X_OK) != 0) {
		msg_error("cannot find dynzoned next to this dynzone binary");
		return CHECK_FAIL;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		msg_error("fork: %s", strerror(errno));
		return CHECK_FAIL;
	}
	if (pid == 0) {
		char *args[] = {path, "-c", argv[1], "--check", NULL};
		execv(path, args);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			msg_error("waitpid: %s", strerror(errno));
			return CHECK_FAIL;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		msg_error("%s did not run to completion", path);
		return CHECK_FAIL;
	}
	return WEXITSTATUS(status) == 0 ? CHECK_OK : CHECK_FAIL;
}
