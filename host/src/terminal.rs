//! Reading from the user: a line with echo off (for `init --key-stdin`), or an answer.

use std::io::{BufRead, IsTerminal};

use crate::platform::echo::EchoOff;

/// One line from standard input, without surrounding whitespace. On a terminal, echo is off
/// while it is typed, so the key never shows; `prompt` runs once it is off, so that nothing
/// typed in answer to the prompt is ever echoed.
pub fn read_secret_line(prompt: impl FnOnce()) -> std::io::Result<String> {
    let stdin = std::io::stdin();
    let echo_off = stdin.is_terminal().then(EchoOff::new).transpose()?;
    prompt();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    drop(echo_off);
    read?;
    Ok(line.trim().to_string())
}

/// One line from standard input, or none at its end.
pub fn read_line() -> std::io::Result<Option<String>> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line)?;
    Ok((read > 0).then(|| line.trim().to_string()))
}
