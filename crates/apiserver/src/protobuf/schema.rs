//! Field tables for the Kubernetes messages kubectl's `create` generators send as protobuf:
//! field number → JSON name, value type, and how Go's JSON encoding treats the zero value.
//! Numbers were checked against the descriptors embedded in kubectl 1.32 (`k8s.io/api` core,
//! apps, batch v1 and apimachinery meta v1). Tables list fields in Go struct order, which is the
//! order JSON encoding writes them in.
//!
//! Owns: the schema subset. Must not: read bytes (the decoder does) or hold object semantics.
//! Fields absent from a table (volumes, probes, affinity, security contexts, status conditions,
//! ...) are skipped by the decoder; no `create` generator sets them.

/// What Go's JSON encoding does with a field that is zero or absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Presence {
    /// `omitempty` scalar: dropped when zero. Lists and maps are always this.
    OmitEmpty,
    /// No `omitempty`, or a non-pointer struct (never omitted): written, zero value if absent.
    Always,
    /// Pointer: written exactly when present on the wire, zero or not.
    Pointer,
}

/// A field's value type.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ty {
    /// `string`.
    Str,
    /// `int32`/`int64` varint (two's complement).
    Int,
    /// `bool` varint.
    Bool,
    /// A nested message, written as a JSON object.
    Msg(&'static Message),
    /// An embedded Go struct whose fields are written into the parent object.
    Inline(&'static Message),
    /// `meta.v1.Time` {seconds 1, nanos 2}: RFC 3339 seconds, `null` when zero.
    Time,
    /// `intstr.IntOrString` {type 1, intVal 2, strVal 3}: a number or a string.
    IntOrString,
    /// `resource.Quantity` {string 1}: a string, `"0"` when empty.
    Quantity,
    /// `meta.v1.FieldsV1` {Raw 1}: raw JSON bytes, written as the JSON they hold.
    FieldsV1,
    /// `map<string, string>`.
    StrMap,
    /// `map<string, bytes>`, values as base64.
    BytesMap,
    /// `map<string, Quantity>`.
    QuantityMap,
}

/// One field of a message.
#[derive(Debug)]
pub(super) struct Field {
    /// Protobuf field number.
    pub(super) num: u32,
    /// JSON key.
    pub(super) json: &'static str,
    /// Value type.
    pub(super) ty: Ty,
    /// Zero-value handling.
    pub(super) presence: Presence,
    /// A `repeated` non-map field (JSON array).
    pub(super) repeated: bool,
}

/// A message: its known fields.
#[derive(Debug)]
pub(super) struct Message {
    /// Known fields, in JSON order.
    pub(super) fields: &'static [Field],
}

const fn field(num: u32, json: &'static str, ty: Ty, presence: Presence) -> Field {
    Field {
        num,
        json,
        ty,
        presence,
        repeated: false,
    }
}

/// `omitempty` scalar.
const fn omit(num: u32, json: &'static str, ty: Ty) -> Field {
    field(num, json, ty, Presence::OmitEmpty)
}

/// Always written (no `omitempty`, or a struct).
const fn always(num: u32, json: &'static str, ty: Ty) -> Field {
    field(num, json, ty, Presence::Always)
}

/// Pointer field.
const fn ptr(num: u32, json: &'static str, ty: Ty) -> Field {
    field(num, json, ty, Presence::Pointer)
}

/// Map field (omitted when empty).
const fn map(num: u32, json: &'static str, ty: Ty) -> Field {
    field(num, json, ty, Presence::OmitEmpty)
}

/// Repeated field (omitted when empty).
const fn list(num: u32, json: &'static str, ty: Ty) -> Field {
    Field {
        repeated: true,
        ..field(num, json, ty, Presence::OmitEmpty)
    }
}

use Ty::{Bool, Int, IntOrString, Msg, Quantity, Str, Time};

// ---- meta/v1 ----

static OBJECT_META: Message = Message {
    fields: &[
        omit(1, "name", Str),
        omit(2, "generateName", Str),
        omit(3, "namespace", Str),
        omit(4, "selfLink", Str),
        omit(5, "uid", Str),
        omit(6, "resourceVersion", Str),
        omit(7, "generation", Int),
        always(8, "creationTimestamp", Time),
        ptr(9, "deletionTimestamp", Time),
        ptr(10, "deletionGracePeriodSeconds", Int),
        map(11, "labels", Ty::StrMap),
        map(12, "annotations", Ty::StrMap),
        list(13, "ownerReferences", Msg(&OWNER_REFERENCE)),
        list(14, "finalizers", Str),
        list(17, "managedFields", Msg(&MANAGED_FIELDS_ENTRY)),
    ],
};

static OWNER_REFERENCE: Message = Message {
    fields: &[
        always(5, "apiVersion", Str),
        always(1, "kind", Str),
        always(3, "name", Str),
        always(4, "uid", Str),
        ptr(6, "controller", Bool),
        ptr(7, "blockOwnerDeletion", Bool),
    ],
};

static MANAGED_FIELDS_ENTRY: Message = Message {
    fields: &[
        omit(1, "manager", Str),
        omit(2, "operation", Str),
        omit(3, "apiVersion", Str),
        ptr(4, "time", Time),
        omit(6, "fieldsType", Str),
        ptr(7, "fieldsV1", Ty::FieldsV1),
        omit(8, "subresource", Str),
    ],
};

static LABEL_SELECTOR: Message = Message {
    fields: &[
        map(1, "matchLabels", Ty::StrMap),
        list(2, "matchExpressions", Msg(&LABEL_SELECTOR_REQUIREMENT)),
    ],
};

static LABEL_SELECTOR_REQUIREMENT: Message = Message {
    fields: &[
        always(1, "key", Str),
        always(2, "operator", Str),
        list(3, "values", Str),
    ],
};

// ---- core/v1: simple kinds ----

static NAMESPACE: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        always(2, "spec", Msg(&NAMESPACE_SPEC)),
        always(3, "status", Msg(&NAMESPACE_STATUS)),
    ],
};

