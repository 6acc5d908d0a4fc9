//! The overview of system accesses and pending requests.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    overview_shows_empty_state_pending_requests_and_accesses,
    only_access_managers_get_the_create_button,
    an_expired_request_is_tagged_in_the_overview,
);

/// A request that waited past its time (180 days here) is still listed, tagged, so
/// nobody opens it expecting to approve it; its date is written as Norwegians write it.
async fn an_expired_request_is_tagged_in_the_overview(app: TestApp) {
    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
    use systemtilgang::db::schema::system_user_requests as requests;
    let old = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    app.create_request(SMARTCLOUD_LONN, &[A_MELDING], None).await;
    // Long enough ago, in winter: 15:49 on Norway's clock.
    let long_ago = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap().and_hms_opt(14, 49, 0).unwrap();
    diesel::update(requests::table.find(old["id"].as_str().unwrap()))
        .set(requests::created.eq(long_ago))
        .execute(&mut app.db())
        .unwrap();
    let page = app.logged_in(KONSERT).await.get("/accessmanagement/ui/systemuser/overview").await;
    let rows = page.texts("#pending-heading + ul li");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let tagged: Vec<&String> = rows.iter().filter(|r| r.contains("Utløpt")).collect();
    assert_eq!(tagged.len(), 1, "{rows:?}");
    assert!(!tagged[0].contains("Lønn"), "the old one, SmartCloud: {tagged:?}");
    assert!(tagged[0].contains("15. januar 2026 kl. 15:49"), "dated as Norwegians write it: {tagged:?}");
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
        row.starts_with("SmartCloud Ny SmartCloud · SMARTCLOUD AS · Mottatt "),
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
