//! Glossary files, French-aware matching and terminology verification.

// Helpers here are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use depeche::glossary::{self, Glossary, Matcher};
use depeche::model::{Article, Paragraph, Role, Segment, Severity};
use depeche::qa;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn glossary() -> Glossary {
    Glossary::load(&[&root().join("glossaries")]).unwrap()
}

/// The errors `glossary check` would report.
fn errors(g: &Glossary) -> Vec<String> {
    g.check().iter().filter(|p| p.severity == Severity::Error).map(ToString::to_string).collect()
}

fn matcher() -> Matcher {
    glossary().matcher("en-GB")
}

#[test]
fn shipped_termbases_are_big_enough_and_pass_check() {
    let g = glossary();
    for domain in ["defence", "diplomacy"] {
        let d = g.with_domains(&[domain.to_string()]);
        assert!(d.len() >= 150, "{domain}: {} concepts", d.len());
        let multilingual = d
            .entries()
            .iter()
            .filter(|e| {
                ["de", "es"].iter().all(|l| e.resolve(l).expected.is_some()) && !e.do_not_translate
            })
            .count();
        assert!(multilingual >= 40, "{domain}: {multilingual} concepts with de and es");
    }
    let errors = errors(&g);
    assert!(errors.is_empty(), "{errors:#?}");
}

// See: #10
#[test]
fn the_politics_termbase_is_optional_and_loads_clean() {
    let default = glossary();
    assert!(default.entries().iter().all(|e| e.domain != "politics"));
    let both =
        Glossary::load(&[&root().join("glossaries"), &root().join("glossaries/optional")]).unwrap();
    let politics = both.with_domains(&["politics".to_string()]);
    assert!(politics.len() >= 250, "{} politics concepts", politics.len());
    assert_eq!(both.len(), default.len() + politics.len());
    let errors = errors(&both);
    assert!(errors.is_empty(), "{errors:#?}");
    let hits = both.matcher("en-GB").find("le sénateur a voté le projet de loi");
    let ids: Vec<_> = hits.iter().map(|h| h.entry.as_str()).collect();
    assert_eq!(ids, ["pol-senateur", "pol-projet-de-loi"]);
}

#[test]
fn country_specific_targets_follow_the_locale() {
    let g = glossary();
    let text = "Les ministères de la Défense de l’Azerbaïdjan et du Royaume-Uni ont signé un plan.";
    let gb = g.matcher("en-GB").find(text);
    let us = g.matcher("en-US").find(text);
    let de = g.matcher("de-DE").find(text);
    assert_eq!(gb[0].expected.as_deref(), Some("Ministry of Defence"));
    assert_eq!(us[0].expected.as_deref(), Some("Defense Ministry"));
    assert_eq!(de[0].expected.as_deref(), Some("Verteidigungsministerium"));
    let dod = g.matcher("en-GB").find("le département de la Défense américain");
    assert_eq!(dod[0].expected.as_deref(), Some("Department of Defense"));
    assert!(dod[0].forbidden.contains(&"Department of Defence".to_string()));
    let otan = g.matcher("en-GB").find("l'OTAN");
    assert_eq!((otan[0].expected.as_deref(), otan[0].do_not_translate), (Some("NATO"), false));
    let cal = g.matcher("es").find("citée par Caliber.Az");
    assert_eq!((cal[0].expected.as_deref(), cal[0].do_not_translate), (Some("Caliber.Az"), true));
}

