//! The flag table (failover.md F-64 plus the Flotilla flags of decisions.md D-10, FD-8 and
//! FD-11), setting a flag by name from text, rendering it back, Go-style durations, and the
//! removed or legacy switches of F-65.
//!
//! Owns: flag names, kinds, defaults (as text) and help. Must not: validate semantics (that is
//! `FailoverConfig::validate`) or parse a whole command line with clap (the binary does).

use super::{ConfigError, FailoverConfig};

/// How a flag's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// `true`/`false` (Go syntax); `--flag` alone means true.
    Bool,
    /// A Go duration (`10s`, `5m`, `1m30s`, `5ms`); stored in a `*_s` field as seconds.
    Duration,
    /// A decimal number.
    Float,
    /// A whole number.
    Int,
    /// Free text, validated later.
    Text,
    /// `Name=bool,…`.
    FeatureGates,
    /// `*,name,-name`.
    Controllers,
}

/// Which command takes the flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    /// `flotilla controller-manager` (karmada-controller-manager).
    ControllerManager,
    /// `flotilla apiserver` (karmada-webhook's admission flags).
    ApiServer,
}

/// Where the flag comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Same name, meaning and default as Karmada (decisions.md principle 1).
    Karmada,
    /// Added by Flotilla (off by default, Karmada-compatible when off).
    Flotilla,
}

/// One flag: name without the leading `--`, kind, command, origin, default as text and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagInfo {
    /// Name without `--`.
    pub name: &'static str,
    /// Value syntax.
    pub kind: FlagKind,
    /// The command that takes it.
    pub component: Component,
    /// Karmada or Flotilla.
    pub origin: Origin,
    /// Default, as it would be written on the command line.
    pub default: &'static str,
    /// One-line help (states Flotilla's deviations, FD-11).
    pub help: &'static str,
}

const fn flag(
    name: &'static str,
    kind: FlagKind,
    default: &'static str,
    help: &'static str,
) -> FlagInfo {
    FlagInfo {
        name,
        kind,
        component: Component::ControllerManager,
        origin: Origin::Karmada,
        default,
        help,
    }
}

use FlagKind::*;

/// Every failover flag with its default (F-62 … F-64, D-10, FD-8, FD-11).
pub const FLAGS: &[FlagInfo] = &[
    flag(
        "feature-gates",
        FeatureGates,
        "",
        "Feature gates, Name=bool,... (Failover is Beta and off by default)",
    ),
    flag(
        "controllers",
        Controllers,
        "*",
        "Controllers to run: '*' for all on by default, 'name' to enable, '-name' to disable",
    ),
    flag(
        "cluster-status-update-frequency",
        Duration,
        "10s",
        "How often member health is probed (> 0)",
    ),
    flag(
        "cluster-failure-threshold",
        Duration,
        "30s",
        "How long a failing probe result must persist before Ready turns False",
    ),
    flag(
        "cluster-success-threshold",
        Duration,
        "30s",
        "How long a healthy probe result must persist before Ready turns True",
    ),
    flag(
        "cluster-monitor-period",
        Duration,
        "5s",
        "How often Pull-mode leases are checked (> 0)",
    ),
    flag(
        "cluster-monitor-grace-period",
        Duration,
        "40s",
        "How long a Pull-mode cluster may stay silent before Ready turns Unknown (> 0)",
    ),
    flag(
        "cluster-startup-grace-period",
        Duration,
        "60s",
        "Grace period for a newly joined Pull-mode cluster (> 0)",
    ),
    flag(
        "enable-taint-manager",
        Bool,
        "true",
        "Run the NoExecute taint manager (needs gate Failover)",
    ),
    flag(
        "enable-no-execute-taint-eviction",
        Bool,
        "false",
        "Let the taint manager evict workloads from clusters with NoExecute taints",
    ),
    flag(
        "no-execute-taint-eviction-purge-mode",
        Text,
        "Gracefully",
        "Purge mode for evictions of bindings without spec.failover.cluster: Directly or \
         Gracefully",
    ),
    flag(
        "resource-eviction-rate",
        Float,
        "0.5",
        "Evictions per second across ResourceBindings and ClusterResourceBindings together \
         (>= 0; 0 means one per 30 minutes). Flotilla enforces it as a true ceiling: workers do \
         not multiply it and no-op keys take no token (Karmada paces each worker after every key)",
    ),
    flag(
        "graceful-eviction-timeout",
        Duration,
        "10m",
        "How long an evicted copy is kept at most while its replacement becomes healthy",
    ),
    flag(
        "rate-limiter-base-delay",
        Duration,
        "5ms",
        "Base retry back-off of every controller (<= 0 means the default)",
    ),
    flag(
        "rate-limiter-max-delay",
        Duration,
        "1000s",
        "Maximum retry back-off of every controller (<= 0 means the default)",
    ),
    flag(
        "rate-limiter-qps",
        Int,
        "10",
        "Shared requeue rate of every controller, not of evictions (<= 0 means the default)",
    ),
    flag(
        "rate-limiter-bucket-size",
        Int,
        "100",
        "Shared requeue burst of every controller, not of evictions (<= 0 means the default)",
    ),
    FlagInfo {
        component: Component::ApiServer,
        ..flag(
            "allow-no-execute-taint-policy",
            Bool,
            "false",
            "Admit ClusterTaintPolicies that add NoExecute taints (karmada-webhook)",
        )
    },
    FlagInfo {
        origin: Origin::Flotilla,
        ..flag(
            "failover-partial-placement",
            Bool,
            "false",
            "Flotilla: place as many evicted replicas as capacity allows instead of all or \
             nothing (D-10)",
        )
    },
    FlagInfo {
        origin: Origin::Flotilla,
        ..flag(
            "keep-preserved-state-until-dispatch",
            Bool,
            "false",
            "Flotilla: keep a Directly eviction task that carries preserved state until the new \
             copy's Work exists (FD-8)",
        )
    },
    FlagInfo {
        origin: Origin::Flotilla,
        ..flag(
            "concurrent-binding-eviction-syncs",
            Int,
            "3",
            "Flotilla: eviction workers (Karmada hard-codes 3); they share one pacer, so this \
             never changes the eviction rate (FD-11)",
        )
    },
];

