//! Tests for the failover configuration: F-62 gates, F-63 controllers, F-64 flags and their
//! validation, F-65 refused switches, and the FD-1 playground preset.
//!
//! Owns: tests only. Must not: sleep or read the clock (time is simulated).

use super::*;

/// F-62: stages and defaults of every gate (Karmada v1.19).
#[test]
fn f62_gate_defaults() {
    let table = [
        "Failover Beta false",
        "GracefulEviction Beta true",
        "PropagateDeps Beta true",
        "CustomizedClusterResourceModeling Beta true",
        "PropagationPolicyPreemption Alpha false",
        "MultiClusterService Alpha false",
        "ResourceQuotaEstimate Alpha false",
        "StatefulFailoverInjection Alpha false",
        "PriorityBasedScheduling Beta true",
        "FederatedQuotaEnforcement Alpha false",
        "MultiplePodTemplatesScheduling Alpha false",
        "ControllerPriorityQueue Beta true",
        "WorkloadAffinity Alpha false",
        "LoggingAlphaOptions Alpha false",
        "LoggingBetaOptions Beta true",
        "ContextualLogging Beta true",
    ];
    let got: Vec<String> = Gate::ALL
        .iter()
        .map(|g| format!("{} {:?} {}", g.name(), g.stage(), g.default_enabled()))
        .collect();
    assert_eq!(got, table);
    let gates = FeatureGates::default();
    for gate in Gate::ALL {
        assert_eq!(gates.enabled(gate), gate.default_enabled(), "{gate}");
        assert_eq!(Gate::from_name(gate.name()), Some(gate));
    }
    assert_eq!(
        Gate::from_name("failover"),
        None,
        "names are case-sensitive"
    );
    assert_eq!(gates.to_flag_value(), "");
    assert_eq!(Gate::Failover.to_string(), "Failover");
    assert_eq!(Stage::Alpha.as_str(), "ALPHA");
}

/// F-62: `--feature-gates` parsing.
#[test]
fn f62_gate_parsing() {
    let g: FeatureGates = "Failover=true,GracefulEviction=false".parse().unwrap();
    assert!(g.enabled(Gate::Failover) && !g.enabled(Gate::GracefulEviction));
    assert_eq!(g.to_flag_value(), "Failover=true,GracefulEviction=false");
    assert_eq!(g.to_string(), g.to_flag_value());
    let g: FeatureGates = " Failover = T , , StatefulFailoverInjection=1 ,"
        .parse()
        .unwrap();
    assert!(g.enabled(Gate::Failover) && g.enabled(Gate::StatefulFailoverInjection));
    let g: FeatureGates = "".parse().unwrap();
    assert_eq!(g, FeatureGates::default());
    // Explicitly set to the default: remembered, not rendered.
    let g: FeatureGates = "GracefulEviction=true".parse().unwrap();
    assert_eq!(g.to_flag_value(), "");
    // Repeated flags: later values win.
    let mut g = FeatureGates::default();
    g.apply("Failover=true").unwrap();
    g.apply("Failover=false,PropagateDeps=false").unwrap();
    assert!(!g.enabled(Gate::Failover) && !g.enabled(Gate::PropagateDeps));
}

/// F-62: AllAlpha / AllBeta; explicit gates win whatever their position.
#[test]
fn f62_all_alpha_all_beta() {
    let g: FeatureGates = "WorkloadAffinity=false,AllAlpha=true".parse().unwrap();
    assert!(g.enabled(Gate::StatefulFailoverInjection));
    assert!(!g.enabled(Gate::WorkloadAffinity));
    assert!(!g.enabled(Gate::Failover), "Failover is Beta");
    let g: FeatureGates = "AllBeta=false,Failover=true".parse().unwrap();
    assert!(g.enabled(Gate::Failover));
    assert!(!g.enabled(Gate::GracefulEviction));
}