/// (sentence, concept id, text the hit must cover). Sentences come from the
/// reference article, the WMT defence documents and French news.
const POSITIVE: &[(&str, &str, &str)] = &[
    // Case, and all-caps headlines without accents.
    (
        "L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN DE COOPERATION EN MATIERE DE DEFENSE JUSQU’EN 2027",
        "def-cooperation-en-matiere-de-defense",
        "COOPERATION EN MATIERE DE DEFENSE",
    ),
    ("L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN", "dip-azerbaidjan", "AZERBAÏDJAN"),
    ("L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN", "dip-royaume-uni", "ROYAUME-UNI"),
    ("LE MINISTERE DE LA DEFENSE DEMENT", "def-ministere-de-la-defense", "MINISTERE DE LA DEFENSE"),
    (
        "Alexandre Vondra, Ministre de la défense, ne fait rien.",
        "def-ministre-de-la-defense",
        "Ministre de la défense",
    ),
    // Elision with ’ and '.
    (
        "l’ambassade britannique à Bakou, citée par Caliber.Az",
        "dip-ambassade-britannique",
        "ambassade britannique",
    ),
    ("l’ambassade britannique à Bakou, citée par Caliber.Az", "dip-bakou", "Bakou"),
    ("l’ambassade britannique à Bakou, citée par Caliber.Az", "dip-caliber-az", "Caliber.Az"),
    (
        "L'ambassade allemande au Caire a refusé de faire tout commentaire.",
        "dip-ambassade",
        "ambassade",
    ),
    (
        "Les ministères de la Défense de l’Azerbaïdjan et du Royaume-Uni",
        "dip-azerbaidjan",
        "Azerbaïdjan",
    ),
    ("les forces d'Azerbaïdjan", "dip-azerbaidjan", "Azerbaïdjan"),
    (
        "Le Ministère de l'Intérieur ne s'occupe pas du marché des armes",
        "dip-ministere-de-l-interieur",
        "Ministère de l'Intérieur",
    ),
    (
        "Le Ministère de l’Intérieur ne s'occupe pas du marché",
        "dip-ministere-de-l-interieur",
        "Ministère de l’Intérieur",
    ),
    ("les pays membres de l’OTAN", "def-pays-membres-de-l-otan", "pays membres de l’OTAN"),
    ("la mission de l'OTAN en Afghanistan", "dip-mission-de-l-otan", "mission de l'OTAN"),
    // Plural and inflected forms.
    (
        "Les ministères de la Défense de l’Azerbaïdjan et du Royaume-Uni ont signé un plan bilatéral de coopération",
        "def-ministere-de-la-defense",
        "ministères de la Défense",
    ),
    (
        "ont signé un plan bilatéral de coopération",
        "dip-plan-bilateral-de-cooperation",
        "plan bilatéral de coopération",
    ),
    (
        "un partenariat stratégique entre les deux pays",
        "dip-partenariat-strategique",
        "partenariat stratégique",
    ),
    (
        "des partenariats stratégiques renforcés",
        "dip-partenariat-strategique",
        "partenariats stratégiques",
    ),
    ("dans le domaine de la formation militaire", "def-formation-militaire", "formation militaire"),
    ("des formations militaires communes", "def-formation-militaire", "formations militaires"),
    (
        "le renforcement des capacités défensives",
        "def-capacites-defensives",
        "capacités défensives",
    ),
    ("une capacité défensive accrue", "def-capacites-defensives", "capacité défensive"),
    ("la cybersécurité et la lutte contre le terrorisme", "def-cybersecurite", "cybersécurité"),
    (
        "la cybersécurité et la lutte contre le terrorisme",
        "def-lutte-contre-le-terrorisme",
        "lutte contre le terrorisme",
    ),
    ("la modernisation des forces armées", "def-forces-armees", "forces armées"),
    ("une force armée", "def-forces-armees", "force armée"),
    ("les alliances militaires dans la région", "def-alliance-militaire", "alliances militaires"),
    (
        "une représentation diplomatique permanente",
        "dip-representation-diplomatique",
        "représentation diplomatique",
    ),
    ("au service de la sécurité régionale", "dip-securite-regionale", "sécurité régionale"),
    ("les militaires ont quitté la ville", "def-militaire", "militaires"),
    ("un militaire a été blessé", "def-militaire", "militaire"),
    ("les alliés de l'OTAN", "def-allie", "alliés"),
    ("une alliée militaire de Washington", "def-allie", "alliée"),
    ("il a dirigé les troupes américaines", "def-troupes", "troupes"),
    ("d'envoyer 30 000 soldats supplémentaires en Afghanistan", "def-soldat", "soldats"),
    ("les preneurs d'otages devant la cour", "def-preneur-d-otages", "preneurs d'otages"),
    ("des armes nucléaires à un rythme plus rapide", "def-arme-nucleaire", "armes nucléaires"),
    ("une cargaison de missiles sol-air", "def-missile-sol-air", "missiles sol-air"),
    (
        "Le programme nucléaire pakistanais génère une grande inquiétude",
        "def-programme-nucleaire",
        "programme nucléaire",
    ),
    (
        "les services de renseignements français",
        "def-services-de-renseignement",
        "services de renseignements",
    ),
    (
        "les forces gouvernementales ont repris la ville",
        "def-forces-gouvernementales",
        "forces gouvernementales",
    ),
    // Hyphenation variants.
    ("le Royaume Uni a signé", "dip-royaume-uni", "Royaume Uni"),
    ("un cessez le feu fragile", "def-cessez-le-feu", "cessez le feu"),
    ("les cyber-attaques contre les hôpitaux", "def-cyberattaque", "cyber-attaques"),
    // Line breaks and no-break spaces inside multiword terms.
    (
        "le ministère de la\nDéfense a indiqué",
        "def-ministere-de-la-defense",
        "ministère de la\nDéfense",
    ),
    (
        "le ministère\u{a0}de\u{a0}la\u{a0}Défense",
        "def-ministere-de-la-defense",
        "ministère\u{a0}de\u{a0}la\u{a0}Défense",
    ),
    (
        "la lutte contre le\u{202f}terrorisme",
        "def-lutte-contre-le-terrorisme",
        "lutte contre le\u{202f}terrorisme",
    ),
    ("le Royaume-\nUni", "dip-royaume-uni", "Royaume-\nUni"),
    // Longest match wins.
    (
        "le ministère de la Défense a démenti",
        "def-ministere-de-la-defense",
        "ministère de la Défense",
    ),
    (
        "le Conseil de sécurité de l'ONU a voté",
        "dip-conseil-de-securite-de-l-onu",
        "Conseil de sécurité de l'ONU",
    ),
    (
        "le secrétaire général de l'OTAN",
        "def-secretaire-general-de-l-otan",
        "secrétaire général de l'OTAN",
    ),
    ("la Seconde Guerre mondiale", "def-seconde-guerre-mondiale", "Seconde Guerre mondiale"),
    // Context rules: the military sense is tagged when context says so.
    (
        "la coopération militaire et la défense de l'Europe face à la Russie, selon le ministre",
        "def-defense",
        "défense",
    ),
    ("la marine nationale a déployé une frégate", "def-marine-nationale", "marine nationale"),
    ("la marine a envoyé une frégate", "def-marine", "marine"),
    ("des frappes aériennes en Syrie", "def-frappe-aerienne", "frappes aériennes"),
    ("Raid aérien contre des installations militaires en Syrie", "def-raid-aerien", "Raid aérien"),
    (
        "Raid aérien contre des installations militaires en Syrie",
        "def-installations-militaires",
        "installations militaires",
    ),
    // Acronyms and do-not-translate names.
    ("La NSA met en cause une « erreur interne »", "def-nsa", "NSA"),
    ("les vols de la CIA", "def-cia", "CIA"),
    (
        "L'envoyé spécial de l'ONU à Kaboul se retire",
        "dip-envoye-special-de-l-onu",
        "envoyé spécial de l'ONU",
    ),
    // Noun-only terms, nationality adjectives as context, news vocabulary.
    ("une avancée des forces russes sur le front", "def-front", "front"),
    ("Une dépêche de l'Ambassade en mai", "dip-depeche", "dépêche"),
    (
        "Le Secrétaire d'État a admis, comme Barack Obama",
        "dip-secretaire-d-etat",
        "Secrétaire d'État",
    ),
    ("300 militaires ont été déployés", "def-militaire", "militaires"),
    ("un ancien militaire a témoigné", "def-militaire", "militaire"),
    ("Attaque israélienne dans le nord de la Syrie", "def-attaque", "Attaque"),
    ("La mission américaine est restée sans mandat", "dip-mission", "mission"),
    ("L'envoyé de l'ONU a dit qu'il soutenait cette augmentation", "dip-envoye", "envoyé"),
    ("lorsqu'un hélicoptère israélien a ouvert le feu", "def-helicoptere", "hélicoptère"),
    ("un exercice aux explosifs", "def-explosifs", "explosifs"),
    ("un enfer pour l'occupant sioniste", "def-occupant", "occupant"),
    ("le transport de matériaux atomiques", "sec-matieres-nucleaires", "matériaux atomiques"),
    (
        "Les Brigades Al-Qassam ont revendiqué",
        "sec-brigades-ezzedine-al-qassam",
        "Brigades Al-Qassam",
    ),
];

