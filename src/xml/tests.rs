use encoding_rs::WINDOWS_1252;

use super::*;

fn tree(xml: &str) -> Result<Element, Error> {
    parse(xml, &Options::default())
}

#[test]
fn the_tree_keeps_names_namespaces_attributes_text_and_lines() {
    let root = tree(concat!(
        "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\" xmlns:o=\"urn:o\" xml:lang=\"fr\">\n",
        "<b k=\"v &amp; w\">un &lt; deux<![CDATA[ <trois>\r\n]]></b>\n<o:c/><p:d/>&#233;</a>"
    ))
    .unwrap();
    assert_eq!((root.name.as_str(), root.line), ("a", 2));
    assert!(root.in_ns("urn:x"));
    assert_eq!(root.attr("xml:lang"), Some("fr"));
    let b = root.child("b").unwrap();
    assert_eq!((b.line, b.attr("k")), (3, Some("v & w")));
    assert!(matches!(&b.children[..], [Node::Text(t)] if t == "un < deux <trois>\n"));
    let c = root.child("c").unwrap();
    // The CDATA section above holds a line end.
    assert!(c.in_ns("urn:o") && c.line == 5);
    assert_eq!(root.child("d").unwrap().ns, Namespace::Undeclared("p".into()));
    assert!(matches!(root.children.last(), Some(Node::Text(t)) if t == "é"));
    assert_eq!(root.at(&["b"]).map(|e| e.line), Some(3));
}

#[test]
fn faults_name_their_line() {
    let line = |xml: &str| tree(xml).unwrap_err().line();
    assert_eq!(line("<a>\n<b>\n</a>"), 3);
    assert!(matches!(tree("<a>\n<b>"), Err(Error::Unclosed { line: 2, ref name }) if name == "b"));
    assert!(matches!(tree("<a/>\n<b/>"), Err(Error::SecondRoot { line: 2 })));
    assert!(matches!(tree("<a/>\n\nx"), Err(Error::TextOutsideRoot { line: 3 })));
    assert!(matches!(tree("<!-- -->"), Err(Error::NoRoot)));
    let deep = "<a>".repeat(300);
    assert!(matches!(tree(&deep), Err(Error::TooDeep { limit: 256, .. })));
}

#[test]
fn only_predefined_numeric_and_named_extra_entities_resolve() {
    assert!(
        matches!(tree("<a>&nbsp;</a>"), Err(Error::UndefinedEntity { ref name, .. }) if name == "nbsp")
    );
    let with_nbsp = Options::default().with_extra(nbsp);
    let root = parse("<a t=\"&nbsp;\">&nbsp;&quot;&#x41;</a>", &with_nbsp).unwrap();
    assert_eq!(root.attr("t"), Some("\u{a0}"));
    assert!(matches!(&root.children[..], [Node::Text(t)] if t == "\u{a0}\"A"));
}

// See: #8. The four classic attacks on XML readers: each is either refused
// or read without fetching or expanding anything.

#[test]
fn an_external_entity_is_never_fetched() {
    let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n<a>&xxe;</a>";
    let err = tree(xml).unwrap_err();
    assert!(matches!(err, Error::UndefinedEntity { line: 5, ref name } if name == "xxe"), "{err}");
    // Nor in an attribute.
    let attr = "<!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><a v=\"&xxe;\"/>";
    assert!(matches!(tree(attr), Err(Error::Syntax { .. })));
}

