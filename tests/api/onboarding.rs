//! The operator onboards the API's clients: `systemtilgang client …` at the command line
//! (the real binary on the app's database) and the admin API under
//! `/systemtilgang/api/v1/clients`, with the same rules and every change audited.

use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    the_commands_add_list_rotate_rescope_rekey_and_remove_clients,
    the_commands_refuse_what_cannot_be_a_client,
    the_admin_api_onboards_clients_with_problem_details,
);

const CLIENTS: &str = "/systemtilgang/api/v1/clients";
const READ: &str = "altinn:authentication/systemuser.request.read";
const WRITE: &str = "altinn:authentication/systemuser.request.write";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Runs `systemtilgang client …` in production mode with nothing but the database: what
/// it printed, or what it said on failing.
fn client(app: &TestApp, args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_systemtilgang"))
        .args(["--mode", "production", "--database-url", &app.database_url, "client"])
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let (out, err) = (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap());
    if output.status.success() { Ok(out) } else { Err(err) }
}

/// The value of the `secret: …` line.
fn secret_in(printed: &str) -> String {
    let secrets: Vec<&str> = printed.lines().filter_map(|l| l.strip_prefix("secret: ")).collect();
    assert_eq!(secrets.len(), 1, "one secret line: {printed}");
    assert!(secrets[0].len() >= 40, "a long secret: {printed}");
    secrets[0].to_owned()
}

/// What the token endpoint answers the client and secret.
async fn token(app: &TestApp, client_id: &str, secret: &str, scope: Option<&str>) -> (u16, Value) {
    let mut form = vec![("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret)];
    form.extend(scope.map(|s| ("scope", s)));
    let response = app.http.post(app.url("/token")).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// The audited actions about the client, oldest first, with who did them.
fn audited(app: &TestApp, client_id: &str) -> Vec<(String, String)> {
    let events = systemtilgang::db::audit::for_subject(&mut app.db(), client_id).unwrap();
    events.into_iter().map(|e| (e.action, e.actor)).collect()
}

/// A key pair that signs assertions, and its public JWK set written to a file.
fn keys_in_file() -> (Vec<u8>, Value, std::path::PathBuf) {
    let (pkcs8, mut jwk) = outside_key_pair();
    jwk["kid"] = json!("vendor-1");
    let jwks = json!({"keys": [jwk]});
    let file = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, jwks.to_string()).unwrap();
    (pkcs8, jwks, file)
}

/// A jwt-bearer assertion of the client for the app.
fn assertion(app: &TestApp, pkcs8: &[u8], client_id: &str, scope: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"iss": client_id, "aud": app.address, "iat": now, "exp": now + 60,
        "jti": uuid::Uuid::new_v4().to_string(), "scope": scope});
    let header = Header { kid: Some("vendor-1".into()), ..Header::new(Algorithm::ES256) };
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(pkcs8)).unwrap()
}

async fn exchange(app: &TestApp, assertion: &str) -> u16 {
    let form = [("grant_type", JWT_BEARER), ("assertion", assertion)];
    app.http.post(app.url("/token")).form(&form).send().await.unwrap().status().as_u16()
}

