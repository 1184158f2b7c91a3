//! Crisis language: which posts go to the top of the review queue and show their author where
//! help is.
//!
//! Text and terms are split into words the same way: NFKC, lowercase, letters and digits only,
//! apostrophes inside a word dropped (`can't` is `cant`), everything else a separator. A term is
//! one or more words and matches where the text has the same words in a row, so terms never
//! match inside ordinary words (`want to die` does not match "want to diet"). A term word ending
//! in `*` matches any word that starts with it (`selvmord*` matches "selvmordstanker").
//!
//! The defaults ship as data (`data/crisis-terms-en.txt` and `data/crisis-terms-nb.txt`) and
//! can be replaced in [`ForumConfig::crisis_terms`](crate::config::ForumConfig::crisis_terms).

use std::collections::HashMap;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// One word of a term.
#[derive(Clone, Debug, PartialEq, Eq)]
enum TermWord {
    Exact(String),
    Prefix(String),
}

impl TermWord {
    fn matches(&self, word: &str) -> bool {
        match self {
            TermWord::Exact(w) => w == word,
            TermWord::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

/// The configured crisis terms, compiled for fast matching. Built once per
/// [`Portal`](crate::Portal).
#[derive(Clone, Debug)]
pub struct CrisisMatcher {
    terms: Vec<Vec<TermWord>>,
    /// Terms whose first word is exact, by that word.
    by_first: HashMap<String, Vec<usize>, BuildFnv>,
    /// Terms whose first word is a prefix.
    prefix_first: Vec<usize>,
    /// The first bytes of those prefixes: a word starting with none of them skips them all.
    prefix_bytes: [bool; 256],
}

/// FNV-1a: words are short and every word of every post is looked up, so the hash must be
/// cheap; the keys are the configured terms, not input an attacker could aim at collisions.
#[derive(Clone, Copy, Debug, Default)]
struct BuildFnv;

impl std::hash::BuildHasher for BuildFnv {
    type Hasher = Fnv;

    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl Default for CrisisMatcher {
    fn default() -> Self {
        Self {
            terms: Vec::new(),
            by_first: HashMap::default(),
            prefix_first: Vec::new(),
            prefix_bytes: [false; 256],
        }
    }
}

/// Splits text into lowercase words (see the module docs).
pub fn words(text: &str) -> Vec<String> {
    let split = Words::of(text);
    split.iter().map(str::to_owned).collect()
}

/// A text's words, lowercased into one buffer: one allocation for the text rather than one per
/// word, since a post of 2,000 characters has some 400 words and every post is scanned.
struct Words {
    buf: String,
    /// Where each word starts and ends in `buf`.
    spans: Vec<(usize, usize)>,
}

impl Words {
    fn of(text: &str) -> Self {
        // Most text is NFKC already (all ASCII is), and the quick check is far cheaper than
        // normalising: normalisation was a third of a post's cost.
        if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
            Self::split(text.chars(), text.len())
        } else {
            Self::split(text.nfkc(), text.len())
        }
    }

    fn split(chars: impl Iterator<Item = char>, len: usize) -> Self {
        let mut buf = String::with_capacity(len);
        let mut spans = Vec::new();
        let mut start = 0;
        let mut in_word = false;
        for c in chars {
            if c.is_alphanumeric() {
                if c.is_ascii() {
                    buf.push(c.to_ascii_lowercase());
                } else {
                    buf.extend(c.to_lowercase());
                }
                in_word = true;
            } else if matches!(c, '\'' | '\u{2019}' | '\u{02BC}') && in_word {
                // An apostrophe inside a word joins its halves.
            } else if in_word {
                spans.push((start, buf.len()));
                start = buf.len();
                in_word = false;
            }
        }
        if in_word {
            spans.push((start, buf.len()));
        }
        Self { buf, spans }
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    fn get(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        &self.buf[start..end]
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl CrisisMatcher {
    /// Compiles terms. Terms with no words are ignored; a lone `*` matches nothing.
    pub fn new<I, S>(terms: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut matcher = CrisisMatcher::default();
        for term in terms {
            // Term words split like text does ("self-harm" is two words); a trailing `*`
            // makes the last of them a prefix.
            let mut compiled = Vec::new();
            for raw in term.as_ref().split_whitespace() {
                let (stem, prefix) = match raw.strip_suffix('*') {
                    Some(stem) => (stem, true),
                    None => (raw, false),
                };
                let mut parts = words(stem);
                let last = parts.pop();
                compiled.extend(parts.into_iter().map(TermWord::Exact));
                compiled.extend(last.map(|w| {
                    if prefix {
                        TermWord::Prefix(w)
                    } else {
                        TermWord::Exact(w)
                    }
                }));
            }
            let Some(first) = compiled.first() else {
                continue;
            };
            let index = matcher.terms.len();
            match first {
                TermWord::Exact(w) => matcher.by_first.entry(w.clone()).or_default().push(index),
                TermWord::Prefix(p) => {
                    matcher.prefix_first.push(index);
                    // An empty prefix would match every word; `new` never makes one (a lone
                    // `*` has no words), but mark every byte if it ever did.
                    match p.as_bytes().first() {
                        Some(b) => matcher.prefix_bytes[usize::from(*b)] = true,
                        None => matcher.prefix_bytes = [true; 256],
                    }
                }
            }
            matcher.terms.push(compiled);
        }
        matcher
    }

    /// How many terms were compiled.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether there are no terms (nothing ever matches).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether any of `texts` contains a crisis term.
    pub fn matches_any(&self, texts: &[&str]) -> bool {
        texts.iter().any(|t| self.matches(t))
    }

    /// Whether the text contains a crisis term.
    pub fn matches(&self, text: &str) -> bool {
        if self.terms.is_empty() {
            return false;
        }
        let words = Words::of(text);
        (0..words.len()).any(|start| {
            let word = words.get(start);
            let exact = self.by_first.get(word);
            let prefixes = word
                .as_bytes()
                .first()
                .is_some_and(|b| self.prefix_bytes[usize::from(*b)]);
            let prefixes = if prefixes {
                &self.prefix_first[..]
            } else {
                &[]
            };
            exact
                .into_iter()
                .flatten()
                .chain(prefixes)
                .any(|&t| self.term_at(&self.terms[t], &words, start))
        })
    }

    fn term_at(&self, term: &[TermWord], words: &Words, start: usize) -> bool {
        start + term.len() <= words.len()
            && term
                .iter()
                .enumerate()
                .all(|(i, t)| t.matches(words.get(start + i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_crisis_terms;

    fn defaults() -> CrisisMatcher {
        CrisisMatcher::new(default_crisis_terms())
    }

    #[test]
    fn english_crisis_language_matches() {
        let m = defaults();
        for text in [
            "Some days I just want to die.",
            "I have been thinking about SUICIDE again",
            "feeling suicidal tonight",
            "I can't go on like this",
            "I can\u{2019}t go on",
            "Started to self-harm again",
            "i keep cutting myself",
            "Everyone would be better off without me.",
        ] {
            assert!(m.matches(text), "{text}");
        }
    }

    #[test]
    fn norwegian_crisis_language_matches() {
        let m = defaults();
        for text in [
            "Jeg vil dø.",
            "Har hatt selvmordstanker hele uka",
            "Jeg orker ikke mer",
            "Tenker på å ta livet mitt",
            "Det hadde vært bedre om jeg var død",
            "JEG VIL IKKE LEVE LENGER",
            "har begynt å skade meg selv igjen",
            "selvskading er vanskelig å snakke om",
        ] {
            assert!(m.matches(text), "{text}");
        }
    }

    #[test]
    fn ordinary_words_that_contain_a_term_do_not_match() {
        let m = defaults();
        for text in [
            "I want to diet before summer.",
            "She is a skillful cook; I killed it at the quiz myself.",
            "Jeg orker ikke merkelapper på folk.",
            "Vil døgnrytmen bli bedre om jeg sover mer?",
            "Det var et selvmål, sa treneren.",
        ] {
            assert!(!m.matches(text), "{text}");
        }
        assert!(!m.matches(""));
        assert!(!m.matches("Going for a walk helped today."));
        assert!(!m.matches("Jeg gikk en tur og det hjalp."));
    }

    #[test]
    fn terms_match_whole_words_in_order_and_prefixes_only_at_word_start() {
        let m = CrisisMatcher::new(["end it all", "hope*", "", "*"]);
        assert_eq!(m.len(), 2);
        assert!(m.matches("I want to END it, all of it"));
        assert!(!m.matches("all it end"));
        assert!(m.matches("hopeless"));
        assert!(m.matches("no hopes"));
        assert!(!m.matches("unhopeful"));
        assert!(!CrisisMatcher::new(Vec::<String>::new()).matches("anything"));
    }

    #[test]
    fn words_fold_case_width_and_apostrophes() {
        assert_eq!(words("Don't  STOP—now"), ["dont", "stop", "now"]);
        assert_eq!(words("\u{FF21}\u{FF22}c"), ["abc"]);
        assert_eq!(words("'quoted'"), ["quoted"]);
    }

    proptest::proptest! {
        #[test]
        fn the_quick_path_splits_as_full_normalisation_does(text in "[a-zA-Z0-9 .,'\u{2019}\u{02BC}\u{00C0}-\u{017F}\u{0300}-\u{036F}\u{FF10}-\u{FF5A}\u{2460}-\u{2473}\u{FB01}\u{1E9E}-]{0,40}|\\PC{0,40}") {
            let full = Words::split(text.nfkc(), text.len());
            let full: Vec<&str> = full.iter().collect();
            proptest::prop_assert_eq!(words(&text), full);
        }
    }
}
