//! docs/behaviour.md#masking at the component's edge: every report passes the scrubber as a whole
//! before it leaves, so no text that came from outside (a path, `QWEN_BASE_URL`, a server's words)
//! can carry a secret out, whatever module put it there. Masked keys and the link table hold no
//! secret and pass unchanged.

use crate::scrub::Scrubber;
use crate::wit::types::{
    Advice, DotenvReport, EndpointChoice, EndpointReport, Flow, FlowChoice, FlowProgress,
    FlowQuestion, InitReport, KeyReport, OssReport, Remedy, StatusReport, VariableState,
    VerifyReport, Warning,
};
#[cfg(feature = "credential")]
use crate::wit::update_check::{Command, UpdateChoice, UpdateReport, UpdateState};

/// A value whose text is scrubbed in place.
pub trait ScrubText {
    fn scrub_with(&mut self, scrubber: &Scrubber);
}

impl ScrubText for String {
    fn scrub_with(&mut self, scrubber: &Scrubber) {
        *self = scrubber.scrub(self);
    }
}

impl<T: ScrubText> ScrubText for Option<T> {
    fn scrub_with(&mut self, scrubber: &Scrubber) {
        if let Some(value) = self {
            value.scrub_with(scrubber);
        }
    }
}

impl<T: ScrubText> ScrubText for Vec<T> {
    fn scrub_with(&mut self, scrubber: &Scrubber) {
        for value in self {
            value.scrub_with(scrubber);
        }
    }
}

/// Scrub each named field of a record.
macro_rules! scrub_fields {
    ($type:ty: $($field:ident),*) => {
        impl ScrubText for $type {
            fn scrub_with(&mut self, scrubber: &Scrubber) {
                $(self.$field.scrub_with(scrubber);)*
            }
        }
    };
}

scrub_fields!(KeyReport: path, masked, detail);
scrub_fields!(Warning: message);
scrub_fields!(EndpointReport: base, probe_url, authority, chosen_by);
scrub_fields!(VariableState: name);
scrub_fields!(OssReport: credentials, access_key_id, variables, problems, summary);
scrub_fields!(DotenvReport: path);
scrub_fields!(FlowQuestion: question, choices, guidance);
scrub_fields!(FlowChoice: label);
scrub_fields!(FlowProgress: guidance);
scrub_fields!(Advice: words, remedy);

impl ScrubText for Remedy {
    fn scrub_with(&mut self, scrubber: &Scrubber) {
        match self {
            Remedy::MoreTime => {}
            Remedy::GrantHost(text) | Remedy::ChooseRegion(text) => text.scrub_with(scrubber),
        }
    }
}

impl ScrubText for EndpointChoice {
    fn scrub_with(&mut self, scrubber: &Scrubber) {
        match self {
            EndpointChoice::Asked | EndpointChoice::Default => {}
            EndpointChoice::BaseUrl(from) | EndpointChoice::RegionVariable(from) => {
                from.scrub_with(scrubber)
            }
        }
    }
}

impl ScrubText for Flow {
    fn scrub_with(&mut self, scrubber: &Scrubber) {
        match self {
            Flow::Asked(question) => question.scrub_with(scrubber),
            Flow::Applying(p) | Flow::Passed(p) | Flow::StillRejected(p) => p.scrub_with(scrubber),
        }
    }
}
scrub_fields!(StatusReport: key, shadowed, endpoint, warnings, oss, next_steps, dotenv_files, unreadable_keys);
scrub_fields!(VerifyReport: cause, next_step, hints, key, endpoint, server_code, request_id, excerpt, evidence, evidence_error, warnings, flow);
scrub_fields!(InitReport: changes, summary, key, next_steps, warnings);
/// The update check's reports, in the credential world only.
#[cfg(feature = "credential")]
mod update_check {
    use super::*;

    scrub_fields!(Command: program, args, shown);
    scrub_fields!(UpdateChoice: label, command);

    impl ScrubText for UpdateState {
        fn scrub_with(&mut self, scrubber: &Scrubber) {
            match self {
                UpdateState::Installed(command) => command.scrub_with(scrubber),
                UpdateState::Asked(choices) => choices.scrub_with(scrubber),
                UpdateState::Quiet => {}
                UpdateState::Answered((_, command)) => command.scrub_with(scrubber),
            }
        }
    }
    scrub_fields!(UpdateReport: searched, skill, state, message, save, next_steps, warnings);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{one_directory, resolve};
    use crate::wit::types::{Options, System};

    const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

    #[test]
    fn a_key_in_a_path_or_an_endpoint_never_leaves() {
        let mut inputs = one_directory(
            &[
                ("DASHSCOPE_API_KEY", KEY),
                ("QWEN_BASE_URL", "https://Zq8vX3mKw9Tj.example/v1"),
            ],
            None,
            None,
            false,
        );
        inputs.dirs[0].path = format!("/home/me/{}", &KEY[3..]);
        let options = crate::status::sending_nothing(System::Unix);
        let report = resolve(&inputs, &options).report;
        let all = format!("{report:?}").to_ascii_lowercase();
        assert!(!all.contains("zq8vx3mk"), "{all}");
        assert_eq!(
            report.key.unwrap().masked.as_deref(),
            Some("sk-****************a1b2"),
            "masks pass unchanged"
        );
    }
}
