//! The token endpoint under attack: failed authentications are limited per client and
//! address, credentials come one way only, and correct clients keep getting tokens.

use serde_json::Value;

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    guessing_secrets_is_slowed_down_and_others_keep_working,
    credentials_come_one_way_only,
    behind_a_proxy_a_forged_forwarding_header_does_not_reset_the_count,
);

async fn token(app: &TestApp, client: &str, secret: &str) -> (u16, Option<String>, Value) {
    let form = [("grant_type", "client_credentials"), ("client_id", client), ("client_secret", secret)];
    let response = app.http.post(app.url("/token")).form(&form).send().await.unwrap();
    let status = response.status().as_u16();
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap())
}

async fn guessing_secrets_is_slowed_down_and_others_keep_working(app: TestApp) {
    let mut first_refusal = None;
    for attempt in 0..40 {
        let (status, retry, body) = token(&app, "demo-smartcloud", &format!("guess-{attempt}")).await;
        match status {
            401 => assert_eq!(body["error"], "invalid_client"),
            429 => {
                assert_eq!(body["error"], "temporarily_unavailable");
                let secs: u64 = retry.expect("Retry-After").parse().unwrap();
                assert!((1..=60).contains(&secs), "{secs}");
                first_refusal.get_or_insert(attempt);
            }
            other => panic!("attempt {attempt}: {other} {body}"),
        }
    }
    let first = first_refusal.expect("guessing is refused before 40 attempts");
    assert!((5..=15).contains(&first), "refused from attempt {first}");
    // While refused, even the right secret waits: the guesser learns nothing.
    assert_eq!(token(&app, "demo-smartcloud", "demo-smartcloud-secret").await.0, 429);
    // Another client from the same address is not held up.
    let (status, _, body) = token(&app, "demo-smartcloud-lonn", "demo-smartcloud-secret").await;
    assert_eq!(status, 200, "{body}");
}

async fn credentials_come_one_way_only(app: TestApp) {
    let response = app
        .http
        .post(app.url("/token"))
        .basic_auth("demo-smartcloud", Some("demo-smartcloud-secret"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-smartcloud-lonn"),
            ("client_secret", "demo-smartcloud-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request", "{body}");
    let basic_only = app
        .http
        .post(app.url("/token"))
        .basic_auth("demo-smartcloud", Some("demo-smartcloud-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(basic_only.status(), 200);
}

/// Behind one proxy, the address counted is the one the proxy appended: what the client
/// puts left of it in `X-Forwarded-For`, or sends as `Forwarded`, changes nothing.
async fn behind_a_proxy_a_forged_forwarding_header_does_not_reset_the_count(app: TestApp) {
    let app = app
        .node_with(|c| {
            c.proxies = systemtilgang::auth::proxy::Proxies::Trusted {
                count: 1,
                header: systemtilgang::auth::proxy::ProxyHeader::XForwardedFor,
            }
        })
        .await;
    let attempt = |forged: String, client_address: &'static str| {
        let form = [("grant_type", "client_credentials"), ("client_id", "demo-smartcloud"), ("client_secret", "guess")];
        app.http
            .post(app.url("/token"))
            .header("X-Forwarded-For", format!("{forged}, {client_address}"))
            .header("Forwarded", format!("for={forged}"))
            .form(&form)
            .send()
    };
    let mut statuses = Vec::new();
    for n in 0..40 {
        statuses
            .push(attempt(format!("10.9.{}.{}", n / 250, n % 250), "198.51.100.7").await.unwrap().status().as_u16());
    }
    let first = statuses.iter().position(|s| *s == 429).expect("the guesser is refused however it forges the header");
    assert!((5..=15).contains(&first), "refused from attempt {first}: {statuses:?}");
    // Someone else behind the same proxy is not held up.
    let other = attempt("10.9.9.9".into(), "198.51.100.8").await.unwrap();
    assert_eq!(other.status(), 401);
}
