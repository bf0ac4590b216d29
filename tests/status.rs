//! `qianwen-auth status`, end to end: the real binary, temp directories, a clean environment.

use crate::common::*;
use serde_json::Value;

fn status_json(dir: &std::path::Path, env: &[(&str, &str)]) -> (i32, Value) {
    let out = run(dir, env, &["status", "--json"]);
    assert_no_leak(&out.all(), &ALL_KEYS, "status --json");
    (out.code, out.json())
}

#[test]
fn no_key() {
    let dir = tempdir();
    let (code, v) = status_json(dir.path(), &[]);
    assert_eq!(code, 3);
    assert_eq!(v["schema"], 1);
    assert_eq!(v["key"], Value::Null);
    assert_eq!(v["verdict"], "no-usable-key");
    assert_eq!(v["endpoint"], "https://dashscope.aliyuncs.com");
    assert!(
        v["next_steps"][0]
            .as_str()
            .unwrap()
            .contains("Create a standard key")
    );
    assert_eq!(
        v["links"][0]["url"],
        "https://platform.qianwenai.com/home/api-keys"
    );

    let out = run(dir.path(), &[], &["status"]);
    assert_eq!(out.code, 3);
    assert!(out.stdout.contains("✗ No API key found"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("https://platform.qianwenai.com/home/api-keys")
    );
}

#[test]
fn key_in_the_environment_under_either_name() {
    let dir = tempdir();
    for name in ["DASHSCOPE_API_KEY", "QIANWEN_API_KEY"] {
        let (code, v) = status_json(dir.path(), &[(name, STANDARD)]);
        assert_eq!(code, 0, "{name}");
        let key = &v["key"];
        assert_eq!(key["name"], name);
        assert_eq!(key["source"], "env");
        assert_eq!(key["path"], Value::Null);
        assert_eq!(key["kind"], "standard");
        assert_eq!(key["masked"], "sk-****************a1b2");
        assert_eq!(v["verdict"], "usable");
        assert_eq!(v["shadowed"], serde_json::json!([]));
    }
}

#[test]
fn both_names_qianwen_wins() {
    let dir = tempdir();
    let (code, v) = status_json(
        dir.path(),
        &[
            ("DASHSCOPE_API_KEY", STANDARD_2),
            ("QIANWEN_API_KEY", STANDARD),
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(v["key"]["name"], "QIANWEN_API_KEY");
    assert_eq!(v["shadowed"][0]["name"], "DASHSCOPE_API_KEY");
    assert_eq!(v["shadowed"][0]["masked"], "sk-****************9f3c");
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "shadowed-key")
    );
}

#[test]
fn key_in_the_current_directory_dotenv() {
    let dir = tempdir();
    let path = write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    let (code, v) = status_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(v["key"]["source"], "cwd-dotenv");
    assert_eq!(v["key"]["path"], system_path(&path).to_str().unwrap());
    assert_eq!(v["dotenv_files"][0]["state"], "read");
}

#[test]
fn repo_root_dotenv_from_a_subdirectory_via_git() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path().join(".env"),
        &format!("QIANWEN_API_KEY={STANDARD}\n"),
    );
    write(dir.path().join(".gitignore"), ".env\n");
    let sub = dir.path().join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    let (code, v) = status_json(&sub, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["key"]["source"], "repo-dotenv");
    assert_eq!(v["dotenv_files"][1]["source"], "repo-dotenv");
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"dotenv-not-ignored"), "{codes:?}");
}

#[test]
fn repo_root_dotenv_via_a_git_file_and_via_skills() {
    // A worktree or submodule has a `.git` file, not a directory.
    let dir = tempdir();
    write(dir.path().join(".git"), "gitdir: /elsewhere\n");
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    let sub = dir.path().join("x");
    std::fs::create_dir(&sub).unwrap();
    assert_eq!(status_json(&sub, &[]).1["key"]["source"], "repo-dotenv");

    let dir = tempdir();
    std::fs::create_dir(dir.path().join("skills")).unwrap();
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    let sub = dir.path().join("tools/bin");
    std::fs::create_dir_all(&sub).unwrap();
    let (code, v) = status_json(&sub, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["key"]["source"], "repo-dotenv");
}

