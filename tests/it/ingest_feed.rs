//! RSS and Atom feeds: one article per item.

use std::path::{Path, PathBuf};

use depeche::ingest::{self, ReadOptions};
use depeche::{Article, Role};

fn feed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds").join(name)
}

fn read_all(name: &str) -> Vec<Article> {
    ingest::read_path(&feed(name)).unwrap()
}

#[test]
fn dump() {
    for name in [
        "bfmtv_moyen-orient_2025-02-10.rss.xml",
        "franceinfo_monde_2025-02-10.rss.xml",
        "lefigaro_flash-actu_2025-02-10.rss.xml",
        "liberation_a-la-une_2025-02-10.rss.xml",
        "le-cercle-psy_no-xml-decl_iso-8859-1.rss.xml",
    ] {
        let items = ingest::read_items(&feed(name), &ReadOptions::default()).unwrap();
        println!("== {name}: {}", items.len());
        for (i, a) in items.iter().enumerate().take(3) {
            match a {
                Ok(a) => {
                    println!(
                        "{i} {:?} | {:?} | {:?} | {:?} | {} | {}",
                        a.title, a.published, a.byline, a.publisher, a.origin, a.lang
                    );
                    for p in &a.paragraphs {
                        println!("   {:?} {:?}", p.role, p.text);
                    }
                    println!("   {:?}", a.meta);
                }
                Err(e) => println!("{i} ERR {e}"),
            }
        }
        for e in items.iter().filter_map(|r| r.as_ref().err()) {
            println!("ERR {e}");
        }
        let _ = Role::Body;
        let _ = read_all;
    }
}
