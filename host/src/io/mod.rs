//! The one value every command writes and reads through: standard output and error, standard
//! input (answers, and a key read with echo off), what is known of the terminal, the style, and
//! the spinner. Commands never print or read directly, so a test can run one with its output
//! captured; and the rules for writing live here once:
//!
//! - Everything written passes the one sanitizer (`qianwen_auth_facts::text::for_terminal`) as
//!   the last step: no control or format character from a path, a value, a server or a program
//!   reaches the terminal raw; only this tool's own colour changes pass, and only with colour.
//! - A closed pipe (`status --json | head -c 1`) is not an error, as ripgrep treats it: the rest
//!   of the output is dropped and the command ends with its own exit code. A failure that loses
//!   output the reader wanted (a full device) is an error the command reports. A failure to
//!   write to standard error is ignored: there is nowhere left to say it.

mod input;
mod spinner;
mod style;
mod wrap;

use std::fmt;
use std::io::{ErrorKind, IsTerminal, Write};

pub use style::{ColorChoice, Style};

use qianwen_auth_facts::text::for_terminal;

/// Which standard streams are terminals: whether a person can answer, and sees colour and a
/// spinner.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    /// `TERM=dumb`: a terminal that cannot redraw a line, so no spinner.
    pub dumb: bool,
}

/// Where a command's words go.
pub struct Io {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    /// The reader of standard output has gone away.
    out_closed: bool,
    pub terminal: Terminal,
    pub style: Style,
    /// The terminal's width, when standard output is one: text is wrapped to it.
    pub width: Option<usize>,
}

impl Io {
    /// This process's standard streams, without colour until `set_color`.
    pub fn system() -> Self {
        let terminal = Terminal {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
            dumb: std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
        };
        Self {
            out: Box::new(std::io::stdout()),
            err: Box::new(std::io::stderr()),
            out_closed: false,
            terminal,
            style: Style::plain(),
            width: terminal
                .stdout
                .then(|| terminal_size::terminal_size_of(std::io::stdout()))
                .flatten()
                .map(|(w, _)| usize::from(w.0))
                .filter(|w| *w >= 20),
        }
    }

    /// Colour as the user chose, where the output allows it.
    pub fn set_color(&mut self, choice: ColorChoice) {
        self.style = Style::new(choice, self.terminal.stdout);
    }

    /// A report for people on standard output, wrapped to the terminal's width when it is
    /// one. Only words are wrapped: JSON, scripts and pages go through `write_out` as they are.
    pub fn write_text(&mut self, text: &str) -> std::io::Result<()> {
        match self.width {
            Some(width) => self.write_out(format_args!("{}", wrap::wrap(text, width))),
            None => self.write_out(format_args!("{text}")),
        }
    }

    /// Write to standard output and flush.
    pub fn write_out(&mut self, text: fmt::Arguments) -> std::io::Result<()> {
        if self.out_closed {
            return Ok(());
        }
        let text = text.to_string();
        let text = for_terminal(&text, self.style.is_color());
        match self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
        {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.out_closed = true;
                Ok(())
            }
            Err(e) => Err(std::io::Error::new(
                e.kind(),
                format!("writing to standard output: {e}"),
            )),
            Ok(()) => Ok(()),
        }
    }

    /// Write to standard error, whatever becomes of it.
    pub fn write_err(&mut self, text: fmt::Arguments) {
        let text = text.to_string();
        let text = for_terminal(&text, self.style.is_color());
        let _ = self
            .err
            .write_all(text.as_bytes())
            .and_then(|()| self.err.flush());
    }
}

/// Standard error for the moments no command's `Io` is at hand: a panic, the end of an echo-off
/// read, the timings of a benchmark build. A failure to write is ignored: there is nowhere left
/// to say it.
pub fn stderr_anyway(text: fmt::Arguments) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(text).and_then(|()| stderr.flush());
}

/// `print!` through an `Io`, returning the write's result.
macro_rules! out {
    ($io:expr, $($arg:tt)*) => { $io.write_out(format_args!($($arg)*)) };
}

/// `println!` through an `Io`, returning the write's result.
macro_rules! outln {
    ($io:expr) => { $io.write_out(format_args!("\n")) };
    ($io:expr, $($arg:tt)*) => { $io.write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` through an `Io`, never failing.
macro_rules! err {
    ($io:expr, $($arg:tt)*) => { $io.write_err(format_args!($($arg)*)) };
}

/// `eprintln!` through an `Io`, never failing.
macro_rules! errln {
    ($io:expr) => { $io.write_err(format_args!("\n")) };
    ($io:expr, $($arg:tt)*) => { $io.write_err(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {err, errln, out, outln};

/// An `Io` whose output is kept, for tests.
#[cfg(test)]
pub mod captured {
    use std::cell::RefCell;
    use std::io::Write;
    use std::rc::Rc;

    use super::{Io, Terminal};
    use crate::io::Style;

    /// Bytes written, shared with the `Io` that writes them.
    #[derive(Clone, Default)]
    pub struct Sink(Rc<RefCell<Vec<u8>>>);

    impl Sink {
        pub fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.borrow()).into_owned()
        }
    }

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A reader that has gone away.
    pub struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// An `Io` with no terminal and no colour, and its standard output and error.
    pub fn io() -> (Io, Sink, Sink) {
        let (out, err) = (Sink::default(), Sink::default());
        let io = Io {
            out: Box::new(out.clone()),
            err: Box::new(err.clone()),
            out_closed: false,
            terminal: Terminal::default(),
            style: Style::plain(),
            width: None,
        };
        (io, out, err)
    }

    /// An `Io` whose standard output is a closed pipe.
    pub fn closed() -> (Io, Sink) {
        let (mut io, _, err) = io();
        io.out = Box::new(Closed);
        (io, err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_drops_the_rest_quietly() {
        let (mut io, err) = captured::closed();
        assert!(outln!(io, "first").is_ok());
        assert!(outln!(io, "second").is_ok());
        assert_eq!(err.text(), "");
    }

    /// The last step before the terminal: a control or format character from outside never
    /// passes, whatever put it in the text; this tool's own colours do, with colour on.
    #[test]
    fn nothing_raw_reaches_the_terminal() {
        let (mut io, out, err) = captured::io();
        let hostile = "/tmp/\u{1b}]52;c;eA==\u{7}x\u{9b}2J\u{202e}";
        outln!(io, "path: {hostile}").unwrap();
        errln!(io, "error: {hostile}");
        for text in [out.text(), err.text()] {
            assert!(
                !text.chars().any(qianwen_auth_facts::text::is_unsafe),
                "{text:?}"
            );
            assert!(text.contains("\\u{1b}]52;"), "{text:?}");
        }
        io.style = Style::new(ColorChoice::Always, true);
        let mark = io.style.ok();
        outln!(io, "{mark} ok {hostile}").unwrap();
        let text = out.text();
        assert!(text.contains("\u{1b}[32m✓\u{1b}[0m ok"), "{text:?}");
        assert!(text.contains("\\u{1b}]52;"), "{text:?}");
    }

    #[test]
    fn output_and_errors_are_kept_apart() {
        let (mut io, out, err) = captured::io();
        outln!(io, "to {}", "stdout").unwrap();
        errln!(io, "to stderr");
        assert_eq!(out.text(), "to stdout\n");
        assert_eq!(err.text(), "to stderr\n");
    }
}
