//! Well-known names in one place: labels, annotations, finalizers, condition types and reasons,
//! event reasons, eviction producers and reasons, webhook names, system taints and namespaces
//! (api.md §4.4, §4.5, §9.2, §12, §13; failover.md F-66…F-68).
//!
//! Owns: the spellings. Must not: hold behaviour.

/// Labels.
pub mod labels {
    /// Permanent id of the claiming PropagationPolicy (on templates, bindings, policies).
    pub const PROPAGATION_POLICY_PERMANENT_ID: &str = "propagationpolicy.karmada.io/permanent-id";
    /// Permanent id of the claiming ClusterPropagationPolicy.
    pub const CLUSTER_PROPAGATION_POLICY_PERMANENT_ID: &str =
        "clusterpropagationpolicy.karmada.io/permanent-id";
    /// Permanent id of a ResourceBinding (on the binding, its Works and member objects).
    pub const RESOURCE_BINDING_PERMANENT_ID: &str = "resourcebinding.karmada.io/permanent-id";
    /// Permanent id of a ClusterResourceBinding.
    pub const CLUSTER_RESOURCE_BINDING_PERMANENT_ID: &str =
        "clusterresourcebinding.karmada.io/permanent-id";
    /// Permanent id of a Work (on the Work and its manifest).
    pub const WORK_PERMANENT_ID: &str = "work.karmada.io/permanent-id";
    /// Marks member objects managed by Karmada (`true`).
    pub const MANAGED: &str = "karmada.io/managed";
    /// Marks system namespaces such as `karmada-es-*` (`true`).
    pub const SYSTEM: &str = "karmada.io/system";
    /// `Always`: DELETE of the object is denied.
    pub const DELETION_PROTECTED: &str = "resourcetemplate.karmada.io/deletion-protected";
    /// `true`: the member keeps its own replica count.
    pub const RETAIN_REPLICAS: &str = "resourcetemplate.karmada.io/retain-replicas";
    /// Set by the MultiClusterService controller; policies skip the template.
    pub const CLAIMED_BY: &str = "resourcetemplate.karmada.io/claimed-by";
    /// On bindings managed by another controller, e.g. `MultiClusterService`.
    pub const BINDING_MANAGED_BY: &str = "binding.karmada.io/managed-by";
    /// Prefix of the dependency label on attached bindings.
    pub const DEPENDED_BY_PREFIX: &str = "resourcebinding.karmada.io/depended-by-";
    /// `true`: the namespace is not auto-created in members.
    pub const SKIP_AUTO_PROPAGATION: &str = "namespace.karmada.io/skip-auto-propagation";
}

/// Annotations.
pub mod annotations {
    /// Namespace of the claiming PropagationPolicy.
    pub const PROPAGATION_POLICY_NAMESPACE: &str = "propagationpolicy.karmada.io/namespace";
    /// Name of the claiming PropagationPolicy.
    pub const PROPAGATION_POLICY_NAME: &str = "propagationpolicy.karmada.io/name";
    /// Name of the claiming ClusterPropagationPolicy.
    pub const CLUSTER_PROPAGATION_POLICY_NAME: &str = "clusterpropagationpolicy.karmada.io/name";
    /// `overwrite` / `abort` on a template; effective value on Works and member objects.
    pub const CONFLICT_RESOLUTION: &str = "work.karmada.io/conflict-resolution";
    /// JSON of the placement used for the last schedule (the taint manager reads tolerations here).
    pub const APPLIED_PLACEMENT: &str = "policy.karmada.io/applied-placement";
    /// JSON list of a binding's dependencies.
    pub const DEPENDENCIES: &str = "resourcebinding.karmada.io/dependencies";
    /// Namespace of the owning ResourceBinding.
    pub const RESOURCE_BINDING_NAMESPACE: &str = "resourcebinding.karmada.io/namespace";
    /// Name of the owning ResourceBinding.
    pub const RESOURCE_BINDING_NAME: &str = "resourcebinding.karmada.io/name";
    /// Name of the owning ClusterResourceBinding.
    pub const CLUSTER_RESOURCE_BINDING_NAME: &str = "clusterresourcebinding.karmada.io/name";
    /// Namespace-scoped override policies applied to a Work.
    pub const APPLIED_OVERRIDES: &str = "policy.karmada.io/applied-overrides";
    /// Cluster-scoped override policies applied to a Work.
    pub const APPLIED_CLUSTER_OVERRIDES: &str = "policy.karmada.io/applied-cluster-overrides";
    /// Template uid on member objects.
    pub const TEMPLATE_UID: &str = "resourcetemplate.karmada.io/uid";
    /// Template generation on member objects.
    pub const TEMPLATE_GENERATION: &str = "resourcetemplate.karmada.io/generation";
    /// Owning Work's name on member objects.
    pub const WORK_NAME: &str = "work.karmada.io/name";
    /// Owning Work's namespace on member objects.
    pub const WORK_NAMESPACE: &str = "work.karmada.io/namespace";
    /// Sorted, comma-joined label keys managed by Karmada on a manifest.
    pub const MANAGED_LABELS: &str = "resourcetemplate.karmada.io/managed-labels";
    /// Sorted, comma-joined annotation keys managed by Karmada on a manifest.
    pub const MANAGED_ANNOTATIONS: &str = "resourcetemplate.karmada.io/managed-annotations";
    /// Set on objects served from karmada-search's cache.
    pub const CACHED_FROM_CLUSTER: &str = "resource.karmada.io/cached-from-cluster";
}

