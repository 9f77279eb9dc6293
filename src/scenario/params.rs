//! Model parameters. Every field has a default and a note on where the default comes from; a scenario
//! overrides them per segment (`[params."AMER/MM"]`, `[params.ENT]`, ...).

use std::collections::BTreeMap;

use crate::market::{BelowOne, NonNegative, OpenSlots, Positive, Probability, SizeBand, Unit};

/// The parameters of one segment, fully resolved.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SegmentParams {
    /// Beta α of the segment win rate. Default mean 25% SMB, 22% MM, 18% ENT with 100 pseudo-deals of
    /// evidence: B2B SaaS benchmark win rates (Bridge Group / HubSpot sales reports) fall in 15–30%,
    /// falling with deal size.
    pub win_rate_alpha: Positive,
    /// Beta β of the segment win rate (see `win_rate_alpha`).
    pub win_rate_beta: Positive,
    /// Monthly probability that a covered account with a neutral score (3) opens an opportunity. Default
    /// 5% SMB, 4% MM, 3% ENT: about one opportunity per worked account every 2–3 years, typical of
    /// outbound-led SaaS.
    pub opp_rate: Probability,
    /// Monthly probability that an uncovered account opens an opportunity by itself (inbound). Default
    /// 0.6% SMB, 0.4% MM, 0.2% ENT: inbound is roughly a tenth of worked demand.
    pub inbound_rate: Probability,
    /// Prospecting hours per month for an account to count as covered. Default 0.35 SMB, 0.55 MM, 0.7 ENT:
    /// a few touches a quarter (about 20 minutes a month for a small company), more for the buying
    /// committees of larger ones; a 120-hour month then covers about 340 SMB or 220 MM accounts, the book
    /// sizes SaaS teams plan for.
    pub hours_per_account: NonNegative,
    /// Selling hours per month for each open opportunity. Default 2 SMB, 4 MM, 8 ENT: demos, proposals and
    /// negotiation time for a deal in flight.
    pub hours_per_open_opp: NonNegative,
    /// Typical first-year deal value (ACV) of a neutral account. Default 15k SMB, 60k MM, 200k ENT:
    /// common SaaS ACV bands per segment.
    pub deal_size: NonNegative,
    /// Sigma of the lognormal deal value around the account's potential. Default 0.5 SMB, 0.6 MM, 0.7 ENT.
    pub deal_size_sigma: NonNegative,
    /// Median sales cycle of a won deal in months. Default 1.5 SMB, 3 MM, 6 ENT (benchmark cycle lengths,
    /// which are quoted for won deals).
    pub cycle_months_median: Positive,
    /// Sigma of the lognormal cycle of a won deal. Default 0.4 SMB, 0.5 MM, 0.5 ENT.
    pub cycle_sigma: NonNegative,
    /// Median months from open to close of a lost deal. Default 0.75 SMB, 1.5 MM, 3 ENT: half the won
    /// cycle, because most losses are disqualified early (in the repeat-business history of issue 16 the
    /// lost median was 14 days against 57 won).
    pub lost_cycle_months_median: Positive,
    /// Sigma of the lognormal cycle of a lost deal. Default 0.6: losses range from a first call to a
    /// late no-decision.
    pub lost_cycle_sigma: NonNegative,
    /// Most new-business opportunities an account holds open at once (K, a whole number ≥ 1). Default 1: a
    /// prospect evaluates one offer at a time.
    pub max_open: OpenSlots,
    /// Monthly probability that a covered customer with a neutral score opens an expansion opportunity
    /// (upsell, cross-sell). Default 2% SMB, 2.5% MM, 3% ENT: about one expansion opportunity per customer
    /// every three years, which with the expansion win rate and deal size below gives the 5–10% yearly
    /// expansion of ARR that B2B SaaS net revenue retention of 105–115% implies. Inbound expansion from an
    /// uncovered customer scales with the segment's inbound rate in the same proportion (the model runs a
    /// customer's clock on the new-business hazards, scaled), so a segment whose `opp_rate` is 0 has no
    /// expansion demand either.
    pub expansion_opp_rate: Probability,
    /// Beta α of the expansion win rate. Default mean 35% with 100 pseudo-deals: selling to a customer wins
    /// more often than a new logo (benchmarks put upsell win rates at 30–45%).
    pub expansion_win_rate_alpha: Positive,
    /// Beta β of the expansion win rate (see `expansion_win_rate_alpha`).
    pub expansion_win_rate_beta: Positive,
    /// Typical expansion deal value of a neutral customer. Default 5k SMB, 18k MM, 60k ENT: 30% of the
    /// first deal, as add-on seats and modules are priced.
    pub expansion_deal_size: NonNegative,
    /// Sigma of the lognormal expansion deal value. Default 0.6.
    pub expansion_deal_size_sigma: NonNegative,
    /// Median cycle of a won expansion deal in months. Default 1 SMB, 2 MM, 3 ENT: customers buy faster.
    pub expansion_cycle_months_median: Positive,
    /// Sigma of the lognormal cycle of a won expansion deal. Default 0.5.
    pub expansion_cycle_sigma: NonNegative,
    /// Median cycle of a lost expansion deal in months. Default 0.5 SMB, 1 MM, 1.5 ENT (half the won).
    pub expansion_lost_cycle_months_median: Positive,
    /// Sigma of the lognormal cycle of a lost expansion deal. Default 0.6.
    pub expansion_lost_cycle_sigma: NonNegative,
    /// Most expansion opportunities a customer holds open at once (K, a whole number ≥ 1). Default 2: a
    /// customer often weighs an upsell and a cross-sell at once.
    pub expansion_max_open: OpenSlots,
    /// A customer's expansion room (whitespace) in money, as a multiple of its potential, for the model to
    /// use up: won expansion deals take from it, and a customer whose room is used up opens no more. Default
    /// 3: lifetime expansion of a few times the first deal, as in SaaS cohorts whose ARR doubles to
    /// quadruples over their life.
    pub whitespace_multiple: NonNegative,
    /// Probability that an open opportunity is lost when its owner departs. Default 25% SMB, 30% MM, 35%
    /// ENT: handoffs cost relationships, more so in long cycles.
    pub handoff_loss: Probability,
    /// Win-rate multiplier when the rep is expert in the account's vertical. Default 1.15.
    pub vertical_lift: NonNegative,
    /// Strength of the competitive-difficulty factor: the win rate is scaled by
    /// `1 + competitive_strength × (3 − difficulty) / 2`, so difficulty 5 costs `competitive_strength`.
    /// Default 0.2.
    pub competitive_strength: BelowOne,
    /// Travel hours per visit per 100 km from the rep's home, for field reps. Default 1.0 (about 100 km/h
    /// door to door, there and back counted once per visit).
    pub travel_hours_per_100km: NonNegative,
    /// Ceiling on travel hours per visit (a flight day). Default 8.
    pub travel_cap_hours: NonNegative,
    /// Field visits per covered account per month. Default 0.1 (about one on-site visit a year per account,
    /// as enterprise reps plan them).
    pub visits_per_month: NonNegative,
}

