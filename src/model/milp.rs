//! A linear model as arrays, MILP or LP, as a solver is given it ([`Milp`]),
//! its columns and rows known by handle ([`Column`], [`Row`]), and the values a
//! solve gives back ([`Solved`]). It knows nothing of symbio's model, which
//! [`super::formulation`] writes into it, nor of any solver: [`super::highs`]
//! hands it to HiGHS.

use super::solution::Status;

/// A column (a variable) of a model, by its position, so that its value is read
/// back by this handle, never by arithmetic on positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    /// Its position among the model's columns, in creation order.
    pub index: usize,
}

/// A row (a constraint) of a model, by its position, so that its dual is read
/// back by this handle, never by arithmetic on positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Row {
    /// Its position among the model's rows, in creation order.
    pub index: usize,
}

/// Whether the objective is maximised or minimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    /// Maximise (the MILPs).
    Maximise,
    /// Minimise (the transfer LP).
    Minimise,
}

/// A linear model, MILP or LP, as the solver is given it: per column its
/// bounds, objective coefficient and integrality; per row its bounds and its
/// entries, row after row (a compressed sparse row matrix). Rows are added
/// whole, with their entries in ascending column order and no column twice.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Milp {
    /// Maximise or minimise.
    pub sense: Sense,
    /// The objective coefficient of each column.
    pub cost: Vec<f64>,
    /// The lower bound of each column.
    pub lower: Vec<f64>,
    /// The upper bound of each column.
    pub upper: Vec<f64>,
    /// Whether each column is integer.
    pub integer: Vec<bool>,
    /// The lower bound of each row (−∞ for a `≤` row).
    pub row_lower: Vec<f64>,
    /// The upper bound of each row (+∞ for a `≥` row).
    pub row_upper: Vec<f64>,
    /// Row r's entries are `starts[r]..starts[r + 1]` of `index` and `value`.
    pub starts: Vec<usize>,
    /// The column of each entry, row after row.
    pub index: Vec<u32>,
    /// The coefficient of each entry.
    pub value: Vec<f64>,
}

impl Milp {
    /// A model with no column and no row yet.
    pub fn new(sense: Sense) -> Milp {
        Milp {
            sense,
            cost: Vec::new(),
            lower: Vec::new(),
            upper: Vec::new(),
            integer: Vec::new(),
            row_lower: Vec::new(),
            row_upper: Vec::new(),
            starts: vec![0],
            index: Vec::new(),
            value: Vec::new(),
        }
    }

    /// Room for `columns` columns, `rows` rows and `entries` entries more.
    pub fn reserve(&mut self, columns: usize, rows: usize, entries: usize) {
        self.cost.reserve(columns);
        self.lower.reserve(columns);
        self.upper.reserve(columns);
        self.integer.reserve(columns);
        self.row_lower.reserve(rows);
        self.row_upper.reserve(rows);
        self.starts.reserve(rows);
        self.index.reserve(entries);
        self.value.reserve(entries);
    }

    /// Adds a continuous column `lower ≤ c ≤ upper` with objective coefficient 0.
    pub fn column(&mut self, lower: f64, upper: f64) -> Column {
        self.cost.push(0.0);
        self.lower.push(lower);
        self.upper.push(upper);
        self.integer.push(false);
        Column {
            index: self.cost.len() - 1,
        }
    }

    /// Adds an integer column `lower ≤ c ≤ upper`.
    pub fn integer_column(&mut self, lower: f64, upper: f64) -> Column {
        let c = self.column(lower, upper);
        self.integer[c.index] = true;
        c
    }

    /// The upper bound of column `c`.
    pub fn upper_of(&self, c: Column) -> f64 {
        self.upper[c.index]
    }

    /// Adds `a` to the objective coefficient of `c`.
    pub fn add_cost(&mut self, c: Column, a: f64) {
        self.cost[c.index] += a;
    }

