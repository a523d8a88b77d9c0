#![no_main]
//! Fuzz target `matcher`: see `depeche::fuzz::Target::Matcher` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Matcher, data) {
        panic!("{violation}");
    }
});
