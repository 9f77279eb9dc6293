//! The bad-input corpus of the scenario file and of calibration: each case breaks the meaning of one thing in
//! the small valid scenario (a month outside the horizon, a rep departing twice, a name the market does not
//! have) and runs the real binary, which must refuse with exit code 2, name the scenario file, the dotted
//! field and the fix, and write nothing. Then the defaults a valid run rests on, as `declared` lists them.

mod corpus;

use corpus::Case;

const HIRE: &str = "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\n";
const R2_LEAVES: &str = "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\n";

fn hire(extra: &str) -> String {
    format!("{HIRE}{extra}")
}

// --- months outside the horizon, ends before starts ---

#[test]
fn hire_starting_past_the_horizon() {
    Case::new().append("s.toml", &hire("start_month = 13\n")).simulate_refuses(&[
        "s.toml",
        "events.hire[0].start_month",
        "month 13",
        "outside the 12-month horizon",
        "1..=12",
    ]);
}

#[test]
fn hire_starting_in_month_zero() {
    Case::new().append("s.toml", &hire("start_month = 0\n")).simulate_refuses(&[
        "s.toml",
        "events.hire[0].start_month",
        "month 0",
        "1..=12",
    ]);
}

#[test]
fn departure_past_the_horizon() {
    Case::new().append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 14\n").simulate_refuses(&[
        "s.toml",
        "events.departure[0].month",
        "after month 14",
        "outside the 12-month horizon",
    ]);
}

#[test]
fn departure_in_month_zero() {
    Case::new().append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 0\n").simulate_refuses(&[
        "s.toml",
        "events.departure[0].month",
        "1..=12",
    ]);
}

#[test]
fn departure_before_the_rep_starts() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,start_month\n")
        .edit("reps.csv", "Retail\n", "Retail,1\n")
        .edit("reps.csv", "500000,\n", "500000,,5\n")
        .edit("reps.csv", "Fintech\n", "Fintech,1\n")
        .append("s.toml", R2_LEAVES)
        .simulate_refuses(&[
            "s.toml",
            "events.departure[0].month",
            "before starting in month 5",
            "fix one of the months",
        ]);
}

#[test]
fn departure_after_the_reps_file_end_month() {
    r2_ends_after_month_2(Case::new())
        .append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 6\n")
        .simulate_refuses(&[
            "s.toml",
            "events.departure[0].month",
            "already leaves after month 2",
            "end_month in the reps file",
            "remove one of the two",
        ]);
}

#[test]
fn capacity_change_past_the_horizon() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 13\ncapacity_hours = 60.0\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.capacity_change[0].from_month",
            "outside the 12-month horizon",
        ]);
}

#[test]
fn shock_in_month_99() {
    Case::new()
        .append("s.toml", "\n[[shocks]]\nname = \"late\"\ndepart_rep = \"R2\"\ndepart_month = 99\n")
        .simulate_refuses(&["s.toml", "shocks[0].depart_month", "month 99", "outside the 12-month horizon"]);
}

#[test]
fn shock_in_month_zero() {
    Case::new()
        .append("s.toml", "\n[[shocks]]\nname = \"early\"\ndepart_rep = \"R2\"\ndepart_month = 0\n")
        .simulate_refuses(&["s.toml", "shocks[0].depart_month", "month 0", "1..=12"]);
}

#[test]
fn removal_past_the_horizon() {
    Case::new()
        .append("s.toml", "\n[optimize]\n\n[[optimize.remove]]\nrep = \"R2\"\nmonth = 13\n")
        .simulate_refuses(&["s.toml", "optimize.remove[0].month", "outside the 12-month horizon", "0..=12"]);
}

#[test]
fn optimizer_addition_past_the_horizon() {
    Case::new()
        .append(
            "s.toml",
            "\n[optimize]\n\n[[optimize.add]]\nrep = \"H9\"\nrole = \"MM\"\nregion = \"EMEA\"\nstart_month = 20\n",
        )
        .simulate_refuses(&["s.toml", "optimize.add[0].start_month", "month 20", "outside the 12-month horizon"]);
}

// --- names the market does not have ---

#[test]
fn hire_expert_in_a_misspelt_vertical() {
    Case::new()
        .append("s.toml", &hire("start_month = 4\nexpert_verticals = [\"Fintek\"]\n"))
        .simulate_refuses(&[
            "s.toml",
            "events.hire[0].expert_verticals[0]",
            "vertical \"Fintek\" is the vertical of no account",
            "did you mean \"Fintech\"?",
        ]);
}

