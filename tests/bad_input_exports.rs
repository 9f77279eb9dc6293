//! Exports that read wrong without a word: two headers meaning one field, a pipe-delimited file, `N/A` in
//! a country column, dates whose day and month order the file has to decide, two-digit years. Each case
//! is refused (exit code 2, the file, line, column and fix named, nothing written) or read with its
//! decision declared as a `warning:` line, on the real binary.

mod corpus;

use corpus::Case;

/// `terrasim calibrate` on the case's history, writing `out/params.toml`.
const CALIBRATE: [&str; 7] =
    ["calibrate", "--history", "history.csv", "--scenario", "s.toml", "--out", "out/params.toml"];

/// `terrasim validate s.toml` must succeed; returns stderr (the warnings).
fn validates(case: &Case) -> String {
    let o = case.run(&["validate", "s.toml"]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "validate failed:\n{stderr}");
    stderr
}

/// The base accounts with one more column, `header` after `BillingCountry`, holding `cells` row by row.
fn accounts_with(header: &str, cells: [&str; 4]) -> String {
    let mut out = String::new();
    for (i, line) in corpus::ACCOUNTS.lines().enumerate() {
        let cell = if i == 0 { header } else { cells[i - 1] };
        let (head, owner) = line.rsplit_once(',').unwrap();
        out.push_str(&format!("{head},{cell},{owner}\n"));
    }
    out
}

// ---- B5: two headers for one field -----------------------------------------------------------------------

/// `Country` and `Billing Country` both mean the country: which one is read was table order, unsaid.
#[test]
fn country_and_billing_country() {
    Case::new()
        .write(
            "accounts.csv",
            accounts_with("Country", ["Canada", "France", "Canada", "Canada"])
                .replace("BillingCountry", "Billing Country"),
        )
        .validate_refuses(&[
            "accounts.csv",
            "columns 6 (\"Billing Country\") and 7 (\"Country\")",
            "`country`",
            "remove one, or map the field under [data.columns.accounts]",
        ]);
}

/// The mapped header wins: no error, and the mapped column is the one read.
#[test]
fn country_and_billing_country_mapped() {
    // "Atlantis" in the other column: reading it would be refused as no country.
    let case = Case::new()
        .write(
            "accounts.csv",
            accounts_with("Country", ["Atlantis"; 4]).replace("BillingCountry", "Billing Country"),
        )
        .append("s.toml", "\n[data.columns.accounts]\ncountry = \"Billing Country\"\n");
    let stderr = validates(&case);
    assert!(!stderr.contains("could both be"), "{stderr}");
    let case = Case::new()
        .write(
            "accounts.csv",
            accounts_with("Country", ["Atlantis"; 4]).replace("BillingCountry", "Billing Country"),
        )
        .append("s.toml", "\n[data.columns.accounts]\ncountry = \"Country\"\n");
    case.validate_refuses(&["accounts.csv", "line 2", "\"Atlantis\" is no ISO 3166 country"]);
}

#[test]
fn industry_and_sector() {
    Case::new()
        .write("accounts.csv", accounts_with("Sector", ["Retail", "Fintech", "Retail", "Software"]))
        .validate_refuses(&[
            "accounts.csv",
            "\"Industry\"",
            "\"Sector\"",
            "`vertical`",
            "[data.columns.accounts]",
        ]);
}

#[test]
fn employees_and_number_of_employees() {
    Case::new().write("accounts.csv", accounts_with("Employees", ["5", "9", "2", "3"])).validate_refuses(&[
        "accounts.csv",
        "\"NumberOfEmployees\"",
        "\"Employees\"",
        "`employees`",
    ]);
}

#[test]
fn id_and_record_id() {
    Case::new().write("accounts.csv", accounts_with("Record ID", ["1", "2", "3", "4"])).validate_refuses(&[
        "accounts.csv",
        "\"Id\"",
        "\"Record ID\"",
        "`id`",
        "e.g. id = \"Id\"",
    ]);
}