/// F-62: typed errors with clear messages; a failed value changes nothing.
#[test]
fn f62_gate_errors() {
    let cases: &[(&str, ConfigError)] = &[
        (
            "Failvoer=true",
            ConfigError::UnknownFeatureGate {
                name: "Failvoer".into(),
            },
        ),
        (
            "Failover",
            ConfigError::MissingGateValue {
                name: "Failover".into(),
            },
        ),
        (
            "Failover=yes",
            ConfigError::InvalidGateValue {
                name: "Failover".into(),
                value: "yes".into(),
            },
        ),
        (
            "=true",
            ConfigError::EmptyGateName {
                item: "=true".into(),
            },
        ),
    ];
    for (text, want) in cases {
        assert_eq!(text.parse::<FeatureGates>().unwrap_err(), *want, "{text}");
    }
    let msg = "Failvoer=true"
        .parse::<FeatureGates>()
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "--feature-gates: unrecognized feature gate \"Failvoer\""
    );
    let msg = "Failover=yes"
        .parse::<FeatureGates>()
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("Failover=\"yes\"") && msg.contains("true or false"),
        "{msg}"
    );
    let mut g = FeatureGates::default();
    assert!(g.apply("Failover=true,Nope=true").is_err());
    assert!(
        !g.enabled(Gate::Failover),
        "atomic: nothing applied on error"
    );
    assert_eq!(parse_go_bool("TRUE"), Some(true));
    assert_eq!(parse_go_bool("False"), Some(false));
    assert_eq!(parse_go_bool("yes"), None);
}

/// F-63: `--controllers` selection.
#[test]
fn f63_controller_selection() {
    let all = ControllerSelection::default();
    assert_eq!(all.to_string(), "*");
    assert_eq!(all.enabled(), Controller::ALL.to_vec());
    let c: ControllerSelection = "*,-gracefulEviction".parse().unwrap();
    assert!(!c.is_enabled(Controller::GracefulEviction));
    assert!(c.is_enabled(Controller::Cluster));
    assert_eq!(c.enabled().len(), 8);
    let c: ControllerSelection = "cluster,clusterStatus".parse().unwrap();
    assert_eq!(
        c.enabled(),
        vec![Controller::Cluster, Controller::ClusterStatus]
    );
    // The first entry that names a controller decides.
    let c: ControllerSelection = "-cluster,cluster,*".parse().unwrap();
    assert!(!c.is_enabled(Controller::Cluster));
    let c: ControllerSelection = "cluster,-cluster".parse().unwrap();
    assert!(c.is_enabled(Controller::Cluster));
    // Empty: nothing runs.
    let c: ControllerSelection = "".parse().unwrap();
    assert!(c.enabled().is_empty() && c.entries().is_empty());
    for c in Controller::ALL {
        assert_eq!(Controller::from_name(c.name()), Some(c));
    }
    assert_eq!(
        Controller::ClusterTaintPolicy.to_string(),
        "clustertaintpolicy"
    );
}

/// F-63: malformed entries are errors; unknown and Karmada-only names are warnings.
#[test]
fn f63_controller_errors_and_warnings() {
    for bad in ["-", "-*", "*,- ", "--cluster", "a b"] {
        let err = bad.parse::<ControllerSelection>().unwrap_err();
        assert!(
            matches!(err, ConfigError::InvalidControllerEntry { .. }),
            "{bad}: {err}"
        );
    }
    let c: ControllerSelection = "*,-remedy,gracefulEvicton".parse().unwrap();
    let w = c.warnings();
    assert_eq!(w.len(), 2);
    assert!(
        w[0].contains("\"remedy\"") && w[0].contains("Karmada controller"),
        "{}",
        w[0]
    );
    assert!(
        w[1].contains("unknown controller \"gracefulEvicton\""),
        "{}",
        w[1]
    );
    assert!(w[1].contains("gracefulEviction"), "lists the known names");
}