#[test]
fn hire_expert_in_a_vertical_nobody_has() {
    Case::new()
        .append("s.toml", &hire("start_month = 4\nexpert_verticals = [\"Retail\", \"Aerospace\"]\n"))
        .simulate_refuses(&[
            "s.toml",
            "events.hire[0].expert_verticals[1]",
            "\"Aerospace\"",
            "known: Fintech, Retail, Software",
            "fix the name",
        ]);
}

#[test]
fn hire_in_a_misspelt_region() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMRE\"\nstart_month = 4\n",
        )
        .simulate_refuses(&["s.toml", "events.hire[0].region", "\"AMRE\"", "did you mean \"AMER\"?"]);
}

#[test]
fn hire_in_a_region_nobody_has() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.hire]]\nrep = \"H1\"\nrole = \"MM\"\nregion = \"APAC\"\nstart_month = 4\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.hire[0].region",
            "\"APAC\"",
            "known: AMER, EMEA",
            "fix the name",
        ]);
}

#[test]
fn optimizer_addition_expert_in_a_misspelt_vertical() {
    Case::new()
        .append(
            "s.toml",
            "\n[optimize]\n\n[[optimize.add]]\nrep = \"H9\"\nrole = \"MM\"\nregion = \"EMEA\"\nstart_month = 2\n\
             expert_verticals = [\"Softwear\"]\n",
        )
        .simulate_refuses(&["s.toml", "optimize.add[0].expert_verticals[0]", "did you mean \"Software\"?"]);
}

#[test]
fn params_key_matching_no_segment() {
    Case::new().append("s.toml", "\n[params.MidMarket]\nopp_rate = 0.05\n").simulate_refuses(&[
        "s.toml",
        "params.MidMarket",
        "neither a size band (SMB, MM, ENT) nor the segment path of any account",
        "ignored",
        "key it by a band or a path",
    ]);
}

#[test]
fn params_key_with_the_wrong_case() {
    Case::new().append("s.toml", "\n[params.\"amer/smb\"]\nopp_rate = 0.05\n").simulate_refuses(&[
        "s.toml",
        "params.amer/smb",
        "did you mean \"AMER/SMB\"?",
    ]);
}

#[test]
fn params_key_of_another_hierarchy() {
    // Keyed by vertical first, but the hierarchy is region > size band > vertical.
    Case::new().append("s.toml", "\n[params.\"Retail/SMB\"]\nopp_rate = 0.05\n").simulate_refuses(&[
        "s.toml",
        "params.Retail/SMB",
        "under the hierarchy",
        "ignored",
    ]);
}

#[test]
fn included_params_key_matching_no_segment() {
    Case::new()
        .edit("s.toml", "[data]", "include_params = [\"fitted.toml\"]\n\n[data]")
        .write("fitted.toml", "[params.\"APAC/MM\"]\nopp_rate = 0.05\n")
        .simulate_refuses(&["s.toml", "params.APAC/MM", "(from include_params)", "ignored"]);
}

#[test]
fn vertical_dark_typo() {
    Case::new()
        .append("s.toml", "\n[[shocks]]\nname = \"retail dark\"\nvertical_dark = \"Retial\"\n")
        .simulate_refuses(&["s.toml", "shocks[0].vertical_dark", "\"Retial\"", "did you mean \"Retail\"?"]);
}

#[test]
fn vertical_dark_typo_refused_by_stress() {
    let case =
        Case::new().append("s.toml", "\n[[shocks]]\nname = \"retail dark\"\nvertical_dark = \"Retial\"\n");
    case.refuses(
        &["stress", "s.toml", "--trials", "20", "--out", "out", "--quiet"],
        "out",
        &["s.toml", "shocks[0].vertical_dark", "did you mean \"Retail\"?"],
    );
}

// --- contradictions ---

#[test]
fn rep_departing_twice() {
    Case::new()
        .append("s.toml", R2_LEAVES)
        .append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 7\n")
        .simulate_refuses(&[
            "s.toml",
            "events.departure[1].rep",
            "R2 departs twice",
            "events.departure[0]",
            "keep one",
        ]);
}

