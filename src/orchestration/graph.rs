//! The dependency graph's algorithms on plain indices: critical path (longest chain) and cycle
//! finding, both O(V + E) over a compressed adjacency list.

/// A directed graph of `node_count` nodes (0-based) whose edges run blocker → blocked.
///
/// ```
/// use kanboard::orchestration::graph::DependencyDag;
/// let dag = DependencyDag::new(4, [(0, 1), (1, 2), (0, 3)]).unwrap();
/// assert_eq!(dag.critical_path().unwrap(), vec![0, 1, 2]);
/// let cyclic = DependencyDag::new(3, [(0, 1), (1, 2), (2, 1)]).unwrap();
/// assert_eq!(cyclic.critical_path().unwrap_err(), vec![1, 2]);
/// ```
#[derive(Debug, Clone)]
pub struct DependencyDag {
    /// `targets[offsets[v]..offsets[v + 1]]` are v's successors, in the order the edges came.
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl DependencyDag {
    /// Builds the graph; `None` when an edge names a node ≥ `node_count` or there are more
    /// than `u32::MAX` nodes or edges.
    pub fn new(node_count: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Option<Self> {
        let n = u32::try_from(node_count).ok()?;
        let edges: Vec<(u32, u32)> = edges
            .into_iter()
            .map(|(a, b)| (a < node_count && b < node_count).then_some((a as u32, b as u32)))
            .collect::<Option<_>>()?;
        u32::try_from(edges.len()).ok()?;
        let mut offsets = vec![0u32; n as usize + 1];
        for &(a, _) in &edges {
            offsets[a as usize + 1] += 1;
        }
        for i in 0..n as usize {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; edges.len()];
        for &(a, b) in &edges {
            let slot = &mut fill[a as usize];
            targets[*slot as usize] = b;
            *slot += 1;
        }
        Some(DependencyDag { offsets, targets })
    }

    /// How many nodes: the `node_count` given to [`DependencyDag::new`].
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// How many edges, repeated ones included.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    fn successors(&self, v: usize) -> &[u32] {
        &self.targets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    /// The longest chain (by number of nodes), first blocker first; empty when there are no
    /// edges. Ties go the way kanboard-cli's Kahn + DP goes: nodes are taken in index order,
    /// a node keeps the first predecessor that gave it its length, and the chain ends at the
    /// first node in topological order with the greatest length.
    ///
    /// `Err` holds the nodes of one cycle, each with an edge to the next and the last to the
    /// first, when the graph is not acyclic.
    pub fn critical_path(&self) -> Result<Vec<usize>, Vec<usize>> {
        let n = self.node_count();
        if self.targets.is_empty() {
            return Ok(Vec::new());
        }
        let mut indegree = vec![0u32; n];
        for &t in &self.targets {
            indegree[t as usize] += 1;
        }
        let mut dist = vec![1u32; n];
        let mut pred = vec![u32::MAX; n];
        // The topological order doubles as the FIFO queue of Kahn's algorithm.
        let mut order: Vec<u32> = Vec::with_capacity(n);
        order.extend((0..n as u32).filter(|&v| indegree[v as usize] == 0));
        let mut head = 0;
        while head < order.len() {
            let v = order[head] as usize;
            head += 1;
            for &s in self.successors(v) {
                let s = s as usize;
                if dist[v] + 1 > dist[s] {
                    dist[s] = dist[v] + 1;
                    pred[s] = v as u32;
                }
                indegree[s] -= 1;
                if indegree[s] == 0 {
                    order.push(s as u32);
                }
            }
        }
        if order.len() < n {
            return Err(self.find_cycle(&indegree));
        }
        let mut end = order[0] as usize;
        for &v in &order {
            if dist[v as usize] > dist[end] {
                end = v as usize;
            }
        }
        let mut path = vec![end];
        while pred[end] != u32::MAX {
            end = pred[end] as usize;
            path.push(end);
        }
        path.reverse();
        Ok(path)
    }

    /// One cycle among the nodes Kahn's algorithm could not order (those whose remaining
    /// in-degree is not zero). Each of them has a predecessor among them, so walking
    /// predecessors must come back to a node already seen.
    fn find_cycle(&self, remaining_indegree: &[u32]) -> Vec<usize> {
        let n = self.node_count();
        let stuck = |v: usize| remaining_indegree[v] > 0;
        // Predecessor lists restricted to stuck nodes (built only when there is a cycle).
        let mut pred_of: Vec<Option<u32>> = vec![None; n];
        for v in 0..n {
            if !stuck(v) {
                continue;
            }
            for &s in self.successors(v) {
                if stuck(s as usize) && pred_of[s as usize].is_none() {
                    pred_of[s as usize] = Some(v as u32);
                }
            }
        }
        let start = (0..n).find(|&v| stuck(v)).unwrap_or(0);
        let mut seen_at = vec![u32::MAX; n];
        let mut walk: Vec<usize> = Vec::new();
        let mut v = start;
        while seen_at[v] == u32::MAX {
            seen_at[v] = walk.len() as u32;
            walk.push(v);
            match pred_of[v] {
                Some(p) => v = p as usize,
                None => return walk, // cannot happen for a stuck node; keep what was found
            }
        }
        let mut cycle = walk.split_off(seen_at[v] as usize);
        // The walk went against the edges; turn it around so each blocks the next.
        cycle.reverse();
        let first = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, v)| **v)
            .map_or(0, |(i, _)| i);
        cycle.rotate_left(first);
        cycle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Longest chain length by brute force over all simple paths (tiny graphs only).
    fn brute_longest(n: usize, edges: &[(usize, usize)]) -> usize {
        fn go(v: usize, edges: &[(usize, usize)], seen: &mut Vec<bool>) -> usize {
            seen[v] = true;
            let mut best = 1;
            for &(a, b) in edges {
                if a == v && !seen[b] {
                    best = best.max(1 + go(b, edges, seen));
                }
            }
            seen[v] = false;
            best
        }
        (0..n)
            .map(|v| go(v, edges, &mut vec![false; n]))
            .max()
            .unwrap_or(0)
    }

    fn is_chain(path: &[usize], edges: &[(usize, usize)]) -> bool {
        path.windows(2).all(|w| edges.contains(&(w[0], w[1])))
    }

    #[test]
    fn empty_and_edgeless_graphs_have_no_path() {
        assert_eq!(
            DependencyDag::new(0, []).unwrap().critical_path(),
            Ok(vec![])
        );
        assert_eq!(
            DependencyDag::new(5, []).unwrap().critical_path(),
            Ok(vec![])
        );
    }

    #[test]
    fn out_of_range_edges_are_refused() {
        assert!(DependencyDag::new(2, [(0, 2)]).is_none());
    }

    #[test]
    fn ties_follow_kahn_order() {
        // Two chains of 3: 0→1→2 and 3→4→5; the first in topological order wins.
        let d = DependencyDag::new(6, [(3, 4), (4, 5), (0, 1), (1, 2)]).unwrap();
        assert_eq!(d.critical_path().unwrap(), vec![0, 1, 2]);
        // Diamond: 0→1→3, 0→2→3: 3 keeps its first predecessor.
        let d = DependencyDag::new(4, [(0, 1), (0, 2), (1, 3), (2, 3)]).unwrap();
        assert_eq!(d.critical_path().unwrap(), vec![0, 1, 3]);
    }

    #[test]
    fn matches_brute_force_on_random_dags() {
        let mut seed = 0x1234_5678_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let n = (next() % 8 + 1) as usize;
            let m = (next() % 12) as usize;
            let mut edges = Vec::new();
            for _ in 0..m {
                let a = (next() % n as u64) as usize;
                let b = (next() % n as u64) as usize;
                if a < b && !edges.contains(&(a, b)) {
                    edges.push((a, b));
                }
            }
            let path = DependencyDag::new(n, edges.clone())
                .unwrap()
                .critical_path()
                .unwrap();
            if edges.is_empty() {
                assert!(path.is_empty());
            } else {
                assert_eq!(path.len(), brute_longest(n, &edges), "{edges:?}");
                assert!(is_chain(&path, &edges), "{path:?} over {edges:?}");
            }
        }
    }

    #[test]
    fn a_cycle_is_reported_with_its_nodes() {
        // 0 → 1 → 2 → 3 → 1, and 3 → 4 downstream of the cycle.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 1), (3, 4)];
        let err = DependencyDag::new(5, edges)
            .unwrap()
            .critical_path()
            .unwrap_err();
        assert_eq!(err, vec![1, 2, 3]);
        let self_loop = DependencyDag::new(2, [(0, 1), (1, 1)]).unwrap();
        assert_eq!(self_loop.critical_path().unwrap_err(), vec![1]);
    }
}
