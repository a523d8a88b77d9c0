#![no_main]
//! Fuzz target `xliff_read`: see `depeche::fuzz::Target::XliffRead` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::XliffRead, data) {
        panic!("{violation}");
    }
});