static NAMESPACE_SPEC: Message = Message {
    fields: &[list(1, "finalizers", Str)],
};

static NAMESPACE_STATUS: Message = Message {
    fields: &[omit(1, "phase", Str)],
};

static CONFIG_MAP: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        ptr(4, "immutable", Bool),
        map(2, "data", Ty::StrMap),
        map(3, "binaryData", Ty::BytesMap),
    ],
};

static SECRET: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        ptr(5, "immutable", Bool),
        map(2, "data", Ty::BytesMap),
        map(4, "stringData", Ty::StrMap),
        omit(3, "type", Str),
    ],
};

static SERVICE_ACCOUNT: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        list(2, "secrets", Msg(&OBJECT_REFERENCE)),
        list(3, "imagePullSecrets", Msg(&LOCAL_OBJECT_REFERENCE)),
        ptr(4, "automountServiceAccountToken", Bool),
    ],
};

static OBJECT_REFERENCE: Message = Message {
    fields: &[
        omit(1, "kind", Str),
        omit(2, "namespace", Str),
        omit(3, "name", Str),
        omit(4, "uid", Str),
        omit(5, "apiVersion", Str),
        omit(6, "resourceVersion", Str),
        omit(7, "fieldPath", Str),
    ],
};

static LOCAL_OBJECT_REFERENCE: Message = Message {
    fields: &[omit(1, "name", Str)],
};

// ---- core/v1: Service ----

static SERVICE: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        always(2, "spec", Msg(&SERVICE_SPEC)),
        always(3, "status", Msg(&SERVICE_STATUS)),
    ],
};

static SERVICE_SPEC: Message = Message {
    fields: &[
        list(1, "ports", Msg(&SERVICE_PORT)),
        map(2, "selector", Ty::StrMap),
        omit(3, "clusterIP", Str),
        list(18, "clusterIPs", Str),
        omit(4, "type", Str),
        list(5, "externalIPs", Str),
        omit(7, "sessionAffinity", Str),
        omit(8, "loadBalancerIP", Str),
        list(9, "loadBalancerSourceRanges", Str),
        omit(10, "externalName", Str),
        omit(11, "externalTrafficPolicy", Str),
        omit(12, "healthCheckNodePort", Int),
        omit(13, "publishNotReadyAddresses", Bool),
        ptr(14, "sessionAffinityConfig", Msg(&SESSION_AFFINITY_CONFIG)),
        list(19, "ipFamilies", Str),
        ptr(17, "ipFamilyPolicy", Str),
        ptr(20, "allocateLoadBalancerNodePorts", Bool),
        ptr(21, "loadBalancerClass", Str),
        ptr(22, "internalTrafficPolicy", Str),
        ptr(23, "trafficDistribution", Str),
    ],
};

