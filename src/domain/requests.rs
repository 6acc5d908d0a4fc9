//! Vendor requests for system access: creation with its validations, and the end user's
//! approval or rejection. Approval creates the system user in the same transaction.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDateTime};

use crate::db::packages::AccessPackage;
use crate::db::requests::{self, Request};
use crate::db::resources::Resource;
use crate::db::system_users::{self, SystemUser};
use crate::db::{self, DbConnection, parties};
use crate::domain::ids::OrgNo;
use crate::error::AppError;

use super::actor::Actor;
use super::audit::{self, Action, By};
use super::handling::{self, Act, Case, Handling, Makes};
use super::limits;
use super::systems::{self, SystemDetails};

pub use crate::db::kinds::{RequestStatus, UserType};

/// How old a request may grow before it can no longer be approved.
#[derive(Debug, Clone, Copy)]
pub struct Expiry(pub Duration);

impl Expiry {
    pub fn is_timed_out(self, created: NaiveDateTime, now: NaiveDateTime) -> bool {
        now - created > self.0
    }

    /// Whether a request with this status, made then, can no longer be handled.
    pub fn has_passed(self, status: RequestStatus, created: NaiveDateTime) -> bool {
        status == RequestStatus::New && self.is_timed_out(created, db::now())
    }
}

/// What a vendor asks for, already decoded from the wire format.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub user_type: UserType,
    pub system_id: String,
    pub party_org_no: String,
    pub external_ref: Option<String>,
    /// The resources asked for; None when the vendor named no rights at all.
    pub resource_ids: Option<Vec<String>>,
    /// The access package URNs asked for; None when the vendor named none at all.
    pub access_packages: Option<Vec<String>>,
    pub redirect_url: Option<String>,
    pub integration_title: Option<String>,
}

/// A request with what it asks for and whether it has expired.
#[derive(Debug, Clone)]
pub struct RequestDetails {
    pub request: Request,
    pub rights: Vec<Resource>,
    pub packages: Vec<AccessPackage>,
    pub timed_out: bool,
    /// Forwarded to the party's access managers (read for lists only).
    pub escalated: bool,
}

impl NewRequest {
    /// Refuses a value too long to be real.
    fn check_lengths(&self) -> Result<(), AppError> {
        limits::check("systemId", &self.system_id, limits::ID)?;
        limits::check("partyOrgNo", &self.party_org_no, limits::ID)?;
        limits::check_each("externalRef", &self.external_ref, limits::ID)?;
        self.integration_title.iter().try_for_each(|t| limits::check_name("integrationTitle", t, limits::TITLE))?;
        limits::check_each("rights", self.resource_ids.iter().flatten(), limits::ID)?;
        limits::check_each("accessPackages", self.access_packages.iter().flatten(), limits::ID)
    }
}

impl RequestDetails {
    pub fn user_type(&self) -> UserType {
        self.request.user_type
    }

    pub fn status(&self) -> RequestStatus {
        self.request.status
    }

    /// What the request asks of the person who handles it.
    pub fn case(&self) -> Case<'_> {
        Case {
            handled: self.request.handled_by.as_deref().zip(self.request.handled_at),
            party_org_no: &self.request.party_org_no,
            status: self.request.status,
            timed_out: self.timed_out,
            user_type: self.request.user_type,
            rights: &self.rights,
            packages: &self.packages,
            forwardable: Some(&self.request.id),
            makes: Some(Makes {
                id: &self.request.id,
                system_id: &self.request.system_id,
                external_ref: &self.request.external_ref,
            }),
        }
    }
}

/// True when `candidate` has the scheme, host, port and path of one of `allowed`; the
/// query may differ. Anything unparsable never matches.
pub fn redirect_allowed(candidate: &str, allowed: &[String]) -> bool {
    let Ok(candidate) = url::Url::parse(candidate) else {
        return false;
    };
    if !matches!(candidate.scheme(), "https" | "http") || candidate.host_str().is_none() {
        return false;
    }
    let key = |u: &url::Url| {
        (u.scheme().to_owned(), u.host_str().map(str::to_owned), u.port_or_known_default(), u.path().to_owned())
    };
    allowed.iter().filter_map(|a| url::Url::parse(a).ok()).any(|a| key(&a) == key(&candidate))
}

