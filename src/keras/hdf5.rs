//! The HDF5 side of Keras' files, over the pure-Rust `hdf5-pure` crate: float32 weights read
//! with their shapes checked before any data is read, string attributes (tf-keras'
//! `layer_names`, `weight_names`, `model_config`), and a tree of groups and datasets written
//! the way h5py lays it out for Keras.
//!
//! ```
//! use rnn_playground::keras::hdf5::{Tree, read_f32};
//!
//! let mut tree = Tree::default();
//! tree.dataset("layers/dense/vars/0", vec![1.0, 2.0], vec![2, 1]);
//! let bytes = tree.to_bytes().unwrap();
//! let file = hdf5_pure::File::from_bytes(bytes).unwrap();
//! assert_eq!(read_f32(&file, "layers/dense/vars/0", &[2, 1]).unwrap(), vec![1.0, 2.0]);
//! ```

use std::collections::BTreeMap;

use hdf5_pure::{AttrValue, File};

use super::error::KerasError;

/// Open HDF5 bytes; anything that is not HDF5 is a clear error.
pub fn open(bytes: Vec<u8>, what: &str) -> Result<File, KerasError> {
    if !hdf5_pure::is_hdf5_bytes(&bytes) {
        return Err(KerasError::NotKeras(format!("{what} is not an HDF5 file")));
    }
    File::from_bytes(bytes).map_err(|e| KerasError::Corrupt(format!("{what}: {e}")))
}

/// The float32 values of the dataset at `path`, which must have shape `expected` (checked
/// from the header before the data is read, so a header claiming gigabytes reads nothing).
pub fn read_f32(file: &File, path: &str, expected: &[usize]) -> Result<Vec<f32>, KerasError> {
    let ds = file
        .dataset(path)
        .map_err(|_| KerasError::Mismatch(format!("the weights have no {path}")))?;
    let shape: Vec<usize> = ds
        .shape()
        .map_err(|e| KerasError::Corrupt(format!("{path}: {e}")))?
        .into_iter()
        .map(|d| d as usize)
        .collect();
    if shape != expected {
        return Err(KerasError::Mismatch(format!(
            "{path} has shape {shape:?} but the model's config needs {expected:?}"
        )));
    }
    let values = ds
        .read_f32()
        .map_err(|e| KerasError::Corrupt(format!("{path}: {e}")))?;
    if values.len() != expected.iter().product::<usize>() {
        return Err(KerasError::Corrupt(format!(
            "{path}: {} values for shape {expected:?}",
            values.len()
        )));
    }
    Ok(values)
}

/// A string attribute (or a string-array attribute, as a list) of the group at `path`.
/// tf-keras splits long lists over `name0`, `name1`, … (HDF5 caps an attribute at 64 KB).
pub fn strings(file: &File, path: &str, name: &str) -> Result<Option<Vec<String>>, KerasError> {
    let group = if path.is_empty() {
        file.root()
    } else {
        file.group(path)
            .map_err(|_| KerasError::NotKeras(format!("the file has no group {path}")))?
    };
    let attrs = group
        .attrs()
        .map_err(|e| KerasError::Corrupt(format!("{path}: {e}")))?;
    let as_list = |v: &AttrValue| -> Vec<String> {
        match v.as_strings() {
            Some(s) => s.to_vec(),
            None => Vec::new(), // h5py writes an empty list as an empty float array
        }
    };
    if let Some(v) = attrs.get(name) {
        return Ok(Some(as_list(v)));
    }
    let mut out = Vec::new();
    let mut found = false;
    for i in 0.. {
        match attrs.get(&format!("{name}{i}")) {
            Some(v) => {
                found = true;
                out.extend(as_list(v));
            }
            None => break,
        }
    }
    Ok(found.then_some(out))
}

/// Sum of the element counts of the datasets under `path` (the optimizer's variables), if
/// the group exists.
pub fn element_count(file: &File, path: &str) -> Option<usize> {
    let group = file.group(path).ok()?;
    let mut total = 0;
    for name in group.datasets().ok()? {
        let shape = group.dataset(&name).ok()?.shape().ok()?;
        total += shape.iter().product::<u64>().max(1) as usize;
    }
    Some(total)
}

/// Groups and float32 datasets by path, written as one HDF5 file.
#[derive(Default)]
pub struct Tree {
    groups: BTreeMap<String, Tree>,
    datasets: Vec<(String, Vec<f32>, Vec<usize>)>,
    attrs: Vec<(String, String)>,
}

impl Tree {
    fn node(&mut self, path: &str) -> &mut Tree {
        let mut node = self;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            node = node.groups.entry(part.to_string()).or_default();
        }
        node
    }

    /// An (empty) group at `path` with a string attribute, as Keras 3 marks `vars` groups.
    pub fn group(&mut self, path: &str, attr: Option<(&str, &str)>) {
        let node = self.node(path);
        if let Some((k, v)) = attr {
            node.attrs.push((k.into(), v.into()));
        }
    }

    /// A float32 dataset at `path` (its groups made as needed).
    pub fn dataset(&mut self, path: &str, values: Vec<f32>, shape: Vec<usize>) {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        self.node(dir).datasets.push((name.into(), values, shape));
    }

    fn build(self, g: &mut hdf5_pure::GroupBuilder) {
        for (k, v) in self.attrs {
            g.set_attr(&k, AttrValue::String(v));
        }
        for (name, values, shape) in self.datasets {
            let shape: Vec<u64> = shape.iter().map(|d| *d as u64).collect();
            g.create_dataset(&name)
                .with_f32_data(&values)
                .with_shape(&shape);
        }
        for (name, child) in self.groups {
            let mut sub = g.create_group(&name);
            child.build(&mut sub);
            g.add_group(sub.finish());
        }
    }

    /// The HDF5 file's bytes.
    pub fn to_bytes(self) -> Result<Vec<u8>, KerasError> {
        let mut file = hdf5_pure::FileBuilder::new();
        for (k, v) in self.attrs {
            file.set_attr(&k, AttrValue::String(v));
        }
        for (name, values, shape) in self.datasets {
            let shape: Vec<u64> = shape.iter().map(|d| *d as u64).collect();
            file.create_dataset(&name)
                .with_f32_data(&values)
                .with_shape(&shape);
        }
        for (name, child) in self.groups {
            let mut sub = file.create_group(&name);
            child.build(&mut sub);
            file.add_group(sub.finish());
        }
        file.finish()
            .map_err(|e| KerasError::Corrupt(format!("writing the weights: {e}")))
    }
}
