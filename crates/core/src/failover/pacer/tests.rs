//! Table and simulation tests for the pacer: F-49 … F-54 as adjusted by FD-11, the seed's rate
//! examples on simulated time, FD-12 rate changes, F-53 back-off and the FD-14 gauge.
//!
//! Owns: tests only. Must not: sleep or read the clock (time is simulated).

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::SignedDuration;

use super::*;

const MS: i128 = 1_000_000;
const S: i128 = 1_000_000_000;

fn base_ns() -> i128 {
    "2026-09-01T08:00:00Z"
        .parse::<Timestamp>()
        .unwrap()
        .as_nanosecond()
}

/// The instant `ns` nanoseconds after the simulation's origin.
fn at(ns: i128) -> Time {
    time_at(base_ns() + ns)
}

fn since_origin(t: &Time) -> i128 {
    nanos(t) - base_ns()
}

fn rate(r: f64) -> EvictionRate {
    EvictionRate::new(r).unwrap()
}

/// What a queued key does when a worker processes it.
#[derive(Clone, Copy, Debug)]
enum Script {
    /// Untolerated: evict (needs a token).
    Evict,
    /// Nothing to do (binding gone, taint removed, tolerated): never asks for a token.
    NoOp,
    /// The eviction write fails this many times, then succeeds.
    FailThenEvict(u32),
}

#[derive(Debug, Default)]
struct Outcome {
    /// (offset ns, key index) of every written eviction, in order.
    evictions: Vec<(i128, usize)>,
    /// Offsets of no-op completions.
    noops: Vec<i128>,
    /// `WaitUntil` answers (re-checks).
    waits: usize,
    /// Failed writes (refunded).
    failures: usize,
    /// Pacer's own count at the end.
    pacer_evictions: u64,
}

impl Outcome {
    fn eviction_offsets(&self) -> Vec<i128> {
        self.evictions.iter().map(|(t, _)| *t).collect()
    }
}

/// Discrete-event simulation of W workers sharing one pacer over one delaying queue (both the
/// RB and CRB queues feed the same pacer, FD-11). Every key is enqueued at t = 0; processing a
/// key occupies its worker for `processing_ms`.
fn simulate(r: f64, workers: usize, processing_ms: i128, keys: &[Script]) -> Outcome {
    let mut pacer = EvictionPacer::new(rate(r));
    let mut retries: RetryTracker<usize> = RetryTracker::default();
    let mut fails_left: Vec<u32> = keys
        .iter()
        .map(|s| {
            if let Script::FailThenEvict(n) = s {
                *n
            } else {
                0
            }
        })
        .collect();
    let mut queue: BTreeSet<(i128, u64, usize)> =
        (0..keys.len()).map(|k| (0, k as u64, k)).collect();
    let mut seq = keys.len() as u64;
    let mut free = vec![0i128; workers];
    let mut out = Outcome::default();
    let mut last_now = 0;
    while let Some((ready, _, k)) = queue.pop_first() {
        let w = (0..workers).min_by_key(|w| free[*w]).unwrap();
        let now_ns = ready.max(free[w]);
        assert!(now_ns >= last_now, "simulated time must not go backwards");
        last_now = now_ns;
        free[w] = now_ns + processing_ms * MS;
        let now = at(now_ns);
        let requeue = match keys[k] {
            Script::NoOp => {
                out.noops.push(now_ns);
                None
            }
            Script::Evict | Script::FailThenEvict(_) => match pacer.try_acquire(&now) {
                Acquire::Granted(grant) if fails_left[k] > 0 => {
                    fails_left[k] -= 1;
                    out.failures += 1;
                    pacer.refund(grant);
                    Some(retries.failed(k, &now))
                }
                Acquire::Granted(_) => {
                    retries.succeeded(&k);
                    out.evictions.push((now_ns, k));
                    None
                }
                Acquire::WaitUntil(until) => {
                    out.waits += 1;
                    Some(until)
                }
            },
        };
        if let Some(t) = requeue {
            seq += 1;
            queue.insert((since_origin(&t), seq, k));
        }
    }
    out.pacer_evictions = pacer.evictions();
    out
}

fn every(step: i128, n: usize) -> Vec<i128> {
    (0..n as i128).map(|i| i * step).collect()
}

