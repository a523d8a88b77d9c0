//! The `depeche` command line.

fn main() {}
