//! The layers of ARCHITECTURE.md, checked: each file under `src/` may use only the modules its
//! layer may, and the pure layers touch no clock, disk, network, database or window. A `use` (or a
//! path) that crosses a rule fails here with the file and the line.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// What a layer may not name: crate modules (`crate::x`) and other text (crates, calls).
struct Rule {
    /// The layer's files: paths under `src/` that start with one of these.
    files: &'static [&'static str],
    /// Crate modules the layer must not use.
    modules: &'static [&'static str],
    /// Other things it must not name (external crates, calls that read the clock).
    names: &'static [&'static str],
    why: &'static str,
}

const IO: &[&str] = &[
    "egui::",
    "eframe::",
    "reqwest::",
    "rusqlite::",
    "tokio::",
    "std::fs",
    "std::net",
    "SystemTime::now",
    "Instant::now",
    "now_utc()",
    "process::id",
    "keyring::",
    "keyring_core::",
];

const RULES: &[Rule] = &[
    Rule {
        files: &["domain/"],
        modules: &[
            "app",
            "cli",
            "clock",
            "config",
            "data",
            "flow",
            "gateway",
            "journal",
            "logging",
            "providers",
            "reconcile",
            "reference",
            "render",
            "secrets",
            "sell",
            "sound",
            "verified_qr",
            "watch",
            "autostart",
        ],
        names: IO,
        why: "domain is pure: the shared vocabulary and rules, no I/O, no clock",
    },
    Rule {
        files: &["flow.rs", "flow/"],
        modules: &[
            "app",
            "cli",
            "clock",
            "config",
            "data",
            "gateway",
            "journal",
            "providers",
            "reconcile",
            "secrets",
            "sell",
            "sound",
            "watch",
        ],
        names: IO,
        why: "the flow is a pure state machine: events in, commands out",
    },
    Rule {
        files: &["config/"],
        modules: &[
            "app",
            "cli",
            "gateway",
            "journal",
            "flow",
            "watch",
            "providers",
            "sell",
        ],
        names: &["egui::", "reqwest::", "rusqlite::"],
        why: "settings know only the domain's vocabulary",
    },
    Rule {
        files: &["journal/"],
        modules: &[
            "app",
            "cli",
            "gateway",
            "config",
            "flow",
            "watch",
            "providers",
            "sell",
        ],
        names: &["egui::", "reqwest::"],
        why: "the journal records the domain's steps and knows nothing of gateways or windows",
    },
    Rule {
        files: &["gateway/"],
        modules: &[
            "app",
            "cli",
            "journal",
            "config",
            "flow",
            "watch",
            "providers",
            "sell",
        ],
        names: &["egui::", "eframe::", "rusqlite::"],
        why: "a gateway turns a sale into a QR and answers status; it never draws or records",
    },
    Rule {
        files: &["app/"],
        modules: &["cli"],
        names: &["reqwest::", "rusqlite::"],
        why: "the window never builds an HTTP request or an SQL statement",
    },
    Rule {
        files: &["app/settings/form.rs", "app/settings/view.rs"],
        modules: &["gateway", "journal", "providers"],
        names: &["std::fs", "keyring::", "keyring_core::"],
        why: "the settings panel's form and view only parse text and draw",
    },
    Rule {
        files: &["cli/"],
        modules: &[],
        names: &[
            "egui::",
            "eframe::",
            "app::flow",
            "app::worker",
            "app::views",
        ],
        why: "the command line parses and dispatches; it does not reach into the window",
    },
    Rule {
        files: &["watch.rs", "sell.rs", "reconcile.rs"],
        modules: &["app", "cli", "config"],
        names: &["egui::", "eframe::", "rusqlite::"],
        why: "the shared sale services work for the window and the command line alike",
    },
    Rule {
        files: &["render.rs", "verified_qr.rs"],
        modules: &["app", "cli", "gateway", "journal", "config", "flow"],
        names: &["egui::", "reqwest::", "rusqlite::"],
        why: "drawing and checking a QR needs only the domain",
    },
    Rule {
        files: &["i18n.rs"],
        modules: &[
            "app",
            "cli",
            "gateway",
            "journal",
            "config",
            "flow",
            "watch",
            "providers",
            "sell",
        ],
        names: &["egui::", "reqwest::", "rusqlite::", "std::fs"],
        why: "the customer's messages are data compiled in: a language and a message in, text out",
    },
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The file's code lines, without comments and without its `#[cfg(test)]` tail (tests may use
/// anything to check the code; files of tests, `tests.rs`, are skipped altogether).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = line.split(" // ").next().unwrap_or(line);
        lines.push((i + 1, code.to_owned()));
    }
    lines
}

#[test]
fn every_file_keeps_to_its_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    let files = rust_files(&src);
    assert!(files.len() > 40, "the sources were found: {}", files.len());
    for path in files.into_iter().filter(|p| !p.ends_with("tests.rs")) {
        let relative = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        let lines = code_lines(&text);
        for rule in RULES
            .iter()
            .filter(|r| r.files.iter().any(|f| relative.starts_with(f)))
        {
            for (n, line) in &lines {
                for module in rule.modules {
                    let crossing = [
                        format!("crate::{module}::"),
                        format!("crate::{module};"),
                        format!("crate::{module}}}"),
                        format!("crate::{module},"),
                        format!("crate::{{{module}"),
                        format!(", {module}::"),
                    ];
                    let in_use_list = line.contains("use crate::{") && line.contains(module);
                    if crossing.iter().any(|c| line.contains(c.as_str()))
                        || (in_use_list && word_in(line, module))
                    {
                        broken.push(format!(
                            "src/{relative}:{n} uses crate::{module} ({}): {}",
                            rule.why,
                            line.trim()
                        ));
                    }
                }
                for name in rule.names {
                    if line.contains(name) {
                        broken.push(format!(
                            "src/{relative}:{n} names {name} ({}): {}",
                            rule.why,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
}

/// Whether `word` stands alone in `line` (not inside another name).
fn word_in(line: &str, word: &str) -> bool {
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        edge(before) && edge(after)
    })
}

/// The checker itself catches what it is for.
#[test]
fn the_checker_sees_a_forbidden_use() {
    let lines = code_lines("use crate::gateway::ProviderId;\n// use crate::app;\n");
    assert_eq!(lines.len(), 1);
    assert!(lines[0].1.contains("crate::gateway::"));
    assert!(word_in("use crate::{data, gateway};", "gateway"));
    assert!(!word_in("use crate::{data, gateways};", "gateway"));
}
