//! The bad-input corpus for the formats of real exports: encodings, delimiters, decimal marks, the
//! structure of a CSV (empty, header-only, empty rows, duplicate or repeated headers, short and long rows,
//! quoting), dates with characters that used to panic, history stages, and the scenario file's bytes.
//! Refusals run the real binary (exit 2, the file, the line, the field, the fix, no output); files that
//! read fine are checked through the library, with the decision they rest on declared.

mod corpus;
use corpus::{ACCOUNTS, Case, HISTORY, REPS};

/// The market of a case that must load, with the codes of its declared assumptions.
fn loads(case: &Case) -> (terrasim::market::Market, Vec<String>) {
    let scenario = terrasim::io::load_scenario(&case.path("s.toml")).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap_or_else(|e| panic!("did not load: {e}"));
    let notes = market.assumptions().iter().map(|a| format!("{}: {}", a.code, a)).collect();
    (market, notes)
}

fn noted(notes: &[String], parts: &[&str]) {
    assert!(
        notes.iter().any(|n| parts.iter().all(|p| n.contains(p))),
        "no assumption with {parts:?} among {notes:#?}"
    );
}

/// `terrasim calibrate` on the case's history must refuse, writing nothing.
fn calibrate_refuses(case: &Case, parts: &[&str]) -> String {
    case.refuses(
        &["calibrate", "--history", "history.csv", "--scenario", "s.toml", "--out", "out/params.toml"],
        "out/params.toml",
        parts,
    )
}

const SEMICOLON_ACCOUNTS: &str = "Id;Name;Industry;NumberOfEmployees;AnnualRevenue;BillingCountry;OwnerId\n\
A1;Acme;Retail;50;7.358,63 €;United States;R1\n\
A2;Globex;Fintech;1.200;;Germany;R3\n\
A3;Initech;Retail;20;EUR 5.000,00;United States;R2\n\
A4;Umbrella;Software;30;;Canada;\n";

const SEMICOLON_REPS: &str = "id;name;role;region;capacity_hours;annual_quota;expert_verticals\n\
R1;Ana;SMB;AMER;137,5;500.000;Retail\n\
R2;Ben;SMB;AMER;120;500.000;\n\
R3;Cho;MM;EMEA;110;900.000,00;Fintech\n";

fn latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character")).collect()
}

// ---- structure -------------------------------------------------------------------------------------------

#[test]
fn empty_accounts_file() {
    Case::new().write("accounts.csv", "").simulate_refuses(&["accounts.csv", "is empty", "header row"]);
}

#[test]
fn whitespace_only_reps_file() {
    Case::new().write("reps.csv", "\u{feff}\r\n  \r\n").simulate_refuses(&["reps.csv", "is empty"]);
}

#[test]
fn header_only_accounts_file() {
    Case::new().write("accounts.csv", "Id,Name,Industry,BillingCountry,OwnerId\n").simulate_refuses(&[
        "accounts.csv",
        "header row but no data rows",
        "zero accounts",
    ]);
}

#[test]
fn header_only_reps_file() {
    Case::new().write("reps.csv", "id,name,role,region,capacity_hours,annual_quota\n").simulate_refuses(&[
        "reps.csv",
        "no data rows",
        "zero reps",
    ]);
}

#[test]
fn header_only_carveouts_file_is_no_carveout() {
    let case = Case::new().write("carveouts.csv", "account_id,owner_id,reason\n");
    let (market, _) = loads(&case);
    assert!(market.carveouts().is_empty());
}

#[test]
fn accounts_of_only_empty_rows() {
    Case::new()
        .write("accounts.csv", "Id,Name,Industry,BillingCountry,OwnerId\n,,,,\n , ,,,\n")
        .simulate_refuses(&["accounts.csv", "has only empty rows", "lines 2 to 3"]);
}

#[test]
fn empty_rows_are_skipped_and_said() {
    let case = Case::new().edit("accounts.csv", "A3,", ",,,,,,\nA3,");
    let (market, notes) = loads(&case);
    assert_eq!(market.accounts().len(), 4);
    noted(&notes, &["empty_rows", "accounts.csv", "1 row of empty cells", "line 4"]);
}