#[test]
fn environment_beats_dotenv() {
    let dir = tempdir();
    write(
        dir.path().join(".env"),
        &format!("QIANWEN_API_KEY={STANDARD_2}\n"),
    );
    let (code, v) = status_json(dir.path(), &[("DASHSCOPE_API_KEY", STANDARD)]);
    assert_eq!(code, 0);
    assert_eq!(v["key"]["source"], "env");
    assert_eq!(v["key"]["masked"], "sk-****************a1b2");
    assert_eq!(v["shadowed"][0]["source"], "cwd-dotenv");

    let out = run(dir.path(), &[("DASHSCOPE_API_KEY", STANDARD)], &["status"]);
    assert!(
        out.stdout
            .contains("holds a different key (sk-****************9f3c)"),
        "{}",
        out.stdout
    );
    assert_no_leak(&out.all(), &ALL_KEYS, "status");
}

#[test]
fn placeholder() {
    let dir = tempdir();
    write(
        dir.path().join(".env"),
        "DASHSCOPE_API_KEY=sk-your-key-here\n",
    );
    let (code, v) = status_json(dir.path(), &[]);
    assert_eq!(code, 3);
    assert_eq!(v["key"]["kind"], "placeholder");
    assert!(v["next_steps"][0].as_str().unwrap().contains("placeholder"));
}

#[test]
fn plan_key() {
    let dir = tempdir();
    let (code, v) = status_json(dir.path(), &[("DASHSCOPE_API_KEY", PLAN)]);
    assert_eq!(code, 5);
    assert_eq!(v["verdict"], "plan-key");
    assert_eq!(v["key"]["kind"], "plan");
    assert_eq!(v["key"]["masked"], "sk-sp-****************c3d4");
    let urls: Vec<&str> = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["url"].as_str().unwrap())
        .collect();
    assert!(
        urls.contains(&"https://platform.qianwenai.com/docs/token-plan/overview"),
        "{urls:?}"
    );
}

#[test]
fn whitespace_inside_the_key() {
    let dir = tempdir();
    let broken = "sk-FAKE_Zq8vX3mKw9Tj Rp4Hs7Lc2Nb_a1b2";
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY=\"{broken}\"\n"),
    );
    let (code, v) = status_json(dir.path(), &[]);
    assert_eq!(code, 3);
    assert_eq!(v["key"]["kind"], "malformed");
    assert_eq!(v["key"]["masked"], Value::Null);
    assert!(v["key"]["detail"].as_str().unwrap().contains("whitespace"));
    let out = run(dir.path(), &[], &["status"]);
    assert_no_leak(&out.all(), &[broken], "status with a malformed key");
}

#[test]
fn access_key_id_pasted_by_mistake() {
    let dir = tempdir();
    let (code, v) = status_json(dir.path(), &[("DASHSCOPE_API_KEY", ACCESS_KEY_ID)]);
    assert_eq!(code, 3);
    assert_eq!(v["key"]["kind"], "foreign");
    assert!(
        v["key"]["detail"]
            .as_str()
            .unwrap()
            .contains("Alibaba Cloud AccessKey ID")
    );
    assert_eq!(v["key"]["masked"], "LTAI****************0000");
}

#[test]
fn surrounding_whitespace_and_quotes_are_not_part_of_the_key() {
    let dir = tempdir();
    let (code, v) = status_json(
        dir.path(),
        &[("DASHSCOPE_API_KEY", &format!("  '{STANDARD}'\n"))],
    );
    assert_eq!(code, 0);
    assert_eq!(v["key"]["kind"], "standard");
}

#[test]
fn empty_variable_is_ignored_and_reported() {
    let dir = tempdir();
    write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    let (code, v) = status_json(dir.path(), &[("DASHSCOPE_API_KEY", "   ")]);
    assert_eq!(code, 0);
    assert_eq!(v["key"]["source"], "cwd-dotenv");
    let w = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "empty-value")
        .unwrap();
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains("DASHSCOPE_API_KEY is set but empty in the environment")
    );
}

