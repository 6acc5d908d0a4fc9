//! The demo cast from the guide (DESIGN.md §7), loaded once into an empty database.
//! Tests and outside checks rely on these identifiers: change them only with the design.

use diesel::{Connection, QueryResult};

use crate::db::parties::{self, NewPartyRole, Organisation, Person};
use crate::db::resources::{self, Resource};
use crate::db::systems::{self, System};
use crate::db::vendor_clients::{self, VendorClient};
use crate::db::{DbConnection, secrets};
use crate::domain::vendor_clients::{SCOPE_REGISTER_WRITE, SCOPE_REQUEST_READ, SCOPE_REQUEST_WRITE, hash_secret};

pub const VENDOR_CLIENT_ID: &str = "demo-smartcloud";
pub const VENDOR_CLIENT_SECRET: &str = "demo-smartcloud-secret";
pub const VENDOR_REDIRECT_URL: &str = "https://smartcloud.example/kvittering";
/// The portal's own stand-in for a vendor's receipt page, under the public base URL; in
/// demo mode every system may redirect there.
pub const DEMO_RECEIPT_PATH: &str = "/demo/kvittering";

/// Role codes a person holds for one organisation.
type Roles = (&'static str, &'static [&'static str]);

/// Persons offered on the demo login page: (identity number, name, roles).
const PERSONS: &[(&str, &str, &[Roles])] = &[
    ("17827510025", "STADIG KONSERT", &[("310000019", &["DAGL"])]),
    ("22857030021", "FORSIKTIG LØVE", &[("310000019", &["TILGANGSSTYRER", "REGNSKAPSFORER"])]),
    ("11929030046", "ROLIG PINGVIN", &[("310000019", &["UTINN"])]),
    ("03868120095", "DRESS MINST", &[("310000027", &["TILGANGSSTYRER", "KLIENTADMINISTRATOR"])]),
];

const ORGANISATIONS: &[(&str, &str)] = &[
    ("310000019", "TILFELDIG SUBTIL APE"),
    ("310000027", "TILBAKEHOLDEN USYMMETRISK TIGER AS"),
    ("310000035", "SMARTCLOUD AS"),
    // Clients of the accounting firm (regnskapsfører relation, added with client support).
    ("310000043", "LYSTIG ROLIG ELG AS"),
    ("310000051", "FREDELIG BLÅ HARE AS"),
    ("310000078", "MODIG LITEN REV AS"),
    ("310000086", "SMIDIG GRØNN ØRN AS"),
    ("310000094", "TRYGG STILLE OTER AS"),
    ("310000108", "KVIKK RUND GAUPE AS"),
    ("310000116", "SPREK HØY ULV AS"),
    ("310000140", "VARSOM MYK BEVER AS"),
    ("310000159", "ÆRLIG BRED SEL AS"),
    ("310000167", "GLAD TYNN MÅKE AS"),
    ("310000175", "STERK LAV HJORT AS"),
    ("310000183", "VAKKER RASK LAKS AS"),
    // A client with only a revisor relation, and an organisation that is no client.
    ("310000124", "NØYE KLOK UGLE AS"),
    ("310000132", "FJERN UKJENT HVAL AS"),
];

/// (id, title, description, roles that grant it)
const RESOURCES: &[(&str, &str, &str, &[&str])] = &[
    (
        "ske-krav-og-betalinger",
        "Krav og betalinger",
        "Se skatte- og avgiftskrav og innbetalinger hos Skatteetaten.",
        &["REGNSKAPSFORER", "DAGL"],
    ),
    ("a-melding", "A-melding", "Sende inn a-melding om lønn og ansatte.", &["LONNSINNSENDER", "DAGL"]),
];

/// (id, name, description, visible to end users, rights)
const SYSTEMS: &[(&str, &str, &str, bool, &[&str])] = &[
    (
        "310000035_smartcloud",
        "SmartCloud",
        "Regnskapssystem som viser skatte- og avgiftskrav.",
        true,
        &["ske-krav-og-betalinger"],
    ),
    (
        "310000035_smartcloud_lonn",
        "SmartCloud Lønn",
        "Lønnssystem som viser krav og sender a-melding.",
        true,
        &["ske-krav-og-betalinger", "a-melding"],
    ),
    (
        "310000035_smartcloud_klient",
        "SmartCloud Klient",
        "Regnskapssystem for regnskapsførere som arbeider for sine klienter.",
        false,
        &[],
    ),
];

/// Loads the demo data unless it is there already; returns true when it loaded it.
pub fn seed(conn: &mut DbConnection) -> QueryResult<bool> {
    conn.transaction(|conn| {
        if secrets::get(conn, "demo_data_version")?.is_some() || parties::count_persons(conn)? > 0 {
            return Ok(false);
        }
        load(conn)?;
        secrets::get_or_insert_with(conn, "demo_data_version", || "1".into())?;
        Ok(true)
    })
}

fn load(conn: &mut DbConnection) -> QueryResult<()> {
    for (org_no, name) in ORGANISATIONS {
        parties::insert_organisation(conn, &Organisation { org_no: (*org_no).into(), name: (*name).into() })?;
    }
    for (pid, name, roles) in PERSONS {
        parties::insert_person(conn, &Person { pid: (*pid).into(), name: (*name).into() })?;
        for (org_no, codes) in *roles {
            for code in *codes {
                parties::insert_role(conn, &NewPartyRole { pid, org_no, role_code: code })?;
            }
        }
    }
    for (id, title, description, grants) in RESOURCES {
        let resource = Resource { id: (*id).into(), title: (*title).into(), description: (*description).into() };
        resources::insert(conn, &resource, grants)?;
    }
    for (id, name, description, visible, rights) in SYSTEMS {
        let system = System {
            id: (*id).into(),
            vendor_org_no: "310000035".into(),
            name: (*name).into(),
            description: (*description).into(),
            is_visible: *visible,
            is_deleted: false,
            created: crate::domain::now(),
        };
        systems::insert(conn, &system, rights, &[VENDOR_REDIRECT_URL])?;
    }
    vendor_clients::insert(
        conn,
        &VendorClient {
            client_id: VENDOR_CLIENT_ID.into(),
            org_no: "310000035".into(),
            secret_hash: hash_secret(VENDOR_CLIENT_SECRET),
            scopes: [SCOPE_REQUEST_READ, SCOPE_REQUEST_WRITE, SCOPE_REGISTER_WRITE].join(" "),
        },
    )
}
