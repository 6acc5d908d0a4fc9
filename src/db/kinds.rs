//! The closed sets of values some columns hold, as enums that diesel stores as text on
//! both backends: a request's status and a system user's type.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// A request's status, with the wire values Altinn uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum RequestStatus {
    New,
    Accepted,
    Rejected,
    Denied,
    Timedout,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 5] = [Self::New, Self::Accepted, Self::Rejected, Self::Denied, Self::Timedout];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Accepted => "Accepted",
            Self::Rejected => "Rejected",
            Self::Denied => "Denied",
            Self::Timedout => "Timedout",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Key of the status's name in the translation files.
    pub fn text_key(self) -> String {
        format!("status.{}", self.as_str())
    }
}

/// Whether a system user acts for its own party, or for the clients of its party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum UserType {
    #[default]
    Standard,
    Agent,
}

impl UserType {
    pub const ALL: [UserType; 2] = [Self::Standard, Self::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Standard => "standard",
            UserType::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Stores and reads an enum as its text, refusing a stored value it does not know.
macro_rules! text_column {
    ($($kind:ty),*) => {$(
        impl<DB> ToSql<Text, DB> for $kind
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> FromSql<Text, DB> for $kind
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let stored = String::from_sql(bytes)?;
                Self::parse(&stored).ok_or_else(|| format!("unknown {} {stored:?}", stringify!($kind)).into())
            }
        }
    )*};
}
text_column!(RequestStatus, UserType);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_their_text() {
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
        }
        for kind in UserType::ALL {
            assert_eq!(UserType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RequestStatus::parse("new"), None);
    }
}
