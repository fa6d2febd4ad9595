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
