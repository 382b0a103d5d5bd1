//! Every tuning constant of the search, in one place, each with what it
//! trades off and how its value was chosen. Figures in seconds were measured
//! on the development machine (docs/performance.md; the runs that chose them
//! are in docs/performance-history.md); none of these constants can change an
//! optimum, only how fast a plan and a bound are found.
//!
//! The code asks these constants; it holds no literal of its own for them,
//! and the docs and the CLI help name them. Numerical tolerances that belong
//! to one formula (a cut's violation, a flow read as zero) stay with it.

// ---- Time ----------------------------------------------------------------

/// The least time limit a step is given, seconds: a solver needs a positive
/// limit, and a step that starts at the deadline stops at once with it.
pub const LEAST_LIMIT: f64 = 1e-3;

/// The time after the search that [`crate::solve`] keeps for assembling the
/// plan: this share of the limit, at most [`PLAN_RESERVE_SECONDS`]
/// (assembling the plan of the 15,000-site region takes under a second).
pub(crate) const PLAN_RESERVE_SHARE: f64 = 0.05;

/// The most [`crate::solve`] keeps for assembling the plan, seconds.
pub(crate) const PLAN_RESERVE_SECONDS: f64 = 1.0;

/// The time, seconds per link, that the reductions need at least for a first
/// plan, and below which a part is not searched at all: dominance, the LP by
/// columns and the greedy plan take about 1 µs per link each, the MILP on the
/// LP's links little; building a MILP takes under 1 µs per link (3.8 s for the
/// 5.7 million links of the 15,000-site region).
pub(crate) const FIRST_PLAN_SECONDS_PER_LINK: f64 = 5e-6;

// ---- HiGHS ---------------------------------------------------------------

/// HiGHS's absolute gap tolerance (its `mip_abs_gap`, left at its default): a
/// plan this close to its bound is what HiGHS calls optimal.
pub(crate) const MIP_ABS_GAP: f64 = 1e-6;

/// MILPs of fewer links than this are solved without HiGHS's feasibility-jump
/// heuristic: it costs about 20 ms even on a MILP of a few links, most of the
/// time of a decomposed part or a sweep point, for no gain (docs/performance.md).
pub const SMALL_MILP_LINKS: usize = 64;

// ---- Reductions (search::reduce) ------------------------------------------

/// The size (links) from which [`super::Reduce::Auto`] reduces a MILP before
/// its search (chosen with the generated regions, commit 54480fd).
pub const REDUCE_FROM_LINKS: usize = 1000;

/// Share of the time left that the LP relaxation's rounds of column
/// generation may take before the first plan (the duals of the last LP solved
/// price every link all the same). A choice, from one measurement: on the
/// 15,000-site region with plants (`examples/region --plants`) the largest
/// part's relaxation (4.8 M links, 13 rounds of 0.5–2.2 s) took the whole of
/// its first-pass share and left the first plan no time.
pub(crate) const RELAXATION_SHARE: f64 = 0.4;

/// Share of the time left that the first plan's MILP may take (a choice, not
/// a measurement: the first plan is a start, the search after it gets the rest).
pub(crate) const FIRST_PLAN_SHARE: f64 = 0.1;

/// Share of the time left that the rounds of cuts may take (a choice, not a
/// measurement).
pub(crate) const CUT_SHARE: f64 = 0.1;

/// Share of the time left that the search by neighbourhoods may take (the
/// runs that chose it: commit 94c1aad, docs/performance-history.md).
pub(crate) const LNS_SHARE: f64 = 0.8;

/// Share of the time left that step 3's MILP takes when the search does not
/// follow (a first plan alone, for the quick pass of [`QUICK_PASS_SHARE`]); a
/// choice, not a measurement.
pub(crate) const FIRST_PLAN_ONLY_SHARE: f64 = 0.6;

/// Share of the time left that the rounds of cuts take when the search does
/// not follow: all that is left after step 3.
pub(crate) const CUTS_ONLY_SHARE: f64 = 1.0;

/// Slack on the fixing test, relative to the first plan's value: a link is
/// dropped only when its bound is clearly below (well above LP rounding).
pub(crate) const FIXING_TOLERANCE: f64 = 1e-7;

/// The search after fixing holds every link left when there are at most this
/// many, or when the time left gives each [`SEARCH_SECONDS_PER_LINK`].
pub(crate) const SEARCH_ALL_LINKS_UP_TO: usize = 20_000;

/// The time per link in which HiGHS gets through a large model's presolve and
/// root and still has time to search it (about 10,000 links a second).
pub(crate) const SEARCH_SECONDS_PER_LINK: f64 = 1e-3;

/// Links at or above which the LP relaxation is solved by column generation:
/// over a few links per stream first, then with the links whose reduced cost
/// pays added round by round, until none does (chosen with the generated
/// regions, commit 413b0ef).
pub(crate) const PRICING_FROM_LINKS: usize = 20_000;

