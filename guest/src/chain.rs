//! docs/behaviour.md#chain, the priority chain: the process environment, then `.env` in the current
//! directory, then `.env` in the repository root. The first level with a non-empty value wins;
//! within a level `QIANWEN_API_KEY` beats `DASHSCOPE_API_KEY`. Nothing here overwrites anything:
//! each level is only read.

use std::collections::BTreeMap;

use crate::dotenv::Parsed;
use crate::keys;
use crate::names::Named;
use crate::secret::Secret;
use crate::wit::types::{KeyName, Source};

/// The key's variables, in the order the chain prefers them within a level.
const KEY_ORDER: [KeyName; 2] = [KeyName::QianwenApiKey, KeyName::DashscopeApiKey];

/// The key's names, in the order the chain prefers them within a level.
pub use qianwen_auth_facts::variables::KEY_NAMES;

/// One level of the chain and the values it holds, by name: looking one up takes time
/// logarithmic in the number of names, so that a file of many thousands of lines costs no more
/// than its length.
#[derive(Debug, Clone)]
pub struct Level {
    pub source: Source,
    /// The `.env` file, as shown to the user; none for the environment.
    pub path: Option<String>,
    values: BTreeMap<String, Secret>,
    /// The line each name's value is on, in a `.env` file.
    lines: BTreeMap<String, u32>,
    /// Names whose value is a reference that could not be resolved, with its line.
    references: BTreeMap<String, u32>,
}

impl Level {
    /// The environment, as the host granted it.
    pub fn env(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            source: Source::Env,
            path: None,
            values: vars.into_iter().map(|(k, v)| (k, Secret::new(v))).collect(),
            lines: BTreeMap::new(),
            references: BTreeMap::new(),
        }
    }

    /// A parsed `.env` file; for a name defined twice, the last definition counts.
    pub fn dotenv(source: Source, path: String, parsed: &Parsed) -> Self {
        let values = parsed
            .entries
            .iter()
            .map(|entry| (entry.name.clone(), entry.value.clone()))
            .collect();
        let lines = parsed
            .entries
            .iter()
            .map(|entry| (entry.name.clone(), entry.line))
            .collect();
        let mut references = BTreeMap::new();
        for entry in &parsed.entries {
            match entry.reference {
                Some(_) => references.insert(entry.name.clone(), entry.line),
                None => references.remove(&entry.name),
            };
        }
        Self {
            source,
            path: Some(path),
            values,
            lines,
            references,
        }
    }

    /// The line of the `.env` file that sets `name`; none in the environment.
    pub fn line(&self, name: &str) -> Option<u32> {
        self.lines.get(name).copied()
    }

    /// The line of `name` when its value here is a reference that could not be resolved.
    pub fn reference(&self, name: &str) -> Option<u32> {
        self.references.get(name).copied()
    }

    /// The raw value of `name` at this level, empty or not.
    pub fn raw(&self, name: &str) -> Option<&Secret> {
        self.values.get(name)
    }

    /// The value of `name` at this level, if it is set and not blank.
    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.raw(name).filter(|v| !v.expose().trim().is_empty())
    }

    /// Where this level is, in words: `the environment` or the file's path.
    pub fn describe(&self) -> String {
        match &self.path {
            None => "the environment".into(),
            Some(path) => path.clone(),
        }
    }
}

/// A key value found on the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: KeyName,
    pub source: Source,
    pub path: Option<String>,
    /// The line of the `.env` file it is on; none in the environment.
    pub line: Option<u32>,
    /// Normalized: surrounding whitespace and one pair of quotes removed.
    pub value: Secret,
}

/// The outcome of the chain for the API key.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// The key in use.
    pub key: Option<Found>,
    /// Other, different values that lose to it, in priority order.
    pub shadowed: Vec<Found>,
}

/// Walk the chain for the API key.
pub fn resolve_key(levels: &[Level]) -> Resolution {
    let mut resolution = Resolution::default();
    for level in levels {
        for name in KEY_ORDER {
            let Some(raw) = level.get(name.name()) else {
                continue;
            };
            let found = Found {
                name,
                source: level.source,
                path: level.path.clone(),
                line: level.line(name.name()),
                value: Secret::new(keys::normalize(raw.expose())),
            };
            match &resolution.key {
                None => resolution.key = Some(found),
                Some(key) if key.value == found.value => {}
                Some(_) => {
                    if !resolution.shadowed.iter().any(|s| s.value == found.value) {
                        resolution.shadowed.push(found);
                    }
                }
            }
        }
    }
    resolution
}

/// The first level that sets `name` to a non-blank value, and that value.
pub fn setting<'a>(levels: &'a [Level], name: &str) -> Option<(&'a Level, &'a str)> {
    levels
        .iter()
        .find_map(|level| level.get(name).map(|v| (level, v.expose().trim())))
}

/// Every level where `name` is present but blank: counted as unset there, and reported. A
/// reference that could not be resolved is reported as that instead.
pub fn blanks<'a>(levels: &'a [Level], name: &str) -> impl Iterator<Item = &'a Level> {
    let name = name.to_string();
    levels.iter().filter(move |level| {
        level.reference(&name).is_none()
            && level
                .raw(&name)
                .is_some_and(|v| v.expose().trim().is_empty())
    })
}