#[test]
fn rep_departing_twice_refused_by_validate() {
    Case::new().append("s.toml", R2_LEAVES).append("s.toml", R2_LEAVES).validate_refuses(&[
        "s.toml",
        "events.departure[1].rep",
        "twice",
    ]);
}

#[test]
fn reassignment_to_the_departing_rep() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\norphan_policy = \"reassign\"\nreassign_to = \"R2\"\n",
        )
        .simulate_refuses(&["s.toml", "events.departure[0].reassign_to", "their own book", "name a rep who stays"]);
}

#[test]
fn reassignment_to_a_rep_who_has_left() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.departure]]\nrep = \"R2\"\nmonth = 5\norphan_policy = \"reassign\"\nreassign_to = \"R3\"\n\
             \n[[events.departure]]\nrep = \"R3\"\nmonth = 2\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.departure[0].reassign_to",
            "R3 has left by then",
            "events.departure[1]",
            "orphan_policy = \"spread\"",
        ]);
}

#[test]
fn backfill_starting_while_the_rep_still_sells() {
    Case::new()
        .append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\nbackfill_delay_months = 0\n")
        .simulate_refuses(&[
            "s.toml",
            "events.departure[0].backfill_delay_months",
            "at least 1",
            "backfill = false",
        ]);
}

#[test]
fn hire_with_the_id_of_another_hire() {
    Case::new()
        .append("s.toml", &hire("start_month = 2\n"))
        .append("s.toml", &hire("start_month = 5\n"))
        .simulate_refuses(&[
            "s.toml",
            "events.hire[1].rep",
            "H1 is hired twice",
            "events.hire[0]",
            "its own id",
        ]);
}

#[test]
fn hire_taking_from_the_same_rep_twice() {
    Case::new()
        .append("s.toml", &hire("start_month = 2\ntake_from = [\"R2\", \"R2\"]\n"))
        .simulate_refuses(&["s.toml", "events.hire[0].take_from[1]", "listed twice", "list each rep once"]);
}

#[test]
fn hire_taking_from_a_rep_who_has_left() {
    Case::new()
        .append("s.toml", R2_LEAVES)
        .append("s.toml", &hire("start_month = 8\ntake_from = [\"R2\"]\n"))
        .simulate_refuses(&[
            "s.toml",
            "events.hire[0].take_from[0]",
            "R2 leaves after month 3",
            "sit with a departed rep",
            "start the hire by month 4",
        ]);
}

#[test]
fn two_capacity_changes_in_one_month() {
    let change = "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 4\ncapacity_hours = 60.0\n";
    Case::new().append("s.toml", change).append("s.toml", change).simulate_refuses(&[
        "s.toml",
        "events.capacity_change[1].from_month",
        "events.capacity_change[0]",
        "keep one",
    ]);
}

#[test]
fn two_quota_changes_for_one_rep() {
    let change = "\n[[events.quota_change]]\nrep = \"R3\"\nannual_quota = 800000.0\n";
    Case::new().append("s.toml", change).append("s.toml", change).simulate_refuses(&[
        "s.toml",
        "events.quota_change[1].rep",
        "already has a quota change",
        "keep one",
    ]);
}

#[test]
fn shock_departing_a_rep_who_already_departs() {
    Case::new()
        .append("s.toml", R2_LEAVES)
        .append("s.toml", "\n[[shocks]]\nname = \"R2 leaves\"\ndepart_rep = \"R2\"\ndepart_month = 5\n")
        .simulate_refuses(&[
            "s.toml",
            "shocks[0].depart_rep",
            "already leaves after month 3",
            "would change nothing",
        ]);
}

#[test]
fn shock_that_changes_nothing() {
    Case::new()
        .append("s.toml", "\n[[shocks]]\nname = \"steady\"\nwin_rate_multiplier = 1.0\n")
        .simulate_refuses(&["s.toml", "shocks[0].name", "\"steady\" changes nothing", "vertical_dark"]);
}

#[test]
fn two_shocks_with_one_name() {
    let shock = "\n[[shocks]]\nname = \"down\"\nwin_rate_multiplier = 0.8\n";
    Case::new().append("s.toml", shock).append("s.toml", shock).simulate_refuses(&[
        "s.toml",
        "shocks[1].name",
        "shocks[0] is also named \"down\"",
        "rename one",
    ]);
}

