//! `tokenplan --json` and `links --json`.
use serde::Serialize;

use super::{Link, SCHEMA};
use crate::bindings::exports::qianwen::auth::guidance as wit;

/// A Token Plan model.
#[derive(Serialize)]
pub struct PlanModel<'a> {
    pub name: &'a str,
    pub team_only: bool,
}

/// `tokenplan --json`.
#[derive(Serialize)]
pub struct TokenPlan<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub as_of: &'a str,
    pub refusal: &'a str,
    pub key_kinds: &'a [String],
    pub allowed_tools: &'a [String],
    pub forbidden_uses: &'a [String],
    pub text_models: Vec<PlanModel<'a>>,
    pub image_models: Vec<PlanModel<'a>>,
    pub video_models: &'a [String],
    pub speech_models: &'a [String],
    pub not_covered: &'a [String],
    pub billing: &'a str,
    pub known_errors: &'a [String],
    pub links: Vec<Link<'a>>,
}

impl<'a> TokenPlan<'a> {
    /// The JSON for the Token Plan facts.
    pub fn new(t: &'a wit::TokenPlan) -> Self {
        let models = |list: &'a [wit::PlanModel]| {
            list.iter()
                .map(|m| PlanModel {
                    name: &m.name,
                    team_only: m.team_only,
                })
                .collect()
        };
        Self {
            schema: SCHEMA,
            command: "tokenplan",
            as_of: &t.as_of,
            refusal: &t.refusal,
            key_kinds: &t.key_kinds,
            allowed_tools: &t.allowed_tools,
            forbidden_uses: &t.forbidden_uses,
            text_models: models(&t.text_models),
            image_models: models(&t.image_models),
            video_models: &t.video_models,
            speech_models: &t.speech_models,
            not_covered: &t.not_covered,
            billing: &t.billing,
            known_errors: &t.known_errors,
            links: t.links.iter().map(Link::from).collect(),
        }
    }
}

/// `links --json`.
#[derive(Serialize)]
pub struct Links<'a> {
    pub schema: u32,
    pub command: &'static str,
    pub links: Vec<Link<'a>>,
}

impl<'a> Links<'a> {
    /// The JSON for these links.
    pub fn new(links: &[&'a wit::Link]) -> Self {
        Self {
            schema: SCHEMA,
            command: "links",
            links: links.iter().map(|l| Link::from(*l)).collect(),
        }
    }
}
