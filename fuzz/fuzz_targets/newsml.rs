#![no_main]
//! Fuzz target `newsml`: see `depeche::fuzz::Target::NewsMl` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::NewsMl, data) {
        panic!("{violation}");
    }
});
