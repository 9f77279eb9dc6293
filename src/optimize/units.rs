//! Geographic units with a neighbour list (US counties, or any table with a `neighbors` column).

use std::collections::HashMap;

use crate::market::GeoPoint;

/// An adjacency graph of geographic units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitGraph {
    /// Unit ids (for example county FIPS codes).
    pub ids: Vec<String>,
    /// Centroid of each unit, when known.
    pub centroid: Vec<Option<GeoPoint>>,
    /// Neighbours of each unit, by index.
    pub neighbors: Vec<Vec<u32>>,
    index: HashMap<String, u32>,
}

impl UnitGraph {
    /// A graph from units (id, centroid, neighbour ids). Neighbour ids not in the table are ignored, and
    /// adjacency is made symmetric.
    pub fn new(units: Vec<(String, Option<GeoPoint>, Vec<String>)>) -> UnitGraph {
        let index: HashMap<String, u32> =
            units.iter().enumerate().map(|(i, u)| (u.0.clone(), i as u32)).collect();
        let mut neighbors = vec![Vec::new(); units.len()];
        for (i, (_, _, ns)) in units.iter().enumerate() {
            for n in ns {
                if let Some(&j) = index.get(n)
                    && j as usize != i
                {
                    neighbors[i].push(j);
                    neighbors[j as usize].push(i as u32);
                }
            }
        }
        for n in &mut neighbors {
            n.sort_unstable();
            n.dedup();
        }
        UnitGraph {
            ids: units.iter().map(|u| u.0.clone()).collect(),
            centroid: units.iter().map(|u| u.1).collect(),
            neighbors,
            index,
        }
    }

    /// The index of a unit id.
    pub fn unit(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no units.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// True when `units` induce a connected subgraph (an empty set is connected).
    pub fn connected(&self, units: &[u32]) -> bool {
        let Some(&first) = units.first() else { return true };
        let inside: std::collections::HashSet<u32> = units.iter().copied().collect();
        let mut seen = std::collections::HashSet::from([first]);
        let mut stack = vec![first];
        while let Some(u) = stack.pop() {
            for &v in &self.neighbors[u as usize] {
                if inside.contains(&v) && seen.insert(v) {
                    stack.push(v);
                }
            }
        }
        seen.len() == inside.len()
    }

    /// Connected components, as a component index per unit.
    pub fn components(&self) -> Vec<u32> {
        let mut comp = vec![u32::MAX; self.len()];
        let mut next = 0;
        for s in 0..self.len() {
            if comp[s] != u32::MAX {
                continue;
            }
            comp[s] = next;
            let mut stack = vec![s as u32];
            while let Some(u) = stack.pop() {
                for &v in &self.neighbors[u as usize] {
                    if comp[v as usize] == u32::MAX {
                        comp[v as usize] = next;
                        stack.push(v);
                    }
                }
            }
            next += 1;
        }
        comp
    }
}
