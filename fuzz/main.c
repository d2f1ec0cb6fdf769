/* SPDX-License-Identifier: BSD-3-Clause */
/* Replays fuzz corpora through LLVMFuzzerTestOneInput so they run as tests. */

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Large enough for any useful input; a bigger file is a corpus mistake. */
#define REPLAY_MAX_INPUT (16u * 1024 * 1024)

static int replay_path(const char *path, size_t *count);

static int read_whole(const char *path, uint8_t **out, size_t *outlen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	int ret = -1;
	while (buf != NULL) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap) {
			ret = ferror(f) ? -1 : 0;
			break;
		}
		if (cap >= REPLAY_MAX_INPUT) {
			errno = EFBIG;
			break;
		}
		uint8_t *nbuf = realloc(buf, cap * 2);
		if (nbuf == NULL) {
			break;
		}
		buf = nbuf;
		cap *= 2;
	}
	fclose(f);
	if (ret != 0) {
		free(buf);
		return -1;
	}
	/* Shrink to exactly len bytes so ASan flags any read past the input. */
	uint8_t *exact = realloc(buf, len > 0 ? len : 1);
	*out = exact != NULL ? exact : buf;
	*outlen = len;
	return 0;
}

static int replay_file(const char *path, size_t *count)
{
	uint8_t *data = NULL;
	size_t len = 0;
	if (read_whole(path, &data, &len) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	(void)LLVMFuzzerTestOneInput(data, len);
	free(data);
	(*count)++;
	return 0;
}

static int replay_dir(const char *path, size_t *count)
{
	struct dirent **ents = NULL;
	/* Sorted, so a failure reproduces in the same order everywhere. */
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int ret = 0;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (ret == 0 && name[0] != '.') {
			size_t plen = strlen(path) + strlen(name) + 2;
			char *child = malloc(plen);
			if (child == NULL) {
				ret = -1;
			} else {
				snprintf(child, plen, "%s/%s", path, name);
				ret = replay_path(child, count);
				free(child);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return ret;
}

static int replay_path(const char *path, size_t *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		return replay_dir(path, count);
	}
	return replay_file(path, count);
}

int main(int argc, char **argv)
{
	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		if (replay_path(argv[i], &count) != 0) {
			return 1;
		}
	}
	printf("%zu inputs replayed\n", count);
	return 0;
}
