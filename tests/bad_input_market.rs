//! The bad-input corpus of the market files: CRM vocabularies that match nothing (regions, countries,
//! roles, account types, lifecycle stages, owners) and data whose meaning is wrong (no capacity, an end
//! before the start, an unknown expert vertical, a neighbour that is no unit, an activity after `as_of`).
//! Each case breaks one thing in the small valid scenario and runs the real binary.

mod corpus;
use corpus::Case;

/// The corpus accounts with a Salesforce `Type` column instead of a customer flag.
const TYPED: &str = "Id,Name,Industry,NumberOfEmployees,BillingCountry,OwnerId,Type\n\
A1,Acme,Retail,50,United States,R1,Customer - Direct\n\
A2,Globex,Fintech,900,Germany,R3,Prospect\n\
A3,Initech,Retail,20,United States,R2,Other\n\
A4,Umbrella,Software,30,Canada,,Prospect\n";

/// The corpus accounts with a HubSpot lifecycle stage, as HubSpot's export labels it.
const STAGED: &str = "Record ID,Company name,Industry,Number of Employees,Country/Region,Company owner,Lifecycle Stage\n\
A1,Acme,Retail,50,United States,Ana,customer\n\
A2,Globex,Fintech,900,Germany,Cho,Marketing Qualified Lead\n\
A3,Initech,Retail,20,United States,Ben,lead\n\
A4,Umbrella,Software,30,Canada,,opportunity\n";

/// The corpus accounts with a region column, as some CRMs carry it.
const REGIONED: &str = "id,name,vertical,employees,region,owner_id\n\
A1,Acme,Retail,50,AMER,R1\n\
A2,Globex,Fintech,900,Europe,R3\n\
A3,Initech,Retail,20,AMER,R2\n\
A4,Umbrella,Software,30,AMER,\n";

/// The corpus reps with start and end months.
const MONTHS: &str = "id,name,role,region,capacity_hours,annual_quota,expert_verticals,start_month,end_month\n\
R1,Ana,SMB,AMER,120,500000,Retail,1,\n\
R2,Ben,SMB,AMER,120,500000,,1,\n\
R3,Cho,MM,EMEA,110,900000,Fintech,1,\n";

const UNITS: &str = "fips,neighbors\n001,002\n002,001;003\n003,002\n";

/// A case that must load: the market the library reads from it.
fn loads(case: &Case) -> terrasim::market::Market {
    let scenario = terrasim::io::load_scenario(&case.path("s.toml")).unwrap();
    terrasim::io::load_market(&scenario).unwrap_or_else(|e| panic!("{e}"))
}

fn codes(market: &terrasim::market::Market) -> Vec<String> {
    market.assumptions().iter().map(|a| a.code.clone()).collect()
}

// Regions and countries.

#[test]
fn reps_region_matching_no_accounts_region_names_both_sets_and_the_mapping() {
    Case::new().edit("reps.csv", "R1,Ana,SMB,AMER", "R1,Ana,SMB,North America").simulate_refuses(&[
        "reps.csv",
        "line 2",
        "region",
        "NORTH AMERICA",
        "the accounts say {AMER, EMEA}",
        "[data.region_aliases] \"NORTH AMERICA\" = \"AMER\"",
    ]);
}

#[test]
fn reps_region_typo_is_named_with_did_you_mean() {
    Case::new().edit("reps.csv", "R3,Cho,MM,EMEA", "R3,Cho,MM,EMAE").simulate_refuses(&[
        "reps.csv",
        "line 4",
        "region",
        "did you mean \"EMEA\"",
    ]);
}

#[test]
fn accounts_region_column_in_other_words_than_the_reps_is_named() {
    Case::new()
        .write("accounts.csv", REGIONED)
        .write("plan.csv", "account_id,owner_id\n")
        .simulate_refuses(&["reps.csv", "line 4", "region", "\"EMEA\"", "EUROPE", "region_aliases"]);
}

