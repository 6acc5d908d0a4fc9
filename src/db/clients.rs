//! Clients of facilitators (accounting firms) and the clients attached to agent system
//! users. Search, filtering and paging happen here, in SQL, so a firm with thousands
//! of clients costs a handful of queries per page.

use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use diesel::expression::BoxableExpression;
use diesel::sql_types::Bool;

use super::DbConnection;
use super::packages::Carrier;
use super::parties::Organisation;
use super::schema::{
    client_delegations as cd, client_kinds as ck, client_relations as cr, organisations as org, system_users as su,
};
use crate::support::sort_key;

/// What separates the role codes a listing row keeps in `client_roles`.
const SEPARATOR: char = ',';

/// The role codes of a listing row's `client_roles`.
fn split(joined: &str) -> Vec<String> {
    joined.split(SEPARATOR).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cd)]
pub struct ClientDelegation {
    pub id: String,
    pub system_user_id: String,
    pub client_org_no: String,
    pub created: NaiveDateTime,
    pub created_by: String,
}

/// Records a relation, keeping the client's name and form with it and the client counted
/// under its kind for the facilitator (the client listing reads them).
pub fn insert_relation(conn: &mut DbConnection, facilitator: &str, client: &str, role_code: &str) -> QueryResult<()> {
    let (name, form): (String, String) = org::table.find(client).select((org::name, org::org_form)).first(conn)?;
    let was = kind_of(conn, facilitator, client)?;
    diesel::insert_into(cr::table)
        .values((
            cr::facilitator_org_no.eq(facilitator),
            cr::client_org_no.eq(client),
            cr::role_code.eq(role_code),
            cr::client_sort.eq(sort_key(&name)),
            cr::client_name.eq(name),
            cr::client_org_form.eq(form),
        ))
        .execute(conn)?;
    mark_roles(conn, facilitator, client)?;
    recount(conn, facilitator, client, was)
}

/// The kind (relation roles, form) the pair's listing row has, if they have a relation.
fn kind_of(conn: &mut DbConnection, facilitator: &str, client: &str) -> QueryResult<Option<(String, String)>> {
    cr::table
        .filter(cr::facilitator_org_no.eq(facilitator))
        .filter(cr::client_org_no.eq(client))
        .filter(cr::first_role.eq(true))
        .select((cr::client_roles, cr::client_org_form))
        .first(conn)
        .optional()
}