/// (sentence, concept id that must NOT be tagged).
const NEGATIVE: &[(&str, &str)] = &[
    ("Défense de fumer dans les locaux.", "def-defense"),
    ("Il a plaidé la légitime défense devant le juge.", "def-defense"),
    ("L'avocat de la défense a demandé un report.", "def-defense"),
    ("La défense du PSG a craqué en fin de match.", "def-defense"),
    ("Marine Le Pen a réagi à l'annonce de l'armée.", "def-marine"),
    ("une espèce marine protégée", "def-marine"),
    ("le ministère de la Défense a démenti", "def-defense"),
    ("le ministère de la Défense a démenti", "def-ministre-de-la-defense"),
    ("le secrétaire général de l'OTAN", "def-otan"),
    ("les pays membres de l’OTAN", "def-otan"),
    ("une capacité défensive accrue", "def-defense"),
    ("il a traité le dossier avec soin", "dip-traite"),
    ("la résolution de l'écran est faible", "dip-resolution"),
    ("au sommet du mont Blanc", "dip-sommet"),
    // Since #10 an acronym marked as such (x-acronym) matches in any case:
    // a two-letter one still needs capitals.
    ("l’ue en minuscules n'est pas un sigle", "dip-union-europeenne"),
    ("un câble sous-marin relie les deux côtes", "def-sous-marin"),
    ("le déploiement de la fibre optique", "def-deploiement"),
    ("l'opération de la hanche s'est bien passée", "def-operation"),
    ("c'est un militant syndical de longue date", "def-militant"),
    ("le secrétaire général du parti", "def-general"),
    ("Royaume. Uni", "dip-royaume-uni"),
    ("une intervention militaire en Libye", "def-militaire"),
    ("les autres puissances militaires", "def-militaire"),
    ("économique et militaire", "def-militaire"),
    ("5000 personnes s'étaient réfugiées au camp", "dip-refugie"),
    ("un colis explosif", "def-explosifs"),
    ("Igor Sahiri, envoyé spécial BFMTV, et un otage israélien", "dip-envoye"),
    ("le colis envoyé par l'ONU", "dip-envoye"),
    ("les occupants du véhicule israélien", "def-occupant"),
    ("des législateurs sont entrés en conflit", "def-conflit"),
    ("un trésor de guerre", "def-guerre"),
    ("le Front national a perdu", "def-front"),
    ("selon une dépêche AFP publiée hier", "dip-depeche"),
    ("le secrétaire d'État chargé du numérique", "dip-secretaire-d-etat"),
    ("Radio Free Asia (RFA) rapporte", "dip-allemagne-de-l-ouest"),
    // Domestic politics is in the optional termbase only.
    ("le sénateur a voté le projet de loi", "pol-senateur"),
    ("le sénateur a voté le projet de loi", "pol-projet-de-loi"),
];

