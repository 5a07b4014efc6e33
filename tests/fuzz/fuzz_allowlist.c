/*
 * fuzz_allowlist: libFuzzer target for the allowlist loader (listfile) and its listing. The input is a list file. A file
 * either fails (and then nothing leaks) or loads; a list that loads must survive the round trip
 * through its own normalised dump: the dump loads again, dumps the same lines and has the
 * same entries.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"
#include "listfile.h"
#include "listing.h"

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
	al = listfile_read(in, "fuzz", NULL, NULL);
	fclose(in);
	return al;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct allowlist *al = load((const char *)data, size), *again;
	struct listing l, l2;
	char *text = NULL;
	size_t i, len = 0;
	FILE *f;

	if (al == NULL)
		return 0;
	listing_make(al, LISTING_ALL, &l);
	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	for (i = 0; i < l.n; i++)
		fprintf(f, "%s\n", l.item[i].line);
	fclose(f);
	again = load(text, len);
	if (l.n > 0 && again == NULL)
		abort();	/* the normalised dump must load */
	if (again != NULL) {
		listing_make(again, LISTING_ALL, &l2);
		if (l2.n != l.n)
			abort();
		for (i = 0; i < l.n; i++)
			if (strcmp(l.item[i].line, l2.item[i].line) != 0)
				abort();	/* and mean the same */
		listing_free(&l2);
		if (listing_missing(al, again) != 0 || listing_missing(again, al) != 0)
			abort();	/* entry for entry */
	}
	listing_free(&l);
	allowlist_free(again);
	allowlist_free(al);
	free(text);
	return 0;
}
