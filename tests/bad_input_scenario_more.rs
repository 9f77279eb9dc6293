//! More of the scenario file's bad-input corpus: settings that parse and are each in range but mean nothing
//! (a revenue share of 5, a hierarchy level twice, a capacity change after the rep has gone, a share taken
//! from nobody, a strategy twice, a geographic strategy with no geography, included files that contradict
//! each other). Each case runs the real binary, which must refuse with exit code 2, name the scenario file,
//! the dotted field and the fix, and write nothing; the optimizer's geography checks are also run through the
//! library, as `terrasim optimize` calls them.

mod corpus;

use corpus::Case;
use terrasim::optimize::{Org, OrgError};

const R2_LEAVES: &str = "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\n";

/// `[[events.hire]]` H1 starting in month 4, with `extra`.
fn hire(extra: &str) -> String {
    format!("\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\n{extra}")
}

/// `[optimize]` with the whole book movable (the base has an unowned account), and `extra`.
fn optimize(extra: &str) -> String {
    format!("\n[optimize]\ncontinuity_budget = 1.0\ntrials = 20\n{extra}")
}

const OPTIMIZE: [&str; 7] = ["optimize", "s.toml", "--trials", "20", "--out", "out", "--quiet"];

/// The case must validate (exit code 0).
fn validates(case: &Case) {
    let o = case.run(&["validate", "s.toml"]);
    assert!(o.status.success(), "refused:\n{}", String::from_utf8_lossy(&o.stderr));
}

// --- B10: potential_from_revenue is a share of revenue ---

#[test]
fn potential_from_revenue_negative() {
    Case::new().append("s.toml", "\n[scoring]\npotential_from_revenue = -0.1\n").simulate_refuses(&[
        "s.toml",
        "scoring.potential_from_revenue",
        "-0.1 is not a share in (0, 1]",
        "share of an account's annual revenue that its typical deal is",
        "such as 0.01",
        "leave it unset",
    ]);
}

#[test]
fn potential_from_revenue_above_one() {
    Case::new().append("s.toml", "\n[scoring]\npotential_from_revenue = 5.0\n").simulate_refuses(&[
        "s.toml",
        "scoring.potential_from_revenue",
        "5 is not a share in (0, 1]",
        "such as 0.01",
    ]);
}

#[test]
fn potential_from_revenue_of_zero_or_nan() {
    for v in ["0.0", "nan"] {
        Case::new()
            .append("s.toml", &format!("\n[scoring]\npotential_from_revenue = {v}\n"))
            .validate_refuses(&["s.toml", "scoring.potential_from_revenue", "(0, 1]"]);
    }
}

#[test]
fn potential_from_revenue_inside_the_range_is_accepted() {
    for v in ["0.01", "1.0"] {
        validates(&Case::new().append("s.toml", &format!("\n[scoring]\npotential_from_revenue = {v}\n")));
    }
}

// --- B11: each hierarchy level once ---

#[test]
fn hierarchy_level_listed_twice() {
    Case::new()
        .append("s.toml", "\n[segmentation]\nhierarchy = [\"region\", \"region\"]\n")
        .simulate_refuses(&[
            "s.toml",
            "segmentation.hierarchy[1]",
            "level \"region\" is listed twice (also segmentation.hierarchy[0])",
            "AMER/AMER",
            "list each level once",
        ]);
}

#[test]
fn hierarchy_level_listed_twice_apart() {
    Case::new()
        .append("s.toml", "\n[segmentation]\nhierarchy = [\"size_band\", \"vertical\", \"size_band\"]\n")
        .validate_refuses(&[
            "s.toml",
            "segmentation.hierarchy[2]",
            "\"size_band\" is listed twice (also segmentation.hierarchy[0])",
        ]);
}

// --- B18: changes after the rep has gone ---

