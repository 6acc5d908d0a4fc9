//! Roles a person can hold for an organisation and what each role allows here.

/// A role for a party: ER roles (daglig leder) and Altinn roles (tilgangsstyrer, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    DagligLeder,
    Hovedadministrator,
    Tilgangsstyrer,
    Klientadministrator,
    Regnskapsforer,
    Lonnsinnsender,
    UtfyllerInnsender,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::DagligLeder,
        Role::Hovedadministrator,
        Role::Tilgangsstyrer,
        Role::Klientadministrator,
        Role::Regnskapsforer,
        Role::Lonnsinnsender,
        Role::UtfyllerInnsender,
    ];

    /// Roles that may create, approve, reject and delete system accesses for the party.
    pub const ACCESS_MANAGERS: [Role; 3] = [Role::DagligLeder, Role::Hovedadministrator, Role::Tilgangsstyrer];

    /// Roles that may assign other roles, named when a user lacks one.
    pub const ROLE_ASSIGNERS: [Role; 2] = [Role::DagligLeder, Role::Hovedadministrator];

    pub fn code(self) -> &'static str {
        match self {
            Role::DagligLeder => "DAGL",
            Role::Hovedadministrator => "HADM",
            Role::Tilgangsstyrer => "TILGANGSSTYRER",
            Role::Klientadministrator => "KLIENTADMINISTRATOR",
            Role::Regnskapsforer => "REGNSKAPSFORER",
            Role::Lonnsinnsender => "LONNSINNSENDER",
            Role::UtfyllerInnsender => "UTINN",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Key of the role's display name in the translation files.
    pub fn text_key(self) -> String {
        format!("role.{}", self.code())
    }

    pub fn is_access_manager(self) -> bool {
        Self::ACCESS_MANAGERS.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("NOPE"), None);
    }

    #[test]
    fn only_daglig_leder_hovedadministrator_and_tilgangsstyrer_manage_access() {
        for code in ["DAGL", "HADM", "TILGANGSSTYRER"] {
            assert!(Role::from_code(code).unwrap().is_access_manager(), "{code}");
        }
        for code in ["REGNSKAPSFORER", "LONNSINNSENDER", "UTINN", "KLIENTADMINISTRATOR"] {
            assert!(!Role::from_code(code).unwrap().is_access_manager(), "{code}");
        }
    }
}
