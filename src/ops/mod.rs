//! What operators watch: the log (each line with its request's id), Prometheus metrics,
//! and the health checks load balancers probe.

pub mod health;
pub mod logging;
pub mod metrics;