/// The seed's first example (FD-11): 12 workloads at 0.5/s, first at t = 0 then every 2 s;
/// the last one at 22 s, inside the 22–24 s the seed allows.
#[test]
fn seed_twelve_evictions_at_half_per_second() {
    let out = simulate(0.5, 3, 0, &[Script::Evict; 12]);
    assert_eq!(out.eviction_offsets(), every(2 * S, 12));
    let last = *out.eviction_offsets().last().unwrap();
    assert!((22 * S..=24 * S).contains(&last));
}

/// The seed's second example: 12 workloads at 2/s finish in about 6 s (last at 5.5 s).
#[test]
fn seed_twelve_evictions_at_two_per_second() {
    let out = simulate(2.0, 3, 0, &[Script::Evict; 12]);
    assert_eq!(out.eviction_offsets(), every(500 * MS, 12));
    let last = *out.eviction_offsets().last().unwrap();
    assert!((5_500 * MS..=6 * S).contains(&last));
}

/// The seed's rate 0 ("30 minutes per cycle"), F-52 as adjusted by FD-11: the second eviction
/// waits 1,800 s — not 3 at once per queue.
#[test]
fn fd11_rate_zero_is_one_eviction_per_30_minutes() {
    let out = simulate(0.0, 3, 0, &[Script::Evict; 4]);
    assert_eq!(out.eviction_offsets(), every(1800 * S, 4));
}

/// F-49/F-51 adjusted: the number of workers never multiplies the rate (Karmada: 3 per 2 s).
#[test]
fn fd11_workers_do_not_multiply_the_rate() {
    // Processing time only matters once re-checks saturate the workers (11 × p > 2 s).
    for workers in [1, 3, 8] {
        for processing_ms in [0, 10, 150] {
            let out = simulate(0.5, workers, processing_ms, &[Script::Evict; 12]);
            assert_eq!(
                out.eviction_offsets(),
                every(2 * S, 12),
                "W={workers} p={processing_ms}"
            );
        }
    }
}

/// F-49 adjusted: RB and CRB evictions share one pacer (12 RB + 4 CRB: 16 evictions 2 s
/// apart, not two parallel queues).
#[test]
fn fd11_rb_and_crb_share_one_pacer() {
    let mut pacer = EvictionPacer::default();
    let kinds: Vec<BindingKind> = std::iter::repeat_n(BindingKind::ResourceBinding, 12)
        .chain(std::iter::repeat_n(BindingKind::ClusterResourceBinding, 4))
        .collect();
    let mut pending: Vec<(i128, BindingKind)> = kinds.iter().map(|k| (0, *k)).collect();
    let mut grants = Vec::new();
    while !pending.is_empty() {
        pending.sort_by_key(|(t, k)| (*t, *k == BindingKind::ResourceBinding));
        let (t, kind) = pending.remove(0);
        match pacer.try_acquire(&at(t)) {
            Acquire::Granted(_) => grants.push((t, kind)),
            Acquire::WaitUntil(u) => pending.push((since_origin(&u), kind)),
        }
    }
    let times: Vec<i128> = grants.iter().map(|(t, _)| *t).collect();
    assert_eq!(times, every(2 * S, 16));
    assert_eq!(
        grants
            .iter()
            .filter(|(_, k)| *k == BindingKind::ClusterResourceBinding)
            .count(),
        4
    );
}

/// F-51 adjusted: no-op keys take no token and do not delay real evictions.
#[test]
fn fd11_noop_keys_do_not_consume_tokens() {
    let mut keys = vec![Script::NoOp; 20];
    keys.extend([Script::Evict; 12]);
    keys.rotate_left(7); // interleave no-ops before and after evictions
    let out = simulate(0.5, 3, 0, &keys);
    assert_eq!(out.eviction_offsets(), every(2 * S, 12));
    assert_eq!(out.noops, vec![0; 20], "no-ops all finish at once");
    assert_eq!(out.pacer_evictions, 12);
}

/// FD-11: a re-check that finds no token consumes nothing and does not push the schedule.
#[test]
fn fd11_rechecks_do_not_consume_tokens() {
    let mut pacer = EvictionPacer::new(rate(0.5));
    assert!(pacer.try_acquire(&at(0)).is_granted());
    for t in [1, 500 * MS, S, 1_999 * MS] {
        assert_eq!(pacer.try_acquire(&at(t)), Acquire::WaitUntil(at(2 * S)));
        assert_eq!(pacer.next_free(&at(t)), at(2 * S));
        assert!(!pacer.is_free(&at(t)));
    }
    assert!(pacer.try_acquire(&at(2 * S)).is_granted());
    assert_eq!(pacer.evictions(), 2);
}

