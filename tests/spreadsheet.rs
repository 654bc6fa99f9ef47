//! CSV and XLSX outputs: fixed headers, Excel's dialect, formula injection,
//! typed workbook cells, and outputs that are never left half-written.

use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};
use formsift::output::table::Columns;
use formsift::Template;

fn formsift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formsift"))
        .args(args)
        .output()
        .unwrap()
}

fn csv_rows(bytes: &[u8], delimiter: u8) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes);
    reader.records().map(|r| r.unwrap()).collect()
}

fn value<'a>(rows: &'a [csv::StringRecord], row: usize, column: &str) -> &'a str {
    let at = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    &rows[row][at]
}

#[test]
fn the_header_is_fixed_by_the_template_for_every_revision() {
    let want: Vec<String> = Columns::new(&Template::default_template()).names;
    assert_eq!(
        &want[..9],
        [
            "source",
            "form_index",
            "template",
            "revision",
            "complete",
            "errors",
            "warnings",
            "problems",
            "qtd_cros"
        ]
    );
    for c in [
        "contato_1_data",
        "contato_5_obs",
        "dentistas_por_area.odontopediatria",
        "motivo_desligamento.glosas",
        "assinatura",
    ] {
        assert!(want.iter().any(|h| h == c), "{c}");
    }
    assert!(!want.iter().any(|h| h.starts_with("contato_6")));
    for file in [
        "fixtures/seeds/000_e79935e713eb578e.txt",
        "fixtures/seeds/001_abe2ddd6ae2ff60f.txt",
        "fixtures/seeds/002_c1c58cae090523cb.txt",
        "fixtures/filled/v1-table.txt",
        "fixtures/filled/v2-inline.txt",
        "fixtures/filled/v3-colons-wingdings.txt",
        "fixtures/edge/binary-junk.txt",
    ] {
        let o = formsift(&["extract", "-q", "--format", "csv", file]);
        let rows = csv_rows(&o.stdout, b',');
        let header: Vec<&str> = rows[0].iter().collect();
        assert_eq!(header, want, "{file}");
        assert_eq!(rows.len(), 2, "{file}: one row");
    }
}

#[test]
fn option_columns_are_one_zero_or_empty_when_unknown() {
    let o = formsift(&[
        "extract",
        "-q",
        "--format",
        "csv",
        "fixtures/seeds",
        "fixtures/filled/v2-inline.txt",
    ]);
    let rows = csv_rows(&o.stdout, b',');
    // Seed 000 (v1): Régras Técnicas checked, Glosas not; v1 prints no "Outros" reason.
    assert_eq!(value(&rows, 1, "motivo_desligamento"), "regras_tecnicas");
    assert_eq!(value(&rows, 1, "motivo_desligamento.regras_tecnicas"), "1");
    assert_eq!(value(&rows, 1, "motivo_desligamento.glosas"), "0");
    assert_eq!(value(&rows, 1, "motivo_desligamento.outros"), "");
    assert_eq!(value(&rows, 1, "acao_retencao"), "");
    assert_eq!(value(&rows, 1, "acao_retencao.ofertado_suporte"), "0");
    // Seed 001 (v2): the export lost the marks, every option is unknown.
    assert_eq!(value(&rows, 2, "motivo_desligamento.glosas"), "");
    assert_eq!(value(&rows, 2, "areas_divulgadas.cirurgia"), "");
    assert_eq!(value(&rows, 2, "dentistas_por_area.cirurgia"), "8");
    assert_eq!(value(&rows, 2, "dentistas_por_area.periodontia"), "");
    assert_eq!(value(&rows, 2, "contato_2_obs").lines().count(), 3);
    assert_eq!(value(&rows, 2, "contato_5_obs"), "");
    // v2 filled: codes joined, one column per option.
    assert_eq!(
        value(&rows, 4, "motivo_desligamento"),
        "valores; glosas; burocracia_operadora"
    );
    assert_eq!(value(&rows, 4, "areas_divulgadas.protese_dentaria"), "1");
    assert_eq!(value(&rows, 4, "areas_divulgadas.ortodontia"), "0");
    assert_eq!(value(&rows, 4, "evidenciado_prints"), "true");
    assert_eq!(value(&rows, 4, "contato_1_data"), "2025-03-03");
    assert_eq!(value(&rows, 4, "valor_ultima_producao"), "980.00");
    assert_eq!(value(&rows, 1, "errors"), "6");
    assert!(value(&rows, 1, "problems")
        .starts_with("colaborador is required, but it is empty | data is required"));
}

