//! The meaning checks of a scenario: values that parse and are each in range, but that contradict each
//! other (a rep departing twice, a book reassigned to the rep who leaves) or name something the market does
//! not have (a vertical, a region, a segment). The first kind needs only the scenario ([`Scenario::validate`]
//! runs them); the second needs the market ([`Scenario::validate_against`], which `compile` runs).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::market::{HierarchyLevel, Market, Region, RepId, SizeBand, did_you_mean};

use super::events::{Hire, OrphanPolicy};
use super::schema::{Scenario, ScenarioError};

/// Hours in the longest month (31 days × 24 hours): no rep sells more in a month.
use crate::market::MAX_MONTHLY_HOURS;

/// Hires or additions, by the list they come from (`events.hire`, `optimize.add`).
type HireList<'a> = (&'a str, &'a [Hire]);

impl Scenario {
    /// The first departure event of each rep: (index in `events.departure`, last selling month).
    fn departures_by_rep(&self) -> BTreeMap<&RepId, (usize, u32)> {
        let mut by_rep = BTreeMap::new();
        for (i, d) in self.events.departure.iter().enumerate() {
            by_rep.entry(&d.rep).or_insert((i, d.month));
        }
        by_rep
    }

    /// Checks the top-level settings: a name, a revenue share that is a share, each hierarchy level once.
    pub(super) fn validate_settings(&self) -> Result<(), ScenarioError> {
        if self.name.trim().is_empty() {
            return Err(self.invalid(
                "name",
                "the name is empty; give the scenario a short name, such as name = \"baseline\" (reports and \
                 comparisons show it)",
            ));
        }
        if let Some(share) = self.scoring.potential_from_revenue
            && !(share.is_finite() && share > 0.0 && share <= 1.0)
        {
            return Err(self.invalid(
                "scoring.potential_from_revenue",
                format!(
                    "{share} is not a share in (0, 1]: it is the share of an account's annual revenue that its \
                     typical deal is; give a share such as 0.01 (1% of revenue), or leave it unset to use the \
                     segment's deal size"
                ),
            ));
        }
        if let Some(target) = self.plan.team_target
            && !(target.is_finite() && target > 0.0)
        {
            return Err(self.invalid(
                "plan.team_target",
                format!(
                    "{target} is not a team target: it is the team's bookings over the horizon, in money; give a \
                     positive amount such as team_target = 24_000_000, or leave it unset to measure against the \
                     sum of the reps' quotas"
                ),
            ));
        }
        let levels = &self.segmentation.hierarchy;
        for (i, level) in levels.iter().enumerate() {
            if let Some(j) = levels[..i].iter().position(|l| l == level) {
                return Err(self.invalid(
                    &format!("segmentation.hierarchy[{i}]"),
                    format!(
                        "level \"{}\" is listed twice (also segmentation.hierarchy[{j}]), so every segment path \
                         would repeat its label (such as AMER/AMER); list each level once, for example [\"region\", \
                         \"size_band\", \"vertical\"]",
                        level_name(level)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Settings whose default cannot tell whether they were written: `take_share` means nothing without
    /// `take_from` (a hire's) or at all (an optimizer addition, whose book the optimizer sizes). `table` is the
    /// scenario text as a TOML table.
    pub(super) fn check_take_share(&self, table: &toml::Table) -> Result<(), ScenarioError> {
        let written = |top: &str, list: &str, i: usize| {
            table
                .get(top)
                .and_then(|t| t.get(list))
                .and_then(|l| l.get(i))
                .is_some_and(|h| h.get("take_share").is_some())
        };
        for (i, hire) in self.events.hire.iter().enumerate() {
            if hire.take_from.is_empty() && written("events", "hire", i) {
                return Err(self.invalid(
                    &format!("events.hire[{i}].take_share"),
                    format!(
                        "take_share needs take_from (the reps it takes accounts from): without it hire {} takes \
                         nothing; add take_from = [...] listing the reps whose books it shares, or remove \
                         take_share",
                        hire.rep
                    ),
                ));
            }
        }
        let adds = self.optimize.as_ref().map_or(&[][..], |o| &o.add[..]);
        for i in 0..adds.len() {
            if written("optimize", "add", i) {
                return Err(self.invalid(
                    &format!("optimize.add[{i}].take_share"),
                    "the optimizer sizes an added rep's book itself; remove take_share",
                ));
            }
        }
        Ok(())
    }

    /// Checks the events on their own: months inside the horizon, nothing twice, no contradiction.
    pub(super) fn validate_events(&self) -> Result<(), ScenarioError> {
        self.validate_hires(("events.hire", &self.events.hire))?;
        self.validate_departures()?;
        self.validate_changes()
    }

    /// Checks hires (of `events.hire` or `optimize.add`).
    pub(super) fn validate_hires(&self, (list, hires): HireList<'_>) -> Result<(), ScenarioError> {
        let h = self.horizon_months;
        let departures = self.departures_by_rep();
        let mut ids: BTreeMap<&RepId, usize> = BTreeMap::new();
        for (i, hire) in hires.iter().enumerate() {
            let f = format!("{list}[{i}]");
            if let Some(j) = ids.insert(&hire.rep, i) {
                return Err(self.invalid(
                    &format!("{f}.rep"),
                    format!("rep {} is hired twice (also {list}[{j}]); give each hire its own id", hire.rep),
                ));
            }
            if !(1..=h).contains(&hire.start_month) {
                return Err(self.invalid(
                    &format!("{f}.start_month"),
                    format!(
                        "hire {} starts in month {}, outside the {h}-month horizon; give a month in 1..={h}, or \
                         lengthen horizon_months",
                        hire.rep, hire.start_month
                    ),
                ));
            }
            if hire.region.trim().is_empty() {
                return Err(
                    self.invalid(&format!("{f}.region"), "the region is empty; give the hire's home region")
                );
            }
            for (name, v) in [("capacity_hours", hire.capacity_hours), ("annual_quota", hire.annual_quota)] {
                if let Some(v) = v
                    && !(v.is_finite() && v >= 0.0)
                {
                    return Err(
                        self.invalid(&format!("{f}.{name}"), format!("{v} must be a non-negative number"))
                    );
                }
            }
            if let Some(c) = hire.capacity_hours.filter(|&c| c > MAX_MONTHLY_HOURS) {
                return Err(self.invalid(&format!("{f}.capacity_hours"), format!(
                    "{c} hours is more than a month has ({MAX_MONTHLY_HOURS}); give selling hours per month (about 100 to 140 for a full-time rep)"
                )));
            }
            if !(hire.take_share.is_finite() && (0.0..=1.0).contains(&hire.take_share)) {
                return Err(self.invalid(&format!("{f}.take_share"), "must be a share in [0, 1]"));
            }
            let mut donors = BTreeMap::new();
            for (k, donor) in hire.take_from.iter().enumerate() {
                let field = format!("{f}.take_from[{k}]");
                if let Some(first) = donors.insert(donor, k) {
                    return Err(self.invalid(
                        &field,
                        format!("rep {donor} is listed twice (also take_from[{first}]); list each rep once"),
                    ));
                }
                // Accounts taken after the donor has gone would sit with a departed rep in between.
                if let Some(&(j, last)) = departures.get(donor)
                    && hire.start_month > last + 1
                {
                    return Err(self.invalid(
                        &field,
                        format!(
                            "rep {donor} leaves after month {last} (events.departure[{j}]), before hire {} starts \
                             in month {}, so the accounts taken would sit with a departed rep; start the hire by \
                             month {} or take from a rep who stays",
                            hire.rep,
                            hire.start_month,
                            last + 1
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_departures(&self) -> Result<(), ScenarioError> {
        let h = self.horizon_months;
        let departures = self.departures_by_rep();
        for (i, d) in self.events.departure.iter().enumerate() {
            let f = format!("events.departure[{i}]");
            if let Some(&(j, _)) = departures.get(&d.rep).filter(|(j, _)| *j != i) {
                return Err(self.invalid(
                    &format!("{f}.rep"),
                    format!("rep {} departs twice (also events.departure[{j}]); keep one departure", d.rep),
                ));
            }
            if !(1..=h).contains(&d.month) {
                return Err(self.invalid(
                    &format!("{f}.month"),
                    format!(
                        "rep {} leaves after month {}, outside the {h}-month horizon; give the last selling month \
                         in 1..={h}",
                        d.rep, d.month
                    ),
                ));
            }
            let needs_target = d.orphan_policy == OrphanPolicy::Reassign;
            if needs_target != d.reassign_to.is_some() {
                return Err(self.invalid(
                    &format!("{f}.reassign_to"),
                    "give reassign_to exactly when orphan_policy = \"reassign\"",
                ));
            }
            if let Some(to) = &d.reassign_to {
                if *to == d.rep {
                    return Err(self.invalid(
                        &format!("{f}.reassign_to"),
                        format!("rep {to} is the rep who departs and cannot take over their own book; name a rep who stays"),
                    ));
                }
                if let Some(&(j, last)) = departures.get(to)
                    && last <= d.month
                {
                    return Err(self.invalid(
                        &format!("{f}.reassign_to"),
                        format!(
                            "rep {to} has left by then (events.departure[{j}] ends after month {last}); name a rep \
                             who stays, or use orphan_policy = \"spread\""
                        ),
                    ));
                }
            }
            if d.backfill && d.backfill_delay_months == 0 {
                return Err(self.invalid(
                    &format!("{f}.backfill_delay_months"),
                    format!(
                        "a backfill cannot start in a month {} still sells; give at least 1 month (recruiting and \
                         onboarding take about 5), or set backfill = false",
                        d.rep
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_changes(&self) -> Result<(), ScenarioError> {
        let h = self.horizon_months;
        let departures = self.departures_by_rep();
        let mut seen: BTreeMap<(&RepId, u32), usize> = BTreeMap::new();
        for (i, c) in self.events.capacity_change.iter().enumerate() {
            let f = format!("events.capacity_change[{i}]");
            check_amount(c.capacity_hours, "capacity_hours", "100 (hours per month)")
                .map_err(|m| self.invalid(&format!("{f}.capacity_hours"), m))?;
            if c.capacity_hours > MAX_MONTHLY_HOURS {
                return Err(self.invalid(&format!("{f}.capacity_hours"), format!(
                    "{} hours is more than a month has ({MAX_MONTHLY_HOURS}); give selling hours per month",
                    c.capacity_hours
                )));
            }
            if !(1..=h).contains(&c.from_month) {
                return Err(self.invalid(
                    &format!("{f}.from_month"),
                    format!(
                        "month {} is outside the {h}-month horizon; give a month in 1..={h}",
                        c.from_month
                    ),
                ));
            }
            // The model is a reassignment to a departed rep: a change after the rep has gone does nothing.
            if let Some(&(j, last)) = departures.get(&c.rep)
                && c.from_month > last
            {
                return Err(self.invalid(
                    &format!("{f}.from_month"),
                    format!(
                        "rep {} leaves after month {last} (events.departure[{j}]), so a capacity change from month \
                         {} comes after they have gone; change the capacity from month {last} at the latest, or \
                         remove one of the two events",
                        c.rep, c.from_month
                    ),
                ));
            }
            if let Some(j) = seen.insert((&c.rep, c.from_month), i) {
                return Err(self.invalid(
                    &format!("{f}.from_month"),
                    format!(
                        "rep {} already changes capacity from month {} (events.capacity_change[{j}]); keep one",
                        c.rep, c.from_month
                    ),
                ));
            }
        }
        let mut quotas: BTreeMap<&RepId, usize> = BTreeMap::new();
        for (i, q) in self.events.quota_change.iter().enumerate() {
            let f = format!("events.quota_change[{i}]");
            check_amount(q.annual_quota, "annual_quota", "500000")
                .map_err(|m| self.invalid(&format!("{f}.annual_quota"), m))?;
            if let Some(j) = quotas.insert(&q.rep, i) {
                return Err(self.invalid(
                    &format!("{f}.rep"),
                    format!(
                        "rep {} already has a quota change (events.quota_change[{j}]); a quota changes once: keep one",
                        q.rep
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks the stress shocks: each changes something, inside the horizon, under its own name.
    pub(super) fn validate_shocks(&self) -> Result<(), ScenarioError> {
        let h = self.horizon_months;
        let departures = self.departures_by_rep();
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, s) in self.shocks.iter().enumerate() {
            let f = format!("shocks[{i}]");
            if s.name.trim().is_empty() {
                return Err(self.invalid(&format!("{f}.name"), "give the shock a name; reports show it"));
            }
            if let Some(j) = names.insert(s.name.as_str(), i) {
                return Err(self.invalid(
                    &format!("{f}.name"),
                    format!(
                        "shocks[{j}] is also named \"{}\"; results are reported by name: rename one",
                        s.name
                    ),
                ));
            }
            s.validate().map_err(|(field, m)| self.invalid(&format!("{f}.{field}"), m))?;
            if let Some(rep) = &s.depart_rep
                && s.depart_month.is_none()
            {
                return Err(self.invalid(
                    &format!("{f}.depart_month"),
                    format!(
                        "depart_rep needs depart_month: give the last month {rep} sells, in 1..={h}, such as \
                         depart_month = 3"
                    ),
                ));
            }
            if let Some(m) = s.depart_month
                && !(1..=h).contains(&m)
            {
                return Err(self.invalid(
                    &format!("{f}.depart_month"),
                    format!("month {m} is outside the {h}-month horizon; give a month in 1..={h}"),
                ));
            }
            if let Some(rep) = &s.depart_rep
                && let Some(&(j, last)) = departures.get(rep)
            {
                return Err(self.invalid(
                    &format!("{f}.depart_rep"),
                    format!(
                        "rep {rep} already leaves after month {last} (events.departure[{j}]), so the shock would \
                         change nothing; name another rep, or remove the event"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks the scenario against its market: every vertical, region, segment key and rep window it names
    /// must exist in the market and agree with it. `compile` runs this; it costs one pass over the accounts
    /// only when the scenario names a vertical or a segment path.
    pub fn validate_against(&self, market: &Market) -> Result<(), ScenarioError> {
        let known = Known::new(self, market);
        let adds = self.optimize.as_ref().map_or(&[][..], |o| &o.add[..]);
        for (list, hires) in [("events.hire", &self.events.hire[..]), ("optimize.add", adds)] {
            for (i, hire) in hires.iter().enumerate() {
                let f = format!("{list}[{i}]");
                let region = Region::new(&hire.region).map(|r| r.as_str().to_string()).unwrap_or_default();
                if !known.regions().contains(region.as_str()) {
                    return Err(self.invalid(
                        &format!("{f}.region"),
                        format!(
                            "region \"{}\" is the region of no account or rep (known: {}){}; fix the name",
                            hire.region,
                            join(known.regions()),
                            did_you_mean(&region, known.regions().iter().copied())
                        ),
                    ));
                }
                for (k, v) in hire.expert_verticals.iter().enumerate() {
                    known.check_vertical(self, &format!("{f}.expert_verticals[{k}]"), v)?;
                }
                self.check_hire_medians(market, &f, hire)?;
            }
        }
        for (i, s) in self.shocks.iter().enumerate() {
            if let Some(v) = &s.vertical_dark {
                known.check_vertical(self, &format!("shocks[{i}].vertical_dark"), v)?;
            }
        }
        self.check_param_keys(&known)?;
        self.check_rep_windows(market)
    }

    /// A hire without a capacity or a quota takes the median of its role's reps; with no such rep there is
    /// nothing to take it from (and a quota of 0 makes attainment meaningless).
    fn check_hire_medians(&self, market: &Market, f: &str, hire: &Hire) -> Result<(), ScenarioError> {
        if market.reps().iter().any(|r| r.role == hire.role) {
            return Ok(());
        }
        for (name, given) in [("capacity_hours", hire.capacity_hours), ("annual_quota", hire.annual_quota)] {
            if given.is_none() {
                return Err(self.invalid(
                    &format!("{f}.{name}"),
                    format!(
                        "hire {} gives no {name}, and the reps file has no {} rep to take the median from; give \
                         {name}",
                        hire.rep, hire.role
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_param_keys(&self, known: &Known<'_>) -> Result<(), ScenarioError> {
        let bands: Vec<&str> = SizeBand::ALL.iter().map(|b| b.label()).collect();
        for key in self.params.keys() {
            if bands.contains(&key.as_str()) || known.segment_keys().contains(key) {
                continue;
            }
            let candidates = bands.iter().copied().chain(known.segment_keys().iter().map(String::as_str));
            let origin = if self.included_keys.contains(key) { " (from include_params)" } else { "" };
            let keys = known.segment_keys();
            let example =
                keys.iter().find(|k| k.contains('/')).or(keys.iter().next()).map_or("MM", String::as_str);
            return Err(self.invalid(
                &format!("params.{key}"),
                format!(
                    "\"{key}\"{origin} is neither a size band (SMB, MM, ENT) nor the segment path of any account \
                     under the hierarchy {}, so it would be ignored{}; key it by a band or a path such as \"{}\"",
                    hierarchy_label(&self.segmentation.hierarchy),
                    did_you_mean(key, candidates),
                    example
                ),
            ));
        }
        Ok(())
    }

    /// Every rep's window must open and close inside the horizon in that order, and a departure or a
    /// removal must end a window the reps file leaves open.
    fn check_rep_windows(&self, market: &Market) -> Result<(), ScenarioError> {
        let h = self.horizon_months;
        let reps_file = self
            .data
            .reps
            .as_ref()
            .or(self.data.users.as_ref())
            .map(|p| self.resolve_path(p))
            .unwrap_or_default();
        for r in market.reps() {
            // Lines are the reps file's business; this names the rep for markets built without one.
            let f = format!("data.reps ({})", reps_file.display());
            if r.start_month > h as i32 {
                return Err(self.invalid(
                    &f,
                    format!(
                        "rep {} starts in month {}, after the {h}-month horizon, and would never sell; give a \
                         start_month of at most {h}, or leave the rep out",
                        r.id, r.start_month
                    ),
                ));
            }
            if let Some(end) = r.end_month
                && end >= 1
                && i64::from(end) < i64::from(r.start_month)
            {
                return Err(self.invalid(
                    &f,
                    format!(
                        "rep {} ends after month {end}, before starting in month {}; give an end_month no earlier \
                         than the start_month",
                        r.id, r.start_month
                    ),
                ));
            }
        }
        let removals = self.optimize.as_ref().map_or(&[][..], |o| &o.remove[..]);
        let leaving = self
            .events
            .departure
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("events.departure[{i}]"), &d.rep, d.month));
        let removed =
            removals.iter().enumerate().map(|(i, r)| (format!("optimize.remove[{i}]"), &r.rep, r.month));
        for (f, rep, month) in leaving.chain(removed) {
            let Some(r) = market.reps().iter().find(|r| r.id == *rep) else { continue };
            if let Some(end) = r.end_month
                && end <= month
            {
                return Err(self.invalid(
                    &format!("{f}.month"),
                    format!(
                        "rep {rep} already leaves after month {end} (end_month in the reps file), so leaving in \
                         month {month} changes nothing; remove one of the two"
                    ),
                ));
            }
            // Month 0 (a removal's default) means gone before the horizon, whenever the rep started.
            if month > 0 && i64::from(month) < i64::from(r.start_month) {
                return Err(self.invalid(
                    &format!("{f}.month"),
                    format!(
                        "rep {rep} leaves after month {month}, before starting in month {} (start_month in the reps \
                         file); fix one of the months",
                        r.start_month
                    ),
                ));
            }
        }
        self.check_leavers_named(market)
    }

    /// Hires that take from, shocks that depart, and reassignments that go to a rep the reps file ends
    /// (or has not started).
    fn check_leavers_named(&self, market: &Market) -> Result<(), ScenarioError> {
        let rep_of = |id: &RepId| market.reps().iter().find(|r| r.id == *id);
        let end_of = |id: &RepId| rep_of(id).and_then(|r| r.end_month);
        for (i, d) in self.events.departure.iter().enumerate() {
            let Some(to) = d.reassign_to.as_ref().and_then(&rep_of) else { continue };
            let f = format!("events.departure[{i}].reassign_to");
            if let Some(end) = to.end_month
                && end <= d.month
            {
                return Err(self.invalid(
                    &f,
                    format!(
                        "rep {} leaves after month {end} (end_month in the reps file), before {}'s book would reach \
                         them in month {}; name a rep who stays, or use orphan_policy = \"spread\"",
                        to.id,
                        d.rep,
                        d.month + 1
                    ),
                ));
            }
            if i64::from(to.start_month) > i64::from(d.month) + 1 {
                return Err(self.invalid(
                    &f,
                    format!(
                        "rep {} starts in month {} (start_month in the reps file), after {}'s book would reach them \
                         in month {}; name a rep who is selling by then",
                        to.id,
                        to.start_month,
                        d.rep,
                        d.month + 1
                    ),
                ));
            }
        }
        for (i, hire) in self.events.hire.iter().enumerate() {
            for (k, donor) in hire.take_from.iter().enumerate() {
                if let Some(end) = end_of(donor)
                    && hire.start_month > end + 1
                {
                    return Err(self.invalid(
                        &format!("events.hire[{i}].take_from[{k}]"),
                        format!(
                            "rep {donor} leaves after month {end} (end_month in the reps file), before hire {} \
                             starts in month {}, so the accounts taken would sit with a departed rep; start the hire \
                             by month {} or take from a rep who stays",
                            hire.rep,
                            hire.start_month,
                            end + 1
                        ),
                    ));
                }
            }
        }
        for (i, c) in self.events.capacity_change.iter().enumerate() {
            if let Some(end) = end_of(&c.rep)
                && c.from_month > end
            {
                return Err(self.invalid(
                    &format!("events.capacity_change[{i}].from_month"),
                    format!(
                        "rep {} leaves after month {end} (end_month in the reps file), so a capacity change from \
                         month {} comes after they have gone; change the capacity from month {end} at the latest, or \
                         remove the event",
                        c.rep, c.from_month
                    ),
                ));
            }
        }
        for (i, shock) in self.shocks.iter().enumerate() {
            let Some(rep) = &shock.depart_rep else { continue };
            let month = shock.depart_month.unwrap_or(3).min(self.horizon_months);
            if let Some(end) = end_of(rep)
                && end <= month
            {
                return Err(self.invalid(
                    &format!("shocks[{i}].depart_rep"),
                    format!(
                        "rep {rep} already leaves after month {end} (end_month in the reps file), so departing in \
                         month {month} would change nothing; name another rep"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// What the market has, gathered lazily: a scenario without hires, shocks or path keys pays nothing.
struct Known<'a> {
    scenario: &'a Scenario,
    market: &'a Market,
    verticals: std::cell::OnceCell<BTreeSet<&'a str>>,
    regions: std::cell::OnceCell<BTreeSet<&'a str>>,
    segment_keys: std::cell::OnceCell<BTreeSet<String>>,
}

impl<'a> Known<'a> {
    fn new(scenario: &'a Scenario, market: &'a Market) -> Self {
        Known {
            scenario,
            market,
            verticals: Default::default(),
            regions: Default::default(),
            segment_keys: Default::default(),
        }
    }

    fn verticals(&self) -> &BTreeSet<&'a str> {
        self.verticals.get_or_init(|| {
            let distinct: HashSet<&str> =
                self.market.accounts().iter().map(|a| a.vertical.as_str()).collect();
            distinct.into_iter().collect()
        })
    }

    fn regions(&self) -> &BTreeSet<&'a str> {
        self.regions.get_or_init(|| {
            let mut distinct: HashSet<&str> =
                self.market.accounts().iter().map(|a| a.region.as_str()).collect();
            distinct.extend(self.market.reps().iter().map(|r| r.region.as_str()));
            distinct.into_iter().collect()
        })
    }

    /// Every prefix of every account's segment path (`AMER`, `AMER/MM`, `AMER/MM/Fintech`).
    fn segment_keys(&self) -> &BTreeSet<String> {
        self.segment_keys.get_or_init(|| {
            let hierarchy = &self.scenario.segmentation.hierarchy;
            let mut paths: HashSet<Vec<&str>> = HashSet::new();
            // One buffer for every account: a million accounts have a few hundred distinct paths.
            let mut path: Vec<&str> = Vec::with_capacity(hierarchy.len());
            for a in self.market.accounts() {
                path.clear();
                path.extend(hierarchy.iter().map(|l| a.segment_part(*l)));
                if !paths.contains(path.as_slice()) {
                    paths.insert(path.clone());
                }
            }
            paths.iter().flat_map(|p| (1..=p.len()).map(|n| p[..n].join("/"))).collect()
        })
    }

    fn check_vertical(&self, scenario: &Scenario, field: &str, vertical: &str) -> Result<(), ScenarioError> {
        if self.verticals().iter().any(|v| v.eq_ignore_ascii_case(vertical)) {
            return Ok(());
        }
        Err(scenario.invalid(
            field,
            format!(
                "vertical \"{vertical}\" is the vertical of no account (known: {}){}; fix the name",
                join(self.verticals()),
                did_you_mean(vertical, self.verticals().iter().copied())
            ),
        ))
    }
}

/// A hierarchy level as the scenario spells it (`size_band`).
fn level_name(level: &HierarchyLevel) -> String {
    toml::Value::try_from(level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{level:?}"))
}

/// `region > size_band > vertical`, as the scenario spells the levels.
fn hierarchy_label(hierarchy: &[HierarchyLevel]) -> String {
    hierarchy.iter().map(level_name).collect::<Vec<_>>().join(" > ")
}

/// An amount of an event (hours, quota): a finite number, not negative. The message names `name` and shows
/// `example`.
fn check_amount(v: f64, name: &str, example: &str) -> Result<(), String> {
    if !v.is_finite() {
        return Err(format!("{name} = {v} must be a finite number, such as {example}"));
    }
    if v < 0.0 {
        return Err(format!("{name} = {v} cannot be negative; give a number such as {example}"));
    }
    Ok(())
}

/// Up to ten names, comma-separated, with the count of the rest.
fn join(names: &BTreeSet<&str>) -> String {
    let shown: Vec<&str> = names.iter().copied().take(10).collect();
    let rest = names.len().saturating_sub(shown.len());
    let mut out = shown.join(", ");
    if rest > 0 {
        out.push_str(&format!(" and {rest} more"));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A scenario with top-level settings `top` and tables `tables`.
    fn parse(top: &str, tables: &str) -> Result<Scenario, ScenarioError> {
        let text = format!(
            "schema_version = 1\nname = \"t\"\n{top}\n[data]\naccounts = \"a.csv\"\nreps = \"r.csv\"\n{tables}"
        );
        Scenario::from_toml(&text, Path::new("s.toml"))
    }

    fn refusal(top: &str, tables: &str) -> (String, String) {
        match parse(top, tables) {
            Ok(_) => panic!("accepted: {top} {tables}"),
            Err(ScenarioError::Invalid { field, message, .. }) => (field, message),
            Err(e) => panic!("not a meaning check: {e}"),
        }
    }

    #[test]
    fn a_departure_twice_names_the_second() {
        let leave = "\n[[events.departure]]\nrep = \"R2\"\nmonth = 3\n";
        let (field, message) = refusal("", &format!("{leave}{leave}"));
        assert_eq!(field, "events.departure[1].rep");
        assert!(message.contains("also events.departure[0]"), "{message}");
    }

    #[test]
    fn a_reassignment_needs_a_rep_still_there() {
        let to_r3 = "\n[[events.departure]]\nrep = \"R2\"\nmonth = 6\norphan_policy = \"reassign\"\nreassign_to = \"R3\"\n";
        let (field, message) =
            refusal("", &format!("{to_r3}\n[[events.departure]]\nrep = \"R3\"\nmonth = 6\n"));
        assert_eq!(field, "events.departure[0].reassign_to");
        assert!(message.contains("has left by then"), "{message}");
        // Leaving later is fine: the book moves again at that departure.
        parse("", &format!("{to_r3}\n[[events.departure]]\nrep = \"R3\"\nmonth = 7\n")).unwrap();
    }

    #[test]
    fn shock_months_stay_in_the_horizon() {
        let shock = |m: u32| format!("\n[[shocks]]\nname = \"x\"\ndepart_rep = \"R1\"\ndepart_month = {m}\n");
        let (field, message) = refusal("horizon_months = 6", &shock(7));
        assert_eq!(field, "shocks[0].depart_month");
        assert!(message.contains("1..=6"), "{message}");
        parse("horizon_months = 6", &shock(6)).unwrap();
    }

    #[test]
    fn contiguity_written_out_needs_adjacency_but_its_default_does_not() {
        let (field, _) = refusal("", "\n[optimize]\ncontiguity = true\n");
        assert_eq!(field, "optimize.contiguity");
        parse("", "\n[optimize]\ncompactness = true\n").unwrap();
        parse("", "\n[optimize]\ncontiguity = false\n").unwrap();
    }
}
