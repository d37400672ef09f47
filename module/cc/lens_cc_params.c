// SPDX-License-Identifier: GPL-2.0
/*
 * lens_cc_params.c - the module parameters of tcp_lens.
 *
 * Every parameter is a field of struct lens_params (core/lens_cc_core.h),
 * which the core validates (lens_params_check()). ACKs read the set under
 * RCU through lens_params_get(); a write replaces the set whole, so that
 * no ACK sees half of a change, and takes effect on the next ACK.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "lens_cc.h"

/*
 * An RCU-published snapshot, replaced whole by every write. A write is
 * validated by the core and refused with -EINVAL when out of range.
 */
static struct lens_params lens_params_boot = LENS_PARAMS_DEFAULT;

static struct lens_params __rcu *lens_params_cur = RCU_INITIALIZER(&lens_params_boot);
static DEFINE_MUTEX(lens_params_mutex);

const struct lens_params *lens_params_get(void)
{
	return rcu_dereference(lens_params_cur);
}

/* Replace one u32 field of the parameters, at byte offset @off. */
static int lens_param_update(const char *name, size_t off, u32 val)
{
	struct lens_params *old, *new;
	int err;

	mutex_lock(&lens_params_mutex);
	old = rcu_dereference_protected(lens_params_cur,
					lockdep_is_held(&lens_params_mutex));
	new = kmemdup(old, sizeof(*new), GFP_KERNEL);
	if (!new) {
		err = -ENOMEM;
		goto out;
	}
	*(u32 *)((u8 *)new + off) = val;
	err = lens_params_check(new);
	if (err) {
		pr_err("%s=%u refused: out of range (see modinfo tcp_lens)\n",
		       name, val);
		kfree(new);
		goto out;
	}
	rcu_assign_pointer(lens_params_cur, new);
	if (old != &lens_params_boot) {
		synchronize_rcu();
		kfree(old);
	}
out:
	mutex_unlock(&lens_params_mutex);
	return err;
}

static u32 lens_param_read(size_t off)
{
	u32 val;

	rcu_read_lock();
	val = *(const u32 *)((const u8 *)lens_params_get() + off);
	rcu_read_unlock();
	return val;
}

static size_t lens_param_off(const struct kernel_param *kp)
{
	return (size_t)(uintptr_t)kp->arg;
}

static int lens_param_set_u32(const char *buf, const struct kernel_param *kp)
{
	u32 val;
	int err;

	err = kstrtou32(buf, 0, &val);
	if (err) {
		pr_err("%s: '%s' is not a number\n", kp->name, buf);
		return -EINVAL;
	}
	return lens_param_update(kp->name, lens_param_off(kp), val);
}

static int lens_param_get_u32(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", lens_param_read(lens_param_off(kp)));
}

static const struct kernel_param_ops lens_param_u32_ops = {
	.set = lens_param_set_u32,
	.get = lens_param_get_u32,
};

/*
 * A boolean, spelt out: kstrtobool() looks at the first letters only and
 * would take "fast" for false and "yak" for true.
 */
static int lens_param_set_bool(const char *buf, const struct kernel_param *kp)
{
	static const char * const words[][2] = {	/* false, true */
		{ "0", "1" }, { "n", "y" }, { "N", "Y" }, { "no", "yes" },
		{ "off", "on" }, { "false", "true" },
	};
	u32 i, val;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		for (val = 0; val < 2; val++)
			if (sysfs_streq(buf, words[i][val]))
				return lens_param_update(kp->name,
							 lens_param_off(kp),
							 val);
	pr_err("%s: '%s' is not a boolean (0/1, y/n, yes/no, on/off, true/false)\n",
	       kp->name, buf);
	return -EINVAL;
}

static const struct kernel_param_ops lens_param_bool_ops = {
	.set = lens_param_set_bool,
	.get = lens_param_get_u32,
};

static int lens_param_set_recovery(const char *buf,
				   const struct kernel_param *kp)
{
	u32 mode;

	for (mode = 0; mode < LENS_RECOVERY_NR; mode++)
		if (sysfs_streq(buf, lens_recovery_mode_name(mode)))
			return lens_param_update(kp->name, lens_param_off(kp),
						 mode);
	pr_err("%s: '%s' is not a recovery mode (newreno, prr)\n",
	       kp->name, buf);
	return -EINVAL;
}

static int lens_param_get_recovery(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  lens_recovery_mode_name(lens_param_read(lens_param_off(kp))));
}

static const struct kernel_param_ops lens_param_recovery_ops = {
	.set = lens_param_set_recovery,
	.get = lens_param_get_recovery,
};

/* kernel_param.arg of each parameter: the offset of its field. */
#define LENS_PARAM_FIELD(field) ((void *)offsetof(struct lens_params, field))

module_param_cb(abc_limit, &lens_param_u32_ops,
		LENS_PARAM_FIELD(abc_limit), 0644);
