//! A vendor's request approved or rejected in the portal.

use crate::common::*;
use crate::on_both_backends;

const APPROVE: &str = "/accessmanagement/ui/systemuser/request/approve";
const REJECT: &str = "/accessmanagement/ui/systemuser/request/reject";

on_both_backends!(
    approving_redirects_to_the_vendor_and_creates_the_system_user,
    rejecting_redirects_to_the_vendor_and_creates_nothing,
    without_redirect_url_the_portal_shows_its_receipt,
    a_handled_request_shows_its_state_and_no_buttons,
    the_daglig_leder_approves_what_the_tilgangsstyrer_cannot,
    an_employee_sees_why_and_a_forged_approval_fails,
    another_partys_request_switches_party_or_is_refused,
    racing_approvals_create_one_system_user,
    the_demo_receipt_page_is_an_allowed_redirect,
    an_employee_forwards_the_request_to_the_access_managers,
    an_access_package_is_given_only_by_someone_holding_it,
    a_request_for_an_access_made_since_can_only_be_rejected,
    a_decision_on_the_vendors_link_can_end_the_login,
    two_requests_for_one_system_are_told_apart_by_title_and_reference,
    an_agent_request_names_the_firms_real_relation_or_its_own_use,
);

/// The firm is named by how the packages reach it from its clients (regnskapsfører,
/// revisor, forretningsfører), never a fixed "Regnskapsfører"; a system whose packages no
/// client relation gives is for the firm itself, and the page says so.
async fn an_agent_request_names_the_firms_real_relation_or_its_own_use(app: TestApp) {
    const AGENT: &str = "/authentication/api/v1/systemuser/request/vendor/agent";
    let token = app.vendor_token(None).await;
    let cases = [
        (
            "310000035_smartcloud_klient",
            "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet",
            "Regnskapsfører",
        ),
        ("310000035_smartcloud_revisjon", "urn:altinn:accesspackage:ansvarlig-revisor", "Revisor"),
        ("310000035_smartcloud_eiendom", "urn:altinn:accesspackage:forretningsforer-eiendom", "Forretningsfører"),
        ("310000035_smartcloud_konsern", "urn:altinn:accesspackage:skattegrunnlag", "Virksomhet"),
    ];
    let skilpadde = app.logged_in(SKILPADDE).await;
    for (system, package, label) in cases {
        let body = serde_json::json!({"systemId": system, "partyOrgNo": TIGER, "accessPackages": [{"urn": package}]});
        let (status, request) = app.api_post(&token, AGENT, &body).await;
        assert_eq!(status, 201, "{system}: {request}");
        let page = skilpadde
            .get(&format!("/accessmanagement/ui/systemuser/agentrequest?id={}", request["id"].as_str().unwrap()))
            .await;
        let facts = page.texts(".facts dt");
        assert_eq!(facts.last().map(String::as_str), Some(label), "{system}: {facts:?}");
        let heading = page.texts("h1")[0].clone();
        if label == "Virksomhet" {
            assert!(!heading.contains("klientene"), "{heading}");
            assert!(
                page.text().contains("så systemet er for TILBAKEHOLDEN USYMMETRISK TIGER AS selv"),
                "{}",
                page.text()
            );
        } else {
            assert!(heading.ends_with("ber om tilgang for klientene dine"), "{heading}");
        }
    }
}