#[test]
fn excel_dialect_bytes_and_round_trip() {
    let o = formsift(&[
        "extract",
        "-q",
        "--format",
        "csv",
        "--excel",
        "fixtures/filled/v1-inline.txt",
        "fixtures/edge/empty.txt",
    ]);
    let bytes = o.stdout;
    assert!(
        bytes.starts_with("\u{feff}source;form_index;template;".as_bytes()),
        "BOM and ;"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.split("\r\n").count() >= 3);
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "every line break is CRLF, also inside cells"
    );
    let rows = csv_rows(&bytes[3..], b';');
    assert_eq!(rows.len(), 3);
    assert_eq!(value(&rows, 1, "colaborador"), "Maria Luiza");
    assert_eq!(
        value(&rows, 1, "data"),
        "13/02/2025",
        "dates as Excel pt-BR reads them"
    );
    assert_eq!(
        value(&rows, 1, "valor_ultima_producao"),
        "1234,56",
        "decimal comma"
    );
    assert_eq!(value(&rows, 1, "numero_vidas"), "1200");
    assert_eq!(value(&rows, 1, "cpf"), "529.982.247-25");
    assert_eq!(
        value(&rows, 1, "obs_geral"),
        "Dra. aceitou a proposta de reajuste.\r\nContrato segue vigente."
    );
    assert_eq!(value(&rows, 2, "source"), "fixtures/edge/empty.txt");
    assert_eq!(value(&rows, 2, "complete"), "false");
    assert_eq!(
        value(&rows, 2, "problems"),
        "empty: fixtures/edge/empty.txt: the file is empty"
    );
}

#[test]
fn formula_injection_is_neutralized_unless_raw() {
    let file = "fixtures/spreadsheet/formula-injection.txt";
    let safe = csv_rows(
        &formsift(&["extract", "-q", "--format", "csv", file]).stdout,
        b',',
    );
    assert_eq!(
        value(&safe, 1, "colaborador"),
        "'=HYPERLINK(\"http://x\",\"clique\")"
    );
    assert_eq!(value(&safe, 1, "operadora"), "'+55 51 9740-3933");
    assert_eq!(value(&safe, 1, "cro"), "'-2+3");
    assert_eq!(value(&safe, 1, "nome_dentista"), "'@SUM(A1:A9)");
    assert_eq!(value(&safe, 1, "cidade"), "'＝1+1");
    assert_eq!(
        value(&safe, 1, "cpf"),
        "529.982.247-25",
        "formatted numbers stay as they are"
    );
    assert_eq!(value(&safe, 1, "data"), "2025-02-13");
    let raw = csv_rows(
        &formsift(&["extract", "-q", "--format", "csv", "--raw", file]).stdout,
        b',',
    );
    assert_eq!(
        value(&raw, 1, "colaborador"),
        "=HYPERLINK(\"http://x\",\"clique\")"
    );
    assert_eq!(value(&raw, 1, "operadora"), "+55 51 9740-3933");
    assert_eq!(value(&raw, 1, "cidade"), "＝1+1");
    for (cell, want) in [
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("a=b", "a=b"),
    ] {
        assert_eq!(formsift::output::csv::neutralize(cell.to_string()), want);
    }
}

