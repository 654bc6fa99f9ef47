//! `formsift report`: the page's embedded summary against the records
//! `extract` gives for the same files, and the page in a real browser
//! (headless Chromium: no console errors, the charts' counts, the tables'
//! sorting and filtering, a screenshot).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn formsift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formsift"))
        .args(args)
        .env_remove("FORMSIFT_REDACT_KEY")
        .output()
        .unwrap()
}

/// `formsift report ARGS -o DIR/report.html`: the page.
fn report(dir: &Path, args: &[&str]) -> String {
    let out = dir.join("report.html");
    let mut all = vec!["report", "-q", "-o", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = formsift(&all);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "report failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out).unwrap()
}

/// The JSON in `<script type="application/json" id="summary">`.
fn summary(html: &str) -> Value {
    let start = r#"<script type="application/json" id="summary">"#;
    let from = html.find(start).expect("the summary is embedded") + start.len();
    let to = from + html[from..].find("</script>").unwrap();
    serde_json::from_str(&html[from..to]).unwrap()
}

/// The records `extract` gives for the same paths.
fn records(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["extract", "-q", "--redact", "none"];
    all.extend_from_slice(args);
    let o = formsift(&all);
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The whole fixtures folder: every kind of input formsift reads, and
/// files it cannot.
const BATCH: &[&str] = &["fixtures"];

fn group<'a>(s: &'a Value, key: &str) -> &'a Value {
    s["templates"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap()
}

#[test]
fn the_summary_counts_what_the_records_say() {
    let dir = tempfile::tempdir().unwrap();
    let s = summary(&report(
        dir.path(),
        &[&["--redact", "none"], BATCH].concat(),
    ));
    let records = records(BATCH);
    let failed = records.iter().filter(|r| !r["error"].is_null()).count();
    let forms: Vec<&Value> = records.iter().filter(|r| r["error"].is_null()).collect();
    let complete = forms.iter().filter(|r| r["complete"] == true).count();
    assert!(forms.len() > 200 && failed > 20, "a batch with both");
    assert_eq!(s["forms"], forms.len());
    assert_eq!(s["complete"], complete);
    assert_eq!(s["incomplete"], forms.len() - complete);
    assert_eq!(s["unreadable"], failed);
    assert_eq!(s["redact"], "none");
    let warnings: usize = forms
        .iter()
        .map(|r| {
            r["issues"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["severity"] == "warning")
                .count()
        })
        .sum();
    assert_eq!(s["warnings"], warnings);

    // Every option of every group: forms whose value names it.
    let about = |r: &Value, key: &str, codes: &[&str]| {
        r["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["field"] == key && codes.contains(&i["code"].as_str().unwrap()))
    };
    for key in [
        "status_retencao",
        "motivo_desligamento",
        "setor_responsavel",
    ] {
        let g = group(&s, key);
        for option in g["options"].as_array().unwrap() {
            let code = option["code"].as_str().unwrap();
            let n = forms
                .iter()
                .filter(|r| match &r["fields"][key] {
                    Value::String(c) => c == code,
                    Value::Array(list) => list.iter().any(|c| c == code),
                    _ => false,
                })
                .count();
            assert_eq!(option["checked"], n, "{key}.{code}");
        }
        // Unknown: the marks lost or unreadable, never counted unchecked.
        let unknown = forms
            .iter()
            .filter(|r| about(r, key, &["marks_lost", "mark_unreadable"]))
            .count();
        assert!(unknown > 0, "the fixtures lose {key}'s marks somewhere");
        assert_eq!(g["unknown"], unknown, "{key} unknown");
    }
    let yes = forms
        .iter()
        .filter(|r| r["fields"]["atende_outros_convenios"] == true)
        .count();
    let g = group(&s, "atende_outros_convenios");
    assert_eq!(g["options"][0]["code"], "yes");
    assert_eq!(g["options"][0]["checked"], yes);

    // Issues by code, over the forms of the template.
    let mut codes: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in &forms {
        for i in r["issues"].as_array().unwrap() {
            let e = codes.entry(i["code"].as_str().unwrap().into()).or_default();
            if i["severity"] == "error" {
                e.0 += 1
            } else {
                e.1 += 1
            }
        }
    }
    let got: BTreeMap<String, (usize, usize)> = s["templates"][0]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let n = |k: &str| i[k].as_u64().unwrap() as usize;
            (
                i["code"].as_str().unwrap().into(),
                (n("errors"), n("warnings")),
            )
        })
        .collect();
    assert_eq!(got, codes);

    // A field's filled count: a value that is there, and not invalid.
    let cpf = s["templates"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "cpf")
        .unwrap();
    let filled = forms
        .iter()
        .filter(|r| {
            r["fields"]["cpf"].is_string()
                && !about(r, "cpf", &["invalid_check_digit", "invalid_cpf"])
        })
        .count();
    let invalid = forms
        .iter()
        .filter(|r| about(r, "cpf", &["invalid_check_digit", "invalid_cpf"]))
        .count();
    assert_eq!(
        (cpf["filled"].as_u64(), cpf["invalid"].as_u64()),
        (Some(filled as u64), Some(invalid as u64))
    );

    // Months: every dated form once.
    let over = &s["templates"][0]["over_time"];
    assert_eq!(over["field"], "data");
    assert_eq!(over["split"], "status_retencao");
    let dated: usize = over["months"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["counts"].as_array().unwrap())
        .map(|n| n.as_u64().unwrap() as usize)
        .sum();
    let with_date = forms
        .iter()
        .filter(|r| r["fields"]["data"].is_string())
        .count();
    assert_eq!(dated, with_date);
    assert_eq!(over["undated"], forms.len() - with_date);

    // The rows the page lists are the incomplete forms, in input order.
    assert_eq!(s["incomplete_listed"], forms.len() - complete);
    assert_eq!(s["incomplete_left_out"], 0);
}