/// The vendor's integration title and external reference are on the request page, the
/// receipt and the change request page, so that two requests for one system can be told
/// apart; where they are only the defaults (the system's name, the party's number) they
/// are left out.
async fn two_requests_for_one_system_are_told_apart_by_title_and_reference(app: TestApp) {
    const VENDOR: &str = "/authentication/api/v1/systemuser/request/vendor";
    let token = app.vendor_token(None).await;
    let mut ids = Vec::new();
    for (title, reference) in [("Lønn Oslo", "avd-oslo"), ("Lønn Bergen", "avd-bergen")] {
        let mut body = request_body(SMARTCLOUD_LONN, APE, &[KRAV], None);
        body["integrationTitle"] = serde_json::json!(title);
        body["externalRef"] = serde_json::json!(reference);
        let (status, request) = app.api_post(&token, VENDOR, &body).await;
        assert_eq!(status, 201, "{request}");
        ids.push(request["id"].as_str().unwrap().to_owned());
    }
    let plain = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let konsert = app.logged_in(KONSERT).await;
    let facts = |page: &Page| page.texts(".facts dt, .facts dd");
    let oslo = konsert.get(&format!("/accessmanagement/ui/systemuser/request?id={}", ids[0])).await;
    assert_eq!(
        facts(&oslo)[..4],
        ["Navn på tilgangen", "Lønn Oslo", "Leverandørens referanse", "avd-oslo"].map(String::from)
    );
    let bergen = konsert.get(&format!("/accessmanagement/ui/systemuser/request?id={}", ids[1])).await;
    assert_eq!(facts(&bergen)[1..4], ["Lønn Bergen", "Leverandørens referanse", "avd-bergen"].map(String::from));
    let plain = konsert.get(&confirm_path(&plain)).await;
    assert_eq!(facts(&plain)[0], "System", "no title nor reference beyond the defaults: {:?}", facts(&plain));

    let page = format!("/accessmanagement/ui/systemuser/request?id={}", ids[0]);
    let done = konsert.submit(&page, APPROVE).await;
    let receipt = konsert.follow(&done).await;
    assert_eq!(facts(&receipt), ["Navn på tilgangen", "Lønn Oslo", "Leverandørens referanse", "avd-oslo"]);

    let change =
        serde_json::json!({"requiredRights": [{"resource": [{"id": "urn:altinn:resource", "value": A_MELDING}]}]});
    let body = app.ask_change(&ids[0], &change).await;
    let change_page = konsert
        .get(&format!("/accessmanagement/ui/systemuser/changerequest?id={}", body["id"].as_str().unwrap()))
        .await;
    assert_eq!(facts(&change_page)[..2], ["Leverandørens referanse", "avd-oslo"].map(String::from));
    assert!(change_page.text().contains("Lønn Oslo"), "its title in the introduction");
}

/// Set to (production's default), a decision on a request opened from the vendor's link
/// logs the person out on the way back to the vendor; one opened in the portal does not.
async fn a_decision_on_the_vendors_link_can_end_the_login(app: TestApp) {
    const OVERVIEW: &str = "/accessmanagement/ui/systemuser/overview";
    const VENDOR: &str = "/authentication/api/v1/systemuser/request/vendor";
    let app = app.node_with(|c| c.logout_after_vendor_decision = true).await;
    let konsert = app.logged_in(KONSERT).await;
    let token = app.vendor_token(None).await;
    let (_, first) = app.api_post(&token, VENDOR, &request_body(SMARTCLOUD, APE, &[KRAV], Some(RECEIPT))).await;
    let in_portal = format!("/accessmanagement/ui/systemuser/request?id={}", first["id"].as_str().unwrap());
    assert_eq!(konsert.submit(&in_portal, REJECT).await.location.as_deref(), Some(RECEIPT));
    assert_eq!(konsert.get(OVERVIEW).await.status, 200, "still logged in");

    let mut body = request_body(SMARTCLOUD, APE, &[KRAV], Some(RECEIPT));
    body["externalRef"] = serde_json::json!("second");
    let (_, second) = app.api_post(&token, VENDOR, &body).await;
    let approved = konsert.submit(&confirm_path(&second), APPROVE).await;
    assert_eq!(approved.location.as_deref(), Some(RECEIPT), "back to the vendor");
    assert_eq!(app.request_status(second["id"].as_str().unwrap()).await, "Accepted");
    assert_eq!(konsert.get(OVERVIEW).await.status, 303, "logged out");
    assert_eq!(konsert.get("/login").await.status, 200, "and the login page is the login page");
}