/// Looks a flag up by name (without `--`).
pub fn flag_info(name: &str) -> Option<&'static FlagInfo> {
    FLAGS.iter().find(|f| f.name == name)
}

/// A switch Karmada removed, or a name that was never a Karmada flag, with what to do instead
/// (F-65, §12.1 #2, F-54).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovedFlag {
    /// Name without `--`.
    pub name: &'static str,
    /// Why it is refused and what to use.
    pub message: &'static str,
}

const NO_INJECTION: &str = "removed in Karmada v1.15: no default NoExecute tolerations are \
     injected into PropagationPolicies any more; add the toleration to \
     spec.placement.clusterTolerations of the policies that need it";
const AGENT_ONLY: &str = "a karmada-agent (Pull mode) flag; the controller-manager never used it \
     and Karmada v1.18 removed it there";
const DROPPED_DRAFT: &str = "not a Karmada flag (a draft dropped in review, failover.md F-54); \
     Flotilla plans disruption protection under new names (decisions.md FD-12)";

/// The refused switches.
pub const REMOVED_FLAGS: &[RemovedFlag] = &[
    RemovedFlag {
        name: "failover-eviction-timeout",
        message: "removed in Karmada v1.15: the cluster controller no longer adds NoExecute \
             taints after a timeout. Create a ClusterTaintPolicy that adds a NoExecute taint when \
             Ready is False or Unknown (and start the apiserver with \
             --allow-no-execute-taint-policy)",
    },
    RemovedFlag {
        name: "default-not-ready-toleration-seconds",
        message: NO_INJECTION,
    },
    RemovedFlag {
        name: "default-unreachable-toleration-seconds",
        message: NO_INJECTION,
    },
    RemovedFlag {
        name: "cluster-lease-duration",
        message: AGENT_ONLY,
    },
    RemovedFlag {
        name: "cluster-lease-renew-interval-fraction",
        message: AGENT_ONLY,
    },
    RemovedFlag {
        name: "eviction-rate",
        message: "not a Karmada flag (the v1.16 release notes misnamed it); use \
             --resource-eviction-rate",
    },
    RemovedFlag {
        name: "secondary-resource-eviction-rate",
        message: DROPPED_DRAFT,
    },
    RemovedFlag {
        name: "unhealthy-cluster-threshold",
        message: DROPPED_DRAFT,
    },
    RemovedFlag {
        name: "large-cluster-num-threshold",
        message: DROPPED_DRAFT,
    },
];