impl SegmentParams {
    /// The documented defaults of a size band.
    pub fn default_for(band: SizeBand) -> Self {
        let (mean, opp, inbound, hours, opp_hours, deal, deal_sigma, cycle, cycle_sigma, handoff) = match band
        {
            SizeBand::Smb => (0.25, 0.05, 0.006, 0.35, 2.0, 15_000.0, 0.5, 1.5, 0.4, 0.25),
            SizeBand::Mm => (0.22, 0.04, 0.004, 0.55, 4.0, 60_000.0, 0.6, 3.0, 0.5, 0.30),
            SizeBand::Ent => (0.18, 0.03, 0.002, 0.7, 8.0, 200_000.0, 0.7, 6.0, 0.5, 0.35),
        };
        let (expansion_opp, expansion_deal, expansion_cycle) = match band {
            SizeBand::Smb => (0.02, 5_000.0, 1.0),
            SizeBand::Mm => (0.025, 18_000.0, 2.0),
            SizeBand::Ent => (0.03, 60_000.0, 3.0),
        };
        let expansion_win = 0.35;
        SegmentParams {
            win_rate_alpha: Positive::known(mean * 100.0),
            win_rate_beta: Positive::known((1.0 - mean) * 100.0),
            opp_rate: Probability::known(opp),
            inbound_rate: Probability::known(inbound),
            hours_per_account: NonNegative::known(hours),
            hours_per_open_opp: NonNegative::known(opp_hours),
            deal_size: NonNegative::known(deal),
            deal_size_sigma: NonNegative::known(deal_sigma),
            cycle_months_median: Positive::known(cycle),
            cycle_sigma: NonNegative::known(cycle_sigma),
            lost_cycle_months_median: Positive::known(cycle / 2.0),
            lost_cycle_sigma: NonNegative::known(0.6),
            max_open: OpenSlots::known(1.0),
            expansion_opp_rate: Probability::known(expansion_opp),
            expansion_win_rate_alpha: Positive::known(expansion_win * 100.0),
            expansion_win_rate_beta: Positive::known((1.0 - expansion_win) * 100.0),
            expansion_deal_size: NonNegative::known(expansion_deal),
            expansion_deal_size_sigma: NonNegative::known(0.6),
            expansion_cycle_months_median: Positive::known(expansion_cycle),
            expansion_cycle_sigma: NonNegative::known(0.5),
            expansion_lost_cycle_months_median: Positive::known(expansion_cycle / 2.0),
            expansion_lost_cycle_sigma: NonNegative::known(0.6),
            expansion_max_open: OpenSlots::known(2.0),
            whitespace_multiple: NonNegative::known(3.0),
            handoff_loss: Probability::known(handoff),
            vertical_lift: NonNegative::known(1.15),
            competitive_strength: BelowOne::known(0.2),
            travel_hours_per_100km: NonNegative::known(1.0),
            travel_cap_hours: NonNegative::known(8.0),
            visits_per_month: NonNegative::known(0.1),
        }
    }

