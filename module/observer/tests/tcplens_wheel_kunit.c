// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the observer's hashed timing wheel
 * (module/observer/core/tcplens_wheel.c): exact expiry tick, rounds, moves, cancels,
 * tick counter wrap, callbacks that re-arm, cancel or free, many nodes in
 * one slot, and a long random run checked against a plain model.
 */
#include "../core/tcplens_wheel.c"

#include <kunit/test.h>

#define MAX_SLOTS	64	/* largest wheel the tests build */
#define MANY		512	/* nodes of the crowded-slot test */
#define MODEL_NODES	64	/* nodes of the model test */
#define MODEL_STEPS	20000	/* operations of the model test */
#define NEVER		0	/* tnode.fired_at: not fired */

/* A timed object as the shell would have one. */
struct tnode {
	struct tcplens_wheel_node node;
	u32 fires;		/* times expired */
	u32 fired_at;		/* wheel->now at the last expiry */
	u32 period;		/* re-arm with this period (0: one-shot) */
	struct tnode *victim;	/* cancel this one on expiry */
	struct tnode *mover;	/* ... or move it by @period */
	bool poison;		/* scribble over itself ("free") on expiry */
	u32 due;		/* model test: expected expiry, 0: idle */
};

struct tctx {
	struct kunit *test;
	u32 nfired;		/* model test: expiries this tick */
};

static struct tcplens_wheel_slot slots[MAX_SLOTS];
static struct tnode many[MANY];

static void texpire(struct tcplens_wheel *w, struct tcplens_wheel_node *n,
		    void *ctx)
{
	struct tnode *t = container_of(n, struct tnode, node);
	struct tctx *c = ctx;

	KUNIT_EXPECT_FALSE(c->test, tcplens_wheel_is_scheduled(n));
	t->fires++;
	t->fired_at = w->now;
	if (t->victim)
		tcplens_wheel_cancel(w, &t->victim->node);
	if (t->mover)
		tcplens_wheel_schedule(w, &t->mover->node, t->period);
	else if (t->period)
		tcplens_wheel_schedule(w, n, t->period);
	if (t->poison)
		memset(t, 0x6b, sizeof(*t));
}

static void wheel_setup(struct kunit *test, struct tcplens_wheel *w,
			struct tctx *c, u32 nslots)
{
	memset(c, 0, sizeof(*c));
	c->test = test;
	KUNIT_ASSERT_TRUE(test, tcplens_wheel_init(w, slots, nslots, texpire,
						   c));
}

static void tcplens_wheel_init_args(struct kunit *test)
{
	static const u32 bad[] = { 0, 3, 6, 12, 100, 0x80000001u };
	static const u32 good[] = { 1, 2, 4, 64 };
	struct tcplens_wheel w;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE(test, tcplens_wheel_init(&w, slots, bad[i],
							    texpire, NULL));
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		KUNIT_EXPECT_TRUE(test, tcplens_wheel_init(&w, slots, good[i],
							   texpire, NULL));
		KUNIT_EXPECT_EQ(test, w.mask, good[i] - 1);
		KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 0U);
	}
	KUNIT_EXPECT_LE(test, sizeof(struct tcplens_wheel_node), 24UL);
}

/*
 * After @tick advances, @t (due at @delay) has fired iff its tick came.
 * A function of its own to keep the caller's frame small under KASAN.
 */
static noinline void expect_fired_by(struct kunit *test, const struct tnode *t,
				     u32 delay, u32 tick)
{
	KUNIT_EXPECT_EQ(test, t->fires, tick >= delay);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_is_scheduled(&t->node), tick < delay);
}

/* Each node fires on exactly its tick, never before, once. */
static void tcplens_wheel_exact_tick(struct kunit *test)
{
	static const u32 delay[] = { 1, 2, 7, 8, 9, 15, 16, 17, 24, 64, 100 };
	/* static: too big for a KASAN stack frame; suites run one at a time */
	static struct tnode t[ARRAY_SIZE(delay)];
	struct tcplens_wheel w;
	struct tctx c;
	unsigned int i, tick;

	memset(t, 0, sizeof(t));
	wheel_setup(test, &w, &c, 8);
	for (i = 0; i < ARRAY_SIZE(delay); i++)
		tcplens_wheel_schedule(&w, &t[i].node, delay[i]);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), ARRAY_SIZE(delay));

	for (tick = 1; tick <= 120; tick++) {
		u32 due_now = 0;

		for (i = 0; i < ARRAY_SIZE(delay); i++)
			due_now += delay[i] == tick;
		KUNIT_EXPECT_EQ(test, tcplens_wheel_advance(&w), due_now);
		for (i = 0; i < ARRAY_SIZE(delay); i++)
			expect_fired_by(test, &t[i], delay[i], tick);
	}
	for (i = 0; i < ARRAY_SIZE(delay); i++)
		KUNIT_EXPECT_EQ(test, t[i].fired_at, delay[i]);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 0U);
	KUNIT_EXPECT_EQ(test, w.expired, (u64)ARRAY_SIZE(delay));
}