#[test]
fn duplicated_header() {
    Case::new().edit("accounts.csv", "Id,Name,Industry,", "Id,Name,Industry,Industry,").simulate_refuses(&[
        "accounts.csv",
        "columns 3 (\"Industry\") and 4 (\"Industry\")",
        "remove or rename",
    ]);
}

#[test]
fn duplicated_header_in_two_spellings() {
    Case::new().edit("reps.csv", "id,name,", "id,name,Capacity Hours,").simulate_refuses(&[
        "reps.csv",
        "\"Capacity Hours\"",
        "\"capacity_hours\"",
        "same header",
    ]);
}

#[test]
fn header_repeated_inside_the_data() {
    Case::new()
        .edit(
            "accounts.csv",
            "A3,",
            "Id,Name,Industry,NumberOfEmployees,AnnualRevenue,BillingCountry,OwnerId\nA3,",
        )
        .simulate_refuses(&["accounts.csv", "line 4", "repeats the header row"]);
}

#[test]
fn short_row() {
    Case::new()
        .edit("accounts.csv", "A2,Globex,Fintech,900,,Germany,R3", "A2,Globex,Fintech,900,Germany,R3")
        .simulate_refuses(&[
            "accounts.csv",
            "line 3",
            "has 6 cells but the header has 7",
            "one cell per column",
        ]);
}

#[test]
fn long_row_from_an_unquoted_comma() {
    let stderr = Case::new().edit("accounts.csv", "A2,Globex,", "A2,Globex, Inc,").simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "has 8 cells but the header has 7",
        "put quotes around",
    ]);
    // Named as one structural problem, not as shifted fields.
    assert!(!stderr.contains("Germany"), "{stderr}");
}

#[test]
fn unescaped_quote_in_a_cell() {
    Case::new().edit("accounts.csv", "A2,Globex,", "A2,Globex \"Intl\",").simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "column \"Name\"",
        "double the quotes",
    ]);
}

#[test]
fn quote_inside_a_quoted_cell_not_doubled() {
    Case::new().edit("accounts.csv", "A2,Globex,", "A2,\"Globex \"Intl\" AG\",").simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "column \"Name\"",
        "not doubled",
    ]);
}

#[test]
fn unclosed_quote() {
    Case::new().edit("accounts.csv", "A2,Globex,", "A2,\"Globex,").simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "never closed",
        "close the quote",
    ]);
}

// ---- encodings -------------------------------------------------------------------------------------------

#[test]
fn byte_order_mark_inside_accounts() {
    let joined = format!(
        "{ACCOUNTS}\u{feff}Id,Name,Industry,NumberOfEmployees,AnnualRevenue,BillingCountry,OwnerId\n"
    );
    let stderr = Case::new().write("accounts.csv", joined).simulate_refuses(&[
        "accounts.csv",
        "line 6",
        "byte-order mark",
        "remove it",
    ]);
    assert!(!stderr.contains("plan.csv"), "{stderr}");
}

#[test]
fn byte_order_mark_inside_plan() {
    Case::new()
        .write("plan.csv", "account_id,owner_id\nA1,R1\n\u{feff}account_id,owner_id\nA2,R3\n")
        .simulate_refuses(&["plan.csv", "line 3", "byte-order mark"]);
}

#[test]
fn latin_1_accounts_read_and_declared() {
    let case = Case::new().write("accounts.csv", latin1(&ACCOUNTS.replace("Globex", "Société Générale")));
    let (market, notes) = loads(&case);
    assert_eq!(market.accounts()[1].name, "Société Générale");
    noted(&notes, &["encoding", "accounts.csv", "Latin-1"]);
}

