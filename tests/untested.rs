//! The last suite `cargo test` runs: it counts the tests that returned early for want of
//! PostgreSQL, Chromium or the test tools (noted by `common::skipped`, outside CI only:
//! in CI they fail instead) and says so on one line, so a green run never hides half.

use std::collections::BTreeMap;

fn main() {
    // Test runners that list the tests first (`cargo nextest`) find none here.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("systemtilgang-not-run-{}", std::os::unix::process::parent_id()));
    let mut why: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if let Some((what, reason)) = text.trim_end().split_once('\t') {
            let counted = why.entry(what.to_owned()).or_insert((0, reason.to_owned()));
            counted.0 += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let total: usize = why.values().map(|(n, _)| n).sum();
    if total == 0 {
        println!("Every test ran: nothing was skipped for want of a database, a browser or a test tool.");
        return;
    }
    eprintln!("\nSKIPPED: {total} tests did not run (with CI=true they fail instead):");
    for (what, (count, reason)) in &why {
        eprintln!("  {count} for want of {what}: {reason}");
    }
    eprintln!();
}