/// Headless Chromium: `.ci/run` installs Debian's `chromium` when missing.
fn chromium() -> PathBuf {
    let name = std::env::var("FORMSIFT_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(&name))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("the report's tests need headless Chromium: apt-get install chromium (.ci/run installs it), or FORMSIFT_CHROMIUM=path")
    })
}

/// Loads a page in headless Chromium with the network shut: its DOM once
/// the scripts ran, and every message the page left on the console.
fn browse(page: &Path, extra: &[&str]) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let console = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&o.stdout).into_owned(), console)
}

#[test]
fn the_console_check_sees_a_page_that_fails() {
    // What the report's test relies on: a script error reaches us.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><p>x</p><script>notAFunction();</script>",
    )
    .unwrap();
    let (dom, console) = browse(&page, &["--dump-dom"]);
    assert!(dom.contains("<p>x</p>"), "{dom}");
    assert!(
        console
            .iter()
            .any(|l| l.contains("notAFunction is not defined")),
        "{console:?}"
    );
}

/// A script run after the report's own: filters the incomplete forms,
/// sorts them by errors, and leaves what it saw in `data-check`.
const PROBE: &str = r#"<script>
(function () {
  var table = document.getElementById("incomplete-forms");
  var input = document.querySelector('input[data-table="incomplete-forms"]');
  input.value = "fixtures/seeds";
  input.dispatchEvent(new Event("input"));
  var visible = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; });
  var buttons = table.tHead.querySelectorAll("button");
  buttons[3].click(); buttons[3].click();
  var first = table.tBodies[0].rows[0].cells[3].textContent;
  var errors = Array.prototype.map.call(table.tBodies[0].rows, function (r) { return Number(r.cells[3].textContent); });
  document.body.setAttribute("data-check", JSON.stringify({
    shown: visible.length, count: document.getElementById("incomplete-forms-count").textContent,
    buttons: buttons.length, first: Number(first), most: Math.max.apply(null, errors),
    sort: table.tHead.rows[0].cells[3].getAttribute("aria-sort")
  }));
})();
</script></body>"#;