#[test]
fn xlsx_sheets_typed_cells_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forms.xlsx");
    let o = formsift(&[
        "extract",
        "-q",
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
        "fixtures/seeds",
        "fixtures/filled/v1-inline.txt",
        "fixtures/edge/empty.txt",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Formulários", "Pendências", "Contatos"]
    );
    let forms = book.worksheet_range("Formulários").unwrap();
    assert_eq!(
        forms.height(),
        1 + 5,
        "header and one row per form or failed file"
    );
    let header: Vec<String> = forms
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let v1 = forms.rows().nth(4).unwrap();
    assert_eq!(
        v1[col("source")].to_string(),
        "fixtures/filled/v1-inline.txt"
    );
    match &v1[col("data")] {
        // 45701 is 2025-02-13 in Excel's day count.
        Data::DateTime(d) => assert_eq!(d.as_f64(), 45701.0),
        other => panic!("a date cell, got {other:?}"),
    }
    assert_eq!(v1[col("valor_ultima_producao")], Data::Float(1234.56));
    assert_eq!(v1[col("numero_vidas")], Data::Float(1200.0));
    assert_eq!(v1[col("complete")], Data::Bool(true));
    assert_eq!(v1[col("motivo_desligamento.glosas")], Data::Float(0.0));
    assert_eq!(v1[col("cpf")], Data::String("529.982.247-25".into()));
    let issues = book.worksheet_range("Pendências").unwrap();
    // 6 + 16 + 8 issues of the seeds, none for the filled form, one failed file.
    assert_eq!(issues.height(), 1 + 6 + 2 + 16 + 8 + 1);
    let contacts = book.worksheet_range("Contatos").unwrap();
    assert_eq!(contacts.height(), 1 + 5 + 4 + 5 + 5);
    let chat = contacts.rows().nth(7).unwrap();
    assert_eq!(chat[2], Data::Float(2.0), "the 2nd contact of seed 001");
    assert_eq!(chat[5], Data::Float(3.0), "three chat messages");
}

#[test]
fn xlsx_cells_past_excels_limit_are_cut_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("long.txt");
    let long = "palavra ".repeat(5000);
    std::fs::write(
        &input,
        format!("Formulário - Processo de Retenção\nObs. Geral\n{long}\n"),
    )
    .unwrap();
    let path = dir.path().join("long.xlsx");
    formsift(&[
        "extract",
        "-q",
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let forms = book.worksheet_range("Formulários").unwrap();
    let header: Vec<String> = forms
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let cell = forms.rows().nth(1).unwrap()[header.iter().position(|h| h == "obs_geral").unwrap()]
        .to_string();
    assert_eq!(cell.chars().count(), 32_767);
    assert!(cell.ends_with("…[truncated]"));
    let issues = book.worksheet_range("Pendências").unwrap();
    assert!(issues.rows().any(|r| r[4] == "cell_truncated"));
}

#[test]
fn output_flags_that_cannot_work_are_refused() {
    let no_o = formsift(&["extract", "--format", "xlsx", "fixtures/seeds"]);
    assert_eq!(no_o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&no_o.stderr),
        "formsift: --format xlsx writes a file: give -o FILE.xlsx\n"
    );
    let excel_json = formsift(&["extract", "--excel", "fixtures/seeds"]);
    assert_eq!(excel_json.status.code(), Some(2));
    let missing = formsift(&[
        "extract",
        "-o",
        "no/such/folder/out.csv",
        "--format",
        "csv",
        "fixtures/seeds",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "formsift: -o no/such/folder/out.csv: the folder no/such/folder does not exist\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("form.txt");
    std::fs::copy("fixtures/filled/v1-inline.txt", &input).unwrap();
    let clash = formsift(&[
        "extract",
        "-o",
        input.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(clash.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&clash.stderr).contains("this file is also an input"));
    assert_eq!(
        std::fs::read(&input).unwrap(),
        std::fs::read("fixtures/filled/v1-inline.txt").unwrap(),
        "the input is untouched"
    );
}

#[test]
fn summary_line_on_stderr_unless_quiet() {
    let o = formsift(&[
        "extract",
        "--format",
        "csv",
        "fixtures/seeds",
        "fixtures/edge/empty.txt",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(
            "formsift: 3 form(s) read: 0 complete, 3 incomplete; 1 file(s) unreadable; "
        ),
        "{err}"
    );
    assert!(
        err.trim_end().ends_with(
            "forms/s; 3 file(s) in the folders skipped, not of a kind formsift reads (3 .json)"
        ),
        "the expected records beside the seeds are named: {err}"
    );
    assert_eq!(
        err.lines().count(),
        1,
        "no progress bar when stderr is not a terminal"
    );
    let quiet = formsift(&["extract", "-q", "fixtures/seeds"]);
    assert!(quiet.stderr.is_empty());
}
