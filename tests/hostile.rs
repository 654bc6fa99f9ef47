//! Hostile inputs: every input gets a record, nothing panics or hangs, the
//! batch goes on, the output is the same bytes every run, and an interrupted
//! or cut-off run ends quietly without a partial file.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_formsift");
const TITLE: &str = "Formulário - Processo de Retenção\n";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A folder of hostile inputs; returns the file expected to be denied, if
/// this user can be denied anything.
fn hostile_folder(dir: &Path) -> Option<String> {
    for f in [
        "utf16le-no-bom",
        "double-encoded-utf8",
        "cut-in-the-middle",
        "control-characters",
    ] {
        std::fs::copy(
            format!("fixtures/hostile/{f}.txt"),
            dir.join(format!("{f}.txt")),
        )
        .unwrap();
    }
    for f in ["empty", "binary-junk", "not-a-form"] {
        std::fs::copy(
            format!("fixtures/edge/{f}.txt"),
            dir.join(format!("{f}.txt")),
        )
        .unwrap();
    }
    let huge = format!("{TITLE}Colaborador {}", "palavra solta ☒ ".repeat(330_000));
    std::fs::write(dir.join("huge-line.txt"), huge).unwrap();
    std::fs::write(dir.join("many-titles.txt"), TITLE.repeat(3000)).unwrap();
    std::fs::write(dir.join("too-large.txt"), "x".repeat(7_000_000)).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere.txt"), dir.join("dangling.txt")).unwrap();
    std::fs::create_dir(dir.join("folder.txt")).unwrap();
    std::fs::copy(
        "fixtures/filled/v1-inline.txt",
        dir.join("folder.txt/inner.txt"),
    )
    .unwrap();
    if is_root() {
        return None; // root reads everything
    }
    use std::os::unix::fs::PermissionsExt;
    let locked = dir.join("locked.txt");
    std::fs::copy("fixtures/filled/v1-inline.txt", &locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    Some("locked.txt".into())
}

#[test]
fn every_hostile_input_gets_a_record_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let denied = hostile_folder(dir.path());
    let twice = dir.path().join("utf16le-no-bom.txt");
    let o = Command::new(BIN)
        .args(["extract", "-q", "--max-bytes", "6000000"])
        .arg(dir.path())
        .arg(&twice)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "some forms are incomplete or unreadable"
    );
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut seen: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in String::from_utf8(o.stdout).unwrap().lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        let source = r["source"].as_str().unwrap();
        let name = Path::new(source)
            .strip_prefix(dir.path())
            .unwrap()
            .to_string_lossy()
            .to_string();
        seen.entry(name).or_default().push(r);
    }
    let code = |name: &str| -> String {
        let r = &seen
            .get(name)
            .unwrap_or_else(|| panic!("no record for {name}"))[0];
        r["error"]["code"].as_str().unwrap_or("form").to_string()
    };
    let warnings = |name: &str| -> Vec<String> {
        seen[name][0]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(code("binary-junk.txt"), "not_text");
    assert_eq!(code("empty.txt"), "empty");
    assert_eq!(code("not-a-form.txt"), "not_a_form");
    assert_eq!(code("dangling.txt"), "not_found");
    assert_eq!(code("too-large.txt"), "too_large");
    assert_eq!(code("folder.txt"), "is_a_directory");
    assert_eq!(
        code("folder.txt/inner.txt"),
        "form",
        "a folder named like a file is still read"
    );
    assert_eq!(code("huge-line.txt"), "form");
    assert_eq!(code("cut-in-the-middle.txt"), "form");
    assert_eq!(code("control-characters.txt"), "form");
    assert_eq!(
        seen["control-characters.txt"][0]["fields"]["colaborador"],
        "Ana Beatriz"
    );
    assert_eq!(code("utf16le-no-bom.txt"), "form");
    assert_eq!(
        seen["utf16le-no-bom.txt"].len(),
        1,
        "named twice, read once"
    );
    assert!(warnings("utf16le-no-bom.txt").contains(&"encoding_guessed".to_string()));
    assert_eq!(
        seen["double-encoded-utf8.txt"][0]["fields"]["cidade"],
        "Belo Horizonte"
    );
    assert!(warnings("double-encoded-utf8.txt").contains(&"encoding_repaired".to_string()));
    assert_eq!(seen["many-titles.txt"].len(), 3000, "one record per title");
    if let Some(name) = denied {
        assert_eq!(code(&name), "permission_denied");
    }
    let huge = &seen["huge-line.txt"][0];
    assert_eq!(
        huge["unplaced"].as_array().unwrap().len(),
        0,
        "the long value went to its label"
    );
    assert!(huge["fields"]["colaborador"].as_str().unwrap().len() > 5_000_000);
}

