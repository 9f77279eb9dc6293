//! The adversarial bad-input corpus: cells, files, scenario keys and flags as real Salesforce and HubSpot
//! exports, spreadsheets and planners write them (accounting negatives, Excel errors and serial dates, Indian
//! digit grouping, percentages, placeholders, German and US date orders, misspelt sections, out-of-range
//! events, shocks and optimizer settings, command-line values that cannot run). Every case here is one the
//! real binary refuses well: exit code 2, no panic, a message naming the file, the line or key, the field
//! and the fix, and no output written. Cases the binary does not yet refuse well are not here.

mod corpus;

use corpus::Case;

/// `terrasim calibrate` on the case's history, writing `out/params.toml`.
const CALIBRATE: [&str; 7] =
    ["calibrate", "--history", "history.csv", "--scenario", "s.toml", "--out", "out/params.toml"];
/// `terrasim stress` on the case's scenario.
const STRESS: [&str; 7] = ["stress", "s.toml", "--trials", "20", "--out", "out", "--quiet"];
/// `terrasim optimize` on the case's scenario.
const OPTIMIZE: [&str; 7] = ["optimize", "s.toml", "--trials", "20", "--out", "out", "--quiet"];

// ---- accounts: numbers, places and ids as CRM exports and spreadsheets write them -------------------------

/// Indian lakh grouping is not a thousands grouping terrasim reads.
#[test]
fn revenue_in_indian_grouping() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "\"12,34,567\"").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "\"AnnualRevenue\"",
        "annual_revenue",
        "\"12,34,567\" is not an amount",
        "1234567.89",
    ]);
}

/// A percentage in a money column.
#[test]
fn revenue_as_a_percentage() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "5%").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"5%\" is not an amount",
    ]);
}

/// Accounting negatives in parentheses.
#[test]
fn revenue_negative_in_parentheses() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "\"(1,000)\"").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"(1,000)\" is not an amount",
    ]);
}

/// Excel writes wide numbers as 1.5E6 in a General column.
#[test]
fn revenue_in_scientific_notation() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "1.5E6").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"1.5E6\" is not an amount",
    ]);
}

/// Excel's #N/A is not an amount; the fix says to leave the cell empty.
#[test]
fn revenue_excel_na() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "#N/A").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"#N/A\" is not an amount",
        "leave the cell empty",
    ]);
}

/// Excel's #VALUE! error in a cell.
#[test]
fn revenue_excel_value_error() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "#VALUE!").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"#VALUE!\"",
        "leave the cell empty",
    ]);
}

/// The word null, as some exports write an empty value.
#[test]
fn revenue_null_word() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "null").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"null\" is not an amount",
    ]);
}

/// A dash standing for "none".
#[test]
fn revenue_dash_placeholder() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "-").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"-\" is not an amount",
        "leave the cell empty",
    ]);
}

/// U+2212 MINUS SIGN, as word processors write it.
#[test]
fn revenue_with_unicode_minus() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "\u{2212}5000").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "is not an amount",
    ]);
}

/// Fullwidth digits from a CJK input method.
#[test]
fn revenue_in_fullwidth_digits() {
    Case::new()
        .edit("accounts.csv", "\"$1,000,000\"", "\u{ff11}\u{ff10}\u{ff10}\u{ff10}")
        .validate_refuses(&["accounts.csv", "line 2", "annual_revenue", "is not an amount"]);
}

/// inf is refused, not read as an unbounded revenue.
#[test]
fn revenue_of_infinity() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "inf").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"inf\" is not an amount",
    ]);
}

/// 1e400 overflows f64: refused rather than read as infinity.
#[test]
fn revenue_overflowing_to_infinity() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "1e400").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"1e400\" is not an amount",
    ]);
}

/// SAP-style trailing minus.
#[test]
fn revenue_with_trailing_minus() {
    Case::new().edit("accounts.csv", "\"$1,000,000\"", "5000-").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "annual_revenue",
        "\"5000-\" is not an amount",
    ]);
}

/// LinkedIn-style employee ranges.
#[test]
fn employees_as_a_range() {
    Case::new().edit("accounts.csv", "Retail,50,", "Retail,51-200,").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "\"NumberOfEmployees\"",
        "employees",
        "\"51-200\" is not a number",
    ]);
}

/// An open-ended size such as 10000+.
#[test]
fn employees_open_ended() {
    Case::new().edit("accounts.csv", "Retail,50,", "Retail,10000+,").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "employees",
        "\"10000+\" is not a number",
    ]);
}

/// A negative head count.
#[test]
fn employees_negative() {
    Case::new().edit("accounts.csv", "Retail,50,", "Retail,-5,").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "employees",
        "-5 is negative",
    ]);
}

/// K is for money only; employees must be a number.
#[test]
fn employees_with_a_k_suffix() {
    Case::new().edit("accounts.csv", "Retail,50,", "Retail,5K,").validate_refuses(&[
        "accounts.csv",
        "line 2",
        "employees",
        "\"5K\" is not a number",
    ]);
}

/// Scores are whole numbers from 1 to 5.
#[test]
fn score_with_a_fraction() {
    Case::new()
        .edit("accounts.csv", "OwnerId\n", "OwnerId,icp_fit\n")
        .edit("accounts.csv", "United States,R1\n", "United States,R1,3.5\n")
        .validate_refuses(&[
            "accounts.csv",
            "line 2",
            "icp_fit",
            "\"3.5\" is not a score",
            "whole number from 1 to 5",
        ]);
}

/// A percentage in a 1-5 score column.
#[test]
fn score_as_a_percentage() {
    Case::new()
        .edit("accounts.csv", "OwnerId\n", "OwnerId,icp_fit\n")
        .edit("accounts.csv", "United States,R1\n", "United States,R1,80%\n")
        .validate_refuses(&["accounts.csv", "line 2", "icp_fit", "\"80%\" is not a score"]);
}

/// A latitude of 91 is no place.
#[test]
fn latitude_beyond_the_pole() {
    Case::new()
        .edit("accounts.csv", "OwnerId\n", "OwnerId,Latitude,Longitude\n")
        .edit("accounts.csv", "United States,R1\n", "United States,R1,91,10\n")
        .edit("accounts.csv", "Germany,R3\n", "Germany,R3,,\n")
        .edit("accounts.csv", "United States,R2\n", "United States,R2,,\n")
        .edit("accounts.csv", "Canada,\n", "Canada,,,\n")
        .validate_refuses(&["accounts.csv", "line 2", "latitude", "91 is outside [-90, 90]"]);
}

/// Degrees and minutes are not decimal degrees.
#[test]
fn latitude_in_degrees_minutes_seconds() {
    Case::new()
        .edit("accounts.csv", "OwnerId\n", "OwnerId,Latitude,Longitude\n")
        .edit("accounts.csv", "United States,R1\n", "United States,R1,40\u{b0}42'N,-74\n")
        .edit("accounts.csv", "Germany,R3\n", "Germany,R3,,\n")
        .edit("accounts.csv", "United States,R2\n", "United States,R2,,\n")
        .edit("accounts.csv", "Canada,\n", "Canada,,,\n")
        .validate_refuses(&["accounts.csv", "line 2", "latitude", "give the latitude in degrees"]);
}