async fn the_commands_add_list_rotate_rescope_rekey_and_remove_clients(app: TestApp) {
    let added =
        client(&app, &["add", "--org-no", "310000043", "--client-id", "elg-regnskap", "--name", "Elg Regnskap"])
            .expect_err("a client needs a scope");
    assert!(added.contains("--scope"), "{added}");
    let printed = client(
        &app,
        &[
            "add",
            "--org-no",
            "310000043",
            "--client-id",
            "elg-regnskap",
            "--name",
            "Elg Regnskap",
            "--scope",
            READ,
            "--scope",
            WRITE,
        ],
    )
    .unwrap();
    assert!(
        printed.starts_with(&format!("elg-regnskap of 310000043: scopes {READ} {WRITE}; authenticates with secret"))
    );
    let first = secret_in(&printed);
    let (status, body) = token(&app, "elg-regnskap", &first, None).await;
    assert_eq!((status, body["scope"].as_str()), (200, Some(format!("{READ} {WRITE}").as_str())), "{body}");

    let listed = client(&app, &["list"]).unwrap();
    let header = listed.lines().next().unwrap();
    assert!(header.starts_with("id") && header.ends_with("last used"), "{listed}");
    let row = listed.lines().find(|l| l.starts_with("elg-regnskap ")).unwrap_or_else(|| panic!("{listed}"));
    for cell in ["310000043", "Elg Regnskap", "secret", &chrono::Utc::now().format("%Y-%m-%d").to_string()] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    assert!(!row.ends_with("never"), "it got a token: {row}");
    assert!(!listed.contains(&first), "a secret is shown only when it is made");

    // A new secret: the old one stops working at once.
    let rotated = client(&app, &["rotate-secret", "--client-id", "elg-regnskap"]).unwrap();
    let second = secret_in(&rotated);
    assert_ne!(first, second);
    assert_eq!(token(&app, "elg-regnskap", &first, None).await.0, 401);
    assert_eq!(token(&app, "elg-regnskap", &second, None).await.0, 200);

    // Fewer scopes: what was taken away is no longer given.
    let rescoped = client(&app, &["set-scopes", "--client-id", "elg-regnskap", "--scope", READ]).unwrap();
    assert!(rescoped.contains(&format!("scopes {READ};")), "{rescoped}");
    let (status, body) = token(&app, "elg-regnskap", &second, Some(WRITE)).await;
    assert_eq!((status, &body["error"]), (400, &json!("invalid_scope")));

    // Public keys: it signs assertions from then on.
    let (pkcs8, _, file) = keys_in_file();
    assert_eq!(exchange(&app, &assertion(&app, &pkcs8, "elg-regnskap", READ)).await, 400, "no keys yet");
    let rekeyed = client(&app, &["set-jwks", "--client-id", "elg-regnskap", "--jwks", file.to_str().unwrap()]).unwrap();
    assert!(rekeyed.contains("authenticates with secret and keys"), "{rekeyed}");
    assert_eq!(exchange(&app, &assertion(&app, &pkcs8, "elg-regnskap", READ)).await, 200);

    // A client added with keys gets no secret.
    let keyed = client(
        &app,
        &[
            "add",
            "--org-no",
            "310000043",
            "--client-id",
            "elg-signert",
            "--scope",
            READ,
            "--jwks",
            file.to_str().unwrap(),
        ],
    )
    .unwrap();
    assert!(keyed.contains("authenticates with keys") && !keyed.contains("secret:"), "{keyed}");
    assert_eq!(exchange(&app, &assertion(&app, &pkcs8, "elg-signert", READ)).await, 200);
    std::fs::remove_file(file).unwrap();

    // Removed: neither its secret nor its keys work, and it cannot be removed twice.
    let removed = client(&app, &["remove", "--client-id", "elg-regnskap"]).unwrap();
    assert!(removed.starts_with("Removed elg-regnskap of 310000043"), "{removed}");
    assert_eq!(token(&app, "elg-regnskap", &second, None).await.0, 401);
    assert_eq!(exchange(&app, &assertion(&app, &pkcs8, "elg-regnskap", READ)).await, 400);
    let again = client(&app, &["remove", "--client-id", "elg-regnskap"]).unwrap_err();
    assert!(again.contains("there is no API client elg-regnskap"), "{again}");
    let rotated = client(&app, &["rotate-secret", "--client-id", "elg-regnskap"]).unwrap_err();
    assert!(rotated.contains("there is no API client elg-regnskap"), "{rotated}");

    let actions: Vec<(String, String)> = ["add", "secret", "scopes", "keys", "remove"]
        .iter()
        .map(|a| (format!("apiclient.{a}"), "operator:cli".to_owned()))
        .collect();
    assert_eq!(audited(&app, "elg-regnskap"), actions);
}

