//! Production from an empty database: the register loaded by `systemtilgang import`, a
//! vendor with an outside (Maskinporten) token, people logging in at the OpenID provider,
//! and the guide's journey to an approved system access; then the register changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::*;
use crate::oidc_login::login_at_provider;
use crate::on_both_backends;
use crate::provider;

on_both_backends!(from_an_empty_database_the_register_loads_and_the_guides_journey_completes);

const ISSUER: &str = "https://maskinporten.test/";
const AUDIENCE: &str = "https://systemtilgang.test/";
const USERS: &str = "/accessmanagement/ui/users";

/// Runs `systemtilgang import` on the app's database; what it prints.
fn import(app: &TestApp, file: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_systemtilgang"))
        .args(["--database-url", &app.database_url, "import"])
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// A token of the outside issuer for SMARTCLOUD AS.
fn maskinporten(pkcs8: &[u8]) -> String {
    let now = chrono::Utc::now().timestamp();
    let scopes = [
        "altinn:authentication/systemregister.write",
        "altinn:authentication/systemuser.request.write",
        "altinn:authentication/systemuser.request.read",
    ];
    let claims = json!({
        "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, "client_id": "maskinporten-client",
        "scope": scopes.join(" "), "consumer": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
    });
    let header = Header { kid: Some("mp-1".into()), ..Header::new(Algorithm::ES256) };
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(pkcs8)).unwrap()
}

async fn logged_in_at_provider(app: &TestApp, pid: &str, next: &str) -> Browser {
    let browser = app.browser();
    let (_, answer) = login_at_provider(app, &browser, pid, next).await;
    assert_eq!(answer.status, 303, "{}", answer.text());
    browser
}

/// Gives the person found by number and surname each of `roles`; their page's path.
async fn give(browser: &Browser, pid: &str, surname: &str, roles: &[&str]) -> String {
    let csrf = browser.get(USERS).await.csrf();
    let found = browser.post(&format!("{USERS}/find"), &[("csrf", &csrf), ("pid", pid), ("surname", surname)]).await;
    let path = found.location.expect("found");
    for role in roles {
        let given = browser.post(&format!("{path}/give"), &[("csrf", &csrf), ("role", role), ("party", APE)]).await;
        assert_eq!(given.status, 303, "{role}: {}", given.text());
    }
    path
}

async fn from_an_empty_database_the_register_loads_and_the_guides_journey_completes(app: TestApp) {
    let Some(issuer) = provider::issuer() else { return };
    let (pkcs8, jwk) = outside_key_pair();
    let jwks = serve_jwks(json!({"keys": [jwk]}));
    let production = move |c: &mut systemtilgang::app::config::Config| {
        c.mode = systemtilgang::app::config::Mode::Production;
        c.cookie_key = Some(vec![7; 64]);
        c.oidc = Some(provider::settings(issuer));
        c.trusted_issuer = Some(systemtilgang::auth::trusted_issuer::TrustedIssuerSettings {
            issuer: ISSUER.into(),
            jwks_url: jwks,
            audience: Some(AUDIENCE.into()),
        });
    };
    let Some(app) = TestApp::spawn_with(app.backend, production).await else { return };
    // An empty portal: nobody can log in, there is nothing to ask for.
    let stranger = app.browser();
    let (_, unknown) = login_at_provider(&app, &stranger, KONSERT, "/").await;
    assert_eq!(unknown.status, 403, "not known before the import");

    let register = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/register/guide.jsonl");
    let printed = import(&app, &register);
    assert!(printed.contains("13 new, 0 changed, 0 unchanged; roles: 5 added, 0 removed"), "{printed}");

    // The vendor registers SmartCloud Lønn and asks TILFELDIG SUBTIL APE for access.
    let token = maskinporten(&pkcs8);
    let rights = [KRAV, A_MELDING].map(|r| json!({"resource": [{"id": "urn:altinn:resource", "value": r}]}));
    let system = json!({
        "id": SMARTCLOUD_LONN,
        "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "SmartCloud Lønn", "nn": "SmartCloud Løn", "en": "SmartCloud Payroll"},
        "description": {"nb": "Lønnssystem.", "nn": "Lønssystem.", "en": "Payroll system."},
        "rights": rights,
        "clientId": ["maskinporten-client"],
        "allowedRedirectUrls": [RECEIPT],
        "isVisible": true,
    });
    let (status, body) = app.api_post(&token, "/authentication/api/v1/systemregister/vendor", &system).await;
    assert_eq!(status, 200, "{body}");
    let ask = |external_ref: &str| {
        let mut body = request_body(SMARTCLOUD_LONN, APE, &[KRAV, A_MELDING], Some(RECEIPT));
        body["externalRef"] = json!(external_ref);
        body
    };
    let (status, request) =
        app.api_post(&token, "/authentication/api/v1/systemuser/request/vendor", &ask("lonn")).await;
    assert_eq!(status, 201, "{request}");
    let status_of = |request: &Value| {
        let path = format!("/authentication/api/v1/systemuser/request/vendor/{}", request["id"].as_str().unwrap());
        let (app, token) = (&app, &token);
        async move { app.api_get(token, &path).await.1["status"].clone() }
    };

    // The daglig leder, from the register, gives FORSIKTIG LØVE the roles she lacks.
    let konsert = logged_in_at_provider(&app, KONSERT, USERS).await;
    let people = konsert.get(USERS).await;
    assert_eq!(people.texts(".list__item"), ["FORSIKTIG LØVE Regnskapsfører", "STADIG KONSERT Daglig leder"]);
    let love_page = give(&konsert, LOVE, "Løve", &["TILGANGSSTYRER", "LONNSINNSENDER"]).await;

    // She approves.
    let love = logged_in_at_provider(&app, LOVE, &confirm_path(&request)).await;
    love.submit(&confirm_path(&request), "/accessmanagement/ui/systemuser/request/approve").await;
    assert_eq!(status_of(&request).await, "Accepted");

    // The register changes: she is no longer the company's regnskapsfører.
    let changed: PathBuf = std::env::temp_dir().join(format!("register-{}.jsonl", uuid::Uuid::new_v4()));
    let text = std::fs::read_to_string(&register).unwrap();
    let text = text.replace(r#",{"role":"REGN","pid":"22857030021","name":"FORSIKTIG LØVE"}"#, "");
    assert_ne!(text, std::fs::read_to_string(&register).unwrap(), "her role was in the file");
    std::fs::write(&changed, text).unwrap();
    let printed = import(&app, &changed);
    std::fs::remove_file(&changed).unwrap();
    assert!(printed.contains("0 new, 0 changed, 12 unchanged; roles: 0 added, 1 removed"), "{printed}");
    let history = konsert.get(&love_page).await.texts("#history li");
    assert!(history.last().unwrap().starts_with("Rollen Regnskapsfører fjernet av Enhetsregisteret"), "{history:?}");
    // What she may approve follows: a new request for the same rights is beyond her now.
    let (_, second) = app.api_post(&token, "/authentication/api/v1/systemuser/request/vendor", &ask("avdeling")).await;
    let page = love.get(&confirm_path(&second)).await;
    assert!(!page.has_form("/accessmanagement/ui/systemuser/request/approve"), "{}", page.text());
    assert!(
        page.text().contains("Krav og betalinger – gis med rollen Regnskapsfører eller Daglig leder"),
        "{}",
        page.text()
    );
}