/// A flag emoji is no ISO 3166 country.
#[test]
fn country_as_a_flag_emoji() {
    Case::new()
        .edit("accounts.csv", "50,\"$1,000,000\",United States", "50,\"$1,000,000\",\u{1f1fa}\u{1f1f8}")
        .validate_refuses(&[
            "accounts.csv",
            "line 2",
            "\"BillingCountry\"",
            "country",
            "is no ISO 3166 country",
            "[data.country_regions]",
        ]);
}

/// ISO 3166 numeric codes are not read as countries.
#[test]
fn country_as_a_numeric_code() {
    Case::new()
        .edit("accounts.csv", "50,\"$1,000,000\",United States", "50,\"$1,000,000\",840")
        .validate_refuses(&["accounts.csv", "line 2", "country", "\"840\" is no ISO 3166 country"]);
}

/// A TBD placeholder in the country column.
#[test]
fn country_placeholder_tbd() {
    Case::new()
        .edit("accounts.csv", "50,\"$1,000,000\",United States", "50,\"$1,000,000\",TBD")
        .validate_refuses(&[
            "accounts.csv",
            "line 2",
            "country",
            "\"TBD\" is no ISO 3166 country",
            "add a region column",
        ]);
}

/// A region word in the country column is not a country.
#[test]
fn country_as_a_region_word() {
    Case::new().edit("accounts.csv", "900,,Germany", "900,,Europe").validate_refuses(&[
        "accounts.csv",
        "line 3",
        "country",
        "\"Europe\" is no ISO 3166 country",
    ]);
}

/// An account row whose id cell is empty.
#[test]
fn account_with_an_empty_id() {
    Case::new().edit("accounts.csv", "A2,Globex", ",Globex").validate_refuses(&[
        "accounts.csv",
        "line 3",
        "\"Id\"",
        "the id is empty",
        "give every account an id",
    ]);
}

/// An account row whose name cell is empty.
#[test]
fn account_with_an_empty_name() {
    Case::new().edit("accounts.csv", "A2,Globex,", "A2,,").validate_refuses(&[
        "accounts.csv",
        "line 3",
        "\"Name\"",
        "the name is empty",
    ]);
}

/// Excel turning HubSpot record ids into 1.23457E+11 makes two accounts one id.
#[test]
fn excel_mangled_ids_that_collide() {
    Case::new()
        .write("accounts.csv", "Record ID,Company name,Industry,Number of Employees,Country/Region,Company owner\n1.23457E+11,Acme,Retail,50,United States,R1\n1.23457E+11,Globex,Fintech,900,Germany,R3\n")
        .write("carveouts.csv", "account_id,owner_id,reason\n")
        .edit("s.toml", "plan = \"plan.csv\"\n", "")
        .validate_refuses(&["accounts.csv", "line 3", "\"Record ID\"", "duplicate account id 1.23457E+11", "first on line 2"]);
}

// ---- reps -------------------------------------------------------------------------------------------------

/// Hours written with a unit.
#[test]
fn capacity_with_a_unit() {
    Case::new().edit("reps.csv", "R1,Ana,SMB,AMER,120,", "R1,Ana,SMB,AMER,120h,").validate_refuses(&[
        "reps.csv",
        "line 2",
        "capacity_hours",
        "\"120h\" is not a number",
        "selling hours per month",
    ]);
}

/// Capacity given as a utilisation percentage.
#[test]
fn capacity_as_a_percentage() {
    Case::new().edit("reps.csv", "R1,Ana,SMB,AMER,120,", "R1,Ana,SMB,AMER,80%,").validate_refuses(&[
        "reps.csv",
        "line 2",
        "capacity_hours",
        "\"80%\" is not a number",
    ]);
}

/// An accounting negative quota.
#[test]
fn quota_negative_in_parentheses() {
    Case::new().edit("reps.csv", "120,500000,Retail", "120,\"(500,000)\",Retail").validate_refuses(&[
        "reps.csv",
        "line 2",
        "annual_quota",
        "\"(500,000)\" is not an amount",
    ]);
}

/// A rep without a quota.
#[test]
fn quota_empty() {
    Case::new().edit("reps.csv", "120,500000,Retail", "120,,Retail").validate_refuses(&[
        "reps.csv",
        "line 2",
        "annual_quota",
        "the cell is empty",
        "give the annual quota",
    ]);
}

/// A rep without capacity.
#[test]
fn capacity_empty() {
    Case::new().edit("reps.csv", "R1,Ana,SMB,AMER,120,", "R1,Ana,SMB,AMER,,").validate_refuses(&[
        "reps.csv",
        "line 2",
        "capacity_hours",
        "the cell is empty",
    ]);
}

/// NaN skill.
#[test]
fn skill_not_a_number() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,skill\n")
        .edit("reps.csv", "Retail\n", "Retail,NaN\n")
        .edit("reps.csv", "500000,\n", "500000,,\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .validate_refuses(&[
            "reps.csv",
            "line 2",
            "skill",
            "\"NaN\" is not a finite number",
            "positive win-rate multiplier",
        ]);
}

/// A zero skill would zero every win.
#[test]
fn skill_zero() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,skill\n")
        .edit("reps.csv", "Retail\n", "Retail,0\n")
        .edit("reps.csv", "500000,\n", "500000,,\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .validate_refuses(&["reps.csv", "line 2", "skill", "0 is out of range"]);
}

/// A negative ramp.
#[test]
fn ramp_negative() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,ramp_months\n")
        .edit("reps.csv", "Retail\n", "Retail,-3\n")
        .edit("reps.csv", "500000,\n", "500000,,\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .validate_refuses(&["reps.csv", "line 2", "ramp_months", "-3 is out of range", "zero or more"]);
}

/// Ramps are whole months.
#[test]
fn ramp_in_fractional_months() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,ramp_months\n")
        .edit("reps.csv", "Retail\n", "Retail,2.5\n")
        .edit("reps.csv", "500000,\n", "500000,,\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .validate_refuses(&["reps.csv", "line 2", "ramp_months", "whole number of months"]);
}

/// A month name where a month number goes.
#[test]
fn start_month_as_a_month_name() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,start_month\n")
        .edit("reps.csv", "Retail\n", "Retail,Apr\n")
        .edit("reps.csv", "500000,\n", "500000,,\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .validate_refuses(&[
            "reps.csv",
            "line 2",
            "start_month",
            "\"Apr\" is not a number",
            "whole month number",
        ]);
}

/// Only inside and field are motions.
#[test]
fn motion_not_inside_or_field() {
    Case::new()
        .edit("reps.csv", "expert_verticals\n", "expert_verticals,motion\n")
        .edit("reps.csv", "Retail\n", "Retail,hybrid\n")
        .edit("reps.csv", "500000,\n", "500000,,\n")
        .edit("reps.csv", "Fintech\n", "Fintech,\n")
        .validate_refuses(&["reps.csv", "line 2", "motion", "\"hybrid\" is not a motion", "inside or field"]);
}

// ---- users and quotas from the CRM ------------------------------------------------------------------------

