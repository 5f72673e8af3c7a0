//! Keras' `to_categorical`: class indices to one-hot rows.
//!
//! ```
//! use rnn_playground::text::to_categorical;
//!
//! assert_eq!(to_categorical(&[2, 0], None).unwrap(), vec![vec![0.0, 0.0, 1.0], vec![1.0, 0.0, 0.0]]);
//! ```

use super::error::TextError;

/// One-hot encode `labels` into `num_classes` columns; `None` (or, as in Keras, `Some(0)`)
/// means `max(labels) + 1`.
pub fn to_categorical(
    labels: &[usize],
    num_classes: Option<usize>,
) -> Result<Vec<Vec<f32>>, TextError> {
    let num_classes = match num_classes {
        Some(n) if n > 0 => n,
        _ => labels.iter().max().map_or(0, |&m| m + 1),
    };
    labels
        .iter()
        .map(|&label| {
            if label >= num_classes {
                return Err(TextError::LabelOutOfRange { label, num_classes });
            }
            let mut row = vec![0.0; num_classes];
            row[label] = 1.0;
            Ok(row)
        })
        .collect()
}
