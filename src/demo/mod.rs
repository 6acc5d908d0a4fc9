//! The demo's outside parties, served beside the portal in demo mode. They reach the
//! portal over HTTP only, as their real counterparts do: nothing here reads the rules or
//! the database.

pub mod skatteetaten;