#[test]
fn shock_month_without_a_rep() {
    Case::new()
        .append("s.toml", "\n[[shocks]]\nname = \"who\"\nwin_rate_multiplier = 0.9\ndepart_month = 4\n")
        .simulate_refuses(&["s.toml", "shocks[0].depart_month", "needs depart_rep"]);
}

#[test]
fn shock_with_a_negative_multiplier() {
    Case::new()
        .append("s.toml", "\n[[shocks]]\nname = \"neg\"\ndeal_size_multiplier = -0.5\n")
        .simulate_refuses(&["s.toml", "shocks[0].deal_size_multiplier", "non-negative"]);
}

#[test]
fn contiguity_without_adjacency() {
    Case::new().append("s.toml", "\n[optimize]\ncontiguity = true\n").simulate_refuses(&[
        "s.toml",
        "optimize.contiguity",
        "needs a unit table",
        "adjacency = ",
        "contiguity = false",
    ]);
}

#[test]
fn rep_removed_twice() {
    Case::new()
        .append(
            "s.toml",
            "\n[optimize]\n\n[[optimize.remove]]\nrep = \"R2\"\n\n[[optimize.remove]]\nrep = \"R2\"\n",
        )
        .simulate_refuses(&["s.toml", "optimize.remove[1].rep", "removed twice"]);
}

#[test]
fn rep_removed_and_departing() {
    Case::new()
        .append("s.toml", R2_LEAVES)
        .append("s.toml", "\n[optimize]\n\n[[optimize.remove]]\nrep = \"R2\"\nmonth = 4\n")
        .simulate_refuses(&["s.toml", "optimize.remove[0].rep", "already departs in events.departure[0]"]);
}

// --- calibration ---

const CALIBRATE: [&str; 7] =
    ["calibrate", "--history", "history.csv", "--scenario", "s.toml", "--out", "out/params.toml"];

#[test]
fn calibrating_from_no_closed_deal() {
    // The export says plainly that every deal is still open (IsClosed false everywhere).
    Case::new()
        .write(
            "history.csv",
            "Id,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate,IsClosed,IsWon\n\
             O1,A1,R1,Prospecting,12000,2026-06-01,2025-03-01,false,false\n\
             O2,A2,R3,Negotiation,30000,2026-07-15,2025-02-10,false,false\n",
        )
        .refuses(&CALIBRATE, "out", &["history.csv", "no closed deal", "[data.stages]"]);
}

#[test]
fn calibrating_from_opportunities_created_after_as_of() {
    Case::new().append("history.csv", "O5,A3,R2,Closed Won,5000,2026-03-01,2026-02-01\n").refuses(
        &CALIBRATE,
        "out",
        &[
            "history.csv",
            "dated after the scenario's as_of 2026-01-01",
            "O5 created 2026-02-01",
            "set as_of to the export's date",
        ],
    );
}

#[test]
fn calibrating_from_deals_closed_after_as_of() {
    Case::new().append("history.csv", "O5,A3,R2,Closed Lost,5000,2026-02-10,2025-12-01\n").refuses(
        &CALIBRATE,
        "out",
        &["history.csv", "1 opportunities are dated after", "O5 closed 2026-02-10"],
    );
}

#[test]
fn a_segment_without_closed_deals_borrows_loudly() {
    // The only MM deal stays open: MM and EMEA/MM have no closed deal and take the whole market's rate.
    let case =
        Case::new().edit("history.csv", "R3,Closed Lost,30000,2025-07-15", "R3,Negotiation,30000,2026-07-15");
    let o = case.run(&CALIBRATE);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(case.path("out/params.diagnostics.json")).unwrap();
    let diagnostics: serde_json::Value = serde_json::from_str(&text).unwrap();
    let borrowed: Vec<(String, String)> = diagnostics["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| {
            let from = s["win_rate_borrowed_from"].as_str()?;
            Some((s["key"].as_str().unwrap().to_string(), from.to_string()))
        })
        .collect();
    assert_eq!(borrowed, [("MM".to_string(), String::new()), ("EMEA/MM".to_string(), String::new())]);
}

// --- what `declared` lists ---

fn loaded(case: &Case) -> (terrasim::scenario::Scenario, terrasim::market::Market) {
    let scenario = terrasim::io::load_scenario(&case.path("s.toml")).unwrap();
    let market = terrasim::io::load_market(&scenario).unwrap();
    (scenario, market)
}

fn codes(list: &[terrasim::market::Assumption]) -> Vec<&str> {
    list.iter().map(|a| a.code.as_str()).collect()
}