#[test]
fn a_browser_shows_the_report_of_the_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), BATCH);
    let s = summary(&html);
    let page = dir.path().join("report.html");

    // Self-contained: nothing to fetch, and with the network shut the
    // page loads with no console message at all.
    for outside in [
        "src=", "<link", "@import", "url(http", "http://", "https://",
    ] {
        assert!(
            !html.contains(outside),
            "the page refers outside: {outside}"
        );
    }
    assert!(html.len() < 5 << 20);
    let (dom, console) = browse(&page, &["--dump-dom"]);
    assert!(console.is_empty(), "console: {console:?}");

    // The charts: completeness, issues, each group, months, revisions.
    assert!(dom.contains("id=\"t0-fields\""));
    assert!(dom.contains("id=\"t0-months\""));
    let groups = s["templates"][0]["groups"].as_array().unwrap();
    for (i, g) in groups.iter().enumerate() {
        let id = format!("id=\"t0-group{i}\"");
        let at = dom
            .find(&id)
            .unwrap_or_else(|| panic!("no chart of {}", g["key"]));
        let figure = &dom[at..at + dom[at..].find("</figure>").unwrap()];
        assert!(figure.contains(&format!("{} (", g["key"].as_str().unwrap())));
        for o in g["options"].as_array().unwrap() {
            let bar = format!(
                "data-label=\"{}\" data-total=\"{}\"",
                o["code"].as_str().unwrap(),
                o["checked"]
            );
            assert!(figure.contains(&bar), "{}: {bar}", g["key"]);
        }
        // Unknown states have their own bar, drawn hatched.
        let unknown = format!(
            "data-label=\"(unknown: marks lost)\" data-total=\"{}\"",
            g["unknown"]
        );
        assert!(figure.contains(&unknown), "{}: {unknown}", g["key"]);
    }
    let status = group(&s, "status_retencao");
    assert!(status["unknown"].as_u64().unwrap() > 0);
    // Every chart has its numbers as a table, and a name for readers.
    let charts = dom.matches("<figure class=\"chart\"").count();
    assert_eq!(dom.matches("class=\"numbers\"").count(), charts);
    assert_eq!(dom.matches("role=\"img\" aria-labelledby=").count(), charts);
    // The tiles.
    let tile =
        |class: &str, n: &Value| format!("<li class=\"tile {class}\"><span class=\"n\">{n}</span>");
    assert!(dom.contains(&tile("forms", &s["forms"])));
    assert!(dom.contains(&tile("incomplete", &s["incomplete"])));
    assert!(dom.contains(&tile("unreadable", &s["unreadable"])));
    // The incomplete forms' table: one row each, its errors with lines.
    let at = dom.find("id=\"incomplete-forms\"").unwrap();
    let table = &dom[at..at + dom[at..].find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr>").count() - 1,
        s["incomplete_listed"].as_u64().unwrap() as usize
    );
    assert!(table.contains(
        "line 11: colaborador is required, but it is empty <code>missing_required</code>"
    ));

    // Sorting and filtering, run in the page.
    let probed = dir.path().join("probed.html");
    std::fs::write(&probed, html.replace("</body>", PROBE)).unwrap();
    let (dom, console) = browse(&probed, &["--dump-dom"]);
    assert!(console.is_empty(), "console: {console:?}");
    let at = dom.find("data-check=\"").expect("the probe ran") + 12;
    let check: Value =
        serde_json::from_str(&dom[at..at + dom[at..].find('"').unwrap()].replace("&quot;", "\""))
            .unwrap();
    let seeds = records(&["fixtures/seeds"])
        .iter()
        .filter(|r| r["complete"] == false)
        .count();
    assert_eq!(check["shown"], seeds, "{check}");
    assert_eq!(check["count"], seeds.to_string());
    assert_eq!(check["buttons"], 5);
    assert_eq!(check["sort"], "descending");
    assert_eq!(
        check["first"], check["most"],
        "sorted by errors, most first"
    );

    // A screenshot, to look at (target/report-fixtures.png).
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-fixtures.png");
    let _ = std::fs::remove_file(&shot);
    let (_, console) = browse(
        &page,
        &[
            "--hide-scrollbars",
            "--window-size=1100,3000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(console.is_empty(), "console: {console:?}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 1100);
    assert!(png.len() > 50_000, "a page with charts, not a blank one");
}

