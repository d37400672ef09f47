/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <kunit/test.h>: the subset of KUnit the pure-core
 * suites in module/<module>/tests/ use, so that tcplens_core_host_test runs the very
 * same test files on the host. Cases register themselves through
 * kunit_test_suites(); the runner (kunit_host_runner.c) runs them and
 * prints TAP. A failed expectation marks the case failed and goes on; a
 * failed assertion also ends the case, as in the kernel.
 */
#ifndef _TCPLENS_KUNIT_SHIM_H
#define _TCPLENS_KUNIT_SHIM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifndef BIT
#define BIT(nr) (1UL << (nr))
#endif
#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

/* module metadata: a harmless declaration that takes the semicolon */
#define MODULE_LICENSE(s) extern int kunit_shim_modinfo
#define MODULE_DESCRIPTION(s) extern int kunit_shim_modinfo
#define MODULE_AUTHOR(s) extern int kunit_shim_modinfo

/* Room for a parameter's description, as in the kernel. */
#define KUNIT_PARAM_DESC_SIZE 128

struct kunit {
	const char *name;	/* "suite.case" */
	int failures;		/* failed expectations and assertions */
	jmp_buf bail;		/* where a failed assertion goes */
	const void *param_value; /* current parameter of a KUNIT_CASE_PARAM */
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	/* next parameter after @prev (NULL: the first); NULL when done */
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char name[256];
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn) { .run_case = fn, .name = #fn }
#define KUNIT_CASE_PARAM(fn, gen)					\
	{ .run_case = fn, .name = #fn, .generate_params = gen }

/* A generator walking @array, as the kernel's KUNIT_ARRAY_PARAM(). */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__typeof__((array) + 0) __first = (array);		\
		__typeof__(__first) __next = prev ?			\
			(__typeof__(__first))prev + 1 : __first;	\
		void (*__get_desc)(__typeof__(__first), char *) = get_desc; \
									\
		if ((size_t)(__next - __first) >=			\
		    sizeof(array) / sizeof((array)[0]))			\
			return NULL;					\
		if (__get_desc)						\
			__get_desc(__next, desc);			\
		return __next;						\
	}

void kunit_shim_register(struct kunit_suite *const *suites, size_t n);
void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *fmt, ...);
void kunit_shim_note(const char *fmt, ...);

#define kunit_test_suites(...)						\
	static struct kunit_suite *const kunit_shim_suites[] = {	\
		__VA_ARGS__						\
	};								\
	__attribute__((constructor)) static void kunit_shim_ctor(void)	\
	{								\
		kunit_shim_register(kunit_shim_suites,			\
				    sizeof(kunit_shim_suites) /		\
				    sizeof(kunit_shim_suites[0]));	\
	}

#define kunit_info(test, fmt, ...) \
	printf("# %s: " fmt, (test)->name, ##__VA_ARGS__)

#define KUNIT_SHIM_CHECK(test, fatal, cond, fmt, ...)			\
	do {								\
		struct kunit *__t = (test);				\
									\
		if (!(cond)) {						\
			kunit_shim_fail(__t, __FILE__, __LINE__,	\
					fmt, ##__VA_ARGS__);		\
			if (fatal)					\
				longjmp(__t->bail, 1);			\
		}							\
	} while (0)

#define KUNIT_SHIM_BINARY(test, fatal, l, op, r, ...)			\
	do {								\
		struct kunit *__t = (test);				\
		const __typeof__(l) __l = (l);				\
		const __typeof__(r) __r = (r);				\
									\
		if (!(__l op __r)) {					\
			kunit_shim_fail(__t, __FILE__, __LINE__,	\
					"%s " #op " %s (%lld vs %lld)",	\
					#l, #r, (long long)__l,		\
					(long long)__r);		\
			kunit_shim_note(" " __VA_ARGS__);		\
			if (fatal)					\
				longjmp(__t->bail, 1);			\
		}							\
	} while (0)

#define KUNIT_FAIL(test, fmt, ...) \
	KUNIT_SHIM_CHECK(test, 0, 0, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_SHIM_CHECK(t, 0, c, "%s", #c)
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_SHIM_CHECK(t, 0, !(c), "!%s", #c)
#define KUNIT_ASSERT_TRUE(t, c)		KUNIT_SHIM_CHECK(t, 1, c, "%s", #c)
#define KUNIT_ASSERT_FALSE(t, c)	KUNIT_SHIM_CHECK(t, 1, !(c), "!%s", #c)
#define KUNIT_EXPECT_TRUE_MSG(t, c, ...)				\
	do {								\
		if (!(c)) {						\
			kunit_shim_fail(t, __FILE__, __LINE__, "%s", #c); \
			kunit_shim_note(" " __VA_ARGS__);		\
		}							\
	} while (0)
#define KUNIT_EXPECT_FALSE_MSG(t, c, ...)				\
	do {								\
		if (c) {						\
			kunit_shim_fail(t, __FILE__, __LINE__, "!%s", #c); \
			kunit_shim_note(" " __VA_ARGS__);		\
		}							\
	} while (0)

#define KUNIT_EXPECT_EQ(t, l, r)	KUNIT_SHIM_BINARY(t, 0, l, ==, r)
#define KUNIT_EXPECT_NE(t, l, r)	KUNIT_SHIM_BINARY(t, 0, l, !=, r)
#define KUNIT_EXPECT_LT(t, l, r)	KUNIT_SHIM_BINARY(t, 0, l, <, r)
#define KUNIT_EXPECT_LE(t, l, r)	KUNIT_SHIM_BINARY(t, 0, l, <=, r)
#define KUNIT_EXPECT_GT(t, l, r)	KUNIT_SHIM_BINARY(t, 0, l, >, r)
#define KUNIT_EXPECT_GE(t, l, r)	KUNIT_SHIM_BINARY(t, 0, l, >=, r)
#define KUNIT_ASSERT_EQ(t, l, r)	KUNIT_SHIM_BINARY(t, 1, l, ==, r)
#define KUNIT_ASSERT_NE(t, l, r)	KUNIT_SHIM_BINARY(t, 1, l, !=, r)
#define KUNIT_EXPECT_EQ_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, 0, l, ==, r, __VA_ARGS__)

#define KUNIT_EXPECT_PTR_EQ(t, l, r) \
	KUNIT_SHIM_CHECK(t, 0, (l) == (r), "%s == %s", #l, #r)
#define KUNIT_EXPECT_NULL(t, p) \
	KUNIT_SHIM_CHECK(t, 0, !(p), "%s is NULL", #p)
#define KUNIT_EXPECT_NOT_NULL(t, p) \
	KUNIT_SHIM_CHECK(t, 0, (p), "%s is not NULL", #p)
#define KUNIT_ASSERT_NOT_NULL(t, p) \
	KUNIT_SHIM_CHECK(t, 1, (p), "%s is not NULL", #p)
#define KUNIT_SHIM_STR(t, l, op, r)					\
	do {								\
		const char *__ls = (l), *__rs = (r);			\
									\
		KUNIT_SHIM_CHECK(t, 0, strcmp(__ls, __rs) op 0,		\
				 "%s " #op " %s (\"%s\" vs \"%s\")",	\
				 #l, #r, __ls, __rs);			\
	} while (0)

#define KUNIT_EXPECT_STREQ(t, l, r)	KUNIT_SHIM_STR(t, l, ==, r)
#define KUNIT_EXPECT_STRNEQ(t, l, r)	KUNIT_SHIM_STR(t, l, !=, r)

#endif /* _TCPLENS_KUNIT_SHIM_H */
