/*
 * Unit tests for the list source's file handling: filewatch's rule for a file edited in place
 * (read only once it has stood still: the same on two looks, last written at least
 * FILEWATCH_SETTLE_SECONDS ago), a file moved into place or gone, and the reloader refusing a
 * file that changes while it is read.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "filewatch.h"
#include "reloader.h"

/* A stat of a file: inode ino, size, last written (and changed) at mtime seconds. */
static struct stat
version(ino_t ino, off_t size, time_t mtime, long nsec)
{
	struct stat sb;

	memset(&sb, 0, sizeof sb);
	sb.st_dev = 1;
	sb.st_ino = ino;
	sb.st_size = size;
	sb.st_mtim.tv_sec = sb.st_ctim.tv_sec = mtime;
	sb.st_mtim.tv_nsec = sb.st_ctim.tv_nsec = nsec;
	return sb;
}

static struct timespec
at(time_t sec, long nsec)
{
	return (struct timespec){ sec, nsec };
}

START_TEST(edit_in_place_waits_to_settle)
{
	struct filewatch w;
	struct stat loaded = version(7, 100, 1000, 0), edited = version(7, 140, 1010, 500000000);
	struct timespec t;

	filewatch_remember(&w, &loaded);
	t = at(1005, 0);
	ck_assert_int_eq(filewatch_look(&w, &loaded, &t), FILEWATCH_UNCHANGED);
	/* first seen: settling, however old the write */
	t = at(1020, 0);
	ck_assert_int_eq(filewatch_look(&w, &edited, &t), FILEWATCH_SETTLING);
	/* written again: settling again */
	edited = version(7, 150, 1030, 600000000);
	t = at(1031, 0);
	ck_assert_int_eq(filewatch_look(&w, &edited, &t), FILEWATCH_SETTLING);
	/* the same on a second look, but written 1.9 s ago (2 by whole seconds): wait */
	t = at(1032, 500000000);
	ck_assert_int_eq(filewatch_look(&w, &edited, &t), FILEWATCH_SETTLING);
	t = at(1032, 600000000);
	ck_assert_int_eq(filewatch_look(&w, &edited, &t), FILEWATCH_CHANGED);
	/* loaded: remembered, then unchanged */
	filewatch_remember(&w, &edited);
	t = at(1040, 0);
	ck_assert_int_eq(filewatch_look(&w, &edited, &t), FILEWATCH_UNCHANGED);
}
END_TEST

START_TEST(still_moving_never_settles)
{
	struct filewatch w;
	struct stat loaded = version(7, 100, 1000, 0), s;
	struct timespec t;
	int i;

	filewatch_remember(&w, &loaded);
	/* written again between every two looks, each look long after the write before */
	for (i = 1; i <= 10; i++) {
		s = version(7, 100 + i, 1000 + 10 * i, 0);
		t = at(1000 + 10 * i + 5, 0);
		ck_assert_int_eq(filewatch_look(&w, &s, &t), FILEWATCH_SETTLING);
	}
	ck_assert_int_eq(filewatch_look(&w, &s, &t), FILEWATCH_CHANGED);
}
END_TEST

START_TEST(moved_into_place_at_once)
{
	struct filewatch w;
	struct stat loaded = version(7, 100, 1000, 0), renamed = version(8, 100, 1050, 0);
	struct timespec t = at(1050, 0);

	filewatch_remember(&w, &loaded);
	ck_assert_int_eq(filewatch_look(&w, &renamed, &t), FILEWATCH_CHANGED);
}
END_TEST

START_TEST(gone_said_once_then_back)
{
	struct filewatch w;
	struct stat loaded = version(7, 100, 1000, 0);
	struct timespec t = at(1100, 0);

	filewatch_remember(&w, &loaded);
	ck_assert_int_eq(filewatch_look(&w, NULL, &t), FILEWATCH_VANISHED);
	ck_assert_int_eq(filewatch_look(&w, NULL, &t), FILEWATCH_UNCHANGED);
	/* back, even as the very same version: read again, whole */
	ck_assert_int_eq(filewatch_look(&w, &loaded, &t), FILEWATCH_CHANGED);
	/* never there at all */
	filewatch_remember(&w, NULL);
	ck_assert_int_eq(filewatch_look(&w, NULL, &t), FILEWATCH_UNCHANGED);
}
END_TEST

