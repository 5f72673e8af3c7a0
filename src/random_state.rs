//! numpy's legacy `np.random.RandomState` (the Mersenne Twister MT19937 that scikit-learn's
//! `random_state=42` seeds) and scikit-learn's `train_test_split` on top of it, row for row.
//!
//! The lecture splits its reviews with `train_test_split(total_data, test_size=0.25,
//! random_state=42)`. To print the same numbers as Colab, the page must pick the same rows:
//! scikit-learn draws `RandomState(42).permutation(n)` (numpy's `shuffle`: Fisher–Yates from
//! the last index down, each `j` drawn by rejection from the smallest bit mask above `i`),
//! takes the first `ceil(test_size · n)` indices as the test rows and the rest as the training
//! rows, both in the permutation's order.
//!
//! ```
//! use rnn_playground::random_state::{RandomState, train_test_split_indices};
//!
//! // np.random.RandomState(42).permutation(10)
//! assert_eq!(RandomState::new(42).permutation(10), vec![8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
//! // train_test_split(range(10), test_size=0.25, random_state=42)
//! let (train, test) = train_test_split_indices(10, 0.25, 42);
//! assert_eq!(test, vec![8, 1, 5]);
//! assert_eq!(train, vec![0, 7, 2, 9, 4, 3, 6]);
//! ```

/// `np.random.RandomState(seed)`: MT19937 seeded as numpy's `_legacy_seeding` seeds an
/// integer (Matsumoto and Nishimura's `init_genrand`; the generator is `rand_mt`'s).
#[derive(Clone)]
pub struct RandomState {
    mt: Box<rand_mt::Mt>,
}

impl RandomState {
    /// numpy accepts seeds 0 to 2³²−1; the page's seed field is a `u32`.
    pub fn new(seed: u32) -> Self {
        Self {
            mt: Box::new(rand_mt::Mt::new(seed)),
        }
    }

    /// The next tempered 32-bit output (`genrand_int32`).
    pub fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// numpy's `random_interval(max)`: uniform on `0..=max` by rejection under the smallest
    /// all-ones mask that covers `max`.
    fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        loop {
            let value = self.next_u32() & mask;
            if value <= max {
                return value;
            }
        }
    }

    /// `RandomState.shuffle(x)` of a one-dimensional array.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        // numpy draws 64-bit values above 2³²−1 elements; no review file gets there.
        for i in (1..x.len()).rev() {
            let j = self.interval(i as u32) as usize;
            x.swap(i, j);
        }
    }

    /// `RandomState.permutation(n)`: `np.arange(n)` shuffled.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut x: Vec<usize> = (0..n).collect();
        self.shuffle(&mut x);
        x
    }
}

/// The test size scikit-learn takes for a fraction: `ceil(test_size · n)`
/// (`_validate_shuffle_split`), at most `n`.
pub fn test_rows(n: usize, test_size: f64) -> usize {
    ((test_size.clamp(0.0, 1.0) * n as f64).ceil() as usize).min(n)
}

/// `train_test_split(range(n), test_size=…, random_state=seed)` as row indices:
/// `(train, test)`, each in the order scikit-learn returns its rows.
pub fn train_test_split_indices(n: usize, test_size: f64, seed: u32) -> (Vec<usize>, Vec<usize>) {
    let mut permutation = RandomState::new(seed).permutation(n);
    let train = permutation.split_off(test_rows(n, test_size));
    (train, permutation)
}