#[test]
fn windows_1252_reps_read_and_declared() {
    let mut bytes = latin1(&REPS.replace("Ben", "Ben @Rock@"));
    for b in &mut bytes {
        if *b == b'@' {
            *b = 0x92; // ’ in Windows-1252, a C1 control in Latin-1
        }
    }
    let (market, notes) = loads(&Case::new().write("reps.csv", bytes));
    assert_eq!(market.reps()[1].name, "Ben ’Rock’");
    noted(&notes, &["encoding", "reps.csv", "Windows-1252"]);
}

#[test]
fn declared_encoding_is_not_an_assumption() {
    let case = Case::new().write("accounts.csv", latin1(&ACCOUNTS.replace("Globex", "Société"))).edit(
        "s.toml",
        "[data]\n",
        "[data]\nencoding = \"latin-1\"\n",
    );
    let (market, notes) = loads(&case);
    assert_eq!(market.accounts()[1].name, "Société");
    assert!(notes.iter().all(|n| !n.starts_with("encoding")), "{notes:?}");
}

#[test]
fn utf8_mixed_with_latin_1() {
    let mut bytes = ACCOUNTS.replace("Globex", "Société").into_bytes();
    bytes.extend(latin1("A5,Café,Retail,10,,France,\n"));
    Case::new().write("accounts.csv", bytes).simulate_refuses(&[
        "accounts.csv",
        "line 6",
        "mixes UTF-8",
        "CSV UTF-8",
    ]);
}

#[test]
fn undecidable_eight_bit_bytes() {
    let mut bytes = REPS.as_bytes().to_vec();
    let at = REPS.find("Ben").unwrap();
    bytes[at] = 0x81;
    Case::new().write("reps.csv", bytes).simulate_refuses(&["reps.csv", "line 3", "0x81", "[data] encoding"]);
}

#[test]
fn utf8_set_but_not_utf8() {
    Case::new()
        .write("accounts.csv", latin1(&ACCOUNTS.replace("Globex", "Société")))
        .edit("s.toml", "[data]\n", "[data]\nencoding = \"utf-8\"\n")
        .simulate_refuses(&["accounts.csv", "line 3", "0xE9", "not UTF-8"]);
}

#[test]
fn utf16_with_bom_reads() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(REPS.encode_utf16().flat_map(u16::to_le_bytes));
    let (market, notes) = loads(&Case::new().write("reps.csv", bytes));
    assert_eq!(market.reps().len(), 3);
    noted(&notes, &["encoding", "reps.csv", "UTF-16"]);
}

#[test]
fn utf16_without_bom() {
    let bytes: Vec<u8> = REPS.encode_utf16().flat_map(u16::to_le_bytes).collect();
    Case::new().write("reps.csv", bytes).simulate_refuses(&[
        "reps.csv",
        "UTF-16 without a byte-order mark",
        "encoding = \"utf-16\"",
    ]);
}

#[test]
fn excel_workbook_saved_as_csv() {
    Case::new().write("accounts.csv", b"PK\x03\x04\x14\x00\x06\x00rest of a workbook").simulate_refuses(&[
        "accounts.csv",
        "not a CSV text file",
        "Excel",
        "export it as CSV",
    ]);
}

#[test]
fn binary_bytes() {
    Case::new().edit("plan.csv", "A2,R3", "A2,R3\0\u{1}").simulate_refuses(&[
        "plan.csv",
        "NUL byte on line 3",
        "CSV",
    ]);
}

// ---- delimiters and decimal marks ------------------------------------------------------------------------

#[test]
fn semicolon_exports_with_decimal_commas_read_as_written() {
    let case = Case::new().write("accounts.csv", SEMICOLON_ACCOUNTS).write("reps.csv", SEMICOLON_REPS);
    let (market, notes) = loads(&case);
    assert_eq!(market.reps()[0].capacity_hours, 137.5);
    assert_eq!(market.reps()[2].annual_quota.get(), 900_000.0);
    assert_eq!(market.accounts()[0].annual_revenue.map(|m| m.get()), Some(7358.63));
    assert_eq!(market.accounts()[1].employees, Some(1200));
    assert_eq!(market.accounts()[2].annual_revenue.map(|m| m.get()), Some(5000.0));
    noted(&notes, &["delimiter", "accounts.csv", "';'"]);
    noted(&notes, &["decimal", "reps.csv", "decimal comma", "\"137,5\""]);
    noted(&notes, &["decimal", "accounts.csv", "decimal comma"]);
}

