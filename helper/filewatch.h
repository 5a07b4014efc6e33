/*
 * filewatch: has a list file become a new version, and may that version be read yet? Owns what
 * "the same version" of a file is (inode, size, mtime and ctime: a chmod that lets the proxy
 * user read it changes only ctime) and the rule for a file edited in place: it is read only
 * once it has stood still, the same on two looks and its last write at least
 * FILEWATCH_SETTLE_SECONDS ago, so that a file being written slowly is never read half-way. A
 * file moved into place (a new inode: write, then rename) is ready at once. A file dated in
 * the future (a clock that differs, touch -d) counts as settled once seen the same on two
 * looks, rather than never.
 *
 * A look is a pure function of the watch, the file's stat and the time: the caller stats.
 */
#ifndef KP_FILEWATCH_H
#define KP_FILEWATCH_H

#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

#define FILEWATCH_SETTLE_SECONDS	2

struct filewatch {
	struct stat	seen;		/* the version last loaded or tried */
	bool		seen_valid;	/* false: none yet, or the file was gone at the last look */
	struct stat	pending;	/* an edit in place, not settled at the last look */
	bool		pending_valid;
};

/* What one look found. */
enum filewatch_look {
	FILEWATCH_UNCHANGED,	/* the version seen, or still gone: nothing to do */
	FILEWATCH_VANISHED,	/* gone since the last look (said once): keep what is in force */
	FILEWATCH_SETTLING,	/* edited in place, still moving or written too recently */
	FILEWATCH_CHANGED	/* a new version that may be read now */
};

/* Record sb (NULL: the file could not be stat'ed) as the version loaded or tried. */
void filewatch_remember(struct filewatch *w, const struct stat *sb);

/*
 * Look at the file: sb is its stat now (NULL: it could not be stat'ed), now the wall clock
 * (mtimes are wall-clock times).
 */
enum filewatch_look filewatch_look(struct filewatch *w, const struct stat *sb,
    const struct timespec *now);

/* Are a and b the same version of a file? */
bool filewatch_same(const struct stat *a, const struct stat *b);

#endif