#[test]
fn capacity_change_after_the_rep_departs() {
    Case::new()
        .append("s.toml", R2_LEAVES)
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 6\ncapacity_hours = 100.0\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.capacity_change[0].from_month",
            "rep R2 leaves after month 3 (events.departure[0])",
            "from month 6 comes after they have gone",
            "from month 3 at the latest",
            "remove one of the two events",
        ]);
}

#[test]
fn capacity_change_the_month_after_the_last_selling_month() {
    Case::new()
        .append("s.toml", R2_LEAVES)
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 4\ncapacity_hours = 100.0\n",
        )
        .validate_refuses(&["s.toml", "events.capacity_change[0].from_month", "events.departure[0]"]);
}

#[test]
fn capacity_change_in_the_last_selling_month_is_accepted() {
    validates(&Case::new().append("s.toml", R2_LEAVES).append(
        "s.toml",
        "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 3\ncapacity_hours = 100.0\n",
    ));
}

#[test]
fn capacity_change_after_the_reps_file_end_month() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,end_month\n")
        .edit("reps.csv", "Retail\n", "Retail,\n")
        .edit("reps.csv", "500000,\n", "500000,,2\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 6\ncapacity_hours = 100.0\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.capacity_change[0].from_month",
            "rep R2 leaves after month 2 (end_month in the reps file)",
            "from month 2 at the latest",
        ]);
}

// --- B19: take_share needs take_from ---

#[test]
fn hire_take_share_without_take_from() {
    Case::new().append("s.toml", &hire("take_share = 0.3\n")).simulate_refuses(&[
        "s.toml",
        "events.hire[0].take_share",
        "take_share needs take_from (the reps it takes accounts from)",
        "hire H1 takes nothing",
        "or remove take_share",
    ]);
}

#[test]
fn hire_take_share_with_take_from_is_accepted() {
    validates(&Case::new().append("s.toml", &hire("take_share = 0.3\ntake_from = [\"R2\"]\n")));
}

#[test]
fn optimizer_addition_with_take_share() {
    Case::new()
        .append("s.toml", &optimize("strategies = [\"current\"]\n"))
        .append("s.toml", "\n[[optimize.add]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\ntake_share = 0.3\n")
        .validate_refuses(&["s.toml", "optimize.add[0].take_share", "sizes an added rep's book itself", "remove take_share"]);
}

// --- B20 (a): each strategy once ---

#[test]
fn strategy_listed_twice() {
    Case::new().append("s.toml", &optimize("strategies = [\"current\", \"current\"]\n")).refuses(
        &OPTIMIZE,
        "out",
        &[
            "s.toml",
            "optimize.strategies[1]",
            "strategy \"current\" is listed twice (also optimize.strategies[0])",
            "list each strategy once",
        ],
    );
}

#[test]
fn strategy_listed_twice_under_its_alias() {
    Case::new()
        .append("s.toml", &optimize("strategies = [\"current\", \"size\", \"current_repaired\"]\n"))
        .validate_refuses(&["s.toml", "optimize.strategies[2]", "\"current\" is listed twice"]);
}

// --- B20 (b), (c): geography behind the geographic strategies ---

/// What `terrasim optimize` checks before its search: the org of the case's scenario, and its geography.
fn geography(case: &Case) -> Result<(), OrgError> {
    let scenario = terrasim::io::load_scenario(&case.path("s.toml")).unwrap_or_else(|e| panic!("{e}"));
    let market = terrasim::io::load_market(&scenario).unwrap_or_else(|e| panic!("{e}"));
    let spec = scenario.optimize.clone().unwrap_or_default();
    let graph = spec
        .adjacency
        .as_ref()
        .map(|p| terrasim::io::load_units(&scenario.resolve_path(p)).unwrap_or_else(|e| panic!("{e}")));
    let org = Org::new(&scenario, &market, &spec).unwrap_or_else(|e| panic!("{e}"));
    org.check_geography(&spec, graph.as_ref())
}

