/*
 * squidacl: the acls of a squid.conf as Squid applied them (see squidconf.h), and what one rule
 * line (http_access, adaptation_access, ssl_bump) says about one kPoint request: it matches, it
 * does not, or it turns on something no configuration can tell (the client's address beyond
 * kPoint's own rule, the time, DNS, a file of values). Only the acl types that decide where
 * kPoint goes are judged: all, port, method, the kPoint helper's external acl, the helper's
 * note, at_step; the rest are "maybe". Squid's predefined acls (all, CONNECT, manager,
 * localhost, to_localhost, to_linklocal) are known by name.
 */
#ifndef KP_SQUIDACL_H
#define KP_SQUIDACL_H

#include <stdbool.h>
#include <stddef.h>

#include "squidconf.h"

enum tri {
	TRI_NO,
	TRI_YES,
	TRI_MAYBE	/* depends on what no configuration says */
};

/* The helper's annotation on the transaction when a rule is judged. */
enum note_state {
	NOTE_UNSET,	/* kPoint's http_access rule has not been asked yet */
	NOTE_OK,	/* kpoint_=1: allowed (a listed port) */
	NOTE_DENIED	/* kpoint_=0: kPoint on a port the list does not allow */
};

/* A kPoint request, as far as the acls judged here can tell one from another. */
struct kp_request {
	bool				 connect;	/* CONNECT, else GET */
	unsigned			 port;
	bool				 listed_port;	/* the helper answers OK (else ERR) */
	enum note_state			 note;
	const struct squid_directive	*client_rule;	/* kPoint's own http_access rule: the
							   other acls it names hold */
	int				 step;		/* ssl_bump step 1-3; 0 outside */
};

struct squid_acl {
	const char	 *name;
	const char	 *type;		/* "port", "external", ...; "all" etc. for predefined */
	const char	**value;	/* the values, flags ("-n", "-i", "--x") left out; borrowed
					   from the directives */
	size_t		  nvalues;
	size_t		 *at;		/* the acl directives that define it (squidconf.d) */
	size_t		  nat;
};

struct acltable {
	struct squid_acl	*acl;
	size_t			 n;
	const char		*kpoint_external;	/* the external_acl_type that runs the
							   helper; NULL if none */
};

/* Collect sc's acls. The table borrows from sc, which must outlive it. */
void acltable_build(struct acltable *t, const struct squidconf *sc, const char *kpoint_external);
void acltable_free(struct acltable *t);

/* The acl called name (a defined or a predefined one), or NULL. */
const struct squid_acl *acltable_find(const struct acltable *t, const char *name);

/*
 * Does a rule whose acl words are words[0..n-1] ("name" or "!name", all of which must match)
 * match r?
 */
enum tri acl_rule_matches(const struct acltable *t, char *const *words, size_t n,
    const struct kp_request *r);

/* Is a the kPoint helper's external acl? */
bool acl_is_kpoint_external(const struct acltable *t, const struct squid_acl *a);
/* Is a the helper's note with this value (NOTE_VALUE_OK or NOTE_VALUE_DENIED)? */
bool acl_is_kpoint_note(const struct squid_acl *a, const char *value);

#endif
