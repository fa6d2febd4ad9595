//! PartialObjectMetadata (kube-api.md §11): kube-rs `get_metadata`, `list_metadata` and the
//! metadata watcher get metadata-only objects (no `data`), in the meta.k8s.io/v1 kinds.

use futures_util::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PartialObjectMeta, PostParams};
use kube::runtime::watcher::{self, watcher};

use super::{EVENT_WAIT, config_map, start_sqlite, within};

#[tokio::test]
async fn metadata_reads_and_watches() {
    within(async {
        let server = start_sqlite().await;
        let api: Api<ConfigMap> = Api::namespaced(server.client.clone(), "default");
        api.create(&PostParams::default(), &config_map("m1", &[("a", "1")]))
            .await
            .unwrap();
        let one = api.get_metadata("m1").await.unwrap();
        assert_eq!(one.metadata.name.as_deref(), Some("m1"));
        assert_eq!(one.types.as_ref().unwrap().kind, "PartialObjectMetadata");
        let list = api.list_metadata(&ListParams::default()).await.unwrap();
        assert_eq!(list.items.len(), 1);
        assert!(list.metadata.resource_version.is_some());
        // The raw answer really has no data.
        let raw = server
            .client
            .request_text(
                axum::http::Request::get("/api/v1/namespaces/default/configmaps")
                    .header(
                        "accept",
                        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
                    )
                    .body(Vec::new())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert!(
            raw.contains("\"PartialObjectMetadataList\"") && !raw.contains("\"data\""),
            "{raw}"
        );
        let raw_watch = server
            .client
            .request_text(
                axum::http::Request::get(
                    "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1",
                )
                .header(
                    "accept",
                    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
                )
                .body(Vec::new())
                .unwrap(),
            )
            .await
            .unwrap();
        assert!(
            raw_watch.contains("\"PartialObjectMetadata\"") && !raw_watch.contains("\"data\""),
            "{raw_watch}"
        );
        let metadata: Api<PartialObjectMeta<ConfigMap>> =
            Api::namespaced(server.client.clone(), "default");
        let mut events = watcher(metadata, watcher::Config::default()).boxed();
        let mut names = Vec::new();
        let creator = api.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let cm = config_map("m2", &[("b", "2")]);
            creator.create(&PostParams::default(), &cm).await.unwrap();
        });
        while names.len() < 2 {
            let event = tokio::time::timeout(EVENT_WAIT, events.next())
                .await
                .expect("a watcher event")
                .unwrap()
                .unwrap();
            match event {
                watcher::Event::InitApply(m) | watcher::Event::Apply(m) => {
                    names.push(m.metadata.name.unwrap());
                }
                _ => {}
            }
        }
        assert_eq!(names, ["m1", "m2"]);
    })
    .await;
}