/// A quota row without a quota.
#[test]
fn users_quota_cell_empty() {
    Case::new()
        .write("users.csv", "Id,FirstName,LastName,Email,UserRole.Name,IsActive,Country\nR1,Ana,Silva,ana@x.com,SMB,true,United States\nR2,Ben,Stone,ben@x.com,SMB,true,United States\nR3,Cho,Min,cho@x.com,MM,true,Germany\n")
        .write("quotas.csv", "Email,Annual Quota,Capacity Hours\nana@x.com,500000,120\nben@x.com,500000,120\ncho@x.com,900000,110\n")
        .edit("s.toml", "reps = \"reps.csv\"\n", "users = \"users.csv\"\nquotas = \"quotas.csv\"\n")
        .write("quotas.csv", "Email,Annual Quota,Capacity Hours\nana@x.com,,120\nben@x.com,500000,120\ncho@x.com,900000,110\n")
        .validate_refuses(&["quotas.csv", "line 2", "\"Annual Quota\"", "the quota is empty"]);
}

/// IsActive must be true or false.
#[test]
fn users_is_active_not_yes_or_no() {
    Case::new()
        .write("users.csv", "Id,FirstName,LastName,Email,UserRole.Name,IsActive,Country\nR1,Ana,Silva,ana@x.com,SMB,true,United States\nR2,Ben,Stone,ben@x.com,SMB,true,United States\nR3,Cho,Min,cho@x.com,MM,true,Germany\n")
        .write("quotas.csv", "Email,Annual Quota,Capacity Hours\nana@x.com,500000,120\nben@x.com,500000,120\ncho@x.com,900000,110\n")
        .edit("s.toml", "reps = \"reps.csv\"\n", "users = \"users.csv\"\nquotas = \"quotas.csv\"\n")
        .edit("users.csv", "SMB,true,United States\nR2", "SMB,maybe,United States\nR2")
        .validate_refuses(&["users.csv", "line 2", "\"IsActive\"", "\"maybe\" is not active or inactive", "true or false"]);
}

/// One user id on two rows.
#[test]
fn users_id_twice() {
    Case::new()
        .write("users.csv", "Id,FirstName,LastName,Email,UserRole.Name,IsActive,Country\nR1,Ana,Silva,ana@x.com,SMB,true,United States\nR2,Ben,Stone,ben@x.com,SMB,true,United States\nR3,Cho,Min,cho@x.com,MM,true,Germany\n")
        .write("quotas.csv", "Email,Annual Quota,Capacity Hours\nana@x.com,500000,120\nben@x.com,500000,120\ncho@x.com,900000,110\n")
        .edit("s.toml", "reps = \"reps.csv\"\n", "users = \"users.csv\"\nquotas = \"quotas.csv\"\n")
        .edit("users.csv", "R2,Ben", "R1,Ben")
        .validate_refuses(&["users.csv", "line 3", "user R1 appears twice", "keep one row"]);
}

/// Users without a country and quotas without a region.
#[test]
fn users_without_country_or_region() {
    Case::new()
        .write("users.csv", "Id,FirstName,LastName,Email,UserRole.Name,IsActive,Country\nR1,Ana,Silva,ana@x.com,SMB,true,United States\nR2,Ben,Stone,ben@x.com,SMB,true,United States\nR3,Cho,Min,cho@x.com,MM,true,Germany\n")
        .write("quotas.csv", "Email,Annual Quota,Capacity Hours\nana@x.com,500000,120\nben@x.com,500000,120\ncho@x.com,900000,110\n")
        .edit("s.toml", "reps = \"reps.csv\"\n", "users = \"users.csv\"\nquotas = \"quotas.csv\"\n")
        .write("users.csv", "Id,FirstName,LastName,Email,UserRole.Name,IsActive\nR1,Ana,Silva,ana@x.com,SMB,true\nR2,Ben,Stone,ben@x.com,SMB,true\nR3,Cho,Min,cho@x.com,MM,true\n")
        .validate_refuses(&["quotas.csv", "line 2", "user R1 has no region", "add a region column"]);
}

/// A quota row naming "Silva Ana" for Ana Silva.
#[test]
fn users_quota_named_by_reversed_name() {
    Case::new()
        .write("users.csv", "Id,FirstName,LastName,Email,UserRole.Name,IsActive,Country\nR1,Ana,Silva,ana@x.com,SMB,true,United States\nR2,Ben,Stone,ben@x.com,SMB,true,United States\nR3,Cho,Min,cho@x.com,MM,true,Germany\n")
        .write("quotas.csv", "Email,Annual Quota,Capacity Hours\nana@x.com,500000,120\nben@x.com,500000,120\ncho@x.com,900000,110\n")
        .edit("s.toml", "reps = \"reps.csv\"\n", "users = \"users.csv\"\nquotas = \"quotas.csv\"\n")
        .write("quotas.csv", "Name,Annual Quota\nSilva Ana,500000\nBen Stone,500000\nCho Min,900000\n")
        .validate_refuses(&["quotas.csv", "line 2", "\"Name\"", "\"Silva Ana\" is no active user"]);
}

// ---- plan, carve-outs and compared plans ------------------------------------------------------------------

/// An owner name two reps share is refused, not guessed.
#[test]
fn plan_owner_name_shared_by_two_reps() {
    Case::new()
        .edit("reps.csv", "R2,Ben", "R2,Ana")
        .write("plan.csv", "account_id,owner_id\nA1,R1\nA2,R3\nA3,Ana\n")
        .validate_refuses(&[
            "plan.csv",
            "line 4",
            "owner_id",
            "\"Ana\" matches several reps by name",
            "use the rep id",
        ]);
}

/// Account ids are case-sensitive (Salesforce 15-character ids are).
#[test]
fn plan_account_id_in_other_case() {
    Case::new().edit("plan.csv", "A1,R1", "a1,R1").validate_refuses(&[
        "plan.csv",
        "line 2",
        "account_id",
        "account a1 is not in the accounts file",
    ]);
}

/// A lower-case owner id finds the rep as a suggestion.
#[test]
fn plan_owner_id_in_other_case() {
    Case::new().edit("plan.csv", "A1,R1", "A1,r1").validate_refuses(&[
        "plan.csv",
        "line 2",
        "owner_id",
        "\"r1\" is not in the reps file",
        "did you mean \"R1\"?",
    ]);
}

/// Activity floors are whole days.
#[test]
fn carveout_floor_in_fractional_days() {
    Case::new().edit("carveouts.csv", "strategic,90,", "strategic,90.5,").validate_refuses(&[
        "carveouts.csv",
        "line 2",
        "activity_floor_days",
        "\"90.5\" is not a whole number of days",
    ]);
}

/// A carve-out of an account the accounts file lacks.
#[test]
fn carveout_of_an_unknown_account() {
    Case::new().edit("carveouts.csv", "A1,R1,strategic", "A9,R1,strategic").validate_refuses(&[
        "carveouts.csv",
        "line 2",
        "account_id",
        "account A9 is not in the accounts file",
    ]);
}

/// A carve-out locking an account the plan leaves unowned.
#[test]
fn carveout_of_an_unowned_account() {
    Case::new().edit("carveouts.csv", "A1,R1,strategic", "A4,R1,strategic").validate_refuses(&[
        "carveouts.csv",
        "line 2",
        "owner_id",
        "A4 is carved out to R1 but the plan gives it to nobody",
        "make them agree",
    ]);
}

/// A compared plan with one account on two rows.
#[test]
fn compare_plan_giving_an_account_two_owners() {
    Case::new().write("p2.csv", "account_id,owner_id\nA1,R1\nA1,R2\n").refuses(
        &["compare", "s.toml", "--plan", "p2.csv", "--trials", "20", "--out", "out", "--quiet"],
        "out",
        &["p2.csv", "line 3", "account A1 is given two owners", "lines 2 and 3", "keep one row"],
    );
}

