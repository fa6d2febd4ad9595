//! Command-line definitions (clap). Owns: flags, their names and defaults. Must not: act on them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Flotilla: a Karmada-compatible multi-cluster control plane built around cluster failover.
#[derive(Parser, Debug)]
#[command(name = "flotilla", version, about)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run admission (defaulting and validation) offline on manifests, like the API server would.
    Validate(ValidateArgs),
    /// Print CustomResourceDefinitions for every Flotilla kind (to install into a kube-apiserver).
    Crds(CrdsArgs),
    /// What-if: run one scheduling pass offline and print the resulting binding.
    Schedule(ScheduleArgs),
    /// Run a deterministic, seeded simulation of a fleet with injected faults.
    Sim(SimArgs),
    /// Serve the Kubernetes-compatible API over the embedded store and write a kubeconfig.
    Apiserver(ApiserverArgs),
}

/// `flotilla apiserver`.
#[derive(Args, Debug)]
pub struct ApiserverArgs {
    /// Data directory: the SQLite store, the kubeconfig and the PKI (`pki/`: CA, server
    /// certificate, admin token) live here.
    #[arg(long, default_value = "flotilla-data")]
    pub data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:6443")]
    pub listen: String,
    /// Store objects in etcd at these endpoints (comma-separated URLs) instead of SQLite in the
    /// data directory.
    #[arg(long, value_delimiter = ',')]
    pub etcd_endpoints: Vec<String>,
    /// Key prefix in etcd, so that several stores can share one etcd.
    #[arg(long, default_value = "/flotilla")]
    pub etcd_prefix: String,
    /// Serve plain HTTP without authentication (only on a loopback address) instead of TLS with
    /// a bearer token.
    #[arg(long)]
    pub insecure_http: bool,
    /// Allow ClusterTaintPolicies with NoExecute taints (Karmada's webhook flag; off by default).
    #[arg(long)]
    pub allow_no_execute_taint_policy: bool,
    /// Non-mutating requests served at once; more get 429 (watches are not counted).
    #[arg(long, default_value_t = flotilla_apiserver::server::InFlightLimits::default().reads as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_requests_inflight: u64,
    /// Mutating requests served at once; more get 429.
    #[arg(long, default_value_t = flotilla_apiserver::server::InFlightLimits::default().mutations as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_mutating_requests_inflight: u64,
}

/// Output formats for objects.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML documents separated by `---`.
    Yaml,
    /// A JSON object, or a `List` of several.
    Json,
}

/// Field validation, as kubectl's `--validate`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validation {
    /// Unknown or duplicate fields make the object invalid.
    Strict,
    /// Unknown or duplicate fields are dropped with a warning.
    Warn,
    /// Unknown or duplicate fields are dropped silently.
    Ignore,
}

/// `flotilla validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// A file, a directory (its .yaml/.yml/.json files) or `-` for standard input. Repeatable.
    #[arg(short = 'f', long = "filename", required = true)]
    pub files: Vec<PathBuf>,
    /// Descend into subdirectories.
    #[arg(short = 'R', long)]
    pub recursive: bool,
    /// Print each admitted (defaulted) object; verdicts then go to standard error.
    #[arg(short = 'o', long = "output", value_enum)]
    pub output: Option<Format>,
    /// Unknown/duplicate field handling.
    #[arg(long, value_enum, default_value = "strict")]
    pub validate: Validation,
    /// Namespace for namespaced objects that do not name one.
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// Admit ClusterTaintPolicies with NoExecute taints (karmada-webhook's flag of that name).
    #[arg(long)]
    pub allow_no_execute_taint_policy: bool,
}

/// `flotilla crds`.
#[derive(Args, Debug)]
pub struct CrdsArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "yaml")]
    pub output: Format,
}

/// `flotilla schedule`.
#[derive(Args, Debug)]
pub struct ScheduleArgs {
    /// YAML/JSON files holding Clusters (with status), one PropagationPolicy or
    /// ClusterPropagationPolicy, one resource template, and optionally an existing binding.
    #[arg(short = 'f', long = "filename", required = true)]
    pub files: Vec<PathBuf>,
    /// Output format of the resulting binding.
    #[arg(short = 'o', long = "output", value_enum, default_value = "yaml")]
    pub output: Format,
    /// Namespace for namespaced objects that do not name one.
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// The time the pass runs at (RFC 3339); defaults to now.
    #[arg(long)]
    pub now: Option<String>,
    /// Keep selected clusters with 0 replicas in the result (Karmada's option of that name).
    #[arg(long)]
    pub enable_empty_workload_propagation: bool,
    /// Place as many evicted replicas as capacity allows instead of none (decisions.md D-10).
    #[arg(long)]
    pub failover_partial_placement: bool,
}

/// `flotilla sim`.
#[derive(Args, Debug)]
pub struct SimArgs {
    /// The seed; the same seed replays identically.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Run this many consecutive seeds starting at `--seed`.
    #[arg(long, default_value_t = 1)]
    pub seeds: u64,
    /// Member clusters.
    #[arg(long, default_value_t = 8)]
    pub clusters: usize,
    /// Bindings (a tenth of them ClusterResourceBindings).
    #[arg(long, default_value_t = 40)]
    pub bindings: usize,
    /// Simulated time, e.g. 90s, 30m, 2h.
    #[arg(long, default_value = "1h")]
    pub duration: String,
    /// Faults: all, none, or a list of down, flap, mass, taint, scale, unhealthy.
    #[arg(long, default_value = "all")]
    pub faults: String,
    /// `--resource-eviction-rate` of the simulated control plane.
    #[arg(long, default_value_t = 0.5)]
    pub resource_eviction_rate: f64,
    /// Run with the Failover feature gate off.
    #[arg(long)]
    pub failover_gate_off: bool,
    /// Run with `--enable-no-execute-taint-eviction=false`.
    #[arg(long)]
    pub no_eviction: bool,
    /// `--failover-partial-placement` (D-10).
    #[arg(long)]
    pub failover_partial_placement: bool,
    /// Print only the summary line of each seed.
    #[arg(short, long)]
    pub quiet: bool,
}
