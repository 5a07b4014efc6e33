/*
 * serve: the helper's life under Squid. Answers the requests on stdin, one answer line each on
 * stdout, with the list in force (source.h), until end of input or SIGTERM/SIGINT; SIGHUP
 * reloads, SIGUSR1 writes the counters. Signals are blocked except inside ppoll(), so a flag
 * can never be missed and no request is ever cut by one: reloads and exits happen between
 * batches. A command line that is wrong does not stop it (Squid would restart it, and stop
 * itself when helpers keep dying): it serves and fails closed, saying why in every answer.
 */
#ifndef KP_SERVE_H
#define KP_SERVE_H

#include "options.h"

/* Serve until the end; returns the exit status. */
int serve(const struct options *o);

#endif
