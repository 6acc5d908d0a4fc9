//! Production from an empty database: the operator's walk-through of README's "Running in
//! production" with the real binary (migrate, import, `client add`, serve); the register
//! loaded by `systemtilgang import`, a vendor with an outside (Maskinporten) token, people
//! logging in at the OpenID provider, and the guide's journey to an approved system
//! access; then the register changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::*;
use crate::oidc_login::login_at_provider;
use crate::on_both_backends;
use crate::provider;

on_both_backends!(from_an_empty_database_the_register_loads_and_the_guides_journey_completes);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operators_walk_through_on_postgres() {
    walk_through(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operators_walk_through_on_sqlite() {
    walk_through(Backend::Sqlite).await;
}

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
    let (_, answer) = login_at_provider(&browser, pid, next).await;
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
    let (_, unknown) = login_at_provider(&stranger, KONSERT, "/").await;
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

/// The operator's command line (its words split at spaces) on the database, in production
/// mode with only the database settings; what it printed.
fn operator(database_url: &str, command: &str) -> String {
    let args: Vec<&str> = command.split_whitespace().collect();
    let output = Command::new(env!("CARGO_BIN_EXE_systemtilgang"))
        .args(["--mode", "production", "--database-url", database_url])
        .args(&args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// README's "Running in production", step by step, as the operator, a vendor, a person
/// and a service owner go through it: nothing set up but by the binary's commands.
async fn walk_through(backend: Backend) {
    use base64::Engine;
    let Some(issuer) = provider::issuer() else { return };
    let Some(database) = EmptyDatabase::new(backend).await else { return };
    let url = database.url.as_str();

    // 1. The schema, then the register (the guide's cast and Skatteetaten).
    assert!(operator(url, "migrate").contains("The database is up to date."));
    let register = std::env::temp_dir().join(format!("register-{}.jsonl", uuid::Uuid::new_v4()));
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/register/guide.jsonl")).unwrap();
    let skatteetaten = r#"{"type":"organisation","orgNo":"974761076","name":"SKATTEETATEN","orgForm":"ORGL"}"#;
    std::fs::write(&register, format!("{guide}{skatteetaten}\n")).unwrap();
    let imported = operator(url, &format!("import {}", register.display()));
    std::fs::remove_file(&register).unwrap();
    assert!(imported.contains("14 new, 0 changed, 0 unchanged"), "{imported}");

    // 2. The vendor's admin client and the service owner's, each with a secret shown once.
    let secret = |printed: &str| printed.lines().find_map(|l| l.strip_prefix("secret: ")).expect(printed).to_owned();
    let vendor_secret = secret(&operator(
        url,
        "client add --org-no 310000035 --client-id smartcloud-admin --name SmartCloud \
         --scope altinn:authentication/systemregister.write \
         --scope altinn:authentication/systemuser.request.write \
         --scope altinn:authentication/systemuser.request.read",
    ));
    let service_secret = secret(&operator(
        url,
        "client add --org-no 974761076 --client-id skatteetaten --scope altinn:authorization/authorize",
    ));

    // 3. The portal in production mode, logging people in at the OpenID provider.
    let cookie_key = base64::engine::general_purpose::STANDARD.encode([42u8; 64]);
    let served = Served::start(
        &["--mode", "production", "--database-url", url],
        &[
            ("SYSTEMTILGANG_COOKIE_KEY", cookie_key.as_str()),
            ("SYSTEMTILGANG_OIDC_ISSUER", issuer),
            ("SYSTEMTILGANG_OIDC_CLIENT_ID", provider::CLIENT_ID),
            ("SYSTEMTILGANG_OIDC_CLIENT_SECRET", provider::CLIENT_SECRET),
        ],
    );
    let http = reqwest::Client::new();
    let token = |form: Vec<(&'static str, String)>| {
        let request = http.post(format!("{}/token", served.url)).form(&form);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            assert_eq!(status, 200, "{body}");
            body["access_token"].as_str().unwrap().to_owned()
        }
    };
    let secret_form = |id: &str, secret: &str| {
        vec![("grant_type", "client_credentials".into()), ("client_id", id.into()), ("client_secret", secret.into())]
    };
    let call = |method: reqwest::Method, path: &str, token: &str, body: &Value| {
        let request = http.request(method, format!("{}{path}", served.url)).bearer_auth(token).json(body);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    // 4. The vendor registers SmartCloud with a Maskinporten-style client of its own (an id
    //    nobody here has seen), and asks TILFELDIG SUBTIL APE for access.
    let vendor = token(secret_form("smartcloud-admin", &vendor_secret)).await;
    let system = json!({
        "id": SMARTCLOUD, "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "SmartCloud"}, "description": {"nb": "Regnskapssystem."},
        "rights": [{"resource": [{"id": "urn:altinn:resource", "value": KRAV}]}],
        "clientId": ["smartcloud-mp-7c21"], "allowedRedirectUrls": [RECEIPT], "isVisible": true,
    });
    let post = reqwest::Method::POST;
    let (status, body) = call(post.clone(), "/authentication/api/v1/systemregister/vendor", &vendor, &system).await;
    assert_eq!(status, 200, "{body}");
    let (status, request) = call(
        post.clone(),
        "/authentication/api/v1/systemuser/request/vendor",
        &vendor,
        &request_body(SMARTCLOUD, APE, &[KRAV], Some(RECEIPT)),
    )
    .await;
    assert_eq!(status, 201, "{request}");
    let confirm = request["confirmUrl"].as_str().unwrap();
    assert!(confirm.starts_with(&served.url), "{confirm}");

    // 5. STADIG KONSERT, daglig leder in the register, logs in at the provider and approves.
    let browser = Browser {
        base: served.url.clone(),
        client: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    };
    let page = &confirm[served.url.len()..];
    let (_, answer) = login_at_provider(&browser, KONSERT, page).await;
    assert_eq!(answer.status, 303, "{}", answer.text());
    let approved = browser.submit(page, "/accessmanagement/ui/systemuser/request/approve").await;
    // Production logs out after a decision on the vendor's link, at the provider too.
    assert!(approved.location.as_deref().is_some_and(|l| l.starts_with(issuer)), "{}", approved.text());
    let path = format!("/authentication/api/v1/systemuser/request/vendor/{}", request["id"].as_str().unwrap());
    let (_, now) = call(reqwest::Method::GET, &path, &vendor, &Value::Null).await;
    assert_eq!(now["status"], "Accepted", "{now}");

    // 6. The system's own client, now added for the vendor with its public keys, gets a
    //    system user token with a signed assertion.
    let (pkcs8, jwk) = outside_key_pair();
    let keys = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&keys, json!({"keys": [jwk]}).to_string()).unwrap();
    let added = operator(
        url,
        &format!(
            "client add --org-no 310000035 --client-id smartcloud-mp-7c21 \
             --scope altinn:authentication/systemuser.request.read --jwks {}",
            keys.display()
        ),
    );
    std::fs::remove_file(&keys).unwrap();
    assert!(added.contains("authenticates with keys"), "{added}");
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": "smartcloud-mp-7c21", "aud": served.url, "iat": now, "exp": now + 60,
        "jti": uuid::Uuid::new_v4().to_string(),
        "authorization_details": [{"type": "urn:altinn:systemuser",
            "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{APE}")}}],
    });
    let header = Header { kid: Some("mp-1".into()), ..Header::new(Algorithm::ES256) };
    let assertion = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(&pkcs8)).unwrap();
    let system_user_token =
        token(vec![("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer".into()), ("assertion", assertion)])
            .await;
    let payload = system_user_token.split('.').nth(1).unwrap();
    let claims: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let system_user = claims["authorization_details"][0]["systemuser_id"][0].as_str().unwrap().to_owned();

    // 7. Skatteetaten asks whether that system user may read Krav og betalinger for the
    //    company: yes; A-melding, which nobody gave it: no.
    let service = token(secret_form("skatteetaten", &service_secret)).await;
    for (resource, decision) in [(KRAV, "Permit"), (A_MELDING, "NotApplicable")] {
        let asked = xacml_for_system_user(&system_user, resource, "read", APE);
        let (status, body) = call(post.clone(), "/authorization/api/v1/authorize", &service, &asked).await;
        assert_eq!((status, &body["response"][0]["decision"]), (200, &json!(decision)), "{resource}: {body}");
    }
    let listed = operator(url, "client list");
    let used = listed.lines().filter(|l| !l.ends_with("never")).count();
    assert_eq!(used, 4, "the header and the three clients that got tokens:\n{listed}");
    served.stop();
}