#[test]
fn a_country_override_that_strands_a_reps_region_is_named() {
    Case::new().append("s.toml", "\n[data.country_regions]\nGermany = \"DACH\"\n").simulate_refuses(&[
        "reps.csv",
        "line 4",
        "region",
        "DACH",
        "region_aliases",
    ]);
}

#[test]
fn a_misspelt_country_is_named_with_did_you_mean() {
    Case::new().edit("accounts.csv", "Germany", "Germny").simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "country",
        "did you mean \"Germany\"",
        "[data.country_regions]",
    ]);
}

#[test]
fn an_unknown_country_is_named_with_the_fix() {
    Case::new().edit("accounts.csv", "Canada", "Atlantis").simulate_refuses(&[
        "accounts.csv",
        "line 5",
        "country",
        "\"Atlantis\" is no ISO 3166 country",
        "add a region column",
    ]);
}

#[test]
fn an_empty_country_without_a_region_column_is_named() {
    Case::new().edit("accounts.csv", "30,,Canada", "30,,").simulate_refuses(&[
        "accounts.csv",
        "line 5",
        "region",
    ]);
}

#[test]
fn an_empty_rep_region_is_named() {
    Case::new()
        .edit("reps.csv", "R2,Ben,SMB,AMER", "R2,Ben,SMB,")
        .simulate_refuses(&["reps.csv", "line 3", "region", "empty"]);
}

// Roles.

#[test]
fn a_crm_role_word_without_a_mapping_names_the_mapping() {
    Case::new().edit("reps.csv", "R1,Ana,SMB", "R1,Ana,Account Executive").simulate_refuses(&[
        "reps.csv",
        "line 2",
        "role",
        "[data.roles] \"Account Executive\" = \"MM\"",
    ]);
}

#[test]
fn a_role_mapped_to_no_size_band_is_named() {
    Case::new()
        .edit("reps.csv", "R1,Ana,SMB", "R1,Ana,Account Executive")
        .append("s.toml", "\n[data.roles]\n\"Account Executive\" = \"XL\"\n")
        .simulate_refuses(&["reps.csv", "line 2", "role", "\"XL\", which is not a size band"]);
}

#[test]
fn a_misspelt_role_word_finds_the_mapped_one() {
    Case::new()
        .edit("reps.csv", "R1,Ana,SMB", "R1,Ana,Acount Executive")
        .append("s.toml", "\n[data.roles]\n\"Account Executive\" = \"SMB\"\n")
        .simulate_refuses(&["reps.csv", "line 2", "role", "did you mean \"Account Executive\""]);
}

#[test]
fn an_empty_role_is_named() {
    Case::new().edit("reps.csv", "R2,Ben,SMB", "R2,Ben,").simulate_refuses(&["reps.csv", "line 3", "role"]);
}

// The customer flag.

#[test]
fn an_unknown_salesforce_type_lists_the_known_ones() {
    Case::new().write("accounts.csv", TYPED.replace("Prospect\nA3", "Suspect\nA3")).simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "account_type",
        "Customer - Direct",
        "Channel Partner / Reseller",
        "is_customer",
    ]);
}

#[test]
fn an_unknown_lifecycle_stage_lists_the_known_ones_with_did_you_mean() {
    Case::new().write("accounts.csv", STAGED.replace(",customer", ",custmer")).simulate_refuses(&[
        "accounts.csv",
        "line 2",
        "lifecycle_stage",
        "did you mean \"customer\"",
        "evangelist",
    ]);
}

#[test]
fn a_customer_flag_that_is_not_yes_or_no_is_named() {
    Case::new()
        .write(
            "accounts.csv",
            "id,name,country,is_customer,owner_id\nA1,Acme,US,maybe,R1\nA2,Globex,DE,false,R3\n",
        )
        .write("plan.csv", "account_id,owner_id\n")
        .write("carveouts.csv", "account_id,owner_id\n")
        .simulate_refuses(&["accounts.csv", "line 2", "is_customer", "true or false"]);
}

