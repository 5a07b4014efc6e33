/*
 * check_main.h: the main() every Check test binary shares. The including file defines
 * "static Suite *suite(void)". Check prints its summary line ("100%: Checks: N, Failures: 0,
 * Errors: 0") and the exit status is non-zero on any failure.
 */
#ifndef KP_CHECK_MAIN_H
#define KP_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static Suite *suite(void);

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);	/* CK_VERBOSITY chooses; CK_NORMAL when unset */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
