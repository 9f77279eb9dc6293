//! The columns of every input file: each canonical field, whether it is required, the kind of value it
//! holds, and the headers (normalised: lowercase alphanumerics) that CRM exports use for it. One table per
//! file; `docs/input-formats.md` documents the same tables for users.

use super::csv_table::{Field, Kind};

macro_rules! fields {
    ($($ix:ident = $name:literal, $required:literal, $kind:ident, [$($alias:literal),*];)*) => {
        #[derive(Clone, Copy)]
        #[repr(usize)]
        pub(crate) enum Col { $($ix),* }
        const FIELDS: &[Field] = &[$(Field { name: $name, aliases: &[$($alias),*], required: $required, kind: Kind::$kind }),*];
    };
}

pub(crate) mod reps_fields {
    use super::{Field, Kind};
    fields! {
        Id = "id", false, Text, ["id", "repid"];
        CrmUser = "crm_user_id", false, Text, ["crmuserid", "userid", "ownerid", "hubspotownerid", "salesforceuserid", "crmid"];
        Email = "email", false, Text, ["email", "emailaddress", "useremail", "owneremail"];
        Name = "name", false, Text, ["name", "repname", "fullname", "username", "ownername"];
        Role = "role", true, Text, ["role", "segment", "sizeband", "rolec", "segmentc", "userrolename", "title", "jobtitle"];
        Team = "team", false, Text, ["team", "teamname"];
        Region = "region", true, Text, ["region", "homeregion", "regionc"];
        Lat = "latitude", false, Number, ["latitude", "lat", "homelatitude"];
        Lon = "longitude", false, Number, ["longitude", "lon", "lng", "homelongitude"];
        Expert = "expert_verticals", false, Text, ["expertverticals", "verticals", "expertise"];
        Capacity = "capacity_hours", true, Number, ["capacityhours", "capacity", "sellinghours", "hourspermonth"];
        Quota = "annual_quota", true, Money, ["annualquota", "quota", "quotaamount"];
        Start = "start_month", false, Number, ["startmonth"];
        Ramp = "ramp_months", false, Number, ["rampmonths", "ramp"];
        End = "end_month", false, Number, ["endmonth"];
        Skill = "skill", false, Number, ["skill", "skillmultiplier"];
        Motion = "motion", false, Text, ["motion", "salesmotion"];
    }
    pub(crate) use Col as R;
    pub(crate) const REPS: &[Field] = FIELDS;
}

pub(crate) mod user_fields {
    use super::{Field, Kind};
    fields! {
        Id = "id", true, Text, ["id", "userid", "ownerid", "hubspotownerid", "recordid"];
        Name = "name", false, Text, ["name", "fullname", "username", "ownername"];
        First = "first_name", false, Text, ["firstname", "givenname"];
        Last = "last_name", false, Text, ["lastname", "surname", "familyname"];
        Email = "email", false, Text, ["email", "emailaddress", "useremail"];
        Role = "role", false, Text, ["userrolename", "role", "rolename", "title", "jobtitle"];
        Team = "team", false, Text, ["teams", "team", "primaryteam", "division"];
        Active = "is_active", false, Flag, ["isactive", "active", "status"];
        Region = "region", false, Text, ["region", "regionc", "salesregion"];
        Country = "country", false, Text, ["country", "countrycode"];
    }
    pub(crate) use Col as UF;
    pub(crate) const USERS: &[Field] = FIELDS;
}

pub(crate) mod quota_fields {
    use super::{Field, Kind};
    fields! {
        Rep = "rep", true, Text, ["rep", "repid", "userid", "ownerid", "id", "email", "name", "repname", "owner"];
        Quota = "annual_quota", true, Money, ["annualquota", "quota", "quotaamount"];
        Capacity = "capacity_hours", false, Number, ["capacityhours", "capacity", "sellinghours", "hourspermonth"];
        Region = "region", false, Text, ["region", "homeregion", "regionc"];
        Role = "role", false, Text, ["role", "segment", "sizeband"];
    }
    pub(crate) use Col as Q;
    pub(crate) const QUOTAS: &[Field] = FIELDS;
}

pub(crate) mod account_fields {
    use super::{Field, Kind};
    fields! {
        Id = "id", true, Text, ["id", "accountid", "recordid", "hsobjectid", "companyid"];
        Name = "name", true, Text, ["name", "accountname", "companyname", "company"];
        Region = "region", false, Text, ["region", "regionc", "salesregion"];
        Country = "country", false, Text, ["country", "billingcountry", "countryregion", "billingcountrycode"];
        State = "state", false, Text, ["state", "billingstate", "billingstateprovince", "stateregion", "stateprovince"];
        Fips = "county_fips", false, Text, ["countyfips", "fips", "countyfipsc"];
        Postal = "postal_code", false, Text, ["postalcode", "billingpostalcode", "billingzippostalcode", "zip", "zipcode", "postcode"];
        Lat = "latitude", false, Number, ["latitude", "billinglatitude", "lat"];
        Lon = "longitude", false, Number, ["longitude", "billinglongitude", "lon", "lng"];
        Vertical = "vertical", false, Text, ["vertical", "industry", "verticalc", "sector"];
        Employees = "employees", false, Number, ["employees", "numberofemployees"];
        Revenue = "annual_revenue", false, Money, ["annualrevenue", "revenue"];
        Customer = "is_customer", false, Flag, ["iscustomer", "customer", "iscustomerc"];
        Type = "account_type", false, Text, ["type", "accounttype"];
        Lifecycle = "lifecycle_stage", false, Text, ["lifecyclestage", "lifecycle", "hslifecyclestage"];
        Icp = "icp_fit", false, Number, ["icpfit", "icpfitc", "icpscore"];
        Signal = "signal_recency", false, Number, ["signalrecency", "signalrecencyc", "buyingsignalrecency"];
        Whitespace = "whitespace", false, Number, ["whitespace", "whitespacec", "whitespacescore"];
        Difficulty = "competitive_difficulty", false, Number, ["competitivedifficulty", "competitivedifficultyc", "displacementdifficulty"];
        Value = "whitespace_value", false, Money, ["whitespacevalue", "whitespacevaluec", "potential"];
        Owner = "owner_id", false, Text, ["ownerid", "owner", "accountowner", "hubspotownerid", "companyowner", "accountownerid"];
    }
    pub(crate) use Col as A;
    pub(crate) const ACCOUNTS: &[Field] = FIELDS;
}