/// F-53 adjusted by FD-11: a failed write refunds its token; the retry backs off (5 ms, 10 ms,
/// …) and asks again, so failures cost no extra tokens: evictions stay at least 2 s apart and
/// the run is late by at most the back-off of the failing key.
#[test]
fn fd11_retries_do_not_consume_extra_tokens() {
    let keys = [Script::FailThenEvict(2), Script::Evict, Script::Evict];
    let out = simulate(0.5, 3, 0, &keys);
    assert_eq!(out.failures, 2);
    // k0 fails at 0 (refund, k1 evicts at 0 instead), k2 at 2 s, k0 fails again at 4 s and
    // evicts after its 10 ms back-off.
    assert_eq!(
        out.evictions,
        vec![(0, 1), (2 * S, 2), (4 * S + 10 * MS, 0)]
    );
    assert_eq!(out.pacer_evictions, 3);
    // Twelve keys, four of them failing once: still 2 s apart, 12 tokens in all.
    let mut keys = vec![Script::Evict; 12];
    for i in [0, 3, 6, 9] {
        keys[i] = Script::FailThenEvict(1);
    }
    let out = simulate(0.5, 3, 0, &keys);
    let offsets = out.eviction_offsets();
    assert_eq!(offsets.len(), 12);
    assert!(
        offsets.windows(2).all(|w| w[1] - w[0] >= 2 * S),
        "{offsets:?}"
    );
    assert!(
        *offsets.last().unwrap() <= 22 * S + 4 * 5 * MS,
        "{offsets:?}"
    );
    assert_eq!((out.failures, out.pacer_evictions), (4, 12));
}

/// F-50 adjusted: only the `1/r` term paces evictions; there is no initial burst of 100 from
/// the controllers' shared bucket (r = 100: one per 10 ms from the start).
#[test]
fn fd11_no_initial_burst_at_high_rate() {
    let out = simulate(100.0, 3, 0, &[Script::Evict; 150]);
    assert_eq!(out.eviction_offsets(), every(10 * MS, 150));
}

/// F-50/F-52: the spacing table.
#[test]
fn f50_interval_table() {
    let cases: &[(f64, i128)] = &[
        (0.5, 2 * S),
        (2.0, 500 * MS),
        (1.0, S),
        (100.0, 10 * MS),
        (0.0, 1800 * S),
        (3.0, 333_333_334), // rounded up, never below 1/r
        (1e12, 1),          // at least 1 ns: burst 1 even for absurd rates
    ];
    for (r, ns) in cases {
        assert_eq!(rate(*r).interval_ns(), *ns, "rate {r}");
    }
    assert_eq!(rate(0.0).interval_s(), 1800.0);
    assert_eq!(rate(0.0).effective_per_second(), 1.0 / 1800.0);
    assert_eq!(rate(0.5).effective_per_second(), 0.5);
    assert!(rate(1e-300).interval_ns() > 1_000_000 * S);
}

/// F-64: `--resource-eviction-rate` must be a number `>= 0`.
#[test]
fn f64_rate_validation() {
    assert_eq!(EvictionRate::default().per_second(), 0.5);
    assert_eq!("0.5".parse::<EvictionRate>().unwrap(), rate(0.5));
    assert_eq!("0".parse::<EvictionRate>().unwrap(), rate(0.0));
    assert!("-0".parse::<EvictionRate>().unwrap().is_zero());
    assert_eq!(EvictionRate::new(-0.1), Err(PacerError::Negative(-0.1)));
    assert!(matches!(
        EvictionRate::new(f64::NAN),
        Err(PacerError::NotFinite(_))
    ));
    assert!(matches!(
        "inf".parse::<EvictionRate>(),
        Err(PacerError::NotFinite(_))
    ));
    assert_eq!(
        "fast".parse::<EvictionRate>(),
        Err(PacerError::Unparsable {
            value: "fast".into()
        })
    );
    let msg = EvictionRate::new(-1.0).unwrap_err().to_string();
    assert!(
        msg.contains("--resource-eviction-rate") && msg.contains(">= 0"),
        "{msg}"
    );
    assert_eq!(rate(0.25).to_string(), "0.25");
}

