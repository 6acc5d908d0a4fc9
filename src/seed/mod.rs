//! Data that is not the register's: the guide's demo cast, and generated data at scale
//! for benchmarks and trying large pages.

pub mod demo;
pub mod firm;
pub mod scale;