/// F-64: every flag's default, in the typed config and in the table.
#[test]
fn f64_flag_defaults() {
    let c = FailoverConfig::default();
    let table: &[(&str, &str)] = &[
        ("feature-gates", ""),
        ("controllers", "*"),
        ("cluster-status-update-frequency", "10s"),
        ("cluster-failure-threshold", "30s"),
        ("cluster-success-threshold", "30s"),
        ("cluster-monitor-period", "5s"),
        ("cluster-monitor-grace-period", "40s"),
        ("cluster-startup-grace-period", "60s"),
        ("enable-taint-manager", "true"),
        ("enable-no-execute-taint-eviction", "false"),
        ("no-execute-taint-eviction-purge-mode", "Gracefully"),
        ("resource-eviction-rate", "0.5"),
        ("graceful-eviction-timeout", "600s"),
        ("rate-limiter-base-delay", "5ms"),
        ("rate-limiter-max-delay", "1000s"),
        ("rate-limiter-qps", "10"),
        ("rate-limiter-bucket-size", "100"),
        ("allow-no-execute-taint-policy", "false"),
        ("failover-partial-placement", "false"),
        ("keep-preserved-state-until-dispatch", "false"),
        ("concurrent-binding-eviction-syncs", "3"),
    ];
    assert_eq!(table.len(), FLAGS.len());
    for (name, want) in table {
        assert_eq!(c.flag_value(name).as_deref(), Some(*want), "{name}");
        let info = flag_info(name).unwrap();
        let same = match info.kind {
            FlagKind::Duration => parse_duration_s(info.default) == parse_duration_s(want),
            _ => info.default == *want,
        };
        assert!(same, "table default of {name}: {}", info.default);
    }
    assert!(c.validate().is_ok());
    assert!(c.warnings().is_empty());
    assert!(c.non_default_flags().is_empty());
    assert_eq!(c.default_purge_mode(), PurgeMode::Gracefully);
    assert_eq!(c.eviction_rate().unwrap().per_second(), 0.5);
    assert_eq!(c.retry_backoff(), RetryBackoff::default());
    assert!(!c.taint_manager_registered() && !c.no_execute_eviction_enabled());
    assert!(!c.cluster_taint_policy_controller_runs());
    assert_eq!(
        flag_info("allow-no-execute-taint-policy")
            .unwrap()
            .component,
        Component::ApiServer
    );
    let flotilla: Vec<&str> = FLAGS
        .iter()
        .filter(|f| f.origin == Origin::Flotilla)
        .map(|f| f.name)
        .collect();
    assert_eq!(
        flotilla,
        [
            "failover-partial-placement",
            "keep-preserved-state-until-dispatch",
            "concurrent-binding-eviction-syncs"
        ]
    );
    assert!(
        flag_info("resource-eviction-rate")
            .unwrap()
            .help
            .contains("true ceiling"),
        "FD-11 help"
    );
}

/// F-64: setting flags from text.
#[test]
fn f64_set_flags() {
    let mut c = FailoverConfig::default();
    c.apply_args(&[
        "--feature-gates=Failover=true",
        "--enable-no-execute-taint-eviction",
        "--no-execute-taint-eviction-purge-mode",
        "Directly",
        "--resource-eviction-rate=2",
        "--graceful-eviction-timeout=1m30s",
        "--cluster-monitor-period",
        "500ms",
        "--enable-taint-manager=True",
        "--rate-limiter-qps=0",
        "--concurrent-binding-eviction-syncs=8",
        "--controllers=*,-applicationFailover",
    ])
    .unwrap();
    assert!(c.no_execute_eviction_enabled());
    assert_eq!(c.default_purge_mode(), PurgeMode::Directly);
    assert_eq!(c.resource_eviction_rate, 2.0);
    assert_eq!(c.graceful_eviction_timeout_s, 90.0);
    assert_eq!(c.cluster_monitor_period_s, 0.5);
    assert_eq!(c.effective_rate_limiter_qps(), 10);
    assert_eq!(c.effective_rate_limiter_bucket_size(), 100);
    assert_eq!(c.concurrent_binding_eviction_syncs, 8);
    assert!(!c.controllers.is_enabled(Controller::ApplicationFailover));
    assert!(c.validate().is_ok());
    assert_eq!(
        c.flag_value("cluster-monitor-period").as_deref(),
        Some("500ms")
    );
    assert_eq!(c.flag_value("nope"), None);
}

/// F-64: syntax errors name the flag; `apply_args` reports every error.
#[test]
fn f64_flag_syntax_errors() {
    let mut c = FailoverConfig::default();
    let errors = c
        .apply_args(&[
            "--enable-taint-manager=maybe",
            "--resource-eviction-rate=fast",
            "--cluster-failure-threshold=30",
            "--concurrent-binding-eviction-syncs=-1",
            "--no-such-flag=1",
            "stray",
            "--graceful-eviction-timeout",
        ])
        .unwrap_err();
    assert_eq!(
        errors,
        vec![
            ConfigError::InvalidBool {
                flag: "enable-taint-manager",
                value: "maybe".into()
            },
            ConfigError::InvalidNumber {
                flag: "resource-eviction-rate",
                value: "fast".into()
            },
            ConfigError::InvalidDuration {
                flag: "cluster-failure-threshold",
                value: "30".into(),
                reason: "missing unit (use ns, us, ms, s, m or h)".into(),
            },
            ConfigError::InvalidNumber {
                flag: "concurrent-binding-eviction-syncs",
                value: "-1".into()
            },
            ConfigError::UnknownFlag {
                flag: "no-such-flag".into()
            },
            ConfigError::UnexpectedArgument {
                arg: "stray".into()
            },
            ConfigError::MissingValue {
                flag: "graceful-eviction-timeout".into()
            },
        ]
    );
    assert_eq!(c, FailoverConfig::default(), "nothing valid was given");
    assert_eq!(
        errors[2].to_string(),
        "--cluster-failure-threshold: invalid duration \"30\": missing unit (use ns, us, ms, s, \
         m or h)"
    );
}

