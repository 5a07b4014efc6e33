/*
 * writer: the only writer of stdout, the byte layer under answer (which words each answer).
 * Answers are assembled in a buffer and written in batches:
 * the caller flushes when no complete request is left to read, so no answer waits for input.
 */
#ifndef KP_WRITER_H
#define KP_WRITER_H

#include <stddef.h>

struct writer;

/* A buffer writing to fd. */
struct writer *writer_new(int fd);
/* writer_free(NULL) is a no-op; it does not flush. */
void writer_free(struct writer *r);

/* Start an answer: "[id ]result" (result is OK, ERR or BH). */
void writer_begin(struct writer *r, const char *id, size_t idlen, const char *result);
/*
 * Append " key=value". The value is written bare when it is plain, otherwise in double quotes
 * with '"' and '\' escaped and control or non-ASCII bytes shown as '?'.
 */
void writer_kv(struct writer *r, const char *key, const char *value, size_t len);
/* End the answer with '\n'. Returns 0, or -1 if a write failed (errno set). */
int writer_end(struct writer *r);

/*
 * Make sure the transport sends each batch at once. Squid 5.7 connects external ACL helpers
 * over TCP on loopback, where Nagle's algorithm would hold a batch back until the previous
 * one is acknowledged; on a TCP socket this turns it off (TCP_NODELAY), anything else is left
 * alone. Returns 0, or -1 if a TCP socket refused (errno set).
 */
int writer_nodelay(int fd);

/* Write everything buffered. Returns 0, or -1 on a write error (errno set; EPIPE: Squid left). */
int writer_flush(struct writer *r);
/* Bytes waiting to be written. */
size_t writer_pending(const struct writer *r);
/* The bytes waiting to be written (valid until the next writer call), for tests and fuzzers. */
const char *writer_peek(const struct writer *r, size_t *len);

#endif
