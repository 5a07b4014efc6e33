/*
 * fuzz_squidconf: libFuzzer target for the reader of Squid's parse report (what "squid -k parse"
 * writes: "Processing Configuration File: F (depth N)" and "Processing: <directive>" lines
 * among Squid's other messages), the part of --doctor that reads another program's output.
 * The input is the report. Invariants: it returns 0 or -1; on -1 a message says why; on 0
 * every directive has a first word that is not empty, comes from a file Squid reported, and
 * every included file points at a directive before it; squidconf_free leaves it zeroed.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "squidconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct squidconf zero;
	struct squidconf sc;
	size_t i;
	int r;

	memset(&sc, 0, sizeof sc);
	r = squidconf_parse_report((const char *)data, size, &sc);
	if (r != 0 && r != -1)
		abort();
	if (r == -1 && (sc.message == NULL || sc.message[0] == '\0'))
		abort();
	if (r == 0) {
		for (i = 0; i < sc.n; i++) {
			if (sc.d[i].nwords == 0 || sc.d[i].word[0][0] == '\0' ||
			    sc.d[i].file >= sc.nfiles)
				abort();
			if (squidconf_file_of(&sc, &sc.d[i]) != &sc.file[sc.d[i].file])
				abort();
		}
		for (i = 0; i < sc.nfiles; i++)
			if (sc.file[i].included &&
			    (sc.file[i].depth == 0 || sc.file[i].include_at >= sc.n))
				abort();
	}
	squidconf_free(&sc);
	if (memcmp(&sc, &zero, sizeof sc) != 0)
		abort();
	return 0;
}
