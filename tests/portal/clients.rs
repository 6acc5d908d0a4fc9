//! Agent requests, and a client administrator attaching the firm's clients.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

const AGENT: &str = "/authentication/api/v1/systemuser/request/vendor/agent";
const KLIENT: &str = "310000035_smartcloud_klient";
const PACKAGE: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";

on_both_backends!(
    agent_requests_are_validated_and_idempotent,
    agent_requests_are_found_by_id_external_ref_and_system,
    approving_an_agent_request_creates_an_agent_system_access,
    an_access_manager_approves_and_a_client_administrator_adds_clients,
    clients_are_searched_filtered_paged_and_added,
    ineligible_clients_are_named_with_what_they_lack,
    only_client_administrators_change_clients,
    removing_a_client_or_deleting_the_access_ends_delegations,
    vendors_list_the_clients_of_their_agent_system_users,
    adding_the_same_client_at_once_twice_attaches_it_once,
    several_people_adding_and_removing_at_once_never_get_a_server_error,
    what_the_page_says_was_done_comes_from_the_server,
    the_firm_adds_itself_when_it_gives_every_package,
    refusals_name_the_relation_that_gives_the_package,
);

fn agent_body(packages: &[&str]) -> Value {
    let packages: Vec<Value> = packages.iter().map(|p| json!({"urn": p})).collect();
    json!({"systemId": KLIENT, "partyOrgNo": TIGER, "accessPackages": packages, "redirectUrl": RECEIPT})
}

/// An agent request approved by DRESS MINST; returns its id (the system user's id).
async fn approved_agent_access(app: &TestApp, dress: &Browser) -> String {
    let token = app.vendor_token(None).await;
    let (status, request) = app.api_post(&token, AGENT, &agent_body(&[PACKAGE])).await;
    assert_eq!(status, 201, "{request}");
    let id = request["id"].as_str().unwrap().to_owned();
    let done = dress
        .submit(
            &format!("/accessmanagement/ui/systemuser/agentrequest?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    assert_eq!(done.location.as_deref(), Some(RECEIPT));
    id
}

/// The clients added, as the filter "Lagt til" lists them (its first page).
async fn listed_as_added(browser: &Browser, path: &str) -> Vec<String> {
    browser.get(&format!("{path}?show=added")).await.texts("#candidates strong")
}

fn clients_path(id: &str) -> String {
    format!("/accessmanagement/ui/systemuser/{id}/agentdelegation")
}

async fn agent_requests_are_validated_and_idempotent(app: TestApp) {
    let token = app.vendor_token(None).await;
    let (status, first) = app.api_post(&token, AGENT, &agent_body(&[PACKAGE])).await;
    assert_eq!(status, 201);
    assert_eq!(first["accessPackages"], json!([{"urn": PACKAGE}]));
    assert_eq!(
        first["confirmUrl"],
        format!(
            "{}/accessmanagement/ui/systemuser/agentrequest?id={}&DONTCHOOSEREPORTEE=true",
            app.address,
            first["id"].as_str().unwrap()
        )
    );
    let (status, again) = app.api_post(&token, AGENT, &agent_body(&[PACKAGE])).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]));
    for (body, code) in [
        (agent_body(&[]), "AUTH-00058"),
        (agent_body(&["urn:altinn:accesspackage:ansvarlig-revisor"]), "AUTH-00063"),
        (
            json!({"systemId": "310000035_finnes_ikke", "partyOrgNo": TIGER, "accessPackages": [{"urn": PACKAGE}]}),
            "AUTH-00011",
        ),
        (json!({"systemId": KLIENT, "partyOrgNo": "310000028", "accessPackages": [{"urn": PACKAGE}]}), "AUTH-00000"),
        (
            json!({"systemId": KLIENT, "partyOrgNo": TIGER, "accessPackages": [{"urn": PACKAGE}], "redirectUrl": "https://evil.example/"}),
            "AUTH-00021",
        ),
    ] {
        let (status, problem) = app.api_post(&token, AGENT, &body).await;
        assert!(status == 400 || status == 404, "{body}: {status}");
        assert_eq!(problem["code"], code, "{body}");
    }
}

