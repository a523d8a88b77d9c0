use super::*;
use crate::model::{Paragraph, Role};

/// Paragraphs from French news, with the sentences a careful reader finds.
/// `\u{a0}` and `\u{202f}` are the no-break spaces French typography puts
/// around `« »` and before `: ; ! ?`, which normalisation keeps.
const CASES: &[(&str, &[&str])] = &[
    // --- the reference article ---
    (
        "«\u{a0}Le Royaume-Uni est fier de sa coopération étroite avec l’Azerbaïdjan dans le domaine de la défense et de son rôle au sein du partenariat stratégique. Hier, les ministères de la Défense britannique et azerbaïdjanais ont signé le plan de coopération bilatérale en matière de défense pour 2026/27\u{a0}», a indiqué la représentation diplomatique britannique sur le réseau social X.",
        &[
            "«\u{a0}Le Royaume-Uni est fier de sa coopération étroite avec l’Azerbaïdjan dans le domaine de la défense et de son rôle au sein du partenariat stratégique.",
            "Hier, les ministères de la Défense britannique et azerbaïdjanais ont signé le plan de coopération bilatérale en matière de défense pour 2026/27\u{a0}», a indiqué la représentation diplomatique britannique sur le réseau social X.",
        ],
    ),
    (
        "Selon l’ambassade britannique à Bakou, citée par Caliber.Az, ce document s’inscrit dans le cadre du partenariat stratégique de long terme entre les deux pays.",
        &[
            "Selon l’ambassade britannique à Bakou, citée par Caliber.Az, ce document s’inscrit dans le cadre du partenariat stratégique de long terme entre les deux pays.",
        ],
    ),
    // --- abbreviations ---
    (
        "Comme l’a indiqué M. Le Drian dans son discours de clôture, le climat est un déterminant majeur de la sécurité internationale. Le facteur environnemental doit être davantage intégré dans les opérations militaires.",
        &[
            "Comme l’a indiqué M. Le Drian dans son discours de clôture, le climat est un déterminant majeur de la sécurité internationale.",
            "Le facteur environnemental doit être davantage intégré dans les opérations militaires.",
        ],
    ),
    (
        "«\u{a0}Les migrants, c’est un besoin\u{a0}», a affirmé M. Peskov. «\u{a0}Le problème est que nous avons une situation démographique très tendue.\u{a0}»",
        &[
            "«\u{a0}Les migrants, c’est un besoin\u{a0}», a affirmé M. Peskov.",
            "«\u{a0}Le problème est que nous avons une situation démographique très tendue.\u{a0}»",
        ],
    ),
    (
        "J'ai aimé ce qu'il a dit, a déclaré Mme Palin, égérie de l'aile droite du parti républicain. Mme Palin n'a pas précisé ses intentions.",
        &[
            "J'ai aimé ce qu'il a dit, a déclaré Mme Palin, égérie de l'aile droite du parti républicain.",
            "Mme Palin n'a pas précisé ses intentions.",
        ],
    ),
    (
        "Le général a reçu MM. Durand et Leroy au ministère. Ils ont parlé de l’OTAN.",
        &["Le général a reçu MM. Durand et Leroy au ministère.", "Ils ont parlé de l’OTAN."],
    ),
    (
        "Le médecin-chef, le Dr. Lambert, a examiné les blessés. Le Pr. Dubois était présent.",
        &[
            "Le médecin-chef, le Dr. Lambert, a examiné les blessés.",
            "Le Pr. Dubois était présent.",
        ],
    ),
    (
        "Des pays de l’organisation de coopération de Shanghai (Chine, Inde, Russie, Pakistan, etc.) participaient aux manœuvres. Les observateurs occidentaux n’étaient pas invités.",
        &[
            "Des pays de l’organisation de coopération de Shanghai (Chine, Inde, Russie, Pakistan, etc.) participaient aux manœuvres.",
            "Les observateurs occidentaux n’étaient pas invités.",
        ],
    ),
    (
        "Les blindés, les drones, les munitions, etc. La liste des besoins ukrainiens s’allonge.",
        &[
            "Les blindés, les drones, les munitions, etc.",
            "La liste des besoins ukrainiens s’allonge.",
        ],
    ),
    (
        "Les forces spéciales, l’artillerie, le génie, etc. ont été mobilisés.",
        &["Les forces spéciales, l’artillerie, le génie, etc. ont été mobilisés."],
    ),
    (
        "Le rapport (cf. Le Monde du 3 mars) évoque des livraisons d’armes. Le ministère dément.",
        &[
            "Le rapport (cf. Le Monde du 3 mars) évoque des livraisons d’armes.",
            "Le ministère dément.",
        ],
    ),
    (
        "La cité d’Alésia tombe en 52 av. J.-C. après un long siège. César en fait le récit.",
        &["La cité d’Alésia tombe en 52 av. J.-C. après un long siège.", "César en fait le récit."],
    ),
    (
        "Vercingétorix capitule en 52 av. J.-C. La Gaule devient romaine.",
        &["Vercingétorix capitule en 52 av. J.-C.", "La Gaule devient romaine."],
    ),
    (
        "Certains alliés du Nord, p. ex. Oslo et Copenhague, ont augmenté leur budget de défense.",
        &[
            "Certains alliés du Nord, p. ex. Oslo et Copenhague, ont augmenté leur budget de défense.",
        ],
    ),
    (
        "Plusieurs alliés, p. ex. la Pologne, dépassent déjà l’objectif de 2 %. Les autres traînent.",
        &[
            "Plusieurs alliés, p. ex. la Pologne, dépassent déjà l’objectif de 2 %.",
            "Les autres traînent.",
        ],
    ),
    (
        "Le siège des institutions européennes, c.-à-d. Bruxelles, a été visé. Aucune victime n’est à déplorer.",
        &[
            "Le siège des institutions européennes, c.-à-d. Bruxelles, a été visé.",
            "Aucune victime n’est à déplorer.",
        ],
    ),
    (
        "Voir l’art. 5 du traité de l’Atlantique Nord, p. 12. Le texte est clair.",
        &["Voir l’art. 5 du traité de l’Atlantique Nord, p. 12.", "Le texte est clair."],
    ),
    (
        "Publié le 31 oct. 2025 à 15:57. Mis à jour à 16\u{202f}h.",
        &["Publié le 31 oct. 2025 à 15:57.", "Mis à jour à 16\u{202f}h."],
    ),
    // --- initials ---
    (
        "J.-L. Mélenchon a dénoncé l’accord. Le gouvernement a répondu dans la soirée.",
        &["J.-L. Mélenchon a dénoncé l’accord.", "Le gouvernement a répondu dans la soirée."],
    ),
    (
        "Le général J.-P. Martin a rencontré MM. Durand et Leroy. Ils ont parlé de l’OTAN.",
        &["Le général J.-P. Martin a rencontré MM. Durand et Leroy.", "Ils ont parlé de l’OTAN."],
    ),
    (
        "Le président américain, George W. Bush, a reçu le roi de Jordanie. Ils ont évoqué l’Irak.",
        &[
            "Le président américain, George W. Bush, a reçu le roi de Jordanie.",
            "Ils ont évoqué l’Irak.",
        ],
    ),
    // --- domain-like names ---
    (
        "L’information a été publiée par Le Monde.fr dans la nuit. Elle a été confirmée au matin.",
        &[
            "L’information a été publiée par Le Monde.fr dans la nuit.",
            "Elle a été confirmée au matin.",
        ],
    ),
    (
        "« NSA.gov est resté inaccessible pendant quelques heures ce soir en raison d'une erreur interne qui a eu lieu pendant une mise à jour prévue », a indiqué l'agence d'espionnage dans une déclaration par email. Le problème sera résolu ce soir.",
        &[
            "« NSA.gov est resté inaccessible pendant quelques heures ce soir en raison d'une erreur interne qui a eu lieu pendant une mise à jour prévue », a indiqué l'agence d'espionnage dans une déclaration par email.",
            "Le problème sera résolu ce soir.",
        ],
    ),
    // --- numbers ---
    (
        "En 2023, le taux de fécondité en Russie était de 1,41 enfant par femme en âge de procréer. La Russie ne communique pas sur ses pertes militaires.",
        &[
            "En 2023, le taux de fécondité en Russie était de 1,41 enfant par femme en âge de procréer.",
            "La Russie ne communique pas sur ses pertes militaires.",
        ],
    ),
    (
        "Le budget passe de 1.5 milliard à 3,5\u{a0}% du PIB. Il sera voté en 2026/27.",
        &["Le budget passe de 1.5 milliard à 3,5\u{a0}% du PIB.", "Il sera voté en 2026/27."],
    ),
    (
        "La mission a été attaquée aux environs de 10 h 35 (GMT et locales). Le bilan est de quatre morts.",
        &[
            "La mission a été attaquée aux environs de 10 h 35 (GMT et locales).",
            "Le bilan est de quatre morts.",
        ],
    ),
    (
        "L’alerte a été levée à 15\u{202f}h\u{202f}57. Une seconde alerte a retenti à 15:57 le lendemain.",
        &[
            "L’alerte a été levée à 15\u{202f}h\u{202f}57.",
            "Une seconde alerte a retenti à 15:57 le lendemain.",
        ],
    ),
    (
        "Le ministre a rappelé la mise en œuvre par la France dès 2012 d’une stratégie qui a permis de réduire de 17\u{a0}% la consommation de pétrole. Elle vise 20\u{a0}% d’ici 2020.",
        &[
            "Le ministre a rappelé la mise en œuvre par la France dès 2012 d’une stratégie qui a permis de réduire de 17\u{a0}% la consommation de pétrole.",
            "Elle vise 20\u{a0}% d’ici 2020.",
        ],
    ),
    // --- quotations ---
    (
        "«\u{a0}Nous sommes prêts.\u{a0}», a indiqué le ministre.",
        &["«\u{a0}Nous sommes prêts.\u{a0}», a indiqué le ministre."],
    ),
    (
        "«\u{a0}Nous sommes prêts. Nous attendons les ordres.\u{a0}», a indiqué le ministre. La réunion a duré deux heures.",
        &[
            "«\u{a0}Nous sommes prêts.",
            "Nous attendons les ordres.\u{a0}», a indiqué le ministre.",
            "La réunion a duré deux heures.",
        ],
    ),
    (
        "«\u{a0}Nous sommes prêts\u{a0}!\u{a0}» a déclaré le ministre. «\u{a0}Et vous\u{a0}?\u{a0}» a-t-il ajouté.",
        &[
            "«\u{a0}Nous sommes prêts\u{a0}!\u{a0}» a déclaré le ministre.",
            "«\u{a0}Et vous\u{a0}?\u{a0}» a-t-il ajouté.",
        ],
    ),
    (
        "Le ministre a conclu\u{a0}: «\u{a0}Nous ne céderons pas\u{a0}!\u{a0}» La salle a applaudi.",
        &[
            "Le ministre a conclu\u{a0}: «\u{a0}Nous ne céderons pas\u{a0}!\u{a0}»",
            "La salle a applaudi.",
        ],
    ),
    (
        "«\u{a0}Qui peut croire à cette version\u{a0}?\u{a0}», s’est interrogé le député. Le gouvernement n’a pas répondu.",
        &[
            "«\u{a0}Qui peut croire à cette version\u{a0}?\u{a0}», s’est interrogé le député.",
            "Le gouvernement n’a pas répondu.",
        ],
    ),
    (
        "«Nous avons pratiquement fait échouer toute leur campagne pour 2025», a affirmé le ministre russe de la Défense, Andreï Belooussov. Le Figaro fait le point sur la situation.",
        &[
            "«Nous avons pratiquement fait échouer toute leur campagne pour 2025», a affirmé le ministre russe de la Défense, Andreï Belooussov.",
            "Le Figaro fait le point sur la situation.",
        ],
    ),
    (
        "\"Je leur ai dit que je n'étais pas prêt\", a-t-il affirmé lors d'une entrevue avec La Presse Canadienne mercredi. J'ai demandé pendant des mois s'il y avait un moyen pour que je puisse rester, et ils ont dit non.",
        &[
            "\"Je leur ai dit que je n'étais pas prêt\", a-t-il affirmé lors d'une entrevue avec La Presse Canadienne mercredi.",
            "J'ai demandé pendant des mois s'il y avait un moyen pour que je puisse rester, et ils ont dit non.",
        ],
    ),
    (
        "Le porte-parole a cité le président : \"Nous ne négocierons pas.\" Le dialogue semble rompu.",
        &[
            "Le porte-parole a cité le président : \"Nous ne négocierons pas.\"",
            "Le dialogue semble rompu.",
        ],
    ),
    (
        "\"Ladite mission a vigoureusement riposté à cette attaque\", a ajouté l'armée, évoquant un \"bilan provisoire de quatre morts côté FAMa\". Le terme \"terroriste\" fait communément référence aux jihadistes.",
        &[
            "\"Ladite mission a vigoureusement riposté à cette attaque\", a ajouté l'armée, évoquant un \"bilan provisoire de quatre morts côté FAMa\".",
            "Le terme \"terroriste\" fait communément référence aux jihadistes.",
        ],
    ),
    (
        "Elle a été présidée par Jean-Yves Le Drian lors de la conférence intitulée «\u{a0}Climat et défense\u{a0}: quels enjeux\u{a0}?\u{a0}». Elle a réuni 33 pays.",
        &[
            "Elle a été présidée par Jean-Yves Le Drian lors de la conférence intitulée «\u{a0}Climat et défense\u{a0}: quels enjeux\u{a0}?\u{a0}».",
            "Elle a réuni 33 pays.",
        ],
    ),
    (
        "Le terme \" terroriste \" fait référence aux jihadistes. \" Ladite mission a vigoureusement riposté \", a ajouté l'armée.",
        &[
            "Le terme \" terroriste \" fait référence aux jihadistes.",
            "\" Ladite mission a vigoureusement riposté \", a ajouté l'armée.",
        ],
    ),
    (
        "L'armée a annoncé la mort de quatre soldats. \" Le village a subi le passage des terroristes. \" Le renfort est déjà sur place.",
        &[
            "L'armée a annoncé la mort de quatre soldats.",
            "\" Le village a subi le passage des terroristes. \"",
            "Le renfort est déjà sur place.",
        ],
    ),
    // --- ellipses ---
    (
        "Le Royaume-Uni est fier... Hier, les ministères de la Défense ont signé le plan.",
        &["Le Royaume-Uni est fier...", "Hier, les ministères de la Défense ont signé le plan."],
    ),
    (
        "Lavage fréquent des mains, distanciation à table, séances de sport individuelles … autant de précautions qui s’imposent dans la vie du détachement.",
        &[
            "Lavage fréquent des mains, distanciation à table, séances de sport individuelles … autant de précautions qui s’imposent dans la vie du détachement.",
        ],
    ),
    (
        "Les femmes peuvent oublier l'émancipation… Le Coran va unir la société.",
        &["Les femmes peuvent oublier l'émancipation…", "Le Coran va unir la société."],
    ),
    (
        "«\u{a0}Nous avons (…) Nous voulons la paix\u{a0}», a dit le chef rebelle.",
        &["«\u{a0}Nous avons (…) Nous voulons la paix\u{a0}», a dit le chef rebelle."],
    ),
    // --- question and exclamation marks ---
    (
        "Étiez-vous aussi le genre de mec qui préférait les sanctions à l'ordonnance et aux hommes sur le terrain\u{a0}? Très bonne remarque.",
        &[
            "Étiez-vous aussi le genre de mec qui préférait les sanctions à l'ordonnance et aux hommes sur le terrain\u{a0}?",
            "Très bonne remarque.",
        ],
    ),
    (
        "Inscrivez-vous pour poursuivre votre lecture\u{a0}! Essayez gratuitement Brief.me pendant 30 jours.",
        &[
            "Inscrivez-vous pour poursuivre votre lecture\u{a0}!",
            "Essayez gratuitement Brief.me pendant 30 jours.",
        ],
    ),
    (
        "Que faire\u{a0}? attendre, répond le ministre.",
        &["Que faire\u{a0}? attendre, répond le ministre."],
    ),
    // --- lists ---
    (
        "Les objectifs sont les suivants\u{a0}: 1. Renforcer la défense aérienne. 2. Moderniser les équipements. 3. Recruter.",
        &[
            "Les objectifs sont les suivants\u{a0}: 1. Renforcer la défense aérienne.",
            "2. Moderniser les équipements.",
            "3. Recruter.",
        ],
    ),
    (
        "Trois priorités\u{a0}: – la dissuasion\u{a0}; – la défense aérienne\u{a0}; – le cyber.",
        &["Trois priorités\u{a0}: – la dissuasion\u{a0}; – la défense aérienne\u{a0}; – le cyber."],
    ),
    (
        "Les pertes s’élèvent à 12. Les secours sont sur place.",
        &["Les pertes s’élèvent à 12.", "Les secours sont sur place."],
    ),
    (
        "Autres articles\n- Tchad: un ex-membre du Conseil militaire de transition accuse le président\n- Afrique du Sud: le déploiement de l'armée ne fait pas l'unanimité",
        &[
            "Autres articles",
            "- Tchad: un ex-membre du Conseil militaire de transition accuse le président",
            "- Afrique du Sud: le déploiement de l'armée ne fait pas l'unanimité",
        ],
    ),
    // --- brackets and acronyms ---
    (
        "Le bilan côté FAMa (Forces armées maliennes) est de deux morts. Le renfort est déjà sur place.",
        &[
            "Le bilan côté FAMa (Forces armées maliennes) est de deux morts.",
            "Le renfort est déjà sur place.",
        ],
    ),
    (
        "Le sommet de l’U.E. s’est tenu à Bruxelles. Les Vingt-Sept ont adopté des sanctions.",
        &[
            "Le sommet de l’U.E. s’est tenu à Bruxelles.",
            "Les Vingt-Sept ont adopté des sanctions.",
        ],
    ),
    (
        "C'est le programme ALTBMD (Active Layered Theater Ballistic Missile Defense), lancé en 2005. Ce C2 permettra au commandement OTAN de gérer la protection des troupes.",
        &[
            "C'est le programme ALTBMD (Active Layered Theater Ballistic Missile Defense), lancé en 2005.",
            "Ce C2 permettra au commandement OTAN de gérer la protection des troupes.",
        ],
    ),
];