#[test]
fn declared_names_the_segments_on_default_parameters() {
    let case = Case::new();
    let (scenario, market) = loaded(&case);
    let declared = terrasim::scenario::declared(&scenario, &market);
    let params = declared.iter().find(|a| a.code == "params_default").expect("params_default declared");
    assert_eq!(params.subject, "params");
    for segment in ["AMER/SMB/Retail", "AMER/SMB/Software", "EMEA/MM/Fintech"] {
        assert!(params.message.contains(segment), "{segment} missing from {}", params.message);
    }
    assert!(params.message.contains("include_params"), "{}", params.message);
    assert!(!codes(&declared).contains(&"shocks_default"), "simulate does not run shocks");
}

#[test]
fn declared_leaves_out_the_segments_params_reach() {
    let case = Case::new().append("s.toml", "\n[params.SMB]\nopp_rate = 0.05\n");
    let (scenario, market) = loaded(&case);
    let declared = terrasim::scenario::declared(&scenario, &market);
    let params = declared.iter().find(|a| a.code == "params_default").expect("MM is still on defaults");
    assert!(params.message.contains("EMEA/MM/Fintech"), "{}", params.message);
    assert!(!params.message.contains("AMER/SMB"), "SMB is set: {}", params.message);

    let case =
        Case::new().append("s.toml", "\n[params.SMB]\nopp_rate = 0.05\n\n[params.EMEA]\nopp_rate = 0.04\n");
    let (scenario, market) = loaded(&case);
    assert!(!codes(&terrasim::scenario::declared(&scenario, &market)).contains(&"params_default"));
}

#[test]
fn declared_names_expansion_and_whitespace_defaults_until_params_set_them() {
    let message = |declared: &[terrasim::market::Assumption], code: &str| {
        declared.iter().find(|a| a.code == code).map(|a| a.message.clone())
    };
    // Keys that set only new-business fields leave the expansion motion and the whitespace on defaults.
    let case =
        Case::new().append("s.toml", "\n[params.SMB]\nopp_rate = 0.05\n\n[params.EMEA]\nopp_rate = 0.04\n");
    let (scenario, market) = loaded(&case);
    let declared = terrasim::scenario::declared(&scenario, &market);
    let expansion = message(&declared, "expansion_params_default").expect("expansion defaults declared");
    assert!(expansion.contains("AMER/SMB/Retail") && expansion.contains("EMEA/MM/Fintech"), "{expansion}");
    let whitespace = message(&declared, "whitespace_default").expect("whitespace default declared");
    assert!(whitespace.contains("× 3") && whitespace.contains("every segment"), "{whitespace}");

    // An expansion field on SMB takes SMB off the expansion list; a multiple on EMEA takes EMEA off the
    // whitespace list; expansion turned off on SMB needs no multiple.
    let case = Case::new().append(
        "s.toml",
        "\n[params.SMB]\nopp_rate = 0.05\nexpansion_opp_rate = 0\n\n[params.EMEA]\nopp_rate = 0.04\nwhitespace_multiple = 2\n",
    );
    let (scenario, market) = loaded(&case);
    let declared = terrasim::scenario::declared(&scenario, &market);
    let expansion =
        message(&declared, "expansion_params_default").expect("EMEA/MM still on expansion defaults");
    assert!(!expansion.contains("SMB"), "SMB sets expansion: {expansion}");
    assert!(expansion.contains("EMEA/MM/Fintech"), "{expansion}");
    assert_eq!(message(&declared, "whitespace_default"), None, "every segment is set or has expansion off");

    // Expansion on again in SMB: its segments are back on the default multiple, EMEA is not.
    let case = Case::new().append(
        "s.toml",
        "\n[params.SMB]\nexpansion_opp_rate = 0.01\n\n[params.EMEA]\nwhitespace_multiple = 2\n",
    );
    let (scenario, market) = loaded(&case);
    let whitespace = message(&terrasim::scenario::declared(&scenario, &market), "whitespace_default")
        .expect("SMB on the default multiple");
    assert!(whitespace.contains("AMER/SMB/Retail") && !whitespace.contains("EMEA"), "{whitespace}");
}

