/*
 * note: the annotation every kPoint answer carries (kpoint_=1 allowed, kpoint_=0 refused).
 * Squid attaches it to the transaction, and the snippets' note acls (kpoint_ok, kpoint_denied)
 * read it. Squid 6 wants an annotation of the helper's own to end in '_'. The answerer writes
 * it; the doctor looks for acls that read it. Nothing else.
 */
#ifndef KP_NOTE_H
#define KP_NOTE_H

#define NOTE_NAME		"kpoint_"
#define NOTE_VALUE_OK		"1"
#define NOTE_VALUE_DENIED	"0"

#endif