/// The redirect URL to store: one of the system's (or the `extra` one the demo allows),
/// written out again so that it is well-formed where it is sent back; None for none.
pub fn checked_redirect(
    conn: &mut DbConnection,
    system_id: &str,
    url: Option<&str>,
    extra: Option<&str>,
) -> Result<Option<String>, AppError> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    limits::check("redirectUrl", url, limits::URL)?;
    let mut allowed = db::systems::redirect_urls(conn, system_id)?;
    if allowed.is_empty() {
        return Err(AppError::NoRedirectUrls);
    }
    allowed.extend(extra.map(str::to_owned));
    if !redirect_allowed(url, &allowed) {
        return Err(AppError::RedirectNotAllowed);
    }
    limits::normalized_url("redirectUrl", url).map(Some)
}

/// Creates a request, or returns the live one of the same kind for the same party, system
/// and external reference, whatever its status (as Altinn does: to renew a request the
/// vendor deletes it first). The bool is true when a new request was made.
pub fn create(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    input: NewRequest,
    extra_redirect: Option<&str>,
) -> Result<(RequestDetails, bool), AppError> {
    input.check_lengths()?;
    let system = systems::owned_by(conn, vendor_org_no, &input.system_id)?;
    let party = OrgNo::parse(&input.party_org_no).ok_or(AppError::InvalidParty)?;
    if parties::organisation(conn, party.as_str())?.is_none() {
        return Err(AppError::InvalidParty);
    }
    let (rights, packages) = requested(conn, &system, &input)?;
    let redirect_url = checked_redirect(conn, &system.system.id, input.redirect_url.as_deref(), extra_redirect)?;
    let external_ref = super::external_ref(input.external_ref.as_deref(), party.as_str());
    if system_users::live_exists(conn, party.as_str(), &system.system.id, &external_ref)? {
        return Err(AppError::SystemUserExists);
    }
    if let Some(live) = requests::find_live(conn, party.as_str(), &system.system.id, &external_ref, input.user_type)? {
        return Ok((with_rights(conn, live, None)?, false));
    }
    let request = Request {
        id: uuid::Uuid::new_v4().to_string(),
        system_id: system.system.id.clone(),
        party_org_no: party.as_str().to_owned(),
        external_ref,
        user_type: input.user_type,
        status: RequestStatus::New,
        redirect_url,
        integration_title: Some(
            input.integration_title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| system.system.name.clone()),
        ),
        created: db::now(),
        handled_at: None,
        handled_by: None,
        deleted_at: None,
    };
    let ids: Vec<String> = rights.iter().map(|r| r.id.clone()).collect();
    let urns: Vec<String> = packages.iter().map(|p| p.urn.clone()).collect();
    let inserted = db::transaction::<_, AppError, _>(conn, |conn| {
        requests::insert(conn, &request, &ids)?;
        db::packages::add_to_request(conn, &request.id, &urns)?;
        let what = [ids.as_slice(), urns.as_slice()].concat().join(" ");
        audit::record(
            conn,
            By::Vendor(vendor_org_no),
            &request.party_org_no,
            Action::RequestCreate,
            &request.id,
            &what,
        )?;
        Ok(())
    });
    match inserted {
        Ok(()) => Ok((RequestDetails { request, rights, packages, timed_out: false, escalated: false }, true)),
        // A racing identical request won: answer with that one.
        Err(AppError::Duplicate) => {
            let r = &request;
            let live = requests::find_live(conn, &r.party_org_no, &r.system_id, &r.external_ref, r.user_type)?
                .ok_or(AppError::Duplicate)?;
            Ok((with_rights(conn, live, None)?, false))
        }
        Err(e) => Err(e),
    }
}

