/*
 * fuzz_allowlist: libFuzzer target for the allowlist loader. The input is a list file. A file
 * either fails (and then nothing leaks) or loads; a list that loads must survive the round trip
 * through its own normalised dump: the dump loads again and dumps the same lines.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct allowlist *
load(const char *text, size_t len)
{
	FILE *in;
	struct allowlist *al;

	if (len == 0)
		return NULL;
	if ((in = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL)
		abort();
	al = allowlist_read(in, "fuzz", NULL, NULL);
	fclose(in);
	return al;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct allowlist *al = load((const char *)data, size), *again;
	char **lines, **lines2, *text = NULL;
	size_t n, n2, i, len = 0;
	FILE *f;

	if (al == NULL)
		return 0;
	lines = allowlist_lines(al, &n);
	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
	again = load(text, len);
	if (n > 0 && again == NULL)
		abort();	/* the normalised dump must load */
	if (again != NULL) {
		lines2 = allowlist_lines(again, &n2);
		if (n2 != n)
			abort();
		for (i = 0; i < n; i++)
			if (strcmp(lines[i], lines2[i]) != 0)
				abort();	/* and mean the same */
		allowlist_lines_free(lines2, n2);
	}
	allowlist_lines_free(lines, n);
	allowlist_free(again);
	allowlist_free(al);
	free(text);
	return 0;
}
