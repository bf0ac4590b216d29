use super::*;

/// The world's documentation in `wit/`, which a reviewer reads instead of this code.
const WIT: &str = include_str!("../../../wit/qianwen-auth.wit");

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

/// The world's doc comment lists the imports for reviewers: it must list exactly these.
#[test]
fn the_wit_world_documents_exactly_the_imports() {
    let world = &WIT[WIT.find("/// The component. Its imports").unwrap()..];
    let world = &world[..world.find("world credential-policy").unwrap()];
    let imports = imports();
    for import in &imports {
        let unversioned = import.split('@').next().unwrap();
        let (package, interface) = unversioned.rsplit_once('/').unwrap();
        let documented = world.contains(&format!("`{unversioned}`"))
            || world.contains(&format!("`{package}/*`"))
            || (package == "qianwen:auth" && world.contains(&format!("`{interface}`")));
        assert!(
            documented,
            "{import} is imported but not documented in wit/"
        );
    }
    // And every interface the list names is imported (the list ends where the comment turns
    // to what is not imported).
    let list = &world[..world.find("It imports no").unwrap()];
    for named in list
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| w.starts_with("wasi:"))
    {
        let found = match named.strip_suffix("/*") {
            Some(package) => imports
                .iter()
                .any(|i| i.starts_with(&format!("{package}/"))),
            None => imports.iter().any(|i| i.split('@').next() == Some(named)),
        };
        assert!(
            found,
            "wit/ documents {named}, which the component does not import"
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