/// The system's rights and packages the request names (deduplicated), or an error when
/// one is not the system's or nothing is asked for. Agent requests carry packages only.
fn requested(
    conn: &mut DbConnection,
    system: &SystemDetails,
    input: &NewRequest,
) -> Result<(Vec<Resource>, Vec<AccessPackage>), AppError> {
    if input.user_type == UserType::Standard && input.resource_ids.is_none() && input.access_packages.is_none() {
        return Err(AppError::RightsNotSubset);
    }
    let wanted: BTreeSet<&str> = input.resource_ids.iter().flatten().map(String::as_str).collect();
    let rights: Vec<Resource> = system.rights.iter().filter(|r| wanted.contains(r.id.as_str())).cloned().collect();
    if rights.len() != wanted.len() {
        return Err(AppError::RightsNotSubset);
    }
    let wanted: BTreeSet<&str> = input.access_packages.iter().flatten().map(String::as_str).collect();
    let packages: Vec<AccessPackage> = db::packages::of_system(conn, &system.system.id)?
        .into_iter()
        .filter(|p| wanted.contains(p.urn.as_str()))
        .collect();
    if packages.len() != wanted.len() {
        let unknown = wanted.iter().filter(|urn| !packages.iter().any(|p| p.urn == **urn));
        return Err(AppError::PackageNotOnSystem(unknown.map(|u| u.to_string()).collect()));
    }
    // Packages meant for clients reach a system only through a client relation; an agent
    // system user takes only packages that can be passed on to a facilitator.
    let unfit = |p: &&AccessPackage| match input.user_type {
        UserType::Standard => !p.assignable,
        UserType::Agent => !p.delegable,
    };
    let unfit: Vec<String> = packages.iter().filter(unfit).map(|p| p.urn.clone()).collect();
    match input.user_type {
        UserType::Standard if !unfit.is_empty() => return Err(AppError::PackageNotAssignable(unfit)),
        UserType::Agent if !unfit.is_empty() => return Err(AppError::PackageNotDelegable(unfit)),
        _ => {}
    }
    match input.user_type {
        UserType::Agent if packages.is_empty() => Err(AppError::NoPackages),
        UserType::Agent if !rights.is_empty() => {
            Err(AppError::BadRequest("an agent request carries access packages, not single rights".into()))
        }
        UserType::Standard if rights.is_empty() && packages.is_empty() => Err(AppError::NothingRequested),
        _ => Ok((rights, packages)),
    }
}

fn with_rights(conn: &mut DbConnection, request: Request, expiry: Option<Expiry>) -> Result<RequestDetails, AppError> {
    let rights = requests::rights(conn, &request.id)?;
    let packages = db::packages::of_request(conn, &request.id)?;
    let timed_out = expiry.is_some_and(|e| e.has_passed(request.status, request.created));
    Ok(RequestDetails { request, rights, packages, timed_out, escalated: false })
}

/// Any request by id, for the end user's page (who may see it is decided by the caller).
pub fn get(conn: &mut DbConnection, id: &str, expiry: Expiry) -> Result<RequestDetails, AppError> {
    let request = requests::find(conn, id)?.ok_or(AppError::RequestNotFound)?;
    with_rights(conn, request, Some(expiry))
}

/// A request with its system, vendor and party, and what the person viewing it may do.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub details: RequestDetails,
    pub system: SystemDetails,
    pub party: parties::Organisation,
    pub handling: Handling,
    /// For an agent request: how its packages reach the firm from its clients.
    pub through: Option<super::clients::Through>,
}

pub fn context(conn: &mut DbConnection, pid: &str, id: &str, expiry: Expiry) -> Result<RequestContext, AppError> {
    let details = get(conn, id, expiry)?;
    let system = systems::details(conn, &details.request.system_id)?.ok_or(AppError::RequestNotFound)?;
    let party = parties::organisation(conn, &details.request.party_org_no)?.ok_or(AppError::RequestNotFound)?;
    let handling = handling::handling(conn, pid, details.case())?;
    let through = match details.user_type() {
        UserType::Agent => Some(super::clients::through(conn, &details.packages)?),
        UserType::Standard => None,
    };
    Ok(RequestContext { details, system, party, handling, through })
}

/// The request as the person opens it in the portal: when they can represent its party,
/// they act for that party from now on.
pub fn open_for(
    conn: &mut DbConnection,
    actor: &mut Actor,
    id: &str,
    expiry: Expiry,
) -> Result<RequestContext, AppError> {
    let ctx = context(conn, &actor.pid, id, expiry)?;
    actor.follow(conn, ctx.handling.represents(), &ctx.party.org_no)?;
    Ok(ctx)
}

