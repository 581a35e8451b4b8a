//! The shared HTTP policy, from [`keyward_http`]: connectors reach it here
//! as `keyward_connectors::http`, and [`crate::ConnectorError`] converts
//! from its errors.

pub use keyward_http::*;
