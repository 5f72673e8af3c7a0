//! What several jobs' messages carry: a data-parallel replica's place in its run, where a
//! file's bytes are, and the retrained model's name.

use serde::{Deserialize, Serialize};

/// The name the retrained model gets in the panel.
pub const RETRAINED_MODEL: &str = "retrained-simplernn";

/// Which replica a worker is, sent with a studio, retraining or benchmark `Train`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaInfo {
    pub index: usize,
    pub count: usize,
    /// The run's id: its channel's name (the messages of an earlier run never mix in).
    pub run: u32,
    /// The page left this run's workers direct ports to each other (`peer_ports`): ask for
    /// them instead of using the BroadcastChannel.
    #[serde(default)]
    pub direct: bool,
}

/// Where the bytes of a notebook's review file or checkpoint are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BlobRef {
    /// At an address (the worker fetches it).
    Url(String),
    /// In the stash ([`crate::web::stash`]) under this key.
    Stash(String),
    /// The bytes themselves (where the browser has no Cache API).
    Bytes(#[serde(with = "serde_bytes")] Vec<u8>),
}
