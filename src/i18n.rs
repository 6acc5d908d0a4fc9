//! User-facing texts. Every string lives in `locales/app.yml`; pages ask for them by key
//! through [`I18n`], so a new language is a new column in that file.

use std::borrow::Cow;
use std::fmt::Display;

/// The languages of the portal: bokmål (the default), nynorsk and English.
pub const LANGUAGES: [&str; 3] = ["nb", "nn", "en"];

tokio::task_local! {
    /// The language chosen for the request being answered (see [`choose`]).
    static CURRENT: &'static str;
}

/// The language a page is rendered in. Bokmål is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I18n {
    lang: &'static str,
}

/// Runs `work` with `lang` as the language of everything it renders.
pub async fn with_language<F: std::future::Future>(lang: &'static str, work: F) -> F::Output {
    CURRENT.scope(lang, work).await
}

/// The language for a visitor: the one they chose (cookie), else the first of their
/// browser's languages we have (Norwegian without a variant is bokmål), else bokmål.
pub fn choose(cookie: Option<&str>, accept_language: Option<&str>) -> &'static str {
    if let Some(chosen) = cookie.and_then(|c| LANGUAGES.into_iter().find(|l| *l == c)) {
        return chosen;
    }
    let mut wanted: Vec<(f32, &str)> = accept_language
        .unwrap_or_default()
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
            Some((q, tag))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted
        .into_iter()
        .find_map(|(_, tag)| {
            let primary = tag.split('-').next()?.to_ascii_lowercase();
            match primary.as_str() {
                "nb" | "no" => Some("nb"),
                "nn" => Some("nn"),
                "en" => Some("en"),
                _ => None,
            }
        })
        .unwrap_or("nb")
}

impl I18n {
    /// The text in this language from bokmål, nynorsk and English, as data such as
    /// services and packages carry them; bokmål where the language's is missing.
    pub fn pick<S: AsRef<str>>(&self, texts: [S; 3]) -> S {
        let [nb, nn, en] = texts;
        let chosen = match self.lang {
            "nn" => nn,
            "en" => en,
            _ => return nb,
        };
        if chosen.as_ref().is_empty() { nb } else { chosen }
    }

    /// The language of the request being answered (bokmål outside a request).
    pub fn current() -> Self {
        Self { lang: CURRENT.try_with(|l| *l).unwrap_or("nb") }
    }
    /// Each language with its own name, for the language menu.
    pub fn languages(&self) -> [(&'static str, &'static str); 3] {
        [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")]
    }

    /// Whether the page is in the language `code`.
    pub fn is(&self, code: &str) -> bool {
        self.lang == code
    }

    /// The BCP 47 tag for the page's `lang` attribute.
    pub fn lang(&self) -> &'static str {
        self.lang
    }

    pub fn t(&self, key: &str) -> String {
        let text: Cow<'_, str> = rust_i18n::t!(key, locale = self.lang);
        text.into_owned()
    }

    /// A text with `%{0}` replaced by `a`.
    pub fn t1(&self, key: &str, a: impl Display) -> String {
        self.t(key).replace("%{0}", &a.to_string())
    }

    /// A text with `%{0}` and `%{1}` replaced by `a` and `b`.
    pub fn t2(&self, key: &str, a: impl Display, b: impl Display) -> String {
        self.t1(key, a).replace("%{1}", &b.to_string())
    }

    /// A text with `%{0}`, `%{1}` and `%{2}` replaced by `a`, `b` and `c`.
    pub fn t3(&self, key: &str, a: impl Display, b: impl Display, c: impl Display) -> String {
        self.t2(key, a, b).replace("%{2}", &c.to_string())
    }

    /// A text about `n` things, in the singular (`<key>.one`) for one: `%{0}` is the number
    /// and `%{1}`, `%{2}`, … the rest in order.
    pub fn count(&self, key: &str, n: i64, rest: &[&str]) -> String {
        let text = if n == 1 { self.t(&format!("{key}.one")) } else { self.t(key) };
        let text = text.replace("%{0}", &n.to_string());
        rest.iter().enumerate().fold(text, |text, (at, value)| text.replace(&format!("%{{{}}}", at + 1), value))
    }

    /// A moment as Norway's clock showed it, in the page's language:
    /// `26. november 2026 kl. 15:49`, `26 November 2026 at 15:49`.
    pub fn datetime(&self, at: &chrono::NaiveDateTime) -> String {
        use chrono::Timelike;
        let local = oslo(at);
        let at_word = if self.lang == "en" { "at" } else { "kl." };
        format!("{} {at_word} {:02}:{:02}", self.day(&local), local.hour(), local.minute())
    }

    /// The day of a moment on Norway's clock: `26. november 2026`, `26 November 2026`.
    pub fn date(&self, at: &chrono::NaiveDateTime) -> String {
        self.day(&oslo(at))
    }

    // Formatted by hand: chrono parses a strftime pattern on every call and knows no
    // Norwegian month names, and lists show many dates.
    fn day(&self, local: &chrono::NaiveDateTime) -> String {
        use chrono::Datelike;
        let month = local.month0() as usize;
        match self.lang {
            "en" => format!("{} {} {}", local.day(), MONTHS_EN[month], local.year()),
            _ => format!("{}. {} {}", local.day(), MONTHS_NO[month], local.year()),
        }
    }
}