/// A compared plan naming a rep the reps file lacks.
#[test]
fn compare_plan_with_an_unknown_owner() {
    Case::new().write("p2.csv", "account_id,owner_id\nA1,R1\nA2,R3\nA3,R9\n").refuses(
        &["compare", "s.toml", "--plan", "p2.csv", "--trials", "20", "--out", "out", "--quiet"],
        "out",
        &["p2.csv", "line 4", "owner_id", "\"R9\" is not in the reps file"],
    );
}

/// A compared plan path that does not exist.
#[test]
fn compare_plan_that_does_not_exist() {
    Case::new().refuses(
        &["compare", "s.toml", "--plan", "nope.csv", "--trials", "20", "--out", "out", "--quiet"],
        "out",
        &["nope.csv", "cannot read"],
    );
}

// ---- files that are not files, and read settings that name nothing ----------------------------------------

/// A folder where the accounts file should be.
#[test]
fn a_directory_in_place_of_the_accounts_file() {
    let case = Case::new();
    std::fs::remove_file(case.path("accounts.csv")).unwrap();
    std::fs::create_dir(case.path("accounts.csv")).unwrap();
    case.simulate_refuses(&["accounts.csv", "cannot read"]);
}

/// A symlink loop where the plan should be.
#[cfg(unix)]
#[test]
fn a_symlink_loop_in_place_of_the_plan() {
    let case = Case::new();
    std::fs::remove_file(case.path("plan.csv")).unwrap();
    std::os::unix::fs::symlink("plan2.csv", case.path("plan.csv")).unwrap();
    std::os::unix::fs::symlink("plan.csv", case.path("plan2.csv")).unwrap();
    case.validate_refuses(&["plan.csv", "cannot read"]);
}

/// An encoding terrasim does not know.
#[test]
fn encoding_setting_of_no_encoding() {
    Case::new().edit("s.toml", "[data]\n", "[data]\nencoding = \"ebcdic\"\n").validate_refuses(&[
        "s.toml",
        "line 7",
        "ebcdic",
        "windows-1252",
    ]);
}

/// A delimiter terrasim does not know.
#[test]
fn delimiter_setting_of_no_delimiter() {
    Case::new().edit("s.toml", "[data]\n", "[data]\ndelimiter = \":\"\n").validate_refuses(&[
        "s.toml",
        "line 7",
        "unknown variant `:`",
        "tab",
    ]);
}

// ---- the scenario file ------------------------------------------------------------------------------------

/// A horizon of no month.
#[test]
fn horizon_of_zero_months() {
    Case::new().edit("s.toml", "trials = 20\n", "trials = 20\nhorizon_months = 0\n").validate_refuses(&[
        "s.toml",
        "horizon_months",
        "between 1 and 120 months",
    ]);
}

/// A horizon beyond ten years.
#[test]
fn horizon_of_a_thousand_months() {
    Case::new().edit("s.toml", "trials = 20\n", "trials = 20\nhorizon_months = 1000\n").simulate_refuses(&[
        "s.toml",
        "horizon_months",
        "between 1 and 120 months",
    ]);
}

/// A negative horizon is a type error on its line.
#[test]
fn horizon_negative() {
    Case::new().edit("s.toml", "trials = 20\n", "trials = 20\nhorizon_months = -12\n").validate_refuses(&[
        "s.toml",
        "line 5",
        "horizon_months",
        "-12",
    ]);
}

/// trials = -1.
#[test]
fn trials_negative_in_the_scenario() {
    Case::new()
        .edit("s.toml", "trials = 20", "trials = -1")
        .simulate_refuses(&["s.toml", "line 4", "trials", "-1"]);
}

/// trials = "20".
#[test]
fn trials_as_a_string() {
    Case::new().edit("s.toml", "trials = 20", "trials = \"20\"").validate_refuses(&[
        "s.toml",
        "line 4",
        "trials",
        "invalid type: string",
    ]);
}

/// schema_version = 2.
#[test]
fn schema_version_from_the_future() {
    Case::new().edit("s.toml", "schema_version = 1", "schema_version = 2").validate_refuses(&[
        "s.toml",
        "schema_version",
        "version 2 is not supported",
        "schema_version = 1",
    ]);
}

/// as_of must be ISO.
#[test]
fn as_of_in_us_order() {
    Case::new().edit("s.toml", "as_of = \"2026-01-01\"", "as_of = \"01/01/2026\"").validate_refuses(&[
        "s.toml",
        "as_of",
        "\"01/01/2026\" is not a date",
        "YYYY-MM-DD",
    ]);
}

/// February 30th.
#[test]
fn as_of_a_day_that_does_not_exist() {
    Case::new().edit("s.toml", "as_of = \"2026-01-01\"", "as_of = \"2026-02-30\"").validate_refuses(&[
        "s.toml",
        "as_of",
        "\"2026-02-30\" is not a date",
    ]);
}

/// as_of is a date, not a datetime.
#[test]
fn as_of_a_datetime() {
    Case::new()
        .edit("s.toml", "as_of = \"2026-01-01\"", "as_of = \"2026-01-01T00:00:00Z\"")
        .validate_refuses(&["s.toml", "as_of", "is not a date", "YYYY-MM-DD"]);
}

/// `[modle]` instead of `[model]`.
#[test]
fn misspelt_section() {
    Case::new().append("s.toml", "\n[modle]\nmarket_factor_sigma = 0.1\n").validate_refuses(&[
        "s.toml",
        "line 12",
        "unknown field `modle`",
        "`model`",
    ]);
}

/// market_factor_sigma = nan.
#[test]
fn market_factor_sigma_not_a_number() {
    Case::new().append("s.toml", "\n[model]\nmarket_factor_sigma = nan\n").validate_refuses(&[
        "s.toml",
        "model.market_factor_sigma = NaN",
        "[0, 2]",
    ]);
}

/// market_factor_sigma = -0.1.
#[test]
fn market_factor_sigma_negative() {
    Case::new().append("s.toml", "\n[model]\nmarket_factor_sigma = -0.1\n").validate_refuses(&[
        "s.toml",
        "model.market_factor_sigma = -0.1",
        "[0, 2]",
    ]);
}

/// A Beta parameter below zero.
#[test]
fn params_win_rate_alpha_negative() {
    Case::new()
        .append("s.toml", "\n[params.SMB]\nwin_rate_alpha = -1.0\nwin_rate_beta = 10.0\n")
        .validate_refuses(&["s.toml", "line 13", "win_rate_alpha = -1.0", "-1 must be a number above 0"]);
}

/// win_rate_beta = nan.
#[test]
fn params_win_rate_beta_not_a_number() {
    Case::new().append("s.toml", "\n[params.SMB]\nwin_rate_beta = nan\n").validate_refuses(&[
        "s.toml",
        "line 13",
        "win_rate_beta = nan",
        "NaN is not a finite number",
    ]);
}

/// win_rate instead of win_rate_alpha / win_rate_beta.
#[test]
fn params_key_that_is_no_parameter() {
    Case::new().append("s.toml", "\n[params.SMB]\nwin_rate = 0.2\n").validate_refuses(&[
        "s.toml",
        "line 13",
        "unknown field `win_rate`",
        "win_rate_alpha",
    ]);
}