/// A vendor's request waits while the daglig leder makes the same access by hand (same
/// system, the default external reference): the request page says so and links to it,
/// and offers Reject but not Approve, which is refused if posted anyway.
async fn a_request_for_an_access_made_since_can_only_be_rejected(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let path = confirm_path(&request);
    let konsert = app.logged_in(KONSERT).await;
    assert!(konsert.get(&path).await.has_form(APPROVE), "open and approvable before");
    let create = "/accessmanagement/ui/systemuser/create";
    let made = konsert.submit(&format!("{create}?system={SMARTCLOUD}"), create).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let access = made.location.unwrap().split('?').next().unwrap().to_owned();

    let page = konsert.get(&path).await;
    assert_eq!(page.texts("h1"), ["SmartCloud ber om tilgang"], "the heading names the system");
    assert!(!page.has_form(APPROVE));
    assert!(page.has_form(REJECT));
    let status = page.texts("[role=status] p");
    assert!(status[0].starts_with("Virksomheten har allerede denne systemtilgangen."), "{status:?}");
    assert!(page.body.contains(&format!(r#"<a href="{access}">Gå til systemtilgangen</a>"#)), "{}", page.body);

    let forged =
        konsert.refused(APPROVE, &[("id", request["id"].as_str().unwrap()), ("csrf", &page.csrf())], &path).await;
    assert!(forged.texts("[role=alert]")[0].contains("Virksomheten har allerede en systemtilgang for dette systemet."));
    let reloaded = konsert.get(&path).await;
    assert!(!reloaded.text().contains("Virksomheten har allerede en systemtilgang for dette systemet."), "said once");
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await.len(), 1);
    let rejected = konsert.submit(&path, REJECT).await;
    assert_eq!(rejected.status, 303);
    assert_eq!(app.request_status(request["id"].as_str().unwrap()).await, "Rejected");
}

async fn an_access_package_is_given_only_by_someone_holding_it(app: TestApp) {
    const SKATTEGRUNNLAG: &str = "urn:altinn:accesspackage:skattegrunnlag";
    systemtilgang::db::packages::add_to_system(&mut app.db(), SMARTCLOUD, SKATTEGRUNNLAG).unwrap();
    let token = app.vendor_token(None).await;
    let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
    body["accessPackages"] = serde_json::json!([{"urn": SKATTEGRUNNLAG}]);
    let (status, request) = app.api_post(&token, "/authentication/api/v1/systemuser/request/vendor", &body).await;
    assert_eq!(status, 201, "{request}");
    let path = confirm_path(&request);
    let id = request["id"].as_str().unwrap();

    // FORSIKTIG LØVE may give Krav og betalinger (regnskapsfører) but not the package.
    let love = app.logged_in(LOVE).await;
    let page = love.get(&path).await;
    assert!(!page.has_form(APPROVE));
    // Both are listed, and the one she cannot give is marked in the list itself.
    assert_eq!(page.texts(".rights__title"), ["Krav og betalinger", "Skattegrunnlag"]);
    assert_eq!(page.texts(".rights__item--missing .rights__title"), ["Skattegrunnlag"]);
    assert_eq!(page.texts(".rights__missing"), ["Du kan ikke gi denne"]);
    let missing = page.texts("[role=alert] li");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("Skattegrunnlag") && missing[0].contains("Daglig leder"), "{missing:?}");
    let csrf = page.csrf();
    love.refused(APPROVE, &[("id", id), ("csrf", &csrf)], &path).await;
    assert_eq!(app.request_status(id).await, "New");

    // The daglig leder holds every package of his organisation and approves.
    let konsert = app.logged_in(KONSERT).await;
    assert_eq!(konsert.submit(&path, APPROVE).await.status, 303);
    assert_eq!(app.request_status(id).await, "Accepted");
    let (_, users) =
        app.api_get(&token, &format!("/authentication/api/v1/systemuser/vendor/bysystem/{SMARTCLOUD}")).await;
    assert_eq!(users["data"][0]["accessPackages"], serde_json::json!([{"urn": SKATTEGRUNNLAG}]));
}

async fn approving_redirects_to_the_vendor_and_creates_the_system_user(app: TestApp) {
    let request =
        app.create_request(SMARTCLOUD, &[KRAV], Some("https://smartcloud.example/kvittering?session=42")).await;
    let id = request["id"].as_str().unwrap();
    assert_eq!(
        request["confirmUrl"],
        format!("{}/accessmanagement/ui/systemuser/request?id={id}&DONTCHOOSEREPORTEE=true", app.address)
    );

    let browser = app.logged_in(KONSERT).await;
    let page = browser.get(&confirm_path(&request)).await;
    assert_eq!(page.status, 200);
    let facts = page.texts("dl.facts dd");
    assert_eq!(facts, ["SmartCloud", "SMARTCLOUD AS (310 000 035)", "TILFELDIG SUBTIL APE (310 000 019)"]);
    assert_eq!(page.texts(".rights__title"), ["Krav og betalinger"]);
    assert!(page.has_form(APPROVE) && page.has_form(REJECT));

    let done = browser.submit(&confirm_path(&request), APPROVE).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location.as_deref(), Some("https://smartcloud.example/kvittering?session=42"));
    assert_eq!(app.request_status(id).await, "Accepted");
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await, [id.to_owned()]);
    // The system user's page tells who approved it.
    let details = browser.get(&format!("/accessmanagement/ui/systemuser/{id}")).await;
    assert!(details.text().contains("Godkjent av STADIG KONSERT"), "{}", details.text());
}