// Owners.

#[test]
fn an_owner_not_in_the_reps_file_names_the_unowned_setting() {
    Case::new().edit("accounts.csv", "Germany,R3", "Germany,R9").simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "owner_id",
        "\"R9\" is not in the reps file",
        "unknown_owners = \"unowned\"",
    ]);
}

#[test]
fn a_misspelt_owner_name_finds_the_rep() {
    Case::new().write("accounts.csv", STAGED.replace("Germany,Cho", "Germany,Chho")).simulate_refuses(&[
        "accounts.csv",
        "line 3",
        "owner_id",
        "did you mean \"Cho\"",
    ]);
}

#[test]
fn a_plan_owner_not_in_the_reps_file_is_named() {
    Case::new()
        .edit("plan.csv", "A3,R2", "A3,R7")
        .simulate_refuses(&["plan.csv", "line 4", "owner_id", "R7"]);
}

#[test]
fn a_carveout_owner_not_in_the_reps_file_is_named() {
    Case::new().edit("carveouts.csv", "A1,R1", "A1,Anna").simulate_refuses(&[
        "carveouts.csv",
        "line 2",
        "owner_id",
        "did you mean \"Ana\"",
    ]);
}

#[test]
fn an_unknown_owners_setting_that_is_neither_value_is_refused() {
    Case::new()
        .edit("s.toml", "[data]\n", "[data]\nunknown_owners = \"ignore\"\n")
        .simulate_refuses(&["s.toml", "unknown_owners"]);
}

// Meaning checks on the reps.

#[test]
fn every_capacity_zero_is_refused() {
    Case::new()
        .edit("reps.csv", "AMER,120,", "AMER,0,")
        .edit("reps.csv", "AMER,120,", "AMER,0,")
        .edit("reps.csv", "EMEA,110,", "EMEA,0,")
        .simulate_refuses(&[
            "reps.csv",
            "line 2",
            "capacity_hours",
            "every rep's capacity is 0",
            "selling hours",
        ]);
}

#[test]
fn an_end_before_the_start_is_named() {
    Case::new().write("reps.csv", MONTHS.replace("500000,,1,", "500000,,4,2")).simulate_refuses(&[
        "reps.csv",
        "line 3",
        "end_month",
        "before starting in month 4",
        "on or after start_month",
    ]);
}

#[test]
fn an_end_month_that_is_no_month_is_named() {
    Case::new().write("reps.csv", MONTHS.replace("500000,,1,", "500000,,1,soon")).simulate_refuses(&[
        "reps.csv",
        "line 3",
        "end_month",
        "whole number",
    ]);
}

#[test]
fn a_misspelt_expert_vertical_finds_the_accounts_vertical() {
    Case::new().edit("reps.csv", "500000,Retail", "500000,Retial").simulate_refuses(&[
        "reps.csv",
        "line 2",
        "expert_verticals",
        "did you mean \"Retail\"",
    ]);
}

#[test]
fn an_expert_vertical_of_no_account_lists_the_verticals() {
    Case::new().edit("reps.csv", "900000,Fintech", "900000,Aerospace").simulate_refuses(&[
        "reps.csv",
        "line 4",
        "expert_verticals",
        "{Fintech, Retail, Software}",
        "fix the name or remove it",
    ]);
}

#[test]
fn zero_reps_are_refused() {
    Case::new()
        .write("reps.csv", "id,name,role,region,capacity_hours,annual_quota\n")
        .simulate_refuses(&["reps.csv", "no data rows"]);
}

#[test]
fn zero_accounts_are_refused() {
    Case::new()
        .write("accounts.csv", "Id,Name,Industry,NumberOfEmployees,AnnualRevenue,BillingCountry,OwnerId\n")
        .simulate_refuses(&["accounts.csv", "no data rows"]);
}