/// Weights as percentages of 90 each.
#[test]
fn score_weights_not_summing_to_one() {
    Case::new()
        .append("s.toml", "\n[scoring.weights]\nicp_fit = 0.9\nsignal_recency = 0.9\nwhitespace = 0.9\ncompetitive_difficulty = 0.9\n")
        .validate_refuses(&["s.toml", "scoring.weights", "sum to 3.6", "add up to 1"]);
}

/// A negative weight.
#[test]
fn score_weight_negative() {
    Case::new()
        .append("s.toml", "\n[scoring.weights]\nicp_fit = -0.3\nsignal_recency = 0.5\nwhitespace = 0.5\ncompetitive_difficulty = 0.3\n")
        .validate_refuses(&["s.toml", "scoring.weights", "non-negative"]);
}

/// The MM threshold above the ENT one.
#[test]
fn size_bands_inverted() {
    Case::new()
        .append("s.toml", "\n[size_bands]\nmm_min_employees = 2000\nent_min_employees = 200\n")
        .validate_refuses(&["s.toml", "size_bands", "mm_min_employees must be below ent_min_employees"]);
}

/// sizeband instead of size_band.
#[test]
fn hierarchy_level_misspelt() {
    Case::new()
        .append("s.toml", "\n[segmentation]\nhierarchy = [\"region\", \"sizeband\"]\n")
        .validate_refuses(&["s.toml", "line 13", "unknown variant `sizeband`", "size_band"]);
}

/// A hierarchy without levels.
#[test]
fn hierarchy_empty() {
    Case::new().append("s.toml", "\n[segmentation]\nhierarchy = []\n").validate_refuses(&[
        "s.toml",
        "segmentation.hierarchy",
        "list at least one level",
    ]);
}

/// potential_from_revenue = "5%".
#[test]
fn potential_from_revenue_as_a_percent_string() {
    Case::new().append("s.toml", "\n[scoring]\npotential_from_revenue = \"5%\"\n").validate_refuses(&[
        "s.toml",
        "line 13",
        "potential_from_revenue",
        "invalid type: string",
    ]);
}

/// histroy instead of history.
#[test]
fn data_key_misspelt() {
    Case::new().edit("s.toml", "[data]\n", "[data]\nhistroy = \"history.csv\"\n").validate_refuses(&[
        "s.toml",
        "line 7",
        "unknown field `histroy`",
        "`history`",
    ]);
}

/// `[data.columns.accounts]` industry = ...: the field is vertical.
#[test]
fn column_mapping_of_an_unknown_field() {
    Case::new().append("s.toml", "\n[data.columns.accounts]\nindustry = \"Industry\"\n").validate_refuses(&[
        "accounts.csv",
        "[data.columns.accounts] maps unknown field `industry`",
        "vertical",
    ]);
}

/// `[data.columns.account]` (singular).
#[test]
fn column_mapping_of_an_unknown_table() {
    Case::new().append("s.toml", "\n[data.columns.account]\nvertical = \"Industry\"\n").validate_refuses(&[
        "s.toml",
        "line 12",
        "unknown field `account`",
        "`accounts`",
    ]);
}

/// trials given twice.
#[test]
fn duplicate_scenario_key() {
    Case::new().edit("s.toml", "trials = 20\n", "trials = 20\ntrials = 30\n").validate_refuses(&[
        "s.toml",
        "line 5",
        "duplicate key `trials`",
    ]);
}

/// `[data]` given twice.
#[test]
fn duplicate_scenario_table() {
    Case::new().append("s.toml", "\n[data]\nreps = \"reps.csv\"\n").validate_refuses(&[
        "s.toml",
        "line 12",
        "duplicate key `data`",
    ]);
}

// ---- include_params ---------------------------------------------------------------------------------------

/// include_params naming a missing file.
#[test]
fn included_params_file_that_does_not_exist() {
    Case::new()
        .edit("s.toml", "trials = 20\n", "trials = 20\ninclude_params = [\"nope.toml\"]\n")
        .validate_refuses(&["nope.toml", "cannot read"]);
}

/// A params file with a broken table header.
#[test]
fn included_params_file_that_is_not_toml() {
    Case::new()
        .edit("s.toml", "trials = 20\n", "trials = 20\ninclude_params = [\"p.toml\"]\n")
        .write("p.toml", "[params.SMB\nwin_rate_alpha = 3\n")
        .validate_refuses(&["p.toml", "line 1", "invalid table header"]);
}

/// win_rate in an included file.
#[test]
fn included_params_file_with_an_unknown_parameter() {
    Case::new()
        .edit("s.toml", "trials = 20\n", "trials = 20\ninclude_params = [\"p.toml\"]\n")
        .write("p.toml", "[params.SMB]\nwin_rate = 3\n")
        .validate_refuses(&["p.toml", "line 2", "unknown field `win_rate`"]);
}

/// An included file may hold params and skills only.
#[test]
fn included_params_file_with_scenario_keys() {
    Case::new()
        .edit("s.toml", "trials = 20\n", "trials = 20\ninclude_params = [\"p.toml\"]\n")
        .write("p.toml", "trials = 5\n")
        .validate_refuses(&["p.toml", "line 1", "unknown field `trials`", "`params`, `skills`, `model`"]);
}

/// A NaN in an included file names the file.
#[test]
fn included_params_file_with_nan() {
    Case::new()
        .edit("s.toml", "trials = 20\n", "trials = 20\ninclude_params = [\"p.toml\"]\n")
        .write("p.toml", "[params.SMB]\nwin_rate_alpha = nan\n")
        .validate_refuses(&["p.toml", "line 2", "win_rate_alpha = nan", "NaN is not a finite number"]);
}

/// include_params is a list.
#[test]
fn include_params_as_a_string() {
    Case::new()
        .edit("s.toml", "trials = 20\n", "trials = 20\ninclude_params = \"p.toml\"\n")
        .write("p.toml", "[params.SMB]\nwin_rate_alpha = 3.0\n")
        .validate_refuses(&["s.toml", "line 5", "include_params", "expected a sequence"]);
}

// ---- events -----------------------------------------------------------------------------------------------

/// orphan_policy = "drop".
#[test]
fn departure_with_an_unknown_orphan_policy() {
    Case::new()
        .append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\norphan_policy = \"drop\"\n")
        .validate_refuses(&["s.toml", "line 15", "unknown variant `drop`", "`spread`"]);
}

/// orphan_policy = "reassign" without reassign_to.
#[test]
fn departure_reassigning_without_a_target() {
    Case::new()
        .append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\norphan_policy = \"reassign\"\n")
        .validate_refuses(&[
            "s.toml",
            "events.departure[0].reassign_to",
            "exactly when orphan_policy = \"reassign\"",
        ]);
}

/// reassign_to a rep the reps file lacks.
#[test]
fn departure_reassigning_to_an_unknown_rep() {
    Case::new()
        .append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\norphan_policy = \"reassign\"\nreassign_to = \"R8\"\n")
        .validate_refuses(&["s.toml", "events.departure[0].reassign_to", "rep R8 is not in the reps file"]);
}

/// `[events.departure]` instead of `[[events.departure]]`.
#[test]
fn departure_written_as_a_single_table() {
    Case::new().append("s.toml", "\n[events.departure]\nrep = \"R2\"\nmonth = 3\n").validate_refuses(&[
        "s.toml",
        "line 12",
        "expected a sequence",
    ]);
}