fn geography_refused(case: &Case, field: &str, parts: &[&str]) {
    let e = geography(case).expect_err("the geography check accepted the case");
    assert_eq!(e.field, field, "{e}");
    for part in parts {
        assert!(e.message.contains(part), "{part:?} missing from: {}", e.message);
    }
}

const NO_GEOGRAPHY: [&str; 5] = [
    "no account has a latitude and longitude",
    "no adjacency unit table",
    "nothing geographic",
    "give the accounts latitude and longitude columns",
    "county_fips, with adjacency",
];

#[test]
fn geographic_strategy_without_any_location() {
    let case = Case::new().append("s.toml", &optimize("strategies = [\"current\", \"geographic\"]\n"));
    let mut parts = NO_GEOGRAPHY.to_vec();
    parts.extend(["strategy \"geographic\"", "list strategies without \"geographic\""]);
    geography_refused(&case, "optimize.strategies[1]", &parts);
}

#[test]
fn default_strategies_without_any_location() {
    // Unset, the strategies are all five, geographic among them.
    let case = Case::new().append("s.toml", &optimize(""));
    geography_refused(
        &case,
        "optimize.strategies[1]",
        &["strategy \"geographic\"", "unset, strategies lists all five"],
    );
}

/// R3 (the MM/EMEA pool's only rep) sells in the field.
fn r3_in_the_field(case: Case) -> Case {
    case.edit("reps.csv", "expert_verticals\n", "expert_verticals,motion\n")
        .edit("reps.csv", "Retail\n", "Retail,\n")
        .edit("reps.csv", "500000,\n", "500000,,\n")
        .edit("reps.csv", "Fintech\n", "Fintech,field\n")
}

#[test]
fn hybrid_with_a_field_team_without_any_location() {
    let case =
        r3_in_the_field(Case::new()).append("s.toml", &optimize("strategies = [\"size\", \"hybrid\"]\n"));
    let mut parts = NO_GEOGRAPHY.to_vec();
    parts.extend(["strategy \"hybrid\" builds the field team's territories (pool", "without \"hybrid\""]);
    geography_refused(&case, "optimize.strategies[1]", &parts);
}

