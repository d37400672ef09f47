/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_fsm.h - the observer's TCP endpoint state machine and its
 * per-direction sequence tracker, rebuilt from packets alone (pure core).
 * See module/observer/core/tcplens_fsm.c for the model.
 */
#ifndef _TCPLENS_FSM_H
#define _TCPLENS_FSM_H

#include "tcplens_pure.h"
#include "tcplens_parse.h"

/*
 * State of the tracked (local) endpoint, as ss(8) on its host shows it.
 * NONE is a zeroed entry that has learnt nothing yet; the others are the
 * RFC 9293 states less LISTEN. The numbering is ours, not the kernel's
 * TCP_* one (no LISTEN hole); tcplens_state_name() gives the kernel names.
 */
enum tcplens_state {
	TCPLENS_STATE_NONE,
	TCPLENS_STATE_CLOSED,
	TCPLENS_STATE_SYN_SENT,
	TCPLENS_STATE_SYN_RECV,
	TCPLENS_STATE_ESTABLISHED,
	TCPLENS_STATE_FIN_WAIT_1,
	TCPLENS_STATE_FIN_WAIT_2,
	TCPLENS_STATE_CLOSING,
	TCPLENS_STATE_TIME_WAIT,
	TCPLENS_STATE_CLOSE_WAIT,
	TCPLENS_STATE_LAST_ACK,
	TCPLENS_STATE_COUNT
};

/* Which way a segment travels, seen from the tracked endpoint. */
enum tcplens_dir {
	TCPLENS_DIR_OUT,	/* sent by the tracked endpoint */
	TCPLENS_DIR_IN,		/* received by it */
	TCPLENS_DIR_COUNT
};

/*
 * What a segment means to the state machine: its SYN/ACK/FIN/RST bits
 * plus the tracker's verdict on its ACK and RST. "FULL" means the ACK
 * covers everything the segment's receiver has sent (SND.NXT), hence its
 * SYN or FIN when that was the last thing it sent.
 */
enum tcplens_event {
	TCPLENS_EV_INVALID,	/* dropped by the receiver: no state change */
	TCPLENS_EV_SYN,		/* SYN without ACK */
	TCPLENS_EV_SYNACK,	/* SYN+ACK, not a full ACK */
	TCPLENS_EV_SYNACK_FULL,	/* SYN+ACK acknowledging the peer's SYN */
	TCPLENS_EV_ACK,		/* ACK (maybe data), not a full ACK */
	TCPLENS_EV_ACK_FULL,	/* ACK of all the receiver sent */
	TCPLENS_EV_FIN,		/* FIN+ACK, not a full ACK */
	TCPLENS_EV_FIN_FULL,	/* FIN+ACK acknowledging all, e.g. our FIN */
	TCPLENS_EV_RST,		/* RST that passed the sequence check */
	TCPLENS_EV_RST_BAD,	/* RST that did not: ignored */
	TCPLENS_EV_COUNT
};

/* Segment classification returned by tcplens_track_segment() (u16 mask). */
#define TCPLENS_SEG_FULL_ACK	0x0001	/* ACK == receiver's SND.NXT */
#define TCPLENS_SEG_ACK_UNSENT	0x0002	/* ACK beyond what receiver sent */
#define TCPLENS_SEG_RETRANS	0x0004	/* re-sends sequence space */
#define TCPLENS_SEG_ZERO_WIN	0x0008	/* advertises a zero window */
#define TCPLENS_SEG_WIN_PROBE	0x0010	/* persist probe, peer window 0 */
#define TCPLENS_SEG_KEEPALIVE	0x0020	/* SND.NXT - 1, <= 1 byte, all acked */
#define TCPLENS_SEG_RST_OK	0x0040	/* RST acceptable to its receiver */
#define TCPLENS_SEG_RST_BAD	0x0080	/* RST its receiver would not accept */
#define TCPLENS_SEG_NEW_ISN	0x0100	/* SYN of a new incarnation */
#define TCPLENS_SEG_BAD_FIN	0x0200	/* FIN not at its stream's end */

/* struct tcplens_seq_track.flags[], one byte per direction */
#define TCPLENS_TRK_KNOWN	0x01	/* end[] valid: seen or from an ACK */
#define TCPLENS_TRK_SEEN	0x02	/* a segment was seen: end[], win[] */
#define TCPLENS_TRK_SYN		0x04	/* its SYN was seen: wscale[] valid */
#define TCPLENS_TRK_WS		0x08	/* ... and offered window scaling */
#define TCPLENS_TRK_WIN_SYN	0x10	/* win[] came from a SYN: unscaled */
#define TCPLENS_TRK_FIN		0x20	/* sent a FIN, at end[] - 1 */
#define TCPLENS_TRK_ACKED	0x40	/* receiver acked all up to end[] */

/*
 * Sequence state of both directions of one connection, indexed by
 * enum tcplens_dir (the direction of the sender). 16 bytes; zeroed is
 * "nothing known".
 */
struct tcplens_seq_track {
	u32 end[TCPLENS_DIR_COUNT];	/* next new sequence: SND.NXT */
	u16 win[TCPLENS_DIR_COUNT];	/* last raw window advertised */
	u8 wscale[TCPLENS_DIR_COUNT];	/* shift announced in its SYN */
	u8 flags[TCPLENS_DIR_COUNT];	/* TCPLENS_TRK_* */
};

/* "ESTABLISHED", "SYN_SENT", ... "CLOSE" (include/net/tcp_states.h). */
const char *tcplens_state_name(enum tcplens_state state);

/* Map TCP flags and the tracker's classification to an event. */
enum tcplens_event tcplens_fsm_event(u8 tcp_flags, u16 seg);

/* The transition table; out-of-range input yields TCPLENS_STATE_NONE. */
enum tcplens_state tcplens_fsm_next(enum tcplens_state state,
				    enum tcplens_dir dir,
				    enum tcplens_event ev);

/*
 * Classify @pkt, travelling @dir, and update @trk with it. @state is the
 * endpoint state before the segment (it tells a new incarnation's SYN
 * from a stray one). Returns TCPLENS_SEG_* bits.
 */
u16 tcplens_track_segment(struct tcplens_seq_track *trk,
			  enum tcplens_state state, enum tcplens_dir dir,
			  const struct tcplens_pkt *pkt);

/* Effective receive window advertised by direction @dir's sender. */
u32 tcplens_track_window(const struct tcplens_seq_track *trk,
			 enum tcplens_dir dir);

/*
 * True when the table's @next for a segment of @tcp_flags sent or
 * received (@dir) is a SYN_RECV that the tracked endpoint refused: it
 * sends an ACK or FIN without ever having sent its SYN (after the segment
 * went through @trk). tcplens_fsm_input() then gives CLOSED.
 */
bool tcplens_fsm_refused_reopen(enum tcplens_state next,
				const struct tcplens_seq_track *trk,
				enum tcplens_dir dir, u8 tcp_flags);

/*
 * The direction of a forwarded segment @pkt that starts an entry, as seen
 * from the endpoint taken as local: the responder, which receives the
 * first SYN and sends the SYN+ACK; picked up mid-stream, the lower port.
 */
enum tcplens_dir tcplens_fsm_fwd_dir(const struct tcplens_pkt *pkt);

/*
 * One segment through both: track it, then step the state machine.
 * Returns the new state; the classification goes to *@seg if non-NULL.
 */
enum tcplens_state tcplens_fsm_input(enum tcplens_state state,
				     struct tcplens_seq_track *trk,
				     enum tcplens_dir dir,
				     const struct tcplens_pkt *pkt, u16 *seg);

#endif /* _TCPLENS_FSM_H */