/// Finalizers.
pub mod finalizers {
    /// On Clusters: removal waits for the execution namespace and its Works.
    pub const CLUSTER_CONTROLLER: &str = "karmada.io/cluster-controller";
    /// On PropagationPolicies: claim cleanup before deletion.
    pub const PROPAGATION_POLICY: &str = "karmada.io/propagation-policy-controller";
    /// On ClusterPropagationPolicies.
    pub const CLUSTER_PROPAGATION_POLICY: &str = "karmada.io/cluster-propagation-policy-controller";
    /// On ResourceBindings.
    pub const BINDING_CONTROLLER: &str = "karmada.io/binding-controller";
    /// On ClusterResourceBindings.
    pub const CLUSTER_RESOURCE_BINDING_CONTROLLER: &str =
        "karmada.io/cluster-resource-binding-controller";
    /// On bindings with dependencies.
    pub const BINDING_DEPENDENCIES_DISTRIBUTOR: &str =
        "karmada.io/binding-dependencies-distributor";
    /// On Works: the member object is deleted first.
    pub const EXECUTION_CONTROLLER: &str = "karmada.io/execution-controller";
}

/// Condition types and reasons.
pub mod conditions {
    /// Cluster condition: health.
    pub const READY: &str = "Ready";
    /// Cluster condition: completeness of `apiEnablements`.
    pub const COMPLETE_API_ENABLEMENTS: &str = "CompleteAPIEnablements";
    /// Binding condition: scheduling result.
    pub const SCHEDULED: &str = "Scheduled";
    /// Binding condition: every Work applied.
    pub const FULLY_APPLIED: &str = "FullyApplied";
    /// Work condition: manifest applied.
    pub const APPLIED: &str = "Applied";
    /// Work condition: dispatching state.
    pub const DISPATCHING: &str = "Dispatching";

