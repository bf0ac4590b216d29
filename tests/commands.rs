//! The smaller commands (`tokenplan`, `links`, `agent-snippet`, `completions`), every
//! subcommand's help, and the audit of every URL any command prints.

use std::fs;

use crate::common::*;
use crate::mock::{Mock, Reply, compat_error, native_error};

/// docs/behaviour.md#links, as of 2026-08-03: the only URLs a person is ever pointed to.
const LINKS: [&str; 9] = [
    "https://platform.qianwenai.com/home/",
    "https://platform.qianwenai.com/home/api-keys",
    "https://platform.qianwenai.com/home/billing/pay-as-you-go",
    "https://platform.qianwenai.com/home/billing/subscription/token-plan",
    "https://platform.qianwenai.com/home/analytics",
    "https://platform.qianwenai.com/docs/token-plan/overview",
    "https://platform.qianwenai.com/docs/token-plan/overview#%E5%A5%97%E9%A4%90%E4%B8%8E%E5%AE%9A%E4%BB%B7",
    "https://platform.qianwenai.com/docs/api-reference/preparation/install-sdk",
    "https://oss.console.aliyun.com/",
];

/// The API endpoints, which are addresses the tool reports, not links.
const ENDPOINTS: [&str; 2] = [
    "https://dashscope.aliyuncs.com",
    "https://dashscope-intl.aliyuncs.com",
];

const SUBCOMMANDS: [&str; 7] = [
    "status",
    "verify",
    "init",
    "tokenplan",
    "links",
    "agent-snippet",
    "completions",
];

/// Every `http://` or `https://` URL in `text`.
fn urls(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for scheme in ["https://", "http://"] {
        let mut rest = text;
        while let Some(at) = rest.find(scheme) {
            let url: String = rest[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"\"'()<>,`\\".contains(*c))
                .collect();
            found.push(url.trim_end_matches(['.', ';', ':']).to_string());
            rest = &rest[at + scheme.len()..];
        }
    }
    found
}

/// Fail on any URL that is neither a link from the table, nor an endpoint, nor `local`.
fn assert_urls_allowed(text: &str, local: &[String], context: &str) {
    for url in urls(text) {
        let ok = LINKS.contains(&url.as_str())
            || ENDPOINTS
                .iter()
                .any(|e| url == *e || url.starts_with(&format!("{e}/")))
            || local.iter().any(|l| url.starts_with(l.as_str()));
        assert!(ok, "{context}: {url} is not on the allowlist");
    }
}

#[test]
fn tokenplan_lists_the_facts_with_their_date() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["tokenplan"]);
    assert_eq!(out.code, 0);
    for expected in [
        "as of 2026-08-03",
        "sk-sp-",
        "Claude Code",
        "Text, Personal (7)",
        "16 in all",
        "qwen-image-2.0-pro (Team only)",
        "happyhorse-1.1-t2v",
        "qwen-audio-3.0-tts-plus",
        "Credits",
        "https://platform.qianwenai.com/docs/token-plan/overview",
        // The original skill names the Token Plan endpoint, a host this tool never contacts.
        "token-plan.cn-beijing.maas.aliyuncs.com",
    ] {
        assert!(out.stdout.contains(expected), "missing {expected:?}");
    }
    let v = run(dir.path(), &[], &["tokenplan", "--json"]).json();
    assert_eq!(v["as_of"], "2026-08-03");
    assert_eq!(v["text_models"].as_array().unwrap().len(), 16);
    assert_eq!(
        v["text_models"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["team_only"] == false)
            .count(),
        7
    );
}

#[test]
fn links_by_topic() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["links"]);
    assert_eq!(out.code, 0);
    assert_eq!(urls(&out.stdout).len(), LINKS.len());
    for link in LINKS {
        assert!(out.stdout.contains(link), "{link}");
    }
    let out = run(dir.path(), &[], &["links", "api-keys"]);
    assert_eq!(out.stdout, "https://platform.qianwenai.com/home/api-keys\n");
    let v = run(dir.path(), &[], &["links", "billing", "--json"]).json();
    assert_eq!(
        v["links"][0]["url"],
        "https://platform.qianwenai.com/home/billing/pay-as-you-go"
    );
    let out = run(dir.path(), &[], &["links", "nonsense"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("api-keys"),
        "the topics are listed: {}",
        out.stderr
    );
}