/// FD-12: the rate changes at run time and applies to the next token at once.
#[test]
fn fd12_rate_change_at_run_time() {
    let mut pacer = EvictionPacer::new(rate(0.5));
    assert!(pacer.try_acquire(&at(0)).is_granted());
    assert_eq!(pacer.next_free(&at(100 * MS)), at(2 * S));
    pacer.set_rate(rate(2.0)); // faster: due 0.5 s after the last grant
    assert_eq!(pacer.rate(), rate(2.0));
    assert_eq!(pacer.next_free(&at(100 * MS)), at(500 * MS));
    pacer.set_rate(rate(0.0)); // slowest: 1,800 s
    assert_eq!(pacer.try_acquire(&at(S)), Acquire::WaitUntil(at(1800 * S)));
    pacer.set_rate(rate(10.0)); // raising the rate can free the token at once
    assert!(pacer.try_acquire(&at(S)).is_granted());
    assert_eq!(pacer.next_free(&at(S)), at(1_100 * MS));
}

/// FD-12 in a run: 12 keys at 0.5/s, the rate raised to 2/s after the third eviction.
#[test]
fn fd12_rate_raised_mid_run() {
    let mut pacer = EvictionPacer::new(rate(0.5));
    let mut t = 0;
    let mut grants = Vec::new();
    while grants.len() < 12 {
        if grants.len() == 3 {
            pacer.set_rate(rate(2.0));
        }
        match pacer.try_acquire(&at(t)) {
            Acquire::Granted(g) => grants.push(since_origin(g.at())),
            Acquire::WaitUntil(u) => t = since_origin(&u),
        }
    }
    let mut want = every(2 * S, 3);
    want.extend((1..=9).map(|i| 4 * S + i * 500 * MS));
    assert_eq!(grants, want);
}

/// Refunds: the latest grant restores the previous schedule; an older one changes nothing.
#[test]
fn refund_semantics() {
    let mut pacer = EvictionPacer::new(rate(0.5));
    let Acquire::Granted(first) = pacer.try_acquire(&at(0)) else {
        panic!()
    };
    assert_eq!(first.serial(), 1);
    assert_eq!(first.at(), &at(0));
    assert!(pacer.refund(first), "latest grant: schedule moves back");
    assert!(pacer.is_free(&at(0)));
    assert_eq!(pacer.last_grant(), None);
    assert_eq!(pacer.evictions(), 0);

    let Acquire::Granted(a) = pacer.try_acquire(&at(0)) else {
        panic!()
    };
    let Acquire::Granted(b) = pacer.try_acquire(&at(2 * S)) else {
        panic!()
    };
    assert!(
        !pacer.refund(a),
        "an older grant does not govern the schedule"
    );
    assert_eq!(pacer.next_free(&at(2 * S)), at(4 * S));
    assert_eq!(pacer.evictions(), 1);
    assert!(pacer.refund(b));
    assert!(pacer.is_free(&at(2 * S)));

    // Refund after a lower rate: the previous grant is judged at the new rate.
    let mut pacer = EvictionPacer::new(rate(0.5));
    let _kept = pacer.try_acquire(&at(0));
    let Acquire::Granted(c) = pacer.try_acquire(&at(2 * S)) else {
        panic!()
    };
    pacer.set_rate(rate(0.0));
    assert!(pacer.refund(c));
    assert_eq!(pacer.next_free(&at(3 * S)), at(1800 * S));
}

/// A clock that goes backwards never yields a token before `last + interval`.
#[test]
fn clock_going_backwards_waits() {
    let mut pacer = EvictionPacer::new(rate(0.5));
    assert!(pacer.try_acquire(&at(10 * S)).is_granted());
    assert_eq!(pacer.try_acquire(&at(S)), Acquire::WaitUntil(at(12 * S)));
    assert_eq!(pacer.next_free(&at(S)), at(12 * S));
}

/// Burst 1: at most one grant per instant, whatever the rate.
#[test]
fn burst_one_per_instant() {
    for r in [0.0, 0.5, 1e6, 1e12] {
        let mut pacer = EvictionPacer::new(rate(r));
        assert!(pacer.try_acquire(&at(0)).is_granted());
        assert!(!pacer.try_acquire(&at(0)).is_granted(), "rate {r}");
    }
    let acquire = EvictionPacer::default().try_acquire(&at(0));
    assert!(acquire.is_granted() && acquire.wait_until().is_none());
}