async fn rejecting_redirects_to_the_vendor_and_creates_nothing(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let browser = app.logged_in(LOVE).await;
    let done = browser.submit(&confirm_path(&request), REJECT).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location.as_deref(), Some(RECEIPT));
    assert_eq!(app.request_status(request["id"].as_str().unwrap()).await, "Rejected");
    assert!(app.vendor_system_users(SMARTCLOUD).await.is_empty());
}

async fn without_redirect_url_the_portal_shows_its_receipt(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let id = request["id"].as_str().unwrap();
    let browser = app.logged_in(KONSERT).await;
    let done = browser.submit(&confirm_path(&request), APPROVE).await;
    assert_eq!(done.location, Some(format!("/accessmanagement/ui/systemuser/receipt?id={id}")));
    let receipt = browser.get(done.location.as_deref().unwrap()).await;
    assert_eq!(receipt.status, 200);
    assert!(
        receipt
            .text()
            .contains("Systemtilgangen er opprettet. SmartCloud kan nå handle på vegne av TILFELDIG SUBTIL APE.")
    );
    // Someone from another party learns nothing from the receipt.
    let dress = app.logged_in(DRESS).await;
    assert_eq!(dress.get(done.location.as_deref().unwrap()).await.status, 404);
}

async fn a_handled_request_shows_its_state_and_no_buttons(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let browser = app.logged_in(KONSERT).await;
    browser.submit(&confirm_path(&request), REJECT).await;
    let page = browser.get(&confirm_path(&request)).await;
    let state = page.texts("[role=status]");
    assert!(
        state.iter().any(|s| s.starts_with("Forespørselen er allerede avvist av STADIG KONSERT ")
            && today_in_norway().iter().any(|today| s.contains(today.as_str()))),
        "who decided, and when: {state:?}"
    );
    assert!(!page.has_form(APPROVE) && !page.has_form(REJECT));
}