START_TEST(dated_in_the_future)
{
	struct filewatch w;
	struct stat loaded = version(7, 100, 1000, 0), edited = version(7, 120, 5000, 0);
	struct timespec t = at(1100, 0);

	filewatch_remember(&w, &loaded);
	ck_assert_int_eq(filewatch_look(&w, &edited, &t), FILEWATCH_SETTLING);
	t = at(1101, 0);
	ck_assert_int_eq(filewatch_look(&w, &edited, &t), FILEWATCH_CHANGED);
}
END_TEST

START_TEST(same_version)
{
	struct stat a = version(7, 100, 1000, 5), b = a;

	ck_assert(filewatch_same(&a, &b));
	b.st_ctim.tv_nsec++;	/* chmod */
	ck_assert(!filewatch_same(&a, &b));
	b = a;
	b.st_mtim.tv_nsec++;
	ck_assert(!filewatch_same(&a, &b));
	b = a;
	b.st_dev = 2;
	ck_assert(!filewatch_same(&a, &b));
}
END_TEST

/*
 * The writer: waits until the reloader has begun reading path (inotify: the first read), then
 * appends to it, while the reloader is still reading the rest.
 */
struct writer_arg {
	const char	*path;
	int		 ifd;
};

static void *
append_once_read(void *arg)
{
	struct writer_arg *wa = arg;
	char ev[sizeof(struct inotify_event) + 256];
	FILE *f;

	if (read(wa->ifd, ev, sizeof ev) <= 0 || (f = fopen(wa->path, "a")) == NULL)
		return NULL;
	fputs("host late.kpoint.com\n", f);
	fclose(f);
	return (void *)1;
}

/* path: a list of n host lines (long enough that reading it takes many reads). */
static void
write_list(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	int i;

	ck_assert_ptr_nonnull(f);
	fputs("port 443\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "host h%d.example.kpoint.com\n", i);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(changed_while_read_is_refused)
{
	char dir[] = "/tmp/check_source.XXXXXX", path[64];
	struct reload_result res;
	struct writer_arg wa;
	pthread_t t;
	void *appended = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/k.conf", dir);
	write_list(path, 100000);
	/* left alone, it loads */
	reloader_load(path, NULL, &res);
	ck_assert_ptr_nonnull(res.list);
	allowlist_free(res.list);
	free(res.errors);
	/* appended to while it is read: not loaded, and said so */
	wa.path = path;
	ck_assert_int_ge(wa.ifd = inotify_init1(IN_CLOEXEC), 0);
	ck_assert_int_ge(inotify_add_watch(wa.ifd, path, IN_ACCESS), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, append_once_read, &wa), 0);
	reloader_load(path, NULL, &res);
	pthread_join(t, &appended);
	close(wa.ifd);
	ck_assert_ptr_nonnull(appended);
	ck_assert_ptr_null(res.list);
	ck_assert_uint_eq(res.nerrors, 1);
	ck_assert_ptr_nonnull(res.errors);
	ck_assert_ptr_nonnull(strstr(res.errors, ": changed while it was read"));
	free(res.errors);
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("source");
	TCase *watch = tcase_create("filewatch"), *rl = tcase_create("reloader");

	tcase_add_test(watch, edit_in_place_waits_to_settle);
	tcase_add_test(watch, still_moving_never_settles);
	tcase_add_test(watch, moved_into_place_at_once);
	tcase_add_test(watch, gone_said_once_then_back);
	tcase_add_test(watch, dated_in_the_future);
	tcase_add_test(watch, same_version);
	tcase_add_test(rl, changed_while_read_is_refused);
	tcase_set_timeout(rl, 60);	/* 100000 lines twice, under valgrind or a sanitizer */
	suite_add_tcase(s, watch);
	suite_add_tcase(s, rl);
	return s;
}
