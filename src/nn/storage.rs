//! How weights are written to and read from safetensors files: float32, float16, or 4-bit
//! tables ([`super::quantize`]) for the large ones. Models always compute in f32; storage only
//! changes the download. Reading needs the safetensors crate alone (no candle), so the
//! segmenter, which computes without candle, reads the same files.
//!
//! ```
//! use rnn_playground::nn::storage::{self, Storage};
//!
//! let table: Vec<f32> = (0..8).map(|i| i as f32 / 8.0).collect();
//! let bytes = storage::serialize(&[("w".into(), table.clone(), vec![2, 4])], Storage::F16, None).unwrap();
//! let back = storage::deserialize(&bytes).unwrap();
//! assert_eq!(back[0].0, "w");
//! assert_eq!(back[0].2, vec![2, 4]);
//! assert!(back[0].1.iter().zip(&table).all(|(a, b)| (a - b).abs() < 1e-3));
//! ```

use std::collections::HashMap;

use safetensors::{Dtype, SafeTensors};

use super::error::{NnError, Result};
use super::quantize::{LEVELS, Quantized4};

/// How weights are stored in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    F32,
    /// Half the bytes; ~3 significant digits per weight.
    F16,
    /// Large tables (≥ [`Storage::Q4_MIN_VALUES`] values, such as an embedding) in 4 bits
    /// ([`super::quantize`]); the other weights as f16. About an eighth of the f32 bytes for an
    /// embedding-heavy model.
    Q4,
}

impl Storage {
    /// Tables smaller than this stay f16 under [`Storage::Q4`]: they are a small part of the
    /// file, and the recurrent kernels are where rounding errors compound over time steps.
    pub const Q4_MIN_VALUES: usize = 65_536;
}

/// Name suffixes of a 4-bit table's row scales and levels in a safetensors file.
const Q4_ABSMAX: &str = ".q4_absmax";
const Q4_LEVELS: &str = ".q4_levels";

/// A named weight: its name, its values (row-major) and its shape.
pub type NamedWeights = (String, Vec<f32>, Vec<usize>);

/// Safetensors bytes for `weights` stored as `storage`, with optional file metadata.
pub fn serialize(
    weights: &[NamedWeights],
    storage: Storage,
    metadata: Option<HashMap<String, String>>,
) -> Result<Vec<u8>> {
    let f16_bytes = |values: &[f32]| -> Vec<u8> {
        values
            .iter()
            .flat_map(|x| half::f16::from_f32(*x).to_le_bytes())
            .collect()
    };
    // (name, dtype, bytes, shape); a 4-bit table becomes three entries.
    let mut data: Vec<(String, Dtype, Vec<u8>, Vec<usize>)> = Vec::new();
    for (n, values, dims) in weights {
        match storage {
            Storage::F32 => data.push((
                n.clone(),
                Dtype::F32,
                values.iter().flat_map(|x| x.to_le_bytes()).collect(),
                dims.clone(),
            )),
            Storage::Q4
                if values.len() >= Storage::Q4_MIN_VALUES
                    && dims.len() == 2
                    && dims[1].is_multiple_of(2) =>
            {
                let q = Quantized4::encode(values, dims[0], dims[1])?;
                data.push((n.clone(), Dtype::U8, q.codes, vec![dims[0], dims[1] / 2]));
                data.push((
                    format!("{n}{Q4_ABSMAX}"),
                    Dtype::F16,
                    f16_bytes(&q.absmax),
                    vec![dims[0]],
                ));
                data.push((
                    format!("{n}{Q4_LEVELS}"),
                    Dtype::F32,
                    q.codebook.iter().flat_map(|x| x.to_le_bytes()).collect(),
                    vec![LEVELS],
                ));
            }
            Storage::F16 | Storage::Q4 => {
                data.push((n.clone(), Dtype::F16, f16_bytes(values), dims.clone()))
            }
        }
    }
    let views = data
        .iter()
        .map(|(n, dtype, bytes, shape)| {
            let view = safetensors::tensor::TensorView::new(*dtype, shape.clone(), bytes)
                .map_err(|e| NnError::Load(format!("cannot store {n}: {e}")))?;
            Ok((n.clone(), view))
        })
        .collect::<Result<Vec<_>>>()?;
    safetensors::serialize(views, metadata).map_err(|e| NnError::Load(e.to_string()))
}

/// Every weight in safetensors bytes, as f32, sorted by name (a 4-bit table's scales and levels
/// are folded into it).
pub fn deserialize(bytes: &[u8]) -> Result<Vec<NamedWeights>> {
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| NnError::Load(format!("the weights file is not valid safetensors ({e})")))?;
    let mut names: Vec<String> = st.names().into_iter().map(|n| n.to_string()).collect();
    names.sort();
    names
        .into_iter()
        .filter(|name| !name.ends_with(Q4_ABSMAX) && !name.ends_with(Q4_LEVELS))
        .map(|name| {
            let (values, shape) = read(&st, &name)?;
            // NaN or infinity would silently poison every answer of the model.
            if values.iter().any(|v| !v.is_finite()) {
                return Err(NnError::Load(format!(
                    "{name} holds NaN or infinite values: the file is corrupt or was saved after training diverged"
                )));
            }
            Ok((name, values, shape))
        })
        .collect()
}

