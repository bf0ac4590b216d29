//! Reading from the user: a line with echo off (for `init --key-stdin`), or an answer.

use std::io::{BufRead, IsTerminal};

use super::{Io, err, errln};
use crate::names::Named;
use crate::platform::echo::EchoOff;

/// How many times a question is asked before no answer is taken as none.
const TRIES: usize = 3;

impl Io {
    /// One line from standard input, without surrounding whitespace. On a terminal, echo is
    /// off while it is typed, so the key never shows; `prompt` is shown once it is off, so that
    /// nothing typed in answer to it is ever echoed.
    pub fn read_secret_line(&mut self, prompt: &str) -> std::io::Result<String> {
        let stdin = std::io::stdin();
        let echo_off = stdin.is_terminal().then(EchoOff::new).transpose()?;
        if self.terminal.stdin {
            err!(self, "{prompt}");
        }
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        drop(echo_off);
        // The Enter typed was not echoed: end the prompt's line.
        if self.terminal.stdin {
            errln!(self);
        }
        read?;
        Ok(line.trim().to_string())
    }

    /// One of `choices`, each answered by its number or its answer's name, asked for on
    /// standard input ("Answer 1, 2 or 3: "); none when input ends or no valid answer comes in
    /// three tries.
    pub fn choose<A: Named>(&mut self, choices: &[(u8, A)]) -> std::io::Result<Option<A>> {
        let numbers: Vec<String> = choices.iter().map(|(n, _)| n.to_string()).collect();
        let asked = match numbers.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => return Ok(None),
        };
        for _ in 0..TRIES {
            err!(self, "Answer {asked}: ");
            let Some(line) = self.read_line()? else {
                return Ok(None);
            };
            let chosen = choices.iter().find(|(n, answer)| {
                line == n.to_string() || line.eq_ignore_ascii_case(answer.name())
            });
            if let Some((_, answer)) = chosen {
                return Ok(Some(*answer));
            }
        }
        Ok(None)
    }

    /// One line from standard input, or none at its end.
    pub fn read_line(&mut self) -> std::io::Result<Option<String>> {
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line)?;
        Ok((read > 0).then(|| line.trim().to_string()))
    }
}
