//! The portal as people use it, page by page over HTTP: the real server on port 0, on
//! SQLite and on PostgreSQL.

#[path = "../common/mod.rs"]
mod common;
#[path = "../oidc/provider.rs"]
mod provider;

mod activity;
mod clients;
mod create;
mod details;
mod languages;
mod login;
mod oidc_login;
mod overview;
mod production;
mod request_page;
mod return_paths;
mod security;
mod sessions;
mod startup;
mod users;
