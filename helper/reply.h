/*
 * reply: the only writer of stdout. Answers are assembled in a buffer and written in batches:
 * the caller flushes when no complete request is left to read, so no answer waits for input.
 */
#ifndef KP_REPLY_H
#define KP_REPLY_H

#include <stddef.h>

struct reply;

/* A buffer writing to fd. */
struct reply *reply_new(int fd);
/* reply_free(NULL) is a no-op; it does not flush. */
void reply_free(struct reply *r);

/* Start an answer: "[id ]result" (result is OK, ERR or BH). */
void reply_begin(struct reply *r, const char *id, size_t idlen, const char *result);
/*
 * Append " key=value". The value is written bare when it is plain, otherwise in double quotes
 * with '"' and '\' escaped and control or non-ASCII bytes shown as '?'.
 */
void reply_kv(struct reply *r, const char *key, const char *value, size_t len);
/* End the answer with '\n'. Returns 0, or -1 if a write failed (errno set). */
int reply_end(struct reply *r);

/*
 * Make sure the transport sends each batch at once. Squid 5.7 connects external ACL helpers
 * over TCP on loopback, where Nagle's algorithm would hold a batch back until the previous
 * one is acknowledged; on a TCP socket this turns it off (TCP_NODELAY), anything else is left
 * alone. Returns 0, or -1 if a TCP socket refused (errno set).
 */
int reply_nodelay(int fd);

/* Write everything buffered. Returns 0, or -1 on a write error (errno set; EPIPE: Squid left). */
int reply_flush(struct reply *r);
/* Bytes waiting to be written. */
size_t reply_pending(const struct reply *r);
/* The bytes waiting to be written (valid until the next reply call), for tests and fuzzers. */
const char *reply_peek(const struct reply *r, size_t *len);

#endif