/// A request of the given type for one of the vendor's systems; anything else is "not found".
pub fn get_for_vendor(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    id: &str,
    user_type: UserType,
    expiry: Expiry,
) -> Result<RequestDetails, AppError> {
    let details = get(conn, id, expiry)?;
    if details.user_type() != user_type {
        return Err(AppError::RequestNotFound);
    }
    systems::owned_by(conn, vendor_org_no, &details.request.system_id)?;
    Ok(details)
}

pub fn get_by_external_ref(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    system_id: &str,
    org_no: &str,
    external_ref: &str,
    user_type: UserType,
    expiry: Expiry,
) -> Result<RequestDetails, AppError> {
    systems::owned_by(conn, vendor_org_no, system_id)?;
    let request =
        requests::find_live(conn, org_no, system_id, external_ref, user_type)?.ok_or(AppError::RequestNotFound)?;
    with_rights(conn, request, Some(expiry))
}

/// One page of the system's live requests from the cursor `from` (a request id) on.
pub fn page_by_system(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    system_id: &str,
    from: Option<&str>,
    limit: i64,
    user_type: UserType,
    expiry: Expiry,
) -> Result<Vec<RequestDetails>, AppError> {
    systems::owned_by(conn, vendor_org_no, system_id)?;
    let page = requests::page_by_system(conn, system_id, user_type, from, limit)?;
    let ids: Vec<String> = page.iter().map(|r| r.id.clone()).collect();
    let escalated = requests::escalated_among(conn, &ids)?;
    page.into_iter()
        .map(|r| {
            let mut details = with_rights(conn, r, Some(expiry))?;
            details.escalated = escalated.contains(&details.request.id);
            Ok(details)
        })
        .collect()
}

/// A vendor deletes one of its system's requests, whatever its status, so that the
/// triple is free for a new one; `only` limits it to one kind. A system user the request
/// made stays.
pub fn delete_for_vendor(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    id: &str,
    only: Option<UserType>,
) -> Result<(), AppError> {
    let details = get(conn, id, Expiry(Duration::MAX))?;
    if only.is_some_and(|kind| kind != details.user_type()) {
        return Err(AppError::RequestNotFound);
    }
    systems::owned_by(conn, vendor_org_no, &details.request.system_id).map_err(|_| AppError::RequestNotFound)?;
    db::transaction(conn, |conn| {
        if !requests::soft_delete(conn, id, db::now())? {
            return Err(AppError::RequestNotFound);
        }
        audit::record(conn, By::Vendor(vendor_org_no), &details.request.party_org_no, Action::RequestDelete, id, "")?;
        Ok(())
    })
}

/// A pending request as the overview lists it.
#[derive(Debug, Clone)]
pub struct PendingRequest {
    pub request: Request,
    /// The system's name in bokmål, nynorsk and English.
    pub system_names: [String; 3],
    pub vendor_name: String,
    /// Who forwarded it to the access managers and when, if anyone did.
    pub forwarded: Option<(String, NaiveDateTime)>,
    /// The party's live system access that already gives what it asks (made since).
    pub covered_by: Option<String>,
}

/// The party's pending requests, newest first.
pub fn pending_for_party(conn: &mut DbConnection, org_no: &str) -> Result<Vec<PendingRequest>, AppError> {
    Ok(requests::pending_for_party(conn, org_no)?
        .into_iter()
        .map(|(request, system_names, vendor_name, by, at, covered_by)| PendingRequest {
            request,
            system_names: system_names.into(),
            vendor_name,
            forwarded: by.zip(at),
            covered_by,
        })
        .collect())
}

/// The request with what `pid` may do with it, refusing `act` when they may not.
fn checked(
    conn: &mut DbConnection,
    pid: &str,
    id: &str,
    expiry: Expiry,
    act: Act,
) -> Result<(RequestDetails, Handling), AppError> {
    let details = get(conn, id, expiry)?;
    let handling = handling::handling(conn, pid, details.case())?;
    handling.check(act)?;
    Ok((details, handling))
}

