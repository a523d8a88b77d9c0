//! Site boilerplate that scrapers keep around the article text.
//!
//! Each rule is one row of [`RULES`]: a name, a pattern that must match a
//! whole line, and a [`Scope`]. Lines are compared in their matching form
//! (lowercase, `’` as `'`, spaces collapsed, see
//! [`crate::normalize::fold_for_matching`]), so a pattern is written in
//! lowercase with straight apostrophes. To support a new site, add a row
//! (and a case to the tests below); keep patterns anchored and specific,
//! since a rule that matches a real sentence deletes article text.

use std::sync::LazyLock;

use regex::RegexSet;

use crate::normalize::fold_for_matching;

/// What a matching line removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The line itself, wherever it stands.
    Line,
    /// The line and everything after it (a list of links to other articles).
    Rest,
}

/// One boilerplate rule: `(name, whole-line pattern, scope)`.
pub(crate) type Rule = (&'static str, &'static str, Scope);

/// The rules, in the order they are tried.
pub(crate) const RULES: &[Rule] = &[
    // Placeholder left where a script loaded more content.
    ("loading", r"(loading|chargement)( ?(\.{3}|…))?", Scope::Line),
    // Site taglines and "more" buttons (Lagazette: "L'info de A à Z Voir Plus").
    ("tagline", r"l'info de a à z( voir plus)?", Scope::Line),
    ("more", r"(voir|lire|afficher) (plus|la suite)|en savoir plus|lire l'article", Scope::Line),
    // Share buttons, one per line or with the network named.
    (
        "share",
        r"(partager|partagez)( (cet|l') ?article)?( (sur|par|via) [a-z-]+)?\s*:?",
        Scope::Line,
    ),
    (
        "share-network",
        r"(facebook|twitter|x|linkedin|whatsapp|telegram|bluesky|messenger|courriel|e-?mail|imprimer|copier le lien)",
        Scope::Line,
    ),
    ("send", r"envoyer (par|à un ami|l'article)( ?(e-?mail|courriel))?", Scope::Line),
    // Subscription and paywall prompts (short lines only: a sentence that
    // starts with "Inscrivez-vous" in the body is longer than these).
    (
        "subscribe",
        r"(abonnez-vous|inscrivez-vous|connectez-vous|identifiez-vous|s'abonner|je m'abonne|déjà abonné)\b.{0,60}",
        Scope::Line,
    ),
    ("trial", r"(essayez gratuitement|sans engagement)\b.{0,60}", Scope::Line),
    // Comment widgets.
    ("comments", r"(trier par|réagir|commenter|\d+ commentaires?|commentaires)\s*:?", Scope::Line),
    // Copyright footers: "© Agence France-Presse", "(c) Lagazette 2025".
    ("copyright", r"(©|\(c\)|copyright\b).{0,80}", Scope::Line),
    // Agency desk signatures closing a dispatch: "asl/tib/pid/cac".
    ("desk-signature", r"[a-z]{2,5}(/[a-z]{2,5}){2,}", Scope::Line),
    // Separator lines: "-", "* * *", "_____".
    ("separator", r"[-–—_*•·|=~.\s]+", Scope::Line),
    // Lists of links to other articles end the article text.
    (
        "related",
        r"(autres articles|à lire aussi|lire aussi|sur le même sujet|dans la même rubrique|articles similaires|les plus lus)\s*:?",
        Scope::Rest,
    ),
];

#[expect(clippy::expect_used, reason = "the patterns are constants, checked by the unit tests")]
static COMPILED: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(RULES.iter().map(|(_, pattern, _)| format!("^(?:{pattern})$")))
        .expect("valid boilerplate pattern")
});

thread_local! {
    /// This thread's copy of [`COMPILED`]: a regex used from several
    /// threads lends its scratch space through a lock to all but the
    /// first, and most lines of every article are tried here.
    static LOCAL: RegexSet = COMPILED.clone();
}

/// The rule `line` matches, if any.
pub(crate) fn matches(line: &str) -> Option<(&'static str, Scope)> {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 120 {
        return None;
    }
    let folded = fold_for_matching(line);
    // One pass for all the rules; the first that matches decides.
    let first = LOCAL.with(|set| set.matches(&folded).iter().next())?;
    RULES.get(first).map(|&(name, _, scope)| (name, scope))
}

/// What [`strip`] left and what it took.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Stripped<'a> {
    /// The kept lines; a removed line becomes an empty line so paragraph
    /// breaks stay where they were.
    pub(crate) lines: Vec<&'a str>,
    /// How many non-empty lines were removed.
    pub(crate) removed: usize,
}

/// Removes boilerplate lines.
pub(crate) fn strip<'a>(lines: &[&'a str]) -> Stripped<'a> {
    let mut out = Stripped { lines: Vec::with_capacity(lines.len()), removed: 0 };
    for (i, line) in lines.iter().enumerate() {
        match matches(line) {
            None => out.lines.push(line),
            Some((_, Scope::Line)) => {
                out.removed += 1;
                out.lines.push("");
            }
            Some((_, Scope::Rest)) => {
                let rest = lines.get(i..).unwrap_or_default();
                out.removed += rest.iter().filter(|l| !l.trim().is_empty()).count();
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles() {
        assert_eq!(COMPILED.len(), RULES.len());
    }

    #[test]
    fn reference_article_boilerplate_is_recognised() {
        assert_eq!(matches("Loading..."), Some(("loading", Scope::Line)));
        assert_eq!(matches("L'info de A à Z Voir Plus"), Some(("tagline", Scope::Line)));
        assert_eq!(matches("L’info de A à Z Voir Plus"), Some(("tagline", Scope::Line)));
    }

    #[test]
    fn share_subscribe_and_footer_lines() {
        for (line, rule) in [
            ("Partager sur Facebook", "share"),
            ("Partager cet article", "share"),
            ("Partager", "share"),
            ("Twitter", "share-network"),
            ("Courriel", "share-network"),
            ("Envoyer par e-mail", "send"),
            ("Abonnez-vous à notre newsletter", "subscribe"),
            ("Inscrivez-vous pour poursuivre votre lecture !", "subscribe"),
            ("Essayez gratuitement Brief.me pendant 30 jours.", "trial"),
            ("Sans engagement ni carte bancaire.", "trial"),
            ("Trier par :", "comments"),
            ("12 commentaires", "comments"),
            ("© Agence France-Presse", "copyright"),
            ("asl/tib/pid/cac", "desk-signature"),
            ("-", "separator"),
            ("* * *", "separator"),
        ] {
            assert_eq!(matches(line).map(|m| m.0), Some(rule), "{line}");
        }
    }

    #[test]
    fn article_text_is_not_boilerplate() {
        for line in [
            "Des priorités communes pour la sécurité régionale",
            "Un partenariat stratégique renforcé",
            "Partager le renseignement reste une priorité pour les deux pays.",
            "Inscrivez-vous, avait lancé le ministre aux réservistes lors de sa visite à la base aérienne de Cazaux, en Gironde.",
            "Axe terroriste",
        ] {
            assert_eq!(matches(line), None, "{line}");
        }
    }

    #[test]
    fn strip_blanks_lines_and_cuts_related_lists() {
        let lines = ["Le texte.", "", "Autres articles", "-", "Un autre titre", ""];
        let out = strip(&lines);
        assert_eq!(out.lines, ["Le texte.", ""]);
        assert_eq!(out.removed, 3);
        let out = strip(&["Fin.", "Loading...", "L'info de A à Z Voir Plus"]);
        assert_eq!(out.lines, ["Fin.", "", ""]);
        assert_eq!(out.removed, 2);
    }
}