/// Counts the client under the kind its listing row now has instead of the one it `was`.
fn recount(conn: &mut DbConnection, facilitator: &str, client: &str, was: Option<(String, String)>) -> QueryResult<()> {
    let is = kind_of(conn, facilitator, client)?;
    if was == is {
        return Ok(());
    }
    let kind = |(roles, form): &(String, String)| {
        ck::table
            .filter(ck::facilitator_org_no.eq(facilitator.to_owned()))
            .filter(ck::client_roles.eq(roles.clone()))
            .filter(ck::client_org_form.eq(form.clone()))
    };
    if let Some(was) = &was {
        diesel::update(kind(was)).set(ck::clients.eq(ck::clients - 1)).execute(conn)?;
        diesel::delete(kind(was).filter(ck::clients.le(0))).execute(conn)?;
    }
    if let Some(is) = &is
        && diesel::update(kind(is)).set(ck::clients.eq(ck::clients + 1)).execute(conn)? == 0
    {
        diesel::insert_into(ck::table)
            .values((
                ck::facilitator_org_no.eq(facilitator),
                ck::client_roles.eq(&is.0),
                ck::client_org_form.eq(&is.1),
                ck::clients.eq(1),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Keeps the listing's copy of the pair's roles on each of its rows, and marks the row of
/// its first role as the one listed.
fn mark_roles(conn: &mut DbConnection, facilitator: &str, client: &str) -> QueryResult<()> {
    let pair = || cr::table.filter(cr::facilitator_org_no.eq(facilitator)).filter(cr::client_org_no.eq(client));
    let roles: Vec<String> = pair().select(cr::role_code).order(cr::role_code).load(conn)?;
    let Some(first) = roles.first() else { return Ok(()) };
    diesel::update(pair())
        .set((cr::client_roles.eq(roles.join(&SEPARATOR.to_string())), cr::first_role.eq(cr::role_code.eq(first))))
        .execute(conn)
        .map(drop)
}

/// `(facilitator, relation role)` for every relation the client has.
pub fn relations_of_client(conn: &mut DbConnection, client: &str) -> QueryResult<Vec<(String, String)>> {
    cr::table
        .filter(cr::client_org_no.eq(client))
        .select((cr::facilitator_org_no, cr::role_code))
        .order((cr::facilitator_org_no, cr::role_code))
        .load(conn)
}

/// Removes a relation; the client is counted under its new kind, or no more when it was
/// the last.
pub fn delete_relation(conn: &mut DbConnection, facilitator: &str, client: &str, role_code: &str) -> QueryResult<()> {
    let was = kind_of(conn, facilitator, client)?;
    let pair = cr::table.filter(cr::facilitator_org_no.eq(facilitator)).filter(cr::client_org_no.eq(client));
    diesel::delete(pair.filter(cr::role_code.eq(role_code))).execute(conn)?;
    mark_roles(conn, facilitator, client)?;
    recount(conn, facilitator, client, was)
}

/// Keeps the name and form stored with the client's relations the register's, and the
/// clients counted by kind where the form changed.
pub fn rename_client(conn: &mut DbConnection, client: &str, name: &str, org_form: &str) -> QueryResult<()> {
    let listed = cr::table.filter(cr::client_org_no.eq(client)).filter(cr::first_role.eq(true));
    let was: Vec<(String, String, String)> =
        listed.select((cr::facilitator_org_no, cr::client_roles, cr::client_org_form)).load(conn)?;
    diesel::update(cr::table.filter(cr::client_org_no.eq(client)))
        .set((cr::client_name.eq(name), cr::client_sort.eq(sort_key(name)), cr::client_org_form.eq(org_form)))
        .execute(conn)?;
    for (facilitator, roles, form) in was.into_iter().filter(|(_, _, form)| form != org_form) {
        recount(conn, &facilitator, client, Some((roles, form)))?;
    }
    Ok(())
}

/// The facilitator's live agent system users the client is attached to.
pub fn agents_holding(conn: &mut DbConnection, facilitator: &str, client: &str) -> QueryResult<Vec<String>> {
    cd::table
        .inner_join(su::table.on(su::id.eq(cd::system_user_id)))
        .filter(cd::client_org_no.eq(client))
        .filter(su::party_org_no.eq(facilitator))
        .filter(su::deleted_at.is_null())
        .select(su::id)
        .order(su::id)
        .load(conn)
}

/// Which of the facilitator's clients a search finds.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    /// A search key (lower case, no spaces) matched inside names and org numbers.
    pub search: Option<String>,
}

impl ClientFilter {
    fn search(&self) -> Option<&str> {
        self.search.as_deref().filter(|s| !s.is_empty())
    }
}

/// `%text%` for LIKE, with the wildcards of the text itself escaped.
fn contains_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

type Backend = <DbConnection as diesel::Connection>::Backend;
type OrgQuery<'a> = org::BoxedQuery<'a, Backend>;
type ListingQuery<'a> = cr::BoxedQuery<'a, Backend>;
type ListingCondition<'a> = Box<dyn BoxableExpression<cr::table, Backend, SqlType = Bool> + 'a>;

/// The facilitator's clients matching the filter (not yet attached to the system user),
/// as a boxed query on organisations.
fn unattached_query<'a>(facilitator: &'a str, system_user_id: &'a str, filter: &ClientFilter) -> OrgQuery<'a> {
    let mut query = org::table
        .filter(org::org_no.eq_any(cr::table.filter(cr::facilitator_org_no.eq(facilitator)).select(cr::client_org_no)))
        .filter(not(exists(
            cd::table.filter(cd::system_user_id.eq(system_user_id)).filter(cd::client_org_no.eq(org::org_no)),
        )))
        .into_boxed();
    if let Some(search) = filter.search() {
        let pattern = contains_pattern(search);
        query =
            query.filter(org::search_key.like(pattern.clone()).escape('\\').or(org::org_no.like(pattern).escape('\\')));
    }
    query
}

/// The listing row's client matches the filter (its org number, or its name by search key).
fn searched<'a>(filter: &ClientFilter) -> ListingCondition<'a> {
    let Some(search) = filter.search() else { return Box::new(cr::first_role.eq(true)) };
    let pattern = contains_pattern(search);
    let named = exists(
        org::table.filter(org::org_no.eq(cr::client_org_no)).filter(org::search_key.like(pattern.clone()).escape('\\')),
    );
    Box::new(cr::client_org_no.like(pattern).escape('\\').or(named))
}

/// The facilitator's clients matching the filter, one listing row each (its first
/// role's, which carries the client's name, form and every role).
fn listing<'a>(facilitator: &'a str, filter: &ClientFilter) -> ListingQuery<'a> {
    cr::table
        .filter(cr::facilitator_org_no.eq(facilitator))
        .filter(cr::first_role.eq(true))
        .filter(searched(filter))
        .into_boxed()
}

/// The relation roles a client has with the facilitator and its form of organisation:
/// together they decide which access packages it gives, so clients are judged by kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClientKind {
    pub roles: Vec<String>,
    pub org_form: String,
}

