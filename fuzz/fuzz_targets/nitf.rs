#![no_main]
//! Fuzz target `nitf`: see `depeche::fuzz::Target::Nitf` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Nitf, data) {
        panic!("{violation}");
    }
});
