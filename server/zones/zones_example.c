/* SPDX-License-Identifier: BSD-3-Clause */
/* The built-in example zone that `dynzoned` without -c writes and serves (DESIGN.md §1). */
#include "server/zones/zones.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/zones/zone_file_io.h"

/*
 * Written as a zone file rather than built in memory so the operator can
 * edit it and try `dynzone ctl reload` on the first day. Every common answer
 * class is here: referral glue (ns1/ns2 on loopback), a CNAME, an SRV with
 * additional addresses, a wildcard.
 */
static const char example_zone[] =
        "; dynzone built-in example zone, written by dynzoned on its first\n"
        "; start. Edit it, then run `dynzone ctl reload example.test.`.\n"
        "$ORIGIN example.test.\n"
        "$TTL 3600\n"
        "@\t\tIN SOA\tns1.example.test. hostmaster.example.test. (\n"
        "\t\t\t1\t; serial\n"
        "\t\t\t3600\t; refresh\n"
        "\t\t\t900\t; retry\n"
        "\t\t\t604800\t; expire\n"
        "\t\t\t300 )\t; minimum (negative answers)\n"
        "\t\tIN NS\tns1\n"
        "\t\tIN NS\tns2\n"
        "\t\tIN MX\t10 mail\n"
        "\t\tIN TXT\t\"v=spf1 mx -all\"\n"
        "\t\tIN A\t192.0.2.1\n"
        "\t\tIN AAAA\t2001:db8::1\n"
        "ns1\t\tIN A\t127.0.0.1\n"
        "ns2\t\tIN A\t127.0.0.2\n"
        "mail\t\tIN A\t192.0.2.25\n"
        "mail\t\tIN AAAA\t2001:db8::25\n"
        "www\t\tIN A\t192.0.2.80\n"
        "www\t\tIN AAAA\t2001:db8::80\n"
        "ftp\t\tIN CNAME\twww\n"
        "_http._tcp\tIN SRV\t10 5 80 www\n"
        "*.hosts\t\tIN A\t192.0.2.200\n"
        "*.hosts\t\tIN TXT\t\"any name under hosts.example.test. "
        "matches this wildcard\"\n";

static int make_parent(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir) {
		return DZ_OK;
	}
	*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		return dz_errno();
	}
	return DZ_OK;
}

int zones_write_example(const char *path, bool *written)
{
	int ret = make_parent(path);
	if (ret != DZ_OK) {
		return ret;
	}
	/* O_EXCL: an existing file, edited or not, is the operator's. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST) {
			*written = false;
			return DZ_OK;
		}
		return dz_errno();
	}
	ret = zone_file_write_all(fd, example_zone, sizeof(example_zone) - 1);
	if (close(fd) != 0 && ret == DZ_OK) {
		ret = dz_errno();
	}
	if (ret != DZ_OK) {
		(void)unlink(path); /* a half-written zone would fail to load */
		return ret;
	}
	*written = true;
	return DZ_OK;
}
