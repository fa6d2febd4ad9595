//! Request metrics at `GET /metrics` (Prometheus/OpenMetrics text), named like the Kubernetes
//! API server's so that existing dashboards read them: `apiserver_request_total` by verb,
//! group, version, resource, subresource and code; `apiserver_request_duration_seconds` (all but
//! WATCH); `apiserver_current_inflight_requests` by request kind (readOnly, mutating); and
//! `apiserver_longrunning_requests` (open watches) by resource.
//!
//! Owns: classifying requests for metrics and the metric families. Must not: decide anything
//! about the request (it only observes), or take label values from client input unchecked:
//! group, version and resource label a request only when the registry serves them (anything
//! else counts as a non-resource request), subresources are the registry's few, codes HTTP's.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::query::Query;

/// The metrics path.
pub const METRICS_PATH: &str = "/metrics";
/// Content-Type of the exposition.
const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// Upper bounds of the request-duration buckets (seconds; the Kubernetes API server's).
const DURATION_BUCKETS_S: [f64; 23] = [
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0,
    10.0, 15.0, 20.0, 30.0, 45.0, 60.0,
];

/// What a request is, for metrics.
#[derive(Clone, Debug, Default, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `GET`, `LIST`, `WATCH`, `POST`, `PUT`, `PATCH`, `APPLY`, `DELETE`, or the HTTP method of
    /// a non-resource request.
    pub verb: String,
    /// API group (`""` for core and non-resource requests).
    pub group: String,
    /// Version.
    pub version: String,
    /// Resource plural (`""` for non-resource requests).
    pub resource: String,
    /// Subresource (`status`, `scale`) or `""`.
    pub subresource: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    verb: String,
    group: String,
    version: String,
    resource: String,
    subresource: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    request_kind: String,
}

/// The metric families of one server.
#[derive(Debug)]
pub struct ApiMetrics {
    registry: Registry,
    requests: Family<CodeLabels, Counter>,
    durations: Family<RequestLabels, Histogram>,
    inflight: Family<KindLabels, Gauge>,
    longrunning: Family<RequestLabels, Gauge>,
}

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS_S)
}

impl ApiMetrics {
    /// Empty families, registered.
    pub fn new() -> Arc<ApiMetrics> {
        let mut registry = Registry::default();
        let requests = Family::<CodeLabels, Counter>::default();
        let durations = Family::<RequestLabels, Histogram>::new_with_constructor(
            duration_histogram as fn() -> Histogram,
        );
        let inflight = Family::<KindLabels, Gauge>::default();
        let longrunning = Family::<RequestLabels, Gauge>::default();
        registry.register(
            "apiserver_request",
            "Requests answered, by verb, resource and HTTP code",
            requests.clone(),
        );
        registry.register(
            "apiserver_request_duration_seconds",
            "Time to answer a request (to the first byte for streams), by verb and resource",
            durations.clone(),
        );
        registry.register(
            "apiserver_current_inflight_requests",
            "Requests being served, by kind (readOnly, mutating); watches are not counted",
            inflight.clone(),
        );
        registry.register(
            "apiserver_longrunning_requests",
            "Open long-running requests (watches), by resource",
            longrunning.clone(),
        );
        Arc::new(ApiMetrics {
            registry,
            requests,
            durations,
            inflight,
            longrunning,
        })
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String does not fail");
        text
    }
}

/// Classifies a request by method, path, query and Content-Type.
pub fn classify(method: &Method, path: &str, query: &str, content_type: &str) -> RequestLabels {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return non_resource(method),
    };
    let rest = match rest {
        ["namespaces", _, resource, more @ ..] => [&[*resource][..], more].concat(),
        other => other.to_vec(),
    };
    let Some((resource, item)) = rest.split_first() else {
        return non_resource(method);
    };
    let named = !item.is_empty();
    let watch = Query::parse(query).flag("watch") == Ok(true);
    let verb = match *method {
        Method::GET if named => "GET",
        Method::GET if watch => "WATCH",
        Method::GET => "LIST",
        Method::PATCH if content_type.starts_with("application/apply-patch") => "APPLY",
        ref other => other.as_str(),
    };
    RequestLabels {
        verb: verb.to_string(),
        group: group.to_string(),
        version: version.to_string(),
        resource: resource.to_string(),
        subresource: match item.get(1) {
            None => "",
            Some(&sub @ ("status" | "scale")) => sub,
            Some(_) => "unknown",
        }
        .to_string(),
    }
}

fn non_resource(method: &Method) -> RequestLabels {
    RequestLabels {
        verb: method.as_str().to_string(),
        ..RequestLabels::default()
    }
}

