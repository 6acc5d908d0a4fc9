//! How a refused delegation is explained: each missing right, the roles that grant it,
//! and who in the party can assign those roles.

use super::role_names;
use crate::domain::delegation::MissingRight;
use crate::i18n::I18n;

pub struct MissingRow {
    pub title: String,
    pub roles: String,
}

pub fn rows(i: &I18n, missing: &[MissingRight]) -> Vec<MissingRow> {
    missing
        .iter()
        .map(|m| MissingRow { title: i.pick(m.titles.each_ref()).clone(), roles: role_names(i, &m.granted_by) })
        .collect()
}
