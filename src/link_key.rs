//! The identity of a link: the ids of its output, its input and its mode.
//!
//! One type names a link in every plan, row, front, diff and table. Its text form
//! (`Display`, `FromStr`) is ASCII: `from_site/from_output->to_site/to_input@mode`,
//! e.g. `liugang/gbfs->cement_a/clinker@truck`; in JSON objects it is written as
//! its five fields (`from_site`, `from_output`, `to_site`, `to_input`, `mode`), and
//! in rows (lists of links, CSV cells) as its text form ([`as_text`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A link by the ids that make it: output, input and mode. Ordered by those ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LinkKey {
    /// Supplying site id.
    pub from_site: String,
    /// Output id at the supplying site.
    pub from_output: String,
    /// Receiving site id.
    pub to_site: String,
    /// Input id at the receiving site.
    pub to_input: String,
    /// Mode id.
    pub mode: String,
}

/// The separators of the text form. Ids may not contain them (validation refuses
/// such ids), so that the text form reads back to the same key.
pub const SEPARATORS: [&str; 3] = ["/", "->", "@"];

impl fmt::Display for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}->{}/{}@{}",
            self.from_site, self.from_output, self.to_site, self.to_input, self.mode
        )
    }
}

/// A text that is not `from_site/from_output->to_site/to_input@mode`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a link (from_site/from_output->to_site/to_input@mode)")]
pub struct BadLinkKey(pub String);

impl FromStr for LinkKey {
    type Err = BadLinkKey;

    fn from_str(text: &str) -> Result<LinkKey, BadLinkKey> {
        let bad = || BadLinkKey(text.to_owned());
        let (from, rest) = text.split_once("->").ok_or_else(bad)?;
        let (to, mode) = rest.rsplit_once('@').ok_or_else(bad)?;
        let (from_site, from_output) = from.split_once('/').ok_or_else(bad)?;
        let (to_site, to_input) = to.split_once('/').ok_or_else(bad)?;
        let parts = [from_site, from_output, to_site, to_input, mode];
        if parts
            .iter()
            .any(|p| p.is_empty() || SEPARATORS.iter().any(|s| p.contains(s)))
        {
            return Err(bad());
        }
        Ok(LinkKey {
            from_site: from_site.to_owned(),
            from_output: from_output.to_owned(),
            to_site: to_site.to_owned(),
            to_input: to_input.to_owned(),
            mode: mode.to_owned(),
        })
    }
}

/// Serde of keys in their text form, for row fields: `#[serde(with = "as_text")]`
/// on a `Vec<LinkKey>`.
pub mod as_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::LinkKey;

    /// Writes the keys as a list of texts.
    pub fn serialize<S: Serializer>(keys: &[LinkKey], s: S) -> Result<S::Ok, S::Error> {
        let texts: Vec<String> = keys.iter().map(LinkKey::to_string).collect();
        texts.serialize(s)
    }

    /// Reads a list of texts as keys.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<LinkKey>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts
            .iter()
            .map(|t| t.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LinkKey {
        LinkKey {
            from_site: "liugang".into(),
            from_output: "gbfs".into(),
            to_site: "cement_a".into(),
            to_input: "clinker".into(),
            mode: "truck".into(),
        }
    }

    #[test]
    fn the_text_form_reads_back() {
        let k = key();
        assert_eq!(k.to_string(), "liugang/gbfs->cement_a/clinker@truck");
        assert_eq!(k.to_string().parse::<LinkKey>().unwrap(), k);
    }

    #[test]
    fn texts_that_are_not_keys_are_refused() {
        for bad in [
            "",
            "a/b->c/d",
            "a/b@m",
            "a->c/d@m",
            "a/b->c@m",
            "a/b->c/d@",
            "a/b/x->c/d@m",
            "a/b->c->e/d@m",
            "a/b->c/d@m@n",
        ] {
            assert!(bad.parse::<LinkKey>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_carry_keys_as_texts() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Row {
            #[serde(with = "as_text")]
            chosen: Vec<LinkKey>,
        }
        let r = Row {
            chosen: vec![key()],
        };
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"chosen":["liugang/gbfs->cement_a/clinker@truck"]}"#
        );
        assert_eq!(serde_json::from_str::<Row>(&json).unwrap(), r);
    }
}
