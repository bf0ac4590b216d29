//! The hostile components the tests run, built on first use with the same nested build as the
//! policy component. Under emulation, where cargo cannot run, they are built beforehand on the
//! build machine and found in `QIANWEN_AUTH_TEST_GUESTS` (`adversary.wasm`, `escapee.wasm`).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

#[path = "../../host/wasm_build.rs"]
mod wasm_build;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Both variants build into one target directory, sharing their dependencies; one at a time,
/// since each overwrites the other's output file.
fn build(features: &[&str], cell: &'static OnceLock<Vec<u8>>) -> &'static [u8] {
    static BUILDING: Mutex<()> = Mutex::new(());
    cell.get_or_init(|| {
        if let Some(dir) = std::env::var_os("QIANWEN_AUTH_TEST_GUESTS") {
            let name = if features.is_empty() {
                "adversary.wasm"
            } else {
                "escapee.wasm"
            };
            let path = Path::new(&dir).join(name);
            return std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let _one_at_a_time = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
        let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("guests");
        let built = wasm_build::build(workspace(), "qianwen-auth-adversary", features, &target_dir)
            .unwrap_or_else(|why| panic!("{why}"));
        std::fs::read(built).unwrap()
    })
}

/// The adversary: the same imports as the policy, hostile behaviour.
pub fn adversary() -> &'static [u8] {
    static CELL: OnceLock<Vec<u8>> = OnceLock::new();
    build(&[], &CELL)
}

/// The adversary built to also open files and sockets through the standard library.
pub fn escapee() -> &'static [u8] {
    static CELL: OnceLock<Vec<u8>> = OnceLock::new();
    build(&["escape"], &CELL)
}
