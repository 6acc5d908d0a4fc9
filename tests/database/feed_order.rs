//! The feed's order holds when transactions commit out of the order they wrote in: on
//! PostgreSQL, where two nodes' transactions run side by side (on SQLite one writer at a
//! time leaves no other order to show).

use std::sync::mpsc;
use std::time::Duration;

use diesel::Connection;
use systemtilgang::db::vendor_events::{self, NewEvent};
use systemtilgang::db::{self, DbConnection};

use crate::common::*;

const VENDOR: &str = "310000035";

fn event(name: &str) -> NewEvent {
    NewEvent {
        id: name.to_owned(),
        vendor_org_no: VENDOR.to_owned(),
        event_type: "systemuser.changed".to_owned(),
        at: db::now(),
        system_user_id: name.to_owned(),
        body: format!("{{\"id\":\"{name}\"}}"),
    }
}

/// What a poller sees after `position`: (position, event id).
fn poll(conn: &mut DbConnection, position: i64) -> Vec<(i64, String)> {
    vendor_events::after(conn, VENDOR, position, 100)
        .unwrap()
        .into_iter()
        .map(|(p, body)| {
            (p, serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// The order rows were written in (what a sequence taken at insert would give).
fn written_order(conn: &mut DbConnection) -> Vec<String> {
    use diesel::prelude::*;
    use systemtilgang::db::schema::vendor_events as ve;
    let ids: Vec<String> = ve::table.order(ve::seq).select(ve::id).load(conn).unwrap();
    ids.into_iter().filter(|id| id.starts_with("written-")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poller_misses_nothing_when_commits_come_out_of_order() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else { return };
    tokio::task::spawn_blocking(move || {
        let (mut poller, mut first, mut second) = (app.db(), app.db(), app.db());
        // Positions are counted from wherever the clock stands (the app may have told something).
        let base = vendor_events::last_position(&mut poller).unwrap();
        let (wrote, go_on) = (mpsc::channel::<()>(), mpsc::channel::<()>());
        // The first transaction writes its event, then waits while the second writes and
        // commits; only then does it commit.
        let slow = std::thread::spawn(move || {
            first
                .transaction::<_, diesel::result::Error, _>(|conn| {
                    vendor_events::record(conn, &[event("written-first")])?;
                    wrote.0.send(()).unwrap();
                    go_on.1.recv().unwrap();
                    vendor_events::seal(conn)
                })
                .unwrap();
        });
        wrote.1.recv().unwrap();
        second
            .transaction::<_, diesel::result::Error, _>(|conn| {
                vendor_events::record(conn, &[event("written-second")])?;
                vendor_events::seal(conn)
            })
            .unwrap();
        let seen = poll(&mut poller, base);
        assert_eq!(seen, [(base + 1, "written-second".to_owned())], "only what is committed");
        let cursor = seen[0].0;
        go_on.0.send(()).unwrap();
        slow.join().unwrap();
        assert_eq!(
            written_order(&mut poller),
            ["written-first", "written-second"],
            "a sequence taken at insert would have put the first behind the poller's cursor"
        );
        assert_eq!(poll(&mut poller, cursor), [(base + 2, "written-first".to_owned())], "the poller still sees it");

        // A transaction that has taken its positions holds the next one back until it
        // commits: the poller never sees a later position before an earlier one.
        let (sealed, commit) = (mpsc::channel::<()>(), mpsc::channel::<()>());
        let mut third = app.db();
        let holder = std::thread::spawn(move || {
            third
                .transaction::<_, diesel::result::Error, _>(|conn| {
                    vendor_events::record(conn, &[event("sealed-first")])?;
                    vendor_events::seal(conn)?;
                    sealed.0.send(()).unwrap();
                    commit.1.recv().unwrap();
                    Ok(())
                })
                .unwrap();
        });
        sealed.1.recv().unwrap();
        let (done, finished) = mpsc::channel::<()>();
        let mut fourth = app.db();
        let waiter = std::thread::spawn(move || {
            db::transaction::<_, diesel::result::Error, _>(&mut fourth, |conn| {
                vendor_events::record(conn, &[event("sealed-second")])
            })
            .unwrap();
            done.send(()).unwrap();
        });
        assert!(finished.recv_timeout(Duration::from_millis(500)).is_err(), "it waits for the clock");
        assert!(poll(&mut poller, base + 2).is_empty());
        commit.0.send(()).unwrap();
        holder.join().unwrap();
        waiter.join().unwrap();
        assert_eq!(
            poll(&mut poller, base + 2),
            [(base + 3, "sealed-first".to_owned()), (base + 4, "sealed-second".to_owned())]
        );
    })
    .await
    .unwrap();
}