pub(crate) mod plan_fields {
    use super::{Field, Kind};
    fields! {
        Account = "account_id", true, Text, ["accountid", "account", "id", "recordid"];
        Owner = "owner_id", true, Text, ["ownerid", "owner", "repid", "newownerid", "accountowner", "accountownerid", "hubspotownerid", "companyowner"];
    }
    pub(crate) use Col as P;
    pub(crate) const PLAN: &[Field] = FIELDS;
}

pub(crate) mod carveout_fields {
    use super::{Field, Kind};
    fields! {
        Account = "account_id", true, Text, ["accountid", "account", "id", "recordid"];
        Owner = "owner_id", true, Text, ["ownerid", "owner", "repid", "accountowner", "accountownerid", "hubspotownerid", "companyowner"];
        Reason = "reason", false, Text, ["reason", "carveoutreason"];
        Floor = "activity_floor_days", false, Number, ["activityfloordays", "activityfloor", "floordays"];
        Last = "last_activity_date", false, Date, ["lastactivitydate", "lastactivity"];
    }
    pub(crate) use Col as C;
    pub(crate) const CARVEOUTS: &[Field] = FIELDS;
}

pub(crate) mod unit_fields {
    use super::{Field, Kind};
    fields! {
        Unit = "unit", true, Text, ["fips", "unit", "unitid", "geoid", "id", "countyfips"];
        Lat = "lat", false, Number, ["lat", "latitude"];
        Lon = "lon", false, Number, ["lon", "lng", "longitude"];
        Neighbors = "neighbors", true, Text, ["neighbors", "neighbours", "adjacent"];
    }
    pub(crate) use Col as U;
    pub(crate) const UNITS: &[Field] = FIELDS;
}

pub(crate) mod history_fields {
    use super::{Field, Kind};
    fields! {
        Id = "id", false, Text, ["id", "opportunityid", "dealid", "recordid", "hsobjectid"];
        Account = "account_id", true, Text, ["accountid", "associatedcompanyidsprimary", "associatedcompanyid", "associatedcompanyids", "companyid", "account", "accountname", "associatedcompany", "company"];
        Owner = "owner_id", false, Text, ["ownerid", "opportunityownerid", "hubspotownerid", "dealownerid", "owner", "opportunityowner", "dealowner"];
        Stage = "stage", false, Text, ["stagename", "stage", "dealstage"];
        Amount = "amount", true, Money, ["amount", "amountincompanycurrency", "dealamount", "value"];
        Close = "close_date", true, Date, ["closedate", "dealclosedate", "closed_date"];
        Created = "created_date", true, Date, ["createddate", "createdate", "createdon", "dealcreatedate"];
        IsClosed = "is_closed", false, Flag, ["isclosed", "closed"];
        IsWon = "is_won", false, Flag, ["iswon", "won", "hsisclosedwon", "isclosedwon"];
        Type = "opportunity_type", false, Text, ["type", "opportunitytype"];
        DealType = "deal_type", false, Text, ["dealtype"];
        Motion = "motion", false, Text, ["motion", "salesmotion"];
    }
    pub(crate) use Col as H;
    pub(crate) const HISTORY: &[Field] = FIELDS;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/input-formats.md` is generated from these tables: each field has a row in its file's table that
    /// lists every header the importer recognises for it.
    #[test]
    fn the_input_formats_doc_names_every_header() {
        let doc = include_str!("../../docs/input-formats.md");
        let tables = [
            ("reps", reps_fields::REPS),
            ("users", user_fields::USERS),
            ("quotas", quota_fields::QUOTAS),
            ("accounts", account_fields::ACCOUNTS),
            ("plan", plan_fields::PLAN),
            ("carveouts", carveout_fields::CARVEOUTS),
            ("units", unit_fields::UNITS),
            ("history", history_fields::HISTORY),
        ];
        for (table, fields) in tables {
            for field in fields {
                let start = format!("| `{}` |", field.name);
                let row = doc.lines().find(|l| {
                    l.starts_with(&start) && field.aliases.iter().all(|a| l.contains(&format!("`{a}`")))
                });
                assert!(
                    row.is_some(),
                    "docs/input-formats.md has no row for {table}.{} with every header",
                    field.name
                );
            }
        }
    }
}
