// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the observer's anomaly rules (module/observer/core/tcplens_anomaly.c):
 * the parameter table and its ranges, classification of every state at,
 * just before and after each threshold with the deadline returned, the
 * raise rule of each kind at its boundary, attribution and the age
 * histogram buckets.
 */
#include "../core/tcplens_anomaly.c"

#include <kunit/test.h>

/* A connection in @state, @age_ms in it and @idle_ms silent. */
static struct tcplens_anomaly_conn conn(u8 state, u32 age_ms, u32 idle_ms)
{
	struct tcplens_anomaly_conn c = {
		.state = state,
		.age_ms = age_ms,
		.idle_ms = idle_ms,
	};

	return c;
}

static void anomaly_params(struct kunit *test)
{
	struct tcplens_anomaly_thresh t;
	unsigned int i;

	tcplens_anomaly_defaults(&t);
	for (i = 0; i < TCPLENS_AP_COUNT; i++) {
		const struct tcplens_anomaly_param_desc *p =
			tcplens_anomaly_param(i);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_NOT_NULL(test, p->name);
		KUNIT_EXPECT_LE(test, p->min, p->def);
		KUNIT_EXPECT_LE(test, p->def, p->max);
		KUNIT_EXPECT_EQ(test, t.val[i], p->def);
		KUNIT_EXPECT_TRUE(test, tcplens_anomaly_param_valid(i, p->min));
		KUNIT_EXPECT_TRUE(test, tcplens_anomaly_param_valid(i, p->max));
		KUNIT_EXPECT_FALSE(test,
				   tcplens_anomaly_param_valid(i, p->min - 1));
		if (p->max != U32_MAX)
			KUNIT_EXPECT_FALSE(test,
					   tcplens_anomaly_param_valid(i, p->max + 1));
	}
	KUNIT_EXPECT_NULL(test, tcplens_anomaly_param(TCPLENS_AP_COUNT));
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_param_valid(TCPLENS_AP_COUNT, 1));
	KUNIT_EXPECT_STREQ(test, tcplens_anomaly_param(TCPLENS_AP_RST_RATE)->name,
			   "rst_storm_rate");
}

static void anomaly_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, tcplens_anomaly_name(TCPLENS_ANOM_NONE), "none");
	KUNIT_EXPECT_STREQ(test, tcplens_anomaly_name(TCPLENS_ANOM_CLOSE_WAIT),
			   "close_wait");
	KUNIT_EXPECT_STREQ(test, tcplens_anomaly_name(TCPLENS_ANOM_RST_STORM),
			   "rst_storm");
	KUNIT_EXPECT_STREQ(test, tcplens_anomaly_name(TCPLENS_ANOM_COUNT),
			   "invalid");
}

/* An age threshold of @state: none before (deadline = rest), kind after. */
static void expect_age_rule(struct kunit *test,
			    const struct tcplens_anomaly_thresh *t, u8 state,
			    u32 limit, enum tcplens_anomaly_kind kind, bool idle)
{
	struct tcplens_anomaly_conn c;
	u32 next;

	c = idle ? conn(state, 0, limit - 1) : conn(state, limit - 1, 0);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(t, &c, &next),
			TCPLENS_ANOM_NONE);
	KUNIT_EXPECT_EQ(test, next, 1U);

	c = idle ? conn(state, 0, 0) : conn(state, 0, 0);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(t, &c, &next),
			TCPLENS_ANOM_NONE);
	KUNIT_EXPECT_EQ(test, next, limit);

	c = idle ? conn(state, 0, limit) : conn(state, limit, 0);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(t, &c, &next), kind);
	KUNIT_EXPECT_EQ(test, next, TCPLENS_ANOM_NEVER);

	c = idle ? conn(state, 0, limit + 5000) : conn(state, limit + 5000, 0);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(t, &c, &next), kind);
}

