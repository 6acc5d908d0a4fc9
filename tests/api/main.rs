//! Integration tests: the real server on port 0, on SQLite and on PostgreSQL.

mod helpers;
#[path = "../oidc/provider.rs"]
mod provider;

mod assertions;
mod change_requests;
mod clients;
mod create;
mod details;
mod integration;
mod login;
mod oidc_login;
mod overview;
mod security;
mod startup;
mod system_register;
mod trusted_issuer;
mod vendor_api;
mod vendor_request;