/// Links per output, and per input, in the first restricted LP of column
/// generation (the best by margin per unit), and per output added in a round.
pub(crate) const COLUMNS_PER_STREAM: usize = 4;

/// A link left out of column generation is priced in when its reduced cost
/// pays more than this, relative to its margin (above LP rounding).
pub(crate) const PRICING_TOLERANCE: f64 = 1e-7;

/// A flow of the LP relaxation above this counts as used (step 3's MILP holds
/// the links the relaxation uses).
pub(crate) const USED_FLOW: f64 = 1e-9;

// ---- Cuts (search::cuts) --------------------------------------------------

/// Rounds of separation at most: each adds the cuts its point violates and
/// solves the LP relaxation with them for the next point.
pub(crate) const CUT_ROUNDS: usize = 50;

/// The rounds stop when the LP relaxation's optimum moves by less than this,
/// relative to it.
pub(crate) const CUTS_CONVERGED: f64 = 1e-5;

/// At most this many divisors `δ` of a rounding cut are tried per row and point.
pub(crate) const MIR_DIVISORS: usize = 8;

// ---- Neighbourhoods (search::lns) -----------------------------------------

/// A first search of a network of fewer links than this is left to HiGHS
/// alone: on the generated regions its own search (with the cuts) closed more
/// of the gap of parts of 5,000 to 20,000 links in the same time than
/// neighbourhoods did. A resumed search may get them below it
/// ([`STALLED_GAP`]).
pub(crate) const LNS_FROM_LINKS: usize = 30_000;

/// A search resumed from a plan at least this far from its bound (relative
/// gap) gets neighbourhoods whatever its size above
/// [`NEIGHBOURHOOD_START_LINKS`]. On the generated regions the parts HiGHS
/// closes well are within 0.1 % after their first search, while the pipe
/// parts of heat and steam are still 4 to 8 % apart, and on those
/// neighbourhoods find better plans than HiGHS's own search in the same time.
pub(crate) const STALLED_GAP: f64 = 5e-3;

/// The free links a neighbourhood starts with (HiGHS closes a MILP of a few
/// thousand links in a fraction of a second).
pub(crate) const NEIGHBOURHOOD_START_LINKS: usize = 2_000;

/// The fewest free links a neighbourhood shrinks to.
pub(crate) const NEIGHBOURHOOD_MIN_LINKS: usize = 300;

/// The most free links a neighbourhood grows to.
pub(crate) const NEIGHBOURHOOD_MAX_LINKS: usize = 20_000;

/// The time limit of one neighbourhood's MILP, seconds.
pub(crate) const NEIGHBOURHOOD_SECONDS: f64 = 1.0;

/// A neighbourhood whose MILP closes within this share of its time limit is
/// followed by a larger one.
pub(crate) const NEIGHBOURHOOD_QUICK: f64 = 0.25;

/// Below this much time left no neighbourhood is started, seconds.
pub(crate) const NEIGHBOURHOOD_MIN_SECONDS: f64 = 0.05;

/// A neighbourhood's plan replaces the plan when it is worth more by this,
/// relative to the whole plan's net benefit (HiGHS's own tolerances are ~1e-6
/// on a row, so less would be noise).
pub(crate) const NEIGHBOURHOOD_BETTER: f64 = 1e-9;

// ---- Parts under one deadline (search::decompose) ---------------------------

/// The share of the time limit the glance at the parts may take.
pub(crate) const GLANCE_SHARE: f64 = 0.05;

/// The branch-and-bound nodes of each search of the first pass of a solve
/// without a time limit (with a gap above 0); each round after it doubles
/// them, until the whole is within the gap (a budget of work, so that a
/// solve without a time limit gives the same plan on every machine). A
/// choice, not a measurement: small networks close far within it.
pub(crate) const FIRST_PASS_NODES: u32 = 500;

/// The share of the gap asked that each part's search aims at (HiGHS's
/// `mip_rel_gap` of a part): the whole stops at the gap asked, while a part
/// small enough is proven (at the default 1 %, a hand-sized scenario whose
/// search stopped at 1 % kept a plan 0.15 % below its optimum, and Liuzhou's
/// with a time limit one 0.19 % below). A choice.
pub(crate) const PART_GAP_SHARE: f64 = 0.01;

/// The time a part's glance takes, seconds per link: its greedy plan and its
/// LP relaxation by columns take about 1.3 µs per link together on the
/// 15,000-site region (7.6 s for 5.7 million links).
pub(crate) const GLANCE_SECONDS_PER_LINK: f64 = 2e-6;

/// The most of the time limit the quick pass may use: every open part's first
/// plan and the bound of its LP with cuts, the largest gap first, so that the
/// whole's gap is known within moments.
pub(crate) const QUICK_PASS_SHARE: f64 = 0.1;

/// The quick pass's length, seconds per link of the open parts (a part that
/// is done sooner hands its time on); a choice, measured with the 1,000- and
/// 15,000-site regions in commit a3dabaa.
pub(crate) const QUICK_PASS_SECONDS_PER_LINK: f64 = 5e-5;

