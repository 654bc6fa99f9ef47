//! Property tests of the text pipeline: whatever the bytes, it gives at
//! least one record and never panics.

use formsift::pipeline::process_bytes;
use formsift::Template;
use proptest::prelude::*;
use std::sync::OnceLock;

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(Template::default_template)
}

const SEEDS: [&str; 4] = [
    include_str!("../fixtures/seeds/000_e79935e713eb578e.txt"),
    include_str!("../fixtures/seeds/001_abe2ddd6ae2ff60f.txt"),
    include_str!("../fixtures/seeds/002_c1c58cae090523cb.txt"),
    include_str!("../fixtures/filled/v2-inline.txt"),
];

/// Pieces forms are made of: labels, marks, values, chat lines, junk.
const PIECES: [&str; 24] = [
    "Formulário - Processo de Retenção",
    "Colaborador",
    "Data",
    "UF",
    "CPF",
    "CNPJ",
    "Obs.:",
    "1º contato",
    "Status retenção",
    "☒",
    "☐",
    "[X]",
    "þ",
    "?",
    "\u{FFFD}",
    "Sim",
    "Não",
    "Desligamento",
    "13/02/2025",
    "31/02/2025",
    "529.982.247-25",
    "\t",
    "  ",
    "[16:14, 13/02/2025] a: b",
];

fn check(bytes: &[u8]) {
    let records = process_bytes(template(), "p.txt", bytes);
    assert!(!records.is_empty());
    for r in &records {
        assert_eq!(r.error.is_some(), r.fields.is_none());
        // The hand-written JSON is serde_json's, byte for byte, compact
        // and pretty.
        for pretty in [false, true] {
            let mut out = Vec::new();
            formsift::output::json::record(&mut out, r, pretty);
            let serde = if pretty {
                serde_json::to_vec_pretty(r)
            } else {
                serde_json::to_vec(r)
            };
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(serde.unwrap()).unwrap()
            );
        }
    }
}

/// A seed with one edit: a cut, an insertion, a line repeated or dropped.
fn mutated_seed() -> impl Strategy<Value = Vec<u8>> {
    (
        0..SEEDS.len(),
        0usize..4,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(s, kind, a, b, junk)| {
            let seed = SEEDS[s].as_bytes();
            let (i, j) = (a.index(seed.len() + 1), b.index(seed.len() + 1));
            let (lo, hi) = (i.min(j), i.max(j));
            let mut out = seed.to_vec();
            match kind {
                0 => {
                    out.drain(lo..hi);
                }
                1 => {
                    out.splice(lo..lo, junk);
                }
                2 => {
                    let piece = seed[lo..hi].to_vec();
                    out.splice(lo..lo, piece);
                }
                _ => out.truncate(lo),
            }
            out
        })
}

fn form_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::collection::vec(prop::sample::select(&PIECES[..]), 0..8),
        0..40,
    )
    .prop_map(|lines| {
        lines
            .into_iter()
            .map(|l| l.join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_give_a_record(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn mutated_seeds_give_a_record(bytes in mutated_seed()) {
        check(&bytes);
    }

    #[test]
    fn form_like_text_gives_a_record(text in form_like()) {
        check(text.as_bytes());
    }
}