/// `Account Owner` (a name) and `Account Owner ID`: the id column is read, and that is said. Reading the
/// names would be refused (no rep is called Zed), so the run succeeding shows the ids were read.
#[test]
fn account_owner_and_account_owner_id() {
    let text =
        accounts_with("Account Owner", ["Zed", "Yan", "Xia", ""]).replace("OwnerId", "Account Owner ID");
    let stderr = validates(&Case::new().write("accounts.csv", &text));
    assert!(
        stderr.contains("warning: accounts.csv: both \"Account Owner ID\" and \"Account Owner\" could be the accounts field `owner_id`; read \"Account Owner ID\"")
            && stderr.contains("[data.columns.accounts] owner_id = \"Account Owner\" to read the other"),
        "{stderr}"
    );
    // Mapped to the names, the names are read (and refused: they are no rep ids).
    Case::new()
        .write("accounts.csv", &text)
        .append("s.toml", "\n[data.columns.accounts]\nowner_id = \"Account Owner\"\n")
        .validate_refuses(&["accounts.csv", "line 2", "Zed"]);
}

// ---- B12: pipe-delimited -----------------------------------------------------------------------------------

#[test]
fn pipe_delimited_accounts_are_sniffed_and_said() {
    let pipes = "Id|Name|Industry|NumberOfEmployees|AnnualRevenue|BillingCountry|OwnerId\n\
                 A1|Acme|Retail|50|\"$1,000,000\"|United States|R1\n\
                 A2|Globex|Fintech|900||Germany|R3\n\
                 A3|Initech|Retail|20||United States|R2\n\
                 A4|Umbrella|Software|30||Canada|\n";
    let stderr = validates(&Case::new().write("accounts.csv", pipes));
    assert!(stderr.contains("accounts.csv: cells read as separated by '|'"), "{stderr}");
}

// ---- B4: N/A is no country, NA is Namibia --------------------------------------------------------------------

#[test]
fn country_placeholders_are_not_namibia() {
    for placeholder in ["N/A", "n/a", "#N/A", "N.A."] {
        // As Namibia (EMEA) the account would be read; as no country it has no region.
        Case::new().edit("accounts.csv", "Canada", placeholder).validate_refuses(&[
            "accounts.csv",
            "line 5",
            "\"BillingCountry\"",
            &format!("\"{placeholder}\" is no ISO 3166 country"),
        ]);
    }
}

#[test]
fn na_alone_is_namibia() {
    validates(&Case::new().edit("accounts.csv", "Canada", "NA"));
}

// ---- B6: day and month order, four-digit years -----------------------------------------------------------------

/// 12/01/2025 reads both ways and nothing in the file decides: month first, declared.
#[test]
fn ambiguous_slash_dates_are_read_month_first_and_said() {
    let stderr = validates(&Case::new().edit("carveouts.csv", "2025-12-01", "12/01/2025"));
    assert!(
        stderr.contains("warning: carveouts.csv: dates with slashes read month first (M/D/YYYY")
            && stderr.contains(
                "\"12/01/2025\" (line 2, column \"last_activity_date\") is read as 2025-12-01, not 2025-01-12"
            ),
        "{stderr}"
    );
}

/// 25/12/2025 only reads day first: the file is day first, declared (it used to be no date).
#[test]
fn a_day_above_twelve_makes_the_file_day_first() {
    let stderr = validates(&Case::new().edit("carveouts.csv", "2025-12-01", "25/12/2025"));
    assert!(
        stderr.contains("warning: carveouts.csv: dates with slashes read day first (D/M/YYYY"),
        "{stderr}"
    );
}

/// The same in a history: 25/06/2025 used to be refused as no date; the history now calibrates, declared.
#[test]
fn a_day_first_history_calibrates_and_says_so() {
    let case = Case::new().edit("history.csv", "2025-06-01,2025-03-01", "25/06/2025,01/03/2025");
    let o = case.run(&CALIBRATE);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning: history.csv: dates with slashes read day first (D/M/YYYY: 03/04/2025 is 2025-04-03), as \
             \"25/06/2025\" (line 2, column \"CloseDate\") shows (25 is no month)"
        ),
        "{stderr}"
    );
}