#[test]
fn matching_table() {
    let m = matcher();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (text, id, covered) in POSITIVE {
        cases += 1;
        let hits = m.find(text);
        let ok = hits.iter().any(|h| {
            h.entry == *id && h.text == *covered && text.get(h.start..h.end) == Some(*covered)
        });
        if !ok {
            let got: Vec<_> = hits.iter().map(|h| (h.entry.as_str(), h.text.as_str())).collect();
            failures.push(format!("{text:?}: expected {id} on {covered:?}, got {got:?}"));
        }
    }
    for (text, id) in NEGATIVE {
        cases += 1;
        let hits = m.find(text);
        if let Some(h) = hits.iter().find(|h| h.entry == *id) {
            failures.push(format!("{text:?}: {id} must not match, got {:?}", h.text));
        }
    }
    assert!(cases >= 60, "only {cases} cases");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn arme_and_armee_stay_apart() {
    let m = matcher();
    let hits = m.find("une arme à feu et une armée de métier");
    let ids: Vec<_> = hits.iter().map(|h| h.entry.as_str()).collect();
    assert_eq!(ids, ["def-arme-a-feu", "def-armee-de-metier"]);
    assert!(m.find("il portait une arme").is_empty());
}

fn article(source: &str, target: &str, matcher: &Matcher) -> Article {
    let mut seg = Segment::new("p1.s1", source);
    seg.target = Some(target.into());
    let mut para = Paragraph::new("p1", Role::Body, source);
    para.segments.push(seg);
    let mut a = Article { paragraphs: vec![para], ..Article::default() };
    glossary::annotate(matcher, &mut a);
    qa::run(&qa::default_checks(), &mut a, matcher.locale());
    a
}

fn messages(a: &Article) -> Vec<String> {
    a.paragraphs[0].segments[0].issues.iter().map(|i| i.message.clone()).collect()
}

#[test]
fn verification_accepts_inflections_and_reports_violations() {
    let g = glossary();
    let gb = g.matcher("en-GB");
    let src = "Les ministères de la Défense de l’Azerbaïdjan et du Royaume-Uni ont signé un plan, selon Caliber.Az.";
    let good = article(
        src,
        "The defence ministries of Azerbaijan and the UK have signed a plan, according to Caliber.Az.",
        &gb,
    );
    assert!(messages(&good).is_empty(), "{:?}", messages(&good));
    let bad = article(
        src,
        "The war offices of Azerbaidjan and England have signed a plan, according to Caliber AZ.",
        &gb,
    );
    let m = messages(&bad);
    assert!(
        m.contains(&"expected \"Ministry of Defence\" for \"ministère de la Défense\"".to_string()),
        "{m:#?}"
    );
    assert!(
        m.contains(
            &"forbidden \"England\" for \"Royaume-Uni\" (use \"United Kingdom\")".to_string()
        ),
        "{m:#?}"
    );
    assert!(
        m.contains(
            &"forbidden \"Azerbaidjan\" for \"Azerbaïdjan\" (use \"Azerbaijan\")".to_string()
        ),
        "{m:#?}"
    );
    assert!(m.iter().any(|x| x.starts_with("expected \"Caliber.Az\" verbatim")), "{m:#?}");
    let issue = &bad.paragraphs[0].segments[0].issues[0];
    assert_eq!((issue.check.as_str(), issue.severity), ("terms", Severity::Error));
    let stats = glossary::stats(&bad);
    assert_eq!(stats["defence"].violated, 1);
    assert_eq!(stats["diplomacy"].found, 3);
    assert_eq!(stats["diplomacy"].violated, 3);
    let good_stats = glossary::stats(&good);
    assert_eq!(good_stats["diplomacy"].applied, 3);

    let us = g.matcher("en-US");
    let american = article("le ministère de la Défense", "the Ministry of Defense", &us);
    assert!(messages(&american).is_empty());
    let spanish = article("les forces armées", "las Fuerzas Armadas", &g.matcher("es"));
    assert!(messages(&spanish).is_empty());
    let german = article("les forces armées", "die Armee", &g.matcher("de"));
    assert_eq!(messages(&german), ["expected \"Streitkräfte\" for \"forces armées\""]);
}

#[test]
fn empty_targets_are_not_verified() {
    let m = matcher();
    let a = article("le ministère de la Défense", "", &m);
    assert!(a.paragraphs[0].segments[0].issues.is_empty());
    assert_eq!(a.paragraphs[0].segments[0].terms.len(), 1);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn load_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "n.csv",
        "source,target,locale,domain,note\nOTAN,NATO,en,defence,\n,x,en,defence,\n",
    );
    let err = Glossary::load(&[&csv]).unwrap_err().to_string();
    assert_eq!(err, format!("{}:3: empty source term (first column)", csv.display()));
    let tbx = write(
        dir.path(),
        "x.tbx",
        "<martif xml:lang=\"fr\"><text><body>\n<termEntry id=\"a\">\n<langSet xml:lang=\"en\"><tig><term>NATO</term></tig></langSet>\n</termEntry></body></text></martif>",
    );
    let err = Glossary::load(&[&tbx]).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:2: concept a has no French term", tbx.display())),
        "{err}"
    );
    let txt = write(dir.path(), "x.txt", "");
    assert!(Glossary::load(&[&txt]).unwrap_err().to_string().contains("unknown glossary format"));
}

#[test]
fn check_reports_conflicts_across_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.csv",
        "source,target,locale,domain,note\nforces armées,armed forces,en,defence,\n",
    );
    write(
        dir.path(),
        "b.tsv",
        "source\ttarget\tlocale\tdomain\tnote\nforce armée\tarmy\ten\tdefence\t\n",
    );
    let g = Glossary::load(&[dir.path()]).unwrap();
    assert_eq!(g.len(), 2);
    let problems = g.check();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].severity, Severity::Error);
    assert!(problems[0].to_string().contains("b.tsv:2: error: conflict"), "{}", problems[0]);
}

#[test]
fn describe_formats_a_hit() {
    let hits = matcher().find("le ministère de la Défense");
    assert_eq!(
        glossary::describe(&hits[0]),
        "ministère de la Défense → Ministry of Defence [defence]"
    );
}
