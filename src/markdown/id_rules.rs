//! What makes an id valid. HTML wants ids non-empty and without
//! whitespace; links name an id by `#id`, so it must also be writable as a
//! URL fragment as it is. Explicit `{#id}`s, `[](id:Name)` anchors and the
//! phase and role ids of `site.toml` are checked against these rules;
//! derived ids (letters, digits and `-`) follow them by construction.

/// Characters an id may not hold besides whitespace: a link names an id
/// by `#id`, and these would end the fragment, start an escape or not be
/// allowed in a URL at all.
const NOT_IN_IDS: &str = "\"#%<>[\\]^`{|}";

/// The rule of ids, for hints: the characters listed one by one, since a
/// backtick is one of them.
pub(crate) fn id_rule() -> String {
    let listed: Vec<String> = NOT_IN_IDS.chars().map(String::from).collect();
    format!(
        "an id is one word that links can name as `#id`: no spaces and none of {}",
        listed.join(" ")
    )
}

/// Why an explicit id is not valid, or `None` if it is. HTML wants ids
/// non-empty and without ASCII whitespace; links want them writable as a
/// fragment, so [`NOT_IN_IDS`] and control characters are refused too.
pub(crate) fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("is empty".to_owned());
    }
    if id.contains(char::is_whitespace) {
        return Some("holds a space".to_owned());
    }
    let bad = id
        .chars()
        .find(|&c| c.is_control() || NOT_IN_IDS.contains(c))?;
    Some(if bad.is_control() {
        format!("holds the control character U+{:04X}", u32::from(bad))
    } else {
        // A backtick is quoted with two, as Markdown does.
        let quoted = if bad == '`' {
            "`` ` ``".to_owned()
        } else {
            format!("`{bad}`")
        };
        format!("holds {quoted}, which a link to it cannot hold as written")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_ids_must_be_one_word_links_can_name() {
        for id in [
            "", "a b", "a\u{a0}b", "a\tb", "50%", "a#b", "a\"b", "x<y", "a\u{1}",
        ] {
            assert!(id_problem(id).is_some(), "{id:?}");
        }
        for id in ["unbind-phone", "解绑", "step6", "a.b_c:d"] {
            assert_eq!(id_problem(id), None, "{id:?}");
        }
        assert_eq!(
            id_problem("a`b").as_deref(),
            Some("holds `` ` ``, which a link to it cannot hold as written")
        );
    }
}