/// `Err(RemovedFlag)` when `name` (with or without leading dashes, with or without `=value`)
/// is one of [`REMOVED_FLAGS`].
pub fn reject_removed_flag(name: &str) -> Result<(), ConfigError> {
    let bare = name.trim_start_matches('-');
    let bare = bare.split_once('=').map_or(bare, |(n, _)| n);
    match REMOVED_FLAGS.iter().find(|r| r.name == bare) {
        Some(r) => Err(ConfigError::RemovedFlag {
            flag: r.name,
            message: r.message,
        }),
        None => Ok(()),
    }
}

impl FailoverConfig {
    /// Sets one flag from its command-line text (syntax only; run
    /// [`validate`](Self::validate) afterwards). Removed switches and unknown names are errors.
    pub fn set_flag(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        reject_removed_flag(name)?;
        let info = flag_info(name).ok_or_else(|| ConfigError::UnknownFlag { flag: name.into() })?;
        let f = info.name;
        match f {
            "feature-gates" => return self.feature_gates.apply(value),
            "controllers" => return value.parse().map(|c| self.controllers = c),
            "no-execute-taint-eviction-purge-mode" => {
                self.no_execute_taint_eviction_purge_mode = value.to_string();
                return Ok(());
            }
            _ => {}
        }
        match info.kind {
            Bool => *self.bool_field(f) = parse_bool(f, value)?,
            Duration => *self.f64_field(f) = parse_duration_flag(f, value)?,
            Float => *self.f64_field(f) = parse_number(f, value)?,
            Int if f == "concurrent-binding-eviction-syncs" => {
                self.concurrent_binding_eviction_syncs = parse_number(f, value)?;
            }
            Int => *self.i64_field(f) = parse_number(f, value)?,
            Text | FeatureGates | Controllers => unreachable!("handled above"),
        }
        Ok(())
    }

    /// The current value of a flag as command-line text, `None` for an unknown name.
    pub fn flag_value(&self, name: &str) -> Option<String> {
        let info = flag_info(name)?;
        let mut copy = self.clone();
        Some(match (info.name, info.kind) {
            ("feature-gates", _) => self.feature_gates.to_flag_value(),
            ("controllers", _) => self.controllers.to_string(),
            ("no-execute-taint-eviction-purge-mode", _) => {
                self.no_execute_taint_eviction_purge_mode.clone()
            }
            ("concurrent-binding-eviction-syncs", _) => {
                self.concurrent_binding_eviction_syncs.to_string()
            }
            (f, Bool) => copy.bool_field(f).to_string(),
            (f, Duration) => format_duration_s(*copy.f64_field(f)),
            (f, Float) => copy.f64_field(f).to_string(),
            (f, Int) => copy.i64_field(f).to_string(),
            (_, Text | FeatureGates | Controllers) => return None,
        })
    }

    /// `--name=value` for every flag whose value differs from its default, in table order.
    pub fn non_default_flags(&self) -> Vec<String> {
        let defaults = FailoverConfig::default();
        FLAGS
            .iter()
            .filter_map(|info| {
                let value = self.flag_value(info.name)?;
                (Some(&value) != defaults.flag_value(info.name).as_ref())
                    .then(|| format!("--{}={value}", info.name))
            })
            .collect()
    }