/// Runs `f` in a thread and fails if it has not finished after `limit`: a
/// guard against hangs, far above what any input here needs.
fn finishes_within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(f()).unwrap());
    rx.recv_timeout(limit)
        .expect("no answer: the pipeline hangs or is not linear")
}

#[test]
fn pathological_lines_never_hang() {
    let inputs: Vec<String> = vec![
        format!(
            "{TITLE}Status retenção\n{} Desligamento\n",
            "☒".repeat(200_000)
        ),
        format!(
            "{TITLE}Atende outros convênios\n{}\n",
            "☒ Sim ☐ Não ".repeat(50_000)
        ),
        format!("{TITLE}Colaborador {}\n", "Data ".repeat(100_000)),
        format!(
            "{TITLE}{}",
            "1º contato Data 01/01/2025\nObs.: x\n".repeat(20_000)
        ),
        format!(
            "{TITLE}{}",
            "Colaborador Maria Data 13/02/2025\n".repeat(20_000)
        ),
        format!(
            "{TITLE}Quantidade de dentistas por área\n{}\n",
            "8\tCirurgia\t".repeat(50_000)
        ),
    ];
    let records = finishes_within(Duration::from_secs(120), move || {
        let t = formsift::Template::default_template();
        inputs
            .iter()
            .map(|i| formsift::pipeline::process_bytes(&t, "x.txt", i.as_bytes()).len())
            .collect::<Vec<_>>()
    });
    assert!(records.iter().all(|&n| n == 1), "{records:?}");
}

#[test]
fn same_bytes_with_one_or_eight_threads_and_run_after_run() {
    let run = |j: &str| {
        Command::new(BIN)
            .args([
                "extract",
                "-q",
                j,
                "fixtures/filled",
                "fixtures/seeds",
                "fixtures/edge",
                "fixtures/rules",
            ])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("-j1");
    assert!(one.len() > 10_000);
    assert_eq!(one, run("-j8"));
    assert_eq!(one, run("-j8"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(BIN)
        .args([
            "extract",
            "fixtures/filled",
            "fixtures/seeds",
            "fixtures/rules",
            "fixtures/filled",
            "fixtures/edge",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"source\""));
    // The reader is gone, like `| head -1`.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.to_lowercase().contains("broken pipe"),
        "{err}"
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{:?}", out.status);
}

#[test]
fn ctrl_c_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let hang = std::fs::canonicalize("fixtures/pdf-workers/hang.sh").unwrap();
    let child = Command::new(BIN)
        .args(["extract", "-q", "--pdf-timeout", "60", "-o"])
        .arg(&out)
        .args(["fixtures/filled/v1-inline.txt", "fixtures/pdf/form_sdt.pdf"])
        .env("FORMSIFT_PDF_WORKER", &hang)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the output is being written (its temporary file exists).
    let started = Instant::now();
    while std::fs::read_dir(dir.path()).unwrap().count() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the run never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: kill sends SIGINT to the child we started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "formsift: interrupted; no output written\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no output and no temporary file"
    );
}

/// Inputs that once broke formsift, named after the problem they caught.
#[test]
fn regressions_give_a_record() {
    let t = formsift::Template::default_template();
    let mut n = 0;
    for entry in std::fs::read_dir("fixtures/regression").unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let records = formsift::pipeline::process_bytes(&t, &path.to_string_lossy(), &bytes);
        assert!(!records.is_empty(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 1);
}