MODULE_PARM_DESC(abc_limit,
		 "slow-start ABC limit L in segments per ACK, 0 = none [0..8, default 8] (RFC 3465, RFC 9406)");
module_param_cb(hystart, &lens_param_bool_ops, LENS_PARAM_FIELD(hystart), 0644);
MODULE_PARM_DESC(hystart,
		 "use HyStart++ to leave the initial slow start [default 1] (RFC 9406)");
module_param_cb(hystart_min_rtt_thresh_us, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_min_rtt_thresh_us), 0644);
MODULE_PARM_DESC(hystart_min_rtt_thresh_us,
		 "HyStart++ MIN_RTT_THRESH in us [1..1000000, <= max, default 4000]");
module_param_cb(hystart_max_rtt_thresh_us, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_max_rtt_thresh_us), 0644);
MODULE_PARM_DESC(hystart_max_rtt_thresh_us,
		 "HyStart++ MAX_RTT_THRESH in us [1..1000000, >= min, default 16000]");
module_param_cb(hystart_min_rtt_divisor, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_min_rtt_divisor), 0644);
MODULE_PARM_DESC(hystart_min_rtt_divisor,
		 "HyStart++ MIN_RTT_DIVISOR [1..64, default 8]");
module_param_cb(hystart_n_rtt_sample, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_n_rtt_sample), 0644);
MODULE_PARM_DESC(hystart_n_rtt_sample,
		 "HyStart++ N_RTT_SAMPLE, RTT samples per round [1..255, default 8]");
module_param_cb(hystart_css_growth_divisor, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_css_growth_divisor), 0644);
MODULE_PARM_DESC(hystart_css_growth_divisor,
		 "HyStart++ CSS_GROWTH_DIVISOR [2..64, default 4]");
module_param_cb(hystart_css_rounds, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_css_rounds), 0644);
MODULE_PARM_DESC(hystart_css_rounds,
		 "HyStart++ CSS_ROUNDS [1..255, default 5]");
module_param_cb(hystart_ack_delay, &lens_param_bool_ops,
		LENS_PARAM_FIELD(hspp_ack_delay), 0644);
MODULE_PARM_DESC(hystart_ack_delay,
		 "HyStart++: an RTT rise must also exceed the ACK-aggregation delay of 4 GSO packets, at most 1 ms [default 1]");
module_param_cb(hystart_cwnd_limited, &lens_param_bool_ops,
		LENS_PARAM_FIELD(hspp_cwnd_limited), 0644);
MODULE_PARM_DESC(hystart_cwnd_limited,
		 "HyStart++: count RTT samples only from ACKs that come while cwnd-limited [default 1]");
module_param_cb(hystart_css_rise, &lens_param_bool_ops,
		LENS_PARAM_FIELD(hspp_css_rise), 0644);
MODULE_PARM_DESC(hystart_css_rise,
		 "HyStart++: an RTT rise of another RttThresh in CSS ends slow start at once [default 1]");
module_param_cb(hystart_block, &lens_param_bool_ops,
		LENS_PARAM_FIELD(hspp_block), 0644);
MODULE_PARM_DESC(hystart_block,
		 "HyStart++: the minimum of every N_RTT_SAMPLE samples also counts as a rise over the round's floor [default 1]");
module_param_cb(recovery, &lens_param_recovery_ops,
		LENS_PARAM_FIELD(recovery), 0644);
MODULE_PARM_DESC(recovery,
		 "fast recovery: newreno (RFC 5681+6582) or prr (RFC 9937) [default prr]");
module_param_cb(initial_ssthresh, &lens_param_u32_ops,
		LENS_PARAM_FIELD(initial_ssthresh), 0644);
MODULE_PARM_DESC(initial_ssthresh,
		 "initial ssthresh in segments, 0 = infinite [0 or 2..2147483647, default 0]");
module_param_cb(beta, &lens_param_u32_ops, LENS_PARAM_FIELD(beta), 0644);
MODULE_PARM_DESC(beta,
		 "multiplicative decrease in percent, with alpha = 3(1-beta)/(1+beta) [50..90, default 70] (RFC 9438 4.3; 50 is RFC 5681)");
module_param_cb(beta_ecn, &lens_param_u32_ops, LENS_PARAM_FIELD(beta_ecn), 0644);
MODULE_PARM_DESC(beta_ecn,
		 "multiplicative decrease for an ECN-Echo in percent [50..90, default 80] (RFC 8511 ABE)");
module_param_cb(pacing, &lens_param_bool_ops, LENS_PARAM_FIELD(pacing), 0644);
MODULE_PARM_DESC(pacing,
		 "pace new connections without fq (internal TCP pacing) [default 1]");

/* At module exit, after the last socket and reader are gone. */
void lens_params_free(void)
{
	struct lens_params *p = rcu_dereference_protected(lens_params_cur, true);

	if (p != &lens_params_boot)
		kfree(p);
}
