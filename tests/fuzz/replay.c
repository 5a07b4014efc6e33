/*
 * replay: runs a fuzz target over its saved corpus, tests/fuzz/corpus/<CORPUS>/, with any
 * compiler and no libFuzzer, so that "make check" keeps every input ever found passing. A
 * crash or an invariant's abort() fails the test.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char dir[4096], path[8192];
	struct dirent *de;
	size_t count = 0;
	DIR *d;

	snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", top != NULL ? top : ".", CORPUS);
	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		FILE *f;
		long size;
		uint8_t *buf;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
		    (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
			perror(path);
			return 1;
		}
		buf = malloc((size_t)size + 1);
		if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
			perror(path);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)size);
		free(buf);
		count++;
	}
	closedir(d);
	printf("%zu passed, 0 failed\n", count);
	return count > 0 ? 0 : 1;
}
