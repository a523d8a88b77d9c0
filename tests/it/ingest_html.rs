//! HTML article pages.

use depeche::ingest;

use crate::support::fixture;

#[test]
fn dump() {
    for f in [
        "html/lefigaro_2024-11-22_guerre-ukraine-campagne-2025.html",
        "html/lesechos_2024-07-18_fil-info-international.html",
        "html/lemonde_2015_loi-renseignement.html",
        "html/blog-mondediplo_2018-06-21_turpitude-architecture.html",
        "html/bfmtv_homepage-html-saved-as-feed_2025-02-10.xml",
    ] {
        println!("=== {f}");
        match ingest::read_path(&fixture(f)) {
            Ok(v) => {
                for a in v {
                    println!(
                        "title={:?} pub={:?} by={:?} publ={:?} lang={} meta={:?}",
                        a.title, a.published, a.byline, a.publisher, a.lang, a.meta
                    );
                    for p in &a.paragraphs {
                        println!("  [{}] {}", p.role.as_str(), p.text);
                    }
                }
            }
            Err(e) => println!("ERR {e}"),
        }
    }
}