    /// `Ready=True`.
    pub const REASON_CLUSTER_READY: &str = "ClusterReady";
    /// `Ready=False`: reachable, health endpoint not ok.
    pub const REASON_CLUSTER_NOT_READY: &str = "ClusterNotReady";
    /// `Ready=False`: probe failed.
    pub const REASON_CLUSTER_NOT_REACHABLE: &str = "ClusterNotReachable";
    /// `Ready=False`: no client could be built.
    pub const REASON_STATUS_COLLECTION_FAILED: &str = "StatusCollectionFailed";
    /// `Ready=Unknown`: Pull cluster silent past the grace period.
    pub const REASON_CLUSTER_STATUS_UNKNOWN: &str = "ClusterStatusUnknown";
    /// `Ready=Unknown`: Pull cluster never posted status.
    pub const REASON_CLUSTER_STATUS_NEVER_UPDATED: &str = "ClusterStatusNeverUpdated";
    /// `CompleteAPIEnablements=True`.
    pub const REASON_COMPLETE: &str = "Complete";
    /// `CompleteAPIEnablements=False`: partial list.
    pub const REASON_PARTIAL: &str = "Partial";
    /// `CompleteAPIEnablements=False`: empty list.
    pub const REASON_EMPTY: &str = "Empty";
    /// `Scheduled=True`.
    pub const REASON_SUCCESS: &str = "Success";
    /// `Scheduled=False`: no cluster passed the filters.
    pub const REASON_NO_CLUSTER_FIT: &str = "NoClusterFit";
    /// `Scheduled=False`: e.g. not enough capacity.
    pub const REASON_UNSCHEDULABLE: &str = "Unschedulable";
    /// `Scheduled=False`: quota exceeded.
    pub const REASON_QUOTA_EXCEEDED: &str = "QuotaExceeded";
    /// `Scheduled=False`: internal error.
    pub const REASON_SCHEDULER_ERROR: &str = "SchedulerError";
    /// `FullyApplied=True`.
    pub const REASON_FULLY_APPLIED_SUCCESS: &str = "FullyAppliedSuccess";
    /// `FullyApplied=False`.
    pub const REASON_FULLY_APPLIED_FAILED: &str = "FullyAppliedFailed";
    /// `Applied=True`.
    pub const REASON_APPLIED_SUCCESSFUL: &str = "AppliedSuccessful";
    /// `Applied=False`.
    pub const REASON_APPLIED_FAILED: &str = "AppliedFailed";
    /// `Dispatching=True`.
    pub const REASON_DISPATCHING: &str = "Dispatching";
    /// `Dispatching=False`.
    pub const REASON_SUSPEND_DISPATCHING: &str = "SuspendDispatching";

    /// Flotilla binding condition: old copies are being kept while eviction tasks wait
    /// (decisions.md, Karmada issue #7455). True while some task waits; False otherwise.
    pub const EVICTION_PENDING: &str = "EvictionPending";
    /// `EvictionPending=True`: waiting for every target cluster to report Healthy.
    pub const REASON_WAITING_FOR_HEALTHY_TARGETS: &str = "WaitingForHealthyTargets";
    /// `EvictionPending=True`: a Gracefully task waits because the binding has no target cluster.
    pub const REASON_NO_TARGET_CLUSTERS: &str = "NoTargetClusters";
    /// `EvictionPending=True`: a Directly task with preserved state waits for the new copy's Work
    /// (`--keep-preserved-state-until-dispatch`, FD-8).
    pub const REASON_WAITING_FOR_DISPATCH: &str = "WaitingForDispatch";
    /// `EvictionPending=True`: a task waits for a human (`suppressDeletion: true`).
    pub const REASON_SUPPRESSED: &str = "DeletionSuppressed";
    /// `EvictionPending=False`: no task is waiting.
    pub const REASON_NO_PENDING_EVICTION: &str = "NoPendingEviction";
}