impl ClientKind {
    fn read(roles: String, org_form: String) -> Self {
        ClientKind { roles: split(&roles), org_form }
    }

    /// The listing row is of this kind.
    fn matches<'a>(&self) -> ListingCondition<'a> {
        let roles = self.roles.join(&SEPARATOR.to_string());
        Box::new(cr::client_roles.eq(roles).and(cr::client_org_form.eq(self.org_form.clone())))
    }
}

/// How many of the facilitator's clients of one kind the filter finds, and how many of
/// them are attached to the system user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCount {
    pub kind: ClientKind,
    pub clients: i64,
    pub attached: i64,
}

/// The facilitator's clients matching the filter, counted by kind: without a search from
/// the counts kept by kind, with one through the matching clients; the attached ones
/// through those attached.
pub fn kinds(
    conn: &mut DbConnection,
    facilitator: &str,
    system_user_id: &str,
    filter: &ClientFilter,
) -> QueryResult<Vec<KindCount>> {
    use diesel::dsl::count_star;
    let rows = || cr::table.filter(cr::facilitator_org_no.eq(facilitator)).filter(cr::first_role.eq(true));
    let all: Vec<(String, String, i64)> = match filter.search() {
        None => ck::table
            .filter(ck::facilitator_org_no.eq(facilitator))
            .select((ck::client_roles, ck::client_org_form, ck::clients))
            .load(conn)?,
        Some(_) => rows()
            .filter(searched(filter))
            .group_by((cr::client_roles, cr::client_org_form))
            .select((cr::client_roles, cr::client_org_form, count_star()))
            .load(conn)?,
    };
    let attached: Vec<(String, String, i64)> = match filter.search() {
        // From the attached clients' side: as many rows as are attached.
        None => cd::table
            .inner_join(
                cr::table.on(cr::client_org_no
                    .eq(cd::client_org_no)
                    .and(cr::facilitator_org_no.eq(facilitator))
                    .and(cr::first_role.eq(true))),
            )
            .filter(cd::system_user_id.eq(system_user_id))
            .group_by((cr::client_roles, cr::client_org_form))
            .select((cr::client_roles, cr::client_org_form, count_star()))
            .load(conn)?,
        Some(_) => rows()
            .filter(searched(filter))
            .filter(
                cr::client_org_no
                    .eq_any(cd::table.filter(cd::system_user_id.eq(system_user_id)).select(cd::client_org_no)),
            )
            .group_by((cr::client_roles, cr::client_org_form))
            .select((cr::client_roles, cr::client_org_form, count_star()))
            .load(conn)?,
    };
    let mut counts: Vec<KindCount> = all
        .into_iter()
        .map(|(roles, form, clients)| {
            let on = attached.iter().find(|(r, f, _)| *r == roles && *f == form).map_or(0, |(_, _, n)| *n);
            KindCount { kind: ClientKind::read(roles, form), clients, attached: on }
        })
        .collect();
    counts.sort_by(|a, b| a.kind.cmp(&b.kind));
    Ok(counts)
}

