// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_core_host_test - runs the KUnit suites of the observer's pure
 * cores (module/tests/tcplens_{fsm,parse,wheel}_kunit.c) in userspace.
 *
 * The suites are the kernel's very files, built against kunit_shim/, which
 * maps the KUnit API onto this runner; each file registers its suites from
 * a constructor. Output is TAP, one test point per case, then a
 * "N passed, N failed" line; the exit status is 1 if any case failed.
 *
 *   tcplens_core_host_test [substring]   run the cases whose
 *                                        "suite.case" name contains it
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kunit/test.h"

#define MAX_SUITES 32	/* registry size; all of ours fit many times */

static struct kunit_suite *suites[MAX_SUITES];
static size_t nsuites;

void kunit_shim_register(struct kunit_suite *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (nsuites == MAX_SUITES) {
			fprintf(stderr, "too many suites\n");
			exit(2);
		}
		suites[nsuites++] = list[i];
	}
}

void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *fmt, ...)
{
	va_list ap;

	test->failures++;
	printf("# %s: FAIL at %s:%d: ", test->name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void kunit_shim_note(const char *fmt, ...)
{
	va_list ap;

	if (!strcmp(fmt, " "))
		return;
	printf("#  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Run one case; returns whether it passed. */
static int run_case(struct kunit_suite *suite, struct kunit_case *kc,
		    const char *name)
{
	struct kunit test = { .name = name };

	if (suite->init && suite->init(&test)) {
		printf("# %s: init failed\n", name);
		return 0;
	}
	if (!setjmp(test.bail))
		kc->run_case(&test);
	if (suite->exit)
		suite->exit(&test);
	return !test.failures;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned int passed = 0, failed = 0;
	size_t i;

	printf("TAP version 13\n");
	for (i = 0; i < nsuites; i++) {
		struct kunit_case *kc;

		for (kc = suites[i]->test_cases; kc->run_case; kc++) {
			char name[512];

			snprintf(name, sizeof(name), "%s.%s", suites[i]->name,
				 kc->name);
			if (filter && !strstr(name, filter))
				continue;
			if (run_case(suites[i], kc, name)) {
				passed++;
				printf("ok %u - %s\n", passed + failed, name);
			} else {
				failed++;
				printf("not ok %u - %s\n", passed + failed,
				       name);
			}
		}
	}
	printf("1..%u\n", passed + failed);
	printf("tcplens_core: %u passed, %u failed\n", passed, failed);
	return failed || !(passed + failed) ? 1 : 0;
}
