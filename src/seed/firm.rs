//! A large accounting firm for trying the client page at scale (`systemtilgang seed
//! --firm-clients N`), on top of the demo data.

use diesel::{Connection, QueryResult};

use crate::db::parties::{self, NewPartyRole, Organisation, Person};
use crate::db::system_users::{self, SystemUser};
use crate::db::{DbConnection, clients, packages};
use crate::domain::ids;

use super::demo::REGNSKAPSFORER_PACKAGE;

/// A large accounting firm for trying the client page at scale: `clients` generated client
/// organisations with a regnskapsfører relation, an agent system access ready for them,
/// and a client administrator to log in as. Does nothing if the firm exists.
pub fn generate_firm(conn: &mut DbConnection, clients: usize) -> QueryResult<Option<GeneratedFirm>> {
    let firm = ids::org_numbers_from(390_000_000).next().expect("an org number");
    if parties::organisation(conn, &firm)?.is_some() {
        return Ok(None);
    }
    let pid = ids::synthetic_pids(0).next().expect("a synthetic identity number");
    let generated = conn.transaction::<_, diesel::result::Error, _>(|conn| {
        parties::insert_organisation(conn, &Organisation::new(&firm, "STOR OG TRYGG REGNSKAP AS"))?;
        parties::insert_person(conn, &Person::new(&pid, "TRAVEL KLIENTSJEF"))?;
        for role in ["TILGANGSSTYRER", "KLIENTADMINISTRATOR"] {
            parties::insert_role(conn, &NewPartyRole { pid: &pid, org_no: &firm, role_code: role })?;
        }
        const FIRST: [&str; 10] = ["LYS", "MØRK", "RASK", "ROLIG", "STOR", "LITEN", "KLOK", "GLAD", "STILLE", "STERK"];
        const SECOND: [&str; 10] = ["BLÅ", "GRØNN", "RØD", "GUL", "HVIT", "GRÅ", "BRUN", "SVART", "LILLA", "ROSA"];
        const ANIMALS: [&str; 10] = ["ELG", "REV", "ULV", "BJØRN", "HARE", "OTER", "GAUPE", "ØRN", "SEL", "LAKS"];
        for (n, org_no) in ids::org_numbers_from(400_000_000).take(clients).enumerate() {
            let name =
                format!("{} {} {} {} AS", FIRST[n % 10], SECOND[n / 10 % 10], ANIMALS[n / 100 % 10], n / 1000 + 1);
            parties::insert_organisation(conn, &Organisation::new(&org_no, &name))?;
            clients::insert_relation(conn, &firm, &org_no, "REGNSKAPSFORER")?;
        }
        let user = SystemUser {
            id: uuid::Uuid::new_v4().to_string(),
            system_id: "310000035_smartcloud_klient".into(),
            party_org_no: firm.clone(),
            external_ref: firm.clone(),
            user_type: crate::db::kinds::UserType::Agent,
            integration_title: "SmartCloud Klient".into(),
            created: crate::db::now(),
            created_by: pid.clone(),
            deleted_at: None,
            deleted_by: None,
        };
        system_users::insert(conn, &user, &[])?;
        packages::add_to_system_user(conn, &user.id, &[REGNSKAPSFORER_PACKAGE.to_owned()])?;
        Ok(Some(GeneratedFirm { org_no: firm.clone(), pid: pid.clone(), system_user_id: user.id }))
    })?;
    crate::db::refresh_statistics(conn)?;
    Ok(generated)
}

pub struct GeneratedFirm {
    pub org_no: String,
    pub pid: String,
    pub system_user_id: String,
}