/// One of the facilitator's clients as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedClient {
    pub org_no: String,
    pub name: String,
    /// The form of organisation, which some relations' packages depend on.
    pub org_form: String,
    /// It is attached to the system user listed for.
    pub attached: bool,
    /// The codes of its relation roles with the facilitator.
    pub roles: Vec<String>,
}

/// Which clients a page lists.
#[derive(Debug, Clone, Copy)]
pub enum Listed<'a> {
    /// Those attached, and those of the kinds given.
    AttachedOr(&'a [ClientKind]),
    Attached,
    /// Those of the kinds given that are not attached.
    UnattachedOf(&'a [ClientKind]),
}

/// The row is of one of the kinds.
fn of_kinds<'a>(kinds: &[ClientKind]) -> Option<ListingCondition<'a>> {
    kinds.iter().map(ClientKind::matches).reduce(|a, b| Box::new(a.or(b)))
}

/// One page of the facilitator's clients in Norwegian name order, each with whether it is
/// attached and its relation roles. It is read along the listing index, so it costs a
/// page's worth of rows however many clients there are.
pub fn page_of_clients(
    conn: &mut DbConnection,
    facilitator: &str,
    system_user_id: &str,
    filter: &ClientFilter,
    listed: Listed,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ListedClient>> {
    let attached = || {
        exists(cd::table.filter(cd::system_user_id.eq(system_user_id)).filter(cd::client_org_no.eq(cr::client_org_no)))
    };
    let condition: ListingCondition = match listed {
        Listed::Attached => Box::new(attached()),
        Listed::AttachedOr(kinds) => match of_kinds(kinds) {
            Some(of) => Box::new(attached().or(of)),
            None => Box::new(attached()),
        },
        Listed::UnattachedOf(kinds) => match of_kinds(kinds) {
            Some(of) => Box::new(not(attached()).and(of)),
            None => return Ok(Vec::new()),
        },
    };
    let query = listing(facilitator, filter)
        .filter(condition)
        .order((cr::client_sort, cr::client_org_no))
        .offset(offset)
        .limit(limit)
        .select((cr::client_org_no, cr::client_name, cr::client_org_form, attached(), cr::client_roles));
    let rows: Vec<(String, String, String, bool, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(org_no, name, org_form, attached, roles)| ListedClient {
            org_no,
            name,
            org_form,
            attached,
            roles: split(&roles),
        })
        .collect())
}

type Condition<'a> = Box<dyn BoxableExpression<org::table, Backend, SqlType = Bool> + 'a>;

/// The client has a relation to the facilitator that gives the package under `carrier`.
fn given_by<'a>(facilitator: &'a str, carrier: &Carrier) -> Condition<'a> {
    let relation = exists(
        cr::table
            .filter(cr::facilitator_org_no.eq(facilitator))
            .filter(cr::client_org_no.eq(org::org_no))
            .filter(cr::role_code.eq(carrier.role_code.clone())),
    );
    match &carrier.org_forms {
        Some(forms) => Box::new(relation.and(org::org_form.eq_any(forms.clone()))),
        None => Box::new(relation),
    }
}

