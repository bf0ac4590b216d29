//! Run the binary on a pseudo-terminal, as a person at a terminal would: its stdin, stdout and
//! stderr are the terminal, so it prompts, spins and hides typed keys.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

pub struct Terminal {
    writer: File,
    seen: Arc<Mutex<Vec<u8>>>,
    child: Child,
}

impl Terminal {
    pub fn spawn(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Terminal {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pty");
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .open(name.to_str().unwrap())
            .unwrap();
        let child = super::qianwen_auth()
            .current_dir(dir)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env.iter().copied())
            .args(args)
            .stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave)
            .spawn()
            .unwrap();
        let master = File::from(master);
        let writer = master.try_clone().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut master = master;
            let mut buf = [0u8; 4096];
            // Reading ends with an error (EIO) once the child has closed the terminal.
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            writer,
            seen,
            child,
        }
    }

    /// Everything the terminal showed so far.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }

    /// Wait until the terminal shows `text`; panic after `limit`.
    pub fn wait_for(&self, text: &str, limit: Duration) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(
                start.elapsed() < limit,
                "the terminal never showed {text:?}; it showed:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal echoes what is typed now.
    pub fn echoes(&self) -> bool {
        let modes = rustix::termios::tcgetattr(&self.writer).expect("the terminal's modes");
        modes
            .local_modes
            .contains(rustix::termios::LocalModes::ECHO)
    }

    /// Type `text`.
    pub fn type_text(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait for the program to end; its exit code and everything it showed.
    pub fn finish(mut self, limit: Duration) -> (i32, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader drain what is left.
                std::thread::sleep(Duration::from_millis(100));
                return (status.code().unwrap_or(-1), self.screen());
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!("the program did not end; it showed:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
