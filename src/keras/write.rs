//! Writing a `.keras` file as Keras 3.15 lays it out: `config.json`, `metadata.json` and
//! `model.weights.h5`.

use std::io::{Cursor, Write};

use serde_json::json;

use super::config::keras_config;
use super::hdf5;
use super::layers;
use super::{KERAS_VERSION, KerasError};
use crate::nn::{LayerConfig, ModelExtras, Sequential};

/// Keras 3's `model.weights.h5` for a model: `layers/<key>/vars/<i>` (recurrent cells under
/// `cell/`, Bidirectional's under `forward_layer/` and `backward_layer/`), as Keras writes it.
pub fn keras_weights_h5(model: &Sequential) -> Result<Vec<u8>, KerasError> {
    let mut tree = hdf5::Tree::default();
    let mut counts = std::collections::HashMap::new();
    for ((name, layer), config) in model.layers().iter().zip(model.configs()) {
        let class = layers::class_name(config).ok_or_else(|| KerasError::Unsupported {
            layer: name.clone(),
            what: "AttentionPooling1D is not a Keras layer, so Keras cannot open it".into(),
        })?;
        let base = layers::snake_case(class);
        let n = counts.entry(base.clone()).or_insert(0usize);
        let key = if *n == 0 {
            base.clone()
        } else {
            format!("{base}_{n}")
        };
        *n += 1;
        fn put(
            tree: &mut hdf5::Tree,
            group: &str,
            vars: &[candle_core::Var],
            cell_name: &str,
        ) -> Result<(), KerasError> {
            tree.group(group, Some(("name", cell_name)));
            for (i, v) in vars.iter().enumerate() {
                let t = v.as_tensor();
                let values = t
                    .flatten_all()
                    .and_then(|t| t.to_vec1::<f32>())
                    .map_err(|e| KerasError::Model(e.to_string()))?;
                tree.dataset(&format!("{group}/{i}"), values, t.dims().to_vec());
            }
            Ok(())
        }
        let weights: Vec<(String, candle_core::Var)> = layer.weights();
        let vars = |prefix: &str| -> Vec<candle_core::Var> {
            weights
                .iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|(_, v)| v.clone())
                .collect()
        };
        match config {
            LayerConfig::Recurrent { cell, .. } => {
                tree.group(&format!("layers/{key}/vars"), Some(("name", name)));
                put(
                    &mut tree,
                    &format!("layers/{key}/cell/vars"),
                    &vars(""),
                    &format!("{}_cell", cell.snake_name()),
                )?;
            }
            LayerConfig::Bidirectional { cell, .. } => {
                tree.group(&format!("layers/{key}/vars"), Some(("name", name)));
                for side in ["forward", "backward"] {
                    let layer_name = format!("{side}_{}", cell.snake_name());
                    tree.group(
                        &format!("layers/{key}/{side}_layer/vars"),
                        Some(("name", &layer_name)),
                    );
                    put(
                        &mut tree,
                        &format!("layers/{key}/{side}_layer/cell/vars"),
                        &vars(&format!("{side}/")),
                        &format!("{}_cell", cell.snake_name()),
                    )?;
                }
            }
            LayerConfig::TimeDistributed { .. } => {
                tree.group(&format!("layers/{key}/vars"), Some(("name", name)));
                put(
                    &mut tree,
                    &format!("layers/{key}/layer/vars"),
                    &vars(""),
                    &format!("{name}_dense"),
                )?;
            }
            _ => put(&mut tree, &format!("layers/{key}/vars"), &vars(""), name)?,
        }
    }
    tree.group("vars", Some(("name", model.name())));
    tree.to_bytes()
}

/// Keras 3's `.keras` file for `model`: Keras' `load_model` opens it and predicts what the
/// model predicts; `extras.compile` becomes its compile config. `date_saved` goes into
/// `metadata.json` as Keras writes it (`2026-12-06@12:46:54`).
pub fn write_keras(
    model: &Sequential,
    extras: &ModelExtras,
    date_saved: &str,
) -> Result<Vec<u8>, KerasError> {
    let config = keras_config(model, extras)?;
    let weights = keras_weights_h5(model)?;
    let metadata = json!({
        "keras_version": KERAS_VERSION,
        "date_saved": date_saved,
        "saved_by": concat!("rnn-playground ", env!("CARGO_PKG_VERSION")),
    });
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let io = |e: std::io::Error| KerasError::Io(e.to_string());
        let zerr = |e: zip::result::ZipError| KerasError::Io(e.to_string());
        for (name, bytes) in [
            (
                "metadata.json",
                serde_json::to_vec(&metadata).expect("json"),
            ),
            ("config.json", serde_json::to_vec(&config).expect("json")),
            ("model.weights.h5", weights),
        ] {
            zip.start_file(name, options).map_err(zerr)?;
            zip.write_all(&bytes).map_err(io)?;
        }
        zip.finish().map_err(zerr)?;
    }
    Ok(out.into_inner())
}

/// `2026-12-06@12:46:54` (UTC) for a Unix time, as Keras writes `date_saved`.
pub fn date_saved(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}@{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_saved_is_keras_format() {
        assert_eq!(date_saved(0), "1970-01-01@00:00:00");
        // 2026-12-06 12:46:54 UTC
        assert_eq!(date_saved(1_796_561_214), "2026-12-06@12:46:54");
        assert_eq!(date_saved(951_782_400), "2000-02-29@00:00:00");
    }
}
