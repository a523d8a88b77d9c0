#![no_main]
//! Fuzz target `html`: see `depeche::fuzz::Target::Html` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Html, data) {
        panic!("{violation}");
    }
});
