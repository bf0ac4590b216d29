//! Standard error for the moments no command's `Io` is at hand: a panic, the end of an echo-off
//! read, the timings of a benchmark build. A failure to write is ignored: there is nowhere left
//! to say it.

use std::fmt;
use std::io::Write;

/// Write to standard error, whatever becomes of it.
pub fn write_err(text: fmt::Arguments) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(text).and_then(|()| stderr.flush());
}