#[cfg(unix)]
#[test]
fn file_warnings_permissions_and_gitignore() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let env = write(
        dir.path().join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, v) = status_json(dir.path(), &[]);
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"dotenv-permissions"), "{codes:?}");
    assert!(codes.contains(&"dotenv-not-ignored"), "{codes:?}");

    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
    write(dir.path().join(".gitignore"), "node_modules/\n*.env\n");
    let (_, v) = status_json(dir.path(), &[]);
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn broken_dotenv_files() {
    let dir = tempdir();
    // A directory named .env, in the current directory; a binary file in the repository root.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".env"),
        b"\xff\xfe\x00binary\nDASHSCOPE_API_KEY=sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2\n",
    )
    .unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir_all(sub.join(".env")).unwrap();
    let (code, v) = status_json(&sub, &[]);
    assert_eq!(
        code, 0,
        "the good line of the repository's .env still counts"
    );
    assert_eq!(v["dotenv_files"][0]["state"], "unusable");
    let messages: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains(&native("sub/.env is not a regular file"))),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with(".env:1: not valid UTF-8 text; line ignored")),
        "{messages:?}"
    );
}

#[test]
fn oversized_dotenv_is_refused() {
    let dir = tempdir();
    let mut big = format!("DASHSCOPE_API_KEY={STANDARD}\n");
    big.push_str(&"# padding\n".repeat(110_000));
    write(dir.path().join(".env"), &big);
    let (code, v) = status_json(dir.path(), &[]);
    assert_eq!(code, 3);
    assert_eq!(v["dotenv_files"][0]["state"], "unusable");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than the 1 MiB")
    );
}

#[test]
fn region_and_base_url() {
    let dir = tempdir();
    let (_, v) = status_json(dir.path(), &[("QWEN_REGION", "ap-southeast-1")]);
    assert_eq!(v["endpoint"], "https://dashscope-intl.aliyuncs.com");
    assert_eq!(v["region"], "ap-southeast-1");
    let out = run(
        dir.path(),
        &[("QWEN_REGION", "ap-southeast-1")],
        &["status", "--json", "--region", "cn-beijing"],
    );
    assert_eq!(out.json()["region"], "cn-beijing");
    let (_, v) = status_json(
        dir.path(),
        &[(
            "QWEN_BASE_URL",
            "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        )],
    );
    assert_eq!(
        v["probe_url"],
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions"
    );
}

#[test]
fn oss_status_never_shows_secrets() {
    let dir = tempdir();
    let env = [
        ("QWEN_TMP_OSS_BUCKET", "my-bucket"),
        ("QWEN_TMP_OSS_REGION", "oss-cn-beijing"),
        ("OSS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("OSS_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET),
    ];
    let (_, v) = status_json(dir.path(), &env);
    assert_eq!(v["oss"]["enabled"], true);
    assert_eq!(v["oss"]["credentials"], "OSS_ACCESS_KEY");
    assert_eq!(v["oss"]["access_key_id"], "LTAI****************0000");
    let out = run(dir.path(), &env, &["status"]);
    assert!(
        out.stdout
            .contains("AccessKey pair in use: OSS_ACCESS_KEY_*"),
        "{}",
        out.stdout
    );
    assert_no_leak(&out.all(), &ALL_KEYS, "status with OSS");
}

#[test]
fn other_environment_variables_are_not_granted() {
    // A key under another name is invisible to the policy.
    let dir = tempdir();
    let (code, v) = status_json(
        dir.path(),
        &[("OPENAI_API_KEY", STANDARD), ("HOME", "/root")],
    );
    assert_eq!(code, 3);
    assert_eq!(v["key"], Value::Null);
}

/// Every output of `status`, with every sentinel key set at once.
#[test]
fn sentinel_keys_never_appear() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path().join(".env"),
        &format!(
            "DASHSCOPE_API_KEY={STANDARD_2}\nQIANWEN_API_KEY=\"{PLAN}\"\nbroken {STANDARD}\nOSS_ACCESS_KEY_SECRET={ACCESS_KEY_SECRET}\n"
        ),
    );
    let env = [
        ("QIANWEN_API_KEY", STANDARD),
        ("DASHSCOPE_API_KEY", PLAN),
        ("OSS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("OSS_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET),
        ("QWEN_TMP_OSS_BUCKET", "b"),
    ];
    let invocations: &[&[&str]] = &[
        &["status"],
        &["status", "--json"],
        &["status", "--color", "always"],
        &["--help"],
        &["status", "--help"],
        &["help", "status"],
        &["--version"],
        &["status", "--region", "mars"],
        &["status", "--bogus"],
        &["status", STANDARD],
        &["status", &format!("--region={PLAN}")],
        &[STANDARD],
        &[],
    ];
    for args in invocations {
        let out = run(dir.path(), &env, args);
        assert_no_leak(
            &out.all(),
            &ALL_KEYS,
            &format!("qianwen-auth with {} arguments", args.len()),
        );
    }
}