#[test]
fn stress_declares_the_default_shocks_only_when_none_are_given() {
    let case = Case::new();
    let (scenario, market) = loaded(&case);
    let stress = terrasim::scenario::declared_for_stress(&scenario, &market);
    let shocks = stress.iter().find(|a| a.code == "shocks_default").expect("default shocks declared");
    assert_eq!(shocks.subject, "shocks");
    assert!(shocks.message.contains("[[shocks]]"), "{}", shocks.message);
    let top = terrasim::scenario::default_shocks(&market).iter().find_map(|s| s.depart_rep.clone()).unwrap();
    assert!(shocks.message.contains(&format!("top rep {top} departs in month 3")), "{}", shocks.message);
    assert!(!shocks.message.contains("changes nothing"), "{}", shocks.message);

    // When the top rep already leaves in the scenario, the default departure shock is idle: say so.
    let case = Case::new()
        .edit("s.toml", "carveouts = \"carveouts.csv\"\n", "")
        .append("s.toml", &format!("\n[[events.departure]]\nrep = \"{top}\"\nmonth = 5\n"));
    let (scenario, market) = loaded(&case);
    let stress = terrasim::scenario::declared_for_stress(&scenario, &market);
    let shocks = stress.iter().find(|a| a.code == "shocks_default").unwrap();
    assert!(
        shocks.message.contains(&format!(
            "{top} already departs in events.departure[0], so that shock changes nothing"
        )),
        "{}",
        shocks.message
    );

    let case = Case::new().append("s.toml", "\n[[shocks]]\nname = \"down\"\nwin_rate_multiplier = 0.8\n");
    let (scenario, market) = loaded(&case);
    assert!(!codes(&terrasim::scenario::declared_for_stress(&scenario, &market)).contains(&"shocks_default"));
}

#[test]
fn a_missing_as_of_is_declared_when_carveouts_have_floors() {
    let case = Case::new().edit("s.toml", "as_of = \"2026-01-01\"\n", "");
    let (scenario, market) = loaded(&case);
    let declared = terrasim::scenario::declared(&scenario, &market);
    let as_of = declared.iter().find(|a| a.code == "as_of_missing").expect("as_of_missing declared");
    assert_eq!(as_of.subject, "as_of");
    assert!(as_of.message.contains("1 carve-out(s)"), "{}", as_of.message);

    let (scenario, market) = loaded(&Case::new());
    assert!(!codes(&terrasim::scenario::declared(&scenario, &market)).contains(&"as_of_missing"));
}

#[test]
fn borrowed_win_rates_are_declared_by_the_calibration() {
    let case =
        Case::new().edit("history.csv", "R3,Closed Lost,30000,2025-07-15", "R3,Negotiation,30000,2026-07-15");
    let (scenario, market) = loaded(&case);
    let history = terrasim::io::load_history(&case.path("history.csv"), &scenario, &market).unwrap();
    let calibration = terrasim::calibrate::calibrate(&history, &market, &scenario).unwrap();
    // The market's own defaults come first (the corpus has no score columns); then the borrowed rates.
    assert_eq!(&calibration.assumptions()[..market.assumptions().len()], market.assumptions());
    let declared: Vec<_> =
        calibration.assumptions().iter().filter(|a| a.code == "win_rate_borrowed").cloned().collect();
    assert_eq!(declared.len(), 2, "{declared:?}");
    assert_eq!(declared[0].subject, "segment MM");
    assert!(declared[0].message.contains("the whole market's"), "{}", declared[0].message);
    assert!(declared[1].message.contains("[params.\"EMEA/MM\"]"), "{}", declared[1].message);
}

#[test]
fn rep_starting_past_the_horizon() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,start_month\n")
        .edit("reps.csv", "Retail\n", "Retail,1\n")
        .edit("reps.csv", "500000,\n", "500000,,14\n")
        .edit("reps.csv", "Fintech\n", "Fintech,1\n")
        .simulate_refuses(&[
            "reps.csv",
            "rep R2 starts in month 14",
            "after the 12-month horizon",
            "at most 12",
        ]);
}

#[test]
fn rep_ending_before_starting() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,start_month,end_month\n")
        .edit("reps.csv", "Retail\n", "Retail,1,\n")
        .edit("reps.csv", "500000,\n", "500000,,6,4\n")
        .edit("reps.csv", "Fintech\n", "Fintech,1,\n")
        .simulate_refuses(&[
            "reps.csv",
            "rep R2 ends after month 4, before starting in month 6",
            "end_month",
        ]);
}