#[test]
fn agent_snippet_prints_and_writes_only_when_asked() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["agent-snippet"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("<!-- QIANWEN_SKILLS -->\n"));
    assert!(out.stdout.trim_end().ends_with("<!-- /QIANWEN_SKILLS -->"));
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written without --write"
    );
    let block = out.stdout.clone();

    // A new file.
    let out = run(dir.path(), &[], &["agent-snippet", "--write", "AGENTS.md"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(dir.path().join("AGENTS.md")).unwrap(),
        block
    );

    // Appended after one blank line; then replaced between the markers, nothing else moved.
    fs::write(dir.path().join("CLAUDE.md"), "# Project\n\nRules.").unwrap();
    run(dir.path(), &[], &["agent-snippet", "--write", "CLAUDE.md"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("CLAUDE.md")).unwrap(),
        format!("# Project\n\nRules.\n\n{block}")
    );
    fs::write(
        dir.path().join("CLAUDE.md"),
        "# Project\n<!-- QIANWEN_SKILLS -->\nold\n<!-- /QIANWEN_SKILLS -->\nAfter.\n",
    )
    .unwrap();
    let out = run(dir.path(), &[], &["agent-snippet", "--write", "CLAUDE.md"]);
    assert!(out.stdout.contains("replaced the block"), "{}", out.stdout);
    assert_eq!(
        fs::read_to_string(dir.path().join("CLAUDE.md")).unwrap(),
        format!("# Project\n{block}After.\n")
    );
    let out = run(dir.path(), &[], &["agent-snippet", "--write", "CLAUDE.md"]);
    assert!(out.stdout.contains("nothing changed"), "{}", out.stdout);

    // Broken markers, directories and links are refused, and nothing changes.
    fs::write(
        dir.path().join("BROKEN.md"),
        "<!-- QIANWEN_SKILLS -->\nno end\n",
    )
    .unwrap();
    let out = run(dir.path(), &[], &["agent-snippet", "--write", "BROKEN.md"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        fs::read_to_string(dir.path().join("BROKEN.md")).unwrap(),
        "<!-- QIANWEN_SKILLS -->\nno end\n"
    );
    fs::create_dir(dir.path().join("DIR.md")).unwrap();
    assert_eq!(
        run(dir.path(), &[], &["agent-snippet", "--write", "DIR.md"]).code,
        2
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("AGENTS.md"), dir.path().join("LINK.md"))
            .unwrap();
        assert_eq!(
            run(dir.path(), &[], &["agent-snippet", "--write", "LINK.md"]).code,
            2
        );
    }
}

#[test]
fn completions_for_each_shell() {
    let dir = tempdir();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef qianwen-auth"),
        ("fish", "complete -c qianwen-auth"),
    ] {
        let out = run(dir.path(), &[], &["completions", shell]);
        assert_eq!(out.code, 0, "{shell}");
        assert!(out.stdout.contains(marker), "{shell}");
        assert!(out.stdout.contains("verify"), "{shell}");
    }
    assert_eq!(run(dir.path(), &[], &["completions", "tcsh"]).code, 2);
}

