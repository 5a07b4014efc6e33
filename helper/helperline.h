/*
 * helperline: ext_kpoint_acl's own line in squid.conf, as the doctor needs it: which
 * external_acl_type runs it, its command line read as the helper reads it, the helper run with
 * that very line (as Squid's user, as Squid runs it), and the commands an admin types, built
 * from it (its path, and its -c list: said once, here).
 */
#ifndef KP_HELPERLINE_H
#define KP_HELPERLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "options.h"
#include "squidconf.h"

struct helperline {
	size_t		  ext;		/* the external_acl_type directive: index into sc->d */
	char		**argv;		/* the helper's command line (the directive's words), NULL-
					   terminated; argv[0] is its path */
	size_t		  argc;
	struct options	  opts;		/* that line, read as the helper reads it */
};

/*
 * The external_acl_type of sc that runs ext_kpoint_acl (name [options] FORMAT... program
 * args), into *hl. false when there is none. hl points into sc: free it first.
 */
bool helperline_find(const struct squidconf *sc, struct helperline *hl);
void helperline_free(struct helperline *hl);

/* Run the helper's line with the words a and b (NULL: none) appended, as user, into *r. */
int helperline_run(const struct helperline *hl, const char *user, unsigned timeout_ms,
    const char *a, const char *b, struct command_result *r);

/* "PATH WORDS" and, when the line names a list, " -c LIST": the command an admin types. */
char *helperline_command(const struct helperline *hl, const char *words);

#endif
