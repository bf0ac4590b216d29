//! Colour and marks: colour only on a terminal, never with `NO_COLOR` set or `--color never`.

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
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal
            }
        };
        Self { color }
    }

    /// No colour.
    pub fn plain() -> Self {
        Self { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// The mark of something in order.
    pub fn ok(&self) -> String {
        self.paint("32", "✓")
    }

    /// The mark of something wrong.
    pub fn bad(&self) -> String {
        self.paint("31", "✗")
    }

    /// The mark of a warning.
    pub fn warn(&self) -> String {
        self.paint("33", "!")
    }

    /// A section heading.
    pub fn heading(&self, text: &str) -> String {
        self.paint("1", text)
    }
}