async fn the_daglig_leder_approves_what_the_tilgangsstyrer_cannot(app: TestApp) {
    let request = app.create_request(SMARTCLOUD_LONN, &[KRAV, A_MELDING], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let love = app.logged_in(LOVE).await;
    let page = love.get(&confirm_path(&request)).await;
    let warning = page.texts(".alert--warning")[0].clone();
    assert!(warning.contains("A-melding – gis med rollen Lønnsinnsender eller Daglig leder"), "{warning}");
    assert!(warning.contains("Be STADIG KONSERT om å gi deg rollen"), "{warning}");
    assert_eq!(page.texts(".rights__item--missing .rights__title"), ["A-melding"], "marked in the list too");
    assert!(!page.has_form(APPROVE), "no approve button while rights are missing");
    assert!(page.has_form(REJECT));
    // Rejecting asks first: the vendor would have to start over, the role could be given.
    assert_eq!(page.texts("details#reject > summary"), ["Avvis"]);
    let asked = page.texts("details#reject .alert")[0].clone();
    assert!(asked.contains("Du kan ikke godkjenne dette selv. Avviser du, må leverandøren sende en ny forespørsel."));
    assert!(asked.contains("Du kan i stedet be STADIG KONSERT om å gi deg rollen som mangler"), "{asked}");
    assert_eq!(page.texts("details#reject form button"), ["Ja, avvis"]);
    assert!(page.texts(".actions button").is_empty(), "no reject without asking: {:?}", page.texts(".actions button"));
    let konsert_page = app.logged_in(KONSERT).await.get(&confirm_path(&request)).await;
    assert!(konsert_page.texts("details#reject").is_empty(), "who can approve rejects in one step");
    assert_eq!(konsert_page.texts(".actions button"), ["Godkjenn", "Avvis"]);

    // Posting the approval anyway is refused and changes nothing.
    let forged = love.refused(APPROVE, &[("id", id), ("csrf", &page.csrf())], &confirm_path(&request)).await;
    assert!(forged.texts("[role=alert]")[0].contains("Du kan ikke gi systemet alle tilgangene"));
    assert!(forged.text().contains("A-melding – gis med rollen Lønnsinnsender"));
    assert_eq!(app.request_status(id).await, "New");
    assert!(app.vendor_system_users(SMARTCLOUD_LONN).await.is_empty());

    // Instead she sends it to the one who can give the right, once.
    const ESCALATE: &str = "/accessmanagement/ui/systemuser/request/escalate";
    assert_eq!(page.texts("form.forward-to button"), ["Send forespørselen til STADIG KONSERT"]);
    let sent = love.follow(&love.submit(&confirm_path(&request), ESCALATE).await).await;
    let status = sent.texts("[role=status]");
    assert!(status[0].starts_with("Forespørselen er sendt videre til STADIG KONSERT."), "{status:?}");
    assert!(!sent.has_form(ESCALATE), "once is enough");
    let konsert = app.logged_in(KONSERT).await;
    let tags = konsert
        .get("/accessmanagement/ui/systemuser/overview")
        .await
        .texts("section[aria-labelledby=pending-heading] li .tag");
    assert!(
        today_in_norway().iter().any(|today| tags.contains(&format!("Sendt videre {today} av FORSIKTIG LØVE"))),
        "{tags:?}"
    );

    // Her page among the people says what the request waits for, with the role to give.
    let users = konsert.get("/accessmanagement/ui/users").await;
    let love_page = users.attrs("a", "href").into_iter().find(|h| {
        h.starts_with("/accessmanagement/ui/users/") && users.body.contains(&format!(r#"href="{h}">FORSIKTIG LØVE"#))
    });
    let love_page = love_page.expect("FORSIKTIG LØVE is listed");
    let roles = konsert.get(&love_page).await;
    assert_eq!(
        roles.texts("#waiting p"),
        ["FORSIKTIG LØVE kan ikke godkjenne forespørselen fra SmartCloud Lønn og har sendt den videre. Rollene \
          FORSIKTIG LØVE har, gir ikke A-melding. Se forespørselen fra SmartCloud Lønn"]
    );
    assert_eq!(roles.texts("#waiting button"), ["Gi rollen Lønnsinnsender til FORSIKTIG LØVE"]);
    let given = konsert.submit(&love_page, &format!("{love_page}/give")).await;
    assert_eq!(given.status, 303);
    assert!(konsert.get(&love_page).await.texts("#waiting").is_empty(), "nothing waits once she can approve");
    let page = love.get(&confirm_path(&request)).await;
    assert!(page.has_form(APPROVE), "she approves it now");

    let done = konsert.submit(&confirm_path(&request), APPROVE).await;
    assert_eq!(done.location.as_deref(), Some(RECEIPT));
    assert_eq!(app.request_status(id).await, "Accepted");
}

async fn an_employee_sees_why_and_a_forged_approval_fails(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let pingvin = app.logged_in(PINGVIN).await;
    let page = pingvin.get(&confirm_path(&request)).await;
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("bare tilgangsstyrere, hovedadministratorer og daglig leder kan godkjenne"), "{text}");
    assert!(text.contains("FORSIKTIG LØVE eller STADIG KONSERT"), "{text}");
    assert!(!page.has_form(APPROVE) && !page.has_form(REJECT));
    for action in [APPROVE, REJECT] {
        let forged = pingvin.refused(action, &[("id", id), ("csrf", &page.csrf())], &confirm_path(&request)).await;
        assert!(!forged.texts("[role=alert]").is_empty());
    }
    assert_eq!(app.request_status(id).await, "New");
}

async fn another_partys_request_switches_party_or_is_refused(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    // DRESS MINST cannot act for TILFELDIG SUBTIL APE.
    let dress = app.logged_in(DRESS).await;
    let page = dress.get(&confirm_path(&request)).await;
    assert_eq!(page.status, 403);
    assert!(page.text().contains("Forespørselen gjelder en virksomhet du ikke har noen rolle for"), "{}", page.text());
    assert!(!page.body.contains("TILFELDIG SUBTIL APE") && !page.body.contains("310000019"), "the party stays unnamed");
    assert!(!page.body.contains("310\u{a0}000\u{a0}019"), "not even by its number");
    assert!(!page.has_form(APPROVE));
    assert!(page.texts(".rights__title").is_empty(), "nothing about the request is shown");

    // STADIG KONSERT, acting for the other company, is switched to the request's party.
    app.grant_role(KONSERT, TIGER, "UTINN");
    let konsert = app.logged_in(KONSERT).await;
    let csrf = konsert.get("/accessmanagement/ui/systemuser/overview").await.csrf();
    konsert.post("/accessmanagement/ui/party", &[("org_no", TIGER), ("csrf", &csrf)]).await;
    let page = konsert.get(&confirm_path(&request)).await;
    assert_eq!(page.status, 200);
    assert!(page.texts(".account__party")[0].contains("TILFELDIG SUBTIL APE"));
    assert!(page.has_form(APPROVE));
    let overview = konsert.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(overview.texts(".account__party")[0].contains("TILFELDIG SUBTIL APE"));
}

async fn racing_approvals_create_one_system_user(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let path = confirm_path(&request);
    let (a, b) = (app.logged_in(KONSERT).await, app.logged_in(LOVE).await);
    let (fa, fb) = (a.get(&path).await.form_fields(APPROVE).unwrap(), b.get(&path).await.form_fields(APPROVE).unwrap());
    let as_pairs = |f: &Vec<(String, String)>| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    let (pa, pb) = (as_pairs(&fa), as_pairs(&fb));
    let (ra, rb) = tokio::join!(
        a.client.post(app.url(APPROVE)).form(&pa).send(),
        b.client.post(app.url(APPROVE)).form(&pb).send()
    );
    let mut sent_to = [ra.unwrap(), rb.unwrap()].map(|r| r.headers()["location"].to_str().unwrap().to_owned());
    sent_to.sort();
    // Back on the page as it was opened: from the vendor's link.
    assert_eq!(sent_to, [format!("{path}#notice"), RECEIPT.to_owned()], "one wins, the other is told on the page");
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await, [id.to_owned()]);
    // The one who lost is told once, in one alert, who approved it and when; a later
    // look (the winner's) shows the same state, calmly.
    let mut refused = 0;
    for browser in [&a, &b] {
        let page = browser.get(&path).await;
        let alerts = page.texts(".alert");
        assert_eq!(alerts.len(), 1, "one alert, not a refusal beside the state: {alerts:?}");
        assert!(alerts[0].starts_with("Forespørselen er allerede godkjent av "), "{alerts:?}");
        refused += page.texts("#notice[role=alert]").len();
    }
    assert_eq!(refused, 1, "only the one whose approval lost is told it was refused");
}

async fn the_demo_receipt_page_is_an_allowed_redirect(app: TestApp) {
    let receipt = app.url("/demo/kvittering");
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(&receipt)).await;
    let browser = app.logged_in(KONSERT).await;
    let done = browser.submit(&confirm_path(&request), APPROVE).await;
    assert_eq!(done.location.as_deref(), Some(receipt.as_str()));
    let page = browser.get(&receipt).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("SmartCloud – kvittering (demo)"));
}