#[test]
fn personal_data_is_masked_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    // The planted form with its CPF's check digit made wrong: the error
    // quotes the CPF.
    let text = std::fs::read_to_string("fixtures/redact/planted.txt").unwrap();
    let form = dir.path().join("form.txt");
    std::fs::write(
        &form,
        text.replace("CPF: 529.982.247-25", "CPF: 529.982.247-24"),
    )
    .unwrap();
    let form = form.to_str().unwrap();
    let masked = report(dir.path(), &[form]);
    assert_eq!(summary(&masked)["redact"], "mask");
    assert!(masked.contains("personal data: masked"));
    assert!(masked.contains("CPF ***.982.247-**: wrong check digit"));
    assert!(!masked.contains("529.982.247-24"));
    let (planted, _) = {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string("fixtures/redact/planted.json").unwrap())
                .unwrap();
        (v["planted"].clone(), ())
    };
    for p in planted.as_array().unwrap() {
        assert!(!masked.contains(p.as_str().unwrap()), "{p} in the report");
    }
    let shown = report(dir.path(), &["--redact", "none", form]);
    assert!(shown.contains("CPF 529.982.247-24: wrong check digit"));
    assert!(shown.contains("personal data: shown as written"));
}

#[test]
fn a_long_batch_lists_the_first_forms_and_says_how_many_are_left() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    let seed = std::fs::read("fixtures/seeds/000_e79935e713eb578e.txt").unwrap();
    for i in 0..2_050 {
        std::fs::write(forms.join(format!("{i:04}.txt")), &seed).unwrap();
    }
    let html = report(dir.path(), &[forms.to_str().unwrap()]);
    let s = summary(&html);
    assert_eq!(
        (
            s["incomplete"].as_u64(),
            s["incomplete_listed"].as_u64(),
            s["incomplete_left_out"].as_u64()
        ),
        (Some(2050), Some(2000), Some(50))
    );
    let at = html.find("id=\"incomplete-forms\"").unwrap();
    let table = &html[at..at + html[at..].find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count() - 1, 2000);
    assert!(html.contains("50 more are left out"), "the note");
    assert!(html.contains("<code>formsift validate</code>"));
    assert!(html.len() < 5 << 20, "{} bytes", html.len());
}

#[test]
fn the_date_field_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let s = summary(&report(
        dir.path(),
        &["--date-field", "data_inicio", "fixtures/filled"],
    ));
    assert_eq!(s["templates"][0]["over_time"]["field"], "data_inicio");
    let o = formsift(&["report", "--date-field", "colaborador", "fixtures/filled"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--date-field colaborador: no template"),
        "{err}"
    );
}

#[test]
fn several_templates_get_a_section_each() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(
        dir.path(),
        &[
            "-t",
            "processo-retencao",
            "-t",
            "ficha-cadastro",
            "fixtures/templates/mixed",
        ],
    );
    let s = summary(&html);
    let names: Vec<&str> = s["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["processo-retencao", "ficha-cadastro"]);
    let records = records(&[
        "-t",
        "processo-retencao",
        "-t",
        "ficha-cadastro",
        "fixtures/templates/mixed",
    ]);
    for (i, name) in names.iter().enumerate() {
        let n = records
            .iter()
            .filter(|r| r["template"] == *name && r["error"].is_null())
            .count();
        assert!(n > 0);
        assert_eq!(s["templates"][i]["forms"], n, "{name}");
        assert!(html.contains(&format!("id=\"t{i}-fields\"")));
    }
}
