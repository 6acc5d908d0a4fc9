//! The party's people and roles: finding a person by number and surname, giving and
//! removing the roles given in the portal, and who may do which.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    the_daglig_leder_gives_a_role_and_the_guides_loop_closes,
    a_change_is_for_the_party_the_page_was_shown_for,
    guessing_people_is_soon_stopped,
    a_large_organisation_lists_its_first_hundred_people,
    a_tilgangsstyrer_passes_on_only_what_she_holds,
    the_finding_form_says_what_is_wrong_and_keeps_what_was_typed,
    only_access_managers_reach_people_and_forms_need_their_token,
    giving_a_role_given_at_the_same_moment_is_nothing,
);

const USERS: &str = "/accessmanagement/ui/users";
const FIND: &str = "/accessmanagement/ui/users/find";
const APPROVE: &str = "/accessmanagement/ui/systemuser/request/approve";

/// Finds the person by number and surname as the form does; the path of their roles page.
async fn find(browser: &Browser, pid: &str, surname: &str) -> String {
    let csrf = browser.get(USERS).await.csrf();
    let found = browser.post(FIND, &[("csrf", &csrf), ("pid", pid), ("surname", surname)]).await;
    assert_eq!(found.status, 303, "{}", found.text());
    found.location.unwrap()
}

