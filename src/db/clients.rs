//! Clients of facilitators (accounting firms) and the clients attached to agent system
//! users. Search, filtering and paging happen here, in SQL, so a firm with thousands
//! of clients costs a handful of queries per page.

use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use diesel::expression::BoxableExpression;
use diesel::sql_types::Bool;

use super::DbConnection;
use super::joined::{SEPARATOR, joined, split};
use super::packages::Carrier;
use super::parties::Organisation;
use super::schema::{client_delegations as cd, client_relations as cr, organisations as org, system_users as su};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cd)]
pub struct ClientDelegation {
    pub id: String,
    pub system_user_id: String,
    pub client_org_no: String,
    pub created: NaiveDateTime,
    pub created_by: String,
}

/// Records a relation, keeping the client's name and form with it and counting a new
/// client for the facilitator (the client listing reads them).
pub fn insert_relation(conn: &mut DbConnection, facilitator: &str, client: &str, role_code: &str) -> QueryResult<()> {
    let (name, form): (String, String) = org::table.find(client).select((org::name, org::org_form)).first(conn)?;
    let known: bool = diesel::select(exists(
        cr::table.filter(cr::facilitator_org_no.eq(facilitator)).filter(cr::client_org_no.eq(client)),
    ))
    .get_result(conn)?;
    diesel::insert_into(cr::table)
        .values((
            cr::facilitator_org_no.eq(facilitator),
            cr::client_org_no.eq(client),
            cr::role_code.eq(role_code),
            cr::client_name.eq(name),
            cr::client_org_form.eq(form),
        ))
        .execute(conn)?;
    if !known {
        diesel::update(org::table.find(facilitator)).set(org::client_count.eq(org::client_count + 1)).execute(conn)?;
    }
    mark_roles(conn, facilitator, client)
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

/// Removes a relation; the facilitator counts one client less when it was the last.
pub fn delete_relation(conn: &mut DbConnection, facilitator: &str, client: &str, role_code: &str) -> QueryResult<()> {
    let pair = cr::table.filter(cr::facilitator_org_no.eq(facilitator)).filter(cr::client_org_no.eq(client));
    let removed = diesel::delete(pair.filter(cr::role_code.eq(role_code))).execute(conn)?;
    let left: bool = diesel::select(exists(pair)).get_result(conn)?;
    if removed > 0 && !left {
        diesel::update(org::table.find(facilitator)).set(org::client_count.eq(org::client_count - 1)).execute(conn)?;
    }
    mark_roles(conn, facilitator, client)
}

/// Keeps the name and form stored with the client's relations the register's.
pub fn rename_client(conn: &mut DbConnection, client: &str, name: &str, org_form: &str) -> QueryResult<()> {
    diesel::update(cr::table.filter(cr::client_org_no.eq(client)))
        .set((cr::client_name.eq(name), cr::client_org_form.eq(org_form)))
        .execute(conn)
        .map(drop)
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

/// Which of the facilitator's clients a listing shows.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    /// A search key (lower case, no spaces) matched inside names and org numbers.
    pub search: Option<String>,
    /// Leave out clients already attached to this system user.
    pub hide_added: bool,
}

impl ClientFilter {
    /// Whether every client is shown.
    fn is_everything(&self) -> bool {
        !self.hide_added && self.search.as_deref().is_none_or(str::is_empty)
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

/// The facilitator's clients matching the filter, as a boxed query to page or count.
fn clients_query<'a>(facilitator: &'a str, system_user_id: &'a str, filter: &ClientFilter) -> OrgQuery<'a> {
    let mut query = org::table
        .filter(org::org_no.eq_any(cr::table.filter(cr::facilitator_org_no.eq(facilitator)).select(cr::client_org_no)))
        .into_boxed();
    if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        let pattern = contains_pattern(search);
        query =
            query.filter(org::search_key.like(pattern.clone()).escape('\\').or(org::org_no.like(pattern).escape('\\')));
    }
    if filter.hide_added {
        query = query.filter(not(exists(
            cd::table.filter(cd::system_user_id.eq(system_user_id)).filter(cd::client_org_no.eq(org::org_no)),
        )));
    }
    query
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

/// One page of the facilitator's clients by name, each with whether it is attached and
/// its relation roles. Unfiltered, the page is read from the relations' listing index,
/// one row a client (its first role's, which carries the client's name, form and every
/// role), so it costs a page's worth of rows however many clients there are; a search or
/// hiding the attached ones goes through the matching clients and joins each one's roles.
pub fn page_of_clients(
    conn: &mut DbConnection,
    facilitator: &str,
    system_user_id: &str,
    filter: &ClientFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ListedClient>> {
    if filter.is_everything() {
        let attached = exists(
            cd::table.filter(cd::system_user_id.eq(system_user_id)).filter(cd::client_org_no.eq(cr::client_org_no)),
        );
        let query = cr::table
            .filter(cr::facilitator_org_no.eq(facilitator))
            .filter(cr::first_role.eq(true))
            .order((cr::client_name, cr::client_org_no))
            .offset(offset)
            .limit(limit)
            .select((cr::client_org_no, cr::client_name, cr::client_org_form, attached, cr::client_roles.nullable()));
        let rows: Vec<Row> = super::natively!(conn, |c| query.load(c))?;
        return Ok(rows.into_iter().map(listed).collect());
    }
    let rel = diesel::alias!(cr as rel);
    let attached =
        exists(cd::table.filter(cd::system_user_id.eq(system_user_id)).filter(cd::client_org_no.eq(org::org_no)));
    let roles = rel
        .filter(rel.field(cr::facilitator_org_no).eq(facilitator))
        .filter(rel.field(cr::client_org_no).eq(org::org_no))
        .select(joined(rel.field(cr::role_code)))
        .single_value();
    let rows: Vec<Row> = clients_query(facilitator, system_user_id, filter)
        .order((org::name, org::org_no))
        .offset(offset)
        .limit(limit)
        .select((org::org_no, org::name, org::org_form, attached, roles))
        .load(conn)?;
    Ok(rows.into_iter().map(listed).collect())
}

/// A listed client as read: number, name, form, attached, its roles joined.
type Row = (String, String, String, bool, Option<String>);

fn listed((org_no, name, org_form, attached, roles): Row) -> ListedClient {
    ListedClient { org_no, name, org_form, attached, roles: split(roles) }
}

/// How many of the facilitator's clients the filter shows; unfiltered, the count kept
/// with the facilitator.
pub fn count_clients(
    conn: &mut DbConnection,
    facilitator: &str,
    system_user_id: &str,
    filter: &ClientFilter,
) -> QueryResult<i64> {
    if filter.is_everything() {
        let query = org::table.find(facilitator).select(org::client_count);
        return Ok(super::natively!(conn, |c| query.first(c).optional())?.unwrap_or(0));
    }
    clients_query(facilitator, system_user_id, filter).count().get_result(conn)
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
    let filter = ClientFilter { hide_added: true, ..filter.clone() };
    let mut query = clients_query(facilitator, system_user_id, &filter);
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
        .order((org::name, org::org_no))
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
        .order((org::name, org::org_no))
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

    #[test]
    fn every_client_is_listed_once_by_name_with_its_roles_and_counted_as_kept() {
        let mut conn = demo_db();
        let everything = ClientFilter::default();
        // Every demo client's org number holds a 3: this search goes through the clients.
        let searched = ClientFilter { search: Some("3".into()), hide_added: false };
        let total = count_clients(&mut conn, FIRM, "none", &everything).unwrap();
        assert_eq!(total, count_clients(&mut conn, FIRM, "none", &searched).unwrap());
        let mut listed = Vec::new();
        for page in 0..(total + 3) / 4 {
            listed.extend(page_of_clients(&mut conn, FIRM, "none", &everything, page * 4, 4).unwrap());
        }
        let names: Vec<String> = listed.iter().map(|c| c.name.clone()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted, "by name, each once (FLITTIG NØYSOM BIE AS has two relations)");
        assert_eq!(names.len() as i64, total);
        let roles = |clients: Vec<ListedClient>| -> Vec<(String, Vec<String>)> {
            clients
                .into_iter()
                .map(|mut c| {
                    c.roles.sort();
                    (c.name, c.roles)
                })
                .collect()
        };
        let searched = roles(page_of_clients(&mut conn, FIRM, "none", &searched, 0, 100).unwrap());
        assert_eq!(searched, roles(listed), "a search lists the same clients with the same roles");
        let bie = searched.iter().find(|(name, _)| name == "FLITTIG NØYSOM BIE AS").unwrap();
        assert_eq!(bie.1, ["REGNSKAPSFORER", "REVISOR"]);
    }

    #[test]
    fn the_listing_follows_relations_added_removed_and_the_clients_form() {
        let mut conn = demo_db();
        let listed = |conn: &mut DbConnection, client: &str| -> Vec<(String, Vec<String>)> {
            page_of_clients(conn, FIRM, "none", &ClientFilter::default(), 0, 100)
                .unwrap()
                .into_iter()
                .filter(|c| c.org_no == client)
                .map(|c| (c.org_form, c.roles))
                .collect()
        };
        assert_eq!(listed(&mut conn, "310000043"), [("AS".to_owned(), vec!["REGNSKAPSFORER".to_owned()])]);
        // An earlier role's row becomes the one listed, carrying both.
        insert_relation(&mut conn, FIRM, "310000043", "FORRETNINGSFORER").unwrap();
        let both = vec!["FORRETNINGSFORER".to_owned(), "REGNSKAPSFORER".to_owned()];
        assert_eq!(listed(&mut conn, "310000043"), [("AS".to_owned(), both)]);
        delete_relation(&mut conn, FIRM, "310000043", "FORRETNINGSFORER").unwrap();
        assert_eq!(listed(&mut conn, "310000043"), [("AS".to_owned(), vec!["REGNSKAPSFORER".to_owned()])]);
        rename_client(&mut conn, "310000043", "LYSTIG ROLIG ELG ESEK", "ESEK").unwrap();
        assert_eq!(listed(&mut conn, "310000043")[0].0, "ESEK");
        delete_relation(&mut conn, FIRM, "310000043", "REGNSKAPSFORER").unwrap();
        assert!(listed(&mut conn, "310000043").is_empty());
    }
}
