//! The calibration hierarchy: every account belongs to its size band (`MM`) and, when the segmentation has a
//! size-band level, to the segment path down to that level (`AMER/MM`). Parameters are fitted at both
//! levels; a path with thin data borrows strength from its band, a band from the whole market.

use std::collections::BTreeMap;

use crate::market::{HierarchyLevel, Market};
use crate::scenario::Scenario;

/// A node of the calibration hierarchy.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The parameter key (`MM`, `AMER/MM`); empty for the root.
    pub key: String,
    /// The parent node (`None` for the root).
    pub parent: Option<usize>,
}

/// The nodes, parents before children, and each account's deepest node.
#[derive(Debug, Clone, PartialEq)]
pub struct Segments {
    /// Root first, then bands, then paths.
    pub nodes: Vec<Node>,
    /// Deepest node of each account (market index).
    pub leaf: Vec<usize>,
}

impl Segments {
    /// Builds the hierarchy of `market` under `scenario`'s segmentation.
    pub fn new(scenario: &Scenario, market: &Market) -> Self {
        let hierarchy = &scenario.segmentation.hierarchy;
        let depth = hierarchy.iter().position(|l| *l == HierarchyLevel::SizeBand);
        let mut nodes = vec![Node { key: String::new(), parent: None }];
        let mut ix: BTreeMap<String, usize> = BTreeMap::new();
        let mut leaf = Vec::with_capacity(market.accounts().len());
        let mut node = |key: String, parent: usize, nodes: &mut Vec<Node>| -> usize {
            *ix.entry(key.clone()).or_insert_with(|| {
                nodes.push(Node { key, parent: Some(parent) });
                nodes.len() - 1
            })
        };
        for (a, account) in market.accounts().iter().enumerate() {
            let band = node(account.size_band.label().to_string(), 0, &mut nodes);
            let deepest = match depth {
                Some(d) if d > 0 => {
                    let path = market.segment_path(a, hierarchy);
                    node(path.0[..=d].join("/"), band, &mut nodes)
                }
                _ => band,
            };
            leaf.push(deepest);
        }
        // Parents before children: bands first, then paths, each sorted by key for stable output.
        let mut order: Vec<usize> = (1..nodes.len()).collect();
        order.sort_by_key(|&i| (nodes[i].parent != Some(0), nodes[i].key.clone()));
        let mut new_ix = vec![0; nodes.len()];
        for (k, &i) in order.iter().enumerate() {
            new_ix[i] = k + 1;
        }
        let mut sorted = vec![nodes[0].clone()];
        for &i in &order {
            sorted.push(Node { key: nodes[i].key.clone(), parent: nodes[i].parent.map(|p| new_ix[p]) });
        }
        Segments { nodes: sorted, leaf: leaf.into_iter().map(|l| new_ix[l]).collect() }
    }

    /// The nodes an account counts toward: its leaf and every ancestor, the root included.
    pub fn chain(&self, account: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(self.leaf[account]), |&n| self.nodes[n].parent)
    }
}
