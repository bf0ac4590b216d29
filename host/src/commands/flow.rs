//! The 401 flow's host side (docs: the 401 flow): after a rejected key, the question, its
//! answer (from `--answer`, or from the person at the terminal), what to do now, and verifying
//! again. The component decides each step (`flow-step`, `continue-flow`); this walks them.

use anyhow::{Context, Result};

use super::show;
use crate::bindings::exports::qianwen::auth::types::{Flow, FlowAnswer, Options, VerifyReport};
use crate::cli::Answer;
use crate::io::{Io, errln, outln};
use crate::render;
use crate::sandbox::Instance;

/// How many times a person is waited for while an unchanged key is still to be replaced.
const WAITS: usize = 3;

/// What the spinner says while a verification is in flight.
pub const VERIFYING: &str = "Verifying the API key";

/// Where the walk stands.
enum Step {
    /// The key was rejected: the question is open.
    Asked,
    /// An answer came: say what to do now.
    Answered(FlowAnswer),
    /// A new key is being put in place; verify again once the person says it is.
    Replacing,
    /// Verify again.
    Again(FlowAnswer),
}

/// Everything a walk of the flow uses.
pub struct Dialogue<'a> {
    pub io: &'a mut Io,
    pub instance: &'a mut Instance,
    pub options: &'a Options,
    pub json: bool,
    /// `--verbose`: each report shown with its details.
    pub verbose: bool,
    /// The answer given with `--answer`.
    pub given: Option<FlowAnswer>,
}

impl Dialogue<'_> {
    /// Walk the flow from `first`, the first verification's report: the report to show, and
    /// `first` when the key was verified again.
    pub fn walk(&mut self, first: VerifyReport) -> Result<(VerifyReport, Option<VerifyReport>)> {
        let mut report = first;
        if !matches!(report.flow, Some(Flow::Asked(_))) {
            return Ok((report, None));
        }
        let mut step = Step::Asked;
        let mut waits = 0;
        loop {
            step = match step {
                Step::Asked => match self.answer(&report)? {
                    Some(answer) => Step::Answered(answer),
                    None => return Ok((report, None)),
                },
                Step::Answered(answer) => match self.answered(&mut report, answer)? {
                    Some(next) => next,
                    None => return Ok((report, None)),
                },
                Step::Replacing => {
                    errln!(
                        self.io,
                        "Press Enter when the new key is in place, to verify again."
                    );
                    self.io.read_line().context("reading standard input")?;
                    Step::Again(FlowAnswer::Invalid)
                }
                Step::Again(answer) => {
                    let (instance, options) = (&mut *self.instance, self.options);
                    let again = self.io.spin(VERIFYING, self.json, || {
                        instance.continue_flow(options, answer)
                    })?;
                    // The key found is still the rejected one, so nothing was sent: a person
                    // at the terminal is told where it is, and waited for again.
                    if let Some(Flow::Applying(unchanged)) = &again.flow
                        && self.person()
                        && waits < WAITS
                    {
                        waits += 1;
                        outln!(self.io, "\n{}", unchanged.guidance)?;
                        Step::Replacing
                    } else {
                        return Ok((again, Some(report)));
                    }
                }
            };
        }
    }

    /// Steps 2 and 3, once answered: said, and what comes next; none when the flow stops at
    /// step 2 because nobody is at the terminal to say when the new key is in place (the next
    /// `verify` checks it).
    fn answered(&mut self, report: &mut VerifyReport, answer: FlowAnswer) -> Result<Option<Step>> {
        let applying = self
            .instance
            .flow_step(Some(answer), None, report.key.as_ref())?;
        if answer == FlowAnswer::Invalid && !self.person() {
            report.flow = Some(applying);
            return Ok(None);
        }
        if !self.json {
            if self.given.is_some() {
                // The first check, not shown yet: both checks are reported.
                self.show(report)?;
            }
            outln!(self.io, "\n{}", applying.guidance())?;
        }
        Ok(Some(match answer {
            FlowAnswer::Invalid => Step::Replacing,
            FlowAnswer::Console => Step::Again(answer),
        }))
    }

    /// The first check's report, for people.
    fn show(&mut self, report: &VerifyReport) -> Result<()> {
        show(
            self.io,
            self.instance,
            report,
            self.options,
            self.verbose,
            None,
        )
    }

    /// Only a person at a terminal can be asked, or waited for while a key is replaced;
    /// agents and scripts get the question printed, and answer with `--answer`.
    fn person(&self) -> bool {
        !self.json && self.io.terminal.stdin
    }

    /// The answer given, or the person's at the terminal; none when there is neither.
    fn answer(&mut self, report: &VerifyReport) -> Result<Option<FlowAnswer>> {
        if let Some(answer) = self.given {
            return Ok(Some(answer));
        }
        if !self.person() {
            return Ok(None);
        }
        self.show(report)?;
        let Some(Flow::Asked(question)) = &report.flow else {
            return Ok(None);
        };
        self.io.write_text(&render::flow_question(question, true))?;
        let choices: Vec<(u8, FlowAnswer)> = question
            .choices
            .iter()
            .map(|c| (c.number, c.answer))
            .collect();
        self.io.choose(&choices).context("reading the answer")
    }
}

impl Flow {
    /// The step, as the 401 flow numbers them (and JSON reports them).
    pub fn step(&self) -> u8 {
        match self {
            Flow::Asked(_) => 1,
            Flow::Applying(_) => 2,
            Flow::Passed(_) => 3,
            Flow::StillRejected(_) => 4,
        }
    }

    /// What the step tells the user to do now.
    pub fn guidance(&self) -> &str {
        match self {
            Flow::Asked(question) => &question.guidance,
            Flow::Applying(p) | Flow::Passed(p) | Flow::StillRejected(p) => &p.guidance,
        }
    }

    /// The answer given, from step 2 on.
    pub fn answer(&self) -> Option<FlowAnswer> {
        match self {
            Flow::Asked(_) => None,
            Flow::Applying(p) | Flow::Passed(p) | Flow::StillRejected(p) => Some(p.answer),
        }
    }
}

/// `--answer`'s value as the flow's answer.
pub fn answer(answer: Answer) -> FlowAnswer {
    match answer {
        Answer::Console => FlowAnswer::Console,
        Answer::Invalid => FlowAnswer::Invalid,
    }
}
