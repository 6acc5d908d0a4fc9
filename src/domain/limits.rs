//! How long what vendors send may be: room for any real value, too little for anything
//! they send to swell the database, a page or a header.

use crate::error::AppError;

/// Identifiers and references: system ids, external references, client ids, resource
/// ids, access package URNs, correlation ids.
pub const ID: usize = 255;
/// Names and titles.
pub const TITLE: usize = 255;
pub const DESCRIPTION: usize = 4000;
pub const URL: usize = 2048;

/// Refuses a value longer than `max` characters, naming the field.
pub fn check(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    if value.chars().count() > max {
        return Err(AppError::BadRequest(format!("{field} may be at most {max} characters long")));
    }
    Ok(())
}

/// [`check`] for each of several values.
pub fn check_each<'a>(field: &str, values: impl IntoIterator<Item = &'a String>, max: usize) -> Result<(), AppError> {
    values.into_iter().try_for_each(|value| check(field, value, max))
}

/// A URL as it is stored and later sent in a `Location` header: parsed and written out
/// again (scheme and host in lower case, no stray whitespace, percent-encoded), or
/// refused.
pub fn normalized_url(field: &str, raw: &str) -> Result<String, AppError> {
    check(field, raw, URL)?;
    let url = url::Url::parse(raw.trim()).map_err(|e| AppError::BadRequest(format!("{field} is not a URL: {e}")))?;
    let written = url.to_string();
    check(field, &written, URL)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_stored_as_written_out_again_and_long_values_refused() {
        assert_eq!(
            normalized_url("redirectUrl", "  HTTPS://SmartCloud.Example/kvittering?x=1 ").unwrap(),
            "https://smartcloud.example/kvittering?x=1"
        );
        assert_eq!(
            normalized_url("redirectUrl", "https:smartcloud.example/k").unwrap(),
            "https://smartcloud.example/k"
        );
        assert!(normalized_url("redirectUrl", "/relative").is_err());
        let long = format!("https://smartcloud.example/?q={}", "x".repeat(URL));
        assert!(matches!(normalized_url("redirectUrl", &long), Err(AppError::BadRequest(m)) if m.contains("2048")));
        assert!(check("externalRef", &"é".repeat(ID), ID).is_ok());
        assert!(check("externalRef", &"é".repeat(ID + 1), ID).is_err());
    }
}
