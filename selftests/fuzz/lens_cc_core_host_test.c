// SPDX-License-Identifier: GPL-2.0
/*
 * lens_cc_core_host_test - runs the KUnit suites of the lens
 * congestion-control core (module/tests/lens_cc_core_kunit.c) in userspace.
 *
 * The suites are the kernel's very file, built against kunit_shim/ (see
 * tcplens_core_host_test.c, which does the same for the observer's cores),
 * and so is the core it includes. A parametrized case runs once per
 * parameter, each run its own TAP test point "suite.case/parameter". The
 * run ends with a "N passed, N failed" line; the exit status is 1 if a case
 * failed or none ran.
 *
 *   lens_cc_core_host_test [substring]   run the test points whose name
 *                                        contains it
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kunit/test.h"

#define MAX_SUITES 16	/* registry size; lens_cc_core_kunit.c has 6 */

static struct kunit_suite *suites[MAX_SUITES];
static size_t nsuites;
static unsigned int passed, failed;

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

/* Run one case with one parameter (NULL for a plain case); report it. */
static void run_point(struct kunit_suite *suite, struct kunit_case *kc,
		      const char *name, const void *param)
{
	struct kunit test = { .name = name, .param_value = param };
	int ok;

	if (suite->init && suite->init(&test)) {
		printf("# %s: init failed\n", name);
		test.failures++;
	} else {
		if (!setjmp(test.bail))
			kc->run_case(&test);
		if (suite->exit)
			suite->exit(&test);
	}
	ok = !test.failures;
	if (ok)
		passed++;
	else
		failed++;
	printf("%s %u - %s\n", ok ? "ok" : "not ok", passed + failed, name);
}

/* Run a case: once, or once per parameter its generator yields. */
static void run_case(struct kunit_suite *suite, struct kunit_case *kc,
		     const char *filter)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	const void *param = NULL;
	char name[512];

	if (!kc->generate_params) {
		snprintf(name, sizeof(name), "%s.%s", suite->name, kc->name);
		if (!filter || strstr(name, filter))
			run_point(suite, kc, name, NULL);
		return;
	}
	for (;;) {
		desc[0] = '\0';
		param = kc->generate_params(param, desc);
		if (!param)
			break;
		snprintf(name, sizeof(name), "%s.%s/%s", suite->name,
			 kc->name, desc);
		if (!filter || strstr(name, filter))
			run_point(suite, kc, name, param);
	}
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	struct kunit_case *kc;
	size_t i;

	printf("TAP version 13\n");
	for (i = 0; i < nsuites; i++)
		for (kc = suites[i]->test_cases; kc->run_case; kc++)
			run_case(suites[i], kc, filter);
	printf("1..%u\n", passed + failed);
	printf("lens_cc_core: %u passed, %u failed\n", passed, failed);
	return failed || !(passed + failed) ? 1 : 0;
}
