//! Third-party forms read with templates written from the README, and
//! templates drafted by `formsift draft`. The expected values are those a
//! person reads in each document (fixtures/templates/third/*/READING).

mod common;

use common::{json, records, records_with_worker};
use formsift::input::Source;
use formsift::{pipeline, Template};
use serde_json::json;

const EXE: &str = env!("CARGO_BIN_EXE_formsift");

fn template(path: &str) -> Template {
    Template::load(path).unwrap()
}

fn read(t: &Template, path: &str) -> serde_json::Value {
    let rs = if path.ends_with(".pdf") {
        records_with_worker(t, path, EXE)
    } else {
        records(t, path)
    };
    assert_eq!(rs.len(), 1, "{path}");
    json(&rs[0])
}

/// The onboarding form as a person reads it (READING): both the Word
/// original and LibreOffice's text export of it.
#[test]
fn a_two_column_form_with_boxes_after_their_questions() {
    let t = template("fixtures/templates/third/two-column/onboarding.toml");
    let want = json!({
        "first_name": "Maria",
        "last_name": "Okafor",
        "employee_id": 40213,
        "department": "Logistics",
        "start_date": "2026-03-04",
        "salary": "52300.00",
        "street": "12 Elm St",
        "city": "Timbuktu",
        "state": "WA",
        "zip": "19283",
        "manager": "Dana Lee",
        "badge": "7781",
        "remote": true,
        "parking": true,
        "equipment": ["laptop", "phone"],
    });
    for path in [
        "fixtures/templates/third/two-column/onboarding.docx",
        "fixtures/templates/third/two-column/onboarding.txt",
    ] {
        let r = read(&t, path);
        assert_eq!(r["fields"], want, "{path}: {r:#}");
        // The section heading and the instruction between the question
        // and its boxes are nobody's value, and not lost.
        assert_eq!(
            common::unplaced_texts(&r),
            ["Section B", "(tick all that apply)"],
            "{path}"
        );
        assert_eq!(common::issue_codes(&r), ["unplaced_text"], "{path}: {r:#}");
    }
}

#[test]
fn values_printed_above_their_labels() {
    let t = template("fixtures/templates/third/values-above/claim.toml");
    let r = read(&t, "fixtures/templates/third/values-above/claim.pdf");
    assert_eq!(
        r["fields"],
        json!({
            "claimant": "Jordan Miles",
            "claim_date": "2026-04-15",
            "department": "Accounting",
            "amount": "1234.56",
            "city": "Seattle",
            "state": "WA",
            "zip": "98101",
        }),
        "{r:#}"
    );
    // Each value comes from the line above its label.
    assert_eq!(r["provenance"]["claimant"]["raw"], "Jordan Miles");
    assert_eq!(r["provenance"]["department"]["raw"], "Accounting");
}

#[test]
fn a_position_reads_below_too_and_bad_positions_are_refused() {
    let t = Template::from_toml(
        "name = 'x'\ntitle = 'receipt'\n[[field]]\nkey = 'total'\ntype = 'integer'\nlabel = 'total'\nposition = 'below 2'\n",
        "x.toml",
    )
    .unwrap();
    let rs = pipeline::process_bytes(&t, "x.txt", b"Receipt\nTotal\n(in units)\n\n42\n");
    let r = json(&rs[0]);
    assert_eq!(r["fields"]["total"], 42, "{r:#}");
    assert_eq!(r["unplaced"][0]["text"], "(in units)");
    for (position, said) in [
        ("sideways", "write \"above\" or \"below\""),
        ("below 0", "write \"above\" or \"below\""),
    ] {
        let e = Template::from_toml(
            &format!("name = 'x'\ntitle = 'x'\n[[field]]\nkey = 'a'\nlabel = 'a'\nposition = '{position}'\n"),
            "x.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("field `a`") && e.contains(said), "{e}");
    }
    let e = Template::from_toml(
        "name = 'x'\ntitle = 'x'\n[[field]]\nkey = 'g'\ntype = 'multiple'\nlabel = 'g'\nposition = 'above'\noptions = [{ code = 'a', label = 'a' }]\n",
        "x.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`position` is for fields of one value"), "{e}");
}

/// An older edition prints no "Vehicle Make" line on page 1; page 2's
/// instructions still do. Scoped fields leave it missing: never the
/// instruction's sentence as its value.
#[test]
fn instruction_pages_feed_no_values() {
    let scoped = template("fixtures/templates/third/instructions/permit.toml");
    let want = json!({
        "name": "Priya Raman",
        "plate": "7KQX219",
        "date": "2026-11-30",
        "make": "Subaru",
    });
    let r = read(&scoped, "fixtures/templates/third/instructions/permit.pdf");
    assert_eq!(r["fields"], want, "{r:#}");
    let old = "fixtures/templates/third/instructions/permit-old-edition.pdf";
    let r = read(&scoped, old);
    assert_eq!(r["fields"]["make"], json!(null), "{r:#}");
    assert_eq!(r["fields"]["name"], "Priya Raman");
    let unplaced = r["unplaced"].to_string();
    assert!(unplaced.contains("Vehicle Make: the manufacturer of your vehicle."));
    // The same template without its scopes takes the sentence: what the
    // scopes are for.
    let src = std::fs::read_to_string("fixtures/templates/third/instructions/permit.toml").unwrap();
    let unscoped: String = src
        .lines()
        .filter(|l| !l.starts_with("pages") && !l.starts_with("before"))
        .map(|l| format!("{l}\n"))
        .collect();
    let unscoped = Template::from_toml(&unscoped, "permit.toml").unwrap();
    let r = read(&unscoped, old);
    assert_eq!(
        r["fields"]["make"], "the manufacturer of your vehicle.",
        "{r:#}"
    );
    let e = Template::from_toml(
        "name = 'x'\ntitle = 'x'\n[[field]]\nkey = 'a'\nlabel = 'a'\npages = '3-1'\n",
        "x.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`pages = \"3-1\"`"), "{e}");
}