/// Clients matching the filter, not yet attached, that have given the facilitator every
/// package: for each entry of `packages`, through one of its carriers. In org number order
/// from `from` on, at most `limit` of them.
pub fn eligible_unattached(
    conn: &mut DbConnection,
    facilitator: &str,
    system_user_id: &str,
    filter: &ClientFilter,
    packages: &[Vec<Carrier>],
    from: Option<&str>,
    limit: Option<i64>,
) -> QueryResult<Vec<Organisation>> {
    if packages.iter().any(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let mut query = unattached_query(facilitator, system_user_id, filter);
    for carriers in packages {
        let any = carriers.iter().map(|c| given_by(facilitator, c)).reduce(|a, b| Box::new(a.or(b)));
        if let Some(any) = any {
            query = query.filter(any);
        }
    }
    if let Some(from) = from {
        query = query.filter(org::org_no.ge(from.to_owned()));
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    query.order(org::org_no).select(Organisation::as_select()).load(conn)
}

/// The codes of the client's relation roles with the facilitator.
pub fn roles_with(conn: &mut DbConnection, facilitator: &str, client: &str) -> QueryResult<Vec<String>> {
    cr::table
        .filter(cr::facilitator_org_no.eq(facilitator))
        .filter(cr::client_org_no.eq(client))
        .select(cr::role_code)
        .load(conn)
}

/// Attaches clients; ones already attached are left as they are. Returns the new ones.
pub fn attach<'a>(conn: &mut DbConnection, rows: &'a [ClientDelegation]) -> QueryResult<Vec<&'a ClientDelegation>> {
    let mut added = Vec::new();
    for row in rows {
        if !is_attached(conn, &row.system_user_id, &row.client_org_no)? {
            diesel::insert_into(cd::table).values(row).execute(conn)?;
            added.push(row);
        }
    }
    Ok(added)
}

pub fn is_attached(conn: &mut DbConnection, system_user_id: &str, client: &str) -> QueryResult<bool> {
    let query = diesel::select(exists(
        cd::table.filter(cd::system_user_id.eq(system_user_id)).filter(cd::client_org_no.eq(client)),
    ));
    super::natively!(conn, |c| query.get_result(c))
}

pub fn detach(conn: &mut DbConnection, system_user_id: &str, client: &str) -> QueryResult<bool> {
    diesel::delete(cd::table.filter(cd::system_user_id.eq(system_user_id)).filter(cd::client_org_no.eq(client)))
        .execute(conn)
        .map(|n| n > 0)
}

/// Detaches every client of the system user; returns their org numbers.
pub fn detach_all(conn: &mut DbConnection, system_user_id: &str) -> QueryResult<Vec<String>> {
    let clients = cd::table.filter(cd::system_user_id.eq(system_user_id)).select(cd::client_org_no).load(conn)?;
    diesel::delete(cd::table.filter(cd::system_user_id.eq(system_user_id))).execute(conn)?;
    Ok(clients)
}

/// The first `limit` attached clients by name with their organisations.
pub fn attached(
    conn: &mut DbConnection,
    system_user_id: &str,
    limit: i64,
) -> QueryResult<Vec<(ClientDelegation, Organisation)>> {
    super::natively!(conn, |c| cd::table
        .inner_join(org::table)
        .filter(cd::system_user_id.eq(system_user_id))
        .order((org::name_sort, org::org_no))
        .limit(limit)
        .select((ClientDelegation::as_select(), Organisation::as_select()))
        .load(c))
}

/// One page of attached clients in id order from `from` on, for the vendor API.
pub fn attached_page(
    conn: &mut DbConnection,
    system_user_id: &str,
    from: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(ClientDelegation, Organisation)>> {
    let mut query = cd::table
        .inner_join(org::table)
        .filter(cd::system_user_id.eq(system_user_id))
        .order(cd::id)
        .limit(limit)
        .select((ClientDelegation::as_select(), Organisation::as_select()))
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(cd::id.ge(from.to_owned()));
    }
    query.load(conn)
}

