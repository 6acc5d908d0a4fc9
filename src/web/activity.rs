//! The organisation's activity log: filters by kind, person and period, pages that go on
//! from where the last ended, and the same as a CSV download.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::error_page::PageError;
use super::{Layout, Visitor, ok};
use crate::app::state::AppState;
use crate::domain::activity::{self, Asked, Entry};
use crate::domain::audit::By;
use crate::domain::people;
use crate::error::AppError;
use crate::i18n::{I18n, start_of_day_in_norway};

pub const ACTIVITY_LOG: &str = "/accessmanagement/ui/activitylog";

/// The filters, as the form sends them (empty fields are no filter).
#[derive(Debug, Default, Deserialize)]
pub struct Query {
    kind: Option<String>,
    person: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Where the page begins: the position the previous page ended at.
    after: Option<String>,
}

impl Query {
    fn asked(&self) -> Result<Asked, AppError> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let day = |v: &Option<String>| -> Result<Option<chrono::NaiveDate>, AppError> {
            given(v)
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|_| AppError::BadRequest(format!("`{d}` is not a date (YYYY-MM-DD)")))
                })
                .transpose()
        };
        Ok(Asked {
            kind: given(&self.kind).map(|k| activity::checked_kind(&k)).transpose()?,
            actor: given(&self.person),
            from: day(&self.from)?.map(start_of_day_in_norway),
            until: day(&self.to)?.and_then(|d| d.succ_opt()).map(start_of_day_in_norway),
        })
    }

    fn after(&self) -> Result<Option<(NaiveDateTime, i64)>, AppError> {
        self.after.as_deref().filter(|a| !a.is_empty()).map(activity::read_position).transpose()
    }

    /// The filters as a query string (without `after`), for the next page and the download.
    fn kept(&self) -> String {
        let pairs = [("kind", &self.kind), ("person", &self.person), ("from", &self.from), ("to", &self.to)];
        pairs
            .iter()
            .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
            .map(|(k, v)| format!("{k}={}", crate::support::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

struct Row {
    at: String,
    /// For the `datetime` attribute.
    at_iso: String,
    kind: String,
    actor: String,
    subject: String,
    party: String,
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    i: I18n,
    layout: Layout,
    party_name: String,
    rows: Vec<Row>,
    kinds: Vec<(String, String)>,
    people: Vec<(String, String)>,
    kind: String,
    person: String,
    from: String,
    to: String,
    next: Option<String>,
    download: String,
    first_page: bool,
}

/// One entry in the page's words: when, what kind, by whom, what it concerned, for whom.
fn words(i: &I18n, e: &Entry) -> [String; 5] {
    let kind = i.t(&e.kind_key());
    let actor = if e.by_vendor() { i.t1("audit.by_vendor", &e.actor_name) } else { e.actor_name.clone() };
    let subject = match (&e.client, e.role) {
        (Some((name, org_no)), _) => format!("{} – {name} ({})", e.subject, super::org_number(org_no)),
        (None, Some(role)) => format!("{} – {}", e.subject, i.t(&role.text_key())),
        (None, None) => e.subject.clone(),
    };
    [i.datetime(&e.at), kind, actor, subject, e.party_name.clone()]
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<Query>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let (asked, after) = (query.asked()?, query.after()?);
    let (user, (page, members)) = visitor
        .with(&state, move |conn, actor| {
            let page = activity::page(conn, actor, &asked, after, activity::PAGE)?;
            Ok((page, people::members(conn, actor)?.0))
        })
        .await?;
    let i = I18n::current();
    let kept = query.kept();
    let joiner = if kept.is_empty() { "" } else { "&" };
    let next = page.next.map(|last| format!("{ACTIVITY_LOG}?{kept}{joiner}after={}", activity::position(last)));
    let party_name = user.actor.party()?.name.clone();
    let rows = page
        .entries
        .iter()
        .map(|e| {
            let [at, kind, actor, subject, party] = words(&i, e);
            Row { at, at_iso: e.at.and_utc().to_rfc3339(), kind, actor, subject, party }
        })
        .collect();
    let mut people: Vec<(String, String)> =
        members.into_iter().map(|m| (By::Person(&m.person.pid).stored(), m.person.name)).collect();
    people.push((By::Register.stored(), "Enhetsregisteret".into()));
    let title = i.t("activity.title");
    ok(&ActivityPage {
        layout: super::Layout::new(&user).at(&i, Vec::new(), title),
        party_name,
        rows,
        kinds: activity::KINDS
            .iter()
            .map(|k| (k.as_str().to_owned(), i.t(&activity::kind_key(k.as_str(), false))))
            .collect(),
        people,
        kind: query.kind.unwrap_or_default(),
        person: query.person.unwrap_or_default(),
        from: query.from.unwrap_or_default(),
        to: query.to.unwrap_or_default(),
        next,
        download: format!("{ACTIVITY_LOG}.csv{}{kept}", if kept.is_empty() { "" } else { "?" }),
        first_page: query.after.is_none(),
        i,
    })
}

/// A field as a spreadsheet should show it: text that would begin a formula (a vendor's
/// title is the vendor's to choose) is kept as text by a leading apostrophe.
fn cell(field: &str) -> std::borrow::Cow<'_, str> {
    match field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{field}").into(),
        false => field.into(),
    }
}

/// What the filters show, as CSV: UTF-8 with a byte order mark (so spreadsheets read
/// æ, ø and å right), a header row, `;` between fields as spreadsheets set to Norwegian
/// expect, every field quoted.
pub async fn download(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<Query>,
) -> Result<HttpResponse, PageError> {
    let asked = query.asked()?;
    let (user, entries) = visitor.with(&state, move |conn, actor| activity::all(conn, actor, &asked)).await?;
    let i = I18n::current();
    let header_row =
        ["activity.col_time", "activity.col_kind", "activity.col_actor", "activity.col_subject", "activity.col_party"]
            .map(|k| i.t(k));
    let mut csv = String::from("\u{feff}");
    for fields in std::iter::once(header_row).chain(entries.iter().map(|e| words(&i, e))) {
        let quoted: Vec<String> = fields.iter().map(|f| format!("\"{}\"", cell(f).replace('"', "\"\""))).collect();
        csv.push_str(&quoted.join(";"));
        csv.push_str("\r\n");
    }
    let org_no = user.actor.party()?.org_no.clone();
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"aktivitetslogg-{org_no}.csv\"")))
        .body(csv))
}
