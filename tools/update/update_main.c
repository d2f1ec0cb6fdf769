/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone update`: options, then nsupdate's command language line by line from a file or stdin. */
#include "tools/update/update.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/tsig_keyfile.h"
#include "tools/common/msg.h"
#include "tools/update/update_internal.h"

/* Exit statuses, as nsupdate's: 1 input or usage error, 2 update failed. */
#define EXIT_SYNTAX 1
#define EXIT_FAILED 2

static void usage(FILE *out)
{
	fprintf(out,
		"usage: dynzone update [-v|--trace] [-d] [-y [alg:]name:secret] "
		"[-k keyfile]\n"
		"                      [-t timeout] [-u udp-timeout] [-r retries] "
		"[-T] [-p port]\n"
		"                      [--resolver ADDR[@PORT]] [FILE]\n\n"
		"Reads nsupdate's commands (server, local, zone, class, ttl, key,\n"
		"prereq, update add|delete, send, answer, show, quit) from FILE or "
		"stdin.\n"
		"  -v, --trace   print how the primary is found, and the outcome\n"
		"  -d            print the messages sent and received\n"
		"  -T            use TCP only\n"
		"  -t SECONDS    TCP timeout (default 10)\n"
		"  -u SECONDS    UDP timeout per try (default 3)\n"
		"  -r RETRIES    UDP retries (default 2: 3 tries)\n"
		"  -p PORT       port of servers given without one, and of the "
		"primary found (53)\n"
		"  --resolver ADDR[@PORT]  where SOA and MNAME look-ups go "
		"(default: /etc/resolv.conf)\n");
}

static int parse_uint(const char *opt, const char *s, unsigned max,
		      unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v > max) {
		msg_error("update: %s: '%s' is not a number from 0 to %u", opt,
			  s, max);
		return DZ_ESYNTAX;
	}
	*out = (unsigned)v;
	return DZ_OK;
}

static int load_keyfile(update_session_t *s, const char *path)
{
	char buf[16384];
	dz_tsig_keyfile_diag_t diag = {0};
	size_t count = 0;
	dz_tsig_key_t keys[1];
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		msg_error("update: cannot open key file %s: %s", path,
			  strerror(errno));
		return DZ_ENOENT;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	int ret = dz_tsig_keyfile_parse(buf, n, keys, 1, &count, &diag);
	if (ret != DZ_OK || count == 0) {
		msg_error("update: %s:%u:%u: %s", path, diag.line, diag.col,
			  ret == DZ_ELIMIT ? "more than one key"
			  : count == 0 && ret == DZ_OK ? "no key in the file"
			  : dz_tsig_keyfile_why_str(diag.why));
		return DZ_ESYNTAX;
	}
	s->key = keys[0];
	s->has_key = true;
	return DZ_OK;
}

static int apply_option(update_session_t *s, int c, const char *arg)
{
	unsigned v = 0;
	int ret = DZ_OK;
	switch (c) {
	case 'v':
		s->verbose = true;
		break;
	case 'd':
		s->debug = true;
		break;
	case 'T':
		s->copts.tcp = true;
		break;
	case 'y':
		ret = dz_tsig_key_from_spec(&s->key, arg);
		s->has_key = ret == DZ_OK;
		if (ret != DZ_OK) {
			msg_error("update: -y: bad key: %s", dz_strerror(ret));
		}
		break;
	case 'k':
		ret = load_keyfile(s, arg);
		break;
	case 't':
		ret = parse_uint("-t", arg, 3600, &v);
		s->copts.tcp_timeout_ms = v * 1000;
		break;
	case 'u':
		ret = parse_uint("-u", arg, 3600, &v);
		s->copts.udp_timeout_ms = v * 1000;
		break;
	case 'r':
		ret = parse_uint("-r", arg, 100, &v);
		s->copts.tries = v + 1;
		break;
	case 'p':
		ret = parse_uint("-p", arg, 65535, &v);
		s->port = (uint16_t)v;
		break;
	case 'R':
		ret = client_addr_parse(arg, NULL, 53, &s->resolver);
		s->has_resolver = ret == DZ_OK;
		if (ret != DZ_OK) {
			msg_error("update: --resolver: '%s' is not ADDR[@PORT]",
				  arg);
		}
		break;
	default:
		ret = DZ_EINVAL;
	}
	return ret;
}

static int run_command(update_session_t *s, update_cmd_t cmd, int *status)
{
	switch (cmd) {
	case UPDATE_CMD_SEND:
		if (update_send(s) != 0) {
			*status = EXIT_FAILED;
		}
		break;
	case UPDATE_CMD_SHOW:
		update_show(s);
		break;
	case UPDATE_CMD_ANSWER:
		update_answer(s);
		break;
	case UPDATE_CMD_QUIT:
		return 1;
	case UPDATE_CMD_NONE:
		break;
	}
	return 0;
}

/* Every line in turn; stops at the first syntax error (as nsupdate does
 * when not interactive). At the end of input nothing more is sent. */
static int run_input(update_session_t *s, FILE *in, const char *where)
{
	char *line = NULL, err[512];
	size_t cap = 0;
	unsigned lineno = 0;
	int status = 0;
	while (getline(&line, &cap, in) >= 0) {
		update_cmd_t cmd;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (update_parse_line(s, line, &cmd, err, sizeof(err)) != DZ_OK) {
			fprintf(stderr, "%s:%u: %s\n", where, lineno, err);
			status = EXIT_SYNTAX;
			break;
		}
		if (run_command(s, cmd, &status) != 0) {
			break;
		}
	}
	free(line);
	return status;
}

int update_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"trace", no_argument, NULL, 'v'},
		{"resolver", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	update_session_t s;
	int c;
	update_session_init(&s);
	optind = 1;
	while ((c = getopt_long(argc, argv, "vdTy:k:t:u:r:p:h", longopts,
				NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || apply_option(&s, c, optarg) != DZ_OK) {
			usage(stderr);
			return EXIT_SYNTAX;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return EXIT_SYNTAX;
	}
	const char *path = optind < argc ? argv[optind] : NULL;
	FILE *in = path != NULL ? fopen(path, "r") : stdin;
	if (in == NULL) {
		msg_error("update: cannot open %s: %s", path, strerror(errno));
		return EXIT_SYNTAX;
	}
	int status = run_input(&s, in, path != NULL ? path : "stdin");
	if (in != stdin) {
		fclose(in);
	}
	update_session_clear(&s);
	return status;
}