fn show(sentences: &[&str]) -> String {
    sentences.iter().map(|s| format!("  [{s}]\n")).collect()
}

#[test]
fn news_table() {
    assert!(CASES.len() >= 40);
    let seg = Segmenter::french();
    let mut failures = Vec::new();
    for (i, (input, expected)) in CASES.iter().enumerate() {
        let got = seg.split(input);
        if got != *expected {
            failures.push(format!(
                "case {i}: {input}\nexpected:\n{}got:\n{}",
                show(expected),
                show(&got)
            ));
        }
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn sentences_join_back_to_the_paragraph() {
    let seg = Segmenter::french();
    for (input, _) in CASES.iter().filter(|(input, _)| !input.contains('\n')) {
        assert_eq!(seg.split(input).join(" "), *input);
    }
}

#[test]
fn sentences_are_slices_of_the_text_in_order() {
    let seg = Segmenter::french();
    for (input, _) in CASES {
        let mut last = 0;
        for s in seg.split(input) {
            let offset = s.as_ptr() as usize - input.as_ptr() as usize;
            assert!(offset >= last && input.get(offset..offset + s.len()) == Some(s));
            last = offset + s.len();
        }
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let seg = Segmenter::french();
    let long_word = "a".repeat(100_000);
    let long_text = "sans ponctuation aucune ".repeat(20_000);
    let dots = ". ".repeat(10_000);
    let quotes = "Fin. \" ".repeat(10_000);
    let opening = "« Oui. »\u{a0}".repeat(5_000);
    let inputs = [
        "",
        " ",
        "\u{a0}",
        ".",
        "...",
        "…",
        ". . .",
        "?!?! !!! ??? ... … . , ; :",
        "«\u{a0}»",
        "« ».",
        "\"",
        "(.) [.] (…) [...]",
        "M.",
        "M. ",
        " M. Mme. MM. Dr. J.-C. J.-L. p. ex. cf. etc.",
        "1. 2. 3. a. b. c.",
        "🙂. 🙂! 🙂? 🙂… 👨‍👩‍👧‍👦. 🇫🇷. Fin.",
        "e\u{301}. E\u{301}. \u{301}. \u{301}\u{301}\u{301}. A\u{301}\u{302}.",
        "\u{202f}.\u{202f}.\u{a0}!\u{a0}?",
        "\n\n\n. \n .\n",
        "Fin.\u{2028}Début. \u{85}Suite.",
        "\u{0}. \u{feff}. \u{fffd}.",
        "日本語。中文. Ελληνικά. Русский. العربية.",
        &long_word,
        &long_text,
        &dots,
        &quotes,
        &opening,
    ];
    for input in inputs {
        let got = seg.split(input);
        assert!(got.iter().all(|s| !s.is_empty() && s.trim() == *s), "{input:?}: {got:?}");
        let total: usize = got.iter().map(|s| s.len()).sum();
        assert!(total <= input.len());
    }
    assert_eq!(seg.split(&long_text).len(), 1);
    assert_eq!(seg.split(&long_word), [long_word.as_str()]);
    assert!(seg.split("").is_empty());
    assert!(seg.split(" \u{a0} ").is_empty());
}

#[test]
fn every_char_boundary_prefix_is_safe() {
    // Cutting real text anywhere exercises every rule at the text edges.
    let seg = Segmenter::french();
    for (input, _) in CASES.iter().take(12) {
        for (i, _) in input.char_indices() {
            let (head, tail) = input.split_at(i);
            for part in [head, tail] {
                assert!(seg.split(part).iter().all(|s| !s.is_empty()));
            }
        }
    }
}

#[test]
fn segment_article_numbers_sentences_per_paragraph() {
    let mut article = Article {
        paragraphs: vec![
            Paragraph::new(
                "p1",
                Role::Title,
                "Raid aérien contre des installations militaires en Syrie",
            ),
            Paragraph::new("p2", Role::Body, "Le raid a eu lieu de nuit. M. Assad n’a pas réagi."),
            Paragraph::new("p3", Role::Body, "  "),
        ],
        ..Article::default()
    };
    segment_article(&Segmenter::french(), &mut article);
    let ids: Vec<(&str, &str)> = article
        .paragraphs
        .iter()
        .flat_map(|p| p.segments.iter().map(|s| (s.id.as_str(), s.source.as_str())))
        .collect();
    assert_eq!(
        ids,
        [
            ("p1.s1", "Raid aérien contre des installations militaires en Syrie"),
            ("p2.s1", "Le raid a eu lieu de nuit."),
            ("p2.s2", "M. Assad n’a pas réagi."),
        ]
    );
}

#[test]
fn custom_rules_extend_the_cascade() {
    let srx = r#"<srx version="2.0"><body><languagerules>
<languagerule languagerulename="Test">
  <rule break="no"><beforebreak>\bgén\.\s+</beforebreak><afterbreak></afterbreak></rule>
  <rule break="yes"><beforebreak>[.!?]\s+</beforebreak><afterbreak>\p{Lu}</afterbreak></rule>
</languagerule></languagerules></body></srx>"#;
    let seg = Segmenter::from_srx(srx, "test.srx", "Test").unwrap();
    assert_eq!(
        seg.split("Le gén. Burkhard commande. Il part. fin"),
        ["Le gén. Burkhard commande.", "Il part. fin"]
    );
}

#[test]
fn invalid_pattern_names_file_and_line() {
    let srx = "<srx><languagerule languagerulename=\"Test\">\n<rule break=\"no\">\n<beforebreak>a(?=x)</beforebreak></rule></languagerule></srx>";
    let err = Segmenter::from_srx(srx, "rules.srx", "Test").unwrap_err();
    assert_eq!(
        err.to_string(),
        "rules.srx:2: invalid beforebreak pattern (use Rust regex syntax, without look-around)"
    );
}

#[test]
fn default_is_french() {
    let text = "M. Dupont est arrivé. Il repart.";
    assert_eq!(Segmenter::default().split(text), Segmenter::french().split(text));
}
