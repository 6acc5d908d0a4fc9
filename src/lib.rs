//! Systemtilgang: a portal and vendor API for system access in the style of Altinn.
//!
//! Layers point one way: [`web`] (HTML) and [`api`] (JSON) call [`domain`] (rules),
//! which calls [`db`] (schema and queries).

pub mod api;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod oidc;
pub mod startup;
pub mod tokens;
pub mod trusted_issuer;
pub mod web;

rust_i18n::i18n!("locales", fallback = "nb");
