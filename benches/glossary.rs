//! Glossary benchmark: load time of a 20,000-concept TBX and matching
//! throughput on French news text, one thread.
//!
//! Run with `cargo bench --bench glossary`. Targets: load < 0.5 s,
//! matching >= 50 MB/s, and load and matcher build growing linearly with
//! the number of concepts (20,000 against 80,000).

// A benchmark writes its own input files directly.
#![allow(clippy::disallowed_methods)]
// A benchmark binary: a failed setup step should stop it loudly.
#![allow(clippy::expect_used)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use depeche::glossary::Glossary;

/// French news text: the reference article and WMT defence sentences.
const TEXT: &str = "L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN DE COOPERATION EN MATIERE DE DEFENSE JUSQU’EN 2027
Les ministères de la Défense de l’Azerbaïdjan et du Royaume-Uni ont signé un plan bilatéral de coopération pour la période allant jusqu’en 2027, a annoncé l’ambassade britannique à Bakou, citée par Caliber.Az. Le document prévoit un partenariat stratégique dans les domaines de la formation militaire, de la cybersécurité, du renforcement des capacités défensives et de la lutte contre le terrorisme. Les deux pays entendent moderniser leurs forces armées et renforcer les échanges entre les pays membres de l’OTAN et leurs partenaires. Selon la représentation diplomatique, la sécurité régionale reste une priorité, sans remettre en cause les alliances militaires existantes.
Le ministre de la Défense, Rob Nicholson, a insisté pour dire que les soldats blessés n'étaient pas renvoyés de l'armée avant d'avoir reçu les soins nécessaires. La NSA met en cause une « erreur interne » et non des pirates informatiques pour la panne de son site. Raid aérien contre des installations militaires en Syrie. RDC : l'armée attaque le dernier fief des rebelles du M23, selon un porte-parole du gouvernement. L'envoyé spécial de l'ONU à Kaboul se retire après deux années de mission. Gates : l'Iran doit subir des sanctions supplémentaires s'il ne ramène pas son programme nucléaire en totale conformité avec le Conseil de sécurité. Le gouvernement n'a émis aucune objection aux vols de la CIA, selon un télégramme de l'ambassadeur des États-Unis à Madrid. Défense de fumer dans les locaux de l'état-major, rappelle le règlement intérieur du quartier général.
";

/// Deterministic pseudo-random numbers (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let n = usize::try_from(self.next() % items.len() as u64).unwrap_or(0);
        items.get(n).copied().unwrap_or("x")
    }
}

/// A TBX of `n` concepts: terms of one to four words. Each word is taken
/// from the benchmark text with probability `text_share`, else made of
/// French-like syllables (a word the text does not contain).
fn generate_tbx(n: usize, text_share: u64) -> String {
    let text_words: Vec<&str> =
        TEXT.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() > 3).collect();
    const SYLLABLES: &[&str] = &[
        "ba", "cor", "de", "fu", "ga", "li", "mon", "né", "por", "qua", "ri", "sé", "tal", "vi",
        "zan", "ché", "blo", "cri", "dra", "flu",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut seen = std::collections::HashSet::new();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<martif type=\"TBX-Basic\" xml:lang=\"fr\"><text><body>\n",
    );
    let mut id = 0;
    while id < n {
        let words = 1 + usize::try_from(rng.next() % 4).unwrap_or(0);
        let mut term = String::new();
        for w in 0..words {
            if w > 0 {
                term.push(' ');
            }
            if rng.next() % 100 < text_share {
                term.push_str(rng.pick(&text_words));
            } else {
                for _ in 0..(2 + rng.next() % 3) {
                    term.push_str(rng.pick(SYLLABLES));
                }
            }
        }
        if !seen.insert(term.to_lowercase()) {
            continue;
        }
        let domain = if id % 2 == 0 { "defence" } else { "diplomacy" };
        let _ = writeln!(
            out,
            "<termEntry id=\"g{id}\"><descrip type=\"subjectField\">{domain}</descrip>\
             <langSet xml:lang=\"fr\"><tig><term>{term}</term></tig></langSet>\
             <langSet xml:lang=\"en-GB\"><tig><term>term {id} gb</term></tig></langSet>\
             <langSet xml:lang=\"en-US\"><tig><term>term {id} us</term></tig></langSet>\
             <langSet xml:lang=\"de\"><tig><term>Begriff {id}</term></tig></langSet>\
             </termEntry>"
        );
        id += 1;
    }
    out.push_str("</body></text></martif>\n");
    out
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        last = Some(v);
    }
    (best, last.expect("at least one run"))
}

/// Loads `paths`, builds an en-GB matcher and times matching over about
/// 8 MB of text, one paragraph-sized piece per call as the pipeline calls
/// it per segment.
fn run(label: &str, paths: &[&std::path::Path]) {
    let (load, glossary) = best_of(5, || Glossary::load(paths).expect("load"));
    let (build, matcher) = best_of(5, || glossary.matcher("en-GB"));
    let pieces: Vec<&str> = TEXT.lines().filter(|l| !l.is_empty()).collect();
    let per_round: usize = pieces.iter().map(|p| p.len()).sum();
    let rounds = 8_000_000 / per_round + 1;
    let bytes = per_round * rounds;
    let (elapsed, hits) = best_of(5, || {
        let mut hits = 0usize;
        for _ in 0..rounds {
            for p in &pieces {
                hits += black_box(matcher.find(black_box(p))).len();
            }
        }
        hits
    });
    println!(
        "{label}: {} concepts; load {:.1} ms, matcher build {:.1} ms; \
         matching {:.1} MB in {:.3} s = {:.1} MB/s, one hit per {} bytes",
        glossary.len(),
        load.as_secs_f64() * 1e3,
        build.as_secs_f64() * 1e3,
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        bytes / hits.max(1),
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("glossaries");
    let real = Glossary::load(&[&shipped]).expect("load glossaries/").len();

    // News mix: the shipped termbases plus synthetic concepts up to 20,000
    // that the text does not contain, as most of a large termbase is absent
    // from any one article: a trie and vocabulary of full size, hits as
    // dense as real terminology gives.
    let mix = dir.path().join("mix.tbx");
    let tbx = generate_tbx(20_000 - real, 0);
    std::fs::write(&mix, &tbx).expect("write the generated TBX");
    println!("generated TBX: {:.1} MB", tbx.len() as f64 / 1e6);
    run("news mix (shipped + synthetic)", &[&shipped, &mix]);

    // Stress: half of all words are words of the text, so nearly every
    // content word of the text is a term.
    let stress = dir.path().join("stress.tbx");
    std::fs::write(&stress, generate_tbx(20_000, 50)).expect("write the generated TBX");
    run("stress (every word a term)", &[&stress]);

    run("shipped glossaries only", &[&shipped]);

    // Growth: load and matcher build at 20,000 and 80,000 concepts. Linear
    // work takes about 4 times as long for 4 times the concepts; the
    // quadratic build of issue #15 took 1.0 s and 14 s.
    for n in [20_000, 80_000] {
        let path = dir.path().join(format!("growth-{n}.tbx"));
        std::fs::write(&path, generate_tbx(n, 0)).expect("write the generated TBX");
        let (load, glossary) = best_of(3, || Glossary::load(&[&path]).expect("load"));
        let (build, _) = best_of(3, || glossary.matcher("en-GB"));
        println!(
            "growth: {n} concepts: load {:.0} ms, matcher build {:.0} ms ({:.2} µs per concept)",
            load.as_secs_f64() * 1e3,
            build.as_secs_f64() * 1e3,
            build.as_secs_f64() * 1e6 / n as f64,
        );
    }
}
