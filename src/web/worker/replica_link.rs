//! The studio's data parallelism in the worker: this worker is replica `index` of `count`,
//! and the replicas of one run talk worker to worker (the page's main thread carries none of
//! the gradients, and no SharedArrayBuffer is needed, so it works on any static host): over a
//! MessageChannel per pair of replicas when the page handed this worker its ports
//! ([`crate::web::peer_ports`]; the buffers are transferred, not copied), else over a
//! BroadcastChannel of the run's own. The protocol is [`crate::train::replica`]'s; this file
//! only moves its bytes and paces the batches.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::outbox::{Outbox, Tick};
use crate::i18n::Text;
use crate::train::replica::Replica;
use crate::web::protocol::{ErrorKind, JobError, ReplicaInfo};

/// How this replica reaches its peers.
enum Transport {
    /// One port per peer.
    Ports(Vec<web_sys::MessagePort>),
    /// Ports asked for, not here yet: the shards to send when they come.
    AwaitingPorts {
        run: u32,
        outbox: Vec<Vec<u8>>,
    },
    Broadcast(web_sys::BroadcastChannel),
}

pub(super) struct ReplicaLink {
    replica: Replica,
    transport: Transport,
    on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_ports: Option<Closure<dyn Fn()>>,
    /// The last shard sent: sent again when a replica joins late (a BroadcastChannel does not
    /// keep messages for listeners that were not there yet).
    last_sent: Option<Vec<u8>>,
}

/// What a replica posts when it joins the run's channel.
const HELLO: &[u8; 4] = b"HELO";
/// What this worker tells itself when the page's ports have come.
const PORTS: &[u8; 4] = b"PORT";

impl Drop for ReplicaLink {
    fn drop(&mut self) {
        match &self.transport {
            Transport::Ports(ports) => {
                for port in ports {
                    port.set_onmessage(None);
                    port.close();
                }
            }
            Transport::AwaitingPorts { .. } => {}
            Transport::Broadcast(channel) => {
                channel.set_onmessage(None);
                channel.close();
            }
        }
    }
}

impl ReplicaLink {
    /// Join the run: ask the page for this run's ports (a `direct` run), or join its
    /// BroadcastChannel; peers' messages come back as [`Tick::Peer`].
    pub(super) fn join(out: &Outbox, info: ReplicaInfo) -> Result<Self, JobError> {
        let to_self = out.to_self();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
                to_self(Tick::Peer(bytes));
            });
        if info.direct {
            let to_self = out.to_self();
            let on_ports = Closure::<dyn Fn()>::new(move || {
                to_self(Tick::Peer(PORTS.to_vec()));
            });
            crate::web::peer_ports::request_ports(info.run, on_ports.as_ref().unchecked_ref());
            return Ok(Self {
                replica: Replica::new(info.index, info.count),
                transport: Transport::AwaitingPorts {
                    run: info.run,
                    outbox: Vec::new(),
                },
                on_message,
                _on_ports: Some(on_ports),
                last_sent: None,
            });
        }
        let channel = web_sys::BroadcastChannel::new(&format!("rnn-playground-train-{}", info.run))
            .map_err(|_| {
                JobError::new(
                    ErrorKind::Unsupported,
                    Text::new(
                        "이 브라우저에는 BroadcastChannel이 없습니다: 워커 1개로 학습하세요",
                        "this browser has no BroadcastChannel: train with 1 worker",
                    ),
                )
            })?;
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let mut link = Self {
            replica: Replica::new(info.index, info.count),
            transport: Transport::Broadcast(channel),
            on_message,
            _on_ports: None,
            last_sent: None,
        };
        // Replicas start at different moments (each compiles its module): the ones already
        // waiting send their shard again when they hear this. (A port keeps what was sent
        // before its peer listened: a direct run needs none of this.)
        link.post(HELLO);
        Ok(link)
    }

    fn post(&mut self, bytes: &[u8]) {
        match &mut self.transport {
            Transport::Ports(ports) => {
                for port in ports.iter() {
                    // A copy for each peer, transferred (not cloned again) to it.
                    let array = js_sys::Uint8Array::from(bytes);
                    let transfer = js_sys::Array::of1(&array.buffer());
                    let _ = port.post_message_with_transferable(&array, &transfer);
                }
            }
            Transport::AwaitingPorts { outbox, .. } => outbox.push(bytes.to_vec()),
            Transport::Broadcast(channel) => {
                let _ = channel.post_message(&js_sys::Uint8Array::from(bytes));
            }
        }
    }

    pub(super) fn send_shard(&mut self, bytes: Vec<u8>) {
        self.post(&bytes);
        self.last_sent = Some(bytes);
    }

    /// The page's ports came: listen on them and send what waited.
    fn ports_arrived(&mut self) -> crate::nn::Result<()> {
        let Transport::AwaitingPorts { run, outbox } = &mut self.transport else {
            return Ok(());
        };
        let ports = crate::web::peer_ports::take_ports(*run)
            .filter(|p| p.len() + 1 == self.replica.count())
            .ok_or_else(|| {
                crate::nn::NnError::Config(
                    "the page sent this worker the wrong ports for its run: train again".into(),
                )
            })?;
        let outbox = std::mem::take(outbox);
        let ports: Vec<web_sys::MessagePort> = ports.into_iter().map(|(_, p)| p).collect();
        // Setting onmessage starts a port: what peers sent before waits in it.
        for port in &ports {
            port.set_onmessage(Some(self.on_message.as_ref().unchecked_ref()));
        }
        self.transport = Transport::Ports(ports);
        for bytes in outbox {
            self.post(&bytes);
        }
        Ok(())
    }

    /// A message from the channel: a peer's shard, a late replica's HELLO (answered with
    /// this replica's pending shard), or the news that the page's ports came.
    pub(super) fn deliver(&mut self, bytes: Vec<u8>) -> crate::nn::Result<()> {
        if bytes.as_slice() == PORTS {
            return self.ports_arrived();
        }
        if bytes.starts_with(HELLO) {
            if let Some(last) = self.last_sent.clone() {
                self.post(&last);
            }
            return Ok(());
        }
        self.replica.receive(bytes)
    }

    pub(super) fn replica(&mut self) -> &mut Replica {
        &mut self.replica
    }
}

/// Start (or leave) data-parallel training for the run a studio or retraining `Train`
/// starts: `slot` gets this worker's link when `info` has more than one replica.
pub(super) fn join_run(
    slot: &mut Option<ReplicaLink>,
    out: &Outbox,
    info: Option<ReplicaInfo>,
) -> Result<(), JobError> {
    *slot = None;
    if let Some(info) = info.filter(|i| i.count > 1) {
        *slot = Some(ReplicaLink::join(out, info)?);
    }
    Ok(())
}
