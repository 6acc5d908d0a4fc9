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
    Styreleder,
    Styremedlem,
    Revisor,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::DagligLeder,
        Role::Hovedadministrator,
        Role::Tilgangsstyrer,
        Role::Klientadministrator,
        Role::Regnskapsforer,
        Role::Lonnsinnsender,
        Role::UtfyllerInnsender,
        Role::Styreleder,
        Role::Styremedlem,
        Role::Revisor,
    ];

    /// Roles that may create, approve, reject and delete system accesses for the party.
    pub const ACCESS_MANAGERS: [Role; 3] = [Role::DagligLeder, Role::Hovedadministrator, Role::Tilgangsstyrer];

    /// Roles that may assign other roles, named when a user lacks one.
    pub const ROLE_ASSIGNERS: [Role; 2] = [Role::DagligLeder, Role::Hovedadministrator];

    /// Roles given and taken in the portal (Altinn's roles). The others come from the
    /// Enhetsregister and change only there.
    pub const GIVEN_IN_PORTAL: [Role; 5] = [
        Role::Hovedadministrator,
        Role::Tilgangsstyrer,
        Role::Klientadministrator,
        Role::Lonnsinnsender,
        Role::UtfyllerInnsender,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::DagligLeder => "DAGL",
            Role::Hovedadministrator => "HADM",
            Role::Tilgangsstyrer => "TILGANGSSTYRER",
            Role::Klientadministrator => "KLIENTADMINISTRATOR",
            Role::Regnskapsforer => "REGNSKAPSFORER",
            Role::Lonnsinnsender => "LONNSINNSENDER",
            Role::UtfyllerInnsender => "UTINN",
            Role::Styreleder => "LEDE",
            Role::Styremedlem => "MEDL",
            Role::Revisor => "REVISOR",
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

    pub fn is_given_in_portal(self) -> bool {
        Self::GIVEN_IN_PORTAL.contains(&self)
    }

    /// Whether a person holding `giver` may give (and take) this role: an access manager
    /// may pass on a portal role they hold themselves; daglig leder and hovedadministrator
    /// may give every portal role.
    pub fn may_be_given_by(self, giver: &[Role]) -> bool {
        let gives_all = giver.iter().any(|r| Self::ROLE_ASSIGNERS.contains(r));
        let manages = giver.iter().any(|r| r.is_access_manager());
        self.is_given_in_portal() && (gives_all || (manages && giver.contains(&self)))
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

    #[test]
    fn daglig_leder_and_hovedadministrator_give_every_portal_role_others_only_their_own() {
        for giver in [Role::DagligLeder, Role::Hovedadministrator] {
            let given: Vec<Role> = Role::ALL.into_iter().filter(|r| r.may_be_given_by(&[giver])).collect();
            assert_eq!(given, Role::GIVEN_IN_PORTAL, "{giver:?}");
        }
        let manager = [Role::Tilgangsstyrer, Role::Regnskapsforer];
        let given: Vec<Role> = Role::ALL.into_iter().filter(|r| r.may_be_given_by(&manager)).collect();
        assert_eq!(given, [Role::Tilgangsstyrer], "a register role is never given here, even by its holder");
        let employee = [Role::Lonnsinnsender, Role::Klientadministrator];
        assert!(Role::ALL.into_iter().all(|r| !r.may_be_given_by(&employee)), "only access managers give roles");
    }
}