#[test]
fn usage_errors_exit_2_and_mention_keys_are_never_arguments() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["status", STANDARD]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("<redacted>"), "{}", out.stderr);
    assert!(out.stderr.contains("never takes a key as an argument"));
    // A word that holds `sk-` is no key: shown as typed, with no note about keys.
    let out = run(dir.path(), &[], &["status", "flask-api-server"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("'flask-api-server'"), "{}", out.stderr);
    assert!(!out.stderr.contains("never takes a key"), "{}", out.stderr);
    let out = run(dir.path(), &[], &["status", "--bogus"]);
    assert_eq!(out.code, 2);
    let out = run(dir.path(), &[], &[]);
    assert_eq!(out.code, 2);
    let out = run(dir.path(), &[], &["--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Exit codes"));
}

#[test]
fn help_has_an_example() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["status", "--help"]);
    assert!(out.stdout.contains("Example"), "{}", out.stdout);
}

#[test]
fn no_colour_unless_asked() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["status"]);
    assert!(!out.stdout.contains('\x1b'));
    let out = run(
        dir.path(),
        &[("NO_COLOR", "1")],
        &["status", "--color", "auto"],
    );
    assert!(!out.stdout.contains('\x1b'));
    let out = run(dir.path(), &[], &["status", "--color", "always"]);
    assert!(out.stdout.contains('\x1b'));
}

/// `status` judges the endpoint as `verify` would: an endpoint verify refuses exits 6 in both,
/// and a host granted with `--allow-host` is usable in both.
#[test]
fn status_and_verify_agree_on_the_endpoint() {
    let dir = tempdir();
    for base in [
        "https://llm.example.com",
        "https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1",
        "http://dashscope.aliyuncs.com",
        "https://dashscope.aliyuncs.com:8443",
    ] {
        let env = [("DASHSCOPE_API_KEY", STANDARD), ("QWEN_BASE_URL", base)];
        let (code, v) = status_json(dir.path(), &env);
        assert_eq!(code, 6, "{base}: {v}");
        assert_eq!(v["verdict"], "endpoint-refused", "{base}");
        // A grant opens neither a Token Plan host nor plain http to another machine, so
        // only the others are told to add one, with the exact value.
        let grant = base.starts_with("https://llm") || base.ends_with(":8443");
        assert_eq!(
            v["next_steps"].to_string().contains("`--allow-host "),
            grant,
            "{base}: {}",
            v["next_steps"]
        );
        let verify = run(dir.path(), &env, &["verify", "--json"]);
        assert_eq!(verify.code, 6, "{base}: {}", verify.stdout);
        assert_eq!(verify.json()["outcome"], "host-denied", "{base}");
        let text = run(dir.path(), &env, &["status"]);
        assert_eq!(text.code, 6);
        assert!(
            text.stdout.starts_with("✗ The endpoint would be refused"),
            "{}",
            text.stdout
        );
    }
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QWEN_BASE_URL", "https://llm.example.com"),
    ];
    let out = run(
        dir.path(),
        &env,
        &["status", "--json", "--allow-host", "llm.example.com"],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json()["verdict"], "usable");
    // A granted value that holds a key is refused unshown, as for verify.
    let out = run(dir.path(), &env, &["status", "--allow-host", STANDARD]);
    assert_eq!(out.code, 2);
    assert_no_leak(&out.all(), &ALL_KEYS, "status --allow-host KEY");
}