#[test]
fn removal_of_a_rep_the_reps_file_already_ends() {
    r2_ends_after_month_2(Case::new())
        .append("s.toml", "\n[optimize]\n\n[[optimize.remove]]\nrep = \"R2\"\nmonth = 5\n")
        .simulate_refuses(&["s.toml", "optimize.remove[0].month", "already leaves after month 2"]);
}

fn r2_ends_after_month_2(case: Case) -> Case {
    case.edit("reps.csv", "expert_verticals\n", "expert_verticals,end_month\n")
        .edit("reps.csv", "Retail\n", "Retail,\n")
        .edit("reps.csv", "500000,\n", "500000,,2\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
}

#[test]
fn hire_taking_from_a_rep_the_reps_file_ends() {
    r2_ends_after_month_2(Case::new())
        .append("s.toml", &hire("start_month = 6\ntake_from = [\"R2\"]\n"))
        .simulate_refuses(&[
            "s.toml",
            "events.hire[0].take_from[0]",
            "end_month in the reps file",
            "start the hire by month 3",
        ]);
}

#[test]
fn shock_departing_a_rep_the_reps_file_ends() {
    r2_ends_after_month_2(Case::new())
        .append("s.toml", "\n[[shocks]]\nname = \"R2 leaves\"\ndepart_rep = \"R2\"\ndepart_month = 4\n")
        .simulate_refuses(&[
            "s.toml",
            "shocks[0].depart_rep",
            "already leaves after month 2",
            "name another rep",
        ]);
}

#[test]
fn hire_of_a_role_nobody_has_without_a_quota() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.hire]]\nrep = \"H1\"\nrole = \"ENT\"\nregion = \"AMER\"\nstart_month = 2\ncapacity_hours = 100.0\n",
        )
        .simulate_refuses(&["s.toml", "events.hire[0].annual_quota", "no ENT rep to take the median from"]);
}

#[test]
fn declared_names_hires_on_role_medians() {
    let case = Case::new().append("s.toml", &hire("start_month = 2\nannual_quota = 400000.0\n"));
    let (scenario, market) = loaded(&case);
    let declared = terrasim::scenario::declared(&scenario, &market);
    let hire = declared.iter().find(|a| a.code == "hire_median").expect("hire_median declared");
    assert_eq!(hire.subject, "events.hire[0]");
    assert!(hire.message.contains("capacity_hours is the median of the SMB reps"), "{}", hire.message);
    assert!(!hire.message.contains("annual_quota"), "{}", hire.message);
}

#[test]
fn the_library_refuses_to_calibrate_from_open_deals_only() {
    use terrasim::calibrate::{CalibrateError, History, Opportunity, Outcome};
    let case = Case::new();
    let (scenario, market) = loaded(&case);
    let day = terrasim::market::parse_iso_date("2025-06-01").unwrap();
    let open = Opportunity {
        id: "O1".into(),
        account: 0,
        owner: Some(0),
        created: day,
        closed: None,
        outcome: Outcome::Open,
        amount: Some(1000.0),
        motion: terrasim::sim::model::SalesMotion::NewBusiness,
    };
    let history = History { opportunities: vec![open], ..Default::default() };
    let refused = terrasim::calibrate::calibrate(&history, &market, &scenario).unwrap_err();
    assert_eq!(refused, CalibrateError::NoClosedDeals { opportunities: 1 });
}

#[test]
fn reassignment_to_a_rep_the_reps_file_ends() {
    r2_ends_after_month_2(Case::new())
        .append(
            "s.toml",
            "\n[[events.departure]]\nrep = \"R3\"\nmonth = 4\norphan_policy = \"reassign\"\nreassign_to = \"R2\"\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.departure[0].reassign_to",
            "rep R2 leaves after month 2 (end_month in the reps file)",
            "name a rep who stays",
        ]);
}

#[test]
fn reassignment_to_a_rep_who_has_not_started() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,start_month\n")
        .edit("reps.csv", "Retail\n", "Retail,1\n")
        .edit("reps.csv", "500000,\n", "500000,,9\n")
        .edit("reps.csv", "Fintech\n", "Fintech,1\n")
        .append(
            "s.toml",
            "\n[[events.departure]]\nrep = \"R3\"\nmonth = 4\norphan_policy = \"reassign\"\nreassign_to = \"R2\"\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.departure[0].reassign_to",
            "rep R2 starts in month 9",
            "selling by then",
        ]);
}