/// month = 3.5.
#[test]
fn departure_in_a_fractional_month() {
    Case::new()
        .append("s.toml", "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3.5\n")
        .validate_refuses(&["s.toml", "line 14", "month", "3.5"]);
}

/// A hire with negative hours.
#[test]
fn hire_with_negative_capacity() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\ncapacity_hours = -10.0\n")
        .validate_refuses(&["s.toml", "events.hire[0].capacity_hours", "-10 must be a non-negative number"]);
}

/// A hire with NaN hours.
#[test]
fn hire_with_capacity_not_a_number() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\ncapacity_hours = nan\n")
        .validate_refuses(&["s.toml", "events.hire[0].capacity_hours", "NaN"]);
}

/// A hire with infinite hours.
#[test]
fn hire_with_infinite_capacity() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\ncapacity_hours = inf\n")
        .validate_refuses(&["s.toml", "events.hire[0].capacity_hours", "inf"]);
}

/// A hire with a negative quota.
#[test]
fn hire_with_a_negative_quota() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\nannual_quota = -1.0\n")
        .validate_refuses(&["s.toml", "events.hire[0].annual_quota", "-1 must be a non-negative number"]);
}

/// take_from names a rep the reps file lacks.
#[test]
fn hire_taking_from_an_unknown_rep() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\ntake_from = [\"R9\"]\n")
        .validate_refuses(&["s.toml", "events.hire[0].take_from[0]", "rep R9 is not in the reps file"]);
}

/// take_share = 2.0.
#[test]
fn hire_taking_more_than_the_whole_book() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\ntake_from = [\"R2\"]\ntake_share = 2.0\n")
        .validate_refuses(&["s.toml", "events.hire[0].take_share", "[0, 1]"]);
}

/// take_share = -0.5.
#[test]
fn hire_taking_a_negative_share() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nrep = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\ntake_from = [\"R2\"]\ntake_share = -0.5\n")
        .validate_refuses(&["s.toml", "events.hire[0].take_share", "[0, 1]"]);
}

/// role = "Enterprise" in the scenario: the bands are SMB, MM, ENT.
#[test]
fn hire_of_a_role_in_long_words() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.hire]]\nrep = \"H1\"\nrole = \"Enterprise\"\nregion = \"AMER\"\nstart_month = 4\n",
        )
        .validate_refuses(&["s.toml", "line 14", "unknown variant `Enterprise`", "`ENT`"]);
}

/// rep = "".
#[test]
fn hire_with_an_empty_id() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.hire]]\nrep = \"\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 4\n",
        )
        .validate_refuses(&["s.toml", "line 13", "the id is empty"]);
}

/// id and month are not hire fields (rep and start_month are).
#[test]
fn hire_written_with_id_and_month() {
    Case::new()
        .append("s.toml", "\n[[events.hire]]\nid = \"H1\"\nrole = \"SMB\"\nregion = \"AMER\"\nmonth = 4\n")
        .validate_refuses(&["s.toml", "line 13", "unknown field `id`", "`rep`", "`start_month`"]);
}

/// A capacity change for R9.
#[test]
fn capacity_change_of_an_unknown_rep() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R9\"\nfrom_month = 2\ncapacity_hours = 100.0\n",
        )
        .validate_refuses(&["s.toml", "events.capacity_change[0].rep", "rep R9 is not in the reps file"]);
}

/// A capacity change to -100 hours.
#[test]
fn capacity_change_negative() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 2\ncapacity_hours = -100.0\n",
        )
        .validate_refuses(&["s.toml", "events.capacity_change[0].capacity_hours", "cannot be negative"]);
}

/// from_month = 0.
#[test]
fn capacity_change_in_month_zero() {
    Case::new()
        .append(
            "s.toml",
            "\n[[events.capacity_change]]\nrep = \"R2\"\nfrom_month = 0\ncapacity_hours = 100.0\n",
        )
        .validate_refuses(&[
            "s.toml",
            "events.capacity_change[0].from_month",
            "month 0 is outside the 12-month horizon",
            "1..=12",
        ]);
}

/// A quota change for R9.
#[test]
fn quota_change_of_an_unknown_rep() {
    Case::new()
        .append("s.toml", "\n[[events.quota_change]]\nrep = \"R9\"\nannual_quota = 1000.0\n")
        .validate_refuses(&["s.toml", "events.quota_change[0].rep", "rep R9 is not in the reps file"]);
}

/// `[skills]` R1 = nan.
#[test]
fn skill_override_not_a_number() {
    Case::new().append("s.toml", "\n[skills]\nR1 = nan\n").validate_refuses(&[
        "s.toml",
        "skills.\"R1\"",
        "NaN must be a number above 0",
    ]);
}

/// `[skills]` R1 = 0.0.
#[test]
fn skill_override_zero() {
    Case::new().append("s.toml", "\n[skills]\nR1 = 0.0\n").validate_refuses(&[
        "s.toml",
        "skills.\"R1\"",
        "0 must be a number above 0",
    ]);
}

// ---- shocks (`terrasim stress`) ---------------------------------------------------------------------------

/// win_rate_multiplier = nan.
#[test]
fn shock_win_rate_not_a_number() {
    Case::new().append("s.toml", "\n[[shocks]]\nname = \"x\"\nwin_rate_multiplier = nan\n").refuses(
        &STRESS,
        "out",
        &["s.toml", "shocks[0].win_rate_multiplier", "NaN must be a non-negative number"],
    );
}

/// win_rate_multiplier = inf.
#[test]
fn shock_win_rate_infinite() {
    Case::new().append("s.toml", "\n[[shocks]]\nname = \"x\"\nwin_rate_multiplier = inf\n").refuses(
        &STRESS,
        "out",
        &["s.toml", "shocks[0].win_rate_multiplier", "inf must be a non-negative number"],
    );
}

/// ramp_slowdown = -1.0.
#[test]
fn shock_ramp_slowdown_negative() {
    Case::new().append("s.toml", "\n[[shocks]]\nname = \"x\"\nramp_slowdown = -1.0\n").refuses(
        &STRESS,
        "out",
        &["s.toml", "shocks[0].ramp_slowdown", "-1 must be a non-negative number"],
    );
}

/// A shock with no name key.
#[test]
fn shock_without_a_name() {
    Case::new().append("s.toml", "\n[[shocks]]\nwin_rate_multiplier = 0.8\n").refuses(
        &STRESS,
        "out",
        &["s.toml", "line 12", "missing field `name`"],
    );
}

/// name = "".
#[test]
fn shock_with_an_empty_name() {
    Case::new().append("s.toml", "\n[[shocks]]\nname = \"\"\nwin_rate_multiplier = 0.8\n").refuses(
        &STRESS,
        "out",
        &["s.toml", "shocks[0].name", "give the shock a name"],
    );
}

/// winrate_multiplier.
#[test]
fn shock_key_misspelt() {
    Case::new().append("s.toml", "\n[[shocks]]\nname = \"x\"\nwinrate_multiplier = 0.8\n").refuses(
        &STRESS,
        "out",
        &["s.toml", "line 14", "unknown field `winrate_multiplier`", "`win_rate_multiplier`"],
    );
}

