//! `#/bench?case=…&workers=K&steps=N&warmup=W[&batch=B]`: not linked from the site. `cargo
//! xtask bench` opens it to time the page's data parallelism (K replica workers, as the studio
//! trains) in wasm; the result is one benchmark record as JSON in `#bench-result`, with each
//! replica's stages. `batch` replaces the case's batch size: one worker on half a batch times
//! what a replica of two computes, without its peer.

use leptos::prelude::*;

use super::protocol::{BenchReply, BenchRequest, FromWorker};
use super::worker_handle::{Crash, CrashPolicy, WorkerHandle, WorkerScript};
use crate::bench::BenchRecord;

#[component]
pub fn BenchPage() -> impl IntoView {
    let here = super::route::current();
    let case = here
        .param("case")
        .unwrap_or("lecture11-gru-train")
        .to_string();
    let workers: usize = here.parsed("workers").unwrap_or(1usize).clamp(1, 8);
    let steps: usize = here.parsed("steps").unwrap_or(30usize).clamp(1, 10_000);
    let warmup: usize = here.parsed("warmup").unwrap_or(1usize).clamp(1, 10_000);
    // The case's own batch size unless given (the worker refuses sizes outside 1–1,000).
    let batch: Option<usize> = here.parsed("batch");
    let result = RwSignal::new(String::new());
    // Each replica's record as it comes; the result is shown when all are in.
    let records = StoredValue::new(vec![None::<BenchRecord>; workers]);
    let on_message = move |msg: FromWorker| match msg {
        FromWorker::Bench(BenchReply::Done { index, record }) => {
            records.update_value(|all| {
                if let Some(slot) = all.get_mut(index) {
                    *slot = Some(record);
                }
            });
            let all: Option<Vec<BenchRecord>> = records.get_value().into_iter().collect();
            if let Some(merged) = all.and_then(crate::bench::merge_replica_records) {
                result.set(serde_json::to_string(&merged).unwrap_or_default());
            }
        }
        FromWorker::Bench(BenchReply::Failed(e)) => result.set(format!("error: {}", e.message.en)),
        _ => {}
    };
    let on_crash = move |crash: Crash| match crash {
        Crash::Panicked(message) => result.set(format!("error: {message}")),
        Crash::Trapped(message) => result.set(format!("error: {}", message.en)),
        Crash::Silent(_) => {}
    };
    let run = super::faults::new_tag();
    let spawned: Vec<WorkerHandle> = (0..workers)
        .map(|_| {
            // Replicas are plain workers, as in the panels (`parallel::Replicas`).
            let script = if workers > 1 {
                WorkerScript::Plain
            } else {
                WorkerScript::Page
            };
            WorkerHandle::new(script, CrashPolicy::Report, on_message, on_crash).start()
        })
        .collect();
    let tags: Vec<u32> = spawned.iter().map(|w| w.tag()).collect();
    let direct = workers > 1
        && here.param("channel") != Some("broadcast")
        && super::peer_ports::connect(run, &tags);
    let replica_run = super::parallel::ReplicaRun {
        count: workers,
        run,
        direct,
    };
    for (index, worker) in spawned.iter().enumerate() {
        worker.send(
            BenchRequest::Train {
                case: case.clone(),
                steps,
                warmup,
                batch,
                replica: replica_run.info(index),
            }
            .into(),
        );
    }
    view! {
        <section class="panel" id="bench">
            <h2>
                {format!("{case}: {workers} worker(s), {steps} batches after {warmup}")}
                {batch.map(|b| format!(", batch {b}"))}
            </h2>
            <pre id="bench-result">{move || result.get()}</pre>
        </section>
    }
}
