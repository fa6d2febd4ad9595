//! `flotilla schedule`: an offline what-if of one scheduling pass. Reads Clusters (with status),
//! a policy, a resource template and/or an existing binding, and prints the binding the scheduler
//! would write.
//!
//! Owns: assembling the inputs and printing. Must not: hold scheduling rules (`flotilla-core`).

use std::fs;

use anyhow::{Context, Result, anyhow, bail};
use flotilla_api::admission::decode::decode_documents;
use flotilla_api::admission::{FieldValidation, Operation, Request, admit, decode_object};
use flotilla_api::kinds::{
    Binding, Cluster, ClusterPropagationPolicy, ClusterResourceBinding, KarmadaKind,
    PropagationPolicy, ResourceBinding, find_kind,
};
use flotilla_api::types::PropagationSpec;
use flotilla_core::detector::{ClaimingPolicy, binding_for};
use flotilla_core::scheduler::{ClusterSnapshot, SchedulerConfig, apply_decision, schedule};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::Value;

use crate::Outcome;
use crate::cli::ScheduleArgs;
use crate::output::render;

/// The binding being scheduled, of either kind.
enum AnyBinding {
    Namespaced(ResourceBinding),
    Cluster(ClusterResourceBinding),
}

/// A claiming policy read from the input.
struct Policy {
    spec: PropagationSpec,
    name: String,
    namespace: Option<String>,
    permanent_id: String,
}

#[derive(Default)]
struct Inputs {
    clusters: Vec<Cluster>,
    policy: Option<Policy>,
    template: Option<Value>,
    binding: Option<AnyBinding>,
}

/// Runs the command.
pub fn run(args: &ScheduleArgs) -> Result<Outcome> {
    let inputs = read_inputs(args)?;
    let now = match &args.now {
        Some(text) => Time(
            text.parse()
                .with_context(|| format!("--now {text:?} is not an RFC 3339 time"))?,
        ),
        None => crate::validate::now(),
    };
    let config = SchedulerConfig {
        empty_workload_propagation: args.enable_empty_workload_propagation,
        failover_partial_placement: args.failover_partial_placement,
        ..SchedulerConfig::default()
    };
    let snapshot = ClusterSnapshot::new(inputs.clusters);
    let binding = match inputs.binding {
        Some(binding) => binding,
        None => new_binding(inputs.template.as_ref(), inputs.policy.as_ref())?,
    };
    let (object, failure) = match binding {
        AnyBinding::Namespaced(b) => run_pass(b, inputs.policy.as_ref(), &snapshot, &config, &now)?,
        AnyBinding::Cluster(b) => run_pass(b, inputs.policy.as_ref(), &snapshot, &config, &now)?,
    };
    print!("{}", render(&[object], args.output)?);
    match failure {
        Some(message) => {
            eprintln!("{message}");
            Ok(Outcome::Negative)
        }
        None => Ok(Outcome::Success),
    }
}

/// One pass over `binding`; returns the updated binding and, on failure, the condition text.
fn run_pass<B: Binding>(
    mut binding: B,
    policy: Option<&Policy>,
    snapshot: &ClusterSnapshot,
    config: &SchedulerConfig,
    now: &Time,
) -> Result<(Value, Option<String>)> {
    if binding.spec().placement.is_none()
        && let Some(policy) = policy
    {
        binding.spec_mut().placement = Some(policy.spec.placement.clone());
    }
    let meta = binding.metadata().clone();
    let decision = schedule(
        snapshot,
        &meta,
        binding.spec(),
        binding.status(),
        config,
        &[],
        now,
    );
    apply_decision(&mut binding, &decision, now);
    let failure = decision.failure.map(|reason| {
        format!(
            "Scheduled=False {}: {}",
            reason.as_str(),
            decision.condition.message
        )
    });
    Ok((serde_json::to_value(&binding)?, failure))
}