/// Event reasons (emit exactly these; api.md §13, failover.md F-67, decisions.md FD-10).
pub mod events {
    /// A taint write on a Cluster succeeded.
    pub const TAINT_CLUSTER_SUCCEED: &str = "TaintClusterSucceed";
    /// A taint write on a Cluster failed.
    pub const TAINT_CLUSTER_FAILED: &str = "TaintClusterFailed";
    /// Execution namespace created.
    pub const CREATE_EXECUTION_SPACE_SUCCEED: &str = "CreateExecutionSpaceSucceed";
    /// Execution namespace creation failed.
    pub const CREATE_EXECUTION_SPACE_FAILED: &str = "CreateExecutionSpaceFailed";
    /// Execution namespace removed.
    pub const REMOVE_EXECUTION_SPACE_SUCCEED: &str = "RemoveExecutionSpaceSucceed";
    /// Execution namespace removal failed.
    pub const REMOVE_EXECUTION_SPACE_FAILED: &str = "RemoveExecutionSpaceFailed";
    /// Binding scheduled.
    pub const SCHEDULE_BINDING_SUCCEED: &str = "ScheduleBindingSucceed";
    /// Binding scheduling failed.
    pub const SCHEDULE_BINDING_FAILED: &str = "ScheduleBindingFailed";
    /// Eviction written / task completed.
    pub const EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED: &str = "EvictWorkloadFromClusterSucceed";
    /// Eviction write failed.
    pub const EVICT_WORKLOAD_FROM_CLUSTER_FAILED: &str = "EvictWorkloadFromClusterFailed";
    /// State preservation failed; eviction is held (Flotilla, FD-10).
    pub const PRESERVE_STATE_FAILED: &str = "PreserveStateFailed";
    /// Works synced.
    pub const SYNC_WORK_SUCCEED: &str = "SyncWorkSucceed";
    /// Work sync failed.
    pub const SYNC_WORK_FAILED: &str = "SyncWorkFailed";
    /// Work cleanup failed.
    pub const CLEANUP_WORK_FAILED: &str = "CleanupWorkFailed";
    /// Status aggregated.
    pub const AGGREGATE_STATUS_SUCCEED: &str = "AggregateStatusSucceed";
    /// Status aggregation failed.
    pub const AGGREGATE_STATUS_FAILED: &str = "AggregateStatusFailed";
    /// Policy applied to a template.
    pub const APPLY_POLICY_SUCCEED: &str = "ApplyPolicySucceed";
    /// Policy application failed.
    pub const APPLY_POLICY_FAILED: &str = "ApplyPolicyFailed";
    /// Policy preempted a template.
    pub const PREEMPT_POLICY_SUCCEED: &str = "PreemptPolicySucceed";
    /// Preemption failed.
    pub const PREEMPT_POLICY_FAILED: &str = "PreemptPolicyFailed";
    /// Override policy applied.
    pub const APPLY_OVERRIDE_POLICY_SUCCEED: &str = "ApplyOverridePolicySucceed";
    /// Override policy failed.
    pub const APPLY_OVERRIDE_POLICY_FAILED: &str = "ApplyOverridePolicyFailed";
    /// Replicas interpreted.
    pub const GET_REPLICAS_SUCCEED: &str = "GetReplicasSucceed";
    /// Replica interpretation failed.
    pub const GET_REPLICAS_FAILED: &str = "GetReplicasFailed";
    /// Dependencies interpreted.
    pub const GET_DEPENDENCIES_SUCCEED: &str = "GetDependenciesSucceed";
    /// Dependency interpretation failed.
    pub const GET_DEPENDENCIES_FAILED: &str = "GetDependenciesFailed";
    /// Dependency claimed by another policy.
    pub const DEPENDENCY_POLICY_CONFLICT: &str = "DependencyPolicyConflict";
    /// Member object synced.
    pub const SYNC_SUCCEED: &str = "SyncSucceed";
    /// Member object sync failed.
    pub const SYNC_FAILED: &str = "SyncFailed";
    /// Work dispatching.
    pub const WORK_DISPATCHING: &str = "WorkDispatching";
    /// Member status reflected.
    pub const REFLECT_STATUS_SUCCEED: &str = "ReflectStatusSucceed";
    /// Member status reflection failed.
    pub const REFLECT_STATUS_FAILED: &str = "ReflectStatusFailed";
    /// Health interpreted.
    pub const INTERPRET_HEALTH_SUCCEED: &str = "InterpretHealthSucceed";
    /// Health interpretation failed.
    pub const INTERPRET_HEALTH_FAILED: &str = "InterpretHealthFailed";
}

/// Graceful-eviction task producers and reasons.
pub mod eviction {
    /// Producer: the NoExecute taint manager.
    pub const PRODUCER_TAINT_MANAGER: &str = "TaintManager";
    /// Producer: application failover for ResourceBindings.
    pub const PRODUCER_RB_APPLICATION_FAILOVER: &str =
        "resource-binding-application-failover-controller";
    /// Producer: application failover for ClusterResourceBindings.
    pub const PRODUCER_CRB_APPLICATION_FAILOVER: &str =
        "cluster-resource-binding-application-failover-controller";
    /// Reason: cluster failover.
    pub const REASON_TAINT_UNTOLERATED: &str = "TaintUntolerated";
    /// Reason: application failover.
    pub const REASON_APPLICATION_FAILURE: &str = "ApplicationFailure";
}

