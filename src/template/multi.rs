//! Several patterns searched together, each match saying which pattern it
//! is.
//!
//! Labels and options are only ever looked for where a word starts, so the
//! search is a series of anchored searches, one per word start, on a DFA
//! built once per template (on first use, or by [`crate::Template::prepare`]):
//! a few table lookups per word instead of a general search (forward, then
//! backward for the start) over the line. Revision markers may start
//! anywhere: one anchored search per place a marker can start. A pattern set
//! the DFA cannot take (Unicode word boundaries, or too big) keeps the
//! general regex engine; results are the same either way.

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, Input, MatchKind};

/// The patterns of a [`Multi`], compiled. Where two could match at the same
/// place, the longer pattern is tried first.
#[derive(Debug)]
pub(crate) struct Multi {
    /// Unique among the pattern sets of this process.
    id: u64,
    /// The general engine, built only if the DFA cannot answer.
    re: std::sync::OnceLock<regex_automata::meta::Regex>,
    sources: Vec<String>,
    /// Built on first use (some sets are only ever searched whole).
    anchored: std::sync::OnceLock<AnchoredSearch>,
    ids: Vec<usize>,
}

/// The anchored DFA of a [`Multi`]'s patterns.
#[derive(Debug)]
struct AnchoredSearch {
    /// `None` when it could not be built.
    dfa: Option<Dfa>,
    /// Bytes a match can start with (all of them without a DFA).
    first: [bool; 256],
    /// Pairs of bytes a match can start with, as bits: pair `(a, b)` is bit
    /// `b % 64` of word `a * 4 + b / 64` (all of them without a DFA).
    pairs: Vec<u64>,
}

impl AnchoredSearch {
    /// Whether a match may start at `at`: most places are ruled out by
    /// their first two bytes.
    #[inline]
    fn may_start(&self, b: &[u8], at: usize) -> bool {
        match (b.get(at), b.get(at + 1)) {
            (Some(&x), Some(&y)) => {
                let pair = x as usize * 256 + y as usize;
                self.pairs[pair / 64] & (1 << (pair % 64)) != 0
            }
            (Some(&x), None) => self.first[x as usize],
            (None, _) => true,
        }
    }
}

#[derive(Debug)]
struct Dfa {
    dfa: dense::DFA<Vec<u32>>,
    /// The start state after each byte (what a `\b` or `^` sees), and at
    /// the start of the text (index 256).
    start: Vec<StateID>,
}

/// What running the DFA from one place gave.
enum Run {
    Match(usize, usize),
    NoMatch,
    /// The DFA gave up (it cannot happen with the patterns it accepts; the
    /// regex engine answers then).
    GaveUp,
}

impl Dfa {
    fn build(sources: &[String]) -> Option<Dfa> {
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .match_kind(MatchKind::LeftmostFirst)
                    .dfa_size_limit(Some(DFA_LIMIT))
                    .determinize_size_limit(Some(DFA_LIMIT)),
            )
            .build_many(sources)
            .ok()?;
        let config = |before| {
            start::Config::new()
                .anchored(Anchored::Yes)
                .look_behind(before)
        };
        let start = (0..=255u8)
            .map(Some)
            .chain([None])
            .map(|before| dfa.start_state(&config(before)).ok())
            .collect::<Option<Vec<StateID>>>()?;
        Some(Dfa { dfa, start })
    }

    /// The DFA's search loop, anchored at `at`: the last match seen before
    /// the DFA dies is the preferred one (leftmost-first).
    #[inline]
    fn run(&self, hay: &[u8], at: usize) -> Run {
        let dfa = &self.dfa;
        let mut state = self.start[at.checked_sub(1).map_or(256, |i| hay[i] as usize)];
        let mut found = Run::NoMatch;
        for (i, &b) in hay.iter().enumerate().skip(at) {
            state = dfa.next_state(state, b);
            if dfa.is_special_state(state) {
                if dfa.is_match_state(state) {
                    // Matches show one byte late: this one ended before `b`.
                    found = Run::Match(dfa.match_pattern(state, 0).as_usize(), i);
                } else if dfa.is_dead_state(state) {
                    return found;
                } else if dfa.is_quit_state(state) {
                    return Run::GaveUp;
                }
            }
        }
        state = dfa.next_eoi_state(state);
        if dfa.is_match_state(state) {
            found = Run::Match(dfa.match_pattern(state, 0).as_usize(), hay.len());
        }
        found
    }
}

/// Largest DFA built for a pattern set; a larger one keeps the regex engine.
const DFA_LIMIT: usize = 4 << 20;

