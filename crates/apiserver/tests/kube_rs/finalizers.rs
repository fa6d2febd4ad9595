//! kube-rs helpers that lean on server rules (kube-api.md §19 item 4): the finalizer helper adds
//! its finalizer with a JSON patch (whose `test` of an absent list is `null`), a DELETE then only
//! marks the object, and the helper's cleanup removes the finalizer, which deletes it; and a
//! strategic merge patch from kube-rs merges containers by name.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::finalizer::{Event, finalizer};
use kube::runtime::watcher;
use serde_json::json;

use super::{EVENT_WAIT, config_map, start_sqlite, within};

const FINALIZER: &str = "example.com/cleanup";

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Never(String);

/// Polls until `done` holds, failing after [`EVENT_WAIT`].
async fn until<F: std::future::Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) {
    let deadline = tokio::time::Instant::now() + EVENT_WAIT;
    while !done().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finalizer_helper_guards_deletion() {
    within(async {
        let server = start_sqlite().await;
        let api: Api<ConfigMap> = Api::namespaced(server.client.clone(), "default");
        let cleaned = Arc::new(Mutex::new(Vec::<String>::new()));
        let context = Arc::new((api.clone(), cleaned.clone()));
        type Ctx = (Api<ConfigMap>, Arc<Mutex<Vec<String>>>);
        let controller = Controller::new(api.clone(), watcher::Config::default()).run(
            |object: Arc<ConfigMap>, ctx: Arc<Ctx>| async move {
                let (api, cleaned) = ctx.as_ref();
                finalizer(api, FINALIZER, object, |event| async move {
                    if let Event::Cleanup(o) = event {
                        cleaned.lock().unwrap().push(o.name_any());
                    }
                    Ok::<_, Never>(Action::await_change())
                })
                .await
            },
            |_, _, _| Action::requeue(std::time::Duration::from_millis(200)),
            context,
        );
        tokio::spawn(controller.for_each(|_| async {}));
        api.create(
            &PostParams::default(),
            &config_map("guarded", &[("a", "1")]),
        )
        .await
        .unwrap();
        until("the finalizer is added", || async {
            api.get("guarded").await.unwrap().finalizers() == [FINALIZER]
        })
        .await;
        let deleted = api
            .delete("guarded", &DeleteParams::default())
            .await
            .unwrap();
        let marked = deleted.left().expect("the object, marked");
        assert!(marked.metadata.deletion_timestamp.is_some());
        until(
            "the cleanup removes the finalizer and the object",
            || async { api.get_opt("guarded").await.unwrap().is_none() },
        )
        .await;
        assert_eq!(*cleaned.lock().unwrap(), ["guarded"]);
    })
    .await;
}

#[tokio::test]
async fn strategic_merge_patches_from_kube_rs_merge_by_key() {
    within(async {
        let server = start_sqlite().await;
        let api: Api<Deployment> = Api::namespaced(server.client.clone(), "default");
        let deployment: Deployment = serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.26"},
                                            {"name": "log", "image": "busybox:1.36"}]}}}}))
        .unwrap();
        api.create(&PostParams::default(), &deployment)
            .await
            .unwrap();
        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "log", "image": "busybox:1.37"}]}}}});
        let patched = api
            .patch("web", &PatchParams::default(), &Patch::Strategic(patch))
            .await
            .unwrap();
        let patched = serde_json::to_value(&patched).unwrap();
        let images: Vec<&str> = patched["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["image"].as_str().unwrap())
            .collect();
        assert_eq!(images, ["nginx:1.26", "busybox:1.37"]);
    })
    .await;
}