/// Controller-manager metrics of failover (failover.md F-68): names exactly as Karmada registers
/// them, **without** the `karmada_` prefix the metrics reference shows (failover.md §12.1 #5).
pub mod metrics {
    /// Gauge `{member_cluster}`: 1 if the cluster's Ready is True, else 0; set at each probe.
    pub const CLUSTER_READY_STATE: &str = "cluster_ready_state";
    /// Histogram `{member_cluster}`: duration of one probe pass, in seconds.
    pub const CLUSTER_SYNC_STATUS_DURATION_SECONDS: &str = "cluster_sync_status_duration_seconds";
    /// Gauge `{name}`: keys ready in an eviction queue (delayed keys not counted), sampled on add
    /// and get.
    pub const EVICTION_QUEUE_DEPTH: &str = "eviction_queue_depth";
    /// Gauge `{member_cluster, resource_kind}`: +1 on every add to an eviction queue, −1 per
    /// successful processing (it drifts upward in Karmada, FD-14).
    pub const EVICTION_KIND_TOTAL: &str = "eviction_kind_total";
    /// Histogram `{name}` with [`EVICTION_PROCESSING_LATENCY_BUCKETS`]: duration of one key's
    /// processing, excluding the pacing sleep, in seconds.
    pub const EVICTION_PROCESSING_LATENCY_SECONDS: &str = "eviction_processing_latency_seconds";
    /// Counter `{name, result}`: one per processed key.
    pub const EVICTION_PROCESSING_TOTAL: &str = "eviction_processing_total";

    /// Label: the member cluster's name.
    pub const LABEL_MEMBER_CLUSTER: &str = "member_cluster";
    /// Label: the binding kind (`ResourceBinding` / `ClusterResourceBinding`).
    pub const LABEL_RESOURCE_KIND: &str = "resource_kind";
    /// Label: the eviction queue's name.
    pub const LABEL_NAME: &str = "name";
    /// Label: the outcome of processing a key (`success` / `error`).
    pub const LABEL_RESULT: &str = "result";

    /// `name` value: the ResourceBinding eviction queue.
    pub const QUEUE_BINDING_EVICTION: &str = "binding-eviction";
    /// `name` value: the ClusterResourceBinding eviction queue.
    pub const QUEUE_CLUSTER_BINDING_EVICTION: &str = "cluster-binding-eviction";
    /// `resource_kind` value for ResourceBindings.
    pub const RESOURCE_KIND_RESOURCE_BINDING: &str = "ResourceBinding";
    /// `resource_kind` value for ClusterResourceBindings.
    pub const RESOURCE_KIND_CLUSTER_RESOURCE_BINDING: &str = "ClusterResourceBinding";
    /// `result` value: the key was processed without error.
    pub const RESULT_SUCCESS: &str = "success";
    /// `result` value: processing the key failed (it is retried, F-53).
    pub const RESULT_ERROR: &str = "error";

    /// Number of buckets of [`EVICTION_PROCESSING_LATENCY_BUCKETS`].
    pub const LATENCY_BUCKET_COUNT: usize = 15;

    /// Upper bound, in seconds, of latency bucket `k`: 1 ms · 2^k (Prometheus'
    /// `ExponentialBuckets(0.001, 2, 15)`). Multiplying by a power of two is exact, so these equal
    /// the decimal values 0.001, 0.002, …, 16.384.
    pub const fn eviction_processing_latency_bucket(k: u32) -> f64 {
        0.001 * (1u64 << k) as f64
    }

