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

/// Whether a name or title shows what it holds: no control character, and none of the
/// characters that are invisible or turn the direction of text (`AS \u{202e}KOOBECAF`
/// shows as "AS FACEBOOK"), with which one organisation could pass for another on an
/// approval page.
pub fn is_visible_text(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() || is_invisible(c))
}

/// Unicode's format characters (bidirectional marks, embeddings, overrides and
/// isolates; zero-width spaces and joiners; the byte order mark; tags), the line and
/// paragraph separators, and the fillers that show as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Refuses a name or title longer than `max` characters, or one that does not show what
/// it holds ([`is_visible_text`]), naming the field.
pub fn check_name(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    check(field, value, max)?;
    match is_visible_text(value) {
        true => Ok(()),
        false => Err(AppError::BadRequest(format!(
            "{field} may not hold control characters, nor invisible or direction-changing ones"
        ))),
    }
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
    fn names_that_hide_or_turn_their_text_are_refused() {
        for shown in
            ["TILFELDIG SUBTIL APE", "SMIDIG TAPPER SKILPADDE", "Ærlig Øl & Å-bakst AS", "Lønn – Trondheim", "東京 AS"]
        {
            assert!(is_visible_text(shown), "{shown}");
        }
        for hidden in [
            "AS \u{202e}KOOBECAF",
            "TIGER\u{200b}AS",
            "A\u{2028}B",
            "A\u{2066}B\u{2069}",
            "\u{feff}APE",
            "A\u{ad}B",
            "A\u{e0041}",
            "A\tB",
            "A\u{85}B",
        ] {
            assert!(!is_visible_text(hidden), "{hidden:?}");
        }
        assert!(
            matches!(check_name("name", "TIGER\u{200b}AS", TITLE), Err(AppError::BadRequest(m)) if m.starts_with("name"))
        );
    }

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
