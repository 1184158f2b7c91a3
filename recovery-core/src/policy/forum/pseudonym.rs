//! Pseudonyms: what a member may call themselves in the forum.
//!
//! A pseudonym is 3 to 24 characters of letters, digits, spaces and `-`, `_`, `.` or `'`, after
//! the usual text rules (NFC, no control or bidirectional characters) and with runs of spaces
//! collapsed. It must not look like contact details (an `@`, or eight or more digits with only
//! phone punctuation between them), must not hold a run of five or more digits, and must not
//! contain the person's registered name or a word of it (three or more letters).
//!
//! Two pseudonyms are the same when their [`key`]s or their [`shape`]s are equal. Both map text
//! to UTS #39 confusable skeletons, fold case and keep letters and digits only; the key folds
//! case first (so `Ida` and `ida` collide), the shape takes the skeleton of the text as written
//! (so the Cyrillic capital `І` collides with Latin `l`, which it looks like only as a
//! capital). `anna`, `ANNA`, `аnna` (with a Cyrillic а) and `an-na` all collide.

use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

use crate::config::TextLimits;
use crate::error::{Error, Problem, Result};
use crate::policy::text::{TextKind, clean};

/// The fewest characters a pseudonym may have.
pub const MIN_CHARS: usize = 3;
/// The most characters a pseudonym may have.
pub const MAX_CHARS: usize = 24;
/// The longest run of digits a pseudonym may hold.
pub const MAX_DIGIT_RUN: usize = 4;
/// This many digits with only phone punctuation between them look like a phone number.
const PHONE_DIGITS: usize = 8;
/// Words of the person's name shorter than this are not looked for (initials, "Bo").
const NAME_WORD_MIN: usize = 3;

/// An accepted pseudonym: the text to show and the key it is unique by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pseudonym {
    /// The pseudonym as shown.
    pub text: String,
    /// Its case-first key (see [`key`]).
    pub key: String,
    /// Its shape-first key (see [`shape`]).
    pub shape: String,
}

/// The case-first key: NFKC, lowercase, the UTS #39 skeleton, lowercase again (the skeleton
/// maps some characters to capitals, e.g. `0` to `O`), then letters and digits only.
pub fn key(text: &str) -> String {
    let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
    letters_and_digits(skeleton(&folded))
}

/// The shape-first key: NFKC, the skeleton of the text as written, lowercase, the skeleton
/// again, lowercase, then letters and digits only. Catches capitals that look like another
/// script's letters (`І` like `l`, `Н` like `H`) whose small forms do not.
pub fn shape(text: &str) -> String {
    let compat: String = text.nfkc().collect();
    let as_written: String = skeleton(&compat).flat_map(char::to_lowercase).collect();
    letters_and_digits(skeleton(&as_written))
}

fn letters_and_digits(chars: impl Iterator<Item = char>) -> String {
    chars
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn is_phone_punctuation(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '+' | '/')
}

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '\'')
}

/// Checks a pseudonym for the person registered as `display_name`. `field` names the input in
/// errors.
pub fn check(
    field: &'static str,
    raw: &str,
    display_name: &str,
    limits: &TextLimits,
) -> Result<Pseudonym> {
    let cleaned = clean(field, raw, TextKind::Title, limits)?;
    let text = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let actual = text.chars().count();
    if actual < MIN_CHARS {
        return Err(Error::invalid(
            field,
            Problem::TooShort {
                min: MIN_CHARS,
                actual,
            },
        ));
    }
    if actual > MAX_CHARS {
        return Err(Error::invalid(
            field,
            Problem::TooLong {
                max: MAX_CHARS,
                actual,
            },
        ));
    }
    let compat: String = text.nfkc().collect();
    if compat.contains(['@', '\u{FE6B}', '\u{FF20}']) {
        return Err(Error::invalid(
            field,
            Problem::ContactDetails { kind: "email" },
        ));
    }
    if looks_like_phone(&compat) {
        return Err(Error::invalid(
            field,
            Problem::ContactDetails { kind: "phone" },
        ));
    }
    if longest_digit_run(&compat) > MAX_DIGIT_RUN {
        return Err(Error::invalid(
            field,
            Problem::DigitRun { max: MAX_DIGIT_RUN },
        ));
    }
    if let Some((position, c)) = text.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        return Err(Error::invalid(
            field,
            Problem::ForbiddenCharacter {
                code: u32::from(c),
                position,
            },
        ));
    }
    let (key, shape) = (key(&text), shape(&text));
    if key.chars().count() < MIN_CHARS {
        // Only punctuation and spaces, or letters that fold away.
        return Err(Error::invalid(
            field,
            Problem::TooShort {
                min: MIN_CHARS,
                actual: key.chars().count(),
            },
        ));
    }
    if reveals_name(&key, display_name, self::key)
        || reveals_name(&shape, display_name, self::shape)
    {
        return Err(Error::invalid(field, Problem::RevealsName));
    }
    Ok(Pseudonym { text, key, shape })
}

/// Whether a pseudonym's key contains the name's, or a word of it of three letters or more,
/// both folded by `fold`.
fn reveals_name(pseudonym_key: &str, display_name: &str, fold: fn(&str) -> String) -> bool {
    let whole = fold(display_name);
    if whole.chars().count() >= NAME_WORD_MIN && pseudonym_key.contains(&whole) {
        return true;
    }
    display_name
        .split(|c: char| !c.is_alphanumeric())
        .map(fold)
        .filter(|w| w.chars().count() >= NAME_WORD_MIN)
        .any(|w| pseudonym_key.contains(&w))
}