#[test]
fn capabilities_lists_the_imports_and_the_grants_here() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let sub = dir.path().join("app");
    std::fs::create_dir(&sub).unwrap();
    let out = run(
        &sub,
        &[("DASHSCOPE_API_KEY", STANDARD)],
        &["capabilities", "--json", "--allow-host", "llm.corp.example"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let imports: Vec<&str> = v["imports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("qianwen:auth/project@"))
    );
    assert!(
        imports
            .iter()
            .all(|i| !i.starts_with("wasi:filesystem") && !i.starts_with("wasi:sockets"))
    );
    assert!(
        v["imports"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["grant"] != "(undocumented)")
    );
    let dotenvs = json_strings(&v, "dotenv_files");
    let canonical = system_path(dir.path());
    assert_eq!(
        dotenvs,
        vec![
            canonical.join("app").join(".env").to_str().unwrap(),
            canonical.join(".env").to_str().unwrap()
        ]
    );
    assert_eq!(v["environment"].as_array().unwrap().len(), 13);
    assert_eq!(
        v["environment"][1],
        serde_json::json!({"name": "DASHSCOPE_API_KEY", "set": true})
    );
    assert_eq!(
        v["allowed_hosts"],
        serde_json::json!([
            "dashscope.aliyuncs.com:443",
            "dashscope-intl.aliyuncs.com:443",
            "llm.corp.example:443"
        ])
    );
    assert_eq!(v["evidence_dir"], native("output/qianwen-ops-auth"));
    assert_no_leak(&out.all(), &ALL_KEYS, "capabilities");
    let out = run(&sub, &[], &["capabilities"]);
    assert!(out.stdout.contains("Never granted"), "{}", out.stdout);
}

#[test]
fn component_writes_the_embedded_component_and_never_overwrites() {
    let dir = tempdir();
    let out = run(dir.path(), &[], &["component", "--out", "policy.wasm"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bytes = fs::read(dir.path().join("policy.wasm")).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\0asm\x0d\x00\x01\x00",
        "a component, not a core module"
    );
    let out = run(dir.path(), &[], &["component", "--out", "policy.wasm"]);
    assert_eq!(out.code, 2);
    assert_eq!(fs::read(dir.path().join("policy.wasm")).unwrap(), bytes);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );
}

#[test]
fn every_subcommand_help_has_an_example() {
    let dir = tempdir();
    for sub in SUBCOMMANDS {
        let out = run(dir.path(), &[], &[sub, "--help"]);
        assert_eq!(out.code, 0, "{sub}");
        assert!(
            out.stdout.contains("Example:\n  qianwen-auth "),
            "{sub} --help has no example"
        );
    }
}

/// Every command in every outcome: no URL but the link table's, the endpoints and the test's
/// own servers is ever printed.
#[test]
fn every_url_printed_is_on_the_allowlist() {
    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut locals: Vec<String> = Vec::new();
    let dir = tempdir();
    let keys = [
        None,
        Some(STANDARD),
        Some(PLAN),
        Some("sk-your-key-here"),
        Some(ACCESS_KEY_ID),
        Some("sk-FAKE_Zq8v X3mKw9"),
    ];

    // status, in every verdict and region.
    for key in keys {
        let mut env = vec![("QWEN_TMP_OSS_BUCKET", "b")];
        if let Some(k) = key {
            env.push(("DASHSCOPE_API_KEY", k));
        }
        for args in [
            vec!["status"],
            vec!["status", "--json"],
            vec!["status", "--region", "ap-southeast-1"],
        ] {
            let out = run(dir.path(), &env, &args);
            outputs.push((format!("{args:?} {key:?}"), out.all()));
        }
    }

    // verify, in every outcome the mock can produce, at a first request and after the flow.
    let replies = vec![
        Reply::json(200, crate::mock::OK_BODY),
        Reply::json(
            401,
            &compat_error(
                "InvalidApiKey",
                "Invalid API-key provided. See https://help.example.invalid/401",
            ),
        ),
        Reply::json(401, &native_error("InvalidApiKey", "No API-key provided.")),
        Reply::json(400, &native_error("Arrearage", "overdue")),
        Reply::json(403, &compat_error("AccessDenied.Unpurchased", "denied")),
        Reply::json(
            403,
            &native_error("AllocationQuota.FreeTierOnly", "free tier used up"),
        ),
        Reply::json(404, &compat_error("model_not_found", "no such model")),
        Reply::json(429, &compat_error("Throttling.RateQuota", "slow"))
            .with_header("retry-after", "0"),
        Reply::json(500, &native_error("InternalError", "oops")).with_header("retry-after", "0"),
        Reply::json(400, &native_error("InvalidParameter", "bad")),
        Reply::Http {
            status: 302,
            headers: vec![("location".into(), "https://evil.example/x".into())],
            body: vec![],
        },
        Reply::Http {
            status: 200,
            headers: vec![],
            body: b"not json".to_vec(),
        },
        Reply::ResetMidBody,
    ];
    for reply in replies {
        let mock = Mock::start(vec![reply]);
        locals.push(mock.url());
        for args in [
            vec!["verify", "--allow-host", &mock.grant()],
            vec!["verify", "--json", "--allow-host", &mock.grant()],
            vec!["verify", "--answer", "2", "--allow-host", &mock.grant()],
        ] {
            let out = run(
                dir.path(),
                &[
                    ("DASHSCOPE_API_KEY", STANDARD),
                    ("QWEN_BASE_URL", &mock.url()),
                ],
                &args,
            );
            outputs.push((format!("{args:?}"), out.all()));
        }
    }
    // verify refusing before a request, and failing to connect.
    for key in keys {
        let mut env = vec![];
        if let Some(k) = key {
            env.push(("DASHSCOPE_API_KEY", k));
        }
        let out = run(dir.path(), &env, &["verify", "--timeout", "2"]);
        outputs.push((format!("verify {key:?}"), out.all()));
    }
    // A QWEN_BASE_URL the user set is reported back as the endpoint: configuration, not a link.
    let custom = "https://llm.corp.example/v1";
    locals.push(custom.into());
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD), ("QWEN_BASE_URL", custom)],
        &["verify"],
    );
    outputs.push(("verify host-denied".into(), out.all()));

    // init in each outcome, the smaller commands, and every help.
    for env in [
        vec![],
        vec![("DASHSCOPE_API_KEY", PLAN)],
        vec![("DASHSCOPE_API_KEY", ACCESS_KEY_ID)],
    ] {
        let fresh = tempdir();
        for _ in 0..2 {
            outputs.push(("init".into(), run(fresh.path(), &env, &["init"]).all()));
        }
    }
    for args in [
        vec!["tokenplan"],
        vec!["tokenplan", "--json"],
        vec!["links"],
        vec!["links", "--json"],
        vec!["agent-snippet"],
        vec!["--help"],
        vec!["completions", "bash"],
        vec!["capabilities"],
        vec!["capabilities", "--json"],
    ] {
        outputs.push((format!("{args:?}"), run(dir.path(), &[], &args).all()));
    }
    for sub in SUBCOMMANDS {
        outputs.push((
            format!("{sub} --help"),
            run(dir.path(), &[], &[sub, "--help"]).all(),
        ));
    }
    // Evidence records are output too.
    for entry in fs::read_dir(dir.path().join("output/qianwen-ops-auth")).unwrap() {
        outputs.push((
            "evidence".into(),
            fs::read_to_string(entry.unwrap().path()).unwrap(),
        ));
    }

    assert!(outputs.len() > 80);
    for (context, text) in &outputs {
        assert_urls_allowed(text, &locals, context);
        assert_no_leak(text, &ALL_KEYS, context);
    }
}
