// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the observer's entry lifecycle
 * (module/observer/core/tcplens_life.c): the end of every state at, just
 * before and after its limit with the next deadline, the idle limit each
 * state gets, the eviction classes and the choice of a victim.
 */
#include "../core/tcplens_life.c"

#include <kunit/test.h>

static const struct tcplens_life_limits lim = {
	.idle_ms = 120000,
	.established_ms = 86400000,
};

static void life_collected(struct kunit *test)
{
	u32 next = 77;

	KUNIT_EXPECT_EQ(test, tcplens_life_due(&lim, TCPLENS_STATE_CLOSED, 0, 0,
					       &next), TCPLENS_LIFE_CLOSED);
	KUNIT_EXPECT_EQ(test, tcplens_life_due(&lim, TCPLENS_STATE_NONE, 5, 5,
					       &next), TCPLENS_LIFE_CLOSED);
	KUNIT_EXPECT_EQ(test, tcplens_life_due(&lim, TCPLENS_STATE_COUNT, 0, 0,
					       &next), TCPLENS_LIFE_CLOSED);
	KUNIT_EXPECT_EQ(test, next, 77U);
}

/* TIME_WAIT ends 2MSL after it began, even while segments still come. */
static void life_time_wait(struct kunit *test)
{
	u32 next = 0;

	KUNIT_EXPECT_EQ(test, tcplens_life_due(&lim, TCPLENS_STATE_TIME_WAIT,
					       59999, 0, &next),
			TCPLENS_LIFE_KEEP);
	KUNIT_EXPECT_EQ(test, next, 1U);
	KUNIT_EXPECT_EQ(test, tcplens_life_due(&lim, TCPLENS_STATE_TIME_WAIT,
					       TCPLENS_TIME_WAIT_MS, 0, &next),
			TCPLENS_LIFE_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, tcplens_life_due(&lim, TCPLENS_STATE_TIME_WAIT,
					       1000, 0, &next),
			TCPLENS_LIFE_KEEP);
	KUNIT_EXPECT_EQ(test, next, 59000U);
	/* an idle limit shorter than 2MSL ends it first */
	{
		struct tcplens_life_limits l = { .idle_ms = 5000,
						 .established_ms = 5000 };

		KUNIT_EXPECT_EQ(test, tcplens_life_due(&l, TCPLENS_STATE_TIME_WAIT,
						       1000, 1000, &next),
				TCPLENS_LIFE_KEEP);
		KUNIT_EXPECT_EQ(test, next, 4000U);
		KUNIT_EXPECT_EQ(test, tcplens_life_due(&l, TCPLENS_STATE_TIME_WAIT,
						       5000, 5000, &next),
				TCPLENS_LIFE_IDLE);
	}
}

/* Silent entries: gc_established_ms for ESTABLISHED and CLOSE_WAIT. */
static void life_idle(struct kunit *test)
{
	enum tcplens_state s;
	u32 next;

	for (s = TCPLENS_STATE_SYN_SENT; s < TCPLENS_STATE_COUNT; s++) {
		bool est = s == TCPLENS_STATE_ESTABLISHED ||
			   s == TCPLENS_STATE_CLOSE_WAIT;
		u32 limit = est ? lim.established_ms : lim.idle_ms;

		if (s == TCPLENS_STATE_TIME_WAIT)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, tcplens_life_idle_limit(&lim, s),
				    limit, "state %d", s);
		KUNIT_EXPECT_EQ_MSG(test, tcplens_life_due(&lim, s, limit * 2,
							   limit - 1, &next),
				    TCPLENS_LIFE_KEEP, "state %d", s);
		KUNIT_EXPECT_EQ(test, next, 1U);
		KUNIT_EXPECT_EQ_MSG(test, tcplens_life_due(&lim, s, 0, limit,
							   &next),
				    TCPLENS_LIFE_IDLE, "state %d", s);
		KUNIT_EXPECT_EQ(test, tcplens_life_due(&lim, s, 0, 0, &next),
				TCPLENS_LIFE_KEEP);
		KUNIT_EXPECT_EQ(test, next, limit);
	}
}

/* What a segment must have the tick look at again, and what not. */
static void life_recheck(struct kunit *test)
{
	const enum tcplens_state es = TCPLENS_STATE_ESTABLISHED;
	const enum tcplens_state ss = TCPLENS_STATE_SYN_SENT;

	KUNIT_EXPECT_FALSE(test, tcplens_life_recheck(es, es, false, 0));
	KUNIT_EXPECT_FALSE(test, tcplens_life_recheck(es, es, false,
						      TCPLENS_SEG_RETRANS));
	KUNIT_EXPECT_TRUE(test, tcplens_life_recheck(es, TCPLENS_STATE_CLOSE_WAIT,
						     false, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_life_recheck(es, es, true, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_life_recheck(ss, ss, false,
						     TCPLENS_SEG_RETRANS));
	KUNIT_EXPECT_FALSE(test, tcplens_life_recheck(ss, ss, false,
						      TCPLENS_SEG_ZERO_WIN));
}

static void life_evict_classes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcplens_life_evict_class(TCPLENS_STATE_CLOSED), 0);
	KUNIT_EXPECT_EQ(test, tcplens_life_evict_class(TCPLENS_STATE_COUNT), 0);
	KUNIT_EXPECT_LT(test, tcplens_life_evict_class(TCPLENS_STATE_TIME_WAIT),
			tcplens_life_evict_class(TCPLENS_STATE_SYN_RECV));
	KUNIT_EXPECT_LT(test, tcplens_life_evict_class(TCPLENS_STATE_SYN_RECV),
			tcplens_life_evict_class(TCPLENS_STATE_SYN_SENT));
	KUNIT_EXPECT_LT(test, tcplens_life_evict_class(TCPLENS_STATE_SYN_SENT),
			tcplens_life_evict_class(TCPLENS_STATE_FIN_WAIT_2));
	KUNIT_EXPECT_EQ(test, tcplens_life_evict_class(TCPLENS_STATE_ESTABLISHED),
			TCPLENS_EVICT_NEVER);
	KUNIT_EXPECT_EQ(test, tcplens_life_evict_class(TCPLENS_STATE_CLOSE_WAIT),
			TCPLENS_EVICT_NEVER);
}

/* The lowest class first, the longest silent within it; never the kept. */
static void life_victim(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, tcplens_life_better_victim(4, 0,
							   TCPLENS_EVICT_NEVER, 0));
	KUNIT_EXPECT_FALSE(test, tcplens_life_better_victim(TCPLENS_EVICT_NEVER,
							    U32_MAX,
							    TCPLENS_EVICT_NEVER, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_life_better_victim(1, 0, 2, 1000));
	KUNIT_EXPECT_FALSE(test, tcplens_life_better_victim(2, 99999, 1, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_life_better_victim(2, 1001, 2, 1000));
	KUNIT_EXPECT_FALSE(test, tcplens_life_better_victim(2, 1000, 2, 1000));
}

static struct kunit_case tcplens_life_cases[] = {
	KUNIT_CASE(life_collected),
	KUNIT_CASE(life_time_wait),
	KUNIT_CASE(life_idle),
	KUNIT_CASE(life_recheck),
	KUNIT_CASE(life_evict_classes),
	KUNIT_CASE(life_victim),
	{}
};

static struct kunit_suite tcplens_life_suite = {
	.name = "tcplens_life",
	.test_cases = tcplens_life_cases,
};

kunit_test_suites(&tcplens_life_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the tcplens observer's entry lifecycle");
