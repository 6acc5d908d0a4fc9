//! A delivery on the wire: the event as a CloudEvents 1.0 event in structured mode, signed
//! as Standard Webhooks specifies (`webhook-id`, `webhook-timestamp`, `webhook-signature`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::value::RawValue;

use crate::db::webhooks::Taken;

/// The body of a delivery: the CloudEvent, its `data` the event as the feed shows it.
pub fn cloud_event(taken: &Taken, source: &str) -> String {
    let data = RawValue::from_string(taken.body.clone()).ok();
    let time = taken.event_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    serde_json::json!({
        "specversion": "1.0",
        "id": taken.event_id,
        "source": source,
        "type": taken.event_type,
        "time": time,
        "subject": taken.subject,
        "datacontenttype": "application/json",
        "data": data,
    })
    .to_string()
}

/// `v1,<base64 of HMAC-SHA256 over "id.timestamp.body">`, keyed with the secret's bytes
/// (the base64 after `whsec_`).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let tag = ring::hmac::sign(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", STANDARD.encode(tag.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification: its secret, id, timestamp and
    /// body give its signature.
    #[test]
    fn signs_as_the_specification_s_example() {
        let signed = signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signed.as_deref(), Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }
}