impl Multi {
    pub(crate) fn new<'a>(
        patterns: impl IntoIterator<Item = (usize, &'a str)>,
    ) -> Result<Multi, String> {
        let mut patterns: Vec<(usize, &str)> = patterns.into_iter().collect();
        patterns.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
        // Checked now, compiled when first searched.
        for (_, p) in &patterns {
            regex_syntax::Parser::new()
                .parse(p)
                .map_err(|e| e.to_string())?;
        }
        static SETS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Ok(Multi {
            id: SETS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            re: std::sync::OnceLock::new(),
            sources: patterns.iter().map(|(_, p)| p.to_string()).collect(),
            anchored: std::sync::OnceLock::new(),
            ids: patterns.into_iter().map(|(id, _)| id).collect(),
        })
    }

    /// Builds the DFA now rather than on first use.
    pub fn prepare(&self) {
        self.anchored();
    }

    /// What tells this set from every other (for what is kept per line).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The patterns for the general engine (the patterns were checked when
    /// the template loaded; only a set too large for it fails here).
    fn general(&self) -> &regex_automata::meta::Regex {
        self.re.get_or_init(|| {
            regex_automata::meta::Regex::new_many(&self.sources)
                .unwrap_or_else(|e| panic!("the template's patterns are too large together: {e}"))
        })
    }

    fn anchored(&self) -> &AnchoredSearch {
        self.anchored.get_or_init(|| {
            let dfa = Dfa::build(&self.sources);
            let (first, pairs) = match &dfa {
                Some(dfa) => first_bytes(dfa),
                None => ([true; 256], vec![u64::MAX; 1024]),
            };
            AnchoredSearch { dfa, first, pairs }
        })
    }

    /// The pattern matching at `at` (preferred as in [`Multi::new`]) and
    /// where its match ends.
    pub fn at_end(&self, hay: &str, at: usize) -> Option<(usize, usize)> {
        let a = self.anchored();
        if let Some(dfa) = &a.dfa {
            let b = hay.as_bytes();
            if !a.may_start(b, at) {
                return None;
            }
            match dfa.run(b, at) {
                Run::Match(p, end) => return Some((self.ids[p], end)),
                Run::NoMatch => return None,
                Run::GaveUp => {}
            }
        }
        let input = Input::new(hay).range(at..).anchored(Anchored::Yes);
        self.general()
            .search(&input)
            .map(|m| (self.ids[m.pattern().as_usize()], m.end()))
    }

    /// The id of a pattern matching at `at` exactly, if any.
    pub fn at(&self, hay: &str, at: usize) -> Option<usize> {
        self.at_end(hay, at).map(|(id, _)| id)
    }

    /// `(id, start, end)` of the matches in `hay`, left to right, not
    /// overlapping, wherever they start: the leftmost match, then the
    /// leftmost after it, as a regex finds them.
    pub fn find_all(&self, hay: &str) -> Vec<(usize, usize, usize)> {
        let b = hay.as_bytes();
        let first = &self.anchored().first;
        let mut out = Vec::new();
        let mut at = 0;
        while at < b.len() {
            if first[b[at] as usize] && hay.is_char_boundary(at) {
                if let Some((id, end)) = self.at_end(hay, at).filter(|&(_, end)| end > at) {
                    out.push((id, at, end));
                    at = end;
                    continue;
                }
            }
            at += 1;
        }
        out
    }

    /// `(id, start, end)` of the matches in `hay` that start where a word
    /// does and end where one does (on word boundaries), left to right, not
    /// overlapping: the labels and options of a line.
    pub fn find_words(&self, hay: &str) -> Vec<(usize, usize, usize)> {
        let b = hay.as_bytes();
        let first = &self.anchored().first;
        let mut out = Vec::new();
        let mut at = 0;
        let mut after_word = false; // the character before `at` is alphanumeric
        while at < b.len() {
            let (word, len) = char_at(hay, at);
            let starts = !(word && after_word);
            if starts && first[b[at] as usize] {
                if let Some((id, end)) = self.at_end(hay, at).filter(|&(_, end)| end > at) {
                    if crate::extract::on_word_boundaries(hay, at, end) {
                        out.push((id, at, end));
                    }
                    after_word = hay[..end]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric);
                    at = end;
                    continue;
                }
            }
            after_word = word;
            at += len;
        }
        out
    }
}

/// Whether the character at byte `at` is alphanumeric, and its length.
#[inline]
fn char_at(s: &str, at: usize) -> (bool, usize) {
    let b = s.as_bytes()[at];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    let c = s[at..].chars().next().expect("a character starts here");
    (c.is_alphanumeric(), c.len_utf8())
}