    /// The number of columns.
    pub fn columns(&self) -> usize {
        self.cost.len()
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Adds the row `lower ≤ Σ a c ≤ upper` over `terms`; a column named more
    /// than once gets the sum of its coefficients.
    pub fn row(
        &mut self,
        lower: f64,
        upper: f64,
        terms: impl IntoIterator<Item = (Column, f64)>,
    ) -> Row {
        let from = self.index.len();
        for (c, a) in terms {
            self.index.push(u32::try_from(c.index).unwrap_or(u32::MAX));
            self.value.push(a);
        }
        if !self.index[from..].windows(2).all(|w| w[0] < w[1]) {
            let mut row: Vec<(u32, f64)> = self.index[from..]
                .iter()
                .copied()
                .zip(self.value[from..].iter().copied())
                .collect();
            row.sort_by_key(|e| e.0);
            self.index.truncate(from);
            self.value.truncate(from);
            for (c, a) in row {
                // The entries of a column named more than once are summed.
                match self.index.last() {
                    Some(&last) if self.index.len() > from && last == c => {
                        if let Some(v) = self.value.last_mut() {
                            *v += a;
                        }
                    }
                    _ => {
                        self.index.push(c);
                        self.value.push(a);
                    }
                }
            }
        }
        self.row_lower.push(lower);
        self.row_upper.push(upper);
        self.starts.push(self.index.len());
        Row {
            index: self.rows() - 1,
        }
    }

    /// Adds the row `Σ a c ≤ upper`.
    pub fn at_most(&mut self, upper: f64, terms: impl IntoIterator<Item = (Column, f64)>) -> Row {
        self.row(f64::NEG_INFINITY, upper, terms)
    }

    /// Adds the row `Σ a c ≥ lower`.
    pub fn at_least(&mut self, lower: f64, terms: impl IntoIterator<Item = (Column, f64)>) -> Row {
        self.row(lower, f64::INFINITY, terms)
    }

    /// The model left when every column `j` with `free[j]` false is fixed at
    /// `values[j]`: the free columns in their order, each row over them with
    /// its bounds less what the fixed columns contribute, and the rows with no
    /// free column left out (they hold or fail whatever the free columns do);
    /// and for each free column, in order, its column here and in the model left.
    pub fn with_fixed(&self, free: &[bool], values: &[f64]) -> (Milp, Vec<(Column, Column)>) {
        let mut position = vec![u32::MAX; self.columns()];
        let mut m = Milp::new(self.sense);
        let mut kept = Vec::new();
        for (j, _) in free.iter().enumerate().filter(|(_, &f)| f) {
            position[j] = m.columns() as u32;
            let c = m.column(self.lower[j], self.upper[j]);
            m.cost[c.index] = self.cost[j];
            m.integer[c.index] = self.integer[j];
            kept.push((Column { index: j }, c));
        }
        for r in 0..self.rows() {
            let entries = self.starts[r]..self.starts[r + 1];
            let mut fixed = 0.0;
            let from = m.index.len();
            for e in entries {
                let j = self.index[e] as usize;
                if free[j] {
                    m.index.push(position[j]);
                    m.value.push(self.value[e]);
                } else {
                    fixed += self.value[e] * values[j];
                }
            }
            if m.index.len() == from {
                continue;
            }
            m.row_lower.push(self.row_lower[r] - fixed);
            m.row_upper.push(self.row_upper[r] - fixed);
            m.starts.push(m.index.len());
        }
        (m, kept)
    }
}

#[cfg(test)]
impl Milp {
    /// Panics unless every column bound and row holds at `x` (to 1e-6 of
    /// each bound's size, at least 1e-6).
    pub(crate) fn assert_holds(&self, x: &[f64]) {
        assert_eq!(x.len(), self.columns());
        let tol = |b: f64| 1e-6 * b.abs().max(1.0);
        for (j, ((&x, &lower), &upper)) in x.iter().zip(&self.lower).zip(&self.upper).enumerate() {
            assert!(
                x >= lower - tol(lower) && x <= upper + tol(upper),
                "column {j}: {x}"
            );
        }
        for r in 0..self.rows() {
            let e = self.starts[r]..self.starts[r + 1];
            let lhs: f64 = e.map(|e| self.value[e] * x[self.index[e] as usize]).sum();
            assert!(
                lhs >= self.row_lower[r] - tol(self.row_lower[r]),
                "row {r}: {lhs}"
            );
            assert!(
                lhs <= self.row_upper[r] + tol(self.row_upper[r]),
                "row {r}: {lhs}"
            );
        }
    }
}

/// What a solver answered of a [`Milp`].
pub(crate) struct Solved {
    /// The status, as symbio names it.
    pub status: Status,
    /// Whether a primal solution comes with it.
    pub has_solution: bool,
    /// The objective value of that solution.
    pub objective: f64,
    /// HiGHS's best bound on the objective (MILPs).
    pub bound: Option<f64>,
    /// HiGHS's relative gap (MILPs).
    pub gap: Option<f64>,
    pub(super) values: Vec<f64>,
}

impl Solved {
    /// A solution known without HiGHS (column values found by symbio, worth
    /// `objective`), to be read back as a solve's.
    pub fn of_values(status: Status, objective: f64, values: Vec<f64>) -> Solved {
        Solved {
            status,
            has_solution: true,
            objective,
            bound: None,
            gap: None,
            values,
        }
    }