static SERVICE_PORT: Message = Message {
    fields: &[
        omit(1, "name", Str),
        omit(2, "protocol", Str),
        ptr(6, "appProtocol", Str),
        always(3, "port", Int),
        always(4, "targetPort", IntOrString),
        omit(5, "nodePort", Int),
    ],
};

static SESSION_AFFINITY_CONFIG: Message = Message {
    fields: &[ptr(1, "clientIP", Msg(&CLIENT_IP_CONFIG))],
};

static CLIENT_IP_CONFIG: Message = Message {
    fields: &[ptr(1, "timeoutSeconds", Int)],
};

static SERVICE_STATUS: Message = Message {
    fields: &[always(1, "loadBalancer", Msg(&LOAD_BALANCER_STATUS))],
};

static LOAD_BALANCER_STATUS: Message = Message { fields: &[] };

// ---- core/v1: pod templates ----

static POD_TEMPLATE_SPEC: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        always(2, "spec", Msg(&POD_SPEC)),
    ],
};

static POD_SPEC: Message = Message {
    fields: &[
        list(20, "initContainers", Msg(&CONTAINER)),
        list(2, "containers", Msg(&CONTAINER)),
        omit(3, "restartPolicy", Str),
        ptr(4, "terminationGracePeriodSeconds", Int),
        ptr(5, "activeDeadlineSeconds", Int),
        omit(6, "dnsPolicy", Str),
        map(7, "nodeSelector", Ty::StrMap),
        omit(8, "serviceAccountName", Str),
        omit(9, "serviceAccount", Str),
        ptr(21, "automountServiceAccountToken", Bool),
        omit(10, "nodeName", Str),
        omit(11, "hostNetwork", Bool),
        omit(12, "hostPID", Bool),
        omit(13, "hostIPC", Bool),
        ptr(27, "shareProcessNamespace", Bool),
        list(15, "imagePullSecrets", Msg(&LOCAL_OBJECT_REFERENCE)),
        omit(16, "hostname", Str),
        omit(17, "subdomain", Str),
        omit(19, "schedulerName", Str),
        list(22, "tolerations", Msg(&TOLERATION)),
        omit(24, "priorityClassName", Str),
        ptr(25, "priority", Int),
        ptr(29, "runtimeClassName", Str),
        ptr(30, "enableServiceLinks", Bool),
        ptr(31, "preemptionPolicy", Str),
        map(32, "overhead", Ty::QuantityMap),
        ptr(35, "setHostnameAsFQDN", Bool),
        ptr(37, "hostUsers", Bool),
        ptr(40, "resources", Msg(&RESOURCE_REQUIREMENTS)),
    ],
};

static CONTAINER: Message = Message {
    fields: &[
        always(1, "name", Str),
        omit(2, "image", Str),
        list(3, "command", Str),
        list(4, "args", Str),
        omit(5, "workingDir", Str),
        list(6, "ports", Msg(&CONTAINER_PORT)),
        list(19, "envFrom", Msg(&ENV_FROM_SOURCE)),
        list(7, "env", Msg(&ENV_VAR)),
        always(8, "resources", Msg(&RESOURCE_REQUIREMENTS)),
        ptr(24, "restartPolicy", Str),
        list(9, "volumeMounts", Msg(&VOLUME_MOUNT)),
        omit(13, "terminationMessagePath", Str),
        omit(20, "terminationMessagePolicy", Str),
        omit(14, "imagePullPolicy", Str),
        omit(16, "stdin", Bool),
        omit(17, "stdinOnce", Bool),
        omit(18, "tty", Bool),
    ],
};

static CONTAINER_PORT: Message = Message {
    fields: &[
        omit(1, "name", Str),
        omit(2, "hostPort", Int),
        always(3, "containerPort", Int),
        omit(4, "protocol", Str),
        omit(5, "hostIP", Str),
    ],
};