/// The bytes, and the pairs of bytes, that lead somewhere from an anchored
/// start state, whatever stands before the match. A match that could end
/// after no byte, or after one, lets every byte or pair through.
fn first_bytes(dfa: &Dfa) -> ([bool; 256], Vec<u64>) {
    let d = &dfa.dfa;
    let (mut first, mut pairs) = ([false; 256], vec![0u64; 1024]);
    let mut starts = dfa.start.clone();
    starts.sort_unstable();
    starts.dedup();
    for state in starts {
        if d.is_match_state(state) {
            return ([true; 256], vec![u64::MAX; 1024]);
        }
        for x in 0..=255u8 {
            let one = d.next_state(state, x);
            if d.is_dead_state(one) {
                continue;
            }
            first[x as usize] = true;
            for y in 0..=255u8 {
                let two = d.next_state(one, y);
                if d.is_match_state(one) || !d.is_dead_state(two) {
                    let pair = x as usize * 256 + y as usize;
                    pairs[pair / 64] |= 1 << (pair % 64);
                }
            }
        }
    }
    (first, pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    static TEMPLATE: std::sync::LazyLock<crate::Template> =
        std::sync::LazyLock::new(crate::Template::default_template);

    /// [`Multi::find_words`] with the general regex engine at each word
    /// start: what the DFA and its table of first bytes must agree with.
    fn by_meta(m: &Multi, hay: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < hay.len() {
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            let starts = !(word(hay[at..].chars().next()) && word(hay[..at].chars().next_back()));
            let input = Input::new(hay).range(at..).anchored(Anchored::Yes);
            if let Some(found) = m
                .general()
                .search(&input)
                .filter(|f| starts && f.end() > at)
            {
                if crate::extract::on_word_boundaries(hay, at, found.end()) {
                    out.push((m.ids[found.pattern().as_usize()], at, found.end()));
                }
                at = found.end();
            } else {
                at += hay[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
        out
    }

    #[test]
    fn labels_of_a_line() {
        let t = &*TEMPLATE;
        let found = |s: &str| -> Vec<String> {
            t.label_search
                .find_words(s)
                .iter()
                .map(|&(_, a, b)| s[a..b].to_string())
                .collect()
        };
        assert_eq!(
            found("Colaborador Maria Data 13/02/2025"),
            ["Colaborador", "Data"]
        );
        assert_eq!(
            found("Nome do dentista: Dr. Ana  CPF: 1"),
            ["Nome do dentista", "CPF"]
        );
        // Not inside a word, at either end.
        assert!(found("Datas, Operadoras, xcpf, ufa").is_empty());
        assert_eq!(found("1o contato Data 02/03"), ["1o contato", "Data"]);
    }

    #[test]
    fn revision_markers_of_a_line() {
        let m = &TEMPLATE.marker_search;
        for line in [
            "Motivo retencao: Ofertado treinamento / ou reciclagem",
            "xsetor responsavel e setor responsavel, sector responsavel",
            "Areas divulgadas  Quantidade de dentistas por area  Obs. desligamento",
            "Acao retencao Negativa de atendimento",
        ] {
            let all = m.find_all(line);
            assert!(!all.is_empty(), "{line}");
            assert_eq!(all, all_by_meta(m, line), "{line}");
        }
        // `\bsetor` is no marker inside a word.
        assert_eq!(m.find_all("xsetor responsavel").len(), 0);
    }

    /// [`Multi::find_all`] by the general engine's own iterator.
    fn all_by_meta(m: &Multi, hay: &str) -> Vec<(usize, usize, usize)> {
        m.general()
            .find_iter(hay)
            .filter(|f| f.end() > f.start())
            .map(|f| (m.ids[f.pattern().as_usize()], f.start(), f.end()))
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn the_dfa_finds_what_the_regex_engine_finds(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "data", "de", "inclusao", "inicio", "cpf", "CNPJ", "uf", "UF", "n", "no", "o",
                "°", ".", ":", " ", "  ", "\t", "x", "1", "2o", "contato", "obs", "Obs.:",
                "status", "da", "retencao", "sim", "Nao", "nao", "☒", "é", "ß", "-", "(a)",
                "colaborador", "protocolo", "cro", "s", "?", "valor", "ultima", "producao",
                "motivo", "setor", "sector", "responsavel", "areas", "divulgadas", "acao",
                "negativa", "atendimento", "ofertado", "treinamento", "/", "ou", "reciclagem",
            ]), 0..16)
        ) {
            let t = &*TEMPLATE;
            let hay: String = pieces.concat();
            let mut sets = vec![&t.label_search, &t.title_start];
            sets.extend(t.fields.iter().filter(|f| f.is_group()).map(|f| &f.option_search));
            for m in sets {
                proptest::prop_assert_eq!(m.find_words(&hay), by_meta(m, &hay), "{:?}", hay);
            }
            let m = &t.marker_search;
            proptest::prop_assert_eq!(m.find_all(&hay), all_by_meta(m, &hay), "{:?}", hay);
        }
    }
}