/// F-64: validation rules, all errors at once.
#[test]
fn f64_validation() {
    let c = FailoverConfig {
        cluster_status_update_frequency_s: 0.0,
        cluster_monitor_period_s: -1.0,
        cluster_monitor_grace_period_s: f64::NAN,
        cluster_startup_grace_period_s: 0.0,
        resource_eviction_rate: -0.5,
        enable_no_execute_taint_eviction: true,
        no_execute_taint_eviction_purge_mode: "Never".into(),
        concurrent_binding_eviction_syncs: 0,
        // Karmada does not validate these:
        cluster_failure_threshold_s: 0.0,
        graceful_eviction_timeout_s: 0.0,
        rate_limiter_base_delay_s: -1.0,
        ..FailoverConfig::default()
    };
    let errors = c.validate().unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "--cluster-status-update-frequency must be greater than 0, got 0s",
            "--cluster-monitor-period must be greater than 0, got -1s",
            "--cluster-monitor-grace-period must be a finite duration, got NaNs",
            "--cluster-startup-grace-period must be greater than 0, got 0s",
            "--resource-eviction-rate must be >= 0, got -0.5",
            "--no-execute-taint-eviction-purge-mode: \"Never\" is not supported; use Directly \
             or Gracefully",
            "--concurrent-binding-eviction-syncs must be greater than 0, got 0",
        ]
    );
    assert!(matches!(
        errors[4],
        ConfigError::EvictionRate(PacerError::Negative(_))
    ));
    assert!(c.eviction_rate().is_err());
    assert_eq!(
        c.retry_backoff(),
        RetryBackoff::default(),
        "<= 0 falls back"
    );
}

/// F-26/F-64: the purge-mode flag is checked only when eviction is enabled; any value other
/// than Directly means Gracefully; FD-7 legacy names are read as the new ones.
#[test]
fn f64_purge_mode_flag() {
    let with = |mode: &str, evict: bool| FailoverConfig {
        no_execute_taint_eviction_purge_mode: mode.into(),
        enable_no_execute_taint_eviction: evict,
        ..FailoverConfig::default()
    };
    let cases: &[(&str, bool, bool, PurgeMode)] = &[
        ("Gracefully", true, true, PurgeMode::Gracefully),
        ("Directly", true, true, PurgeMode::Directly),
        ("Immediately", true, true, PurgeMode::Directly),
        ("Graciously", true, true, PurgeMode::Gracefully),
        ("Never", true, false, PurgeMode::Gracefully),
        ("directly", true, false, PurgeMode::Gracefully),
        ("Never", false, true, PurgeMode::Gracefully),
        ("", false, true, PurgeMode::Gracefully),
    ];
    for (mode, evict, valid, effective) in cases {
        let c = with(mode, *evict);
        assert_eq!(c.validate().is_ok(), *valid, "{mode:?} evict={evict}");
        assert_eq!(c.default_purge_mode(), *effective, "{mode:?}");
    }
    assert!(with("Never", false).warnings()[0].contains("means Gracefully"));
}

/// F-65: removed and legacy switches are refused with directions.
#[test]
fn f65_removed_flags() {
    let err = reject_removed_flag("--failover-eviction-timeout=5m").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("--failover-eviction-timeout is not supported"),
        "{msg}"
    );
    assert!(msg.contains("ClusterTaintPolicy"), "{msg}");
    let cases: &[(&str, &str)] = &[
        ("default-not-ready-toleration-seconds", "clusterTolerations"),
        (
            "default-unreachable-toleration-seconds",
            "clusterTolerations",
        ),
        ("cluster-lease-duration", "karmada-agent"),
        ("cluster-lease-renew-interval-fraction", "karmada-agent"),
        ("eviction-rate", "--resource-eviction-rate"),
        ("secondary-resource-eviction-rate", "FD-12"),
        ("unhealthy-cluster-threshold", "FD-12"),
        ("large-cluster-num-threshold", "FD-12"),
    ];
    for (name, hint) in cases {
        let msg = reject_removed_flag(name).unwrap_err().to_string();
        assert!(msg.contains(hint), "{name}: {msg}");
    }
    assert_eq!(REMOVED_FLAGS.len(), cases.len() + 1);
    assert!(reject_removed_flag("resource-eviction-rate").is_ok());
    let mut c = FailoverConfig::default();
    let errors = c
        .apply_args(&[
            "--failover-eviction-timeout",
            "5m",
            "--enable-taint-manager",
        ])
        .unwrap_err();
    assert_eq!(
        errors.len(),
        1,
        "the removed flag's value is not reported again"
    );
    assert!(matches!(
        errors[0],
        ConfigError::RemovedFlag {
            flag: "failover-eviction-timeout",
            ..
        }
    ));
    assert!(c.set_flag("cluster-lease-duration", "40s").is_err());
}

