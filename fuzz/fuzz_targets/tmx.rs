#![no_main]
//! Fuzz target `tmx`: see `depeche::fuzz::Target::Tmx` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Tmx, data) {
        panic!("{violation}");
    }
});
