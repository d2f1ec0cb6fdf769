/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone ctl`: send one command to the daemon's control socket and print its answer. */
#include "tools/ctl/ctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ctl/ctl_proto.h"
#include "lib/util/errcode.h"
#include "tools/common/msg.h"
#include "tools/ctl/ctl_client.h"

#define DEFAULT_SOCKET "./dynzone-data/control.sock"
#define DEFAULT_TIMEOUT_S 60
#define MAX_TIMEOUT_S 86400

typedef struct {
	const char *socket;
	bool json;
	int timeout_s;
	int first_cmd; /* index of COMMAND in argv */
	bool help;
} params_t;

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: dynzone ctl [-s SOCKET] [--json] [-t SECONDS] COMMAND "
	        "[ARGS...]\n\n"
	        "Send COMMAND to a running dynzoned and print its answer.\n\n"
	        "options:\n"
	        "  -s, --socket SOCKET  control socket (default %s)\n"
	        "  -j, --json           ask for a JSON answer\n"
	        "  -t, --timeout SECS   give up after SECS seconds (default "
	        "%d)\n"
	        "  -h, --help           show this text\n\n"
	        "commands: 'dynzone ctl help' lists what the daemon knows, "
	        "e.g. status [ZONE],\n"
	        "reload [ZONE], sync ZONE, notify ZONE, refresh ZONE, "
	        "retransfer ZONE,\n"
	        "stats, stop, log CATEGORY on|off.\n",
	        DEFAULT_SOCKET, DEFAULT_TIMEOUT_S);
}

static int parse_timeout(const char *s, int *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0 ||
	    v > MAX_TIMEOUT_S) {
		return DZ_EINVAL;
	}
	*out = (int)v;
	return DZ_OK;
}

/* Value of an option given as "-s X", "--socket X" or "--socket=X". */
static const char *opt_value(int argc, char **argv, int *i, const char *s,
                             const char *l)
{
	const char *a = argv[*i];
	size_t ll = strlen(l);
	if (strncmp(a, l, ll) == 0 && a[ll] == '=') {
		return a + ll + 1;
	}
	if (strcmp(a, s) != 0 && strcmp(a, l) != 0) {
		return NULL;
	}
	if (*i + 1 >= argc) {
		msg_error("option %s needs a value", a);
		return "";
	}
	return argv[++*i];
}

/* One option at argv[*i]; DZ_OK or DZ_EINVAL (message already written). */
static int parse_option(int argc, char **argv, int *i, params_t *p)
{
	const char *a = argv[*i];
	const char *v;
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		p->help = true;
	} else if (strcmp(a, "-j") == 0 || strcmp(a, "--json") == 0) {
		p->json = true;
	} else if ((v = opt_value(argc, argv, i, "-s", "--socket")) != NULL) {
		if (v[0] == '\0') {
			return DZ_EINVAL;
		}
		p->socket = v;
	} else if ((v = opt_value(argc, argv, i, "-t", "--timeout")) != NULL) {
		if (v[0] == '\0' || parse_timeout(v, &p->timeout_s) != DZ_OK) {
			msg_error("bad timeout '%s' (seconds, 1..%d)", v,
			          MAX_TIMEOUT_S);
			return DZ_EINVAL;
		}
	} else if (strcmp(a, "-c") == 0 || strncmp(a, "--config", 8) == 0) {
		/* tools/ may not use server/conf; the daemon's config parser
		 * is not available here yet. */
		msg_error("-c is not supported yet; give the socket with -s");
		return DZ_EINVAL;
	} else {
		msg_error("unknown option '%s' (see 'dynzone ctl --help')", a);
		return DZ_EINVAL;
	}
	return DZ_OK;
}

static int parse_params(int argc, char **argv, params_t *p)
{
	*p = (params_t){.socket = DEFAULT_SOCKET,
	                .timeout_s = DEFAULT_TIMEOUT_S};
	int i = 1;
	for (; i < argc && !p->help; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			break;
		}
		if (parse_option(argc, argv, &i, p) != DZ_OK) {
			return DZ_EINVAL;
		}
	}
	p->first_cmd = i;
	if (!p->help && i >= argc) {
		msg_error("no command given (see 'dynzone ctl --help')");
		return DZ_EINVAL;
	}
	return DZ_OK;
}

/* Build the request, naming the first string the protocol refuses. */
static int build_request(const params_t *p, int argc, char **argv,
                         dz_ctl_req_t *req)
{
	size_t n = (size_t)(argc - p->first_cmd);
	const char *const *v = (const char *const *)argv + p->first_cmd;
	uint8_t flags = p->json ? DZ_CTL_FLAG_JSON : 0;
	int ret = dz_ctl_req_init(req, flags, n, v);
	if (ret == DZ_OK) {
		return DZ_OK;
	}
	if (n > DZ_CTL_MAX_ARGS) {
		msg_error("too many arguments (at most %d)", DZ_CTL_MAX_ARGS - 1);
	} else if (!dz_ctl_cmd_is_valid(v[0], strlen(v[0]))) {
		msg_error("invalid command name '%s'", v[0]);
	} else {
		for (size_t i = 1; i < n; i++) {
			if (!dz_ctl_arg_is_valid(v[i], strlen(v[i]))) {
				msg_error("invalid argument %zu (empty, over %d "
				          "octets, control characters or not "
				          "UTF-8)",
				          i, DZ_CTL_MAX_ARG_LEN);
				break;
			}
		}
	}
	return ret;
}

/* strerror for POSIX codes ("No such file or directory"), ours otherwise. */
static const char *err_str(int code)
{
	return code > -1000 && code < 0 ? strerror(-code) : dz_strerror(code);
}

static int print_response(const dz_ctl_resp_t *resp)
{
	if (resp->status != DZ_OK) {
		if (resp->text_len > 0) {
			msg_error("%.*s", (int)resp->text_len, resp->text);
		} else {
			msg_error("%s", dz_strerror(resp->status));
		}
		return 1;
	}
	if (resp->text_len > 0) {
		fwrite(resp->text, 1, resp->text_len, stdout);
		if (resp->text[resp->text_len - 1] != '\n') {
			fputc('\n', stdout);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg_error("cannot write output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

static int run(const params_t *p, const dz_ctl_req_t *req)
{
	int fd = -1;
	int ret = ctl_client_connect(p->socket, &fd);
	if (ret != DZ_OK) {
		msg_error("cannot connect to %s: %s - is dynzoned running?",
		          p->socket, err_str(ret));
		return 1;
	}
	uint8_t *frame = NULL;
	dz_ctl_resp_t resp;
	ret = ctl_client_call(fd, req, p->timeout_s * 1000, &frame, &resp);
	close(fd);
	if (ret != DZ_OK) {
		msg_error("%s: %s", p->socket,
		          ret == DZ_ETRUNC ? "the daemon closed the connection"
		                           : err_str(ret));
		return 1;
	}
	int rc = print_response(&resp);
	free(frame);
	return rc;
}

int ctl_main(int argc, char **argv)
{
	params_t p;
	if (parse_params(argc, argv, &p) != DZ_OK) {
		return 2;
	}
	if (p.help) {
		usage(stdout);
		return 0;
	}
	dz_ctl_req_t *req = malloc(sizeof(*req));
	if (req == NULL) {
		msg_error("out of memory");
		return 1;
	}
	int rc = 2;
	if (build_request(&p, argc, argv, req) == DZ_OK) {
		rc = run(&p, req);
	}
	free(req);
	return rc;
}
