//! The portal's pages that the API links to, each spelled once: the page's own route and
//! the links vendors send people to (`confirmUrl`) are made from the same words.

/// Where people land: pending requests and the party's system accesses.
pub const OVERVIEW: &str = "/accessmanagement/ui/systemuser/overview";
/// A vendor's request for a standard system user, `?id=`.
pub const REQUEST: &str = "/accessmanagement/ui/systemuser/request";
/// A vendor's request for an agent (client) system user, `?id=`.
pub const AGENT_REQUEST: &str = "/accessmanagement/ui/systemuser/agentrequest";
/// A vendor's change request, `?id=`.
pub const CHANGE_REQUEST: &str = "/accessmanagement/ui/systemuser/changerequest";