async fn agent_requests_are_found_by_id_external_ref_and_system(app: TestApp) {
    let token = app.vendor_token(None).await;
    let (_, request) = app.api_post(&token, AGENT, &agent_body(&[PACKAGE])).await;
    let id = request["id"].as_str().unwrap();
    let (status, one) = app.api_get(&token, &format!("{AGENT}/{id}")).await;
    assert_eq!((status, one["status"].as_str()), (200, Some("New")));
    let (status, by_ref) = app.api_get(&token, &format!("{AGENT}/byexternalref/{KLIENT}/{TIGER}/{TIGER}")).await;
    assert_eq!((status, &by_ref["id"]), (200, &request["id"]));
    let (status, list) = app.api_get(&token, &format!("{AGENT}/bysystem/{KLIENT}")).await;
    assert_eq!(status, 200);
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    // The standard endpoints do not answer for agent requests, nor the other way round.
    let (status, _) = app.api_get(&token, &format!("/authentication/api/v1/systemuser/request/vendor/{id}")).await;
    assert_eq!(status, 404);
    let standard = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let (status, _) = app.api_get(&token, &format!("{AGENT}/{}", standard["id"].as_str().unwrap())).await;
    assert_eq!(status, 404);
}

async fn approving_an_agent_request_creates_an_agent_system_access(app: TestApp) {
    let token = app.vendor_token(None).await;
    let (_, request) = app.api_post(&token, AGENT, &agent_body(&[PACKAGE])).await;
    let id = request["id"].as_str().unwrap();
    let dress = app.logged_in(DRESS).await;
    let page = dress.get(&format!("/accessmanagement/ui/systemuser/agentrequest?id={id}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("h1"), ["SmartCloud Klient ber om tilgang for klientene dine"]);
    assert_eq!(
        page.texts("dl.facts dd"),
        ["SmartCloud Klient", "SMARTCLOUD AS (310 000 035)", "TILBAKEHOLDEN USYMMETRISK TIGER AS (310 000 027)"]
    );
    assert_eq!(page.texts(".rights__title"), ["Regnskapsfører med signeringsrettighet"]);
    assert!(page.text().contains("legger en klientadministrator til klientene"));
    assert!(page.text().contains("blant annet se krav og betalinger"), "what the package lets the system do");

    let done = dress
        .submit(
            &format!("/accessmanagement/ui/systemuser/agentrequest?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    assert_eq!(done.location.as_deref(), Some(RECEIPT));
    let (_, after) = app.api_get(&token, &format!("{AGENT}/{id}")).await;
    assert_eq!(after["status"], "Accepted");
    // The vendor sees the agent system user with its package.
    let (_, users) = app.api_get(&token, &format!("/authentication/api/v1/systemuser/vendor/bysystem/{KLIENT}")).await;
    assert_eq!(users["data"][0]["id"], id);
    assert_eq!(users["data"][0]["userType"], "agent");
    assert_eq!(users["data"][0]["accessPackages"], serde_json::json!([{"urn": PACKAGE}]));

    let overview = dress.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(overview.texts("#clients-heading"), ["Systemtilganger for klienter"]);
    assert!(overview.body.contains(&format!("href=\"{}\"", clients_path(id))));
    assert!(overview.texts("section[aria-labelledby=own-heading] li").is_empty(), "not among own system accesses");
    let details = dress.get(&format!("/accessmanagement/ui/systemuser/{id}")).await;
    assert_eq!(details.texts(".rights__title"), ["Regnskapsfører med signeringsrettighet"]);
}

async fn an_access_manager_approves_and_a_client_administrator_adds_clients(app: TestApp) {
    // STADIG KONSERT manages access in the firm too, but is no client administrator there;
    // ROLIG PINGVIN is its client administrator, but manages no access.
    app.grant_role(KONSERT, TIGER, "TILGANGSSTYRER");
    app.grant_role(PINGVIN, TIGER, "KLIENTADMINISTRATOR");
    let token = app.vendor_token(None).await;
    let (_, request) = app.api_post(&token, AGENT, &agent_body(&[PACKAGE])).await;
    let id = request["id"].as_str().unwrap();
    let path = format!("/accessmanagement/ui/systemuser/agentrequest?id={id}");

    // The client administrator cannot approve; an approval posted anyway is refused.
    let pingvin = app.logged_in(PINGVIN).await;
    let csrf = pingvin.get("/accessmanagement/ui/systemuser/overview").await.csrf();
    pingvin.post("/accessmanagement/ui/party", &[("org_no", TIGER), ("csrf", &csrf)]).await;
    let page = pingvin.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(!page.has_form("/accessmanagement/ui/systemuser/request/approve"));
    let forged = pingvin
        .refused(
            "/accessmanagement/ui/systemuser/request/approve",
            &[("id", id), ("csrf", &page.csrf()), ("agent", "true")],
            &path,
        )
        .await;
    assert!(!forged.texts("[role=alert]").is_empty(), "told why");
    assert_eq!(app.api_get(&token, &format!("{AGENT}/{id}")).await.1["status"], "New");

    // The access manager approves, as in Altinn, without the client administrator role.
    let konsert = app.logged_in(KONSERT).await;
    let page = konsert.get(&path).await;
    assert!(page.has_form("/accessmanagement/ui/systemuser/request/approve"));
    assert!(page.texts("[role=alert]").is_empty(), "{:?}", page.texts("[role=alert]"));
    let approved = konsert.submit(&path, "/accessmanagement/ui/systemuser/request/approve").await;
    assert_eq!(approved.location.as_deref(), Some(RECEIPT));
    assert_eq!(app.api_get(&token, &format!("{AGENT}/{id}")).await.1["status"], "Accepted");

    // Both find the access in the overview's client section; only the client
    // administrator adds clients.
    for browser in [&konsert, &pingvin] {
        let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
        assert!(overview.body.contains(&format!("href=\"{}\"", clients_path(id))));
    }
    let clients = clients_path(id);
    assert!(!konsert.get(&clients).await.has_form(&format!("{clients}/add")));
    let added = pingvin.submit(&format!("{clients}?q=310000043"), &format!("{clients}/add")).await;
    assert_eq!(added.status, 303);
    assert_eq!(listed_as_added(&pingvin, &clients).await, ["LYSTIG ROLIG ELG AS"]);
}

async fn clients_are_searched_filtered_paged_and_added(app: TestApp) {
    // Up to thirty more clients so the list needs two pages.
    let mut extra: usize = 0;
    {
        let mut conn = app.db();
        for n in 0..30 {
            let org_no = (0..10)
                .map(|d| format!("4200000{n:02}{d}"))
                .find(|o| systemtilgang::domain::ids::OrgNo::parse(&o[1..]).is_some())
                .map(|o| o[1..].to_owned());
            let Some(org_no) = org_no else { continue };
            systemtilgang::db::parties::insert_organisation(
                &mut conn,
                &systemtilgang::db::parties::Organisation::new(&org_no, &format!("EKSTRA KLIENT {n:02} AS")),
            )
            .unwrap();
            systemtilgang::db::clients::insert_relation(&mut conn, TIGER, &org_no, "REGNSKAPSFORER").unwrap();
            extra += 1;
        }
    }
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    let first = dress.get(&path).await;
    assert_eq!(first.status, 200);
    // Where the page lies: the overview, the access, its clients (this page, no link).
    assert_eq!(first.texts(".crumbs li"), ["Systemtilganger", "SmartCloud Klient", "Klienter"]);
    assert_eq!(first.texts(".crumbs a"), ["Systemtilganger", "SmartCloud Klient"]);
    assert_eq!(first.texts(".crumbs [aria-current=page]"), ["Klienter"]);
    assert!(first.body.contains(&format!(r#"<a href="/accessmanagement/ui/systemuser/{id}">SmartCloud Klient</a>"#)));
    let total = first.texts("#showing")[0].clone();
    assert_eq!(total, format!("Viser 1–15 av {} klienter", 13 + extra), "those that cannot be added are not rows");
    let next = first.attrs("a[rel=next]", "href").remove(0);
    let second = dress.get(&next).await;
    assert!(second.texts("#showing")[0].starts_with("Viser 16–30 av"), "{:?}", second.texts("#showing"));
    let pages = (13 + extra).div_ceil(15);
    assert_eq!(first.texts(".pager span"), [format!("Side 1 av {pages}")]);
    assert_eq!(second.texts(".pager span"), [format!("Side 2 av {pages}")]);
    assert_eq!(
        first.texts("#packages"),
        ["For hver klient som legges til, får systemet tilgangspakken Regnskapsfører med signeringsrettighet."]
    );
    // Counted by what can be done, in Norwegian order (Æ after Z).
    assert_eq!(
        first.texts("#filters a"),
        [
            format!("Alle ({})", 19 + extra),
            "Lagt til (0)".into(),
            format!("Kan legges til ({})", 13 + extra),
            "Kan ikke legges til (6)".into()
        ]
    );
    assert_eq!(first.texts("#filters [aria-current=page]"), [format!("Alle ({})", 19 + extra)]);
    let last = dress.get(&format!("{path}?page={}", pages - 1)).await;
    assert_eq!(last.texts("#candidates strong").last().unwrap(), "ÆRLIG BRED SEL AS");
    // Those that cannot be added, one calm line a reason, with their names folded.
    assert_eq!(
        first.texts("#refused summary"),
        [
            "3 klienter: dere er forretningsfører, ikke regnskapsfører",
            "3 klienter: dere er revisor, ikke regnskapsfører"
        ]
    );
    assert!(first.texts(".refusal").is_empty() && first.texts(".alert--danger").is_empty(), "nothing in red");

    // Search by name or by org number with spaces.
    let found = dress.get(&format!("{path}?q=lystig+rolig")).await;
    assert_eq!(found.texts("#candidates strong"), ["LYSTIG ROLIG ELG AS"]);
    let found = dress.get(&format!("{path}?q=310+000+043")).await;
    assert_eq!(found.texts("#candidates strong"), ["LYSTIG ROLIG ELG AS"]);

    // Add one, with the search kept.
    let added = dress.submit(&format!("{path}?q=310+000+043"), &format!("{path}/add")).await;
    assert_eq!(added.status, 303);
    let back = dress.get(added.location.as_deref().unwrap()).await;
    assert!(
        back.texts("[role=status]")
            .iter()
            .any(|t| t.contains("Klienten LYSTIG ROLIG ELG AS (310 000 043) er lagt til."))
    );
    assert_eq!(listed_as_added(&dress, &path).await, ["LYSTIG ROLIG ELG AS"]);
    let details = dress.get(&format!("/accessmanagement/ui/systemuser/{id}")).await;
    let history = details.text();
    assert!(history.contains("Klienten LYSTIG ROLIG ELG AS (310 000 043) lagt til av DRESS MINST"), "{history}");
    assert_eq!(back.texts("#candidates .tag"), ["Lagt til"]);
    assert!(back.texts("#filters a").contains(&"Lagt til (1)".to_owned()));
    // Adding it again changes nothing.
    let csrf = back.csrf();
    dress.post(&format!("{path}/add"), &[("csrf", &csrf), ("client", "310000043")]).await;
    assert_eq!(listed_as_added(&dress, &path).await.len(), 1);

    // Only those that can still be added, the search kept by the filters.
    let hidden = dress.get(&format!("{path}?q=310000043&show=addable")).await;
    assert!(hidden.texts("#candidates strong").is_empty());
    assert_eq!(hidden.texts("#showing"), ["Ingen klienter her."]);
    assert_eq!(hidden.attrs("#filters a", "href")[1], format!("{path}?q=310000043&page=0&show=added"));

    // A few on one page: "add all" names how many and adds them at once.
    let few = dress.get(&format!("{path}?q=ekstra+klient+0")).await;
    let addable = few.texts("#candidates li").len();
    assert!((2..=10).contains(&addable), "{addable}");
    let addall = format!("{path}/addall");
    assert_eq!(
        few.texts(&format!("form[action=\"{addall}\"] button")),
        [format!("Legg til alle {addable} som passer søket")]
    );
    let added = dress.submit(&format!("{path}?q=ekstra+klient+0"), &addall).await;
    let back = dress.follow(&added).await;
    assert!(back.texts("[role=status]").contains(&format!("{addable} klienter er lagt til.")));

    // All of them (more than fit one page): counted and confirmed first, and an
    // unconfirmed post only leads to the confirmation.
    let unconfirmed = dress.post(&addall, &[("csrf", &back.csrf()), ("q", ""), ("page", "0")]).await;
    assert_eq!(unconfirmed.location.as_deref(), Some(format!("{addall}?q=&page=0").as_str()));
    let remaining = 13 + extra - 1 - addable;
    let confirm = dress.get(&format!("{addall}?q=&page=0")).await;
    assert_eq!(confirm.texts("h1"), [format!("Legg til alle {remaining} klienter?")]);
    assert_eq!(confirm.texts(".crumbs li"), ["Systemtilganger", "SmartCloud Klient", "Klienter", "Legg til alle"]);
    // A number that is no longer right (ten times as many confirmed as can be added) adds
    // nothing and asks again.
    let stale = remaining.to_string();
    let fields = [("csrf", confirm.csrf()), ("q", String::new()), ("page", "0".into()), ("confirmed", stale + "0")];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let asked_again = dress.follow(&dress.post(&addall, &fields).await).await;
    assert!(asked_again.texts("[role=alert]")[0].contains("har endret seg"), "{:?}", asked_again.texts("[role=alert]"));
    assert_eq!(asked_again.texts("h1"), [format!("Legg til alle {remaining} klienter?")]);
    // The revisor and forretningsfører clients stay out.
    let all = dress.submit(&format!("{addall}?q=&page=0"), &addall).await;
    let back = dress.follow(&all).await;
    let added_now = format!("{remaining} klienter er lagt til.");
    assert!(back.texts("[role=status]").contains(&added_now), "{:?}", back.texts("[role=status]"));
    assert_eq!(
        back.texts("#filters a")[1..],
        [format!("Lagt til ({})", 13 + extra), "Kan legges til (0)".into(), "Kan ikke legges til (6)".into()],
        "the thirteen regnskapsfører clients and the extra ones; the revisor and forretningsfører clients stay out"
    );
    // Nothing left to add: said so, and no offer that leads nowhere.
    assert_eq!(back.texts("#done"), ["Alle klientene som kan legges til, er lagt til."]);
    assert!(!back.has_form(&addall) && !back.body.contains(&format!("{addall}?")));
    // The history tells of the sitting in one line, the clients folded under it.
    let details = dress.get(&format!("/accessmanagement/ui/systemuser/{id}")).await;
    let batch = details.texts(".history__batch summary");
    assert_eq!(batch.len(), 1, "{batch:?}");
    assert!(batch[0].starts_with(&format!("{} klienter lagt til av DRESS MINST", 13 + extra)), "{batch:?}");
    assert_eq!(details.texts(".history__batch li").len(), (13 + extra).min(50));
    assert!(!details.text().contains("Klienten LYSTIG ROLIG ELG AS (310 000 043) lagt til"), "not line by line");
}

async fn ineligible_clients_are_named_with_what_they_lack(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    let ugle = dress.get(&format!("{path}?q=ugle")).await;
    assert!(ugle.texts("#candidates strong").is_empty(), "no row that can do nothing");
    assert!(ugle.texts("#showing").is_empty(), "the reason is the whole answer");
    assert_eq!(ugle.texts("#refused summary"), ["1 klient: dere er revisor, ikke regnskapsfører"]);
    assert_eq!(
        ugle.texts("#refused p"),
        [
            "Systemet trenger tilgangspakken Regnskapsfører med signeringsrettighet, som følger med klientforholdet regnskapsfører."
        ]
    );
    assert_eq!(ugle.texts("#refused li"), ["NØYE KLOK UGLE AS 310 000 124"]);
    assert!(!ugle.has_form(&format!("{path}/add")));
    let csrf = ugle.csrf();
    for (client, message) in [
        (
            "310000124",
            "NØYE KLOK UGLE AS (310 000 124) kan ikke legges til: klienten har ikke gitt virksomheten tilgangspakken Regnskapsfører med signeringsrettighet, som følger med klientforholdet regnskapsfører.",
        ),
        ("310000132", "FJERN UKJENT HVAL AS (310 000 132) er ikke klient av virksomheten"),
    ] {
        // Back to the list at the refusal (post/redirect/get), which names the client.
        let refused = dress
            .refused(&format!("{path}/add"), &[("csrf", &csrf), ("client", client)], &format!("{path}?q=&page=0"))
            .await;
        let alert = refused.texts("#notice[role=alert]")[0].clone();
        assert!(alert.contains(message), "{alert}");
    }
    assert!(listed_as_added(&dress, &path).await.is_empty());
}

async fn only_client_administrators_change_clients(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    app.grant_role(KONSERT, TIGER, "TILGANGSSTYRER");
    let konsert = app.logged_in(KONSERT).await;
    let csrf = konsert.get("/accessmanagement/ui/systemuser/overview").await.csrf();
    konsert.post("/accessmanagement/ui/party", &[("org_no", TIGER), ("csrf", &csrf)]).await;
    let page = konsert.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Bare klientadministratorer kan legge til og fjerne klienter. Kontakt DRESS MINST."));
    assert!(!page.has_form(&format!("{path}/add")) && !page.has_form(&format!("{path}/addall")));
    let back = format!("{path}?q=&page=0");
    let refused =
        konsert.refused(&format!("{path}/add"), &[("csrf", &page.csrf()), ("client", "310000043")], &back).await;
    assert!(refused.texts("#notice[role=alert]")[0].contains("klientadministrator"), "{}", refused.text());
    let refused =
        konsert.refused(&format!("{path}/addall"), &[("csrf", &page.csrf()), ("confirmed", "1")], &back).await;
    assert!(refused.texts("#notice[role=alert]")[0].contains("klientadministrator"), "{}", refused.text());
    assert_eq!(konsert.get(&format!("{path}/addall")).await.status, 403, "nothing to confirm either");
    assert!(listed_as_added(&dress, &path).await.is_empty());
    // Another party's user does not find the page at all.
    let love = app.logged_in(LOVE).await;
    assert_eq!(love.get(&path).await.status, 404);
}

async fn removing_a_client_or_deleting_the_access_ends_delegations(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    let csrf = dress.get(&path).await.csrf();
    for client in ["310000043", "310000051"] {
        dress.post(&format!("{path}/add"), &[("csrf", &csrf), ("client", client)]).await;
    }
    let token = app.vendor_token(None).await;
    let clients_api = format!("/authentication/api/v1/systemuser/vendor/agent/{id}/clients");
    let removed = dress.post(&format!("{path}/remove"), &[("csrf", &csrf), ("client", "310000043")]).await;
    assert_eq!(removed.status, 303);
    let (_, list) = app.api_get(&token, &clients_api).await;
    let numbers: Vec<&str> =
        list["data"].as_array().unwrap().iter().map(|c| c["clientOrganizationNumber"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["310000051"]);

    let details = format!("/accessmanagement/ui/systemuser/{id}");
    let confirm = dress.get(&format!("{details}?confirm=delete")).await;
    assert!(confirm.texts("[role=alert]")[0].contains("1 klient er lagt til systemtilgangen. Den fjernes også"));
    dress.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    let (status, _) = app.api_get(&token, &clients_api).await;
    assert_eq!(status, 404);
    let mut conn = app.db();
    assert_eq!(systemtilgang::db::clients::count_attached(&mut conn, &id).unwrap(), 0);
}

async fn vendors_list_the_clients_of_their_agent_system_users(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    let csrf = dress.get(&path).await.csrf();
    for client in ["310000043", "310000051", "310000078", "310000086"] {
        dress.post(&format!("{path}/add"), &[("csrf", &csrf), ("client", client)]).await;
    }
    let token = app.vendor_token(None).await;
    let mut next = Some(app.url(&format!("/authentication/api/v1/systemuser/vendor/agent/{id}/clients")));
    let mut seen = Vec::new();
    while let Some(url) = next {
        let page: Value = app.http.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        for c in page["data"].as_array().unwrap() {
            assert!(c["clientId"].is_string() && c["clientOrganizationName"].is_string(), "{c}");
            seen.push(c["clientOrganizationNumber"].as_str().unwrap().to_owned());
        }
        next = page["links"]["next"].as_str().map(str::to_owned);
    }
    seen.sort();
    assert_eq!(seen, ["310000043", "310000051", "310000078", "310000086"]);

    // A standard system user has no clients to list.
    let standard = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let sid = standard["id"].as_str().unwrap();
    app.logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={sid}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    let (status, _) =
        app.api_get(&token, &format!("/authentication/api/v1/systemuser/vendor/agent/{sid}/clients")).await;
    assert_eq!(status, 404);
}

async fn adding_the_same_client_at_once_twice_attaches_it_once(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    let csrf = dress.get(&path).await.csrf();
    let form = [("csrf", csrf.as_str()), ("client", "310000043")];
    let url = app.url(&format!("{path}/add"));
    let (a, b) = tokio::join!(dress.client.post(&url).form(&form).send(), dress.client.post(&url).form(&form).send());
    assert_eq!((a.unwrap().status().as_u16(), b.unwrap().status().as_u16()), (303, 303));
    assert_eq!(listed_as_added(&dress, &path).await, ["LYSTIG ROLIG ELG AS"]);
}

/// The firm's clients that may be added to the agent system access.
const ELIGIBLE: [&str; 12] = [
    "310000043",
    "310000051",
    "310000078",
    "310000086",
    "310000094",
    "310000108",
    "310000116",
    "310000140",
    "310000159",
    "310000167",
    "310000175",
    "310000183",
];

async fn several_people_adding_and_removing_at_once_never_get_a_server_error(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    let mut workers = Vec::new();
    for worker in 0..8 {
        let browser = app.logged_in(DRESS).await;
        let path = path.clone();
        workers.push(tokio::spawn(async move {
            let csrf = browser.get(&path).await.csrf();
            let mut statuses = Vec::new();
            let until = std::time::Instant::now() + std::time::Duration::from_secs(4);
            let mut step = worker;
            while std::time::Instant::now() < until {
                step += 1;
                let client = ELIGIBLE[step * 7 % ELIGIBLE.len()];
                let (action, form) = match step % 5 {
                    0 => ("addall", vec![("csrf", csrf.as_str()), ("confirmed", "1")]),
                    1 | 3 => ("remove", vec![("csrf", csrf.as_str()), ("client", client)]),
                    _ => ("add", vec![("csrf", csrf.as_str()), ("client", client)]),
                };
                let page = browser.post(&format!("{path}/{action}"), &form).await;
                statuses.push((action, page.status));
            }
            statuses
        }));
    }
    let mut done = 0;
    for worker in workers {
        for (action, status) in worker.await.unwrap() {
            assert!(status < 500, "{action} answered {status}");
            done += 1;
        }
    }
    assert!(done > 40, "only {done} changes were tried");
}

async fn what_the_page_says_was_done_comes_from_the_server(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let id = approved_agent_access(&app, &dress).await;
    let path = clients_path(&id);
    // Text in the URL is never shown as a message.
    for query in ["added=ANY+TEXT", "removed=ANY+TEXT", "added_count=999"] {
        let page = dress.get(&format!("{path}?{query}")).await;
        assert_eq!(page.status, 200);
        assert!(!page.text().contains("ANY TEXT") && !page.text().contains("999"), "{query}");
        assert!(page.texts(".alert--success").is_empty(), "{query}: {:?}", page.texts(".alert--success"));
    }
    // Removing a client that was never added says so, and the message is shown once.
    let csrf = dress.get(&path).await.csrf();
    let done = dress.post(&format!("{path}/remove"), &[("csrf", &csrf), ("client", "310000051")]).await;
    assert_eq!(done.status, 303);
    assert!(!done.location.as_deref().unwrap().contains("removed"));
    let back = dress.get(done.location.as_deref().unwrap()).await;
    assert_eq!(back.texts(".alert--success"), ["310000051 var ikke lagt til, så ingenting er endret."]);
    assert!(dress.get(&path).await.texts(".alert--success").is_empty(), "shown once");
}

async fn the_firm_adds_itself_when_it_gives_every_package(app: TestApp) {
    const KONSERN: &str = "310000035_smartcloud_konsern";
    const SKATTEGRUNNLAG: &str = "urn:altinn:accesspackage:skattegrunnlag";
    let id = app.approved_agent(KONSERN, &[SKATTEGRUNNLAG], SKILPADDE).await;
    let path = clients_path(&id);
    // DRESS MINST manages access, but cannot give the package; the page says who can.
    let dress = app.logged_in(DRESS).await;
    let page = dress.get(&path).await;
    assert!(!page.has_form(&format!("{path}/self")));
    assert_eq!(
        page.texts("#own-firm .refusal"),
        ["Du kan ikke gi virksomhetens tilgangspakke Skattegrunnlag. Det kan Daglig leder eller Hovedadministrator."]
    );

    // The one who approved is offered it on the receipt, and it is added from there.
    let manager = app.logged_in(SKILPADDE).await;
    let receipt = format!("/accessmanagement/ui/systemuser/receipt?id={id}");
    let offered = manager.get(&receipt).await;
    assert_eq!(
        offered.texts(&format!("form[action=\"{path}/self\"] button")),
        ["Legg til TILBAKEHOLDEN USYMMETRISK TIGER AS"]
    );
    let added = manager.submit(&receipt, &format!("{path}/self")).await;
    assert_eq!(added.status, 303);
    let back = manager.get(added.location.as_deref().unwrap()).await;
    assert_eq!(
        back.texts(".alert--success"),
        ["TILBAKEHOLDEN USYMMETRISK TIGER AS (310 000 027) er lagt til. Systemet kan nå handle for virksomheten selv."]
    );
    assert_eq!(back.texts("#own-firm .tag"), ["Lagt til"]);
    assert_eq!(back.texts("#own-firm strong"), ["TILBAKEHOLDEN USYMMETRISK TIGER AS"]);
    assert!(listed_as_added(&manager, &path).await.is_empty(), "the firm is no client among the clients");
    // The system user now acts for the firm itself.
    let system = {
        let details = serde_json::json!([{"type": "urn:altinn:systemuser",
            "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{TIGER}")}}]);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", "demo-smartcloud-konsern"),
            ("client_secret", "demo-smartcloud-secret"),
            ("authorization_details", &details.to_string()),
        ];
        let body: Value = app.http.post(app.url("/token")).form(&form).send().await.unwrap().json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    };
    let (_, parties) = app.api_get(&system, "/accessmanagement/api/v1/enduser/authorizedparties").await;
    assert_eq!(parties[0]["organizationNumber"], TIGER);

    let removed = manager.submit(&path, &format!("{path}/self/remove")).await;
    let back = manager.get(removed.location.as_deref().unwrap()).await;
    assert_eq!(
        back.texts(".alert--success"),
        ["TILBAKEHOLDEN USYMMETRISK TIGER AS (310 000 027) er fjernet. Klientene er ikke endret."]
    );
    assert!(back.texts("#own-firm .tag").is_empty());

    // A system access with packages only clients give cannot take the firm itself, and
    // does not offer it.
    let klient = app.approved_agent(KLIENT, &[PACKAGE], DRESS).await;
    let klient_path = clients_path(&klient);
    let receipt = dress.get(&format!("/accessmanagement/ui/systemuser/receipt?id={klient}")).await;
    assert!(!receipt.has_form(&format!("{klient_path}/self")), "a client system's receipt offers no firm");
    let page = manager.get(&klient_path).await;
    assert!(page.texts("#own-firm").is_empty());
    let forged = manager
        .refused(&format!("{klient_path}/self"), &[("csrf", &page.csrf())], &format!("{klient_path}?q=&page=0"))
        .await;
    assert!(forged.texts("#notice[role=alert]")[0].contains("tilgangspakker som bare klienter kan gi"));
    assert!(listed_as_added(&manager, &klient_path).await.is_empty());
}

async fn refusals_name_the_relation_that_gives_the_package(app: TestApp) {
    let dress = app.logged_in(DRESS).await;
    let property = app
        .approved_agent("310000035_smartcloud_eiendom", &["urn:altinn:accesspackage:forretningsforer-eiendom"], DRESS)
        .await;
    let page = dress.get(&format!("{}?q=havnegata", clients_path(&property))).await;
    assert_eq!(
        page.texts("#refused summary"),
        ["1 klient har ikke gitt dere tilgangspakken Forretningsfører eiendom, som følger med klientforholdet \
          forretningsfører (bare for eierseksjonssameier eller borettslag)"]
    );
    let page = dress.get(&format!("{}?q=borettslag", clients_path(&property))).await;
    assert!(page.texts("#refused summary").is_empty());
    assert_eq!(page.texts("#candidates strong"), ["GRØNLIA BORETTSLAG"]);

    let audit = app
        .approved_agent(
            "310000035_smartcloud_revisjon",
            &["urn:altinn:accesspackage:ansvarlig-revisor", "urn:altinn:accesspackage:revisormedarbeider"],
            DRESS,
        )
        .await;
    let page = dress.get(&format!("{}?q=lystig", clients_path(&audit))).await;
    assert_eq!(page.texts("#refused summary"), ["1 klient: dere er regnskapsfører, ikke revisor"]);
    assert_eq!(
        page.texts("#refused p"),
        ["Systemet trenger tilgangspakken Ansvarlig revisor, som følger med klientforholdet revisor og \
          tilgangspakken Revisormedarbeider, som følger med klientforholdet revisor."]
    );
    // In English and nynorsk too, in the singular and the plural.
    dress.client.get(app.url("/language?lang=en")).send().await.unwrap();
    let english = dress.get(&format!("{}?q=lystig", clients_path(&audit))).await;
    assert_eq!(english.texts("#refused summary"), ["1 client: you are its accountant, not its auditor"]);
    assert!(english.text().contains("which comes with the client relation auditor"), "{}", english.text());
    let english = dress.get(&clients_path(&audit)).await;
    assert!(
        english
            .texts("#refused summary")
            .contains(&"12 clients: you are their accountant, not their auditor".to_owned()),
        "{:?}",
        english.texts("#refused summary")
    );
    dress.client.get(app.url("/language?lang=nn")).send().await.unwrap();
    let nynorsk = dress.get(&format!("{}?q=lystig", clients_path(&audit))).await;
    assert_eq!(nynorsk.texts("#refused summary"), ["1 klient: de er rekneskapsførar, ikkje revisor"]);
}