static ENV_FROM_SOURCE: Message = Message {
    fields: &[
        omit(1, "prefix", Str),
        ptr(2, "configMapRef", Msg(&ENV_SOURCE)),
        ptr(3, "secretRef", Msg(&ENV_SOURCE)),
    ],
};

/// `ConfigMapEnvSource` and `SecretEnvSource` share this shape.
static ENV_SOURCE: Message = Message {
    fields: &[
        always(
            1,
            "localObjectReference",
            Ty::Inline(&LOCAL_OBJECT_REFERENCE),
        ),
        ptr(2, "optional", Bool),
    ],
};

static ENV_VAR: Message = Message {
    fields: &[
        always(1, "name", Str),
        omit(2, "value", Str),
        ptr(3, "valueFrom", Msg(&ENV_VAR_SOURCE)),
    ],
};

static ENV_VAR_SOURCE: Message = Message {
    fields: &[
        ptr(1, "fieldRef", Msg(&OBJECT_FIELD_SELECTOR)),
        ptr(2, "resourceFieldRef", Msg(&RESOURCE_FIELD_SELECTOR)),
        ptr(3, "configMapKeyRef", Msg(&KEY_SELECTOR)),
        ptr(4, "secretKeyRef", Msg(&KEY_SELECTOR)),
    ],
};

static OBJECT_FIELD_SELECTOR: Message = Message {
    fields: &[omit(1, "apiVersion", Str), always(2, "fieldPath", Str)],
};

static RESOURCE_FIELD_SELECTOR: Message = Message {
    fields: &[
        omit(1, "containerName", Str),
        always(2, "resource", Str),
        always(3, "divisor", Quantity),
    ],
};

/// `ConfigMapKeySelector` and `SecretKeySelector` share this shape.
static KEY_SELECTOR: Message = Message {
    fields: &[
        always(
            1,
            "localObjectReference",
            Ty::Inline(&LOCAL_OBJECT_REFERENCE),
        ),
        always(2, "key", Str),
        ptr(3, "optional", Bool),
    ],
};

static RESOURCE_REQUIREMENTS: Message = Message {
    fields: &[
        map(1, "limits", Ty::QuantityMap),
        map(2, "requests", Ty::QuantityMap),
        list(3, "claims", Msg(&RESOURCE_CLAIM)),
    ],
};

static RESOURCE_CLAIM: Message = Message {
    fields: &[always(1, "name", Str), omit(2, "request", Str)],
};

static VOLUME_MOUNT: Message = Message {
    fields: &[
        always(1, "name", Str),
        omit(2, "readOnly", Bool),
        ptr(7, "recursiveReadOnly", Str),
        always(3, "mountPath", Str),
        omit(4, "subPath", Str),
        ptr(5, "mountPropagation", Str),
        omit(6, "subPathExpr", Str),
    ],
};

static TOLERATION: Message = Message {
    fields: &[
        omit(1, "key", Str),
        omit(2, "operator", Str),
        omit(3, "value", Str),
        omit(4, "effect", Str),
        ptr(5, "tolerationSeconds", Int),
    ],
};

// ---- apps/v1 ----

static DEPLOYMENT: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        always(2, "spec", Msg(&DEPLOYMENT_SPEC)),
        always(3, "status", Msg(&DEPLOYMENT_STATUS)),
    ],
};

static DEPLOYMENT_SPEC: Message = Message {
    fields: &[
        ptr(1, "replicas", Int),
        ptr(2, "selector", Msg(&LABEL_SELECTOR)),
        always(3, "template", Msg(&POD_TEMPLATE_SPEC)),
        always(4, "strategy", Msg(&DEPLOYMENT_STRATEGY)),
        omit(5, "minReadySeconds", Int),
        ptr(6, "revisionHistoryLimit", Int),
        omit(7, "paused", Bool),
        ptr(9, "progressDeadlineSeconds", Int),
    ],
};

static DEPLOYMENT_STRATEGY: Message = Message {
    fields: &[
        omit(1, "type", Str),
        ptr(2, "rollingUpdate", Msg(&ROLLING_UPDATE_DEPLOYMENT)),
    ],
};

