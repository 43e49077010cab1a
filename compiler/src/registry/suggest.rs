//! "Did you mean …?" suggestions for misspelt names.

/// The candidate nearest to `name` by optimal-string-alignment distance (Levenshtein plus
/// adjacent transpositions, each edit counted once), if it is close enough to be a plausible
/// typo: at most `max(1, len / 3)` edits, `len` being `name`'s length in characters. Ties go to
/// the earlier candidate; a candidate equal to `name` is never suggested.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name: Vec<char> = name.chars().collect();
    let limit = (name.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut scratch = Scratch::default();
    for cand in candidates {
        let chars: Vec<char> = cand.chars().collect();
        if chars == name || chars.len().abs_diff(name.len()) > limit {
            continue;
        }
        let d = scratch.distance(&name, &chars);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// The optimal-string-alignment distance between `a` and `b`.
pub fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    Scratch::default().distance(&a, &b)
}

/// Three reusable DP rows.
#[derive(Default)]
struct Scratch {
    prev2: Vec<usize>,
    prev: Vec<usize>,
    cur: Vec<usize>,
}

impl Scratch {
    fn distance(&mut self, a: &[char], b: &[char]) -> usize {
        let n = b.len();
        self.prev2.clear();
        self.prev2.resize(n + 1, 0);
        self.prev.clear();
        self.prev.extend(0..=n);
        self.cur.clear();
        self.cur.resize(n + 1, 0);
        for i in 1..=a.len() {
            self.cur[0] = i;
            for j in 1..=n {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut d = (self.prev[j] + 1).min(self.cur[j - 1] + 1).min(self.prev[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d = d.min(self.prev2[j - 2] + 1);
                }
                self.cur[j] = d;
            }
            std::mem::swap(&mut self.prev2, &mut self.prev);
            std::mem::swap(&mut self.prev, &mut self.cur);
        }
        self.prev[n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(osa_distance("", ""), 0);
        assert_eq!(osa_distance("abc", ""), 3);
        assert_eq!(osa_distance("", "ab"), 2);
        assert_eq!(osa_distance("kitten", "sitting"), 3);
        assert_eq!(osa_distance("printf", "pritnf"), 1);
        assert_eq!(osa_distance("ca", "abc"), 3); // OSA, not full Damerau (which gives 2)
        assert_eq!(osa_distance("contnet", "content"), 1);
        assert_eq!(osa_distance("héllo", "hello"), 1);
    }

    #[test]
    fn suggestions() {
        let fields = ["path", "content", "state", "mode", "owner", "group"];
        assert_eq!(did_you_mean("contnet", fields), Some("content"));
        assert_eq!(did_you_mean("stat", fields), Some("state"));
        assert_eq!(did_you_mean("xyz", fields), None);
        assert_eq!(did_you_mean("content", fields), None);
        assert_eq!(did_you_mean("printf", ["sprintf", "printf2"]), Some("sprintf"));
        assert_eq!(did_you_mean("a", ["b", "c"]), Some("b"));
        assert_eq!(did_you_mean("anything", std::iter::empty()), None);
        // 9 characters allow 3 edits, not 4.
        assert_eq!(did_you_mean("aaaaaaaaa", ["aaaaaabbb"]), Some("aaaaaabbb"));
        assert_eq!(did_you_mean("aaaaaaaaa", ["aaaaabbbb"]), None);
    }
}