static void tcplens_wheel_zero_and_single_slot(struct kunit *test)
{
	struct tnode a = {}, b = {};
	struct tcplens_wheel w;
	struct tctx c;
	unsigned int tick;

	/* 0 ticks means the next advance */
	wheel_setup(test, &w, &c, 4);
	tcplens_wheel_schedule(&w, &a.node, 0);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_advance(&w), 1U);
	KUNIT_EXPECT_EQ(test, a.fired_at, 1U);

	/* a one-slot wheel is a list with rounds */
	memset(&a, 0, sizeof(a));
	wheel_setup(test, &w, &c, 1);
	tcplens_wheel_schedule(&w, &a.node, 5);
	tcplens_wheel_schedule(&w, &b.node, 3);
	for (tick = 1; tick <= 6; tick++)
		tcplens_wheel_advance(&w);
	KUNIT_EXPECT_EQ(test, a.fired_at, 5U);
	KUNIT_EXPECT_EQ(test, b.fired_at, 3U);
	KUNIT_EXPECT_EQ(test, a.fires + b.fires, 2U);
}

static void tcplens_wheel_move_and_cancel(struct kunit *test)
{
	struct tnode a = {}, b = {}, idle = {};
	struct tcplens_wheel w;
	struct tctx c;
	unsigned int tick;

	wheel_setup(test, &w, &c, 8);
	tcplens_wheel_schedule(&w, &a.node, 10);
	tcplens_wheel_schedule(&w, &a.node, 3);		/* earlier */
	tcplens_wheel_schedule(&w, &b.node, 3);
	tcplens_wheel_schedule(&w, &b.node, 20);	/* later */
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 2U);

	KUNIT_EXPECT_FALSE(test, tcplens_wheel_cancel(&w, &idle.node));
	tcplens_wheel_schedule(&w, &idle.node, 5);
	KUNIT_EXPECT_TRUE(test, tcplens_wheel_cancel(&w, &idle.node));
	KUNIT_EXPECT_FALSE(test, tcplens_wheel_cancel(&w, &idle.node));
	KUNIT_EXPECT_FALSE(test, tcplens_wheel_is_scheduled(&idle.node));
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 2U);

	for (tick = 1; tick <= 30; tick++)
		tcplens_wheel_advance(&w);
	KUNIT_EXPECT_EQ(test, a.fires, 1U);
	KUNIT_EXPECT_EQ(test, a.fired_at, 3U);
	KUNIT_EXPECT_EQ(test, b.fires, 1U);
	KUNIT_EXPECT_EQ(test, b.fired_at, 20U);
	KUNIT_EXPECT_EQ(test, idle.fires, 0U);
	KUNIT_EXPECT_EQ(test, w.expired, 2ULL);

	/* cancel the only node of a slot, then the middle of a list */
	tcplens_wheel_schedule(&w, &a.node, 4);
	KUNIT_EXPECT_TRUE(test, tcplens_wheel_cancel(&w, &a.node));
	tcplens_wheel_schedule(&w, &a.node, 4);
	tcplens_wheel_schedule(&w, &b.node, 4);
	tcplens_wheel_schedule(&w, &idle.node, 4);
	KUNIT_EXPECT_TRUE(test, tcplens_wheel_cancel(&w, &b.node));
	KUNIT_EXPECT_EQ(test, tcplens_wheel_advance(&w) +
			tcplens_wheel_advance(&w) + tcplens_wheel_advance(&w) +
			tcplens_wheel_advance(&w), 2U);
	KUNIT_EXPECT_EQ(test, a.fires + idle.fires, 3U);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 0U);
}