static void anomaly_classify_age(struct kunit *test)
{
	struct tcplens_anomaly_thresh t;
	struct tcplens_anomaly_conn c;
	u32 next;

	tcplens_anomaly_defaults(&t);
	t.val[TCPLENS_AP_CLOSE_WAIT_MS] = 2000;
	t.val[TCPLENS_AP_FIN_WAIT2_MS] = 3000;
	t.val[TCPLENS_AP_LAST_ACK_MS] = 4000;
	t.val[TCPLENS_AP_HALF_OPEN_MS] = 5000;
	expect_age_rule(test, &t, TCPLENS_STATE_CLOSE_WAIT, 2000,
			TCPLENS_ANOM_CLOSE_WAIT, false);
	expect_age_rule(test, &t, TCPLENS_STATE_FIN_WAIT_2, 3000,
			TCPLENS_ANOM_FIN_WAIT2, false);
	expect_age_rule(test, &t, TCPLENS_STATE_LAST_ACK, 4000,
			TCPLENS_ANOM_LAST_ACK, false);
	expect_age_rule(test, &t, TCPLENS_STATE_ESTABLISHED, 5000,
			TCPLENS_ANOM_HALF_OPEN, true);

	/* half_open is about silence, not age in ESTABLISHED */
	c = conn(TCPLENS_STATE_ESTABLISHED, 100000, 10);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_NONE);
	KUNIT_EXPECT_EQ(test, next, 4990U);
	/* and CLOSE_WAIT about age, even with segments flowing */
	c = conn(TCPLENS_STATE_CLOSE_WAIT, 2500, 0);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_CLOSE_WAIT);
}

static void anomaly_classify_syn(struct kunit *test)
{
	struct tcplens_anomaly_thresh t;
	struct tcplens_anomaly_conn c;
	u32 next;

	tcplens_anomaly_defaults(&t);
	t.val[TCPLENS_AP_SYN_WAIT_MS] = 1000;
	t.val[TCPLENS_AP_CONNECT_RETRIES] = 2;

	c = conn(TCPLENS_STATE_SYN_RECV, 999, 0);
	c.answered = true;
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_NONE);
	KUNIT_EXPECT_EQ(test, next, 1U);
	c.age_ms = 1000;
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_SYN_FLOOD);
	c.answered = false;
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_SYN_DROPPED);

	c = conn(TCPLENS_STATE_SYN_SENT, 60000, 0);
	c.retrans = 1;
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_NONE);
	KUNIT_EXPECT_EQ(test, next, TCPLENS_ANOM_NEVER);
	c.retrans = 2;
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_CONNECT_TIMEOUT);
}

static void anomaly_classify_other(struct kunit *test)
{
	static const u8 quiet[] = {
		TCPLENS_STATE_NONE, TCPLENS_STATE_CLOSED,
		TCPLENS_STATE_FIN_WAIT_1, TCPLENS_STATE_CLOSING,
		TCPLENS_STATE_COUNT,
	};
	struct tcplens_anomaly_thresh t;
	struct tcplens_anomaly_conn c;
	unsigned int i;
	u32 next;

	tcplens_anomaly_defaults(&t);
	c = conn(TCPLENS_STATE_TIME_WAIT, 0, 0);
	c.ephemeral = true;
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, next, TCPLENS_ANOM_NEVER);
	/* a server port's TIME_WAIT holds no ephemeral port */
	c.ephemeral = false;
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
			TCPLENS_ANOM_NONE);

	for (i = 0; i < ARRAY_SIZE(quiet); i++) {
		c = conn(quiet[i], U32_MAX, U32_MAX);
		c.retrans = 1000;
		KUNIT_EXPECT_EQ(test, tcplens_anomaly_classify(&t, &c, &next),
				TCPLENS_ANOM_NONE);
		KUNIT_EXPECT_EQ(test, next, TCPLENS_ANOM_NEVER);
	}
}

