//! Small helpers that both front-ends and the rules below them use: encoding, random
//! bytes, comparing and hashing secrets, and peeking at a JWT. This module imports
//! nothing of the crate, so anything may use it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    SystemRandom::new().fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

/// Compares without stopping at the first difference, so timing tells nothing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Client secrets are long random strings, so a plain SHA-256 is enough to keep them
/// out of the database in clear text.
pub fn hash_secret(secret: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The issuer claim of a JWT, read before its signature can be checked (the issuer
/// decides which key checks it). Never trust it further than that.
pub fn unverified_issuer(token: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Issuer {
        iss: String,
    }
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<Issuer>(&bytes).ok().map(|i| i.iss)
}

/// A name as Norwegians sort it, for comparing byte by byte: Æ, Ø and Å (and Ä, Ö, which
/// sort with them) become the characters right after Z (and æ, ø, å those after z), so
/// they come after Z in that order instead of Å first. The migration `client_order`
/// computes the same key in SQL.
pub fn sort_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'Æ' | 'Ä' => '[',
            'Ø' | 'Ö' => '\\',
            'Å' => ']',
            'æ' | 'ä' => '{',
            'ø' | 'ö' => '|',
            'å' => '}',
            c => c,
        })
        .collect()
}