async fn the_daglig_leder_gives_a_role_and_the_guides_loop_closes(app: TestApp) {
    let request = app.create_request(SMARTCLOUD_LONN, &[KRAV, A_MELDING], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let love = app.logged_in(LOVE).await;
    assert!(!love.get(&confirm_path(&request)).await.has_form(APPROVE), "she lacks lønnsinnsender");

    let konsert = app.logged_in(KONSERT).await;
    let overview = konsert.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(overview.texts(".menu__link"), ["Brukere og roller", "Aktivitetslogg"]);
    let people = konsert.get(USERS).await;
    assert_eq!(people.status, 200);
    assert_eq!(people.texts(".crumbs li"), ["Systemtilganger", "Brukere og roller"]);
    assert_eq!(
        people.texts(".list__item"),
        [
            "FORSIKTIG LØVE Tilgangsstyrer og Regnskapsfører",
            "ROLIG PINGVIN Utfyller/innsender",
            "STADIG KONSERT Daglig leder",
        ]
    );

    let path = find(&konsert, LOVE, "Løve").await;
    let page = konsert.get(&path).await;
    assert_eq!(page.texts("h1"), ["FORSIKTIG LØVE"]);
    assert_eq!(page.texts(".crumbs li"), ["Systemtilganger", "Brukere og roller", "FORSIKTIG LØVE"]);
    assert_eq!(page.texts("#register-heading ~ ul li"), ["Regnskapsfører"], "shown, not editable");
    assert!(!page.body.contains("value=\"REGNSKAPSFORER\""));
    // The page's first form to give is Hovedadministrator's: given, then removed again.
    let given = konsert.submit(&path, &format!("{path}/give")).await;
    assert_eq!(given.status, 303);
    let csrf = page.csrf();
    let removed = konsert.post(&format!("{path}/remove"), &[("csrf", &csrf), ("role", "HADM"), ("party", APE)]).await;
    assert_eq!(removed.location, Some(format!("{path}#notice")));
    let answer =
        konsert.post(&format!("{path}/give"), &[("csrf", &csrf), ("role", "LONNSINNSENDER"), ("party", APE)]).await;
    assert_eq!(answer.location, Some(format!("{path}#notice")));
    let after = konsert.follow(&answer).await;
    assert_eq!(after.texts("#notice[role=status]"), ["Rollen Lønnsinnsender er gitt."]);
    assert!(konsert.get(&path).await.texts("#notice").is_empty(), "said once");
    let held: Vec<String> = after.texts(".list__item--row").into_iter().filter(|r| r.contains("Har rollen")).collect();
    assert_eq!(held.len(), 2, "{held:?}");
    assert!(held[0].starts_with("Tilgangsstyrer Har rollen") && held[1].starts_with("Lønnsinnsender Har rollen"));
    let history = after.texts("#history li");
    assert_eq!(history.len(), 3, "{history:?}");
    assert!(history[0].starts_with("Rollen Hovedadministrator gitt av STADIG KONSERT"), "{history:?}");
    assert!(history[1].starts_with("Rollen Hovedadministrator fjernet av STADIG KONSERT"), "{history:?}");
    assert!(history[2].starts_with("Rollen Lønnsinnsender gitt av STADIG KONSERT"), "{history:?}");

    // She now approves SmartCloud Lønn herself.
    let done = love.submit(&confirm_path(&request), APPROVE).await;
    assert_eq!(done.location.as_deref(), Some(RECEIPT));
    assert_eq!(app.request_status(id).await, "Accepted");
}

async fn a_tilgangsstyrer_passes_on_only_what_she_holds(app: TestApp) {
    let love = app.logged_in(LOVE).await;
    let path = find(&love, PINGVIN, "pingvin").await;
    let page = love.get(&path).await;
    let give = format!("{path}/give");
    let fields = page.form_fields(&give).expect("a form to give what she holds");
    assert!(fields.contains(&("role".to_owned(), "TILGANGSSTYRER".to_owned())), "{fields:?}");
    assert_eq!(page.body.matches(&format!("action=\"{give}\"")).count(), 1, "one role she may give");
    assert_eq!(page.texts(".role__why").len(), 4, "the others say who can give them: {:?}", page.texts(".role__why"));
    let csrf = page.csrf();
    for role in ["LONNSINNSENDER", "HADM", "DAGL", "REGNSKAPSFORER"] {
        let forged = love.refused(&give, &[("csrf", &csrf), ("role", role), ("party", APE)], &path).await;
        assert!(forged.texts("#notice[role=alert]")[0].contains("Du kan ikke gi eller fjerne denne rollen"), "{role}");
    }
    assert_eq!(love.post(&give, &[("csrf", &csrf), ("role", "NOPE"), ("party", APE)]).await.status, 400);

    // Her own roles page: she cannot remove what she holds.
    let own = find(&love, LOVE, "LØVE").await;
    let page = love.get(&own).await;
    assert!(!page.has_form(&format!("{own}/remove")));
    assert!(page.texts(".role__why").contains(&"Du kan ikke fjerne dine egne roller.".to_owned()));
    let forged = love
        .refused(&format!("{own}/remove"), &[("csrf", &csrf), ("role", "TILGANGSSTYRER"), ("party", APE)], &own)
        .await;
    assert!(
        forged.texts("#notice[role=alert]")[0].contains("Du kan ikke fjerne dine egne roller"),
        "{}",
        forged.text()
    );
    assert!(love.get(USERS).await.status == 200, "still an access manager");

    let given = love.post(&give, &[("csrf", &csrf), ("role", "TILGANGSSTYRER"), ("party", APE)]).await;
    assert_eq!(given.status, 303);
    // ROLIG PINGVIN now manages access and sees the people.
    let pingvin = app.logged_in(PINGVIN).await;
    assert_eq!(pingvin.get(USERS).await.status, 200);
}

async fn the_finding_form_says_what_is_wrong_and_keeps_what_was_typed(app: TestApp) {
    let konsert = app.logged_in(KONSERT).await;
    let csrf = konsert.get(USERS).await.csrf();
    let unknown = systemtilgang::domain::ids::synthetic_pids(0).nth(5).unwrap();
    for (pid, surname, says) in [
        ("12345", "Løve", "Fødselsnummeret er ikke gyldig"),
        ("22857030022", "Løve", "Fødselsnummeret er ikke gyldig"),
        (LOVE, "Forsiktig", "Vi fant ingen person med dette fødselsnummeret og etternavnet"),
        (&unknown, "Skilpadde", "Vi fant ingen person med dette fødselsnummeret og etternavnet"),
    ] {
        // Back to the list at the form (post/redirect/get), with what was typed.
        let page = konsert.refused(FIND, &[("csrf", &csrf), ("pid", pid), ("surname", surname)], USERS).await;
        assert!(page.texts("#notice[role=alert]")[0].contains(says), "{pid} {surname}: {}", page.text());
        let fields = page.form_fields(FIND).unwrap();
        assert!(fields.contains(&("pid".to_owned(), pid.to_owned())), "kept: {fields:?}");
        assert!(fields.contains(&("surname".to_owned(), surname.to_owned())), "kept: {fields:?}");
        assert_eq!(page.texts("#find-pid[aria-invalid=true]").len(), 1);
        assert_eq!(page.texts(".list__item").len(), 3, "the people are still listed");
    }
    assert_eq!(konsert.get(&format!("{USERS}/00000000-0000-4000-8000-000000000000")).await.status, 404);
    // Someone known with no role here yet is found, to be given one.
    let path = find(&konsert, SKILPADDE, "tapper skilpadde").await;
    let page = konsert.get(&path).await;
    assert_eq!(page.texts("h1"), ["SMIDIG TAPPER SKILPADDE"]);
    assert!(page.texts(".tag").is_empty(), "no role held here");
}

async fn only_access_managers_reach_people_and_forms_need_their_token(app: TestApp) {
    let pingvin = app.logged_in(PINGVIN).await;
    let overview = pingvin.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(overview.texts(".menu__link").is_empty(), "no way in for an employee");
    let page = pingvin.get(USERS).await;
    assert_eq!(page.status, 403);
    assert!(page.text().contains("Du har ikke rettighetene som trengs"), "{}", page.text());
    let refused = pingvin.post(FIND, &[("csrf", &overview.csrf()), ("pid", LOVE), ("surname", "Løve")]).await;
    assert_eq!(refused.status, 403, "an employee cannot look people up");

    let konsert = app.logged_in(KONSERT).await;
    let path = find(&konsert, PINGVIN, "Pingvin").await;
    let forged =
        konsert.post(&format!("{path}/give"), &[("csrf", "forged"), ("role", "LONNSINNSENDER"), ("party", APE)]).await;
    assert_eq!(forged.status, 303, "sent back, told nothing was done");
    let page = konsert.get(&path).await;
    assert!(!page.text().contains("Lønnsinnsender Har rollen"), "nothing given by a forged form");
    assert!(page.texts(".empty").iter().any(|t| t.contains("Ingen roller er gitt eller fjernet her ennå")));
    let anonymous = app.browser();
    let login = anonymous.get(USERS).await;
    assert_eq!(login.location.as_deref(), Some("/login?next=%2Faccessmanagement%2Fui%2Fusers"));
}

async fn a_change_is_for_the_party_the_page_was_shown_for(app: TestApp) {
    app.grant_role(KONSERT, TIGER, "DAGL");
    let konsert = app.logged_in(KONSERT).await;
    let csrf = konsert.get(USERS).await.csrf();
    assert_eq!(konsert.post("/accessmanagement/ui/party", &[("csrf", &csrf), ("org_no", APE)]).await.status, 303);
    let path = find(&konsert, PINGVIN, "Pingvin").await;
    let page = konsert.get(&path).await;
    let give = format!("{path}/give");
    let mut fields = page.form_fields(&give).unwrap();
    fields.retain(|(name, _)| name != "role");
    fields.push(("role".into(), "LONNSINNSENDER".into()));
    assert!(fields.contains(&("party".into(), APE.into())), "{fields:?}");
    // Meanwhile, in another tab, he switches to the accounting firm.
    let switched = konsert.post("/accessmanagement/ui/party", &[("csrf", &page.csrf()), ("org_no", TIGER)]).await;
    assert_eq!(switched.status, 303);
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // A change refused (a register role is not given here) leaves the session where it was.
    let refused: Vec<(&str, &str)> =
        form.iter().map(|&(k, v)| if k == "role" { (k, "DAGL") } else { (k, v) }).collect();
    konsert.refused(&give, &refused, &path).await;
    let header = konsert.get("/accessmanagement/ui/systemuser/overview").await.texts("header");
    assert!(header[0].contains("TILBAKEHOLDEN USYMMETRISK TIGER AS"), "still the firm: {header:?}");
    let given = konsert.post(&give, &form).await;
    assert_eq!(given.status, 303, "{}", given.text());
    let roles = app.db_roles(PINGVIN);
    assert!(roles.contains(&(APE.to_owned(), "LONNSINNSENDER".to_owned())), "{roles:?}");
    assert!(!roles.iter().any(|(org, _)| org == TIGER), "nothing given in the other party: {roles:?}");
}

async fn guessing_people_is_soon_stopped(app: TestApp) {
    let konsert = app.logged_in(KONSERT).await;
    let csrf = konsert.get(USERS).await.csrf();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(konsert.post(FIND, &[("csrf", &csrf), ("pid", LOVE), ("surname", "Gjetning")]).await.status);
    }
    assert_eq!(statuses[..10], [303; 10], "back to the form each time: {statuses:?}");
    assert_eq!(statuses[10..], [429, 429], "{statuses:?}");
    let right = konsert.post(FIND, &[("csrf", &csrf), ("pid", LOVE), ("surname", "Løve")]).await;
    assert_eq!(right.status, 429, "not even the right answer, for a while");
    // Someone else is not held up (`find` asserts the way on to the person).
    let love = app.logged_in(LOVE).await;
    find(&love, PINGVIN, "Pingvin").await;
}

