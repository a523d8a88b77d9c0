#![no_main]
//! Fuzz target `csv`: see `depeche::fuzz::Target::Csv` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Csv, data) {
        panic!("{violation}");
    }
});