    /// Buckets of [`EVICTION_PROCESSING_LATENCY_SECONDS`]: 1 ms · 2^k for k = 0 … 14, the last
    /// 16.384 s.
    pub const EVICTION_PROCESSING_LATENCY_BUCKETS: [f64; LATENCY_BUCKET_COUNT] = {
        let mut buckets = [0.0; LATENCY_BUCKET_COUNT];
        let mut k = 0;
        while k < LATENCY_BUCKET_COUNT {
            buckets[k] = eviction_processing_latency_bucket(k as u32);
            k += 1;
        }
        buckets
    };
}

/// Taints Karmada itself writes on Clusters (all `NoSchedule`).
pub mod taints {
    /// Ready is False, or absent.
    pub const NOT_READY: &str = "cluster.karmada.io/not-ready";
    /// Ready is Unknown.
    pub const UNREACHABLE: &str = "cluster.karmada.io/unreachable";
    /// Cordoned.
    pub const UNSCHEDULABLE: &str = "cluster.karmada.io/unschedulable";
    /// Effect that keeps new workloads away.
    pub const NO_SCHEDULE: &str = "NoSchedule";
    /// Effect that evicts.
    pub const NO_EXECUTE: &str = "NoExecute";
}

/// Validating webhook names (for denial messages).
pub mod webhooks {
    /// PropagationPolicy.
    pub const PROPAGATION_POLICY: &str = "propagationpolicy.karmada.io";
    /// ClusterPropagationPolicy.
    pub const CLUSTER_PROPAGATION_POLICY: &str = "clusterpropagationpolicy.karmada.io";
    /// OverridePolicy.
    pub const OVERRIDE_POLICY: &str = "overridepolicy.karmada.io";
    /// ClusterOverridePolicy.
    pub const CLUSTER_OVERRIDE_POLICY: &str = "clusteroverridepolicy.karmada.io";
    /// ClusterTaintPolicy.
    pub const CLUSTER_TAINT_POLICY: &str = "clustertaintpolicy.karmada.io";
    /// ResourceBinding.
    pub const RESOURCE_BINDING: &str = "resourcebinding.karmada.io";
    /// Deletion protection.
    pub const RESOURCE_DELETION_PROTECTION: &str = "resourcedeletionprotection.karmada.io";
}

/// System namespaces.
pub mod namespaces {
    /// Karmada's own components.
    pub const KARMADA_SYSTEM: &str = "karmada-system";
    /// Pull-mode leases and cluster secrets.
    pub const KARMADA_CLUSTER: &str = "karmada-cluster";
    /// Prefix of execution namespaces (`karmada-es-<cluster>`).
    pub const EXECUTION_PREFIX: &str = "karmada-es-";
}

/// The default scheduler's name.
pub const DEFAULT_SCHEDULER: &str = "default-scheduler";

#[cfg(test)]
mod tests {
    use super::metrics::*;

    /// F-66: condition types and reasons, spelled as Karmada writes them.
    #[test]
    fn f66_condition_spellings() {
        use super::conditions::*;
        let cluster_ready = [
            (REASON_CLUSTER_READY, "ClusterReady"),
            (REASON_CLUSTER_NOT_READY, "ClusterNotReady"),
            (REASON_CLUSTER_NOT_REACHABLE, "ClusterNotReachable"),
            (REASON_STATUS_COLLECTION_FAILED, "StatusCollectionFailed"),
            (REASON_CLUSTER_STATUS_UNKNOWN, "ClusterStatusUnknown"),
            (
                REASON_CLUSTER_STATUS_NEVER_UPDATED,
                "ClusterStatusNeverUpdated",
            ),
        ];
        let scheduled = [
            (REASON_SUCCESS, "Success"),
            (REASON_NO_CLUSTER_FIT, "NoClusterFit"),
            (REASON_UNSCHEDULABLE, "Unschedulable"),
            (REASON_QUOTA_EXCEEDED, "QuotaExceeded"),
            (REASON_SCHEDULER_ERROR, "SchedulerError"),
        ];
        let types = [
            (READY, "Ready"),
            (COMPLETE_API_ENABLEMENTS, "CompleteAPIEnablements"),
            (SCHEDULED, "Scheduled"),
            (FULLY_APPLIED, "FullyApplied"),
            (APPLIED, "Applied"),
        ];
        for (constant, spelled) in cluster_ready.into_iter().chain(scheduled).chain(types) {
            assert_eq!(constant, spelled);
        }
    }

