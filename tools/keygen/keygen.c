/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone keygen NAME [-a ALG] [--bind]`: a new random TSIG key in the configuration's YAML form or BIND's key-file form. */
#include "tools/keygen/keygen.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util/base64.h"
#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/tsig.h"
#include "tools/common/msg.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: dynzone keygen NAME [-a ALG] [--bind]\n"
		     "  -a ALG   hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256 "
		     "(default),\n"
		     "           hmac-sha384 or hmac-sha512\n"
		     "  --bind   print a BIND key file instead of the dynzoned "
		     "configuration\n");
}

/* The secret is as long as the hash output (RFC 2104 §3: longer adds
 * nothing, shorter weakens the key). */
static int make_secret(dz_tsig_alg_t alg, char *b64, size_t cap)
{
	uint8_t secret[DZ_TSIG_MAC_MAX];
	size_t len = dz_tsig_alg_mac_len(alg);
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(secret + got, len - got, 0);
		if (n < 0) {
			return dz_errno();
		}
		got += (size_t)n;
	}
	int ret = dz_base64_encode(b64, cap, secret, len);
	memset(secret, 0, sizeof(secret));
	return ret < 0 ? ret : DZ_OK;
}

static void print_key(const char *name, dz_tsig_alg_t alg, const char *b64,
		      bool bind)
{
	if (bind) {
		printf("key \"%s\" {\n\talgorithm %s;\n\tsecret \"%s\";\n};\n",
		       name, dz_tsig_alg_to_str(alg), b64);
	} else {
		printf("key:\n  - id: %s\n    algorithm: %s\n    secret: %s\n",
		       name, dz_tsig_alg_to_str(alg), b64);
	}
}

int keygen_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"bind", no_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *alg_str = "hmac-sha256";
	bool bind = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:bh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == 'a') {
			alg_str = optarg;
		} else if (c == 'b') {
			bind = true;
		} else {
			usage(stderr);
			return 1;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 1;
	}
	const char *name = argv[optind];
	uint8_t wire[DZ_NAME_MAXLEN];
	char text[DZ_NAME_MAXSTR];
	dz_tsig_alg_t alg;
	if (dz_name_from_str(wire, name, strlen(name), (const uint8_t *)"") < 0 ||
	    dz_name_to_str(text, sizeof(text), wire) < 0) {
		msg_error("keygen: '%s' is not a domain name", name);
		return 1;
	}
	if (dz_tsig_alg_from_str(alg_str, strlen(alg_str), &alg) != DZ_OK) {
		msg_error("keygen: unknown algorithm '%s'", alg_str);
		return 1;
	}
	char b64[DZ_BASE64_ENCLEN(DZ_TSIG_MAC_MAX) + 1];
	int ret = make_secret(alg, b64, sizeof(b64));
	if (ret != DZ_OK) {
		msg_error("keygen: no random bytes: %s", dz_strerror(ret));
		return 1;
	}
	print_key(text, alg, b64, bind);
	return 0;
}