    /// Mean of the win-rate Beta.
    pub fn win_rate_mean(&self) -> f64 {
        let (a, b) = (self.win_rate_alpha.get(), self.win_rate_beta.get());
        a / (a + b)
    }

    /// Mean of the expansion win-rate Beta.
    pub fn expansion_win_rate_mean(&self) -> f64 {
        let (a, b) = (self.expansion_win_rate_alpha.get(), self.expansion_win_rate_beta.get());
        a / (a + b)
    }
}

macro_rules! overrides {
    ($($field:ident: $unit:ty),* $(,)?) => {
        /// A partial set of segment parameters from a scenario; unset fields come from the parent segment.
        /// Each value is validated into its unit when the file is read, so a set of overrides is valid by
        /// construction and applying it cannot fail.
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ParamOverride {
            $(
                #[doc = concat!("Overrides `SegmentParams::", stringify!($field), "`.")]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$unit>,
            )*
        }

        impl ParamOverride {
            /// Applies the set fields on top of `base`.
            pub fn apply(&self, base: &mut SegmentParams) {
                $( if let Some(v) = self.$field { base.$field = v; } )*
            }

            /// Sets every field that `top` sets.
            pub fn overlay(&mut self, top: &ParamOverride) {
                $( if top.$field.is_some() { self.$field = top.$field; } )*
            }

            /// The fields this override sets, by name, in declaration order.
            pub fn set_fields(&self) -> Vec<(&'static str, f64)> {
                let mut set = Vec::new();
                $( if let Some(v) = self.$field { set.push((stringify!($field), v.value())); } )*
                set
            }

            /// Sets field `field` by name from a computed value (calibration's fits), validated into the
            /// field's unit; an unknown name or a value out of range is an error that names both.
            pub fn set(&mut self, field: &str, value: f64) -> Result<(), ParamError> {
                match field {
                    $( stringify!($field) => {
                        self.$field = Some(parse(stringify!($field), value)?);
                        Ok(())
                    } )*
                    _ => Err(ParamError { field: "?", value, rule: "a known parameter name" }),
                }
            }

            /// True when this override sets the win-rate Beta (so the segment owns its own draw).
            pub fn sets_win_rate(&self) -> bool {
                self.win_rate_alpha.is_some() || self.win_rate_beta.is_some()
            }

            /// True when this override sets the expansion win-rate Beta.
            pub fn sets_expansion_win_rate(&self) -> bool {
                self.expansion_win_rate_alpha.is_some() || self.expansion_win_rate_beta.is_some()
            }

            /// True when this override sets any parameter of the expansion motion (its rate, win rate, deal
            /// size, cycles or K); `whitespace_multiple` sizes the room and is declared on its own.
            pub fn sets_expansion(&self) -> bool {
                self.set_fields().iter().any(|(name, _)| name.starts_with("expansion_"))
            }
        }

        #[cfg(test)]
        /// Every field of the documented defaults of `band`, by name, for the defaults' test.
        fn default_fields(band: SizeBand) -> Vec<(&'static str, f64, fn(f64) -> bool)> {
            let p = SegmentParams::default_for(band);
            vec![$( (stringify!($field), p.$field.value(), |v| <$unit as Unit>::parse(v).is_ok()) ),*]
        }
    };
}

