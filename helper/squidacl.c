/*
 * squidacl: acls and what a rule says about a kPoint request (see squidacl.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "note.h"
#include "squidacl.h"
#include "xalloc.h"

/* Squid's predefined acls, as the doctor judges them for kPoint traffic. */
static const char *connect_method[] = { "CONNECT" };

static const struct squid_acl predefined[] = {
	{ "all", "all", NULL, 0, NULL, 0 },
	{ "CONNECT", "method", connect_method, 1, NULL, 0 },
	{ "manager", "manager", NULL, 0, NULL, 0 },	/* the cache manager's URLs: never kPoint */
	{ "localhost", "src", NULL, 0, NULL, 0 },
	{ "to_localhost", "to_localhost", NULL, 0, NULL, 0 },	/* not kPoint's addresses */
	{ "to_linklocal", "to_localhost", NULL, 0, NULL, 0 },
};

static struct squid_acl *
find(struct acltable *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->acl[i].name, name) == 0)
			return &t->acl[i];
	return NULL;
}

void
acltable_build(struct acltable *t, const struct squidconf *sc, const char *kpoint_external)
{
	size_t i, j, cap = 0;

	memset(t, 0, sizeof *t);
	t->kpoint_external = kpoint_external;
	for (i = 0; i < sc->n; i++) {
		const struct squid_directive *d = &sc->d[i];
		struct squid_acl *a;
		bool flags = true;

		if (strcmp(d->word[0], "acl") != 0 || d->nwords < 3)
			continue;
		if ((a = find(t, d->word[1])) == NULL) {
			if (t->n == cap)
				t->acl = xreallocarray(t->acl, cap = cap * 2 + 16, sizeof *t->acl);
			a = &t->acl[t->n++];
			memset(a, 0, sizeof *a);
			a->name = d->word[1];
			a->type = d->word[2];
		}
		a->at = xreallocarray(a->at, a->nat + 1, sizeof *a->at);
		a->at[a->nat++] = i;
		a->value = xreallocarray(a->value, a->nvalues + d->nwords, sizeof *a->value);
		for (j = 3; j < d->nwords; j++) {
			/* leading flags: -i, -n, --client-requested ...; "--" ends them */
			if (flags && d->word[j][0] == '-' && d->word[j][1] != '\0' &&
			    strcmp(d->word[j], "-") != 0) {
				if (strcmp(d->word[j], "--") == 0)
					flags = false;
				continue;
			}
			flags = false;
			a->value[a->nvalues++] = d->word[j];
		}
	}
}

void
acltable_free(struct acltable *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->acl[i].value);
		free(t->acl[i].at);
	}
	free(t->acl);
	memset(t, 0, sizeof *t);
}

const struct squid_acl *
acltable_find(const struct acltable *t, const char *name)
{
	const struct squid_acl *a = find((struct acltable *)t, name);
	size_t i;

	if (a != NULL)
		return a;
	for (i = 0; i < sizeof predefined / sizeof predefined[0]; i++)
		if (strcmp(predefined[i].name, name) == 0)
			return &predefined[i];
	return NULL;
}

bool
acl_is_kpoint_external(const struct acltable *t, const struct squid_acl *a)
{
	return t->kpoint_external != NULL && strcmp(a->type, "external") == 0 &&
	    a->nvalues > 0 && strcmp(a->value[0], t->kpoint_external) == 0;
}

bool
acl_is_kpoint_note(const struct squid_acl *a, const char *value)
{
	size_t i;

	if (strcmp(a->type, "note") != 0 || a->nvalues == 0 || strcmp(a->value[0], NOTE_NAME) != 0)
		return false;
	for (i = 1; i < a->nvalues; i++)
		if (strcmp(a->value[i], value) == 0)
			return true;
	return false;
}

/* A value read from a file ("/path" in quotes): its content is not judged. */
static bool
from_file(const char *v)
{
	return v[0] == '"';
}

static enum tri
port_matches(const struct squid_acl *a, unsigned port)
{
	bool maybe = false;
	size_t i;

	for (i = 0; i < a->nvalues; i++) {
		char *end;
		unsigned long lo, hi;

		if (from_file(a->value[i])) {
			maybe = true;
			continue;
		}
		lo = hi = strtoul(a->value[i], &end, 10);
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (*end != '\0') {
			maybe = true;
			continue;
		}
		if (port >= lo && port <= hi)
			return TRI_YES;
	}
	return maybe ? TRI_MAYBE : TRI_NO;
}

static enum tri
any_value(const struct squid_acl *a, const char *want, bool nocase)
{
	bool maybe = false;
	size_t i;

	for (i = 0; i < a->nvalues; i++) {
		if (from_file(a->value[i]))
			maybe = true;
		else if (nocase ? strcasecmp(a->value[i], want) == 0 :
		    strcmp(a->value[i], want) == 0)
			return TRI_YES;
	}
	return maybe ? TRI_MAYBE : TRI_NO;
}

/* Does kPoint's own http_access rule name a, not negated? */
static bool
on_client_rule(const struct squid_acl *a, const struct kp_request *r)
{
	size_t i;

	if (r->client_rule == NULL)
		return false;
	for (i = 2; i < r->client_rule->nwords; i++)
		if (strcmp(r->client_rule->word[i], a->name) == 0)
			return true;
	return false;
}

static enum tri
acl_matches(const struct acltable *t, const struct squid_acl *a, const struct kp_request *r)
{
	static const char *step_names[] = { NULL, "SslBump1", "SslBump2", "SslBump3" };

	if (strcmp(a->type, "all") == 0)
		return TRI_YES;
	if (strcmp(a->type, "manager") == 0 || strcmp(a->type, "to_localhost") == 0)
		return TRI_NO;
	if (acl_is_kpoint_external(t, a))
		return r->listed_port ? TRI_YES : TRI_NO;
	if (strcmp(a->type, "note") == 0 && a->nvalues > 0 &&
	    strcmp(a->value[0], NOTE_NAME) == 0) {
		if (r->note == NOTE_UNSET)
			return TRI_NO;
		return a->nvalues == 1 || acl_is_kpoint_note(a, r->note == NOTE_OK ?
		    NOTE_VALUE_OK : NOTE_VALUE_DENIED) ? TRI_YES : TRI_NO;
	}
	if (on_client_rule(a, r))
		return TRI_YES;
	if (strcmp(a->type, "port") == 0)
		return port_matches(a, r->port);
	if (strcmp(a->type, "method") == 0)
		return any_value(a, r->connect ? "CONNECT" : "GET", false);
	if (strcmp(a->type, "at_step") == 0 && r->step >= 1 && r->step <= 3)
		return any_value(a, step_names[r->step], true);
	return TRI_MAYBE;
}

enum tri
acl_rule_matches(const struct acltable *t, char *const *words, size_t n,
    const struct kp_request *r)
{
	enum tri all = TRI_YES;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *w = words[i];
		bool neg = w[0] == '!';
		const struct squid_acl *a = acltable_find(t, neg ? w + 1 : w);
		enum tri v = a != NULL ? acl_matches(t, a, r) : TRI_MAYBE;

		if (neg && v != TRI_MAYBE)
			v = v == TRI_YES ? TRI_NO : TRI_YES;
		if (v == TRI_NO)
			return TRI_NO;
		if (v == TRI_MAYBE)
			all = TRI_MAYBE;
	}
	return all;
}
