/* filewatch: versions of a list file and when an edit in place is settled (see filewatch.h). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "filewatch.h"

bool
filewatch_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

void
filewatch_remember(struct filewatch *w, const struct stat *sb)
{
	w->seen_valid = sb != NULL;
	if (sb != NULL)
		w->seen = *sb;
	w->pending_valid = false;
}

/* Nanoseconds from t to now; negative when t is later than now. */
static int64_t
age_ns(const struct timespec *t, const struct timespec *now)
{
	return ((int64_t)now->tv_sec - (int64_t)t->tv_sec) * 1000000000 +
	    ((int64_t)now->tv_nsec - (int64_t)t->tv_nsec);
}

enum filewatch_look
filewatch_look(struct filewatch *w, const struct stat *sb, const struct timespec *now)
{
	int64_t age;

	if (sb == NULL) {
		if (!w->seen_valid)
			return FILEWATCH_UNCHANGED;
		w->seen_valid = false;
		return FILEWATCH_VANISHED;
	}
	if (!w->seen_valid || sb->st_ino != w->seen.st_ino || sb->st_dev != w->seen.st_dev)
		return FILEWATCH_CHANGED;	/* back, or moved into place: whole */
	if (filewatch_same(sb, &w->seen))
		return FILEWATCH_UNCHANGED;
	/* the same file, written in place: the same on two looks, and written long enough ago */
	if (!w->pending_valid || !filewatch_same(sb, &w->pending)) {
		w->pending = *sb;
		w->pending_valid = true;
		return FILEWATCH_SETTLING;
	}
	age = age_ns(&sb->st_mtim, now);
	if (age >= 0 && age < (int64_t)FILEWATCH_SETTLE_SECONDS * 1000000000)
		return FILEWATCH_SETTLING;
	return FILEWATCH_CHANGED;
}