    /// Applies `--name=value`, `--name value` and bare boolean `--name` arguments in order,
    /// collecting every error (the rest still apply).
    pub fn apply_args<S: AsRef<str>>(&mut self, args: &[S]) -> Result<(), Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_ref();
            i += 1;
            let Some(body) = arg.strip_prefix("--") else {
                errors.push(ConfigError::UnexpectedArgument { arg: arg.into() });
                continue;
            };
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, v.to_string()),
                None if flag_info(body).is_some_and(|f| f.kind == Bool) => (body, "true".into()),
                None if flag_info(body).is_some() && i < args.len() => {
                    i += 1;
                    (body, args[i - 1].as_ref().to_string())
                }
                None if flag_info(body).is_some() => {
                    errors.push(ConfigError::MissingValue { flag: body.into() });
                    continue;
                }
                None => {
                    // An unknown or removed flag: swallow its value, if any, to report it once.
                    if args
                        .get(i)
                        .is_some_and(|next| !next.as_ref().starts_with("--"))
                    {
                        i += 1;
                    }
                    (body, String::new())
                }
            };
            if let Err(e) = self.set_flag(name, &value) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn bool_field(&mut self, name: &str) -> &mut bool {
        match name {
            "enable-taint-manager" => &mut self.enable_taint_manager,
            "enable-no-execute-taint-eviction" => &mut self.enable_no_execute_taint_eviction,
            "allow-no-execute-taint-policy" => &mut self.allow_no_execute_taint_policy,
            "failover-partial-placement" => &mut self.failover_partial_placement,
            "keep-preserved-state-until-dispatch" => &mut self.keep_preserved_state_until_dispatch,
            other => unreachable!("not a bool flag: {other}"),
        }
    }

    fn f64_field(&mut self, name: &str) -> &mut f64 {
        match name {
            "cluster-status-update-frequency" => &mut self.cluster_status_update_frequency_s,
            "cluster-failure-threshold" => &mut self.cluster_failure_threshold_s,
            "cluster-success-threshold" => &mut self.cluster_success_threshold_s,
            "cluster-monitor-period" => &mut self.cluster_monitor_period_s,
            "cluster-monitor-grace-period" => &mut self.cluster_monitor_grace_period_s,
            "cluster-startup-grace-period" => &mut self.cluster_startup_grace_period_s,
            "resource-eviction-rate" => &mut self.resource_eviction_rate,
            "graceful-eviction-timeout" => &mut self.graceful_eviction_timeout_s,
            "rate-limiter-base-delay" => &mut self.rate_limiter_base_delay_s,
            "rate-limiter-max-delay" => &mut self.rate_limiter_max_delay_s,
            other => unreachable!("not a number flag: {other}"),
        }
    }

    fn i64_field(&mut self, name: &str) -> &mut i64 {
        match name {
            "rate-limiter-qps" => &mut self.rate_limiter_qps,
            "rate-limiter-bucket-size" => &mut self.rate_limiter_bucket_size,
            other => unreachable!("not an integer flag: {other}"),
        }
    }
}

fn parse_bool(flag: &'static str, value: &str) -> Result<bool, ConfigError> {
    super::gates::parse_go_bool(value.trim()).ok_or_else(|| ConfigError::InvalidBool {
        flag,
        value: value.into(),
    })
}

fn parse_number<T: std::str::FromStr>(flag: &'static str, value: &str) -> Result<T, ConfigError> {
    value
        .trim()
        .parse()
        .map_err(|_| ConfigError::InvalidNumber {
            flag,
            value: value.into(),
        })
}

fn parse_duration_flag(flag: &'static str, value: &str) -> Result<f64, ConfigError> {
    parse_duration_s(value).map_err(|reason| ConfigError::InvalidDuration {
        flag,
        value: value.into(),
        reason,
    })
}

/// Parses a Go duration (`300ms`, `-1.5h`, `2h45m`, `0`) into seconds. Units: `ns`, `us`
/// (`µs`, `μs`), `ms`, `s`, `m`, `h`. The error says what is wrong.
pub fn parse_duration_s(text: &str) -> Result<f64, String> {
    let s = text.trim();
    let (sign, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    if rest == "0" {
        return Ok(0.0);
    }
    if rest.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = match &rest[..digits] {
            "" | "." => return Err("expected a number".into()),
            n => n.parse().map_err(|_| format!("bad number {n:?}"))?,
        };
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err("missing unit (use ns, us, ms, s, m or h)".into()),
            u => return Err(format!("unknown unit {u:?} (use ns, us, ms, s, m or h)")),
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    Ok(sign * total)
}

/// Renders seconds as a Go duration that [`parse_duration_s`] reads back: whole milliseconds
/// below one second as `Nms`, otherwise `Ns` (`600s`, `0.5s`).
pub fn format_duration_s(seconds: f64) -> String {
    let ms = seconds * 1000.0;
    if seconds != 0.0 && seconds.abs() < 1.0 && ms.fract() == 0.0 {
        format!("{ms}ms")
    } else {
        format!("{seconds}s")
    }
}