/// depart_rep = "R9".
#[test]
fn shock_departing_an_unknown_rep() {
    Case::new()
        .append("s.toml", "\n[[shocks]]\nname = \"x\"\ndepart_rep = \"R9\"\ndepart_month = 3\n")
        .refuses(&STRESS, "out", &["s.toml", "shocks[0].depart_rep", "rep R9 is not in the reps file"]);
}

/// vertical_dark = "Healthcare".
#[test]
fn shock_in_a_vertical_nobody_has() {
    Case::new().append("s.toml", "\n[[shocks]]\nname = \"x\"\nvertical_dark = \"Healthcare\"\n").refuses(
        &STRESS,
        "out",
        &[
            "s.toml",
            "shocks[0].vertical_dark",
            "\"Healthcare\" is the vertical of no account",
            "Fintech, Retail, Software",
        ],
    );
}

// ---- optimize ---------------------------------------------------------------------------------------------

/// strategies = [].
#[test]
fn optimize_with_no_strategy() {
    Case::new().append("s.toml", "\n[optimize]\nstrategies = []\n").refuses(
        &OPTIMIZE,
        "out",
        &["s.toml", "optimize.strategies", "list at least one strategy"],
    );
}

/// strategies = `["greedy"]`.
#[test]
fn optimize_with_an_unknown_strategy() {
    Case::new().append("s.toml", "\n[optimize]\nstrategies = [\"greedy\"]\n").refuses(
        &OPTIMIZE,
        "out",
        &["s.toml", "line 13", "unknown variant `greedy`", "`geographic`"],
    );
}

/// continuity_budget = 2.0.
#[test]
fn optimize_continuity_budget_above_one() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 2.0\n")
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.continuity_budget", "[0, 1]"]);
}

/// continuity_budget = -0.1.
#[test]
fn optimize_continuity_budget_negative() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = -0.1\n")
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.continuity_budget", "[0, 1]"]);
}

/// continuity_budget = 10.0 meaning 10%.
#[test]
fn optimize_continuity_budget_in_percent() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 10.0\n")
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.continuity_budget", "[0, 1]"]);
}

/// The unowned account must move, and 10% of 4 accounts is no move.
#[test]
fn optimize_continuity_budget_too_small_for_the_unowned() {
    Case::new().append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\n").refuses(
        &OPTIMIZE,
        "out",
        &["s.toml", "optimize.continuity_budget", "must move", "raise the budget to at least 0.250"],
    );
}

/// potential_band = -0.1.
#[test]
fn optimize_potential_band_negative() {
    Case::new()
        .append(
            "s.toml",
            "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\npotential_band = -0.1\n",
        )
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.potential_band", "(0, 1)"]);
}

/// workload_band = nan.
#[test]
fn optimize_workload_band_not_a_number() {
    Case::new()
        .append(
            "s.toml",
            "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\nworkload_band = nan\n",
        )
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.workload_band", "(0, 1)"]);
}

/// `[optimize]` trials = 0.
#[test]
fn optimize_with_zero_trials() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\ntrials = 0\n")
        .refuses(
            &["optimize", "s.toml", "--out", "out", "--quiet"],
            "out",
            &["s.toml", "optimize", "trials and search_effort must be at least 1"],
        );
}

/// search_effort = 0.
#[test]
fn optimize_with_zero_search_effort() {
    Case::new()
        .append(
            "s.toml",
            "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\nsearch_effort = 0\n",
        )
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize", "at least 1"]);
}

/// vertical is not a rep attribute.
#[test]
fn optimize_eligibility_by_vertical() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\neligibility = [\"vertical\"]\n")
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.eligibility", "not a rep attribute", "\"size_band\""]);
}

/// `[[optimize.add]]` with the id of a rep of the reps file.
#[test]
fn optimize_adding_an_existing_rep() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\n\n[[optimize.add]]\nrep = \"R1\"\nrole = \"SMB\"\nregion = \"AMER\"\nstart_month = 1\n")
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.add[0].rep", "rep R1 already exists", "new id"]);
}

/// `[[optimize.remove]]` of R9.
#[test]
fn optimize_removing_an_unknown_rep() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\n\n[[optimize.remove]]\nrep = \"R9\"\nmonth = 2\n")
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.remove[0].rep", "rep R9 is not in the reps file"]);
}

/// Removing the rep a carve-out is locked to.
#[test]
fn optimize_removing_a_carveout_owner() {
    Case::new()
        .append("s.toml", "\n[optimize]\nstrategies = [\"current\"]\ncontinuity_budget = 1.0\n\n[[optimize.remove]]\nrep = \"R1\"\nmonth = 2\n")
        .refuses(&OPTIMIZE, "out", &["s.toml", "optimize.remove[0].rep", "A1 is carved out to R1", "end the carve-out"]);
}

/// strategy instead of strategies.
#[test]
fn optimize_key_misspelt() {
    Case::new().append("s.toml", "\n[optimize]\nstrategy = [\"current\"]\n").refuses(
        &OPTIMIZE,
        "out",
        &["s.toml", "line 13", "unknown field `strategy`", "`strategies`"],
    );
}

// ---- opportunity history (`terrasim calibrate`) -----------------------------------------------------------

/// 2025-13-01.
#[test]
fn history_close_date_in_month_13() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,12000,2025-13-01,2025-03-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &[
                "history.csv",
                "line 2",
                "\"CloseDate\"",
                "close_date",
                "\"2025-13-01\" is not a date",
                "YYYY-MM-DD",
            ],
        );
}

/// 31.12.2025 is refused, not guessed.
#[test]
fn history_close_date_in_german_dotted_order() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,12000,31.12.2025,2025-03-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 2", "close_date", "\"31.12.2025\" is not a date"],
        );
}

/// 45678 is an Excel day number, not a date.
#[test]
fn history_close_date_as_an_excel_serial() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,12000,45678,2025-03-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 2", "close_date", "\"45678\" is not a date"],
        );
}

/// Jun 1 2025.
#[test]
fn history_close_date_with_a_month_name() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,12000,Jun 1 2025,2025-03-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 2", "close_date", "\"Jun 1 2025\" is not a date"],
        );
}

/// 2025-02-30.
#[test]
fn history_close_date_february_30() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,12000,2025-02-30,2025-01-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 2", "close_date", "\"2025-02-30\" is not a date"],
        );
}

/// 2025/06/01: both date cells of the row are named.
#[test]
fn history_dates_with_slashes_year_first() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,12000,2025/06/01,2025/03/01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &[
                "history.csv",
                "line 2",
                "\"CreatedDate\"",
                "\"2025/03/01\" is not a date",
                "\"2025/06/01\" is not a date",
            ],
        );
}

/// A negative deal amount.
#[test]
fn history_amount_negative() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,-12000,2025-06-01,2025-03-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 2", "\"Amount\"", "-12000 is negative"],
        );
}

/// (12,000).
#[test]
fn history_amount_in_parentheses() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,\"(12,000)\",2025-06-01,2025-03-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 2", "amount", "\"(12,000)\" is not an amount"],
        );
}

/// N/A.
#[test]
fn history_amount_na() {
    Case::new()
        .edit(
            "history.csv",
            "O1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01",
            "O1,A1,R1,Closed Won,N/A,2025-06-01,2025-03-01",
        )
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 2", "amount", "\"N/A\" is not an amount"],
        );
}

