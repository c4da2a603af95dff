//! Tide tables for small harbours.

pub mod harbour;
pub mod tide;