#[test]
fn a_negative_capacity_is_named() {
    Case::new().edit("reps.csv", "AMER,120,", "AMER,-5,").simulate_refuses(&[
        "reps.csv",
        "line 2",
        "capacity_hours",
    ]);
}

// Carve-outs and units.

#[test]
fn an_activity_after_as_of_is_named() {
    Case::new().edit("carveouts.csv", "2025-12-01", "2026-02-01").simulate_refuses(&[
        "carveouts.csv",
        "line 2",
        "last_activity_date",
        "after the scenario's as_of (2026-01-01)",
    ]);
}

#[test]
fn an_activity_date_that_is_no_date_is_named() {
    Case::new().edit("carveouts.csv", "2025-12-01", "last week").simulate_refuses(&[
        "carveouts.csv",
        "line 2",
        "last_activity_date",
        "YYYY-MM-DD",
    ]);
}

#[test]
fn a_neighbour_that_is_no_unit_is_named_with_its_line() {
    Case::new()
        .write("units.csv", UNITS.replace("001;003", "001;004"))
        .append("s.toml", "\n[optimize]\nadjacency = \"units.csv\"\ntrials = 20\n")
        .refuses(
            &["optimize", "s.toml", "--out", "out", "--quiet"],
            "out",
            &["units.csv", "line 3", "neighbors", "neighbour 004", "did you mean \"003\""],
        );
}

#[test]
fn a_neighbour_beyond_the_table_is_allowed_when_the_adjacency_is_whole() {
    let case = Case::new().write("units.csv", UNITS.replace("001,002\n", "001,002;999\n"));
    terrasim::io::load_units(&case.path("units.csv")).unwrap_or_else(|e| panic!("{e}"));
}

// What loads, and what it declares.

#[test]
fn a_region_alias_maps_the_reps_words() {
    let case = Case::new()
        .edit("reps.csv", "R1,Ana,SMB,AMER", "R1,Ana,SMB,North America")
        .append("s.toml", "\n[data.region_aliases]\n\"North America\" = \"AMER\"\n");
    assert_eq!(loads(&case).reps()[0].region.as_str(), "AMER");
}

#[test]
fn a_country_override_moves_the_country() {
    let case = Case::new()
        .edit("reps.csv", "R3,Cho,MM,EMEA", "R3,Cho,MM,DACH")
        .append("s.toml", "\n[data.country_regions]\nDE = \"DACH\"\n");
    assert_eq!(loads(&case).accounts()[1].region.as_str(), "DACH");
}

#[test]
fn crm_types_and_stages_set_the_customer_flag() {
    let typed = loads(&Case::new().write("accounts.csv", TYPED));
    let flags: Vec<bool> = typed.accounts().iter().map(|a| a.is_customer).collect();
    assert_eq!(flags, [true, false, false, false]);
    assert!(!codes(&typed).contains(&"customer_default".to_string()));
    let staged = loads(&Case::new().write("accounts.csv", STAGED));
    let flags: Vec<bool> = staged.accounts().iter().map(|a| a.is_customer).collect();
    assert_eq!(flags, [true, false, false, false]);
}

#[test]
fn unknown_owners_can_count_as_unowned_and_say_how_many() {
    let case = Case::new()
        .edit("accounts.csv", "Germany,R3", "Germany,Priya Patel")
        .edit("s.toml", "[data]\n", "[data]\nunknown_owners = \"unowned\"\n")
        .edit("s.toml", "plan = \"plan.csv\"\n", "")
        .edit("s.toml", "carveouts = \"carveouts.csv\"\n", "");
    let m = loads(&case);
    assert_eq!(m.plan().owner(1), None);
    let said = m.assumptions().iter().find(|a| a.code == "owners_unowned").expect("declared");
    assert!(
        said.message.contains("1 accounts name owners not in the reps file (e.g. \"Priya Patel\")"),
        "{said}"
    );
}

