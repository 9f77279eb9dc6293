//! "Did you mean": the closest known name to a misspelt one.

/// The known name closest to `wanted` (case-insensitive edit distance), when it is close enough to be a
/// likely typo: at most one edit for names of up to four characters, a third of the length beyond.
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted_lower.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(&wanted_lower, &k.to_lowercase()), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// `"; did you mean \"X\"?"` when a known name is close, else an empty string, to append to a message.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, known).map_or_else(String::new, |k| format!("; did you mean \"{k}\"?"))
}

/// Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name_and_strangers_find_none() {
        let known = ["vertical_dark", "win_rate", "deal_size", "Fintech", "MM"];
        assert_eq!(closest("vertcal_dark", known), Some("vertical_dark"));
        assert_eq!(closest("vertical_drak", known), Some("vertical_dark"));
        assert_eq!(closest("fintech", known), Some("Fintech"));
        assert_eq!(closest("MidMarket", known), None);
        assert_eq!(closest("xyz", known), None);
        assert_eq!(did_you_mean("Fintek", known), "; did you mean \"Fintech\"?");
        assert_eq!(did_you_mean("Healthcare", known), "");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