/* The tick counter is free-running: start just before it wraps. */
static void tcplens_wheel_counter_wrap(struct kunit *test)
{
	static const u32 delay[] = { 1, 15, 16, 17, 40, 200 };
	struct tnode t[ARRAY_SIZE(delay)] = {};
	const u32 start = 0xfffffff0u;
	struct tcplens_wheel w;
	struct tctx c;
	unsigned int i, tick;

	wheel_setup(test, &w, &c, 16);
	w.now = start;
	for (i = 0; i < ARRAY_SIZE(delay); i++)
		tcplens_wheel_schedule(&w, &t[i].node, delay[i]);
	for (tick = 1; tick <= 250; tick++)
		tcplens_wheel_advance(&w);
	for (i = 0; i < ARRAY_SIZE(delay); i++) {
		KUNIT_EXPECT_EQ(test, t[i].fires, 1U);
		KUNIT_EXPECT_EQ(test, t[i].fired_at, start + delay[i]);
	}
	/* the longest delay: 2^32 - 1 ticks is (2^32 - 2) / 16 rounds */
	tcplens_wheel_schedule(&w, &t[0].node, 0xffffffffu);
	KUNIT_EXPECT_EQ(test, t[0].node.rounds, 0xfffffffeu / 16);
}

static void tcplens_wheel_rearm(struct kunit *test)
{
	struct tnode p5 = { .period = 5 }, p8 = { .period = 8 };
	struct tnode p20 = { .period = 20 };
	struct tcplens_wheel w;
	struct tctx c;
	unsigned int tick;

	/* p8 re-arms into the slot being visited: next revolution only */
	wheel_setup(test, &w, &c, 8);
	tcplens_wheel_schedule(&w, &p5.node, 5);
	tcplens_wheel_schedule(&w, &p8.node, 8);
	tcplens_wheel_schedule(&w, &p20.node, 20);
	for (tick = 1; tick <= 80; tick++) {
		tcplens_wheel_advance(&w);
		KUNIT_EXPECT_EQ(test, p5.fires, tick / 5);
		KUNIT_EXPECT_EQ(test, p8.fires, tick / 8);
		KUNIT_EXPECT_EQ(test, p20.fires, tick / 20);
	}
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 3U);
	KUNIT_EXPECT_EQ(test, w.expired, 16ULL + 10 + 4);
}

/* Callbacks that cancel, move or free nodes of the slot being visited. */
static void tcplens_wheel_callback_edits(struct kunit *test)
{
	struct tnode a = {}, b = {}, d = {}, late = {};
	struct tcplens_wheel w;
	struct tctx c;
	unsigned int tick;

	/* same slot, same tick; b is after a in the list: a cancels it */
	wheel_setup(test, &w, &c, 8);
	a.victim = &b;
	tcplens_wheel_schedule(&w, &b.node, 3);
	tcplens_wheel_schedule(&w, &a.node, 3);
	tcplens_wheel_advance(&w);
	tcplens_wheel_advance(&w);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_advance(&w), 1U);
	KUNIT_EXPECT_EQ(test, a.fires, 1U);
	KUNIT_EXPECT_EQ(test, b.fires, 0U);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 0U);

	/* a moves b, next in the list, 8 ticks on: fires once, later */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.mover = &b;
	a.period = 8;
	tcplens_wheel_schedule(&w, &d.node, 2);
	tcplens_wheel_schedule(&w, &b.node, 2);
	tcplens_wheel_schedule(&w, &a.node, 2);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_advance(&w) +
			tcplens_wheel_advance(&w), 2U);
	KUNIT_EXPECT_EQ(test, d.fires, 1U);
	KUNIT_EXPECT_EQ(test, b.fires, 0U);
	for (tick = 0; tick < 8; tick++)
		tcplens_wheel_advance(&w);
	KUNIT_EXPECT_EQ(test, b.fires, 1U);
	KUNIT_EXPECT_EQ(test, b.fired_at, w.now);

	/* nodes that free themselves, amid others due later */
	memset(many, 0, sizeof(many));
	for (tick = 0; tick < 6; tick++) {
		many[tick].poison = !(tick & 1);
		tcplens_wheel_schedule(&w, &many[tick].node, 4 + 8 * (tick & 1));
	}
	tcplens_wheel_schedule(&w, &late.node, 12);
	for (tick = 0; tick < 12; tick++)
		tcplens_wheel_advance(&w);
	for (tick = 1; tick < 6; tick += 2)
		KUNIT_EXPECT_EQ(test, many[tick].fires, 1U);
	KUNIT_EXPECT_EQ(test, late.fires, 1U);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 0U);
}