#[test]
fn the_corpus_market_declares_its_defaults() {
    let m = loads(&Case::new());
    let c = codes(&m);
    for code in ["potential_default", "tier_default", "customer_default"] {
        assert!(c.contains(&code.to_string()), "{code} missing from {c:?}");
    }
    let tier = m.assumptions().iter().find(|a| a.code == "tier_default").unwrap();
    assert!(tier.subject.ends_with("accounts.csv") && tier.message.contains("tier 2"), "{tier}");
}

#[test]
fn potential_from_revenue_replaces_the_flat_default() {
    let m = loads(&Case::new().append("s.toml", "\n[scoring]\npotential_from_revenue = 0.01\n"));
    let flat = loads(&Case::new());
    // A1 has $1,000,000 of revenue: its typical deal is 1% of it, 10,000, times the score factor (score / 3).
    let a1 = &m.accounts()[0];
    assert!((a1.potential.get() - 10_000.0 * a1.score / 3.0).abs() < 1e-6, "{}", a1.potential.get());
    assert_ne!(a1.potential, flat.accounts()[0].potential);
    // A2 has no revenue: it keeps the segment's deal size.
    assert_eq!(m.accounts()[1].potential, flat.accounts()[1].potential);
    let c = codes(&m);
    assert!(
        c.contains(&"potential_from_revenue".to_string()) && c.contains(&"potential_default".to_string()),
        "{c:?}"
    );
}

// Reps from a users export and a quota file.

const USERS: &str = "Id,FirstName,LastName,Email,UserRole.Name,IsActive,Country\n\
R1,Ana,Silva,ana@x.com,SMB,true,United States\n\
R2,Ben,Stone,ben@x.com,SMB,true,United States\n\
R3,Cho,Min,cho@x.com,MM,true,Germany\n\
R4,Old,Timer,old@x.com,SMB,false,United States\n";
const QUOTAS: &str =
    "Email,Annual Quota,Capacity Hours\nana@x.com,500000,120\nben@x.com,500000,120\ncho@x.com,900000,110\n";

fn users_case() -> Case {
    Case::new().write("users.csv", USERS).write("quotas.csv", QUOTAS).edit(
        "s.toml",
        "reps = \"reps.csv\"\n",
        "users = \"users.csv\"\nquotas = \"quotas.csv\"\n",
    )
}

#[test]
fn users_and_quotas_load_in_place_of_reps() {
    let m = loads(&users_case());
    assert_eq!(m.reps().len(), 3, "the inactive user is dropped");
    assert_eq!(m.reps()[0].name, "Ana Silva");
    assert!(codes(&m).contains(&"users_inactive".to_string()));
}

#[test]
fn no_reps_and_no_users_is_refused() {
    Case::new().edit("s.toml", "reps = \"reps.csv\"\n", "").simulate_refuses(&[
        "s.toml",
        "data.reps",
        "users",
    ]);
}

#[test]
fn users_without_quotas_is_refused() {
    users_case().edit("s.toml", "quotas = \"quotas.csv\"\n", "").simulate_refuses(&[
        "s.toml",
        "data.quotas",
        "quotas = \"quotas.csv\"",
    ]);
}

#[test]
fn reps_and_users_both_is_refused() {
    users_case().edit("s.toml", "users = ", "reps = \"reps.csv\"\nusers = ").simulate_refuses(&[
        "s.toml",
        "data.users",
        "not both",
    ]);
}

#[test]
fn a_quota_row_naming_no_user_finds_the_closest() {
    users_case().edit("quotas.csv", "ben@x.com", "Ben Stonne").simulate_refuses(&[
        "quotas.csv",
        "line 3",
        "rep",
        "did you mean \"Ben Stone\"",
    ]);
}