async fn the_commands_refuse_what_cannot_be_a_client(app: TestApp) {
    let add = |org: &str, id: &str, scope: &str| {
        client(&app, &["add", "--org-no", org, "--client-id", id, "--scope", scope]).unwrap_err()
    };
    let unknown_org = add("999999999", "nobody", READ);
    assert!(unknown_org.contains("the organisation 999999999 is not in the register"), "{unknown_org}");
    let unknown_scope = add("310000043", "elg", "altinn:made-up");
    assert!(unknown_scope.contains("unknown scope altinn:made-up; the known scopes are"), "{unknown_scope}");
    assert!(
        unknown_scope.contains("altinn:authorization/pdp") && unknown_scope.contains("systemtilgang:clients.admin")
    );
    let taken = add("310000043", "demo-smartcloud", READ);
    assert!(taken.contains("the API client demo-smartcloud exists already"), "{taken}");
    let scopes =
        client(&app, &["set-scopes", "--client-id", "demo-smartcloud", "--scope", "altinn:made-up"]).unwrap_err();
    assert!(scopes.contains("unknown scope altinn:made-up"), "{scopes}");
    let file = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#).unwrap();
    let keys =
        client(&app, &["set-jwks", "--client-id", "demo-smartcloud", "--jwks", file.to_str().unwrap()]).unwrap_err();
    std::fs::remove_file(file).unwrap();
    assert!(!keys.is_empty() && keys.lines().count() == 1, "one clear line: {keys}");
    let missing =
        client(&app, &["set-jwks", "--client-id", "demo-smartcloud", "--jwks", "/no/such/file.json"]).unwrap_err();
    assert!(missing.contains("/no/such/file.json"), "{missing}");

    // A client id a vendor's system holds is that vendor's: not another organisation's.
    let token = app.vendor_token(None).await;
    let system = json!({
        "id": "310000035_mva", "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "SmartCloud MVA"}, "description": {"nb": "Sender mva-melding."},
        "rights": [{"resource": [{"id": "urn:altinn:resource", "value": KRAV}]}],
        "clientId": ["mp-7f3e"], "allowedRedirectUrls": [], "isVisible": true,
    });
    let (status, body) = app.api_post(&token, "/authentication/api/v1/systemregister/vendor", &system).await;
    assert_eq!(status, 200, "{body}");
    let others = add("310000043", "mp-7f3e", READ);
    assert!(others.contains("the client id mp-7f3e is on the system 310000035_mva of another vendor"), "{others}");
    let own = client(&app, &["add", "--org-no", "310000035", "--client-id", "mp-7f3e", "--scope", READ]).unwrap();
    assert!(own.contains("mp-7f3e of 310000035"), "{own}");
    assert!(audited(&app, "nobody").is_empty() && audited(&app, "elg").is_empty(), "nothing refused is audited");
}

async fn admin(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut request = app.http.request(method, app.url(&format!("{CLIENTS}{path}"))).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response.headers().get("content-type").map(|c| c.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, response.json().await.unwrap_or(Value::Null))
}