/* Hundreds of nodes in one slot, due over 32 revolutions. */
static void tcplens_wheel_crowded_slot(struct kunit *test)
{
	struct tcplens_wheel w;
	struct tctx c;
	unsigned int i, tick, fired = 0;

	wheel_setup(test, &w, &c, 16);
	memset(many, 0, sizeof(many));
	for (i = 0; i < MANY; i++)
		tcplens_wheel_schedule(&w, &many[i].node, 5 + 16 * (i % 32));
	for (tick = 1; tick <= 16 * 32; tick++) {
		u32 n = tcplens_wheel_advance(&w);

		KUNIT_EXPECT_EQ(test, n, tick % 16 == 5 ? MANY / 32 : 0);
		fired += n;
	}
	for (i = 0; i < MANY; i++)
		KUNIT_EXPECT_EQ(test, many[i].fired_at, 5 + 16 * (i % 32));
	KUNIT_EXPECT_EQ(test, fired, MANY);
	KUNIT_EXPECT_EQ(test, tcplens_wheel_pending(&w), 0U);
}

static void model_expire(struct tcplens_wheel *w, struct tcplens_wheel_node *n,
			 void *ctx)
{
	struct tnode *t = container_of(n, struct tnode, node);
	struct tctx *c = ctx;

	KUNIT_EXPECT_EQ(c->test, t->due, w->now);
	t->due = NEVER;
	t->fires++;
	c->nfired++;
}

/* xorshift32: the same sequence in the kernel and in userspace */
static u32 model_rand(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* Random schedules, moves, cancels, advances against due ticks. */
static void tcplens_wheel_model(struct kunit *test)
{
	struct tcplens_wheel w;
	struct tctx c;
	u32 rnd = 0x2545f491, step, pending = 0;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	c.test = test;
	KUNIT_ASSERT_TRUE(test, tcplens_wheel_init(&w, slots, 8, model_expire,
						   &c));
	w.now = 0xffffff00u;	/* cross the wrap on the way */
	memset(many, 0, sizeof(many));

	for (step = 0; step < MODEL_STEPS; step++) {
		u32 r = model_rand(&rnd);
		struct tnode *t = &many[r % MODEL_NODES];
		u32 ticks = (r >> 8) % 41;

		switch ((r >> 16) % 4) {
		case 0:
		case 1:
			pending += t->due == NEVER;
			tcplens_wheel_schedule(&w, &t->node, ticks);
			t->due = w.now + (ticks ? ticks : 1);
			/* a due tick of 0 would read as idle: skip it */
			if (t->due == NEVER) {
				tcplens_wheel_cancel(&w, &t->node);
				pending--;
			}
			break;
		case 2:
			KUNIT_EXPECT_EQ(test, tcplens_wheel_cancel(&w, &t->node),
					t->due != NEVER);
			pending -= t->due != NEVER;
			t->due = NEVER;
			break;
		default: {
			u32 want = 0;

			for (i = 0; i < MODEL_NODES; i++)
				want += many[i].due != NEVER &&
					many[i].due == w.now + 1;
			c.nfired = 0;
			KUNIT_EXPECT_EQ(test, tcplens_wheel_advance(&w), want);
			KUNIT_EXPECT_EQ(test, c.nfired, want);
			pending -= want;
			break;
		}
		}
		KUNIT_ASSERT_EQ(test, tcplens_wheel_pending(&w), pending);
	}
	for (i = 0; i < MODEL_NODES; i++)
		KUNIT_EXPECT_EQ(test, tcplens_wheel_is_scheduled(&many[i].node),
				many[i].due != NEVER);
	/* the run did expire nodes, many of them */
	KUNIT_EXPECT_GT(test, w.expired, (u64)MODEL_STEPS / 8);
}

static struct kunit_case tcplens_wheel_cases[] = {
	KUNIT_CASE(tcplens_wheel_init_args),
	KUNIT_CASE(tcplens_wheel_exact_tick),
	KUNIT_CASE(tcplens_wheel_zero_and_single_slot),
	KUNIT_CASE(tcplens_wheel_move_and_cancel),
	KUNIT_CASE(tcplens_wheel_counter_wrap),
	KUNIT_CASE(tcplens_wheel_rearm),
	KUNIT_CASE(tcplens_wheel_callback_edits),
	KUNIT_CASE(tcplens_wheel_crowded_slot),
	KUNIT_CASE(tcplens_wheel_model),
	{}
};

static struct kunit_suite tcplens_wheel_suite = {
	.name = "tcplens_wheel",
	.test_cases = tcplens_wheel_cases,
};

kunit_test_suites(&tcplens_wheel_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the tcplens observer's timing wheel");
