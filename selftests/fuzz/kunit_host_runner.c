// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_host_runner - runs KUnit suites of the pure cores in userspace.
 *
 * The suites are the kernel's very files (module/<module>/tests/<core>_kunit.c, which
 * include the core they test), built against kunit_shim/, which maps the
 * KUnit API onto this runner; each file registers its suites from a
 * constructor. The Makefile links one binary per component. A
 * parametrized case runs once per parameter, each run its own TAP test
 * point "suite.case/parameter". The run ends with a "NAME: N passed, N
 * failed" line; the exit status is 1 if a case failed or none ran.
 *
 *   <binary> [substring]   run the test points whose name contains it
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kunit/test.h"

#define MAX_SUITES 64	/* registry size; every component fits */

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
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct kunit_case *kc;
	size_t i;

	printf("TAP version 13\n");
	for (i = 0; i < nsuites; i++)
		for (kc = suites[i]->test_cases; kc->run_case; kc++)
			run_case(suites[i], kc, filter);
	printf("1..%u\n", passed + failed);
	printf("%s: %u passed, %u failed\n", name, passed, failed);
	return failed || !(passed + failed) ? 1 : 0;
}
