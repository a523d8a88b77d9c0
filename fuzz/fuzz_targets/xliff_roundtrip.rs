#![no_main]
//! Fuzz target `xliff_roundtrip`: see `depeche::fuzz::Target::XliffRoundTrip` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::XliffRoundTrip, data) {
        panic!("{violation}");
    }
});
