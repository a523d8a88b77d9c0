#![no_main]
//! Fuzz target `tbx`: see `depeche::fuzz::Target::Tbx` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Tbx, data) {
        panic!("{violation}");
    }
});
