//! Property tests of market invariants.

mod common;

use common::*;
use proptest::prelude::*;
use terrasim::market::{Audit, AuditBands, HierarchyLevel, Money, Region, SizeBand};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Potential is conserved along the hierarchy: each level sums to the total, and every segment's
    /// potential is the sum of its children's.
    #[test]
    fn potential_is_conserved_across_rollups(
        rows in proptest::collection::vec((0usize..3, 0usize..3, 0usize..4, 1.0f64..1e6, proptest::option::of(0usize..3)), 1..120)
    ) {
        let regions = ["AMER", "EMEA", "ROW"];
        let verticals = ["Software", "Retail", "Fintech", "Health"];
        let accounts = rows.iter().enumerate().map(|(i, &(region, band, vertical, potential, _))| {
            let mut a = account(i, verticals[vertical], potential);
            a.region = Region::new(regions[region]).unwrap();
            a.size_band = SizeBand::ALL[band];
            a.potential = Money::new(potential).unwrap();
            a
        }).collect();
        let owners: Vec<Option<usize>> = rows.iter().map(|r| r.4).collect();
        let m = market(accounts, vec![rep("R0", 100.0, 1.0), rep("R1", 100.0, 1.0), rep("R2", 100.0, 1.0)], &owners);
        let hierarchy = [HierarchyLevel::Region, HierarchyLevel::SizeBand, HierarchyLevel::Vertical];
        let hours = vec![1.0; rows.len()];
        let audit = Audit::compute(&m, m.plan(), &hours, &hierarchy, AuditBands::default());
        let total: f64 = rows.iter().map(|r| r.3).sum();
        let tolerance = 1e-9 * total;
        for depth in 1..=3 {
            let level: f64 = audit.rollups.iter().filter(|s| s.depth == depth).map(|s| s.potential).sum();
            prop_assert!((level - total).abs() <= tolerance, "depth {} sums to {} not {}", depth, level, total);
            let accounts: usize = audit.rollups.iter().filter(|s| s.depth == depth).map(|s| s.accounts).sum();
            prop_assert_eq!(accounts, rows.len());
        }
        for parent in audit.rollups.iter().filter(|s| s.depth < 3) {
            let prefix = format!("{}/", parent.segment);
            let children: f64 = audit.rollups.iter()
                .filter(|s| s.depth == parent.depth + 1 && s.segment.starts_with(&prefix))
                .map(|s| s.potential).sum();
            prop_assert!((children - parent.potential).abs() <= tolerance);
        }
        // Books and the unowned partition the accounts: every account has exactly one owner or none.
        let owned: usize = audit.per_rep.iter().map(|r| r.accounts).sum();
        prop_assert_eq!(owned + audit.unowned.len(), rows.len());
        let book_potential: f64 = audit.per_rep.iter().map(|r| r.potential).sum::<f64>() + audit.unowned_potential;
        prop_assert!((book_potential - total).abs() <= tolerance);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// A plan written as CSV and loaded back gives every account exactly the owner written (or none).
    #[test]
    fn loaded_plan_has_one_owner_per_account(owners in proptest::collection::vec(proptest::option::of(0usize..4), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let mut reps = String::from("id,role,region,capacity_hours,annual_quota\n");
        for r in 0..4 {
            reps.push_str(&format!("R{r},SMB,AMER,100,100000\n"));
        }
        let mut accounts = String::from("id,name,country\n");
        let mut plan = String::from("account_id,owner_id\n");
        for (i, owner) in owners.iter().enumerate() {
            accounts.push_str(&format!("A{i},Company {i},US\n"));
            if let Some(r) = owner {
                plan.push_str(&format!("A{i},R{r}\n"));
            }
        }
        std::fs::write(dir.path().join("reps.csv"), reps).unwrap();
        std::fs::write(dir.path().join("accounts.csv"), accounts).unwrap();
        std::fs::write(dir.path().join("plan.csv"), plan).unwrap();
        let toml = "schema_version = 1\nname = \"p\"\n[data]\naccounts = \"accounts.csv\"\nreps = \"reps.csv\"\nplan = \"plan.csv\"\n";
        std::fs::write(dir.path().join("s.toml"), toml).unwrap();
        let scenario = terrasim::io::load_scenario(&dir.path().join("s.toml")).unwrap();
        let market = terrasim::io::load_market(&scenario).unwrap();
        prop_assert_eq!(market.plan().len(), owners.len());
        let books = market.plan().books(4);
        let total: usize = books.iter().map(Vec::len).sum::<usize>() + market.plan().unowned_accounts().len();
        prop_assert_eq!(total, owners.len(), "books and the unowned partition the accounts");
        for (i, owner) in owners.iter().enumerate() {
            let got = market.plan().owner(i).map(|r| market.reps()[r].id.to_string());
            prop_assert_eq!(got, owner.map(|r| format!("R{r}")));
        }
    }
}
