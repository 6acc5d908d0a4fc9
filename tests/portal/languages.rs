//! Pages in nynorsk and English carry no text left in bokmål: every page state people
//! reach on the guide's journeys is read in both languages and searched for each text of
//! `locales/app.yml` that exists only in bokmål.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(nynorsk_and_english_pages_show_no_bokmål);

/// The texts of one key, per language, from our own locale file.
struct Texts {
    key: String,
    nb: String,
    nn: String,
    en: String,
}

fn locale_texts() -> Vec<Texts> {
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/app.yml")).unwrap();
    let mut all: Vec<Texts> = Vec::new();
    for line in file.lines() {
        if !line.starts_with(' ') && line.ends_with(':') && !line.starts_with('_') {
            all.push(Texts { key: line.trim_end_matches(':').to_owned(), nb: "".into(), nn: "".into(), en: "".into() });
        } else if let (Some(texts), Some((lang, text))) = (all.last_mut(), line.trim().split_once(": ")) {
            let text = text.trim_matches('"').replace("\\\"", "\"");
            match lang {
                "nb" => texts.nb = text,
                "nn" => texts.nn = text,
                "en" => texts.en = text,
                _ => {}
            }
        }
    }
    all
}

/// Pieces of bokmål text that would show a slip: each text's parts between its
/// placeholders, long enough to be telling, found in no nynorsk or English text.
fn bokmål_only(texts: &[Texts]) -> Vec<(String, String)> {
    let others: Vec<&str> = texts.iter().flat_map(|t| [t.nn.as_str(), t.en.as_str()]).collect();
    let mut pieces = Vec::new();
    for t in texts {
        for piece in t.nb.split("%{").map(|p| p.split_once('}').map_or(p, |(_, rest)| rest)) {
            let piece = piece.trim().trim_end_matches(['.', ':', ',']).trim();
            if piece.chars().count() >= 12 && !others.iter().any(|o| o.contains(piece)) {
                pieces.push((t.key.clone(), piece.to_owned()));
            }
        }
    }
    pieces
}

/// The bokmål names and descriptions of systems, services and access packages in the
/// database that differ from both their nynorsk and English ones.
fn bokmål_data(app: &TestApp) -> Vec<(String, String)> {
    use diesel::prelude::*;
    use systemtilgang::db::schema::{access_packages as p, resources as r, systems as s};
    let mut conn = app.db();
    type Row = (String, String, String, String, String, String);
    let mut rows: Vec<Row> = s::table
        .select((s::name, s::name_nn, s::name_en, s::description, s::description_nn, s::description_en))
        .load(&mut conn)
        .unwrap();
    rows.extend(
        r::table
            .select((r::title, r::title_nn, r::title_en, r::description, r::description_nn, r::description_en))
            .load::<Row>(&mut conn)
            .unwrap(),
    );
    rows.extend(
        p::table
            .select((p::name, p::name_nn, p::name_en, p::description, p::description_nn, p::description_en))
            .load::<Row>(&mut conn)
            .unwrap(),
    );
    rows.into_iter()
        .flat_map(|(name, name_nn, name_en, text, text_nn, text_en)| {
            [(name, name_nn, name_en), (text, text_nn, text_en)]
        })
        .filter(|(nb, nn, en)| nb.chars().count() >= 12 && !nn.contains(nb.as_str()) && !en.contains(nb.as_str()))
        .map(|(nb, _, _)| ("(data)".to_owned(), nb))
        .collect()
}

async fn nynorsk_and_english_pages_show_no_bokmål(app: TestApp) {
    let texts = locale_texts();
    assert!(texts.len() > 200, "the locale file was read ({} keys)", texts.len());
    let mut slips = bokmål_only(&texts);
    slips.extend(bokmål_data(&app));
    assert!(slips.iter().any(|(_, p)| p == "Regnskapsfører med signeringsrettighet"), "data is searched too");
    assert!(slips.iter().any(|(_, p)| p == "Forespørsler som venter på svar"), "the search would see a slip");

    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let request_page = format!("/accessmanagement/ui/systemuser/request?id={}", request["id"].as_str().unwrap());
    let approved = app.create_request(SMARTCLOUD_LONN, &[A_MELDING], None).await;
    let agent = app.approved_agent("310000035_smartcloud_klient", &[PACKAGE], DRESS).await;
    let konsert = app.logged_in(KONSERT).await;
    konsert
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={}", approved["id"].as_str().unwrap()),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    let overview = konsert.get("/accessmanagement/ui/systemuser/overview").await;
    let details = overview
        .html()
        .select(&scraper::Selector::parse("a[href^='/accessmanagement/ui/systemuser/']").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .find(|href| !href.contains('?') && !href.ends_with("/overview") && !href.ends_with("/create"))
        .expect("a link to the approved access")
        .to_owned();
    let dress = app.logged_in(DRESS).await;
    let pingvin = app.logged_in(PINGVIN).await;
    let clients = format!("/accessmanagement/ui/systemuser/{agent}/agentdelegation");
    let love = systemtilgang::db::parties::person(&mut app.db(), LOVE).unwrap().unwrap();
    let roles = format!("/accessmanagement/ui/users/{}", love.party_uuid);
    let visits: [(&Browser, &str); 15] = [
        (&konsert, "/accessmanagement/ui/systemuser/overview"),
        (&konsert, &request_page),
        (&konsert, "/accessmanagement/ui/systemuser/create"),
        (&konsert, "/accessmanagement/ui/systemuser/create?system=310000035_smartcloud"),
        (&konsert, &details),
        (&konsert, "/accessmanagement/ui/systemuser/unknown-page"),
        (&konsert, "/accessmanagement/ui/users"),
        (&konsert, &roles),
        (&pingvin, "/accessmanagement/ui/systemuser/overview"),
        (&pingvin, &request_page),
        (&dress, &clients),
        (&dress, &format!("{clients}?q=ugle")),
        (&dress, &format!("{clients}?show=refused")),
        (&dress, &format!("{clients}/addall")),
        (&dress, "/login"),
    ];
    for lang in ["nn", "en"] {
        for browser in [&konsert, &dress, &pingvin] {
            browser.client.get(app.url(&format!("/language?lang={lang}"))).send().await.unwrap();
        }
        for (browser, path) in visits {
            let text = browser.get(path).await.text();
            let shown: Vec<&(String, String)> = slips.iter().filter(|(_, piece)| text.contains(piece)).collect();
            assert!(shown.is_empty(), "{lang} {path} shows bokmål: {shown:?}\n{text}");
        }
    }
    // English, as the loop left it: one match is one client, not "1–1 of 1 clients".
    let one = dress.get(&format!("{clients}?q=lystig")).await.text();
    assert!(one.contains("Showing 1 client ") && !one.contains("1–1"), "{one}");
}

const PACKAGE: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";