/// A parameter value out of its unit's range: names the field, the value and the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field} = {value} must be {rule}")]
pub struct ParamError {
    /// The parameter.
    pub field: &'static str,
    /// The value given.
    pub value: f64,
    /// What a valid value is.
    pub rule: &'static str,
}

fn parse<T: Unit>(field: &'static str, value: f64) -> Result<T, ParamError> {
    T::parse(value).map_err(|_| ParamError { field, value, rule: T::RULE })
}

overrides!(
    win_rate_alpha: Positive,
    win_rate_beta: Positive,
    opp_rate: Probability,
    inbound_rate: Probability,
    hours_per_account: NonNegative,
    hours_per_open_opp: NonNegative,
    deal_size: NonNegative,
    deal_size_sigma: NonNegative,
    cycle_months_median: Positive,
    cycle_sigma: NonNegative,
    lost_cycle_months_median: Positive,
    lost_cycle_sigma: NonNegative,
    max_open: OpenSlots,
    expansion_opp_rate: Probability,
    expansion_win_rate_alpha: Positive,
    expansion_win_rate_beta: Positive,
    expansion_deal_size: NonNegative,
    expansion_deal_size_sigma: NonNegative,
    expansion_cycle_months_median: Positive,
    expansion_cycle_sigma: NonNegative,
    expansion_lost_cycle_months_median: Positive,
    expansion_lost_cycle_sigma: NonNegative,
    expansion_max_open: OpenSlots,
    whitespace_multiple: NonNegative,
    handoff_loss: Probability,
    vertical_lift: NonNegative,
    competitive_strength: BelowOne,
    travel_hours_per_100km: NonNegative,
    travel_cap_hours: NonNegative,
    visits_per_month: NonNegative,
);

/// How quotas are pro-rated for reps who ramp, start or leave during the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaPolicy {
    /// Quota counts only active months, each weighted by the ramp fraction (the usual policy).
    RampWeighted,
    /// Quota counts active months at full weight, ignoring ramp.
    ActiveMonths,
    /// Full annual quota (scaled to the horizon) whatever the rep's dates.
    Full,
}

/// The most open opportunities per account and motion a scenario may allow (`max_open`).
pub const MAX_OPEN: f64 = crate::market::MAX_OPEN as f64;