    /// F-67: the failover events, spelled as Karmada emits them.
    #[test]
    fn f67_event_spellings() {
        use super::events::*;
        for (constant, spelled) in [
            (TAINT_CLUSTER_SUCCEED, "TaintClusterSucceed"),
            (TAINT_CLUSTER_FAILED, "TaintClusterFailed"),
            (
                EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
                "EvictWorkloadFromClusterSucceed",
            ),
            (
                EVICT_WORKLOAD_FROM_CLUSTER_FAILED,
                "EvictWorkloadFromClusterFailed",
            ),
            (SCHEDULE_BINDING_SUCCEED, "ScheduleBindingSucceed"),
            (SCHEDULE_BINDING_FAILED, "ScheduleBindingFailed"),
            (SYNC_SUCCEED, "SyncSucceed"),
            (SYNC_FAILED, "SyncFailed"),
        ] {
            assert_eq!(constant, spelled);
        }
    }

    /// F-68: the metric names as registered, without the `karmada_` prefix (§12.1 #5).
    #[test]
    fn f68_metric_names() {
        let names = [
            CLUSTER_READY_STATE,
            CLUSTER_SYNC_STATUS_DURATION_SECONDS,
            EVICTION_QUEUE_DEPTH,
            EVICTION_KIND_TOTAL,
            EVICTION_PROCESSING_LATENCY_SECONDS,
            EVICTION_PROCESSING_TOTAL,
        ];
        assert_eq!(
            names,
            [
                "cluster_ready_state",
                "cluster_sync_status_duration_seconds",
                "eviction_queue_depth",
                "eviction_kind_total",
                "eviction_processing_latency_seconds",
                "eviction_processing_total",
            ]
        );
        for name in names {
            assert!(!name.starts_with("karmada_"), "{name}");
        }
    }

    /// F-68: label names and the values the table fixes.
    #[test]
    fn f68_labels_and_values() {
        assert_eq!(
            [
                LABEL_MEMBER_CLUSTER,
                LABEL_RESOURCE_KIND,
                LABEL_NAME,
                LABEL_RESULT
            ],
            ["member_cluster", "resource_kind", "name", "result"]
        );
        assert_eq!(
            [QUEUE_BINDING_EVICTION, QUEUE_CLUSTER_BINDING_EVICTION],
            ["binding-eviction", "cluster-binding-eviction"]
        );
        assert_eq!(
            [
                RESOURCE_KIND_RESOURCE_BINDING,
                RESOURCE_KIND_CLUSTER_RESOURCE_BINDING
            ],
            ["ResourceBinding", "ClusterResourceBinding"]
        );
        assert_eq!([RESULT_SUCCESS, RESULT_ERROR], ["success", "error"]);
    }

    /// F-68: latency buckets are 1 ms · 2^k, k = 0 … 14; the last is 16.384 s.
    #[test]
    fn f68_latency_buckets() {
        assert_eq!(EVICTION_PROCESSING_LATENCY_BUCKETS.len(), 15);
        for (k, bucket) in EVICTION_PROCESSING_LATENCY_BUCKETS.iter().enumerate() {
            let expected = 0.001 * 2f64.powi(k as i32);
            assert_eq!(*bucket, expected, "bucket {k}");
            assert_eq!(eviction_processing_latency_bucket(k as u32), expected);
        }
        assert_eq!(EVICTION_PROCESSING_LATENCY_BUCKETS[0], 0.001);
        assert_eq!(EVICTION_PROCESSING_LATENCY_BUCKETS[10], 1.024);
        assert_eq!(EVICTION_PROCESSING_LATENCY_BUCKETS[14], 16.384);
        assert!(
            EVICTION_PROCESSING_LATENCY_BUCKETS
                .windows(2)
                .all(|w| w[1] == 2.0 * w[0]),
            "each bucket doubles the previous one"
        );
    }
}