#[test]
fn hybrid_of_inside_teams_needs_no_location() {
    // Inside teams' hybrid territories are by vertical: nothing geographic is promised.
    let case =
        Case::new().append("s.toml", &optimize("strategies = [\"current\", \"hybrid\", \"vertical\"]\n"));
    geography(&case).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn geographic_strategy_with_located_accounts_is_accepted() {
    let case = Case::new()
        .write(
            "accounts.csv",
            corpus::ACCOUNTS
                .replace("OwnerId\n", "OwnerId,Latitude,Longitude\n")
                .replacen("R1\n", "R1,40.7,-74.0\n", 1)
                .replace("R3\n", "R3,,\n")
                .replace("R2\n", "R2,,\n")
                .replace("Canada,\n", "Canada,,,\n"),
        )
        .append("s.toml", &optimize("strategies = [\"geographic\"]\n"));
    geography(&case).unwrap_or_else(|e| panic!("{e}"));
}

/// The base accounts with county FIPS codes `fips` (one per account).
fn accounts_in_counties(case: Case, fips: [&str; 4]) -> Case {
    case.write(
        "accounts.csv",
        format!(
            "Id,Name,Industry,NumberOfEmployees,AnnualRevenue,BillingCountry,OwnerId,county_fips\n\
             A1,Acme,Retail,50,\"$1,000,000\",United States,R1,{}\n\
             A2,Globex,Fintech,900,,Germany,R3,{}\n\
             A3,Initech,Retail,20,,United States,R2,{}\n\
             A4,Umbrella,Software,30,,Canada,,{}\n",
            fips[0], fips[1], fips[2], fips[3]
        ),
    )
}

const UNITS: &str = "fips,neighbors\n001,002\n002,001;003\n003,002\n";

#[test]
fn adjacency_matching_no_account() {
    let case =
        accounts_in_counties(Case::new(), ["06037", "", "06059", ""]).write("units.csv", UNITS).append(
            "s.toml",
            &optimize("strategies = [\"current\", \"geographic\"]\nadjacency = \"units.csv\"\n"),
        );
    geography_refused(
        &case,
        "optimize.adjacency",
        &[
            "no unit of units.csv is the county_fips of any account",
            "ids such as \"001\"",
            "codes such as \"06037\" (account A1)",
            "key the unit table by the accounts' county FIPS codes",
            "or remove adjacency",
        ],
    );
}

#[test]
fn adjacency_with_accounts_without_county_fips() {
    let case = Case::new()
        .write("units.csv", UNITS)
        .append("s.toml", &optimize("strategies = [\"current\"]\nadjacency = \"units.csv\"\n"));
    geography_refused(&case, "optimize.adjacency", &["units.csv", "no account has a county_fips"]);
}

#[test]
fn adjacency_matching_one_account_is_accepted() {
    let case = accounts_in_counties(Case::new(), ["06037", "", "002", ""]).write("units.csv", UNITS).append(
        "s.toml",
        &optimize("strategies = [\"current\", \"geographic\"]\nadjacency = \"units.csv\"\n"),
    );
    geography(&case).unwrap_or_else(|e| panic!("{e}"));
}

// The same cases through `terrasim optimize`, which names the scenario file. They need `optimize` to call
// `Org::check_geography` after building the org (src/cli/optimize.rs).

#[test]
fn optimize_refuses_a_geographic_strategy_without_any_location() {
    Case::new().append("s.toml", &optimize("strategies = [\"current\", \"geographic\"]\n")).refuses(
        &OPTIMIZE,
        "out",
        &["s.toml", "optimize.strategies[1]", "nothing geographic", "latitude and longitude columns"],
    );
}

#[test]
fn optimize_refuses_an_adjacency_matching_no_account() {
    accounts_in_counties(Case::new(), ["06037", "", "06059", ""])
        .write("units.csv", UNITS)
        .append(
            "s.toml",
            &optimize("strategies = [\"current\", \"geographic\"]\nadjacency = \"units.csv\"\n"),
        )
        .refuses(
            &OPTIMIZE,
            "out",
            &["s.toml", "optimize.adjacency", "units.csv", "\"001\"", "\"06037\"", "or remove adjacency"],
        );
}

// --- B21: included files that contradict each other ---

fn two_includes(p: &str, q: &str) -> Case {
    Case::new()
        .edit("s.toml", "[data]", "include_params = [\"p.toml\", \"q.toml\"]\n\n[data]")
        .write("p.toml", p)
        .write("q.toml", q)
}

#[test]
fn included_files_setting_one_parameter_differently() {
    two_includes(
        "[params.SMB]\nwin_rate_alpha = 30.0\n",
        "[params.SMB]\nwin_rate_alpha = 40.0\nopp_rate = 0.05\n",
    )
    .simulate_refuses(&[
        "s.toml",
        "include_params[1]",
        "params.\"SMB\".win_rate_alpha is 30 in p.toml (include_params[0]) but 40 in q.toml",
        "keep the value in one file",
        "set [params.\"SMB\"] win_rate_alpha in the scenario itself",
        "the scenario's own values win over included files",
    ]);
}

#[test]
fn included_files_setting_one_skill_differently() {
    two_includes("[skills]\nR1 = 1.1\n", "[skills]\nR1 = 0.9\n").validate_refuses(&[
        "s.toml",
        "include_params[1]",
        "skills.\"R1\" is 1.1 in p.toml (include_params[0]) but 0.9 in q.toml",
    ]);
}

#[test]
fn included_files_agreeing_or_overridden_by_the_scenario_are_accepted() {
    // The same value twice is no contradiction.
    validates(&two_includes(
        "[params.SMB]\nwin_rate_alpha = 30.0\n",
        "[params.SMB]\nwin_rate_alpha = 30.0\n[params.MM]\nopp_rate = 0.05\n",
    ));
    // The scenario's own value wins over both, as documented.
    let case = two_includes("[params.SMB]\nwin_rate_alpha = 30.0\n", "[params.SMB]\nwin_rate_alpha = 40.0\n")
        .append("s.toml", "\n[params.SMB]\nwin_rate_alpha = 35.0\n");
    validates(&case);
    let scenario = terrasim::io::load_scenario(&case.path("s.toml")).unwrap();
    assert_eq!(scenario.params["SMB"].win_rate_alpha.map(|v| v.get()), Some(35.0));
}

#[test]
fn included_files_setting_the_level_differently_or_out_of_range() {
    two_includes("[model]\nlevel_sigma = 0.05\n", "[model]\nlevel_sigma = 0.07\n").validate_refuses(&[
        "s.toml",
        "include_params[1]",
        "model.level_sigma is 0.05 in p.toml (include_params[0]) but 0.07 in q.toml",
    ]);
    two_includes("[model]\nlevel_sigma = 3.0\n", "").validate_refuses(&[
        "s.toml",
        "include_params[0]",
        "p.toml sets [model] level_sigma = 3",
        "must be a number in [0, 2]",
    ]);
}

#[test]
fn the_scenarios_own_level_wins_over_an_included_one() {
    let included = two_includes("[model]\nlevel_sigma = 0.05\n", "[skills]\n");
    validates(&included);
    let scenario = terrasim::io::load_scenario(&included.path("s.toml")).unwrap();
    assert_eq!(scenario.model.level_sigma, Some(0.05));
    let own = two_includes("[model]\nlevel_sigma = 0.05\n", "[model]\nlevel_sigma = 0.07\n")
        .append("s.toml", "\n[model]\nlevel_sigma = 0.0\n");
    validates(&own);
    let scenario = terrasim::io::load_scenario(&own.path("s.toml")).unwrap();
    assert_eq!(scenario.model.level_sigma, Some(0.0));
}

// --- W21: a name ---

#[test]
fn empty_scenario_name() {
    Case::new().edit("s.toml", "name = \"corpus\"", "name = \"  \"").simulate_refuses(&[
        "s.toml",
        "field `name`",
        "the name is empty",
        "give the scenario a short name",
    ]);
}

// --- W24: a shock's departure month is given, not assumed ---

#[test]
fn shock_departure_without_a_month() {
    Case::new().append("s.toml", "\n[[shocks]]\nname = \"R2 leaves\"\ndepart_rep = \"R2\"\n").refuses(
        &["stress", "s.toml", "--trials", "20", "--out", "out", "--quiet"],
        "out",
        &[
            "s.toml",
            "shocks[0].depart_month",
            "depart_rep needs depart_month",
            "the last month R2 sells, in 1..=12",
        ],
    );
}

// --- W2: amounts that are not numbers ---

#[test]
fn quota_change_not_a_number() {
    for v in ["nan", "inf"] {
        let stderr = Case::new()
            .append("s.toml", &format!("\n[[events.quota_change]]\nrep = \"R1\"\nannual_quota = {v}\n"))
            .simulate_refuses(&["s.toml", "events.quota_change[0].annual_quota", "must be a finite number"]);
        assert!(!stderr.contains("negative"), "{stderr}");
    }
}

#[test]
fn capacity_change_not_a_number() {
    let stderr = Case::new()
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 2\ncapacity_hours = nan\n",
        )
        .simulate_refuses(&[
            "s.toml",
            "events.capacity_change[0].capacity_hours",
            "capacity_hours = NaN must be a finite number",
        ]);
    assert!(!stderr.contains("negative"), "{stderr}");
}

#[test]
fn a_hire_with_more_hours_than_a_month_is_refused() {
    Case::new().append("s.toml", &hire("capacity_hours = 2000.0\n")).validate_refuses(&[
        "s.toml",
        "events.hire[0].capacity_hours",
        "more than a month has (744)",
    ]);
}