/// Parameters that are not per segment.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalParams {
    /// Sigma of the lognormal market factor drawn once per plan year of a trial, multiplying every
    /// conversion rate (opportunity and win rates). Default 0.10: year-to-year swings of ±10% in
    /// new-business conversion are common.
    #[serde(default = "default_market_sigma")]
    pub market_factor_sigma: f64,
    /// Sigma of a second lognormal factor on every conversion rate, drawn once per trial (shared by its
    /// years): how uncertain the level of rates fitted to history is. Fitted rates carry the average market
    /// factor of the history's years, so `terrasim calibrate` writes `market_factor_sigma / √years` here;
    /// unset (0) when the rates are not fitted. The scenario's own value wins over an included file's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_sigma: Option<f64>,
    /// Mean share of selling hours available in a month after PTO and illness. Default 0.92 (about 20
    /// days off a year).
    #[serde(default = "default_availability_mean")]
    pub availability_mean: f64,
    /// Standard deviation of the monthly availability share. Default 0.05. Zero makes availability
    /// constant.
    #[serde(default = "default_availability_sd")]
    pub availability_sd: f64,
    /// Productivity of a new hire in the first month, as a share of full; it rises linearly to 1 at the end
    /// of the ramp. Default 0.1.
    #[serde(default = "default_ramp_start")]
    pub ramp_start_fraction: f64,
    /// Quota pro-rating. Default `ramp_weighted`.
    #[serde(default = "default_quota_policy")]
    pub quota_policy: QuotaPolicy,
    /// Tiers counted as target accounts for the coverage rate. Default [1, 2].
    #[serde(default = "default_target_tiers")]
    pub target_tiers: Vec<u8>,
    /// Pipeline coverage below this multiple of quota is flagged. Default 3.
    #[serde(default = "default_pipeline_flag")]
    pub pipeline_coverage_flag: f64,
    /// Distance assumed when a rep or account has no lat/lon: within the same region (default 500 km).
    #[serde(default = "default_same_region_km")]
    pub same_region_km: f64,
    /// Distance assumed when a rep or account has no lat/lon, across regions (default 5,000 km).
    #[serde(default = "default_cross_region_km")]
    pub cross_region_km: f64,
}

fn default_market_sigma() -> f64 {
    0.10
}
fn default_availability_mean() -> f64 {
    0.92
}
fn default_availability_sd() -> f64 {
    0.05
}
fn default_ramp_start() -> f64 {
    0.1
}
fn default_quota_policy() -> QuotaPolicy {
    QuotaPolicy::RampWeighted
}
fn default_target_tiers() -> Vec<u8> {
    vec![1, 2]
}
fn default_pipeline_flag() -> f64 {
    3.0
}
fn default_same_region_km() -> f64 {
    500.0
}
fn default_cross_region_km() -> f64 {
    5000.0
}

impl Default for GlobalParams {
    fn default() -> Self {
        GlobalParams {
            market_factor_sigma: default_market_sigma(),
            level_sigma: None,
            availability_mean: default_availability_mean(),
            availability_sd: default_availability_sd(),
            ramp_start_fraction: default_ramp_start(),
            quota_policy: default_quota_policy(),
            target_tiers: default_target_tiers(),
            pipeline_coverage_flag: default_pipeline_flag(),
            same_region_km: default_same_region_km(),
            cross_region_km: default_cross_region_km(),
        }
    }
}

impl GlobalParams {
    /// Checks ranges; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            ("market_factor_sigma", self.market_factor_sigma, 0.0, 2.0),
            ("level_sigma", self.level_sigma.unwrap_or(0.0), 0.0, 2.0),
            ("availability_mean", self.availability_mean, 0.0, 1.0),
            ("availability_sd", self.availability_sd, 0.0, 0.5),
            ("ramp_start_fraction", self.ramp_start_fraction, 0.0, 1.0),
            ("pipeline_coverage_flag", self.pipeline_coverage_flag, 0.0, 100.0),
            ("same_region_km", self.same_region_km, 0.0, 40_000.0),
            ("cross_region_km", self.cross_region_km, 0.0, 40_000.0),
        ];
        for (name, v, lo, hi) in checks {
            if !(v.is_finite() && (lo..=hi).contains(&v)) {
                return Err(format!("model.{name} = {v} must be a number in [{lo}, {hi}]"));
            }
        }
        if self.target_tiers.is_empty() || self.target_tiers.iter().any(|t| !(1..=3).contains(t)) {
            return Err("model.target_tiers must list tiers among 1, 2 and 3".into());
        }
        Ok(())
    }
}

