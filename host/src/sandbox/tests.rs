use super::*;

fn imports() -> Vec<String> {
    Sandbox::new().unwrap().imports()
}

#[test]
fn the_component_cannot_reach_files_or_sockets() {
    let imports = imports();
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("qianwen:auth/project@"))
    );
    for import in &imports {
        assert!(
            !import.starts_with("wasi:filesystem") && !import.starts_with("wasi:sockets"),
            "the component imports {import}"
        );
    }
}

#[test]
fn the_linker_satisfies_the_component() {
    let sandbox = Sandbox::new().unwrap();
    let grants = grants::Grants::for_cwd(std::path::Path::new("/nonexistent"));
    assert!(sandbox.instantiate(grants).is_ok());
}

#[test]
fn only_a_location_is_taken_from_stderr() {
    let stderr = "thread '<unnamed>' panicked at src/status.rs:12:5:\nsk-SECRET leaked\n";
    assert_eq!(
        panic_location(stderr).as_deref(),
        Some("src/status.rs:12:5")
    );
    assert_eq!(panic_location("panicked at sk-SECRET0000000000:1"), None);
    assert_eq!(panic_location("sk-SECRET"), None);
    assert_eq!(panic_location("panicked at x.rs:1:z"), None);
}