fn new_binding(template: Option<&Value>, policy: Option<&Policy>) -> Result<AnyBinding> {
    let template = template
        .ok_or_else(|| anyhow!("no resource template and no ResourceBinding in the input"))?;
    let policy = policy.ok_or_else(|| {
        anyhow!("a resource template needs a PropagationPolicy or ClusterPropagationPolicy")
    })?;
    let claim = ClaimingPolicy {
        spec: &policy.spec,
        name: &policy.name,
        namespace: policy.namespace.as_deref(),
        permanent_id: &policy.permanent_id,
    };
    let (metadata, spec) = binding_for(template, claim);
    Ok(if metadata.namespace.is_some() {
        let mut b = ResourceBinding::new("", spec);
        b.metadata = metadata;
        AnyBinding::Namespaced(b)
    } else {
        let mut b = ClusterResourceBinding::new("", spec);
        b.metadata = metadata;
        AnyBinding::Cluster(b)
    })
}

fn read_inputs(args: &ScheduleArgs) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for path in &args.files {
        let name = path.display().to_string();
        let text = fs::read_to_string(path).with_context(|| format!("reading {name}"))?;
        for document in decode_documents(&text, &name)? {
            let at = format!("{name}#{}", document.index);
            add_object(&mut inputs, document.value, &args.namespace).with_context(|| at)?;
        }
    }
    Ok(inputs)
}

fn add_object(inputs: &mut Inputs, mut object: Value, namespace: &str) -> Result<()> {
    let api_version = object["apiVersion"].as_str().unwrap_or("").to_string();
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let namespaced = find_kind(&api_version, &kind).is_none_or(|k| k.namespaced);
    if namespaced
        && object["metadata"].get("namespace").is_none()
        && object.get("metadata").is_some()
    {
        object["metadata"]["namespace"] = Value::String(namespace.to_string());
    }
    match kind.as_str() {
        "Cluster" => inputs.clusters.push(read::<Cluster>(object)?),
        "PropagationPolicy" => set_policy(inputs, admitted::<PropagationPolicy>(object)?, |p| {
            (p.spec, p.metadata)
        })?,
        "ClusterPropagationPolicy" => {
            set_policy(inputs, admitted::<ClusterPropagationPolicy>(object)?, |p| {
                (p.spec, p.metadata)
            })?
        }
        "ResourceBinding" => set_binding(inputs, AnyBinding::Namespaced(read(object)?))?,
        "ClusterResourceBinding" => set_binding(inputs, AnyBinding::Cluster(read(object)?))?,
        _ if find_kind(&api_version, &kind).is_some() => {
            bail!("{kind} is not an input of `flotilla schedule`")
        }
        _ => {
            if inputs.template.is_some() {
                bail!("more than one resource template ({api_version} {kind})");
            }
            inputs.template = Some(object);
        }
    }
    Ok(())
}

fn set_policy<P>(
    inputs: &mut Inputs,
    policy: P,
    parts: impl Fn(
        P,
    ) -> (
        PropagationSpec,
        k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    ),
) -> Result<()> {
    if inputs.policy.is_some() {
        bail!("more than one PropagationPolicy or ClusterPropagationPolicy");
    }
    let (spec, meta) = parts(policy);
    let permanent_id = meta
        .labels
        .as_ref()
        .and_then(|l| l.values().next().cloned())
        .unwrap_or_default();
    inputs.policy = Some(Policy {
        spec,
        name: meta.name.unwrap_or_default(),
        namespace: meta.namespace,
        permanent_id,
    });
    Ok(())
}

fn set_binding(inputs: &mut Inputs, binding: AnyBinding) -> Result<()> {
    if inputs.binding.is_some() {
        bail!("more than one ResourceBinding or ClusterResourceBinding");
    }
    inputs.binding = Some(binding);
    Ok(())
}

/// Reads an object as stored (status kept), with schema defaults and validation.
fn read<K: KarmadaKind>(object: Value) -> Result<K> {
    let (typed, _warnings) =
        decode_object::<K>(object, FieldValidation::Strict).map_err(|r| anyhow!(r.message))?;
    Ok(typed)
}

/// Admits a policy as if created, so its defaults (e.g. Weighted) apply.
fn admitted<K: KarmadaKind>(object: Value) -> Result<K> {
    let ctx = crate::validate::context(FieldValidation::Strict, true);
    let admitted = admit(
        K::INFO,
        Request {
            object,
            duplicate_fields: vec![],
            operation: Operation::Create,
        },
        &ctx,
    )
    .map_err(|r| anyhow!(r.message))?;
    Ok(serde_json::from_value(admitted.object)?)
}
