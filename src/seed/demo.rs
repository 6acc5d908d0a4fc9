//! The demo cast from the guide (docs/design.md §7), loaded once into an empty database.
//! Tests and outside checks rely on these identifiers: change them only with the design.

use diesel::QueryResult;

use crate::auth::scopes;
use crate::db::clients;
use crate::db::packages::{self, AccessPackage};
use crate::db::parties::{self, NewPartyRole, Organisation, Person};
use crate::db::resources::{self, Resource};
use crate::db::systems::{self, System};
use crate::db::vendor_clients::{self, VendorClient};
use crate::db::{DbConnection, secrets};
use crate::support::hash_secret;

pub const VENDOR_CLIENT_ID: &str = "demo-smartcloud";
pub const VENDOR_CLIENT_SECRET: &str = "demo-smartcloud-secret";
pub const VENDOR_REDIRECT_URL: &str = "https://smartcloud.example/kvittering";
/// The portal's own stand-in for a vendor's receipt page, under the public base URL; in
/// demo mode every system with redirect URLs of its own may also redirect there.
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

/// A text in bokmål, nynorsk and English.
type Texts = [&'static str; 3];

/// The demo's services: id, titles, descriptions, the roles that grant them, the actions
/// they offer.
const RESOURCES: &[(&str, Texts, Texts, &[&str], &str)] = &[
    (
        "ske-krav-og-betalinger",
        ["Krav og betalinger", "Krav og betalingar", "Claims and payments"],
        [
            "Se skatte- og avgiftskrav og innbetalinger hos Skatteetaten.",
            "Sjå skatte- og avgiftskrav og innbetalingar hos Skatteetaten.",
            "See tax and duty claims and payments at the Norwegian Tax Administration.",
        ],
        &["REGNSKAPSFORER", "DAGL"],
        "read",
    ),
    (
        "a-melding",
        ["A-melding", "A-melding", "A-melding (payroll report)"],
        [
            "Sende inn a-melding om lønn og ansatte.",
            "Sende inn a-melding om løn og tilsette.",
            "File the a-melding on pay and employees.",
        ],
        &["LONNSINNSENDER", "DAGL"],
        "read,write",
    ),
];

/// A system of the demo vendor.
struct DemoSystem {
    id: &'static str,
    /// Bokmål, nynorsk, English.
    names: [&'static str; 3],
    descriptions: [&'static str; 3],
    visible: bool,
    rights: &'static [&'static str],
    /// The OAuth2 client that acts as this system when it asks for system user tokens.
    client_id: &'static str,
}

const SYSTEMS: &[DemoSystem] = &[
    DemoSystem {
        id: "310000035_smartcloud",
        names: ["SmartCloud", "SmartCloud", "SmartCloud"],
        descriptions: [
            "Regnskapssystem som viser skatte- og avgiftskrav.",
            "Rekneskapssystem som viser skatte- og avgiftskrav.",
            "Accounting system that shows tax and duty claims.",
        ],
        visible: true,
        rights: &["ske-krav-og-betalinger"],
        client_id: VENDOR_CLIENT_ID,
    },
    DemoSystem {
        id: "310000035_smartcloud_lonn",
        names: ["SmartCloud Lønn", "SmartCloud Løn", "SmartCloud Payroll"],
        descriptions: [
            "Lønnssystem som viser krav og sender a-melding.",
            "Lønssystem som viser krav og sender a-melding.",
            "Payroll system that shows claims and files the a-melding.",
        ],
        visible: true,
        rights: &["ske-krav-og-betalinger", "a-melding"],
        client_id: "demo-smartcloud-lonn",
    },
    DemoSystem {
        id: "310000035_smartcloud_klient",
        names: ["SmartCloud Klient", "SmartCloud Klient", "SmartCloud Client"],
        descriptions: [
            "Regnskapssystem for regnskapsførere som arbeider for sine klienter.",
            "Rekneskapssystem for rekneskapsførarar som arbeider for klientane sine.",
            "Accounting system for accountants working for their clients.",
        ],
        visible: false,
        rights: &[],
        client_id: "demo-smartcloud-klient",
    },
];

/// The public service (API provider) that asks for decisions, and its client.
const SERVICE_ORG: &str = "974761076";
pub const SERVICE_CLIENT_ID: &str = "demo-skatteetaten";
pub const SERVICE_CLIENT_SECRET: &str = "demo-skatteetaten-secret";

/// The accounting firm of the guide, its clients and the agent system's package.
const FIRM: &str = "310000027";
pub(super) const REGNSKAPSFORER_PACKAGE: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";

/// (urn, names, descriptions).
const PACKAGES: &[(&str, Texts, Texts)] = &[
    (
        REGNSKAPSFORER_PACKAGE,
        [
            "Regnskapsfører med signeringsrettighet",
            "Rekneskapsførar med signeringsrett",
            "Accountant with signing rights",
        ],
        [
            "Føre regnskap og signere for klienten, blant annet se krav og betalinger og sende a-melding.",
            "Føre rekneskap og signere for klienten, mellom anna sjå krav og betalingar og sende a-melding.",
            "Keep the client's accounts and sign for it, among other things see claims and payments and \
             file the a-melding.",
        ],
    ),
    (
        "urn:altinn:accesspackage:regnskapsforer-uten-signeringsrettighet",
        [
            "Regnskapsfører uten signeringsrettighet",
            "Rekneskapsførar utan signeringsrett",
            "Accountant without signing rights",
        ],
        [
            "Føre regnskap for klienten uten å signere på klientens vegne.",
            "Føre rekneskap for klienten utan å signere på vegner av klienten.",
            "Keep the client's accounts without signing on its behalf.",
        ],
    ),
    (
        "urn:altinn:accesspackage:ansvarlig-revisor",
        ["Ansvarlig revisor", "Ansvarleg revisor", "Responsible auditor"],
        [
            "Revidere klientens regnskap og signere revisjonsberetningen.",
            "Revidere rekneskapen til klienten og signere revisjonsmeldinga.",
            "Audit the client's accounts and sign the auditor's report.",
        ],
    ),
];

/// Which packages each kind of client relation gives the firm.
const RELATION_PACKAGES: &[(&str, &str)] = &[
    ("REGNSKAPSFORER", REGNSKAPSFORER_PACKAGE),
    ("REGNSKAPSFORER", "urn:altinn:accesspackage:regnskapsforer-uten-signeringsrettighet"),
    ("REVISOR", "urn:altinn:accesspackage:ansvarlig-revisor"),
];

/// (client, relation) to the firm.
const CLIENTS: &[(&str, &str)] = &[
    ("310000043", "REGNSKAPSFORER"),
    ("310000051", "REGNSKAPSFORER"),
    ("310000078", "REGNSKAPSFORER"),
    ("310000086", "REGNSKAPSFORER"),
    ("310000094", "REGNSKAPSFORER"),
    ("310000108", "REGNSKAPSFORER"),
    ("310000116", "REGNSKAPSFORER"),
    ("310000140", "REGNSKAPSFORER"),
    ("310000159", "REGNSKAPSFORER"),
    ("310000167", "REGNSKAPSFORER"),
    ("310000175", "REGNSKAPSFORER"),
    ("310000183", "REGNSKAPSFORER"),
    ("310000124", "REVISOR"),
];

/// Steps of the demo data in the order they were introduced; a database records how many
/// it has, so an existing demo database gets only the newer ones.
const STEPS: &[fn(&mut DbConnection) -> QueryResult<()>] =
    &[load_cast, load_clients, load_integration, load_example_client, load_relations];
const VERSION_KEY: &str = "demo_data_version";

/// Loads the demo data into an empty database, or the steps an older demo database lacks.
/// A database with other data is left alone. Returns true when anything was loaded.
pub fn seed(conn: &mut DbConnection) -> QueryResult<bool> {
    crate::db::transaction(conn, |conn| {
        let done = match secrets::get(conn, VERSION_KEY)? {
            Some(version) => version.parse::<usize>().unwrap_or(STEPS.len()),
            None if parties::count_persons(conn)? > 0 => return Ok(false),
            None => 0,
        };
        if done >= STEPS.len() {
            return Ok(false);
        }
        for step in &STEPS[done..] {
            step(conn)?;
        }
        secrets::set(conn, VERSION_KEY, &STEPS.len().to_string())?;
        Ok(true)
    })
}

/// Whether the demo data, with its published vendor secret, is in the database.
pub fn holds_demo_data(conn: &mut DbConnection) -> QueryResult<bool> {
    Ok(secrets::get(conn, VERSION_KEY)?.is_some() || vendor_clients::find(conn, VENDOR_CLIENT_ID)?.is_some())
}

/// A package that clients give their facilitator: delegable, not assignable.
fn client_package(urn: &str, names: [&str; 3], descriptions: [&str; 3]) -> AccessPackage {
    AccessPackage { assignable: false, ..package(urn, names, descriptions) }
}

/// A package with its texts in bokmål, nynorsk and English.
fn package(
    urn: &str,
    [name, name_nn, name_en]: [&str; 3],
    [description, description_nn, description_en]: [&str; 3],
) -> AccessPackage {
    AccessPackage {
        urn: urn.into(),
        name: name.into(),
        description: description.into(),
        assignable: true,
        delegable: true,
        name_nn: name_nn.into(),
        name_en: name_en.into(),
        description_nn: description_nn.into(),
        description_en: description_en.into(),
    }
}

/// A client package and the relation that gives it.
struct ClientPackage {
    urn: &'static str,
    /// Bokmål, nynorsk, English.
    names: [&'static str; 3],
    descriptions: [&'static str; 3],
    relation: &'static str,
    /// The organisation forms of the clients it is given for (None: every form).
    org_forms: Option<&'static [&'static str]>,
    /// What it lets a system do.
    resources: &'static [&'static str],
}

/// The client packages of 2026 beside the first ones.
const MORE_CLIENT_PACKAGES: &[ClientPackage] = &[
    ClientPackage {
        urn: "urn:altinn:accesspackage:regnskapsforer-lonn",
        names: ["Regnskapsfører lønn", "Rekneskapsførar løn", "Accountant payroll"],
        descriptions: [
            "Føre lønn for klienten og sende a-melding.",
            "Føre løn for klienten og sende a-melding.",
            "Run the client's payroll and file the a-melding.",
        ],
        relation: "REGNSKAPSFORER",
        org_forms: None,
        resources: &["a-melding"],
    },
    ClientPackage {
        urn: "urn:altinn:accesspackage:revisormedarbeider",
        names: ["Revisormedarbeider", "Revisormedarbeidar", "Audit associate"],
        descriptions: [
            "Arbeide med revisjonen av klientens regnskap.",
            "Arbeide med revisjonen av rekneskapen til klienten.",
            "Work on the audit of the client's accounts.",
        ],
        relation: "REVISOR",
        org_forms: None,
        resources: &["ske-krav-og-betalinger"],
    },
    ClientPackage {
        urn: FORRETNINGSFORER_PACKAGE,
        names: ["Forretningsfører eiendom", "Forretningsførar eigedom", "Property manager"],
        descriptions: [
            "Forvalte eiendommen for et eierseksjonssameie eller borettslag.",
            "Forvalte eigedommen for eit eigarseksjonssameige eller burettslag.",
            "Manage the property of a condominium or housing cooperative.",
        ],
        relation: "FORRETNINGSFORER",
        org_forms: Some(&["ESEK", "BRL"]),
        resources: &["ske-krav-og-betalinger"],
    },
];

const FORRETNINGSFORER_PACKAGE: &str = "urn:altinn:accesspackage:forretningsforer-eiendom";
/// An ordinary package: the organisation gives it to its own people or systems.
const ORDINARY_PACKAGE: &str = "urn:altinn:accesspackage:skattegrunnlag";

/// An ordinary package that cannot be passed on (Altinn's `isDelegable: false`).
const KEPT_PACKAGE: &str = "urn:altinn:accesspackage:hovedadministrator";

/// New clients of the firm: (org no, name, form, relations).
const MORE_CLIENTS: &[(&str, &str, &str, &[&str])] = &[
    // An auditing client set: clients the firm audits.
    ("310000191", "PRESIS GRUNDIG MAUR AS", "AS", &["REVISOR"]),
    ("310000205", "SIKKER ÆRLIG SPURV AS", "AS", &["REVISOR"]),
    ("310000213", "FLITTIG NØYSOM BIE AS", "AS", &["REVISOR", "REGNSKAPSFORER"]),
    // Property management: only an eierseksjonssameie or borettslag gets the package.
    ("310000221", "SOLSIDEN EIERSEKSJONSSAMEIE", "ESEK", &["FORRETNINGSFORER"]),
    ("310000248", "GRØNLIA BORETTSLAG", "BRL", &["FORRETNINGSFORER"]),
    ("310000256", "HAVNEGATA NÆRINGSBYGG AS", "AS", &["FORRETNINGSFORER"]),
];

/// Agent systems for auditors, property managers and a firm's own use: (id, names,
/// packages, client id).
const MORE_AGENT_SYSTEMS: &[(&str, [&str; 3], &[&str], &str)] = &[
    (
        "310000035_smartcloud_revisjon",
        ["SmartCloud Revisjon", "SmartCloud Revisjon", "SmartCloud Audit"],
        &["urn:altinn:accesspackage:ansvarlig-revisor", "urn:altinn:accesspackage:revisormedarbeider"],
        "demo-smartcloud-revisjon",
    ),
    (
        "310000035_smartcloud_eiendom",
        ["SmartCloud Eiendom", "SmartCloud Eigedom", "SmartCloud Property"],
        &[FORRETNINGSFORER_PACKAGE],
        "demo-smartcloud-eiendom",
    ),
    (
        "310000035_smartcloud_konsern",
        ["SmartCloud Konsern", "SmartCloud Konsern", "SmartCloud Group"],
        &[ORDINARY_PACKAGE],
        "demo-smartcloud-konsern",
    ),
];

/// The firm's daglig leder, who may give the firm's own packages.
const FIRM_MANAGER: (&str, &str) = ("12898010013", "SMIDIG TAPPER SKILPADDE");

/// The persons the demo login page offers: the guide's cast, as many of them as the
/// database holds. Anyone else (generated data) logs in by typing their number.
pub fn cast_persons(conn: &mut DbConnection) -> QueryResult<Vec<Person>> {
    let cast: Vec<&str> = PERSONS.iter().map(|(pid, _, _)| *pid).chain([FIRM_MANAGER.0]).collect();
    parties::persons_by_pid(conn, &cast)
}

/// Client relations as Altinn has them in 2026: regnskapsfører, revisor and
/// forretningsfører with their packages, an auditing and a property-management client
/// set, agent systems for them, an ordinary package, and the firm's daglig leder.
fn load_relations(conn: &mut DbConnection) -> QueryResult<()> {
    for package in MORE_CLIENT_PACKAGES {
        packages::insert(conn, &client_package(package.urn, package.names, package.descriptions))?;
        packages::insert_relation_package(conn, package.relation, package.urn, package.org_forms)?;
        for resource in package.resources {
            packages::insert_package_resource(conn, package.urn, resource)?;
        }
    }
    let ordinary = package(
        ORDINARY_PACKAGE,
        ["Skattegrunnlag", "Skattegrunnlag", "Tax basis"],
        [
            "Se og rapportere grunnlag for skatt.",
            "Sjå og rapportere grunnlag for skatt.",
            "See and report the basis for tax.",
        ],
    );
    packages::insert(conn, &ordinary)?;
    packages::insert_package_resource(conn, ORDINARY_PACKAGE, "ske-krav-og-betalinger")?;
    // One the organisation keeps to itself: no facilitator can be given it.
    let kept = AccessPackage {
        delegable: false,
        ..package(
            KEPT_PACKAGE,
            ["Hovedadministrator", "Hovudadministrator", "Main administrator"],
            [
                "Administrere alle tilganger for virksomheten.",
                "Administrere alle tilgangar for verksemda.",
                "Administer every access of the organisation.",
            ],
        )
    };
    packages::insert(conn, &kept)?;
    for (org_no, name, form, relations) in MORE_CLIENTS {
        parties::insert_organisation(conn, &Organisation::of_form(org_no, name, form))?;
        for role in *relations {
            clients::insert_relation(conn, FIRM, org_no, role)?;
        }
    }
    for (id, names, urns, client_id) in MORE_AGENT_SYSTEMS {
        let descriptions = [
            "Fagsystem som arbeider for klientene til virksomheten.",
            "Fagsystem som arbeider for klientane til verksemda.",
            "A system working for the organisation's clients.",
        ];
        let system = System {
            id: (*id).into(),
            vendor_org_no: "310000035".into(),
            name: names[0].into(),
            description: descriptions[0].into(),
            is_visible: false,
            is_deleted: false,
            created: crate::db::now(),
            name_nn: names[1].into(),
            name_en: names[2].into(),
            description_nn: descriptions[1].into(),
            description_en: descriptions[2].into(),
            internal_id: uuid::Uuid::new_v4().to_string(),
            names: systems::language_map(*names),
            descriptions: systems::language_map(descriptions),
        };
        systems::insert(conn, &system, &[], &[VENDOR_REDIRECT_URL])?;
        for urn in *urns {
            packages::add_to_system(conn, id, urn)?;
        }
        vendor_clients::insert(
            conn,
            &VendorClient::new(
                client_id,
                "310000035",
                hash_secret(VENDOR_CLIENT_SECRET),
                &[scopes::REQUEST_READ, scopes::REQUEST_WRITE],
            ),
        )?;
        systems::add_client_id(conn, id, client_id)?;
    }
    let (pid, name) = FIRM_MANAGER;
    parties::insert_person(conn, &Person::new(pid, name))?;
    parties::insert_role(conn, &NewPartyRole { pid, org_no: FIRM, role_code: "DAGL" })
}

fn load_clients(conn: &mut DbConnection) -> QueryResult<()> {
    for (urn, names, descriptions) in PACKAGES {
        packages::insert(conn, &client_package(urn, *names, *descriptions))?;
    }
    for (role, urn) in RELATION_PACKAGES {
        packages::insert_relation_package(conn, role, urn, None)?;
    }
    for (client, role) in CLIENTS {
        clients::insert_relation(conn, FIRM, client, role)?;
    }
    packages::add_to_system(conn, "310000035_smartcloud_klient", REGNSKAPSFORER_PACKAGE)
}

fn load_cast(conn: &mut DbConnection) -> QueryResult<()> {
    for (org_no, name) in ORGANISATIONS {
        parties::insert_organisation(conn, &Organisation::new(org_no, name))?;
    }
    for (pid, name, roles) in PERSONS {
        parties::insert_person(conn, &Person::new(pid, name))?;
        for (org_no, codes) in *roles {
            for code in *codes {
                parties::insert_role(conn, &NewPartyRole { pid, org_no, role_code: code })?;
            }
        }
    }
    for (id, [title, title_nn, title_en], [description, description_nn, description_en], grants, actions) in RESOURCES {
        let resource = Resource {
            id: (*id).into(),
            title: (*title).into(),
            description: (*description).into(),
            title_nn: (*title_nn).into(),
            title_en: (*title_en).into(),
            description_nn: (*description_nn).into(),
            description_en: (*description_en).into(),
            actions: (*actions).into(),
            authentication_level: 2,
        };
        resources::insert(conn, &resource, grants)?;
    }
    for demo in SYSTEMS {
        let system = System {
            id: demo.id.into(),
            vendor_org_no: "310000035".into(),
            name: demo.names[0].into(),
            description: demo.descriptions[0].into(),
            is_visible: demo.visible,
            is_deleted: false,
            created: crate::db::now(),
            name_nn: demo.names[1].into(),
            name_en: demo.names[2].into(),
            description_nn: demo.descriptions[1].into(),
            description_en: demo.descriptions[2].into(),
            internal_id: uuid::Uuid::new_v4().to_string(),
            names: systems::language_map(demo.names),
            descriptions: systems::language_map(demo.descriptions),
        };
        systems::insert(conn, &system, demo.rights, &[VENDOR_REDIRECT_URL])?;
    }
    vendor_clients::insert(
        conn,
        &VendorClient::new(
            VENDOR_CLIENT_ID,
            "310000035",
            hash_secret(VENDOR_CLIENT_SECRET),
            &[scopes::REQUEST_READ, scopes::REQUEST_WRITE, scopes::REGISTER_WRITE],
        ),
    )
}

/// A client of the demo vendor that belongs to no system yet, for `examples/vendor.rs`
/// to register a system with and sign assertions as.
pub const EXAMPLE_CLIENT_ID: &str = "demo-smartcloud-example";

fn load_example_client(conn: &mut DbConnection) -> QueryResult<()> {
    vendor_clients::insert(
        conn,
        &VendorClient::new(
            EXAMPLE_CLIENT_ID,
            "310000035",
            hash_secret(VENDOR_CLIENT_SECRET),
            &[scopes::REQUEST_READ, scopes::REQUEST_WRITE],
        ),
    )
}

/// Which resources each package holds, system client ids, and the public service's client.
fn load_integration(conn: &mut DbConnection) -> QueryResult<()> {
    for resource in ["ske-krav-og-betalinger", "a-melding"] {
        packages::insert_package_resource(conn, REGNSKAPSFORER_PACKAGE, resource)?;
    }
    for demo in SYSTEMS {
        systems::names(conn, demo.id, demo.names, demo.descriptions)?;
        if demo.client_id != VENDOR_CLIENT_ID {
            vendor_clients::insert(
                conn,
                &VendorClient::new(
                    demo.client_id,
                    "310000035",
                    hash_secret(VENDOR_CLIENT_SECRET),
                    &[scopes::REQUEST_READ, scopes::REQUEST_WRITE],
                ),
            )?;
        }
        systems::add_client_id(conn, demo.id, demo.client_id)?;
    }
    parties::insert_organisation(conn, &Organisation::new(SERVICE_ORG, "SKATTEETATEN"))?;
    vendor_clients::insert(
        conn,
        &VendorClient::new(
            SERVICE_CLIENT_ID,
            SERVICE_ORG,
            hash_secret(SERVICE_CLIENT_SECRET),
            &[scopes::DECISION, scopes::AUTHORIZE],
        ),
    )
}
