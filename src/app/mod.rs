//! What the handlers reach: the node's settings (`config`) and the state built from them
//! at start (`state`). The server that wires them to the routes (`server.rs`) stands above.

pub mod config;
pub mod state;
