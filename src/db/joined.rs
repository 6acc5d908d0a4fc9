//! Texts of a group joined into one, as SQL spells it on each backend: SQLite's
//! `group_concat` and PostgreSQL's `string_agg` (SQLite before 3.44 knows only the
//! first). Lets a listing carry each row's few related codes in the same statement.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{Connection, QueryResult};

use super::DbConnection;

type Multi = <DbConnection as Connection>::Backend;

/// The group's texts joined by [`SEPARATOR`], in no set order; NULL for no rows.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct Joined<E>(E);

/// What separates the joined texts: not part of any code they join.
pub const SEPARATOR: char = ',';

pub fn joined<E: Expression<SqlType = Text>>(texts: E) -> Joined<E> {
    Joined(texts)
}

/// The codes a [`joined`] column held, none for NULL.
pub fn split(joined: Option<String>) -> Vec<String> {
    joined.map(|j| j.split(SEPARATOR).map(str::to_owned).collect()).unwrap_or_default()
}

impl<E: Expression<SqlType = Text>> Expression for Joined<E> {
    type SqlType = Nullable<Text>;
}

impl<E, GroupByClause> ValidGrouping<GroupByClause> for Joined<E> {
    type IsAggregate = is_aggregate::Yes;
}

impl<E: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for Joined<E> where Self: Expression {}

impl<E: SelectableExpression<QS>, QS> SelectableExpression<QS> for Joined<E> where Self: AppearsOnTable<QS> {}

fn walk<'b, DB: Backend, E: QueryFragment<DB>>(
    function: &str,
    texts: &'b E,
    mut out: AstPass<'_, 'b, DB>,
) -> QueryResult<()> {
    out.push_sql(function);
    out.push_sql("(");
    texts.walk_ast(out.reborrow())?;
    out.push_sql(", '");
    out.push_sql(SEPARATOR.encode_utf8(&mut [0; 4]));
    out.push_sql("')");
    Ok(())
}

impl<E: QueryFragment<Sqlite>> QueryFragment<Sqlite> for Joined<E> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        walk("group_concat", &self.0, out)
    }
}

impl<E: QueryFragment<Pg>> QueryFragment<Pg> for Joined<E> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        walk("string_agg", &self.0, out)
    }
}

impl<E> QueryFragment<Multi> for Joined<E>
where
    Self: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Multi>) -> QueryResult<()> {
        Multi::walk_variant_ast(self, pass)
    }
}