/// FD-1: the playground turns on exactly the three switches and says so.
#[test]
fn fd1_playground_preset() {
    let p = FailoverConfig::playground();
    assert_eq!(p.non_default_flags(), PLAYGROUND_SWITCHES);
    assert!(p.validate().is_ok());
    assert!(p.warnings().is_empty());
    assert!(p.no_execute_eviction_enabled());
    assert!(p.cluster_taint_policy_controller_runs());
    assert!(p.allow_no_execute_taint_policy);
    assert_eq!(p.default_purge_mode(), PurgeMode::Gracefully);
    assert_eq!(p.resource_eviction_rate, 0.5);
    let notice = FailoverConfig::playground_notice();
    for switch in PLAYGROUND_SWITCHES {
        assert!(notice.contains(switch), "{notice}");
    }
    // The same switches on the command line give the same configuration.
    let mut c = FailoverConfig::default();
    c.apply_args(&PLAYGROUND_SWITCHES).unwrap();
    assert_eq!(c, p);
}

/// F-2, F-18, F-63: what actually runs.
#[test]
fn f2_derived_switches() {
    let mut c = FailoverConfig::playground();
    c.enable_taint_manager = false;
    assert!(!c.no_execute_eviction_enabled());
    assert!(c.warnings()[0].contains("--enable-taint-manager=false"));
    let mut c = FailoverConfig::playground();
    c.controllers = "*,-cluster".parse().unwrap();
    assert!(!c.taint_manager_registered());
    assert!(c.cluster_taint_policy_controller_runs());
    assert!(c.warnings()[0].contains("cluster controller is disabled"));
    let c = FailoverConfig {
        enable_no_execute_taint_eviction: true,
        ..FailoverConfig::default()
    };
    assert!(!c.no_execute_eviction_enabled());
    assert!(c.warnings()[0].contains("Failover feature gate is off"));
    let c = FailoverConfig {
        keep_preserved_state_until_dispatch: true,
        ..FailoverConfig::default()
    };
    assert!(c.warnings()[0].contains("StatefulFailoverInjection"));
}

/// Go durations.
#[test]
fn go_durations() {
    let ok: &[(&str, f64)] = &[
        ("10s", 10.0),
        ("0", 0.0),
        ("5ms", 0.005),
        ("1m30s", 90.0),
        ("1.5h", 5400.0),
        ("-2s", -2.0),
        ("+3m", 180.0),
        ("250us", 0.00025),
        ("7µs", 0.000007),
        ("100ns", 1e-7),
        (".5s", 0.5),
    ];
    for (text, want) in ok {
        let got = parse_duration_s(text).unwrap();
        assert!((got - want).abs() < 1e-12, "{text}: {got}");
    }
    for bad in ["", "10", "s", "1x", "1..2s", "-", "ms5"] {
        assert!(parse_duration_s(bad).is_err(), "{bad}");
    }
    assert_eq!(format_duration_s(0.005), "5ms");
    assert_eq!(format_duration_s(600.0), "600s");
    assert_eq!(format_duration_s(0.0), "0s");
    assert_eq!(format_duration_s(1.5), "1.5s");
    for v in [0.005, 0.5, 10.0, 600.0, 1000.0] {
        assert_eq!(parse_duration_s(&format_duration_s(v)).unwrap(), v);
    }
}

/// F-64 hard-coded values, exposed as constants.
#[test]
fn f64_constants() {
    assert_eq!(
        (
            TAINT_MANAGER_RESYNC_S,
            DIRECTLY_TERMINATING_RECHECK_S,
            CLUSTER_DELETION_RECHECK_S
        ),
        (10, 5, 10)
    );
    assert_eq!(
        (
            MONITOR_WRITE_RETRIES,
            MONITOR_WRITE_RETRY_INTERVAL_MS,
            MEMBER_CLIENT_TIMEOUT_S
        ),
        (5, 20, 32)
    );
    assert_eq!(crate::failover::pacer::RATE_ZERO_INTERVAL_S, 1800);
}
