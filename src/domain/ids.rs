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

/// Valid organisation numbers from `start` upwards, for generated test data.
pub fn org_numbers_from(start: u32) -> impl Iterator<Item = String> {
    (start / 10..).filter_map(|base| (0..10).map(|d| format!("{base}{d}")).find(|n| OrgNo::parse(n).is_some()))
}

/// Valid synthetic identity numbers (month + 80, so never a real person's) for people
/// born from 1 January of `from_year` (00–99) on, for generated test data.
pub fn synthetic_pids(from_year: u32) -> impl Iterator<Item = String> {
    (from_year..100)
        .flat_map(|year| (81..=92u32).flat_map(move |month| (1..=28u32).map(move |day| [day, month, year])))
        .flat_map(|[day, month, year]| {
            (0..1000u32).filter_map(move |individual| {
                let d = [day / 10, day % 10, month / 10, month % 10, year / 10, year % 10];
                let d = [d[0], d[1], d[2], d[3], d[4], d[5], individual / 100, individual / 10 % 10, individual % 10];
                let k1 = mod11(&d, &[3, 7, 6, 1, 8, 9, 4, 5, 2])?;
                let with_k1 = [d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], k1];
                let k2 = mod11(&with_k1, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2])?;
                Some(format!("{day:02}{month:02}{year:02}{individual:03}{k1}{k2}"))
            })
        })
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
    fn generated_numbers_are_valid_and_distinct() {
        let pids: Vec<String> = synthetic_pids(50).take(5000).collect();
        assert!(pids.iter().all(|p| Pid::parse(p).is_some()), "every one passes the check digits");
        assert_eq!(pids.iter().collect::<std::collections::BTreeSet<_>>().len(), 5000);
        assert!(org_numbers_from(500_000_000).take(100).all(|o| OrgNo::parse(&o).is_some()));
    }

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
