//! Provider throughput benchmark (placeholder until the server lands).

fn main() {}
