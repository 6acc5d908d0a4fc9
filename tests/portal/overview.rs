//! The overview of system accesses and pending requests.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    overview_shows_empty_state_pending_requests_and_accesses,
    only_access_managers_get_the_create_button,
    an_expired_request_is_tagged_in_the_overview,
    the_waiting_list_tells_what_each_request_is_now,
);

/// A request that waited past its time (180 days here) is listed apart, at the end, with
/// when it expired and what to do instead of a kind to act on; its date is written as
/// Norwegians write it.
async fn an_expired_request_is_tagged_in_the_overview(app: TestApp) {
    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
    use systemtilgang::db::schema::system_user_requests as requests;
    let old = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    app.create_request(SMARTCLOUD_LONN, &[A_MELDING], None).await;
    // Long enough ago, in winter: 15:49 on Norway's clock.
    let long_ago = chrono::NaiveDate::from_ymd_opt(2025, 10, 3).unwrap().and_hms_opt(14, 49, 0).unwrap();
    diesel::update(requests::table.find(old["id"].as_str().unwrap()))
        .set(requests::created.eq(long_ago))
        .execute(&mut app.db())
        .unwrap();
    let page = app.logged_in(KONSERT).await.get("/accessmanagement/ui/systemuser/overview").await;
    let open = page.texts("#pending-heading + ul li");
    assert_eq!(open.len(), 1, "{open:?}");
    assert!(open[0].starts_with("SmartCloud Lønn Ny tilgang"), "{open:?}");
    let expired = page.texts("#expired-heading + ul li");
    assert_eq!(page.texts("#expired-heading"), ["Utløpte forespørsler"]);
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert!(
        expired[0].starts_with("SmartCloud Utløpt 1. april 2026 – be SMARTCLOUD AS sende en ny SmartCloud"),
        "180 days after it came, no kind to act on: {expired:?}"
    );
    assert!(!expired[0].contains("Ny tilgang"), "{expired:?}");
    assert!(expired[0].contains("3. oktober 2025 kl. 16:49"), "dated as Norwegians write it: {expired:?}");
}

/// Newest first; a request an access made since already covers says so; a change request
/// whose access was deleted leaves the list.
async fn the_waiting_list_tells_what_each_request_is_now(app: TestApp) {
    let konsert = app.logged_in(KONSERT).await;
    app.create_request(SMARTCLOUD_LONN, &[A_MELDING], None).await;
    // An access made by hand for the same system and reference covers it.
    let create = "/accessmanagement/ui/systemuser/create";
    let made = konsert.submit(&format!("{create}?system={SMARTCLOUD_LONN}"), create).await;
    assert_eq!(made.status, 303, "{}", made.body);
    app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let rows = konsert.get("/accessmanagement/ui/systemuser/overview").await.texts("#pending-heading + ul li");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].starts_with("SmartCloud Ny tilgang SmartCloud"), "newest first: {rows:?}");
    assert!(
        rows[1].starts_with("SmartCloud Lønn Ny tilgang Virksomheten har allerede denne systemtilgangen"),
        "{rows:?}"
    );

    // A change request for an access deleted since has nothing left to change.
    let lonn = app.vendor_system_users(SMARTCLOUD_LONN).await;
    let change =
        serde_json::json!({"unwantedRights": [{"resource": [{"id": "urn:altinn:resource", "value": A_MELDING}]}]});
    app.ask_change(&lonn[0], &change).await;
    let rows = konsert.get("/accessmanagement/ui/systemuser/overview").await.texts("#pending-heading + ul li");
    assert!(rows.iter().any(|r| r.contains("Endring")), "{rows:?}");
    let details = format!("/accessmanagement/ui/systemuser/{}", lonn[0]);
    let deleted = konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    let rows = konsert.get("/accessmanagement/ui/systemuser/overview").await.texts("#pending-heading + ul li");
    assert!(!rows.iter().any(|r| r.contains("Endring")), "{rows:?}");
}

async fn overview_shows_empty_state_pending_requests_and_accesses(app: TestApp) {
    let browser = app.logged_in(KONSERT).await;
    let empty = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(empty.status, 200);
    assert!(empty.text().contains("Virksomheten har ingen systemtilganger ennå."));
    assert!(empty.texts("#pending-heading").is_empty());

    let pending = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let page = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(page.texts("h1"), ["Systemtilganger for TILFELDIG SUBTIL APE"]);
    assert_eq!(page.texts("#pending-heading"), ["Forespørsler som venter på svar"]);
    let row = &page.texts("#pending-heading + ul li")[0];
    assert!(
        row.starts_with("SmartCloud Ny tilgang SmartCloud · SMARTCLOUD AS · Mottatt "),
        "title, kind, system, vendor: {row}"
    );
    let link = format!("/accessmanagement/ui/systemuser/request?id={}", pending["id"].as_str().unwrap());
    assert!(page.body.contains(&link));

    browser.submit(&link, "/accessmanagement/ui/systemuser/request/approve").await;
    let page = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(page.texts("#pending-heading").is_empty());
    let accesses = page.texts("section[aria-labelledby=own-heading] li");
    assert_eq!(accesses.len(), 1);
    assert!(accesses[0].contains("SmartCloud") && accesses[0].contains("SMARTCLOUD AS"), "{accesses:?}");

    // Another party sees none of it.
    let dress = app.logged_in(DRESS).await;
    let theirs = dress.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(theirs.text().contains("Virksomheten har ingen systemtilganger ennå."));
}

async fn only_access_managers_get_the_create_button(app: TestApp) {
    for (pid, may) in [(KONSERT, true), (LOVE, true), (PINGVIN, false), (DRESS, true)] {
        let page = app.logged_in(pid).await.get("/accessmanagement/ui/systemuser/overview").await;
        let has_button = page.texts("a.button").iter().any(|t| t == "Lag ny systemtilgang");
        assert_eq!(has_button, may, "{pid}");
        if !may {
            let text = page.text();
            assert!(text.contains("Bare tilgangsstyrere, hovedadministratorer og daglig leder"), "{text}");
            assert!(text.contains("FORSIKTIG LØVE eller STADIG KONSERT"), "{text}");
        }
    }
}
