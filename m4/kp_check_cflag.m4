# KP_CHECK_CFLAG(FLAG, ACTION-IF-ACCEPTED)
# Runs ACTION when the C compiler accepts FLAG without a warning.
AC_DEFUN([KP_CHECK_CFLAG], [
	AC_MSG_CHECKING([whether $CC accepts $1])
	kp_save_CFLAGS="$CFLAGS"
	CFLAGS="$CFLAGS $1 -Werror"
	AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
		[AC_MSG_RESULT([yes]); $2],
		[AC_MSG_RESULT([no])])
	CFLAGS="$kp_save_CFLAGS"
])