/// The middleware: serves `/metrics` and observes every other request.
pub(crate) async fn observe(
    State(server): State<Arc<super::ApiServer>>,
    request: Request,
    next: Next,
) -> Response {
    let metrics = &server.metrics;
    if request.method() == Method::GET && request.uri().path() == METRICS_PATH {
        let mut response = Response::new(Body::from(metrics.render()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(OPENMETRICS_CONTENT_TYPE),
        );
        return response;
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let uri = request.uri();
    let mut labels = classify(
        request.method(),
        uri.path(),
        uri.query().unwrap_or(""),
        content_type,
    );
    // Paths are client input: only served resources become label values, so the number of
    // series stays bounded whatever clients send.
    let served = server
        .registry
        .lookup(&labels.group, &labels.version, &labels.resource)
        .is_some();
    if !labels.resource.is_empty() && !served {
        labels = non_resource(request.method());
    }
    let start = Instant::now();
    let long_running = labels.verb == "WATCH";
    let kind = if matches!(labels.verb.as_str(), "GET" | "LIST" | "HEAD" | "OPTIONS") {
        "readOnly"
    } else {
        "mutating"
    };
    let inflight = (!long_running).then(|| {
        let gauge = metrics.inflight.get_or_create(&KindLabels {
            request_kind: kind.into(),
        });
        gauge.inc();
        gauge.clone()
    });
    let response = next.run(request).await;
    if let Some(gauge) = inflight {
        gauge.dec();
    }
    let code = response.status().as_u16().to_string();
    metrics
        .requests
        .get_or_create(&with_code(&labels, code))
        .inc();
    if !long_running {
        let elapsed = start.elapsed().as_secs_f64();
        metrics.durations.get_or_create(&labels).observe(elapsed);
        return response;
    }
    count_while_open(metrics.longrunning.get_or_create(&labels).clone(), response)
}

/// An open watch: counted by `gauge` until its stream ends (or the client goes away).
fn count_while_open(gauge: Gauge, response: Response) -> Response {
    gauge.inc();
    let guard = GaugeGuard(gauge);
    let (parts, body) = response.into_parts();
    let stream = body.into_data_stream().map(move |chunk| {
        let _held = &guard;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

fn with_code(labels: &RequestLabels, code: String) -> CodeLabels {
    CodeLabels {
        verb: labels.verb.clone(),
        group: labels.group.clone(),
        version: labels.version.clone(),
        resource: labels.resource.clone(),
        subresource: labels.subresource.clone(),
        code,
    }
}

/// Decrements a gauge when dropped.
struct GaugeGuard(Gauge);

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verb_and_resource(method: Method, path: &str, query: &str, ct: &str) -> (String, String) {
        let l = classify(&method, path, query, ct);
        (
            format!("{} {}/{}", l.verb, l.group, l.version),
            format!("{}/{}", l.resource, l.subresource),
        )
    }

    #[test]
    fn requests_are_classified_like_upstream() {
        let cases = [
            (
                Method::GET,
                "/api/v1/namespaces/default/configmaps/a",
                "",
                "",
                "GET /v1",
                "configmaps/",
            ),
            (
                Method::GET,
                "/api/v1/namespaces/default/configmaps",
                "limit=500",
                "",
                "LIST /v1",
                "configmaps/",
            ),
            (
                Method::GET,
                "/api/v1/configmaps",
                "watch=true",
                "",
                "WATCH /v1",
                "configmaps/",
            ),
            (
                Method::GET,
                "/api/v1/namespaces/default",
                "",
                "",
                "GET /v1",
                "namespaces/",
            ),
            (
                Method::GET,
                "/api/v1/namespaces",
                "",
                "",
                "LIST /v1",
                "namespaces/",
            ),
            (
                Method::PUT,
                "/apis/apps/v1/namespaces/d/deployments/w/scale",
                "",
                "",
                "PUT apps/v1",
                "deployments/scale",
            ),
            (
                Method::PATCH,
                "/apis/policy.karmada.io/v1alpha1/namespaces/d/propagationpolicies/p",
                "",
                "application/apply-patch+yaml",
                "APPLY policy.karmada.io/v1alpha1",
                "propagationpolicies/",
            ),
            (
                Method::PATCH,
                "/apis/apps/v1/namespaces/d/deployments/w/status",
                "",
                "application/merge-patch+json",
                "PATCH apps/v1",
                "deployments/status",
            ),
            (
                Method::POST,
                "/apis/cluster.karmada.io/v1alpha1/clusters",
                "",
                "",
                "POST cluster.karmada.io/v1alpha1",
                "clusters/",
            ),
            (
                Method::DELETE,
                "/api/v1/namespaces/d/configmaps",
                "",
                "",
                "DELETE /v1",
                "configmaps/",
            ),
            (Method::GET, "/apis/apps/v1", "", "", "GET /", "/"),
            (Method::GET, "/openapi/v3", "", "", "GET /", "/"),
            (Method::GET, "/version", "", "", "GET /", "/"),
            (
                Method::GET,
                "/api/v1/namespaces/d/configmaps/x/anything",
                "",
                "",
                "GET /v1",
                "configmaps/unknown",
            ),
        ];
        for (method, path, query, ct, verb, resource) in cases {
            assert_eq!(
                verb_and_resource(method, path, query, ct),
                (verb.to_string(), resource.to_string()),
                "{path}?{query}"
            );
        }
    }

    #[test]
    fn the_exposition_names_the_families() {
        let metrics = ApiMetrics::new();
        let labels = classify(&Method::POST, "/api/v1/namespaces/d/configmaps", "", "");
        metrics
            .requests
            .get_or_create(&with_code(&labels, "201".into()))
            .inc();
        metrics.durations.get_or_create(&labels).observe(0.003);
        let text = metrics.render();
        assert!(
            text.contains("apiserver_request_total{verb=\"POST\",group=\"\",version=\"v1\",resource=\"configmaps\",subresource=\"\",code=\"201\"} 1"),
            "{text}"
        );
        assert!(text.contains("apiserver_request_duration_seconds_bucket{le=\"0.005\",verb=\"POST\",group=\"\",version=\"v1\",resource=\"configmaps\",subresource=\"\"} 1"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