#[test]
fn billion_laughs_expands_nothing() {
    let mut dtd = String::from("<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 { "lol".to_owned() } else { format!("lol{}", i - 1) };
        dtd.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    dtd.push_str("]>\n");
    let err = tree(&format!("{dtd}<lolz>&lol9;</lolz>")).unwrap_err();
    assert!(matches!(err, Error::UndefinedEntity { ref name, .. } if name == "lol9"), "{err}");
    // The streaming readers' resolver answers "undefined" in constant space.
    let r = quick_xml::events::BytesRef::new("lol9");
    assert_eq!(entity(&r, no_extra).unwrap(), None);
}

#[test]
fn an_external_dtd_is_never_read() {
    // A DTD that would define `&ext;` if it were fetched; the document
    // itself reads, and the entity stays undefined.
    let xml = "<!DOCTYPE a SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n<a>texte</a>";
    assert!(matches!(&tree(xml).unwrap().children[..], [Node::Text(t)] if t == "texte"));
    let xml = "<!DOCTYPE a PUBLIC \"-//X//DTD X//EN\" \"http://127.0.0.1:9/evil.dtd\"><a>&ext;</a>";
    assert!(matches!(tree(xml), Err(Error::UndefinedEntity { .. })));
}

#[test]
fn a_parameter_entity_is_never_expanded() {
    let xml = concat!(
        "<!DOCTYPE a [\n<!ENTITY % remote SYSTEM \"http://127.0.0.1:9/x.dtd\">\n%remote;\n",
        "<!ENTITY % inner \"<!ENTITY injected 'boo'>\">\n%inner;\n]>\n<a>&injected;</a>"
    );
    let err = tree(xml).unwrap_err();
    assert!(matches!(err, Error::UndefinedEntity { line: 7, ref name } if name == "injected"));
    // Without a reference the document reads: the subset is skipped whole.
    let ok = "<!DOCTYPE a [<!ENTITY % p \"x\"> %p;]><a>ok</a>";
    assert_eq!(tree(ok).unwrap().name, "a");
}

#[test]
fn encoding_comes_from_the_bom_then_the_declaration_then_the_fallback() {
    let latin9 = b"<?xml version='1.0' encoding='ISO-8859-15'?><a>\xa4</a>";
    let d = decode(latin9, encoding_rs::UTF_8).unwrap();
    assert_eq!(
        (d.text.as_str(), d.encoding.as_str(), d.source),
        (
            "<?xml version='1.0' encoding='ISO-8859-15'?><a>€</a>",
            "iso-8859-15",
            Source::Declaration
        )
    );
    // A BOM wins over the declaration.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice("<?xml version='1.0' encoding='ISO-8859-1'?><a>é</a>".as_bytes());
    let d = decode(&bom, WINDOWS_1252).unwrap();
    assert_eq!((d.text.ends_with("<a>é</a>"), d.source), (true, Source::Bom));
    // UTF-16 with a BOM, and without one (told by `<?`).
    let utf16: Vec<u8> = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let d = decode(&utf16, encoding_rs::UTF_8).unwrap();
    assert_eq!((d.text.ends_with("<a>é</a>"), d.encoding.as_str()), (true, "utf-16le"));
    let mut marked = b"\xff\xfe".to_vec();
    marked.extend_from_slice(&utf16);
    assert_eq!(decode(&marked, encoding_rs::UTF_8).unwrap().encoding, "utf-16le (bom)");
    assert_eq!(decode_head(&marked, 80), "<?xml version=\"1.0\" encoding=\"UTF-16\"?>");
    // Nothing said: the fallback.
    let d = decode(b"<a>\xe9</a>", WINDOWS_1252).unwrap();
    assert_eq!((d.text.as_str(), d.source), ("<a>é</a>", Source::Fallback));
    // Valid UTF-8 with accents under a Latin-1 declaration is UTF-8.
    let lying = "<?xml version='1.0' encoding='ISO-8859-1'?><a>é</a>";
    assert_eq!(decode(lying.as_bytes(), WINDOWS_1252).unwrap().text, lying);
}

#[test]
fn encoding_faults_are_errors_or_noted_when_lossy() {
    let unknown = decode(b"<?xml version='1.0' encoding='klingon'?><a/>", encoding_rs::UTF_8);
    assert!(matches!(unknown, Err(Error::UnknownEncoding { ref label }) if label == "klingon"));
    let bad = b"<a>\n\xff</a>";
    assert!(matches!(
        decode(bad, encoding_rs::UTF_8),
        Err(Error::Undecodable { line: 2, ref encoding, .. }) if encoding == "utf-8"
    ));
    let undefined = b"<?xml version='1.0' encoding='windows-1253'?>\n<a>\xaa</a>";
    assert!(matches!(decode_declared(undefined, false), Err(Error::Undecodable { line: 2, .. })));
    let lossy = decode_declared(undefined, true).unwrap().unwrap();
    assert_eq!(lossy.encoding, "windows-1253 (lossy)");
    assert!(lossy.note.unwrap().contains("line 2"));
}