/// The months as bokmål and nynorsk write them (the same in both), and in English.
const MONTHS_NO: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The UTC moment a day begins on Norway's clock (for periods asked for by dates).
pub fn start_of_day_in_norway(day: chrono::NaiveDate) -> chrono::NaiveDateTime {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    // The offset an hour before: the day's own, as no switch happens at midnight.
    let guess = midnight - chrono::TimeDelta::hours(1);
    midnight - (oslo(&guess) - guess)
}

/// A UTC moment (as stored) on Norway's clock: UTC+1, and UTC+2 in summer time, which
/// runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
/// October (the EU's rule, which Norway follows). One zone and one rule do not call for a
/// time-zone database.
fn oslo(utc: &chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
    let switch = |month: u32| {
        let last = NaiveDate::from_ymd_opt(utc.year(), month, 31).unwrap_or_default();
        let back = last.weekday().days_since(Weekday::Sun);
        (last - TimeDelta::days(back.into())).and_hms_opt(1, 0, 0).unwrap_or_default()
    };
    let summer = *utc >= switch(3) && *utc < switch(10);
    *utc + TimeDelta::hours(if summer { 2 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys passed as string literals to `t`, `t1` or `t2` in a source text.
    fn literal_keys(source: &str) -> Vec<String> {
        let mut keys = Vec::new();
        // Literal keys handed to the text functions, and the error texts' keys.
        for call in [".t(\"", ".t1(\"", ".t2(\"", "=> \"error."] {
            for (at, _) in source.match_indices(call) {
                let rest = &source[at + call.len()..];
                if let Some(end) = rest.find('"') {
                    let prefix = if call.ends_with("error.") { "error." } else { "" };
                    keys.push(format!("{prefix}{}", &rest[..end]));
                }
            }
        }
        keys
    }

    fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_key_used_in_code_and_templates_has_a_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_under(&root.join("src"), &mut files);
        files_under(&root.join("templates"), &mut files);
        let i = I18n::current();
        let mut checked = 0;
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for key in literal_keys(&source) {
                assert_ne!(i.t(&key), key, "{}: no text for {key}", file.display());
                checked += 1;
            }
        }
        assert!(checked > 50, "found only {checked} keys: is the scan broken?");
    }

    #[test]
    fn no_key_is_written_twice() {
        let source = include_str!("../locales/app.yml");
        let mut seen = std::collections::BTreeSet::new();
        for key in source.lines().filter(|l| !l.starts_with([' ', '#', '_']) && l.ends_with(':')) {
            assert!(seen.insert(key), "{key} is written twice; the last one would win");
        }
        assert!(seen.len() > 50);
    }

    #[test]
    fn the_language_follows_the_choice_then_the_browser_then_bokmal() {
        assert_eq!(choose(Some("en"), Some("nb")), "en");
        assert_eq!(choose(Some("xx"), Some("nn-NO, en;q=0.5")), "nn");
        assert_eq!(choose(None, Some("de, en;q=0.8, nn;q=0.9")), "nn");
        assert_eq!(choose(None, Some("no")), "nb");
        assert_eq!(choose(None, Some("de")), "nb");
        assert_eq!(choose(None, None), "nb");
    }

    #[test]
    fn every_key_has_every_language() {
        let source = include_str!("../locales/app.yml");
        let mut key = None;
        let mut langs: Vec<&str> = Vec::new();
        let check = |key: Option<&str>, langs: &[&str]| {
            if let Some(key) = key {
                assert_eq!(langs, LANGUAGES, "{key} lacks a language");
            }
        };
        for line in source.lines() {
            if !line.starts_with([' ', '#', '_']) && line.ends_with(':') {
                check(key, &langs);
                key = Some(line);
                langs.clear();
            } else if let Some(lang) = line.trim_start().split(':').next().filter(|_| line.starts_with("  ")) {
                langs.push(lang);
            }
        }
        check(key, &langs);
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn moments_are_written_in_the_language_on_norways_clock() {
        let at = utc(2026, 11, 26, 14, 49);
        assert_eq!(I18n { lang: "nb" }.datetime(&at), "26. november 2026 kl. 15:49");
        assert_eq!(I18n { lang: "nn" }.date(&at), "26. november 2026");
        assert_eq!(I18n { lang: "en" }.datetime(&at), "26 November 2026 at 15:49");
        // Late in the evening UTC is the next day in Norway.
        assert_eq!(I18n { lang: "nb" }.date(&utc(2026, 12, 31, 23, 30)), "1. januar 2027");
    }

    #[test]
    fn summer_time_starts_and_ends_on_the_last_sundays_of_march_and_october() {
        let i = I18n { lang: "nb" };
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(i.datetime(&utc(2026, 3, 29, 0, 59)), "29. mars 2026 kl. 01:59");
        assert_eq!(i.datetime(&utc(2026, 3, 29, 1, 0)), "29. mars 2026 kl. 03:00");
        assert_eq!(i.datetime(&utc(2026, 10, 25, 0, 59)), "25. oktober 2026 kl. 02:59");
        assert_eq!(i.datetime(&utc(2026, 10, 25, 1, 0)), "25. oktober 2026 kl. 02:00");
        assert_eq!(i.datetime(&utc(2026, 7, 1, 12, 0)), "1. juli 2026 kl. 14:00");
    }
}
