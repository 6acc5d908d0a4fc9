//! User-driven creation, with the all-or-nothing check.

use crate::common::*;
use crate::on_both_backends;

const CREATE: &str = "/accessmanagement/ui/systemuser/create";

on_both_backends!(
    search_finds_systems_by_name_vendor_and_org_number,
    choosing_and_confirming_creates_the_access,
    missing_rights_are_named_and_nothing_is_created,
    employees_without_admin_role_cannot_create,
);

async fn search_finds_systems_by_name_vendor_and_org_number(app: TestApp) {
    let browser = app.logged_in(KONSERT).await;
    let names = |page: &Page| page.texts("ul.list li a");
    assert_eq!(names(&browser.get(CREATE).await), ["SmartCloud", "SmartCloud Lønn"]);
    assert_eq!(names(&browser.get(&format!("{CREATE}?q=L%C3%98NN")).await), ["SmartCloud Lønn"]);
    assert_eq!(names(&browser.get(&format!("{CREATE}?q=smartcloud+as")).await).len(), 2);
    assert_eq!(names(&browser.get(&format!("{CREATE}?q=310+000+035")).await).len(), 2);
    let none = browser.get(&format!("{CREATE}?q=regnskap+for+hester")).await;
    assert!(names(&none).is_empty());
    assert!(none.text().contains("Ingen systemer passer med søket."));
    // The search box keeps what was typed, escaped.
    let page = browser.get(&format!("{CREATE}?q=%3Cscript%3E")).await;
    assert!(
        page.body.contains("value=\"&#60;script&#62;\"") || page.body.contains("value=\"&lt;script&gt;\""),
        "{}",
        page.body
    );
}

async fn choosing_and_confirming_creates_the_access(app: TestApp) {
    let browser = app.logged_in(KONSERT).await;
    let confirm = browser.get(&format!("{CREATE}?system={SMARTCLOUD_LONN}")).await;
    assert_eq!(confirm.status, 200);
    assert_eq!(confirm.texts(".rights__title"), ["A-melding", "Krav og betalinger"]);
    let created = browser.submit(&format!("{CREATE}?system={SMARTCLOUD_LONN}"), CREATE).await;
    assert_eq!(created.status, 303);
    let location = created.location.unwrap();
    assert!(location.starts_with("/accessmanagement/ui/systemuser/") && location.ends_with("?created=1"), "{location}");
    let details = browser.get(&location).await;
    assert!(details.text().contains("Systemtilgangen er opprettet."));
    assert_eq!(details.texts(".rights__title"), ["A-melding", "Krav og betalinger"]);
    assert_eq!(app.vendor_system_users(SMARTCLOUD_LONN).await.len(), 1);

    // The list now marks the system and leads to the access, and so does its page,
    // instead of offering a confirmation that would fail.
    let access = location.trim_end_matches("?created=1");
    let list = browser.get(CREATE).await;
    assert_eq!(list.texts("ul.list .tag"), ["Dere har denne"]);
    assert!(list.body.contains(&format!(r#"<a href="{access}">SmartCloud Lønn</a>"#)), "{}", list.body);
    let confirm = browser.get(&format!("{CREATE}?system={SMARTCLOUD_LONN}")).await;
    assert!(!confirm.has_form(CREATE));
    assert!(confirm.body.contains(&format!(r#"<a href="{access}">Gå til systemtilgangen</a>"#)));

    // A second one posted from a page opened before is refused with a clear message.
    let csrf = confirm.csrf();
    let back = format!("{CREATE}?system={SMARTCLOUD_LONN}");
    let again = browser.refused(CREATE, &[("system", SMARTCLOUD_LONN), ("csrf", &csrf)], &back).await;
    assert!(again.texts("#notice[role=alert]")[0].contains("har allerede en systemtilgang"));
    assert_eq!(app.vendor_system_users(SMARTCLOUD_LONN).await.len(), 1);
}

async fn missing_rights_are_named_and_nothing_is_created(app: TestApp) {
    let browser = app.logged_in(LOVE).await;
    let confirm = browser.get(&format!("{CREATE}?system={SMARTCLOUD_LONN}")).await;
    let warning = confirm.texts(".alert--warning")[0].clone();
    assert!(warning.contains("A-melding – gis med rollen Lønnsinnsender eller Daglig leder"), "{warning}");
    assert!(warning.contains("STADIG KONSERT"), "{warning}");
    assert!(!confirm.has_form(CREATE), "no confirm button while rights are missing");

    // A forged post is refused the same way.
    let csrf = confirm.csrf();
    let back = format!("{CREATE}?system={SMARTCLOUD_LONN}");
    let forged = browser.refused(CREATE, &[("system", SMARTCLOUD_LONN), ("csrf", &csrf)], &back).await;
    assert!(forged.texts("#notice[role=alert]")[0].contains("Du kan ikke gi systemet alle tilgangene"));
    assert!(app.vendor_system_users(SMARTCLOUD_LONN).await.is_empty());

    // The system that needs only what she has works.
    let ok = browser.submit(&format!("{CREATE}?system={SMARTCLOUD}"), CREATE).await;
    assert_eq!(ok.status, 303);
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await.len(), 1);
}

async fn employees_without_admin_role_cannot_create(app: TestApp) {
    let browser = app.logged_in(PINGVIN).await;
    let confirm = browser.get(&format!("{CREATE}?system={SMARTCLOUD}")).await;
    assert!(!confirm.has_form(CREATE));
    assert!(confirm.text().contains("Bare tilgangsstyrere"));
    let csrf = confirm.csrf();
    let forged = browser
        .refused(CREATE, &[("system", SMARTCLOUD), ("csrf", &csrf)], &format!("{CREATE}?system={SMARTCLOUD}"))
        .await;
    assert!(forged.texts("#notice[role=alert]")[0].contains("Du har ikke rettighetene"), "{}", forged.text());
    assert!(app.vendor_system_users(SMARTCLOUD).await.is_empty());
    // The agent system is not offered to end users.
    let agent = browser.get(&format!("{CREATE}?system=310000035_smartcloud_klient")).await;
    assert_eq!(agent.status, 404);
}
