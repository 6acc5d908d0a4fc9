//! The outbox's leases, on both backends: a node whose lease ran out cannot write over
//! what the node that took the delivery after it found.

use chrono::Duration;
use systemtilgang::db::webhooks::{self, Outcome};
use systemtilgang::db::{self, vendor_events};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_sender_does_not_overwrite_the_one_after_it() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        // A node of its own is not needed: the deliveries are taken here, by hand.
        let Some(app) = TestApp::spawn_with(backend, |c| c.outbox.poll = std::time::Duration::from_secs(3600)).await
        else {
            continue;
        };
        let app_db = app.db();
        tokio::task::spawn_blocking(move || {
            let mut conn = app_db;
            let hook = webhooks::Webhook {
                id: "hook".into(),
                vendor_org_no: "310000035".into(),
                url: "https://vendor.example/hook".into(),
                types: String::new(),
                secret: "whsec_c2VjcmV0".into(),
                created: db::now(),
                active: true,
                disabled_reason: None,
            };
            webhooks::insert(&mut conn, &hook).unwrap();
            let event = vendor_events::NewEvent {
                id: "event".into(),
                vendor_org_no: "310000035".into(),
                event_type: "systemuser.created".into(),
                at: db::now(),
                system_user_id: "user".into(),
                body: "{}".into(),
            };
            vendor_events::record(&mut conn, &[event]).unwrap();
            let now = db::now();
            let first = webhooks::take(&mut conn, now, now + Duration::seconds(10), 8).unwrap();
            assert_eq!(first.len(), 1);
            assert!(webhooks::take(&mut conn, now, now + Duration::seconds(10), 8).unwrap().is_empty(), "leased");
            // The first sender is slow; its lease runs out and another takes the delivery.
            let later = now + Duration::seconds(11);
            let second = webhooks::take(&mut conn, later, later + Duration::seconds(10), 8).unwrap();
            assert_eq!((second.len(), second[0].attempts), (1, 2));
            webhooks::finish(&mut conn, &second[0], later, &Outcome::Delivered { code: 204 }).unwrap();
            let failed = Outcome::Failed { code: Some(500), error: "late".into() };
            webhooks::finish(&mut conn, &first[0], later, &failed).unwrap();
            let shown = webhooks::deliveries(&mut conn, "hook", 10).unwrap();
            assert_eq!((shown[0].state.as_str(), shown[0].last_code), ("delivered", Some(204)), "{backend:?}");
        })
        .await
        .unwrap();
    }
}