/// In a day-first file, 01/07/2025 is the 1st of July: after an as_of of 2025-06-15 (month first it would
/// be the 7th of January, before it).
#[test]
fn a_day_first_file_reads_every_slash_date_day_first() {
    Case::new()
        .edit("s.toml", "as_of = \"2026-01-01\"", "as_of = \"2025-06-15\"")
        .edit("carveouts.csv", "2025-12-01", "01/07/2025")
        .append("carveouts.csv", "A2,R3,strategic,90,25/12/2024\n")
        .validate_refuses(&[
            "carveouts.csv",
            "line 2",
            "last_activity_date",
            "2025-07-01 is after the scenario's as_of",
        ]);
}

/// A file with 25/06/2025 (day first) and 03/15/2025 (month first) is refused with both named.
#[test]
fn dates_written_both_ways_are_refused() {
    Case::new()
        .edit("history.csv", "2025-06-01,2025-03-01", "25/06/2025,2025-03-01")
        .edit("history.csv", "2025-07-15,2025-02-10", "2025-07-15,03/15/2025")
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &[
                "history.csv",
                "writes dates both ways",
                "\"25/06/2025\" (line 2, column \"CloseDate\") only reads day first",
                "\"03/15/2025\" (line 3, column \"CreatedDate\") only month first",
            ],
        );
}

#[test]
fn two_digit_years_are_refused() {
    Case::new()
        .edit("history.csv", "2025-06-01,2025-03-01", "6/1/25,3/1/2025")
        .edit("history.csv", "2025-07-15,2025-02-10", "7/15/99,2/10/2025")
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &[
                "history.csv",
                "line 2, column \"CloseDate\" (close_date): \"6/1/25\" has a two-digit year",
                "line 3, column \"CloseDate\" (close_date): \"7/15/99\" has a two-digit year (\"99\" could be 1999 or 2099)",
                "write the year with four digits",
            ],
        );
}

#[test]
fn negative_and_zero_years_are_refused() {
    Case::new().edit("carveouts.csv", "2025-12-01", "12/1/-5").validate_refuses(&[
        "carveouts.csv",
        "line 2",
        "\"last_activity_date\"",
        "\"12/1/-5\" has no year of four digits (\"-5\")",
        "write the year with four digits",
    ]);
    Case::new().edit("carveouts.csv", "2025-12-01", "12/1/0").validate_refuses(&[
        "carveouts.csv",
        "line 2",
        "write the year with four digits",
    ]);
}

/// Every slash date reads both ways: month first by default and declared with the setting that changes it;
/// with `[data] date_order = "dmy"` they read day first and nothing is declared.
#[test]
fn the_date_order_setting_decides_an_ambiguous_file() {
    let ambiguous = |case: Case| {
        case.edit("history.csv", "2025-06-01,2025-03-01", "06/01/2025,03/01/2025").edit(
            "history.csv",
            "2025-09-01,2025-05-20",
            "09/01/2025,05/02/2025",
        )
    };
    let args = ["calibrate", "--scenario", "s.toml", "--history", "history.csv", "--out", "p.toml"];
    let case = ambiguous(Case::new());
    let o = case.run(&args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("read month first") && stderr.contains("date_order = \"dmy\""), "{stderr}");

    let case = ambiguous(Case::new()).edit("s.toml", "[data]\n", "[data]\ndate_order = \"dmy\"\n");
    let o = case.run(&args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(!stderr.contains("read month first"), "{stderr}");
    // O1 was created on 3 January read day first (1 March month first): its cycle is five months, not three.
    let d: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.path("p.diagnostics.json")).unwrap()).unwrap();
    assert_eq!(d["first_month"], "2025-01", "{d}");
}