/// The places (line, raw text, last line) of a record's values that are
/// not null.
fn places(r: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let prov = &r["provenance"];
    let mut add = |path: String, v: &serde_json::Value| {
        if !v.is_null() {
            if let Some(p) = prov.get(&path) {
                out.push(format!("{} {} {}", p["line"], p["raw"], p["last_line"]));
            }
        }
    };
    for (k, v) in r["fields"].as_object().unwrap() {
        match v.as_array() {
            Some(entries) if entries.first().is_some_and(|e| e.is_object()) => {
                for (n, e) in entries.iter().enumerate() {
                    for (ek, ev) in e.as_object().unwrap() {
                        add(format!("{k}[{}].{ek}", n + 1), ev);
                    }
                }
            }
            _ => add(k.clone(), v),
        }
    }
    out
}

fn draft_of(path: &str) -> Template {
    let ts = [Template::load(formsift::template::DEFAULT).unwrap()];
    let opts = pipeline::Options::default();
    let (lines, fields) = pipeline::draft_input(&ts, &Source::File(path.into()), &opts).unwrap();
    let text = formsift::draft::draft("drafted", &lines, &fields);
    Template::from_toml(&text, "drafted.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A template drafted from one filled form of a revision, unedited, reads
/// most values of the other forms of that revision where the built-in
/// template reads them (the same line and raw text).
#[test]
fn a_drafted_template_reads_the_other_forms_of_its_revision() {
    let built_in = Template::load(formsift::template::DEFAULT).unwrap();
    for (source, others) in [
        (
            "fixtures/filled/v1-colons.txt",
            &[
                "fixtures/filled/v1-inline.txt",
                "fixtures/filled/v1-table.txt",
            ][..],
        ),
        (
            "fixtures/filled/v2-colons.txt",
            &[
                "fixtures/filled/v2-inline.txt",
                "fixtures/filled/v2-table.txt",
            ][..],
        ),
        (
            "fixtures/filled/v3-colons-wingdings.txt",
            &[
                "fixtures/filled/v3-inline.txt",
                "fixtures/filled/v3-table.txt",
                "fixtures/docx/table-two-columns.docx",
            ][..],
        ),
    ] {
        let drafted = draft_of(source);
        for other in others {
            let want = places(&json(&records(&built_in, other)[0]));
            let got = places(&json(&records(&drafted, other)[0]));
            let found = want.iter().filter(|p| got.contains(p)).count();
            assert!(
                want.len() >= 30 && found * 100 >= want.len() * 80,
                "{source} -> {other}: {found} of {}; missing {:?}",
                want.len(),
                want.iter().filter(|p| !got.contains(p)).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn a_drafted_template_of_a_third_party_form_reads_it() {
    let path = "fixtures/templates/third/two-column/onboarding.docx";
    let r = json(&records(&draft_of(path), path)[0]);
    let f = &r["fields"];
    // Keys from the labels, types from the values' shapes; the dates and
    // dollars made the draft American.
    assert_eq!(f["first_name"], "Maria", "{r:#}");
    assert_eq!(f["last_name"], "Okafor");
    assert_eq!(f["start_date"], "2026-03-04");
    assert_eq!(f["salary"], "52300.00");
    assert_eq!(f["manager"], "Dana Lee");
    assert_eq!(f["remote_worker"], true);
    assert_eq!(f["needs_parking"], true);
    assert_eq!(f["equipment_needed"], json!(["laptop", "phone"]));
}

#[test]
fn draft_prints_a_template_and_explain_shows_a_document_no_template_takes() {
    let o = std::process::Command::new(EXE)
        .args(["draft", "fixtures/templates/third/values-above/claim.pdf"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("title = 'travel\\s+reimbursement\\s+claim'"),
        "{text}"
    );
    assert!(text.contains("position = \"above\""), "{text}");
    assert!(text.contains("locale = \"en-US\""), "{text}");
    // explain on a form of no template: the lines it read, for writing one.
    let o = std::process::Command::new(EXE)
        .args(["explain", "fixtures/templates/third/values-above/claim.pdf"])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("error not_a_form"), "{text}");
    assert!(text.contains("Claimant Name\tDate of Claim"), "{text}");
}

/// Boxes with no text after them (marks in the row under their options),
/// Word samples of other tests: the draft still compiles.
#[test]
fn a_draft_compiles_whatever_the_form() {
    for path in [
        "fixtures/boxes/columns-pipe.txt",
        "fixtures/boxes/columns-tabs.txt",
        "fixtures/docx/samples/poi_checkboxes.docx",
        "fixtures/docx/samples/poi_form_footnotes.docx",
        "fixtures/hostile/control-characters.txt",
        "fixtures/templates/ficha-cadastro.txt",
    ] {
        draft_of(path);
    }
}
