//! Vendor systems as end users and vendors see them.

use crate::db::DbConnection;
use crate::db::parties::{Organisation, search_key};
use crate::db::resources::Resource;
use crate::db::systems::{self, System};
use crate::error::AppError;

/// A system with its vendor and the rights it asks for.
#[derive(Debug, Clone)]
pub struct SystemDetails {
    pub system: System,
    pub vendor: Organisation,
    pub rights: Vec<Resource>,
}

/// Visible systems whose name, vendor name or vendor org number contains `query`
/// (case and spaces ignored). An empty query lists them all.
pub fn search_visible(conn: &mut DbConnection, query: &str) -> Result<Vec<(System, Organisation)>, AppError> {
    let needle = search_key(query);
    Ok(systems::visible(conn)?
        .into_iter()
        .filter(|(system, vendor)| {
            needle.is_empty()
                || [&system.name, &vendor.name, &vendor.org_no, &system.id]
                    .iter()
                    .any(|field| search_key(field).contains(&needle))
        })
        .collect())
}

/// A system an end user may choose.
pub fn visible_details(conn: &mut DbConnection, id: &str) -> Result<SystemDetails, AppError> {
    match details(conn, id)? {
        Some(d) if d.system.is_visible => Ok(d),
        _ => Err(AppError::SystemNotFound),
    }
}

/// Any system that has not been deleted.
pub fn details(conn: &mut DbConnection, id: &str) -> Result<Option<SystemDetails>, AppError> {
    let Some((system, vendor)) = systems::find(conn, id)? else {
        return Ok(None);
    };
    let rights = systems::rights(conn, id)?;
    Ok(Some(SystemDetails { system, vendor, rights }))
}

/// The system when it belongs to the vendor; another vendor's system is "not found".
pub fn owned_by(conn: &mut DbConnection, vendor_org_no: &str, id: &str) -> Result<SystemDetails, AppError> {
    match details(conn, id)? {
        Some(d) if d.system.vendor_org_no == vendor_org_no => Ok(d),
        _ => Err(AppError::SystemNotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    #[test]
    fn search_matches_name_vendor_and_org_number_ignoring_case_and_spaces() {
        let mut conn = demo_db();
        let ids = |conn: &mut DbConnection, q: &str| -> Vec<String> {
            search_visible(conn, q).unwrap().into_iter().map(|(s, _)| s.id).collect()
        };
        assert_eq!(ids(&mut conn, "").len(), 2, "the agent system is not chosen by end users");
        assert_eq!(ids(&mut conn, "lønn"), ["310000035_smartcloud_lonn"]);
        assert_eq!(ids(&mut conn, "smartcloud as").len(), 2);
        assert_eq!(ids(&mut conn, "310 000 035").len(), 2);
        assert!(ids(&mut conn, "finnes ikke").is_empty());
    }

    #[test]
    fn another_vendors_system_is_not_found() {
        let mut conn = demo_db();
        assert!(owned_by(&mut conn, "310000035", "310000035_smartcloud").is_ok());
        assert!(matches!(owned_by(&mut conn, "310000019", "310000035_smartcloud"), Err(AppError::SystemNotFound)));
    }
}
