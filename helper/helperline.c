/* helperline: the helper's own line in squid.conf (see helperline.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "helperline.h"
#include "xalloc.h"

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

bool
helperline_find(const struct squidconf *sc, struct helperline *hl)
{
	size_t i, j;

	memset(hl, 0, sizeof *hl);
	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];

		if (!squid_directive_is(d, "external_acl_type") || d->nwords < 3)
			continue;
		/* past the acl's name, its options (a=b, ipv4, ipv6) and FORMAT (%...) */
		for (j = 2; j < d->nwords; j++)
			if (d->word[j][0] != '%' && strchr(d->word[j], '=') == NULL &&
			    strcmp(d->word[j], "ipv4") != 0 && strcmp(d->word[j], "ipv6") != 0)
				break;
		if (j == d->nwords || strcmp(base_name(d->word[j]), PACKAGE) != 0)
			continue;
		hl->ext = i;
		hl->argc = d->nwords - j;
		hl->argv = xreallocarray(NULL, hl->argc + 1, sizeof *hl->argv);
		memcpy(hl->argv, d->word + j, hl->argc * sizeof *hl->argv);
		hl->argv[hl->argc] = NULL;
		options_parse(&hl->opts, (int)hl->argc, hl->argv, true);
		return true;
	}
	return false;
}

void
helperline_free(struct helperline *hl)
{
	free(hl->argv);
	memset(hl, 0, sizeof *hl);
}

int
helperline_run(const struct helperline *hl, const char *user, unsigned timeout_ms,
    const char *a, const char *b, struct command_result *r)
{
	const char **argv = xreallocarray(NULL, hl->argc + 3, sizeof *argv);
	size_t i;
	int rc;

	for (i = 0; i < hl->argc; i++)
		argv[i] = hl->argv[i];
	argv[hl->argc] = a;
	argv[hl->argc + 1] = a != NULL ? b : NULL;
	argv[hl->argc + 2] = NULL;
	rc = command_run(argv, user, timeout_ms, r);
	free(argv);
	return rc;
}

char *
helperline_command(const struct helperline *hl, const char *words)
{
	if (hl->opts.config != NULL)
		return xasprintf("%s %s -c %s", hl->argv[0], words, hl->opts.config);
	return xasprintf("%s %s", hl->argv[0], words);
}
