//! Norwegian identifiers with their check digits, so malformed numbers never reach a rule.

use std::fmt;

/// Organisation number: nine digits, the last a mod-11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgNo(String);

/// National identity number (fødselsnummer or D-number), synthetic test numbers included.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pid(String);

fn digits<const N: usize>(raw: &str) -> Option<[u32; N]> {
    let raw = raw.trim();
    if raw.len() != N {
        return None;
    }
    let mut out = [0; N];
    for (slot, c) in out.iter_mut().zip(raw.chars()) {
        *slot = c.to_digit(10)?;
    }
    Some(out)
}

/// The mod-11 check digit for `digits` under `weights`, or None when it would be 10.
fn mod11(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

impl OrgNo {
    pub fn parse(raw: &str) -> Option<Self> {
        let d: [u32; 9] = digits(raw)?;
        (mod11(&d[..8], &[3, 2, 7, 6, 5, 4, 3, 2])? == d[8]).then(|| Self(raw.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Pid {
    pub fn parse(raw: &str) -> Option<Self> {
        let d: [u32; 11] = digits(raw)?;
        let k1 = mod11(&d[..9], &[3, 7, 6, 1, 8, 9, 4, 5, 2])?;
        let k2 = mod11(&d[..10], &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2])?;
        if k1 != d[9] || k2 != d[10] {
            return None;
        }
        // D-numbers add 4 to the first digit; synthetic numbers add 40 or 80 to the month.
        let day = (d[0] % 4) * 10 + d[1];
        let month = (d[2] * 10 + d[3]) % 40;
        ((1..=31).contains(&day) && (1..=12).contains(&month)).then(|| Self(raw.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_organisation_numbers_are_valid() {
        for n in ["310000019", "310000027", "310000035", "310000043", "310000124", "310000132"] {
            assert!(OrgNo::parse(n).is_some(), "{n}");
        }
    }

    #[test]
    fn organisation_numbers_with_wrong_check_digit_length_or_letters_are_refused() {
        for n in ["310000018", "31000001", "3100000190", "31000001a", "", "310 000 019"] {
            assert!(OrgNo::parse(n).is_none(), "{n}");
        }
    }

    #[test]
    fn demo_persons_have_valid_synthetic_numbers() {
        for n in ["17827510025", "22857030021", "11929030046", "03868120095"] {
            assert!(Pid::parse(n).is_some(), "{n}");
        }
    }

    #[test]
    fn identity_numbers_with_a_bad_check_digit_or_date_are_refused() {
        for n in ["17827510026", "1782751002", "00000000000", "1782751002x"] {
            assert!(Pid::parse(n).is_none(), "{n}");
        }
    }
}