#[test]
fn a_quota_row_for_an_inactive_user_is_named() {
    users_case().append("quotas.csv", "old@x.com,400000,100\n").simulate_refuses(&[
        "quotas.csv",
        "line 5",
        "rep",
        "no active user",
    ]);
}

#[test]
fn two_quota_rows_for_one_user_are_named() {
    users_case().append("quotas.csv", "R1,400000,100\n").simulate_refuses(&[
        "quotas.csv",
        "line 5",
        "two quota rows (lines 2 and 5)",
    ]);
}

#[test]
fn an_unmapped_user_role_names_the_mapping() {
    users_case().edit("users.csv", "ana@x.com,SMB", "ana@x.com,Account Executive").simulate_refuses(&[
        "users.csv",
        "line 2",
        "role",
        "[data.roles] \"Account Executive\" = \"MM\"",
    ]);
}

#[test]
fn a_user_country_of_no_region_is_named() {
    users_case().edit("users.csv", "true,Germany", "true,Germania").simulate_refuses(&[
        "users.csv",
        "line 4",
        "country",
        "did you mean \"Germany\"",
    ]);
}

#[test]
fn a_quota_that_is_no_amount_is_named() {
    users_case().edit("quotas.csv", "cho@x.com,900000", "cho@x.com,lots").simulate_refuses(&[
        "quotas.csv",
        "line 4",
        "annual_quota",
    ]);
}

/// The open pipeline: a pipeline file that is missing is named.
#[test]
fn a_missing_pipeline_file_is_named() {
    Case::new()
        .append("s.toml", "pipeline = \"open_deals.csv\"\n")
        .simulate_refuses(&["open_deals.csv", "cannot read"]);
}

/// A pipeline export with an amount that is no number names the file, the line and the column.
#[test]
fn a_pipeline_amount_that_is_not_money_names_the_cell() {
    Case::new()
        .write("open.csv", "Id,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate\nP1,A2,R3,Negotiation,lots,2026-03-01,2025-12-01\n")
        .append("s.toml", "pipeline = \"open.csv\"\n")
        .simulate_refuses(&["open.csv", "line 2", "Amount"]);
}

/// Open deals start the year, every one of them (an account may hold several), and a deal created after
/// as_of is not open yet: declared.
#[test]
fn the_open_pipeline_is_carried_in_and_what_it_leaves_out_declared() {
    let case = Case::new()
        .append("history.csv", "O5,A1,R1,Negotiation,9000,2026-04-01,2025-12-15\nO6,A3,R2,Prospecting,5000,2026-05-01,2026-02-01\n")
        .append("s.toml", "history = \"history.csv\"\n");
    let o = case.run(&["simulate", "s.toml", "--trials", "20", "--out", "out", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.path("out/result.json")).unwrap()).unwrap();
    assert_eq!(result["open_pipeline"]["deals"], 2, "O4 and O5 on A1 (O6 is after as_of)");
    assert_eq!(result["open_pipeline"]["value"], 24000.0);
    let codes: Vec<&str> =
        result["assumptions"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"pipeline_after_as_of"), "{codes:?}");
    assert!(!codes.contains(&"open_pipeline_missing"), "{codes:?}");
}

/// A history without as_of carries nothing in, and says so.
#[test]
fn a_history_without_as_of_declares_no_open_pipeline() {
    let case = Case::new()
        .edit("s.toml", "as_of = \"2026-01-01\"\n", "")
        .append("s.toml", "history = \"history.csv\"\n");
    let o = case.run(&["validate", "s.toml"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "warning: as_of: [data] history names the opportunities, but the scenario has no as_of"
        ),
        "{stderr}"
    );
}

/// Stage names that look closed but are not Salesforce's or HubSpot's own are refused, listing them first.
#[test]
fn closed_looking_stages_that_match_no_known_name_are_refused() {
    for (from, to) in [
        ("Closed Won", "Gewonnen"),
        ("Closed Lost", "Closed - No Decision"),
        ("Closed Won", "Closed - Won't Proceed"),
    ] {
        Case::new().edit("history.csv", from, to).refuses(
            &["calibrate", "--scenario", "s.toml", "--history", "history.csv", "--out", "p.toml"],
            "p.toml",
            &["history.csv", "look closed", to, "[data.stages]"],
        );
    }
}

