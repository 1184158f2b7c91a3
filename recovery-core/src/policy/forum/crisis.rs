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

use unicode_normalization::UnicodeNormalization;

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
#[derive(Clone, Debug, Default)]
pub struct CrisisMatcher {
    terms: Vec<Vec<TermWord>>,
    /// Terms whose first word is exact, by that word.
    by_first: HashMap<String, Vec<usize>>,
    /// Terms whose first word is a prefix.
    prefix_first: Vec<usize>,
}

/// Splits text into lowercase words (see the module docs).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.nfkc() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '\u{2019}' | '\u{02BC}') && !word.is_empty() {
            // An apostrophe inside a word joins its halves.
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
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
                TermWord::Prefix(_) => matcher.prefix_first.push(index),
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
        let words = words(text);
        (0..words.len()).any(|start| {
            let exact = self.by_first.get(words[start].as_str());
            exact
                .into_iter()
                .flatten()
                .chain(self.prefix_first.iter())
                .any(|&t| self.term_at(&self.terms[t], &words[start..]))
        })
    }

    fn term_at(&self, term: &[TermWord], words: &[String]) -> bool {
        term.len() <= words.len() && term.iter().zip(words).all(|(t, w)| t.matches(w))
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
}
