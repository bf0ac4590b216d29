//! Colour and marks. `--color always` and `never` decide; `auto` follows the terminal
//! conventions as anstream reads them: colour only on a terminal that supports it (not
//! `TERM=dumb`), never with `NO_COLOR` or `CLICOLOR=0` set, always with `CLICOLOR_FORCE` set.

use anstyle::{AnsiColor, Effects, Style as Paint};

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Marks and headings, coloured or not.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// The style for `choice`, given whether standard output is a terminal.
    pub fn new(choice: ColorChoice, terminal: bool) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // The stream only says whether it is a terminal; the environment says the rest.
            ColorChoice::Auto if terminal => colors(&std::io::stdout()),
            ColorChoice::Auto => colors(&Vec::<u8>::new()),
        };
        Self { color }
    }

    /// No colour.
    pub fn plain() -> Self {
        Self { color: false }
    }

    /// Whether this style colours.
    pub fn is_color(&self) -> bool {
        self.color
    }

    fn paint(&self, paint: Paint, text: &str) -> String {
        if self.color {
            format!("{paint}{text}{paint:#}")
        } else {
            text.to_string()
        }
    }

    /// The mark of something in order.
    pub fn ok(&self) -> String {
        self.paint(AnsiColor::Green.on_default(), "✓")
    }

    /// The mark of something wrong.
    pub fn bad(&self) -> String {
        self.paint(AnsiColor::Red.on_default(), "✗")
    }

    /// The mark of a warning.
    pub fn warn(&self) -> String {
        self.paint(AnsiColor::Yellow.on_default(), "!")
    }

    /// A section heading.
    pub fn heading(&self, text: &str) -> String {
        self.paint(Paint::new().effects(Effects::BOLD), text)
    }
}

/// Whether anstream would colour `stream`.
fn colors<S: anstream::stream::RawStream>(stream: &S) -> bool {
    // The convention forces colour when CLICOLOR_FORCE is set to anything but 0; anstream
    // takes 0 as forcing too, so with 0 the choice is made as if it were not set.
    if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v == "0") {
        let clicolor = anstyle_query::clicolor();
        return !anstyle_query::no_color()
            && clicolor != Some(false)
            && stream.is_terminal()
            && (anstyle_query::term_supports_color()
                || clicolor == Some(true)
                || anstyle_query::is_ci());
    }
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}
