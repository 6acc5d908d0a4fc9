//! What a system access may do, as the pages list it: its services or its access
//! packages, each marked where the person cannot give it.

use crate::db::packages::AccessPackage;
use crate::db::resources::Resource;
use crate::domain::delegation::MissingRight;
use crate::i18n::I18n;

pub struct Granted {
    pub title: String,
    pub description: String,
    /// The person lacks the role that gives it (the warning above says which).
    pub missing: bool,
}

fn lacks(missing: &[MissingRight], id: &str) -> bool {
    missing.iter().any(|m| m.id == id)
}

/// The services, then the access packages (a request or access may hold both).
pub fn list(i: &I18n, rights: &[Resource], packages: &[AccessPackage], missing: &[MissingRight]) -> Vec<Granted> {
    let rights = rights.iter().map(|r| Granted {
        title: i.pick(r.titles()).to_owned(),
        description: i.pick(r.descriptions()).to_owned(),
        missing: lacks(missing, &r.id),
    });
    let packages = packages.iter().map(|p| Granted {
        title: i.pick(p.names()).to_owned(),
        description: i.pick(p.descriptions()).to_owned(),
        missing: lacks(missing, &p.urn),
    });
    rights.chain(packages).collect()
}