static void anomaly_raised(struct kunit *test)
{
	static const enum tcplens_anomaly_kind one[] = {
		TCPLENS_ANOM_CLOSE_WAIT, TCPLENS_ANOM_FIN_WAIT2,
		TCPLENS_ANOM_LAST_ACK, TCPLENS_ANOM_HALF_OPEN,
		TCPLENS_ANOM_CONNECT_TIMEOUT,
	};
	struct tcplens_anomaly_thresh t;
	enum tcplens_anomaly_kind k;
	unsigned int i;

	tcplens_anomaly_defaults(&t);
	for (i = 0; i < ARRAY_SIZE(one); i++) {
		KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, one[i], 0, 0));
		KUNIT_EXPECT_TRUE(test, tcplens_anomaly_raised(&t, one[i], 1, 0));
	}

	t.val[TCPLENS_AP_SYN_FLOOD_COUNT] = 10;
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_SYN_FLOOD, 9, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_SYN_FLOOD, 10, 0));
	t.val[TCPLENS_AP_SYN_DROPPED_COUNT] = 3;
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_SYN_DROPPED, 2, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_SYN_DROPPED, 3, 0));
	t.val[TCPLENS_AP_RST_RATE] = 50;
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_RST_STORM, 49, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_RST_STORM, 50, 0));

	/* time_wait: a count, or a share of the ephemeral range */
	t.val[TCPLENS_AP_TIME_WAIT_COUNT] = 1000;
	t.val[TCPLENS_AP_TIME_WAIT_PCT] = 50;
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_TIME_WAIT, 999, 0));
	KUNIT_EXPECT_TRUE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_TIME_WAIT, 1000, 0));
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_TIME_WAIT, 99, 200));
	KUNIT_EXPECT_TRUE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_TIME_WAIT, 100, 200));
	/* no overflow with the largest values */
	t.val[TCPLENS_AP_TIME_WAIT_COUNT] = 10000000;
	t.val[TCPLENS_AP_TIME_WAIT_PCT] = 100;
	k = TCPLENS_ANOM_TIME_WAIT;
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, k, 65535, 65536));
	KUNIT_EXPECT_TRUE(test, tcplens_anomaly_raised(&t, k, 65536, 65536));

	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_NONE, 100, 0));
	KUNIT_EXPECT_FALSE(test, tcplens_anomaly_raised(&t, TCPLENS_ANOM_COUNT, 100, 0));
}

static void anomaly_attribution(struct kunit *test)
{
	enum tcplens_anomaly_kind k;

	for (k = TCPLENS_ANOM_NONE; k < TCPLENS_ANOM_COUNT; k++)
		KUNIT_EXPECT_EQ(test, tcplens_anomaly_by_remote(k),
				k == TCPLENS_ANOM_TIME_WAIT ||
				k == TCPLENS_ANOM_CONNECT_TIMEOUT);
}

/* The service port: ours, unless ours is ephemeral (we are the client). */
static void anomaly_service_port(struct kunit *test)
{
	bool remote = true;

	KUNIT_EXPECT_EQ(test, tcplens_anomaly_service(80, 40000, 32768, 60999,
						      &remote), 80);
	KUNIT_EXPECT_FALSE(test, remote);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_service(40000, 443, 32768, 60999,
						      &remote), 443);
	KUNIT_EXPECT_TRUE(test, remote);
	/* both ends of the range are ephemeral, one past either is not */
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_service(32768, 5432, 32768, 60999,
						      &remote), 5432);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_service(60999, 5432, 32768, 60999,
						      &remote), 5432);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_service(32767, 5432, 32768, 60999,
						      &remote), 32767);
	KUNIT_EXPECT_EQ(test, tcplens_anomaly_service(61000, 5432, 32768, 60999,
						      &remote), 61000);
	KUNIT_EXPECT_FALSE(test, remote);
	/* a one-port range */
	KUNIT_EXPECT_TRUE(test, tcplens_port_ephemeral(1024, 1024, 1024));
	KUNIT_EXPECT_FALSE(test, tcplens_port_ephemeral(1025, 1024, 1024));
}

static void anomaly_age_buckets(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(999), 0U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(1000), 1U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(1999), 1U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(2000), 2U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(3999), 2U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(4000), 3U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(16383999), 14U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(16384000), 15U);
	KUNIT_EXPECT_EQ(test, tcplens_age_bucket(U32_MAX),
			TCPLENS_AGE_BUCKETS - 1);
}

static struct kunit_case tcplens_anomaly_cases[] = {
	KUNIT_CASE(anomaly_params),
	KUNIT_CASE(anomaly_names),
	KUNIT_CASE(anomaly_classify_age),
	KUNIT_CASE(anomaly_classify_syn),
	KUNIT_CASE(anomaly_classify_other),
	KUNIT_CASE(anomaly_raised),
	KUNIT_CASE(anomaly_attribution),
	KUNIT_CASE(anomaly_service_port),
	KUNIT_CASE(anomaly_age_buckets),
	{}
};

static struct kunit_suite tcplens_anomaly_suite = {
	.name = "tcplens_anomaly",
	.test_cases = tcplens_anomaly_cases,
};

kunit_test_suites(&tcplens_anomaly_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the tcplens observer's anomaly rules");
