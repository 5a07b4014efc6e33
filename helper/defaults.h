/*
 * defaults: the built-in kPoint allowlist, the text of conf-snippets/kpoint.conf compiled in
 * (defaults.c is generated from it at build time).
 */
#ifndef KP_DEFAULTS_H
#define KP_DEFAULTS_H

extern const char kpoint_builtin_list[];

#endif