/// The first pass's length, seconds per link of the parts (whatever the
/// threads: with more, each part gets more of it): about the 12 s that a 30 s
/// limit gave the 57,321 links of the 1,000-site region, at any limit of
/// which it is less than [`FIRST_PASS_SHARE`].
pub(crate) const FIRST_PASS_SECONDS_PER_LINK: f64 = 2e-4;

/// The most of the time limit the first pass may use; the rest goes where
/// the gap is.
pub(crate) const FIRST_PASS_SHARE: f64 = 0.4;

/// The weight a part has on top of its links in the first pass, so that a
/// tiny part still gets the moments it needs.
pub(crate) const SMALL_PART_WEIGHT: usize = 64;

/// The least length of a round, and of the first pass where the limit allows,
/// seconds (below it a restart costs more than it can find).
pub(crate) const MIN_ROUND: f64 = 0.5;

/// A part of a round with at least this share of the open parts' summed gaps
/// is resumed alone, with every thread.
pub(crate) const ALONE_SHARE: f64 = 0.5;

/// The share of a part's time that its first plan by period may take (the
/// links of its annual greedy plan fixed, each period's flows, plants and
/// stores searched): a start for the search of the whole MILP by period.
pub const PERIOD_START_SHARE: f64 = 0.2;

/// The share of a part's time that the LP relaxation by period of its
/// reductions may take (`search::period_reduce`).
pub const PERIOD_RELAX_SHARE: f64 = 0.4;

/// The share of a part's time that the first LP of its relaxation by
/// period may take (the later rounds stop at [`PERIOD_RELAX_SHARE`]).
pub const PERIOD_FIRST_LP_SHARE: f64 = 0.7;

/// A part of at least this many links is relaxed by period with each
/// link's charge spread over its flows (an LP without build decisions)
/// until no link prices in, and then once as the LP relaxation itself
/// (`search::period_reduce`).
pub(crate) const PERIOD_SPREAD_FROM_LINKS: usize = 500_000;

/// The share of a reduced part's time left after its relaxation and greedy
/// plan by period that the MILP of the links its relaxation uses may take
/// (a first plan to fix links against, `search::period_reduce`).
pub const PERIOD_SUPPORT_SHARE: f64 = 0.3;

/// The share of a time limit that the first pass over the parts of a
/// scenario with periods takes; rounds on the parts not yet within the gap
/// take the rest.
pub const PERIOD_FIRST_PASS_SHARE: f64 = 0.5;

/// The least time left, seconds, for which another round on the parts of a
/// scenario with periods starts.
pub const PERIOD_LEAST_ROUND: f64 = 0.25;

/// The largest share of a round's time left that a part whose relaxation
/// the time cut short gets (its gap is of the bound that needs no solve).
pub const PERIOD_RETRY_SHARE: f64 = 0.1;

/// The least time, seconds, that a part of a scenario with periods gets in
/// the first pass and in a round (within the time limit): enough for a
/// small part's relaxation and MILP, which its share by links or by gap
/// may not be.
pub const PERIOD_LEAST_PART: f64 = 0.2;

/// A reduced part by period of this many links or more gets neighbourhoods
/// (`search::period_lns`): a first search after [`PERIOD_SEARCH_SHARE`] of
/// its time in HiGHS's search, a resumed one before it when its plan is
/// [`STALLED_GAP`] or more from its bound.
pub(crate) const PERIOD_LNS_FROM_LINKS: usize = 1_000;

/// Share of a first search's time that HiGHS's search of a reduced part by
/// period takes before neighbourhoods, when they pay ([`PERIOD_LNS_FROM_LINKS`]).
pub(crate) const PERIOD_SEARCH_SHARE: f64 = 0.4;

/// Share of a resumed search's time that neighbourhoods by period take
/// before HiGHS's search from their plan: on the 1,000-site region by 4
/// periods, HiGHS's root cuts in the last fifth took the heat part's bound
/// 3.8 M EUR/yr under its `L(π)`, more than the neighbourhoods found in
/// that time (0.953 % at 60 s against 1.030 % with neighbourhoods alone).
pub(crate) const PERIOD_LNS_SHARE: f64 = 0.8;

/// A resumed search of more links than this gives all its time to the
/// neighbourhoods ([`PERIOD_LNS_SHARE`] only up to it): on the 15,000-site
/// region by 4 periods, HiGHS's search after them on parts of 20,000 links
/// took the peak memory from 1.9 to 4.8 GiB.
pub(crate) const PERIOD_ROOT_BOUND_UP_TO: usize = 10_000;

/// The free links a neighbourhood by period starts with.
pub(crate) const PERIOD_NEIGHBOURHOOD_START_LINKS: usize = 400;

/// The fewest free links a neighbourhood by period shrinks to.
pub(crate) const PERIOD_NEIGHBOURHOOD_MIN_LINKS: usize = 100;

/// The most free links a neighbourhood by period grows to.
pub(crate) const PERIOD_NEIGHBOURHOOD_MAX_LINKS: usize = 5_000;
