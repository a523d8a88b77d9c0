#![no_main]
//! Fuzz target `text`: see `depeche::fuzz::Target::Text` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Text, data) {
        panic!("{violation}");
    }
});