    /// Whether a plan (a feasible solution) is known.
    pub fn has_plan(&self) -> bool {
        self.status.has_plan() && self.has_solution
    }

    /// The value of a column in the solution.
    pub fn value(&self, c: Column) -> f64 {
        self.values[c.index]
    }
}

#[cfg(test)]
mod tests {
    use super::{Milp, Sense};

    #[test]
    fn a_row_names_each_column_once_in_ascending_order() {
        let mut m = Milp::new(Sense::Maximise);
        let a = m.column(0.0, 1.0);
        let b = m.integer_column(0.0, 1.0);
        let c = m.column(0.0, 2.0);
        let first = m.at_most(4.0, [(a, 1.0), (c, 2.0)]);
        let second = m.at_least(1.0, [(c, 1.0), (a, 3.0), (c, -0.5), (b, 2.0)]);
        let third = m.row(2.0, 2.0, []);
        assert_eq!([first.index, second.index, third.index], [0, 1, 2]);
        assert_eq!(m.columns(), 3);
        assert_eq!(m.rows(), 3);
        assert_eq!(m.integer, vec![false, true, false]);
        assert_eq!(m.starts, vec![0, 2, 5, 5]);
        assert_eq!(m.index, vec![0, 2, 0, 1, 2]);
        assert_eq!(m.value, vec![1.0, 2.0, 3.0, 2.0, 0.5]);
        assert_eq!(m.row_lower, vec![f64::NEG_INFINITY, 1.0, 2.0]);
        assert_eq!(m.row_upper, vec![4.0, f64::INFINITY, 2.0]);
    }

    #[test]
    fn fixing_columns_moves_their_part_of_each_row_into_its_bounds() {
        let mut m = Milp::new(Sense::Maximise);
        let a = m.column(0.0, 5.0);
        let b = m.integer_column(0.0, 1.0);
        let c = m.column(0.0, 2.0);
        m.add_cost(a, 3.0);
        m.add_cost(b, -1.0);
        m.at_most(4.0, [(a, 1.0), (c, 2.0)]);
        m.row(1.0, 6.0, [(b, 2.0), (c, 1.0)]);
        m.at_most(0.0, [(b, 1.0)]);
        // b fixed at 1, c at 1.5: a's row loses 3, the row of b and c has no
        // free column left, nor has b's own.
        let (sub, kept) = m.with_fixed(&[true, false, false], &[0.0, 1.0, 1.5]);
        assert_eq!(kept, vec![(a, super::Column { index: 0 })]);
        assert_eq!(sub.columns(), 1);
        assert_eq!(sub.cost, vec![3.0]);
        assert_eq!((sub.lower[0], sub.upper[0]), (0.0, 5.0));
        assert_eq!(sub.starts, vec![0, 1]);
        assert_eq!(sub.index, vec![0]);
        assert_eq!(sub.row_upper, vec![1.0]);
        // c free, a and b fixed: c's columns renumbered from 0, both rows kept.
        let (sub, kept) = m.with_fixed(&[false, false, true], &[2.0, 1.0, 0.0]);
        assert_eq!(kept, vec![(c, super::Column { index: 0 })]);
        assert_eq!(sub.integer, vec![false]);
        assert_eq!(sub.index, vec![0, 0]);
        assert_eq!(sub.value, vec![2.0, 1.0]);
        assert_eq!(sub.row_lower, vec![f64::NEG_INFINITY, -1.0]);
        assert_eq!(sub.row_upper, vec![2.0, 4.0]);
    }
}
