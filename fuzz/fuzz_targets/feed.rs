#![no_main]
//! Fuzz target `feed`: see `depeche::fuzz::Target::Feed` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Feed, data) {
        panic!("{violation}");
    }
});