/// The keys whose tables last set a segment's win-rate Betas (the band label when none did): they identify
/// the per-trial win-rate draws the accounts of the segment share, one per motion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinKeys {
    /// The new-business win rate's key.
    pub new_business: String,
    /// The expansion win rate's key.
    pub expansion: String,
}

/// Resolves the parameters of an account at segment path `prefixes` (shortest first) in band `band`:
/// band defaults, then `[params.BAND]`, then each matching path prefix. Returns the parameters and the
/// keys of its win-rate draws.
pub fn resolve(
    overrides: &BTreeMap<String, ParamOverride>,
    band: SizeBand,
    prefixes: &[String],
) -> (SegmentParams, WinKeys) {
    let mut params = SegmentParams::default_for(band);
    let band_key = band.label().to_string();
    let mut keys = WinKeys { new_business: band_key.clone(), expansion: band_key.clone() };
    for key in std::iter::once(band_key).chain(prefixes.iter().cloned()) {
        if let Some(o) = overrides.get(&key) {
            o.apply(&mut params);
            if o.sets_win_rate() {
                keys.new_business = key.clone();
            }
            if o.sets_expansion_win_rate() {
                keys.expansion = key;
            }
        }
    }
    (params, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        for band in SizeBand::ALL {
            let fields = default_fields(band);
            assert_eq!(fields.len(), 30, "every parameter is checked");
            for (name, v, valid) in fields {
                assert!(valid(v), "the {band:?} default {name} = {v} is out of its unit's range");
            }
        }
        GlobalParams::default().validate().unwrap();
    }

    #[test]
    fn overrides_are_validated_when_read() {
        let read = |text: &str| toml::from_str::<ParamOverride>(text).map_err(|e| e.to_string());
        assert_eq!(read("opp_rate = 0.5").unwrap().opp_rate.map(Probability::get), Some(0.5));
        for (text, says) in [
            ("opp_rate = 1.5", "1.5 is outside [0, 1]"),
            ("win_rate_alpha = -1", "-1 must be a number above 0"),
            ("win_rate_beta = nan", "NaN is not a finite number"),
            ("deal_size = -5", "-5 is negative"),
            ("max_open = 1.5", "1.5 must be a whole number from 1 to 32"),
            ("expansion_max_open = 40", "40 must be a whole number from 1 to 32"),
            ("competitive_strength = 1", "1 must be at least 0 and below 1"),
        ] {
            let err = read(text).expect_err(text);
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn computed_values_are_set_through_their_unit() {
        let mut o = ParamOverride::default();
        o.set("handoff_loss", 0.4).unwrap();
        assert_eq!(o.handoff_loss.map(Probability::get), Some(0.4));
        let err = o.set("cycle_months_median", 0.0).unwrap_err();
        assert_eq!(err.to_string(), "cycle_months_median = 0 must be a number above 0");
        assert!(o.set("no_such_field", 1.0).is_err());
    }

    #[test]
    fn deeper_overrides_win() {
        let mut o = BTreeMap::new();
        let p = |v: f64| Some(Probability::new(v).unwrap());
        o.insert("MM".to_string(), ParamOverride { opp_rate: p(0.1), ..Default::default() });
        o.insert(
            "AMER/MM".to_string(),
            ParamOverride {
                opp_rate: p(0.2),
                win_rate_alpha: Some(Positive::new(30.0).unwrap()),
                ..Default::default()
            },
        );
        let prefixes = vec!["AMER".to_string(), "AMER/MM".to_string(), "AMER/MM/Fintech".to_string()];
        let (p, key) = resolve(&o, SizeBand::Mm, &prefixes);
        assert_eq!(p.opp_rate.get(), 0.2);
        assert_eq!(p.win_rate_alpha.get(), 30.0);
        assert_eq!(key.new_business, "AMER/MM");
        assert_eq!(key.expansion, "MM");
        let (p, key) = resolve(&o, SizeBand::Mm, &prefixes[..1]);
        assert_eq!(p.opp_rate.get(), 0.1);
        assert_eq!(key.new_business, "MM");
    }
}