fn looks_like_phone(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if c.is_numeric() {
            digits += 1;
            if digits >= PHONE_DIGITS {
                return true;
            }
        } else if !is_phone_punctuation(c) {
            digits = 0;
        }
    }
    false
}

fn longest_digit_run(text: &str) -> usize {
    let (mut run, mut longest) = (0, 0);
    for c in text.chars() {
        run = if c.is_numeric() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(raw: &str) -> Pseudonym {
        check("p", raw, "Kari Nordmann", &TextLimits::default()).expect(raw)
    }

    fn problem(raw: &str) -> Problem {
        match check("p", raw, "Kari Nordmann", &TextLimits::default()) {
            Err(Error::Invalid { problem, .. }) => problem,
            other => panic!("{raw:?} gave {other:?}"),
        }
    }

    #[test]
    fn case_cyrillic_and_punctuation_lookalikes_collide() {
        let latin = ok("anna").key;
        assert_eq!(ok("ANNA").key, latin);
        assert_eq!(ok("\u{0430}nna").key, latin, "Cyrillic a");
        assert_eq!(ok("An-na").key, latin);
        assert_eq!(ok("an na").key, latin);
        assert_ne!(ok("anne").key, latin);
        // Digits that look like letters collide with the letters.
        assert_eq!(ok("l0la").key, ok("lOla").key);
        assert_eq!(ok("rnoon").key, ok("moon").key);
        // Capitals that look alike across scripts collide by shape.
        assert_eq!(ok("\u{0406}ark").shape, ok("lark").shape);
        assert_eq!(ok("\u{041D}elle").shape, ok("Helle").shape);
        assert_eq!(ok("Ida").key, ok("ida").key);
        // Names that only share letters do not.
        let (karl, kari) = (ok("Karl"), ok("Kaja"));
        assert!(karl.key != kari.key && karl.shape != kari.shape);
    }

    #[test]
    fn length_is_three_to_twenty_four_characters() {
        assert_eq!(problem("ab"), Problem::TooShort { min: 3, actual: 2 });
        assert_eq!(
            problem(&"a".repeat(25)),
            Problem::TooLong {
                max: 24,
                actual: 25
            }
        );
        assert_eq!(ok("abc").text, "abc");
        assert_eq!(ok(&"ø".repeat(24)).text.chars().count(), 24);
        // Spaces are collapsed and trimmed before counting.
        assert_eq!(ok("  Blue    sky ").text, "Blue sky");
        assert_eq!(problem("---"), Problem::TooShort { min: 3, actual: 0 });
    }

    #[test]
    fn contact_details_and_digit_runs_are_refused() {
        assert_eq!(
            problem("me@example.no"),
            Problem::ContactDetails { kind: "email" }
        );
        assert_eq!(
            problem("me\u{FF20}mail"),
            Problem::ContactDetails { kind: "email" }
        );
        assert_eq!(
            problem("+47 912 34 567"),
            Problem::ContactDetails { kind: "phone" }
        );
        assert_eq!(
            problem("ring 91234567"),
            Problem::ContactDetails { kind: "phone" }
        );
        assert_eq!(problem("fox12345"), Problem::DigitRun { max: 4 });
        // Fullwidth digits are digits too.
        assert_eq!(
            problem("fox\u{FF11}\u{FF12}\u{FF13}\u{FF14}\u{FF15}"),
            Problem::DigitRun { max: 4 }
        );
        assert_eq!(ok("fox 1234").text, "fox 1234");
        assert_eq!(ok("12 34 fox 5").text, "12 34 fox 5");
    }

    #[test]
    fn the_persons_name_is_refused() {
        assert_eq!(problem("kari"), Problem::RevealsName);
        assert_eq!(problem("the nordmann"), Problem::RevealsName);
        assert_eq!(problem("KARI_N"), Problem::RevealsName);
        assert_eq!(problem("k\u{0430}ri"), Problem::RevealsName);
        assert_eq!(ok("Karl").text, "Karl");
    }

    #[test]
    fn symbols_and_emoji_are_refused_with_position() {
        assert_eq!(
            problem("sun\u{2600}"),
            Problem::ForbiddenCharacter {
                code: 0x2600,
                position: 3
            }
        );
        assert!(matches!(
            problem("a\u{202E}bc"),
            Problem::ForbiddenCharacter { code: 0x202E, .. }
        ));
    }

    proptest! {
        #[test]
        fn accepted_pseudonyms_keep_the_rules(raw in "\\PC{0,30}") {
            if let Ok(p) = check("p", &raw, "Kari Nordmann", &TextLimits::default()) {
                let n = p.text.chars().count();
                prop_assert!((MIN_CHARS..=MAX_CHARS).contains(&n));
                prop_assert!(!p.text.contains('@'));
                prop_assert!(longest_digit_run(&p.text) <= MAX_DIGIT_RUN);
                prop_assert!(!p.key.contains("kari") && !p.key.contains("nordmann"));
                // The key is stable: the shown text folds to the same key again.
                prop_assert_eq!(key(&p.text), p.key.clone());
                prop_assert_eq!(shape(&p.text), p.shape.clone());
            }
        }

        #[test]
        fn case_never_matters(raw in "[a-zA-Zæøå ]{3,20}") {
            prop_assert_eq!(key(&raw.to_uppercase()), key(&raw.to_lowercase()));
        }
    }
}