async fn a_large_organisation_lists_its_first_hundred_people(app: TestApp) {
    let mut conn = app.db();
    for (n, pid) in systemtilgang::domain::ids::synthetic_pids(30).take(105).enumerate() {
        let person = systemtilgang::db::parties::Person::new(&pid, &format!("ANSATT {n:03}"));
        systemtilgang::db::parties::insert_person(&mut conn, &person).unwrap();
        app.grant_role(&pid, APE, "UTINN");
    }
    let konsert = app.logged_in(KONSERT).await;
    let page = konsert.get(USERS).await;
    let listed = page.texts("#members-heading ~ ul .list__item");
    assert_eq!(listed.len(), 100);
    assert_eq!(listed[0], "ANSATT 000 Utfyller/innsender", "by name");
    assert!(
        page.text()
            .contains("Viser de 100 første av 108 personer. Finn de andre med fødselsnummer og etternavn nedenfor."),
        "{}",
        page.text()
    );
}

/// Two managers (or one in two tabs) giving the same role at the same moment: each is
/// told it is given, the person holds it once, and the history says so once.
async fn giving_a_role_given_at_the_same_moment_is_nothing(app: TestApp) {
    let mut tabs = Vec::new();
    for _ in 0..6 {
        tabs.push(app.logged_in(KONSERT).await);
    }
    let path = find(&tabs[0], LOVE, "Løve").await;
    let mut csrfs = Vec::new();
    for tab in &tabs {
        csrfs.push(tab.get(&path).await.csrf());
    }
    for (round, action) in ["give", "remove"].into_iter().cycle().take(16).enumerate() {
        let mut sent = tokio::task::JoinSet::new();
        for (tab, csrf) in tabs.iter().zip(&csrfs) {
            let (client, url, csrf) = (tab.client.clone(), format!("{}{path}/{action}", tab.base), csrf.clone());
            sent.spawn(async move {
                let form = [("csrf", csrf.as_str()), ("role", "LONNSINNSENDER"), ("party", APE)];
                let answer = client.post(url).form(&form).send().await.unwrap();
                (answer.status().as_u16(), answer.text().await.unwrap())
            });
        }
        while let Some(done) = sent.join_next().await {
            let (status, body) = done.unwrap();
            assert_eq!(status, 303, "round {round} ({action}): {body}");
        }
        let held = app.db_roles(LOVE).iter().filter(|(org, code)| org == APE && code == "LONNSINNSENDER").count();
        assert_eq!(held, usize::from(action == "give"), "round {round}");
    }
    let history = tabs[0].get(&path).await.texts("#history li");
    assert_eq!(history.len(), 16, "one entry a change, never two: {history:?}");
}
