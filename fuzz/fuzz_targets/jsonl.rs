#![no_main]
//! Fuzz target `jsonl`: see `depeche::fuzz::Target::JsonLines` for the input and the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = depeche::fuzz::run(depeche::fuzz::Target::JsonLines, data) {
        panic!("{violation}");
    }
});