/// Every amount 12,000-shaped.
#[test]
fn history_amounts_whose_decimal_mark_nothing_decides() {
    Case::new()
        .write("history.csv", "Id,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate\nO1,A1,R1,Closed Won,\"12,000\",2025-06-01,2025-03-01\nO2,A2,R3,Closed Lost,\"30,000\",2025-07-15,2025-02-10\n")
        .refuses(&CALIBRATE, "out/params.toml", &["history.csv", "decimal mark is ambiguous", "\"12,000\"", "line 2", "[data] decimal = \".\""]);
}

/// IsClosed = maybe.
#[test]
fn history_is_closed_not_yes_or_no() {
    Case::new()
        .write("history.csv", "Id,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate,IsClosed,IsWon\nO1,A1,R1,Closed Won,12000,2025-06-01,2025-03-01,maybe,true\nO2,A2,R3,Closed Lost,30000,2025-07-15,2025-02-10,true,false\n")
        .refuses(&CALIBRATE, "out/params.toml", &["history.csv", "line 2", "\"IsClosed\"", "\"maybe\" is not true or false"]);
}

/// No row of the history names an account of the accounts file.
#[test]
fn history_whose_every_account_is_unknown() {
    Case::new()
        .write("history.csv", "Id,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate\nO1,X1,R1,Closed Won,12000,2025-06-01,2025-03-01\nO2,X2,R3,Closed Lost,30000,2025-07-15,2025-02-10\n")
        .refuses(&CALIBRATE, "out/params.toml", &["history.csv", "no usable opportunity", "account not in the accounts file", "account ids match"]);
}

/// A 0-byte history.
#[test]
fn history_empty_file() {
    Case::new().write("history.csv", "").refuses(&CALIBRATE, "out/params.toml", &["history.csv", "is empty"]);
}

/// Semicolons and decimal commas read; DD.MM.YYYY dates refused on every cell.
#[test]
fn history_from_a_german_export() {
    Case::new()
        .write("history.csv", "Id;AccountId;OwnerId;StageName;Amount;CloseDate;CreatedDate\nO1;A1;R1;Closed Won;12.000,00;01.06.2025;01.03.2025\nO2;A2;R3;Closed Lost;30.000,00;15.07.2025;10.02.2025\n")
        .refuses(&CALIBRATE, "out/params.toml", &["history.csv", "4 problems found", "line 2", "\"01.06.2025\" is not a date", "line 3", "\"15.07.2025\" is not a date"]);
}

/// --history pointed at the accounts export.
#[test]
fn history_that_is_the_accounts_file() {
    Case::new().refuses(
        &["calibrate", "--history", "accounts.csv", "--scenario", "s.toml", "--out", "out/params.toml"],
        "out/params.toml",
        &["accounts.csv", "missing column for `account_id`", "[data.columns.history]"],
    );
}

/// `[data.stages]` that leaves out Prospecting.
#[test]
fn history_stages_listed_in_part() {
    Case::new()
        .append("s.toml", "\n[data.stages]\nwon = [\"Closed Won\"]\nlost = [\"Closed Lost\"]\n")
        .refuses(
            &CALIBRATE,
            "out/params.toml",
            &["history.csv", "line 5", "\"StageName\"", "stage \"Prospecting\" is not in [data.stages]"],
        );
}

// ---- the command line -------------------------------------------------------------------------------------

/// --out / cannot be replaced as a whole.
#[test]
fn simulate_out_at_the_root() {
    Case::new().refuses(
        &["simulate", "s.toml", "--trials", "20", "--out", "/", "--quiet"],
        "out",
        &["cannot write the results to /", "nothing was written", "choose an --out folder"],
    );
}

/// --out . is the folder of the inputs.
#[test]
fn simulate_out_at_the_scenario_folder() {
    let case = Case::new();
    let before = std::fs::read_dir(case.dir.path()).unwrap().count();
    case.refuses(
        &["simulate", "s.toml", "--trials", "20", "--out", ".", "--quiet"],
        "out",
        &[
            "cannot write the results to .",
            "nothing was written",
            "holds files that terrasim did not write",
            "accounts.csv",
        ],
    );
    let after = std::fs::read_dir(case.dir.path()).unwrap().count();
    assert_eq!(after, before, "nothing added beside the inputs (no staging folder left)");
}

/// --trials 99999999999.
#[test]
fn simulate_trials_beyond_u32() {
    Case::new().refuses(
        &["simulate", "s.toml", "--trials", "99999999999", "--out", "out"],
        "out",
        &["--trials", "99999999999"],
    );
}

/// --trials ten.
#[test]
fn simulate_trials_not_a_number() {
    Case::new().refuses(
        &["simulate", "s.toml", "--trials", "ten", "--out", "out"],
        "out",
        &["--trials", "ten"],
    );
}

/// simulate .
#[test]
fn simulate_a_folder_as_the_scenario() {
    Case::new().refuses(&["simulate", ".", "--out", "out"], "out", &["cannot read the scenario"]);
}

/// simulate accounts.csv
#[test]
fn simulate_a_csv_as_the_scenario() {
    Case::new().refuses(
        &["simulate", "accounts.csv", "--out", "out"],
        "out",
        &["accounts.csv", "TOML parse error", "line 1"],
    );
}

/// --cutoff 7/1/2025.
#[test]
fn backtest_cutoff_in_us_order() {
    Case::new().refuses(
        &[
            "backtest",
            "--history",
            "history.csv",
            "--scenario",
            "s.toml",
            "--cutoff",
            "7/1/2025",
            "--trials",
            "20",
            "--out",
            "out",
        ],
        "out",
        &["--cutoff", "\"7/1/2025\" is not a date", "YYYY-MM-DD"],
    );
}

/// --cutoff 2025-13-01.
#[test]
fn backtest_cutoff_in_month_13() {
    Case::new().refuses(
        &[
            "backtest",
            "--history",
            "history.csv",
            "--scenario",
            "s.toml",
            "--cutoff",
            "2025-13-01",
            "--trials",
            "20",
            "--out",
            "out",
        ],
        "out",
        &["--cutoff", "\"2025-13-01\" is not a date"],
    );
}

/// --horizon 1000.
#[test]
fn backtest_horizon_of_a_thousand_months() {
    Case::new().refuses(
        &[
            "backtest",
            "--history",
            "history.csv",
            "--scenario",
            "s.toml",
            "--cutoff",
            "2025-07-01",
            "--horizon",
            "1000",
            "--trials",
            "20",
            "--out",
            "out",
        ],
        "out",
        &["--horizon", "between 1 and 120"],
    );
}

/// Nothing before the cutoff to calibrate on.
#[test]
fn backtest_cutoff_before_the_history() {
    Case::new().refuses(
        &[
            "backtest",
            "--history",
            "history.csv",
            "--scenario",
            "s.toml",
            "--cutoff",
            "2020-01-01",
            "--trials",
            "20",
            "--out",
            "out",
        ],
        "out",
        &["history.csv", "nothing before the cutoff", "later cutoff"],
    );
}

/// The months to score run past the history.
#[test]
fn backtest_horizon_past_the_history() {
    Case::new().refuses(
        &[
            "backtest",
            "--history",
            "history.csv",
            "--scenario",
            "s.toml",
            "--cutoff",
            "2025-07-01",
            "--horizon",
            "36",
            "--trials",
            "20",
            "--out",
            "out",
        ],
        "out",
        &["history.csv", "ends in 2025-11", "--horizon (at most 5)"],
    );
}