/// Someone who can act for the party but may not handle the request forwards it to its
/// access managers, whose names it returns. Forwarding twice changes nothing.
pub fn escalate(conn: &mut DbConnection, pid: &str, id: &str, expiry: Expiry) -> Result<Vec<String>, AppError> {
    let (details, handling) = checked(conn, pid, id, expiry, Act::Forward)?;
    let to = handling.forwarded_to().to_vec();
    if handling.forwarded_by.is_some() {
        return Ok(to);
    }
    let party = details.request.party_org_no;
    db::transaction(conn, |conn| {
        if requests::escalate(conn, id, pid, db::now())? {
            audit::record(conn, By::Person(pid), &party, Action::RequestEscalate, id, "")?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(to)
}

/// Approves the request as `pid`: all-or-nothing check of rights and packages, then status change and the
/// system user (id = request id) in one transaction. A racing second approval gets
/// `RequestNotNew`.
pub fn approve(conn: &mut DbConnection, pid: &str, id: &str, expiry: Expiry) -> Result<RequestDetails, AppError> {
    let (mut details, _) = checked(conn, pid, id, expiry, Act::Approve)?;
    let now = db::now();
    let r = &details.request;
    let user = SystemUser {
        id: r.id.clone(),
        system_id: r.system_id.clone(),
        party_org_no: r.party_org_no.clone(),
        external_ref: r.external_ref.clone(),
        user_type: r.user_type,
        integration_title: match &r.integration_title {
            Some(t) => t.clone(),
            None => systems::details(conn, &r.system_id)?.map(|d| d.system.name).unwrap_or_default(),
        },
        created: now,
        created_by: pid.to_owned(),
        deleted_at: None,
        deleted_by: None,
    };
    let ids: Vec<String> = details.rights.iter().map(|r| r.id.clone()).collect();
    let urns: Vec<String> = details.packages.iter().map(|p| p.urn.clone()).collect();
    db::transaction(conn, |conn| {
        // The status change goes first: it takes the write lock and decides the race.
        if !requests::handle_if_new(conn, id, RequestStatus::Accepted, pid, now)? {
            return Err(AppError::RequestNotNew(RequestStatus::Accepted.as_str().into()));
        }
        system_users::insert(conn, &user, &ids).map_err(|e| match AppError::from(e) {
            AppError::Duplicate => AppError::SystemUserExists,
            other => other,
        })?;
        db::packages::add_to_system_user(conn, &user.id, &urns)?;
        let what = [ids.as_slice(), urns.as_slice()].concat().join(" ");
        audit::record(conn, By::Person(pid), &user.party_org_no, Action::RequestApprove, id, &what)?;
        Ok(())
    })?;
    details.request = requests::find(conn, id)?.ok_or(AppError::RequestNotFound)?;
    Ok(details)
}

/// Rejects the request as `pid`.
pub fn reject(conn: &mut DbConnection, pid: &str, id: &str, expiry: Expiry) -> Result<RequestDetails, AppError> {
    let (mut details, _) = checked(conn, pid, id, expiry, Act::Reject)?;
    let org = details.request.party_org_no.clone();
    db::transaction(conn, |conn| {
        if !requests::handle_if_new(conn, id, RequestStatus::Rejected, pid, db::now())? {
            return Err(AppError::RequestNotNew(RequestStatus::Rejected.as_str().into()));
        }
        audit::record(conn, By::Person(pid), &org, Action::RequestReject, id, "")?;
        Ok(())
    })?;
    details.request = requests::find(conn, id)?.ok_or(AppError::RequestNotFound)?;
    Ok(details)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    const VENDOR: &str = "310000035";
    const APE: &str = "310000019";
    const KONSERT: &str = "17827510025";
    const LOVE: &str = "22857030021";
    const PINGVIN: &str = "11929030046";

    fn expiry() -> Expiry {
        Expiry(Duration::days(180))
    }

    fn input(system: &str, rights: &[&str]) -> NewRequest {
        NewRequest {
            system_id: system.into(),
            party_org_no: APE.into(),
            resource_ids: Some(rights.iter().map(|s| s.to_string()).collect()),
            redirect_url: Some("https://smartcloud.example/kvittering?state=1".into()),
            ..NewRequest::default()
        }
    }

    #[test]
    fn redirect_urls_match_on_scheme_host_port_and_path_only() {
        let allowed = vec!["https://smartcloud.example/kvittering".to_owned()];
        assert!(redirect_allowed("https://smartcloud.example/kvittering?x=1", &allowed));
        assert!(redirect_allowed("https://smartcloud.example:443/kvittering", &allowed));
        for bad in [
            "http://smartcloud.example/kvittering",
            "https://smartcloud.example:8443/kvittering",
            "https://evil.example/kvittering",
            "https://smartcloud.example/kvittering/x",
            "https://smartcloud.example.evil.example/kvittering",
            "javascript:alert(1)",
            "/kvittering",
        ] {
            assert!(!redirect_allowed(bad, &allowed), "{bad}");
        }
    }

    #[test]
    fn creating_the_same_pending_request_twice_returns_the_first() {
        let mut conn = demo_db();
        let (first, created) =
            create(&mut conn, VENDOR, input("310000035_smartcloud", &["ske-krav-og-betalinger"]), None).unwrap();
        assert!(created);
        assert_eq!(first.request.external_ref, APE, "externalRef defaults to the party");
        let (again, created) =
            create(&mut conn, VENDOR, input("310000035_smartcloud", &["ske-krav-og-betalinger"]), None).unwrap();
        assert!(!created);
        assert_eq!(again.request.id, first.request.id);
    }

    #[test]
    fn creation_validates_system_vendor_rights_party_and_redirect() {
        let mut conn = demo_db();
        let ok = || input("310000035_smartcloud", &["ske-krav-og-betalinger"]);
        let err =
            |conn: &mut DbConnection, vendor: &str, i: NewRequest| create(conn, vendor, i, None).unwrap_err().code();
        assert_eq!(err(&mut conn, VENDOR, NewRequest { system_id: "nope".into(), ..ok() }), "AUTH-00011");
        assert_eq!(err(&mut conn, APE, ok()), "AUTH-00011");
        assert_eq!(err(&mut conn, VENDOR, input("310000035_smartcloud", &["a-melding"])), "AUTH-00001");
        assert_eq!(err(&mut conn, VENDOR, NewRequest { party_org_no: "310000018".into(), ..ok() }), "AUTH-00000");
        assert_eq!(err(&mut conn, VENDOR, NewRequest { party_org_no: "999999999".into(), ..ok() }), "AUTH-00000");
        assert_eq!(
            err(&mut conn, VENDOR, NewRequest { redirect_url: Some("https://evil.example/".into()), ..ok() }),
            "AUTH-00021"
        );
    }

    #[test]
    fn approval_creates_one_system_user_with_the_request_id_and_audits_it() {
        let mut conn = demo_db();
        let (req, _) =
            create(&mut conn, VENDOR, input("310000035_smartcloud", &["ske-krav-og-betalinger"]), None).unwrap();
        let id = req.request.id;
        let approved = approve(&mut conn, KONSERT, &id, expiry()).unwrap();
        assert_eq!(approved.status(), RequestStatus::Accepted);
        let user = system_users::find_live(&mut conn, &id).unwrap().expect("system user with the request's id");
        assert_eq!(user.created_by, KONSERT);
        assert!(matches!(approve(&mut conn, KONSERT, &id, expiry()), Err(AppError::RequestNotNew(_))));
        assert!(matches!(reject(&mut conn, KONSERT, &id, expiry()), Err(AppError::RequestNotNew(_))));
        let actions: Vec<String> =
            crate::db::audit::for_subject(&mut conn, &id).unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["request.create", "request.approve"]);
        // The triple now has a live system user: a new request for it is refused.
        let again = create(&mut conn, VENDOR, input("310000035_smartcloud", &["ske-krav-og-betalinger"]), None);
        assert!(matches!(again, Err(AppError::SystemUserExists)));
    }

    #[test]
    fn missing_rights_or_roles_leave_the_request_new_and_create_nothing() {
        let mut conn = demo_db();
        let (req, _) = create(
            &mut conn,
            VENDOR,
            input("310000035_smartcloud_lonn", &["ske-krav-og-betalinger", "a-melding"]),
            None,
        )
        .unwrap();
        let id = req.request.id;
        assert!(matches!(approve(&mut conn, LOVE, &id, expiry()), Err(AppError::MissingRights(m)) if m.len() == 1));
        assert!(matches!(approve(&mut conn, PINGVIN, &id, expiry()), Err(AppError::NotAccessManager)));
        assert!(matches!(reject(&mut conn, PINGVIN, &id, expiry()), Err(AppError::NotAccessManager)));
        assert!(matches!(approve(&mut conn, "03868120095", &id, expiry()), Err(AppError::CannotRepresent)));
        assert_eq!(get(&mut conn, &id, expiry()).unwrap().status(), RequestStatus::New);
        assert!(system_users::find_live(&mut conn, &id).unwrap().is_none());
    }

    #[test]
    fn an_expired_request_cannot_be_approved() {
        let mut conn = demo_db();
        let (req, _) =
            create(&mut conn, VENDOR, input("310000035_smartcloud", &["ske-krav-og-betalinger"]), None).unwrap();
        let expired = Expiry(Duration::seconds(-1));
        assert!(get(&mut conn, &req.request.id, expired).unwrap().timed_out);
        assert!(matches!(approve(&mut conn, KONSERT, &req.request.id, expired), Err(AppError::RequestExpired)));
    }

    #[test]
    fn rejection_creates_no_system_user() {
        let mut conn = demo_db();
        let (req, _) =
            create(&mut conn, VENDOR, input("310000035_smartcloud", &["ske-krav-og-betalinger"]), None).unwrap();
        let rejected = reject(&mut conn, LOVE, &req.request.id, expiry()).unwrap();
        assert_eq!(rejected.status(), RequestStatus::Rejected);
        assert!(system_users::find_live(&mut conn, &req.request.id).unwrap().is_none());
    }

    #[test]
    fn an_access_manager_lacking_a_right_sends_the_request_to_who_can_give_it() {
        let mut conn = demo_db();
        let asked = input("310000035_smartcloud_lonn", &["ske-krav-og-betalinger", "a-melding"]);
        let (req, _) = create(&mut conn, VENDOR, asked, None).unwrap();
        let id = req.request.id;
        let love = context(&mut conn, LOVE, &id, expiry()).unwrap().handling;
        assert!(love.may_forward(), "she lacks lønnsinnsender");
        assert_eq!(escalate(&mut conn, LOVE, &id, expiry()).unwrap(), ["STADIG KONSERT"]);
        assert!(!context(&mut conn, LOVE, &id, expiry()).unwrap().handling.may_forward(), "once");
        // Who can approve it has no one to send it to.
        assert!(matches!(escalate(&mut conn, KONSERT, &id, expiry()), Err(AppError::ForwardNotNeeded)));
    }

    #[test]
    fn only_someone_who_may_not_handle_the_request_forwards_it_and_the_page_agrees() {
        let mut conn = demo_db();
        let (req, _) =
            create(&mut conn, VENDOR, input("310000035_smartcloud", &["ske-krav-og-betalinger"]), None).unwrap();
        let id = req.request.id;
        let page = |conn: &mut DbConnection, pid: &str| context(conn, pid, &id, expiry()).unwrap().handling;
        // An access manager handles it herself: no forward button, and a forged forward is refused.
        assert!(!page(&mut conn, KONSERT).may_forward());
        assert!(matches!(escalate(&mut conn, KONSERT, &id, expiry()), Err(AppError::ForwardNotNeeded)));
        // Someone outside the party may do nothing with it.
        assert!(!page(&mut conn, "03868120095").may_forward());
        assert!(matches!(escalate(&mut conn, "03868120095", &id, expiry()), Err(AppError::CannotRepresent)));
        // An employee forwards it once; the button is gone afterwards and a second post changes nothing.
        assert!(page(&mut conn, PINGVIN).may_forward());
        escalate(&mut conn, PINGVIN, &id, expiry()).unwrap();
        let after = page(&mut conn, PINGVIN);
        assert!(!after.may_forward());
        assert_eq!(after.forwarded_by.map(|(name, _)| name).as_deref(), Some("ROLIG PINGVIN"));
        escalate(&mut conn, PINGVIN, &id, expiry()).unwrap();
        let actions: Vec<String> =
            crate::db::audit::for_subject(&mut conn, &id).unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["request.create", "request.escalate"]);
        // Once handled, nobody forwards it.
        reject(&mut conn, KONSERT, &id, expiry()).unwrap();
        assert!(matches!(escalate(&mut conn, PINGVIN, &id, expiry()), Err(AppError::RequestNotNew(_))));
    }
}
