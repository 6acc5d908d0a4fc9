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
    /// What a change does to it ("Fjernes", "Legges til"), on a change request's lists.
    pub change: Option<String>,
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
        change: None,
    });
    let packages = packages.iter().map(|p| Granted {
        title: i.pick(p.names()).to_owned(),
        description: i.pick(p.descriptions()).to_owned(),
        missing: lacks(missing, &p.urn),
        change: None,
    });
    rights.chain(packages).collect()
}

/// What a change does, as two lists: what the access holds today (marked where it is
/// taken away), and what it holds after the change (marked where it is added, and where
/// the person cannot give it).
pub struct Change<'a> {
    pub rights: &'a [Resource],
    pub packages: &'a [AccessPackage],
    pub add_rights: &'a [Resource],
    pub remove_rights: &'a [Resource],
    pub add_packages: &'a [AccessPackage],
    pub remove_packages: &'a [AccessPackage],
}

impl Change<'_> {
    pub fn today_and_after(&self, i: &I18n, missing: &[MissingRight]) -> (Vec<Granted>, Vec<Granted>) {
        let gone = |r: &Resource| self.remove_rights.iter().any(|x| x.id == r.id);
        let gone_package = |p: &AccessPackage| self.remove_packages.iter().any(|x| x.urn == p.urn);
        let mut today = list(i, self.rights, self.packages, &[]);
        let held = self.rights.iter().map(gone).chain(self.packages.iter().map(gone_package));
        for (item, gone) in today.iter_mut().zip(held) {
            item.change = gone.then(|| i.t("change.goes"));
        }
        let kept_rights: Vec<Resource> = self.rights.iter().filter(|r| !gone(r)).cloned().collect();
        let kept_packages: Vec<AccessPackage> = self.packages.iter().filter(|p| !gone_package(p)).cloned().collect();
        let mut after = list(i, &kept_rights, &[], &[]);
        let mut added = list(i, self.add_rights, &[], missing);
        let mut added_packages = list(i, &[], self.add_packages, missing);
        for item in added.iter_mut().chain(added_packages.iter_mut()) {
            item.change = Some(i.t("change.comes"));
        }
        after.append(&mut added);
        after.extend(list(i, &[], &kept_packages, &[]));
        after.append(&mut added_packages);
        (today, after)
    }
}
