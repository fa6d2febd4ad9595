//! kube-runtime's event `Recorder` writes `events.k8s.io/v1` Events (a create, then a merge
//! patch for a series); `kubectl describe` reads core/v1 Events by field selectors. Both APIs
//! share one storage (kube-api.md §14).

use k8s_openapi::api::core::v1::{ConfigMap, Event as CoreEvent};
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, ListParams, PostParams};
use kube::runtime::events::{Event as Published, EventType, Recorder};
use kube::{Resource, ResourceExt};

use super::{config_map, start_sqlite, within};

#[tokio::test]
async fn recorder_events_are_core_events_too() {
    within(async {
        let server = start_sqlite().await;
        let client = server.client.clone();
        let maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
        let cm = maps
            .create(&PostParams::default(), &config_map("cfg", &[("a", "1")]))
            .await
            .unwrap();
        let recorder = Recorder::new(client.clone(), "flotilla-test".into());
        let event = Published {
            type_: EventType::Warning,
            reason: "Evicted".into(),
            note: Some("evicted from member1".into()),
            action: "Evict".into(),
            secondary: None,
        };
        let reference = cm.object_ref(&());
        recorder.publish(&event, &reference).await.unwrap();
        recorder.publish(&event, &reference).await.unwrap();
        // The newer API: one event, a series of two.
        let newer: Api<Event> = Api::namespaced(client.clone(), "default");
        let listed = newer.list(&ListParams::default()).await.unwrap();
        assert_eq!(listed.items.len(), 1);
        let e = &listed.items[0];
        assert_eq!(e.series.as_ref().map(|s| s.count), Some(2));
        assert_eq!(e.note.as_deref(), Some("evicted from member1"));
        assert_eq!(e.reporting_controller.as_deref(), Some("flotilla-test"));
        // The core API, as `kubectl describe` asks for it.
        let core: Api<CoreEvent> = Api::namespaced(client, "default");
        let selector = format!(
            "involvedObject.kind=ConfigMap,involvedObject.name=cfg,involvedObject.uid={}",
            cm.uid().unwrap()
        );
        let found = core
            .list(&ListParams::default().fields(&selector))
            .await
            .unwrap();
        assert_eq!(found.items.len(), 1);
        let c = &found.items[0];
        assert_eq!(c.message.as_deref(), Some("evicted from member1"));
        assert_eq!(c.type_.as_deref(), Some("Warning"));
        assert_eq!(c.involved_object.name.as_deref(), Some("cfg"));
        assert_eq!(c.name_any(), e.name_any());
        // Field selectors on the newer API use the stored (core) field names too.
        let by_reason = newer
            .list(&ListParams::default().fields("reason=Evicted"))
            .await
            .unwrap();
        assert_eq!(by_reason.items.len(), 1);
        let none = newer
            .list(&ListParams::default().fields("involvedObject.name=other"))
            .await
            .unwrap();
        assert!(none.items.is_empty());
    })
    .await;
}
