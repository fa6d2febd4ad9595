//! Request paths (kube-api.md §2): which resource, namespace, object and subresource a path
//! names, resolved against the registry, including the `/api/v1/namespaces/{x}/{y}` ambiguity.
//!
//! Owns: path parsing. Must not: read bodies or query strings.

use std::sync::Arc;

use crate::registry::{Registry, Resource};

/// What a resource path names.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The resource.
    pub resource: Arc<Resource>,
    /// The namespace in the path (`None`: cluster-scoped, or all namespaces).
    pub namespace: Option<String>,
    /// The object (`None`: the collection).
    pub name: Option<String>,
    /// `status` or `scale`, if addressed.
    pub subresource: Option<String>,
}

/// What a path is.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// `/version`.
    Version,
    /// `/api`.
    Api,
    /// `/apis`.
    Apis,
    /// `/apis/{group}`.
    Group(String),
    /// `/api/v1` or `/apis/{group}/{version}`.
    GroupVersion(String, String),
    /// A resource collection, object or subresource.
    Resource(Target),
    /// `/healthz`, `/livez`, `/readyz`.
    Health,
    /// `/openapi/v2`.
    OpenApiV2,
    /// `/openapi/v3`.
    OpenApiV3Index,
    /// `/openapi/v3/apis/{group}/{version}` or `/openapi/v3/api/v1`.
    OpenApiV3(String, String),
    /// Nothing served here.
    Unknown,
}

/// Parses `path` against the registry.
pub fn route(registry: &Registry, path: &str) -> Route {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["version"] => Route::Version,
        ["healthz" | "livez" | "readyz", ..] => Route::Health,
        ["openapi", "v2"] => Route::OpenApiV2,
        ["openapi", "v3"] => Route::OpenApiV3Index,
        ["openapi", "v3", "api", "v1"] => Route::OpenApiV3(String::new(), "v1".into()),
        ["openapi", "v3", "apis", group, version] => {
            Route::OpenApiV3(group.to_string(), version.to_string())
        }
        ["api"] => Route::Api,
        ["apis"] => Route::Apis,
        ["api", "v1"] => Route::GroupVersion(String::new(), "v1".into()),
        ["apis", group] => Route::Group(group.to_string()),
        ["apis", group, version] => Route::GroupVersion(group.to_string(), version.to_string()),
        ["api", "v1", rest @ ..] => resource(registry, "", "v1", rest),
        ["apis", group, version, rest @ ..] => resource(registry, group, version, rest),
        _ => Route::Unknown,
    }
}

fn resource(registry: &Registry, group: &str, version: &str, rest: &[&str]) -> Route {
    if rest.iter().any(|s| s.is_empty()) {
        return Route::Unknown;
    }
    let lookup = |plural: &str| registry.lookup(group, version, plural);
    let target = match rest {
        // A namespaced collection, unless `{y}` is a subresource of Namespace `{x}`.
        ["namespaces", ns, plural, tail @ ..] if lookup(plural).is_some_and(|r| r.namespaced) => {
            let resource = lookup(plural).expect("checked");
            match tail {
                [] => Some(target(resource, Some(ns), None, None)),
                [name] => Some(target(resource, Some(ns), Some(name), None)),
                [name, sub] => Some(target(resource, Some(ns), Some(name), Some(sub))),
                _ => None,
            }
        }
        [plural] => lookup(plural).map(|r| target(r, None, None, None)),
        [plural, name] => lookup(plural)
            .filter(|r| !r.namespaced)
            .map(|r| target(r, None, Some(name), None)),
        [plural, name, sub] => lookup(plural)
            .filter(|r| !r.namespaced)
            .map(|r| target(r, None, Some(name), Some(sub))),
        _ => None,
    };
    let Some(target) = target else {
        return Route::Unknown;
    };
    let sub_ok = match target.subresource.as_deref() {
        None => true,
        Some("status") => target.resource.status,
        Some("scale") => target.resource.scale.is_some(),
        Some(_) => false,
    };
    if sub_ok {
        Route::Resource(target)
    } else {
        Route::Unknown
    }
}

fn target(
    resource: Arc<Resource>,
    namespace: Option<&str>,
    name: Option<&str>,
    subresource: Option<&str>,
) -> Target {
    Target {
        resource,
        namespace: namespace.map(String::from),
        name: name.map(String::from),
        subresource: subresource.map(String::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(route: Route) -> (String, Option<String>, Option<String>, Option<String>) {
        match route {
            Route::Resource(t) => (
                t.resource.plural.clone(),
                t.namespace,
                t.name,
                t.subresource,
            ),
            other => panic!("{other:?}"),
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn resource_paths() {
        let r = Registry::with_builtins();
        let cases = [
            (
                "/api/v1/namespaces/demo/configmaps",
                ("configmaps", s("demo"), None, None),
            ),
            (
                "/api/v1/namespaces/demo/configmaps/cfg",
                ("configmaps", s("demo"), s("cfg"), None),
            ),
            ("/api/v1/configmaps", ("configmaps", None, None, None)),
            ("/api/v1/namespaces", ("namespaces", None, None, None)),
            (
                "/api/v1/namespaces/demo",
                ("namespaces", None, s("demo"), None),
            ),
            (
                "/api/v1/namespaces/demo/status",
                ("namespaces", None, s("demo"), s("status")),
            ),
            (
                "/apis/apps/v1/namespaces/demo/deployments/web/scale",
                ("deployments", s("demo"), s("web"), s("scale")),
            ),
            (
                "/apis/apps/v1/deployments",
                ("deployments", None, None, None),
            ),
            (
                "/apis/cluster.karmada.io/v1alpha1/clusters/member1/status",
                ("clusters", None, s("member1"), s("status")),
            ),
        ];
        for (path, (plural, ns, name, sub)) in cases {
            assert_eq!(
                parts(route(&r, path)),
                (plural.to_string(), ns, name, sub),
                "{path}"
            );
        }
    }

    #[test]
    fn other_paths() {
        let r = Registry::with_builtins();
        assert_eq!(route(&r, "/version"), Route::Version);
        assert_eq!(route(&r, "/api"), Route::Api);
        assert_eq!(route(&r, "/apis/"), Route::Apis);
        assert_eq!(route(&r, "/apis/apps"), Route::Group("apps".into()));
        assert_eq!(
            route(&r, "/apis/apps/v1"),
            Route::GroupVersion("apps".into(), "v1".into())
        );
        assert_eq!(route(&r, "/openapi/v2"), Route::OpenApiV2);
        for unknown in [
            "/apis/apps/v1/foos",
            "/api/v1/namespaces/demo/configmaps/cfg/status",
            "/apis/apps/v1/namespaces/demo/deployments/web/logs",
            "/apis/cluster.karmada.io/v1alpha1/namespaces/x/clusters",
            "/api/v1/configmaps/cfg",
            "/nope",
        ] {
            assert_eq!(route(&r, unknown), Route::Unknown, "{unknown}");
        }
    }
}