#[test]
fn tab_separated_reps() {
    let (market, notes) = loads(&Case::new().write("reps.csv", REPS.replace(',', "\t")));
    assert_eq!(market.reps().len(), 3);
    noted(&notes, &["delimiter", "reps.csv"]);
}

#[test]
fn ambiguous_delimiter() {
    Case::new().write("plan.csv", "account_id,owner;x\nA1,R1;1\nA2,R3;2\n").simulate_refuses(&[
        "plan.csv",
        "delimiter is ambiguous",
        "\",\" and \";\"",
        "[data] delimiter",
    ]);
}

#[test]
fn mixed_decimal_marks() {
    Case::new()
        .edit("reps.csv", "R1,Ana,SMB,AMER,120,", "R1,Ana,SMB,AMER,120.5,")
        .edit("reps.csv", "R3,Cho,MM,EMEA,110,900000", "R3,Cho,MM,EMEA,110,\"900.000,00\"")
        .simulate_refuses(&[
            "reps.csv",
            "mixes number formats",
            "\"120.5\" (line 2, column \"capacity_hours\")",
            "\"900.000,00\" (line 4, column \"annual_quota\")",
            "[data] decimal",
        ]);
}

#[test]
fn ambiguous_decimal_marks_only() {
    Case::new().edit("reps.csv", "R2,Ben,SMB,AMER,120,", "R2,Ben,SMB,AMER,\"1,200\",").simulate_refuses(&[
        "reps.csv",
        "decimal mark is ambiguous",
        "\"1,200\" (line 3, column \"capacity_hours\")",
        "could be 1200",
        "or 1.2",
        "[data] decimal = \".\"",
    ]);
}

#[test]
fn ambiguous_decimal_settled_by_the_scenario() {
    let case = Case::new()
        .edit("reps.csv", "R2,Ben,SMB,AMER,120,500000,", "R2,Ben,SMB,AMER,120,\"1,200\",")
        .edit("s.toml", "[data]\n", "[data]\ndecimal = \".\"\n");
    let (market, notes) = loads(&case);
    assert_eq!(market.reps()[1].annual_quota.get(), 1200.0);
    assert!(notes.iter().all(|n| !n.starts_with("decimal")), "{notes:?}");
}

#[test]
fn declared_decimal_comma_refuses_a_point_cell() {
    Case::new()
        .edit("s.toml", "[data]\n", "[data]\ndecimal = \",\"\n")
        .edit("reps.csv", "R1,Ana,SMB,AMER,120,", "R1,Ana,SMB,AMER,\"1,234.5\",")
        .simulate_refuses(&[
            "reps.csv",
            "line 2",
            "capacity_hours",
            "\"1,234.5\" is not a number",
            "decimal comma",
        ]);
}

#[test]
fn unknown_decimal_setting() {
    Case::new().edit("s.toml", "[data]\n", "[data]\ndecimal = \"comma\"\n").simulate_refuses(&[
        "s.toml",
        "line 7",
        "decimal",
        "unknown variant `comma`, expected `.` or `,`",
    ]);
}

// ---- dates -----------------------------------------------------------------------------------------------

#[test]
fn en_dash_date_in_carveouts() {
    Case::new().edit("carveouts.csv", "2025-12-01", "2025\u{2013}12\u{2013}01T10:00").simulate_refuses(&[
        "carveouts.csv",
        "line 2",
        "last_activity_date",
        "is not a date",
        "YYYY-MM-DD",
    ]);
}

#[test]
fn cjk_date_in_history() {
    let case = Case::new().edit("history.csv", "2025-06-01", "2025年06月01日 10:00");
    calibrate_refuses(&case, &["history.csv", "line 2", "close_date", "is not a date"]);
}

