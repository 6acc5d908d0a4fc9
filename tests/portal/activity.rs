//! The organisation's activity log: what was done, by whom and when, filtered, paged and
//! downloaded as CSV, for its access managers only.

use crate::common::*;
use crate::on_both_backends;

const LOG: &str = "/accessmanagement/ui/activitylog";

on_both_backends!(
    the_log_shows_what_was_done_newest_first_and_filters_it,
    the_log_pages_on_and_downloads_what_the_filters_show,
    only_access_managers_see_the_log_and_bad_filters_are_told,
);

/// The first column of the log's rows: when; the second: what kind; the third: by whom.
fn column(page: &Page, n: usize) -> Vec<String> {
    page.texts(&format!("#activity tbody tr td:nth-child({n})"))
}

async fn the_log_shows_what_was_done_newest_first_and_filters_it(app: TestApp) {
    let id = app.approved_by_konsert(SMARTCLOUD, &[KRAV]).await;
    let konsert = app.logged_in(KONSERT).await;
    let details = format!("/accessmanagement/ui/systemuser/{id}");
    konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;

    let log = konsert.get(LOG).await;
    assert_eq!(log.status, 200, "{}", log.body);
    assert_eq!(
        column(&log, 2),
        ["Systemtilgang slettet", "Forespørsel om enkelttjeneste godkjent", "Forespørsel opprettet"],
        "newest first"
    );
    assert_eq!(column(&log, 3), ["STADIG KONSERT", "STADIG KONSERT", "leverandøren SMARTCLOUD AS"]);
    assert!(column(&log, 4).iter().all(|s| s == "SmartCloud"), "{:?}", column(&log, 4));
    assert!(column(&log, 5).iter().all(|s| s == "TILFELDIG SUBTIL APE"));
    // Linked from the overview and the menu.
    let overview = konsert.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(overview.attrs(".actions a", "href").contains(&LOG.to_owned()));
    assert!(overview.attrs(".menu__link", "href").contains(&LOG.to_owned()));

    let only = konsert.get(&format!("{LOG}?kind=systemuser.delete")).await;
    assert_eq!(column(&only, 2), ["Systemtilgang slettet"]);
    assert_eq!(only.attrs("#kind option[selected]", "value"), ["systemuser.delete"], "the filter stays chosen");
    let by_vendor = konsert.get(&format!("{LOG}?person=vendor%3A310000035")).await;
    assert_eq!(column(&by_vendor, 2), ["Forespørsel opprettet"]);
    let by_konsert = konsert.get(&format!("{LOG}?person=person%3A{KONSERT}")).await;
    assert_eq!(column(&by_konsert, 3), ["STADIG KONSERT", "STADIG KONSERT"]);
    let day = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string();
    assert_eq!(column(&konsert.get(&format!("{LOG}?from={}&to={}", day(-1), day(1))).await, 2).len(), 3);
    assert!(column(&konsert.get(&format!("{LOG}?to={}", day(-2))).await, 2).is_empty());
    let later = konsert.get(&format!("{LOG}?from=2099-01-01")).await;
    assert_eq!(later.texts("#log-heading + .empty"), ["Ingen hendelser passer med filtrene."]);

    konsert.client.get(app.url("/language?lang=en")).send().await.unwrap();
    let english = konsert.get(LOG).await;
    assert_eq!(english.texts("h1"), ["Activity log"]);
    assert_eq!(column(&english, 2)[0], "System access deleted");
}

async fn the_log_pages_on_and_downloads_what_the_filters_show(app: TestApp) {
    // 60 roles given, and one access with a title a spreadsheet would take for a formula.
    let love = app.db_party_uuid(LOVE);
    {
        let mut conn = app.db();
        systemtilgang::db::transaction::<_, diesel::result::Error, _>(&mut conn, |conn| {
            for _ in 0..60 {
                systemtilgang::domain::audit::record(
                    conn,
                    systemtilgang::domain::audit::By::Person(KONSERT),
                    APE,
                    systemtilgang::domain::audit::Action::RoleGive,
                    &love,
                    "LONNSINNSENDER",
                )?;
            }
            Ok(())
        })
        .unwrap();
    }
    let konsert = app.logged_in(KONSERT).await;
    let first = konsert.get(LOG).await;
    assert_eq!(column(&first, 2).len(), 50);
    assert_eq!(column(&first, 4)[0], "FORSIKTIG LØVE – Lønnsinnsender");
    let next = first.attrs("a[rel=next]", "href");
    assert_eq!(next.len(), 1);
    let second = konsert.get(&next[0]).await;
    assert_eq!(column(&second, 2).len(), 10);
    assert!(second.attrs("a[rel=next]", "href").is_empty(), "the last page");

    let filtered = konsert.get(&format!("{LOG}?kind=role.give")).await;
    let download = filtered.attrs("a[download]", "href");
    assert_eq!(download, [format!("{LOG}.csv?kind=role.give")]);
    let response = konsert.client.get(app.url(&download[0])).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("aktivitetslogg-310000019.csv"));
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xef\xbb\xbf", "a byte order mark for spreadsheets");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 61, "a header row and every entry, not only a page");
    assert_eq!(lines[0], "\"Tidspunkt\";\"Hendelse\";\"Utført av\";\"Gjelder\";\"På vegne av\"");
    assert!(lines[1].ends_with("\"Rolletildeling opprettet\";\"STADIG KONSERT\";\"FORSIKTIG LØVE – Lønnsinnsender\";\"TILFELDIG SUBTIL APE\""), "{}", lines[1]);

    // A vendor's title that begins like a formula stays text.
    let token = app.vendor_token(None).await;
    let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
    body["integrationTitle"] = serde_json::json!("=HYPERLINK(\"https://evil.example\")");
    let (status, _) = app.api_post(&token, "/authentication/api/v1/systemuser/request/vendor", &body).await;
    assert_eq!(status, 201);
    let csv = konsert.client.get(app.url(&format!("{LOG}.csv?kind=request.create"))).send().await.unwrap();
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"https://evil.example\"\")\""), "{csv}");
}

async fn only_access_managers_see_the_log_and_bad_filters_are_told(app: TestApp) {
    let pingvin = app.logged_in(PINGVIN).await;
    let refused = pingvin.get(LOG).await;
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert_eq!(pingvin.client.get(app.url(&format!("{LOG}.csv"))).send().await.unwrap().status(), 403);
    let overview = pingvin.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(!overview.attrs("a", "href").contains(&LOG.to_owned()), "no link for those who may not see it");
    let konsert = app.logged_in(KONSERT).await;
    for bad in ["?from=31.12.2026", "?kind=nothing", "?after=yesterday"] {
        let page = konsert.get(&format!("{LOG}{bad}")).await;
        assert_eq!(page.status, 400, "{bad}");
        assert!(page.texts("h1").len() == 1, "a page, not a bare error: {bad}");
    }
}