async fn an_employee_forwards_the_request_to_the_access_managers(app: TestApp) {
    const ESCALATE: &str = "/accessmanagement/ui/systemuser/request/escalate";
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let pingvin = app.logged_in(PINGVIN).await;
    let forwarded = pingvin.submit(&confirm_path(&request), ESCALATE).await;
    let back = confirm_path(&request);
    assert_eq!(forwarded.location, Some(format!("{back}#notice")), "back at the message, on the page as opened");
    let forwarded = pingvin.follow(&forwarded).await;
    let status = forwarded.texts("[role=status]");
    assert!(status[0].starts_with("Forespørselen er sendt videre til FORSIKTIG LØVE og STADIG KONSERT."), "{status:?}");
    assert!(
        forwarded.body.contains(&format!(r#"<a href="{RECEIPT}">Tilbake til SmartCloud</a>"#)),
        "back to the vendor"
    );
    let text = forwarded.text();
    let today = today_in_norway()
        .into_iter()
        .find(|today| text.contains(&format!("Sendt videre av ROLIG PINGVIN {today}")))
        .expect("forwarded by, today");
    let reopened = pingvin.get(&confirm_path(&request)).await;
    assert!(!reopened.body.contains("Tilbake til SmartCloud"), "said once, after forwarding");
    assert!(!forwarded.has_form(ESCALATE), "once is enough");

    let konsert = app.logged_in(KONSERT).await;
    let overview = konsert.get("/accessmanagement/ui/systemuser/overview").await;
    // The access manager who opens it sees who forwarded it, and when.
    let opened = konsert.get(&confirm_path(&request)).await;
    assert!(opened.has_form(APPROVE));
    assert_eq!(opened.texts("p.tag"), [format!("Sendt videre av ROLIG PINGVIN {today}")]);
    let tags = overview.texts("section[aria-labelledby=pending-heading] li .tag");
    assert_eq!(tags, ["Ny tilgang".to_owned(), format!("Sendt videre {today} av ROLIG PINGVIN")]);
    konsert.client.get(app.url("/language?lang=nn")).send().await.unwrap();
    let nynorsk = konsert.get(&confirm_path(&request)).await.texts("p.tag");
    assert!(nynorsk[0].starts_with("Sendt vidare av ROLIG PINGVIN "), "{nynorsk:?}");
    // Someone who cannot act for the party cannot forward it.
    let dress = app.logged_in(DRESS).await;
    let csrf = dress.get("/accessmanagement/ui/systemuser/overview").await.csrf();
    let refused = dress.refused(ESCALATE, &[("id", request["id"].as_str().unwrap()), ("csrf", &csrf)], &back).await;
    assert_eq!(refused.status, 403, "the page of a party one cannot act for");
    assert!(!refused.texts("[role=alert]").is_empty());
}
