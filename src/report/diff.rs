//! The terminal view of a plan change: the moves, largest potential first, and what they add up to.

use crate::market::{Market, PlanDiff};

use super::table::{Table, money, pct};

/// The moves from plan A to plan B (`from` and `to` name them), at most `limit` rows (the rest are
/// counted; every move is in `review.csv`; none, not even the header, with 0), then the summary.
pub fn diff_summary(market: &Market, diff: &PlanDiff, from: &str, to: &str, limit: usize) -> String {
    let owner = |r: Option<usize>| {
        r.map_or_else(
            || "(unowned)".to_string(),
            |r| format!("{} {}", market.reps()[r].id, market.reps()[r].name),
        )
    };
    let mut out = format!("Moves from A = {from} to B = {to}, largest potential first\n");
    let moves = diff.by_potential(market);
    if moves.is_empty() {
        out.push_str("no account changes owner\n");
    } else if limit > 0 {
        let mut t = Table::new(&["account", "name", "owner in A", "owner in B", "reason", "potential"])
            .left_aligned(5);
        for m in moves.iter().take(limit) {
            let a = &market.accounts()[m.account];
            t.row(vec![
                a.id.to_string(),
                a.name.clone(),
                owner(m.from),
                owner(m.to),
                m.reason.to_string(),
                money(a.potential.get()),
            ]);
        }
        out.push_str(&t.render());
        if moves.len() > limit {
            out.push_str(&format!(
                "... and {} more moves (every move is in review.csv)\n",
                moves.len() - limit
            ));
        }
    }
    out.push_str(&format!(
        "\n{} of {} accounts move ({}); {} of {} potential moves ({})\n",
        diff.moves.len(),
        diff.accounts,
        pct(diff.moved_share()),
        money(diff.moved_potential),
        money(diff.potential),
        pct(diff.moved_potential_share()),
    ));
    out
}