#[test]
fn a_stage_listed_as_won_and_lost_is_refused() {
    Case::new()
        .append("s.toml", "[data.stages]\nwon = [\"Closed Won\"]\nlost = [\"Closed Lost\", \"Closed Won\"]\nopen = [\"Prospecting\"]\n")
        .refuses(
            &["calibrate", "--scenario", "s.toml", "--history", "history.csv", "--out", "p.toml"],
            "p.toml",
            &["s.toml", "data.stages.lost", "\"Closed Won\" is listed under both won and lost"],
        );
}

#[test]
fn accounts_without_size_or_industry_are_declared() {
    let case = Case::new().edit("accounts.csv", "A1,Acme,Retail,50,\"$1,000,000\"", "A1,Acme,,,");
    let o = case.run(&["validate", "s.toml"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("1 of 4 accounts have neither employees nor annual revenue, so they are sized SMB"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 4 accounts have no industry, so their vertical is \"Unknown\""),
        "{stderr}"
    );
}

#[test]
fn a_monthly_capacity_above_a_month_of_hours_is_refused() {
    Case::new().edit("reps.csv", "R1,Ana,SMB,AMER,120,", "R1,Ana,SMB,AMER,1500,").simulate_refuses(&[
        "reps.csv",
        "line 2",
        "capacity_hours",
        "more than a month has (744)",
    ]);
}

#[test]
fn an_account_carved_out_twice_is_refused() {
    Case::new().append("carveouts.csv", "A1,R1,again,90,2025-12-01\n").simulate_refuses(&[
        "carveouts.csv",
        "line 3",
        "account A1 is carved out twice (lines 2 and 3)",
    ]);
}

/// A plan file that leaves out accounts the accounts file gives an owner: they start unowned, declared.
#[test]
fn a_plan_that_omits_owned_accounts_is_declared() {
    let case = Case::new().write("plan.csv", "account_id,owner_id\nA1,R1\n");
    let o = case.run(&["validate", "s.toml"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 accounts have an owner in the accounts file but no row in the plan file"),
        "{stderr}"
    );
}

/// A plan exported from Salesforce with the owner's id under its report label.
#[test]
fn a_plan_with_salesforce_report_headers_loads() {
    let case = Case::new().write("plan.csv", "Account ID,Account Owner ID\nA1,R1\nA2,R3\nA3,R2\n");
    let o = case.run(&["validate", "s.toml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A place names the cell at fault: the longitude out of range, or the half of the pair that is missing.
#[test]
fn a_bad_longitude_or_half_a_place_names_the_cell() {
    let located = |a1: &str| {
        Case::new()
            .edit("accounts.csv", "OwnerId\n", "OwnerId,Latitude,Longitude\n")
            .edit("accounts.csv", "United States,R1\n", &format!("United States,R1,{a1}\n"))
            .edit("accounts.csv", "Germany,R3\n", "Germany,R3,,\n")
            .edit("accounts.csv", "United States,R2\n", "United States,R2,,\n")
            .edit("accounts.csv", "Canada,\n", "Canada,,,\n")
    };
    located("10,200").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "\"Longitude\"",
        "200 is outside [-180, 180]",
    ]);
    located("40.7,").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "\"Longitude\"",
        "give the longitude too, or neither",
    ]);
}

#[test]
fn a_negative_activity_floor_says_negative() {
    Case::new().edit("carveouts.csv", "strategic,90,", "strategic,-90,").simulate_refuses(&[
        "carveouts.csv",
        "line 2",
        "activity_floor_days",
        "-90 is negative",
    ]);
}
