//! The vendor API, the token endpoint and decisions, as vendors and public services use
//! them: the real server on port 0, on SQLite and on PostgreSQL.

#[path = "../common/mod.rs"]
mod common;

mod activity_log;
mod assertions;
mod change_requests;
mod client_delegation;
mod health;
mod input_limits;
mod onboarding;
mod openapi;
mod register;
mod schemathesis;
mod scopes;
mod system_register;
mod token_limits;
mod tokens_and_decisions;
mod trusted_issuer;
mod vendor_api;
mod vendor_events;
#[path = "../webhooks/receiver.rs"]
mod webhooks;
