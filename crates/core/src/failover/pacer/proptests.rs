//! Property tests for the pacer (FD-11): the rate is a true ceiling with burst 1, also with
//! refunds and run-time rate changes (FD-12), and a free token is never withheld.
//!
//! Owns: tests only. Must not: sleep or read the clock (time is simulated).

use proptest::prelude::*;

use super::*;

const MS: i128 = 1_000_000;

fn at(ns: i128) -> Time {
    time_at(1_790_000_000 * 1_000_000_000 + ns)
}

fn rate_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(0.5), Just(2.0), 0.01f64..50.0]
}

/// Every window `[a, b]` holds at most `1 + r·(b − a)` grants (checked on all grant pairs,
/// which are the tightest windows), and no two grants share an instant.
fn assert_ceiling(grants: &[i128], r: EvictionRate) -> Result<(), TestCaseError> {
    let per_ns = r.effective_per_second() / 1e9;
    for i in 0..grants.len() {
        for j in i + 1..grants.len() {
            prop_assert!(grants[j] > grants[i], "two grants at one instant");
            let window = (grants[j] - grants[i]) as f64;
            let count = (j - i + 1) as f64;
            prop_assert!(
                count <= 1.0 + per_ns * window + 1e-9,
                "{count} grants in {window} ns"
            );
        }
    }
    Ok(())
}

#[derive(Clone, Debug)]
enum Op {
    /// Advance the clock by this many ms, then try to acquire.
    Acquire(u32),
    /// Refund the outstanding grant with this index (modulo their number).
    Refund(usize),
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u32..5_000).prop_map(Op::Acquire),
        1 => any::<usize>().prop_map(Op::Refund),
    ]
}

proptest! {
    /// FD-11 ceiling and burst 1, and exactness: an attempt is granted iff it comes at least one
    /// interval after the previous grant.
    #[test]
    fn fd11_ceiling_and_burst_one(
        r in rate_strategy(),
        steps in prop::collection::vec(0u32..5_000, 1..80),
    ) {
        let r = EvictionRate::new(r).unwrap();
        let mut pacer = EvictionPacer::new(r);
        let (mut now, mut grants) = (0i128, Vec::new());
        for step in steps {
            now += i128::from(step) * MS;
            let free = grants.last().is_none_or(|last| now - last >= r.interval_ns());
            match pacer.try_acquire(&at(now)) {
                Acquire::Granted(_) => { prop_assert!(free); grants.push(now); }
                Acquire::WaitUntil(u) => {
                    prop_assert!(!free);
                    let due = *grants.last().unwrap() + r.interval_ns();
                    prop_assert_eq!(nanos(&u), nanos(&at(due)));
                }
            }
        }
        assert_ceiling(&grants, r)?;
        prop_assert_eq!(pacer.evictions(), grants.len() as u64);
    }

    /// FD-11 with failed writes: grants that are refunded are not evictions; the evictions
    /// that remain still respect the ceiling, and the count matches.
    #[test]
    fn fd11_ceiling_with_refunds(
        r in rate_strategy(),
        ops in prop::collection::vec(op_strategy(), 1..120),
    ) {
        let r = EvictionRate::new(r).unwrap();
        let mut pacer = EvictionPacer::new(r);
        let mut now = 0i128;
        let mut outstanding: Vec<(i128, Grant)> = Vec::new();
        let mut refunded = 0u64;
        for op in ops {
            match op {
                Op::Acquire(ms) => {
                    now += i128::from(ms) * MS;
                    if let Acquire::Granted(g) = pacer.try_acquire(&at(now)) {
                        outstanding.push((now, g));
                    }
                }
                Op::Refund(i) if !outstanding.is_empty() => {
                    let (_, g) = outstanding.remove(i % outstanding.len());
                    pacer.refund(g);
                    refunded += 1;
                }
                Op::Refund(_) => {}
            }
        }
        let real: Vec<i128> = outstanding.iter().map(|(t, _)| *t).collect();
        assert_ceiling(&real, r)?;
        prop_assert_eq!(pacer.evictions(), real.len() as u64);
        prop_assert!(pacer.last_serial >= refunded);
    }

    /// FD-12: with the rate changed between attempts, each grant comes at least one interval
    /// (of the rate in force at that grant) after the previous one.
    #[test]
    fn fd12_spacing_under_rate_changes(
        plan in prop::collection::vec((0u32..5_000, prop::option::of(rate_strategy())), 1..80),
    ) {
        let mut pacer = EvictionPacer::default();
        let (mut now, mut last) = (0i128, None::<i128>);
        for (ms, new_rate) in plan {
            if let Some(r) = new_rate {
                pacer.set_rate(EvictionRate::new(r).unwrap());
            }
            now += i128::from(ms) * MS;
            if pacer.try_acquire(&at(now)).is_granted() {
                if let Some(prev) = last {
                    prop_assert!(now - prev >= pacer.rate().interval_ns());
                }
                last = Some(now);
            }
        }
    }
}
