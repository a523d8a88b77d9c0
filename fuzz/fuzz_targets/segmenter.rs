#![no_main]
//! Fuzz target `segmenter`: see `depeche::fuzz::Target::Segmenter` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::Segmenter, data) {
        panic!("{violation}");
    }
});