/// Far-future instants saturate instead of overflowing.
#[test]
fn saturates_at_the_end_of_time() {
    let mut pacer = EvictionPacer::new(rate(1e-300));
    assert!(pacer.try_acquire(&at(0)).is_granted());
    assert_eq!(pacer.next_free(&at(0)).0, Timestamp::MAX);
}

/// F-53: `base · 2^n` capped at `max`, defaults 5 ms and 1000 s; values `<= 0` fall back.
#[test]
fn f53_backoff_table() {
    let b = RetryBackoff::default();
    let cases: &[(u32, SignedDuration)] = &[
        (0, SignedDuration::from_millis(5)),
        (1, SignedDuration::from_millis(10)),
        (2, SignedDuration::from_millis(20)),
        (10, SignedDuration::from_millis(5 * 1024)),
        (17, SignedDuration::from_millis(655_360)),
        (18, SignedDuration::from_secs(1000)),
        (200, SignedDuration::from_secs(1000)),
    ];
    for (n, want) in cases {
        assert_eq!(b.delay(*n), *want, "failures {n}");
    }
    assert_eq!(RetryBackoff::new(0.0, -1.0), b);
    assert_eq!(RetryBackoff::new(f64::NAN, 1000.0), b);
    let custom = RetryBackoff::new(1.0, 60.0);
    assert_eq!(custom.delay(3), SignedDuration::from_secs(8));
    assert_eq!(custom.delay(6), SignedDuration::from_secs(60));
    assert_eq!(custom.retry_at(1, &at(S)), at(3 * S));
}

/// F-53: per-key failure counts grow the back-off; a success resets them.
#[test]
fn f53_retry_tracker() {
    let mut tracker: RetryTracker<&str> = RetryTracker::default();
    assert!(tracker.is_empty());
    assert_eq!(tracker.failed("a", &at(0)), at(5 * MS));
    assert_eq!(tracker.failed("a", &at(0)), at(10 * MS));
    assert_eq!(tracker.failed("b", &at(0)), at(5 * MS));
    assert_eq!((tracker.failures(&"a"), tracker.len()), (2, 2));
    tracker.succeeded(&"a");
    assert_eq!(tracker.failures(&"a"), 0);
    assert_eq!(tracker.failed("a", &at(0)), at(5 * MS));
}

/// FD-14: distinct waiting keys per (cluster, kind); re-adds do not drift upward.
#[test]
fn fd14_waiting_keys_count_distinct() {
    use BindingKind::*;
    let mut w: WaitingKeys<(&str, &str)> = WaitingKeys::new();
    assert!(w.add("east", ResourceBinding, ("ns", "a")));
    assert!(
        !w.add("east", ResourceBinding, ("ns", "a")),
        "duplicate add (resync)"
    );
    assert!(w.add("east", ResourceBinding, ("ns", "b")));
    assert!(w.add("east", ClusterResourceBinding, ("", "c")));
    assert!(w.add("west", ResourceBinding, ("ns", "a")));
    assert_eq!(w.count("east", ResourceBinding), 2);
    assert_eq!(w.count("east", ClusterResourceBinding), 1);
    assert!(w.remove("east", ResourceBinding, &("ns", "a")));
    assert!(!w.remove("east", ResourceBinding, &("ns", "a")));
    assert!(w.remove("east", ClusterResourceBinding, &("", "c")));
    let samples: Vec<_> = w.samples().collect();
    assert_eq!(
        samples,
        vec![
            ("east", ResourceBinding, 1),
            ("east", ClusterResourceBinding, 0),
            ("west", ResourceBinding, 1)
        ]
    );
    assert!(w.forget_cluster("east"));
    assert!(!w.forget_cluster("east"));
    assert_eq!(w.count("east", ResourceBinding), 0);
    assert_eq!(w.samples().count(), 1);
}

/// F-49/F-68 names.
#[test]
fn f49_binding_kind_names() {
    assert_eq!(BindingKind::ResourceBinding.as_str(), "ResourceBinding");
    assert_eq!(
        BindingKind::ResourceBinding.queue_name(),
        "binding-eviction"
    );
    assert_eq!(
        BindingKind::ClusterResourceBinding.as_str(),
        "ClusterResourceBinding"
    );
    assert_eq!(
        BindingKind::ClusterResourceBinding.queue_name(),
        "cluster-binding-eviction"
    );
}
