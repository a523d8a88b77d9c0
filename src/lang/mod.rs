//! Language data and morphology the checks and the repair share.

pub mod en;