#[test]
fn fullwidth_digits_date_in_history() {
    let case = Case::new().edit("history.csv", "2025-03-01", "２０２５-03-01T00:00:00Z");
    calibrate_refuses(&case, &["history.csv", "line 2", "created_date", "is not a date"]);
}

// ---- history stages --------------------------------------------------------------------------------------

#[test]
fn hubspot_numeric_stage_ids() {
    let deals = "hs_object_id,amount,closedate,createdate,dealstage,hubspot_owner_id,associatedcompanyid\n\
        D1,12000,2025-06-01,2025-03-01,12345678,R1,A1\n\
        D2,30000,2025-07-15,2025-02-10,12345679,R3,A2\n\
        D3,8000,2025-09-01,2025-05-20,12345678,R2,A3\n";
    let case = Case::new().write("history.csv", deals);
    calibrate_refuses(
        &case,
        &["history.csv", "dealstage", "numeric ids", "\"12345678\" (2 rows)", "[data.stages] won = "],
    );
}

#[test]
fn stages_that_name_no_outcome() {
    let case = Case::new()
        .edit("history.csv", "Closed Won", "Signed")
        .edit("history.csv", "Closed Lost", "Dead")
        .edit("history.csv", "Closed Won", "Signed");
    calibrate_refuses(
        &case,
        &["history.csv", "StageName", "none names won or lost", "\"Signed\" (2 rows)", "[data.stages]"],
    );
}

#[test]
fn history_without_a_closed_deal() {
    let open = "Id,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate,IsClosed,IsWon\n\
        O1,A1,R1,Prospecting,12000,,2025-03-01,false,false\n\
        O2,A2,R3,Negotiation,30000,,2025-02-10,false,false\n";
    calibrate_refuses(
        &Case::new().write("history.csv", open),
        &["history.csv", "no closed deal", "2 open", "[data.stages]"],
    );
}

#[test]
fn header_only_history() {
    let header = HISTORY.lines().next().unwrap().to_string() + "\n";
    calibrate_refuses(&Case::new().write("history.csv", header), &["history.csv", "no data rows"]);
}

// ---- the scenario file's bytes ---------------------------------------------------------------------------

#[test]
fn empty_scenario() {
    Case::new().write("s.toml", "").simulate_refuses(&["s.toml", "is empty", "schema_version"]);
}

#[test]
fn scenario_not_utf8() {
    Case::new().write("s.toml", latin1(&corpus::SCENARIO.replace("corpus", "corpusé"))).simulate_refuses(&[
        "s.toml",
        "line 2",
        "0xE9",
        "not UTF-8",
        "save the file as UTF-8",
    ]);
}

#[test]
fn scenario_in_utf16() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(corpus::SCENARIO.encode_utf16().flat_map(u16::to_le_bytes));
    Case::new().write("s.toml", bytes).simulate_refuses(&["s.toml", "UTF-16", "save it as UTF-8"]);
}

#[test]
fn scenario_with_a_leading_bom_reads() {
    let case = Case::new().write("s.toml", format!("\u{feff}{}", corpus::SCENARIO));
    let (market, _) = loads(&case);
    assert_eq!(market.reps().len(), 3);
}

#[test]
fn scenario_with_an_inner_bom() {
    Case::new().write("s.toml", format!("{}\u{feff}trials = 5\n", corpus::SCENARIO)).simulate_refuses(&[
        "s.toml",
        "byte-order mark",
        "line 11",
    ]);
}

// ---- shipped data still reads the same -------------------------------------------------------------------

#[test]
fn shipped_units_file_reads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/northstar/data/counties.csv");
    let units = terrasim::io::load_units(&path).unwrap();
    assert!(units.unit("01001").is_some() && units.unit("56045").is_some());
}

#[test]
fn units_file_with_only_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("units.csv");
    std::fs::write(&path, "fips,lat,lon,neighbors\n").unwrap();
    let err = terrasim::io::load_units(&path).err().unwrap().to_string();
    assert!(err.contains("units.csv") && err.contains("no data rows"), "{err}");
}