static ROLLING_UPDATE_DEPLOYMENT: Message = Message {
    fields: &[
        ptr(1, "maxUnavailable", IntOrString),
        ptr(2, "maxSurge", IntOrString),
    ],
};

static DEPLOYMENT_STATUS: Message = Message {
    fields: &[
        omit(1, "observedGeneration", Int),
        omit(2, "replicas", Int),
        omit(3, "updatedReplicas", Int),
        omit(7, "readyReplicas", Int),
        omit(4, "availableReplicas", Int),
        omit(5, "unavailableReplicas", Int),
        ptr(8, "collisionCount", Int),
    ],
};

// ---- batch/v1 ----

static JOB: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        always(2, "spec", Msg(&JOB_SPEC)),
        always(3, "status", Msg(&JOB_STATUS)),
    ],
};

static JOB_SPEC: Message = Message {
    fields: &[
        ptr(1, "parallelism", Int),
        ptr(2, "completions", Int),
        ptr(3, "activeDeadlineSeconds", Int),
        ptr(7, "backoffLimit", Int),
        ptr(12, "backoffLimitPerIndex", Int),
        ptr(13, "maxFailedIndexes", Int),
        ptr(4, "selector", Msg(&LABEL_SELECTOR)),
        ptr(5, "manualSelector", Bool),
        always(6, "template", Msg(&POD_TEMPLATE_SPEC)),
        ptr(8, "ttlSecondsAfterFinished", Int),
        ptr(9, "completionMode", Str),
        ptr(10, "suspend", Bool),
        ptr(14, "podReplacementPolicy", Str),
        ptr(15, "managedBy", Str),
    ],
};

static JOB_STATUS: Message = Message {
    fields: &[
        ptr(2, "startTime", Time),
        ptr(3, "completionTime", Time),
        omit(4, "active", Int),
        omit(5, "succeeded", Int),
        omit(6, "failed", Int),
        ptr(11, "terminating", Int),
        omit(7, "completedIndexes", Str),
        ptr(10, "failedIndexes", Str),
        ptr(9, "ready", Int),
    ],
};

static CRON_JOB: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        always(2, "spec", Msg(&CRON_JOB_SPEC)),
        always(3, "status", Msg(&CRON_JOB_STATUS)),
    ],
};

static CRON_JOB_SPEC: Message = Message {
    fields: &[
        always(1, "schedule", Str),
        ptr(8, "timeZone", Str),
        ptr(2, "startingDeadlineSeconds", Int),
        omit(3, "concurrencyPolicy", Str),
        ptr(4, "suspend", Bool),
        always(5, "jobTemplate", Msg(&JOB_TEMPLATE_SPEC)),
        ptr(6, "successfulJobsHistoryLimit", Int),
        ptr(7, "failedJobsHistoryLimit", Int),
    ],
};

static JOB_TEMPLATE_SPEC: Message = Message {
    fields: &[
        always(1, "metadata", Msg(&OBJECT_META)),
        always(2, "spec", Msg(&JOB_SPEC)),
    ],
};

static CRON_JOB_STATUS: Message = Message {
    fields: &[
        list(1, "active", Msg(&OBJECT_REFERENCE)),
        ptr(4, "lastScheduleTime", Time),
        ptr(5, "lastSuccessfulTime", Time),
    ],
};

/// The kinds this module decodes, by `(apiVersion, kind)`.
static KINDS: &[(&str, &str, &Message)] = &[
    ("v1", "Namespace", &NAMESPACE),
    ("v1", "ConfigMap", &CONFIG_MAP),
    ("v1", "Secret", &SECRET),
    ("v1", "Service", &SERVICE),
    ("v1", "ServiceAccount", &SERVICE_ACCOUNT),
    ("apps/v1", "Deployment", &DEPLOYMENT),
    ("batch/v1", "Job", &JOB),
    ("batch/v1", "CronJob", &CRON_JOB),
];

/// The top-level message for a kind, if it is supported.
pub(super) fn kind_message(api_version: &str, kind: &str) -> Option<&'static Message> {
    KINDS
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, message)| *message)
}

/// Every supported `(apiVersion, kind)`.
pub(super) fn kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    KINDS.iter().map(|(v, k, _)| (*v, *k))
}