/// One weight of an opened file, as f32 values and its shape.
pub fn read(st: &SafeTensors<'_>, name: &str) -> Result<(Vec<f32>, Vec<usize>)> {
    let view = st
        .tensor(name)
        .map_err(|_| NnError::Load(format!("the weights file has no tensor {name:?}")))?;
    let shape = view.shape().to_vec();
    let bytes = view.data();
    let values = match view.dtype() {
        Dtype::F32 => bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        Dtype::F16 => bytes
            .chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        Dtype::U8 => return read_q4(st, name, &shape, bytes),
        other => {
            return Err(NnError::Load(format!(
                "{name} is {other:?}; weights must be float32, float16 or 4-bit tables"
            )));
        }
    };
    Ok((values, shape))
}

/// A 4-bit table: the codes are `name`, its row scales and levels are stored beside it.
fn read_q4(
    st: &SafeTensors<'_>,
    name: &str,
    shape: &[usize],
    codes: &[u8],
) -> Result<(Vec<f32>, Vec<usize>)> {
    let part = |suffix: &str| -> Result<Vec<f32>> {
        let key = format!("{name}{suffix}");
        if st.tensor(&key).is_err() {
            return Err(NnError::Load(format!(
                "{name} is stored in 4 bits but the file has no {key}: the file is incomplete"
            )));
        }
        read(st, &key).map(|(values, _)| values)
    };
    let &[rows, half_cols] = shape else {
        return Err(NnError::Load(format!(
            "{name} is a 4-bit table but has shape {shape:?} (expected rows × bytes)"
        )));
    };
    let codebook: [f32; LEVELS] = part(Q4_LEVELS)?
        .try_into()
        .map_err(|_| NnError::Load(format!("{name}{Q4_LEVELS} must hold {LEVELS} levels")))?;
    let q = Quantized4 {
        rows,
        cols: half_cols * 2,
        codes: codes.to_vec(),
        absmax: part(Q4_ABSMAX)?,
        codebook,
    };
    Ok((q.decode()?, vec![q.rows, q.cols]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| ((i * 7919 % 1000) as f32 - 500.0) / 2000.0)
            .collect()
    }

    #[test]
    fn q4_stores_only_large_tables_in_four_bits() {
        let big = table(Storage::Q4_MIN_VALUES * 2);
        let small = table(64);
        let weights = vec![
            ("embedding".to_string(), big.clone(), vec![2048, 64]),
            ("kernel".to_string(), small.clone(), vec![8, 8]),
        ];
        let q4 = serialize(&weights, Storage::Q4, None).unwrap();
        let f16 = serialize(&weights, Storage::F16, None).unwrap();
        // Codes at half a byte per value plus 2 bytes of scale per row.
        assert!(q4.len() < f16.len() / 3, "{} vs {}", q4.len(), f16.len());
        let st = SafeTensors::deserialize(&q4).unwrap();
        assert_eq!(st.tensor("embedding").unwrap().dtype(), Dtype::U8);
        assert_eq!(st.tensor("kernel").unwrap().dtype(), Dtype::F16);
        let back = deserialize(&q4).unwrap();
        let names: Vec<&str> = back.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(names, ["embedding", "kernel"]);
        assert_eq!(back[0].2, vec![2048, 64]);
        let worst = back[0]
            .1
            .iter()
            .zip(&big)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 0.25 * 0.25, "worst error {worst}");
        assert!(
            back[1]
                .1
                .iter()
                .zip(&small)
                .all(|(a, b)| (a - b).abs() < 1e-3)
        );
    }

    #[test]
    fn non_finite_weights_are_refused() {
        let weights = vec![("w".to_string(), vec![1.0, f32::NAN], vec![2])];
        let file = serialize(&weights, Storage::F32, None).unwrap();
        let err = deserialize(&file).unwrap_err().to_string();
        assert!(err.contains("NaN or infinite"), "{err}");
        let weights = vec![("w".to_string(), vec![f32::INFINITY, 0.0], vec![2])];
        assert!(deserialize(&serialize(&weights, Storage::F16, None).unwrap()).is_err());
    }

    #[test]
    fn an_incomplete_q4_file_is_a_clear_error() {
        let weights = vec![(
            "embedding".to_string(),
            table(Storage::Q4_MIN_VALUES),
            vec![1024, 64],
        )];
        let q4 = serialize(&weights, Storage::Q4, None).unwrap();
        let st = SafeTensors::deserialize(&q4).unwrap();
        // The codes alone, without their scales and levels.
        let codes = st.tensor("embedding").unwrap();
        let alone = safetensors::serialize([("embedding", codes)], None).unwrap();
        let err = deserialize(&alone).unwrap_err().to_string();
        assert!(err.contains("incomplete"), "{err}");
        assert!(deserialize(&q4[..q4.len() / 2]).is_err());
        assert!(deserialize(b"").is_err());
    }
}
