/*
 * tools: the operator's one-shot modes, one function each. --check, --dump, --emit, --explain
 * and --verify run on the list (-c FILE, or the built-in one); --doctor reads squid.conf
 * instead. Each writes its report to stdout and returns the process's exit status: 2 for a
 * command line that is wrong (said on stderr), 1 for a list that does not load (its errors as
 * FILE:LINE: message on stderr), otherwise the mode's own status (see the man page).
 */
#ifndef KP_TOOLS_H
#define KP_TOOLS_H

#include "options.h"

int tool_check(const struct options *o);
int tool_dump(const struct options *o);
int tool_emit(const struct options *o);
int tool_explain(const struct options *o);
int tool_verify(const struct options *o);
int tool_doctor(const struct options *o);
int tool_cloudfront(const struct options *o);

#endif
