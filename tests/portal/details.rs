//! Details of a system access, and revoking it.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    details_show_what_the_access_may_do_and_who_made_it,
    deleting_asks_first_then_revokes_everywhere,
    deleting_an_agent_access_names_the_clients_that_lose_access,
);

/// The confirmation of an agent access's deletion names the clients that lose access.
async fn deleting_an_agent_access_names_the_clients_that_lose_access(app: TestApp) {
    let package = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";
    let id = app.approved_agent("310000035_smartcloud_klient", &[package], DRESS).await;
    let dress = app.logged_in(DRESS).await;
    let clients = format!("/accessmanagement/ui/systemuser/{id}/agentdelegation");
    let added = dress.submit(&clients, &format!("{clients}/add")).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let confirm = dress.get(&format!("/accessmanagement/ui/systemuser/{id}?confirm=delete")).await;
    assert!(confirm.texts("#delete-confirm")[0].contains("1 klient er lagt til systemtilgangen. Den fjernes også"));
    let added = dress.submit(&clients, &format!("{clients}/add")).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let confirm = dress.get(&format!("/accessmanagement/ui/systemuser/{id}?confirm=delete")).await;
    let text = confirm.texts("#delete-confirm")[0].clone();
    assert!(text.contains("2 klienter er lagt til systemtilgangen"), "{text}");
    let named = confirm.texts("#delete-confirm .confirm__clients li");
    assert_eq!(named.len(), 2, "{named:?}");
    let mut sorted = named.clone();
    sorted.sort();
    assert_eq!(named, sorted, "by name");
    assert!(named.iter().all(|n| n.contains("AS") && n.chars().filter(char::is_ascii_digit).count() == 9), "{named:?}");
}

async fn create_access(app: &TestApp, browser: &Browser) -> String {
    let created = browser
        .submit(
            &format!("/accessmanagement/ui/systemuser/create?system={SMARTCLOUD}"),
            "/accessmanagement/ui/systemuser/create",
        )
        .await;
    let location = created.location.unwrap();
    let id = location.trim_start_matches("/accessmanagement/ui/systemuser/").trim_end_matches("?created=1").to_owned();
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await, std::slice::from_ref(&id));
    id
}

async fn details_show_what_the_access_may_do_and_who_made_it(app: TestApp) {
    let browser = app.logged_in(LOVE).await;
    let id = create_access(&app, &browser).await;
    let page = browser.get(&format!("/accessmanagement/ui/systemuser/{id}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts(".crumbs li"), ["Systemtilganger", "SmartCloud"], "the way back to the overview");
    let facts = page.texts("dl.facts dd");
    assert_eq!(facts[0], "SmartCloud");
    assert_eq!(facts[1], "SMARTCLOUD AS (310 000 035)");
    assert!(today_in_norway().iter().any(|today| facts[2].starts_with(&format!("{today} kl. "))), "{}", facts[2]);
    assert!(facts[2].ends_with("av FORSIKTIG LØVE"), "{}", facts[2]);
    assert_eq!(page.texts(".rights__title"), ["Krav og betalinger"]);
    assert!(page.text().contains("Opprettet av FORSIKTIG LØVE"));
}

async fn deleting_asks_first_then_revokes_everywhere(app: TestApp) {
    let browser = app.logged_in(KONSERT).await;
    let id = create_access(&app, &browser).await;
    let details = format!("/accessmanagement/ui/systemuser/{id}");
    let delete_action = format!("{details}/delete");

    let page = browser.get(&details).await;
    assert!(!page.has_form(&delete_action), "deletion needs a confirmation step");
    // The button leads to the confirmation, which opens at the top, focused, naming the access.
    assert!(page.body.contains(&format!("href=\"{details}?confirm=delete#delete-confirm\"")));
    let confirm = browser.get(&format!("{details}?confirm=delete")).await;
    assert_eq!(confirm.texts("#delete-confirm[tabindex='-1'][autofocus] h2"), ["Slette «SmartCloud»?"]);
    assert!(
        confirm.texts("#delete-confirm[role=alert]")[0].contains("Er du sikker på at du vil slette systemtilgangen?")
    );
    let at = |needle: &str| confirm.body.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(at("id=\"delete-confirm\"") < at("class=\"facts\""), "above the facts, where the eye is");
    assert!(confirm.texts(".danger-zone").is_empty(), "the button it replaces is gone");
    // An employee may look but not delete.
    let pingvin = app.logged_in(PINGVIN).await;
    let theirs = pingvin.get(&format!("{details}?confirm=delete")).await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.has_form(&delete_action));
    let forged = pingvin.refused(&delete_action, &[("csrf", &theirs.csrf())], &details).await;
    assert!(forged.texts("#notice[role=alert]")[0].contains("Du har ikke rettighetene"), "{}", forged.text());
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await.len(), 1);

    let deleted = browser.submit(&format!("{details}?confirm=delete"), &delete_action).await;
    assert_eq!(deleted.location.as_deref(), Some("/accessmanagement/ui/systemuser/overview#notice"));
    let overview = browser.get(deleted.location.as_deref().unwrap()).await;
    assert_eq!(
        overview.texts("#notice[tabindex='-1'][role=status]")[0].trim(),
        "Systemtilgangen «SmartCloud» er slettet. Systemet kan ikke lenger handle på vegne av virksomheten."
    );
    let again = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(again.texts("#notice").is_empty(), "said once: a reload does not repeat it");
    assert!(overview.text().contains("Virksomheten har ingen systemtilganger ennå."));
    assert!(app.vendor_system_users(SMARTCLOUD).await.is_empty());
    // An old link to it says what happened, by whom and when.
    let gone = browser.get(&details).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.texts("h1"), ["Systemtilgangen er slettet"]);
    let said = gone.texts("[role=alert]")[0].clone();
    assert!(said.starts_with("Systemtilgangen «SmartCloud» ble slettet av STADIG KONSERT "), "{said}");
    assert!(today_in_norway().iter().any(|today| said.contains(today.as_str())), "{said}");
    assert!(gone.texts(".alert--danger").is_empty(), "a state, not an error: not in red");
    // Another party's people learn nothing of it.
    let dress = app.logged_in(DRESS).await;
    let theirs = dress.get(&details).await;
    assert_eq!((theirs.status, theirs.texts("h1")), (404, vec!["Noe gikk galt".to_owned()]));
    // Deleting again is a clear "not found", not an error.
    let again = browser.post(&delete_action, &[("csrf", &overview.csrf())]).await;
    assert_eq!(again.status, 404);
}