/// Index of the repository root among the directories from the current one upward: the
/// nearest holding a `.git` entry or a `skills/` directory.
pub fn repo_root(markers: impl IntoIterator<Item = (bool, bool)>) -> Option<usize> {
    markers
        .into_iter()
        .position(|(has_git, has_skills)| has_git || has_skills)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dotenv;

    const A: &str = "sk-fake_aaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "sk-fake_bbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const C: &str = "sk-fake_ccccccccccccccccccccccccccc";

    fn env(pairs: &[(&str, &str)]) -> Level {
        Level::env(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    fn file(source: Source, text: &str) -> Level {
        Level::dotenv(
            source,
            format!("{source:?}"),
            &dotenv::parse(text.as_bytes()),
        )
    }

    fn winner(levels: &[Level]) -> Option<(&'static str, Source, String)> {
        resolve_key(levels)
            .key
            .map(|k| (k.name.name(), k.source, k.value.expose().to_string()))
    }

    #[test]
    fn nothing_anywhere() {
        assert_eq!(winner(&[env(&[])]), None);
        assert_eq!(winner(&[]), None);
    }

    #[test]
    fn either_name_in_the_environment() {
        assert_eq!(
            winner(&[env(&[("DASHSCOPE_API_KEY", A)])]),
            Some(("DASHSCOPE_API_KEY", Source::Env, A.into()))
        );
        assert_eq!(
            winner(&[env(&[("QIANWEN_API_KEY", A)])]),
            Some(("QIANWEN_API_KEY", Source::Env, A.into()))
        );
    }

    #[test]
    fn qianwen_beats_dashscope_within_a_level_and_the_loser_is_shadowed() {
        let levels = [env(&[("DASHSCOPE_API_KEY", B), ("QIANWEN_API_KEY", A)])];
        let r = resolve_key(&levels);
        assert_eq!(r.key.unwrap().name.name(), "QIANWEN_API_KEY");
        assert_eq!(r.shadowed.len(), 1);
        assert_eq!(r.shadowed[0].name.name(), "DASHSCOPE_API_KEY");
    }

    #[test]
    fn a_higher_level_beats_the_alias_in_a_lower_one() {
        let levels = [
            env(&[("DASHSCOPE_API_KEY", A)]),
            file(Source::CwdDotenv, &format!("QIANWEN_API_KEY={B}")),
        ];
        assert_eq!(
            winner(&levels),
            Some(("DASHSCOPE_API_KEY", Source::Env, A.into()))
        );
    }

    #[test]
    fn every_order_of_three_levels() {
        let all = [
            env(&[("DASHSCOPE_API_KEY", A)]),
            file(Source::CwdDotenv, &format!("DASHSCOPE_API_KEY={B}")),
            file(Source::RepoDotenv, &format!("DASHSCOPE_API_KEY={C}")),
        ];
        let empty = [
            env(&[]),
            file(Source::CwdDotenv, ""),
            file(Source::RepoDotenv, ""),
        ];
        // Each subset of levels holding a key: the highest one wins, the others are shadowed.
        for mask in 1u8..8 {
            let levels: Vec<Level> = (0..3)
                .map(|i| {
                    if mask & (1 << i) != 0 {
                        all[i].clone()
                    } else {
                        empty[i].clone()
                    }
                })
                .collect();
            let highest = (0..3).find(|i| mask & (1 << i) != 0).unwrap();
            let r = resolve_key(&levels);
            assert_eq!(r.key.unwrap().source, all[highest].source, "mask {mask}");
            assert_eq!(
                r.shadowed.len() as u32,
                mask.count_ones() - 1,
                "mask {mask}"
            );
        }
    }

    #[test]
    fn blank_values_count_as_unset_and_are_reported() {
        let levels = [
            env(&[("QIANWEN_API_KEY", "  "), ("DASHSCOPE_API_KEY", "")]),
            file(Source::CwdDotenv, &format!("DASHSCOPE_API_KEY={A}")),
        ];
        assert_eq!(winner(&levels).unwrap().1, Source::CwdDotenv);
        assert_eq!(blanks(&levels, "QIANWEN_API_KEY").count(), 1);
        assert_eq!(blanks(&levels, "DASHSCOPE_API_KEY").count(), 1);
    }

    #[test]
    fn the_same_key_twice_is_not_shadowing() {
        let levels = [
            env(&[("DASHSCOPE_API_KEY", A)]),
            file(Source::CwdDotenv, &format!("DASHSCOPE_API_KEY='{A}'")),
            file(Source::RepoDotenv, &format!("QIANWEN_API_KEY= {A} ")),
        ];
        assert!(resolve_key(&levels).shadowed.is_empty());
    }

    #[test]
    fn values_are_normalized() {
        let levels = [env(&[("DASHSCOPE_API_KEY", &format!(" '{A}'\n"))])];
        assert_eq!(winner(&levels).unwrap().2, A);
    }

    #[test]
    fn last_definition_in_a_file_counts() {
        let levels = [file(
            Source::CwdDotenv,
            &format!("DASHSCOPE_API_KEY={A}\nDASHSCOPE_API_KEY={B}\n"),
        )];
        assert_eq!(winner(&levels).unwrap().2, B);
    }

    #[test]
    fn settings_follow_the_same_levels() {
        let levels = [
            env(&[("QWEN_REGION", " ")]),
            file(Source::CwdDotenv, "QWEN_REGION=ap-southeast-1"),
            file(Source::RepoDotenv, "QWEN_REGION=cn-beijing"),
        ];
        let (level, value) = setting(&levels, "QWEN_REGION").unwrap();
        assert_eq!((level.source, value), (Source::CwdDotenv, "ap-southeast-1"));
        assert!(setting(&levels, "QWEN_BASE_URL").is_none());
    }

    #[test]
    fn repo_root_is_the_nearest_marked_directory() {
        assert_eq!(
            repo_root([(false, false), (false, true), (true, false)]),
            Some(1)
        );
        assert_eq!(repo_root([(false, false), (true, false)]), Some(1));
        assert_eq!(repo_root([(true, false)]), Some(0));
        assert_eq!(repo_root([(false, false), (false, false)]), None);
    }
}