/// The first `limit` clients attached to the agent system user, by name.
pub fn attached_by_name(conn: &mut DbConnection, system_user_id: &str, limit: i64) -> QueryResult<Vec<Organisation>> {
    cd::table
        .inner_join(org::table)
        .filter(cd::system_user_id.eq(system_user_id))
        .order((org::name_sort, org::org_no))
        .limit(limit)
        .select(Organisation::as_select())
        .load(conn)
}

/// Brings the planner's statistics up to date after a bulk attach, so the next page
/// query is not planned for an empty table.
pub fn refresh_statistics(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::connection::SimpleConnection::batch_execute(conn, "ANALYZE client_delegations")
}

/// Attaches clients none of which is attached yet, in multi-row inserts. A client
/// attached meanwhile makes the unique index refuse, and the caller's transaction fails.
pub fn attach_new(conn: &mut DbConnection, rows: &[ClientDelegation]) -> QueryResult<()> {
    super::insert_batches!(conn, cd::table, rows)
}

pub fn count_attached(conn: &mut DbConnection, system_user_id: &str) -> QueryResult<i64> {
    let query = cd::table.filter(cd::system_user_id.eq(system_user_id)).count();
    super::natively!(conn, |c| query.get_result(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    const FIRM: &str = "310000027";

    /// Every client of the firm matching the filter, `per_page` at a time, by kind.
    fn every_client(conn: &mut DbConnection, filter: &ClientFilter, per_page: i64) -> Vec<ListedClient> {
        let kinds: Vec<ClientKind> = kinds(conn, FIRM, "none", filter).unwrap().into_iter().map(|k| k.kind).collect();
        let mut listed = Vec::new();
        for page in 0.. {
            let found =
                page_of_clients(conn, FIRM, "none", filter, Listed::UnattachedOf(&kinds), page * per_page, per_page)
                    .unwrap();
            if found.is_empty() {
                return listed;
            }
            listed.extend(found);
        }
        unreachable!()
    }

    #[test]
    fn every_client_is_listed_once_in_norwegian_order_with_its_roles_and_counted_by_kind() {
        let mut conn = demo_db();
        let everything = ClientFilter::default();
        // Every demo client's org number holds a 3: this search goes through the clients.
        let searched = ClientFilter { search: Some("3".into()) };
        let counted = |conn: &mut DbConnection, filter| -> i64 {
            kinds(conn, FIRM, "none", filter).unwrap().iter().map(|k| k.clients).sum()
        };
        let total = counted(&mut conn, &everything);
        assert_eq!(total, counted(&mut conn, &searched));
        let listed = every_client(&mut conn, &everything, 4);
        let names: Vec<String> = listed.iter().map(|c| c.name.clone()).collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|n| sort_key(n));
        sorted.dedup();
        assert_eq!(names, sorted, "by name, each once (FLITTIG NØYSOM BIE AS has two relations)");
        assert_eq!(names.last().unwrap(), "ÆRLIG BRED SEL AS", "Æ after Z");
        assert_eq!(names.len() as i64, total);
        let roles = |clients: Vec<ListedClient>| -> Vec<(String, Vec<String>)> {
            clients.into_iter().map(|c| (c.name, c.roles)).collect()
        };
        let searched = roles(every_client(&mut conn, &searched, 100));
        assert_eq!(searched, roles(listed), "a search lists the same clients with the same roles");
        let bie = searched.iter().find(|(name, _)| name == "FLITTIG NØYSOM BIE AS").unwrap();
        assert_eq!(bie.1, ["REGNSKAPSFORER", "REVISOR"]);
    }

    #[test]
    fn the_migrations_sort_key_is_the_one_the_portal_writes() {
        let mut conn = demo_db();
        let names =
            [("390000011", "Øvre Ås Bärum AS"), ("390000012", "ÆRØ ÖLAND ÅSEN"), ("390000013", "blåbær og tøy")];
        for (org_no, name) in names {
            crate::db::parties::insert_organisation(&mut conn, &Organisation::new(org_no, name)).unwrap();
            insert_relation(&mut conn, FIRM, org_no, "REGNSKAPSFORER").unwrap();
        }
        let keys = |conn: &mut DbConnection| -> Vec<(String, String)> {
            cr::table.select((cr::client_org_no, cr::client_sort)).order(cr::client_org_no).load(conn).unwrap()
        };
        let written = keys(&mut conn);
        assert!(written.contains(&("390000012".to_owned(), "[R\\ \\LAND ]SEN".to_owned())), "{written:?}");
        let migration = include_str!("../../migrations/sqlite/2026-12-02-000015_client_order/up.sql");
        let update = migration.split(';').find(|s| s.contains("UPDATE client_relations SET client_sort")).unwrap();
        diesel::sql_query(update).execute(&mut conn).unwrap();
        assert_eq!(keys(&mut conn), written, "the migration fills the key the portal keeps");
    }

    #[test]
    fn norwegian_names_sort_ae_oe_aa_after_z_on_the_listing() {
        let mut conn = demo_db();
        for (org_no, name) in
            [("390000001", "ÅS AS"), ("390000002", "ØRE AS"), ("390000003", "ÆRE AS"), ("390000004", "ZETA AS")]
        {
            crate::db::parties::insert_organisation(&mut conn, &Organisation::new(org_no, name)).unwrap();
            insert_relation(&mut conn, FIRM, org_no, "REGNSKAPSFORER").unwrap();
        }
        let names: Vec<String> = every_client(&mut conn, &ClientFilter::default(), 100)
            .into_iter()
            .filter(|c| c.org_no.starts_with("39000000"))
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["ZETA AS", "ÆRE AS", "ØRE AS", "ÅS AS"]);
    }

    #[test]
    fn the_listing_follows_relations_added_removed_and_the_clients_form() {
        let mut conn = demo_db();
        let listed = |conn: &mut DbConnection, client: &str| -> Vec<(String, Vec<String>)> {
            every_client(conn, &ClientFilter::default(), 100)
                .into_iter()
                .filter(|c| c.org_no == client)
                .map(|c| (c.org_form, c.roles))
                .collect()
        };
        // The counts kept by kind are those of the clients themselves (every demo org
        // number holds a 3, so that search counts through all of them).
        let kept_as_counted = |conn: &mut DbConnection| {
            let kept = kinds(conn, FIRM, "none", &ClientFilter::default()).unwrap();
            assert_eq!(kept, kinds(conn, FIRM, "none", &ClientFilter { search: Some("3".into()) }).unwrap());
            kept.len()
        };
        let kinds_at_first = kept_as_counted(&mut conn);
        assert_eq!(listed(&mut conn, "310000043"), [("AS".to_owned(), vec!["REGNSKAPSFORER".to_owned()])]);
        // An earlier role's row becomes the one listed, carrying both.
        insert_relation(&mut conn, FIRM, "310000043", "FORRETNINGSFORER").unwrap();
        let both = vec!["FORRETNINGSFORER".to_owned(), "REGNSKAPSFORER".to_owned()];
        assert_eq!(listed(&mut conn, "310000043"), [("AS".to_owned(), both)]);
        assert_eq!(kept_as_counted(&mut conn), kinds_at_first + 1, "a kind of its own");
        delete_relation(&mut conn, FIRM, "310000043", "FORRETNINGSFORER").unwrap();
        assert_eq!(listed(&mut conn, "310000043"), [("AS".to_owned(), vec!["REGNSKAPSFORER".to_owned()])]);
        rename_client(&mut conn, "310000043", "LYSTIG ROLIG ELG ESEK", "ESEK").unwrap();
        assert_eq!(listed(&mut conn, "310000043")[0].0, "ESEK");
        assert_eq!(kept_as_counted(&mut conn), kinds_at_first + 1, "a regnskapsfører client that is an ESEK");
        delete_relation(&mut conn, FIRM, "310000043", "REGNSKAPSFORER").unwrap();
        assert!(listed(&mut conn, "310000043").is_empty());
        assert_eq!(kept_as_counted(&mut conn), kinds_at_first, "no kind is kept with no client");
    }
}