async fn the_admin_api_onboards_clients_with_problem_details(app: TestApp) {
    use reqwest::Method;
    // The operator's own tooling has a client with the admin scope, made at the command line.
    let printed = client(
        &app,
        &["add", "--org-no", "310000035", "--client-id", "operator-tool", "--scope", "systemtilgang:clients.admin"],
    )
    .unwrap();
    let (_, body) = token(&app, "operator-tool", &secret_in(&printed), None).await;
    let operator = body["access_token"].as_str().unwrap().to_owned();
    // A vendor's token, without the scope, is refused before anything is read.
    let vendor = app.vendor_token(None).await;
    let (status, _, problem) = admin(&app, Method::GET, "", &vendor, None).await;
    assert_eq!((status, &problem["code"]), (403, &json!("AUTH-00044")));

    let new =
        |org: &str, id: &str, scopes: Value| json!({"orgNo": org, "clientId": id, "scopes": scopes, "name": "Elg"});
    let (status, _, added) =
        admin(&app, Method::POST, "", &operator, Some(new("310000043", "elg-api", json!([READ])))).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(
        (&added["clientId"], &added["orgNo"], &added["scopes"], &added["authenticatesWith"]),
        (&json!("elg-api"), &json!("310000043"), &json!([READ]), &json!("secret"))
    );
    let first = added["secret"].as_str().unwrap().to_owned();
    assert_eq!(token(&app, "elg-api", &first, None).await.0, 200);
    let (status, _, listed) = admin(&app, Method::GET, "", &operator, None).await;
    let listed = listed.as_array().unwrap();
    let elg = listed.iter().find(|c| c["clientId"] == "elg-api").unwrap();
    assert!(status == 200 && elg.get("secret").is_none() && elg["lastUsed"].is_string(), "{elg}");
    assert!(listed.iter().any(|c| c["clientId"] == "demo-smartcloud"));

    let (status, _, rotated) = admin(&app, Method::POST, "/elg-api/secret", &operator, None).await;
    assert_eq!(status, 200);
    let second = rotated["secret"].as_str().unwrap();
    assert_eq!(token(&app, "elg-api", &first, None).await.0, 401);
    assert_eq!(token(&app, "elg-api", second, None).await.0, 200);

    let (status, _, rescoped) = admin(&app, Method::PUT, "/elg-api/scopes", &operator, Some(json!([WRITE]))).await;
    assert_eq!(token(&app, "elg-api", second, Some(READ)).await.0, 400, "a scope taken away");
    assert_eq!((status, &rescoped["scopes"]), (200, &json!([WRITE])));
    let (pkcs8, jwks, file) = keys_in_file();
    std::fs::remove_file(file).unwrap();
    let (status, _, rekeyed) = admin(&app, Method::PUT, "/elg-api/jwks", &operator, Some(jwks)).await;
    assert_eq!((status, &rekeyed["authenticatesWith"]), (200, &json!("secret and keys")));
    assert_eq!(exchange(&app, &assertion(&app, &pkcs8, "elg-api", WRITE)).await, 200);
    assert_eq!(exchange(&app, &assertion(&app, &pkcs8, "elg-api", READ)).await, 400, "a scope taken away");

    // A Maskinporten client id on one of SmartCloud's systems is SmartCloud's.
    let system = json!({
        "id": "310000035_mp", "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "SmartCloud MP"}, "description": {"nb": "Med Maskinporten."},
        "rights": [{"resource": [{"id": "urn:altinn:resource", "value": KRAV}]}],
        "clientId": ["mp-9a"], "allowedRedirectUrls": [], "isVisible": true,
    });
    let (status, body) = app.api_post(&vendor, "/authentication/api/v1/systemregister/vendor", &system).await;
    assert_eq!(status, 200, "{body}");
    let problem_of = |(status, kind, body): (u16, String, Value)| {
        assert_eq!(kind, "application/problem+json", "{body}");
        assert_eq!(body["status"], status);
        (
            status,
            body["code"].as_str().unwrap_or_default().to_owned(),
            body["detail"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let refusals = [
        (new("999999999", "x", json!([READ])), 400, "STG-00034", "the organisation 999999999 is not in the register"),
        (new("310000043", "x", json!(["made-up"])), 400, "STG-00035", "unknown scope made-up; the known scopes are"),
        (new("310000043", "x", json!([])), 400, "STG-00035", "no scope was given"),
        (new("310000043", "elg-api", json!([READ])), 409, "STG-00037", "the API client elg-api exists already"),
        (
            new("310000043", "mp-9a", json!([READ])),
            409,
            "STG-00038",
            "the client id mp-9a is on the system 310000035_mp",
        ),
        (new("310000043", " ", json!([READ])), 400, "STG-00400", "the client id must be given"),
    ];
    for (body, status, code, detail) in refusals {
        let (got, got_code, got_detail) =
            problem_of(admin(&app, Method::POST, "", &operator, Some(body.clone())).await);
        assert_eq!((got, got_code.as_str()), (status, code), "{body}");
        assert!(got_detail.contains(detail), "{got_detail}");
    }
    let (status, code, _) =
        problem_of(admin(&app, Method::PUT, "/elg-api/scopes", &operator, Some(json!(["made-up"]))).await);
    assert_eq!((status, code.as_str()), (400, "STG-00035"));
    let bad_keys = json!({"keys": [{"kty": "oct", "k": URL_SAFE_NO_PAD.encode("secret")}]});
    let (status, _, _) = problem_of(admin(&app, Method::PUT, "/elg-api/jwks", &operator, Some(bad_keys)).await);
    assert_eq!(status, 400);

    let (status, _, _) = admin(&app, Method::DELETE, "/elg-api", &operator, None).await;
    assert_eq!(status, 204);
    assert_eq!(token(&app, "elg-api", second, None).await.0, 401);
    for (method, path, body) in [
        (Method::DELETE, "/elg-api", None),
        (Method::POST, "/elg-api/secret", None),
        (Method::PUT, "/elg-api/scopes", Some(json!([READ]))),
    ] {
        let (status, code, detail) = problem_of(admin(&app, method.clone(), path, &operator, body).await);
        assert_eq!(
            (status, code.as_str(), detail.as_str()),
            (404, "STG-00036", "there is no API client elg-api"),
            "{method} {path}"
        );
    }
    let by = "operator:operator-tool".to_owned();
    let actions = ["add", "secret", "scopes", "keys", "remove"].map(|a| (format!("apiclient.{a}"), by.clone()));
    assert_eq!(audited(&app, "elg-api"), actions);
}
