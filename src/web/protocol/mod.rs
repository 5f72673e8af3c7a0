//! The training worker's protocol: what the page sends ([`ToWorker`]) and what the worker
//! answers ([`FromWorker`]), bincode over postMessage. Plain data, at the bottom of the web
//! files: the panels, the fault and thread helpers and the worker itself all import it, and it
//! imports none of them.

use serde::{Deserialize, Serialize};

use crate::generate::GenerationStep;
use crate::lab::{LabReply, LabRequest};
use crate::sentiment::{SentimentConfig, Stages};
use crate::teacher_forcing::{Seq2SeqConfig, StepView};
use crate::textgen::TextgenConfig;
use crate::train::EpochLogs;

/// The name the retrained model gets in the panel.
pub const RETRAINED_MODEL: &str = "retrained-simplernn";

/// Which replica a worker is, sent with [`ToWorker::Train`].
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
    /// In the stash ([`super::stash`]) under this key.
    Stash(String),
    /// The bytes themselves (where the browser has no Cache API).
    Bytes(#[serde(with = "serde_bytes")] Vec<u8>),
}

/// From the page to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Start a new run (replaces any previous one); `replica` when it is one of several
    /// data-parallel workers of the run.
    Train {
        text: String,
        config: TextgenConfig,
        replica: Option<ReplicaInfo>,
    },
    Stop,
    Resume,
    /// Forget the run (stopping it first); answered by [`FromWorker::ResetDone`], so that the
    /// page can drop the messages of the forgotten run that were already on their way.
    Reset,
    /// Load a model file saved from this page (replaces the trained one for generation).
    Load {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Train lecture 7's many-to-many model for `epochs` epochs.
    TrainSeq2Seq {
        text: String,
        config: Seq2SeqConfig,
        epochs: usize,
    },
    /// Teacher forcing vs free running over sentence `index` of the corpus.
    Compare {
        index: usize,
    },
    /// The segmenter's lexicon (`segmenter/okt-lexicon.bin`), sent by the page before the
    /// first request that needs Korean morphemes (only those panels download it).
    LoadSegmenter {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// A shipped review-sentiment model (the files of its folder).
    LoadSentiment {
        name: String,
        config_json: String,
        #[serde(with = "serde_bytes")]
        weights: Vec<u8>,
    },
    /// Classify one review with every loaded sentiment model.
    Classify {
        text: String,
    },
    /// The file of a loaded sentiment model (a retrained one, to save it): answered by
    /// [`FromWorker::SentimentFile`].
    SentimentFile {
        name: String,
    },
    /// Lecture 9's retraining: read a review file, segment it, train, and add the model to
    /// the loaded ones.
    TrainSentimentFile {
        text: String,
        config: SentimentConfig,
        replica: Option<ReplicaInfo>,
    },
    /// The tag this worker's trap reports carry ([`super::faults`]); sent once by the page
    /// after spawning it.
    Tag {
        tag: u32,
    },
    /// Trap on purpose without a panic (as running out of memory does). Only the end-to-end
    /// test sends it: it checks that a worker that dies silently is noticed.
    TrapForTest,
    /// Panic on purpose. Only the end-to-end test sends it (the page shows its button with
    /// `?test-hooks`): it checks that a crashed worker is reported and replaced.
    PanicForTest,
    /// A concept-lab computation (see [`crate::lab`]).
    Lab {
        request: LabRequest,
    },
    /// The tokenizer panel's Korean mode: clean, segment and drop stopwords (the segmenter's
    /// weights live in the worker, not in the page's own wasm).
    Preprocess {
        lines: Vec<String>,
        stopwords: Vec<String>,
    },
    /// The lecture notebook (`#/lecture/9|11`): read a review file and run its cells up to
    /// the padded data ([`crate::notebook`]).
    NotebookLoad {
        /// The file: fetched, read from the stash or given (decoded in the worker: a 20 MB
        /// file never passes through the page's thread where the browser has a Cache API).
        file: BlobRef,
        config: crate::notebook::NotebookConfig,
    },
    /// Fit the lecture's model with this recurrent layer on the notebook's data.
    NotebookFit {
        cell: crate::nn::CellKind,
    },
    /// Take up a notebook fit from the checkpoint of its last finished epoch (a
    /// [`FromWorker::NotebookCheckpoint`] of a worker that stopped answering), on the same
    /// reviews (loaded again into this new worker with [`ToWorker::NotebookLoad`]).
    NotebookResume {
        cell: crate::nn::CellKind,
        checkpoint: BlobRef,
    },
    /// Stop answering and stop working, without an error (as a worker whose scheduling is
    /// lost does), once the notebook fit has finished `after_epochs` epochs (at once for 0).
    /// Only the end-to-end test sends it (`?test-hooks`): it checks that the page notices the
    /// silence and resumes the fit in a new worker.
    FallSilentForTest {
        after_epochs: usize,
    },
    /// `sentiment_predict` with the last model the notebook fitted.
    NotebookPredict {
        sentences: Vec<String>,
    },
    /// The lecture's `loaded_model = load_model('best_model.h5')`: a review classifier from
    /// the student's files answers `sentiment_predict` until the next fit.
    NotebookUseModel {
        name: String,
        config_json: String,
        #[serde(with = "serde_bytes")]
        weights: Vec<u8>,
    },
    /// The model `sentiment_predict` uses, as one playground file (to save it): answered by
    /// [`FromWorker::NotebookModelFile`].
    NotebookModelFile,
    /// `cargo xtask bench`'s data-parallel case: train `case` for `steps` batches as replica
    /// `replica` (or alone), answered by [`FromWorker::BenchDone`] from each replica.
    BenchTrain {
        case: String,
        /// Batches timed, after `warmup` untimed ones.
        steps: usize,
        warmup: usize,
        /// The batch size instead of the case's (`#/bench?…&batch=N`).
        batch: Option<usize>,
        replica: Option<ReplicaInfo>,
    },
    /// Generate from the model as trained so far.
    Generate {
        seed_text: String,
        words: usize,
        temperature: f32,
        top_k: usize,
        seed: u64,
        /// Feed one token at a time and carry the hidden state.
        stateful: bool,
    },
}

/// From the worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's module is loaded and it listens (sent when the page connects).
    Ready,
    Started {
        summary: String,
        samples: usize,
        vocab_size: usize,
        epochs: usize,
    },
    /// The epochs finished since the last message.
    Progress {
        epochs: Vec<EpochLogs>,
    },
    /// Training ended; `seconds` is the worker time spent training.
    Finished {
        epochs: usize,
        seconds: f64,
        /// The model as one file (safetensors with model.json in its metadata).
        #[serde(with = "serde_bytes")]
        model_file: Vec<u8>,
    },
    /// A model file was loaded.
    Loaded {
        summary: String,
    },
    Stopped {
        epoch: usize,
        /// The model as trained so far (Save, and what a page reload restores).
        #[serde(with = "serde_bytes")]
        model_file: Vec<u8>,
    },
    /// The answer to [`ToWorker::Reset`], with the worker's wasm memory size (the end-to-end
    /// test checks that it stays flat over many runs).
    ResetDone {
        memory_bytes: usize,
    },
    Generated {
        text: String,
        steps: Vec<GenerationStep>,
    },
    /// Loss per epoch of the many-to-many model.
    Seq2SeqProgress {
        losses: Vec<(usize, f32)>,
    },
    /// Both runs over one sentence, and the first step where they differ.
    Comparison {
        index: usize,
        sentences: usize,
        forced: Vec<StepView>,
        free: Vec<StepView>,
        divergence: Option<usize>,
    },
    Error {
        message: String,
    },
    SentimentLoaded {
        name: String,
    },
    /// A loaded sentiment model as one playground file.
    SentimentFile {
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Reviews read and segmented so far.
    SentimentPrep {
        done: usize,
        total: usize,
        report: String,
    },
    /// Training of the retrained model started.
    SentimentStarted {
        summary: String,
        reviews: usize,
    },
    /// The batch in progress (at most about four times a second).
    SentimentBatch {
        epoch: usize,
        batch: usize,
        batches: usize,
    },
    SentimentEpoch {
        logs: EpochLogs,
    },
    /// The retrained model is ready (and loaded for classification).
    SentimentTrained {
        name: String,
        epochs: usize,
        val_accuracy: Option<f32>,
        seconds: f64,
    },
    /// One review through every loaded sentiment model.
    Classified {
        text: String,
        results: Vec<SentimentResult>,
    },
    /// The worker panicked (a bug, not bad input): it reports the panic and then closes
    /// itself, because its state may be half-updated. The page starts a new worker.
    Crashed {
        message: String,
    },
    /// The answer to a [`ToWorker::Lab`] request.
    Lab {
        reply: LabReply,
    },
    /// The notebook's cells up to the cleaning (its reviews stay in the worker).
    NotebookLoaded {
        loaded: crate::notebook::Loaded,
    },
    NotebookSegmenting {
        done: usize,
        total: usize,
    },
    /// The cells from the tokenizer to `pad_sequences`, and `model.summary()` before `fit`.
    NotebookPrepared {
        prepared: crate::notebook::Prepared,
        summary: String,
    },
    /// `fit` started (its batches and epochs come as `SentimentBatch` and `SentimentEpoch`).
    NotebookFitStarted {
        cell: crate::nn::CellKind,
        summary: String,
        reviews: usize,
    },
    /// After each epoch of a notebook fit that goes on: everything needed to take it up from
    /// here in a new worker ([`crate::train::checkpoint`]). The page keeps the last one.
    NotebookCheckpoint {
        cell: crate::nn::CellKind,
        epoch: usize,
        checkpoint: BlobRef,
    },
    /// The notebook's review file on its way to the worker: bytes so far and in all (0 when
    /// unknown).
    NotebookFetching {
        got: f64,
        total: f64,
    },
    /// After each epoch of a notebook fit: the size of the worker's wasm memory (it only
    /// grows, so a leak shows; `cargo xtask soak` records it).
    WorkerMemory {
        wasm_bytes: usize,
    },
    /// `fit` ended: the side-by-side row and `model.summary()` as the lecture prints it
    /// after `fit` (the batch size in the shapes).
    NotebookFitted {
        result: crate::notebook::RunResult,
        summary: String,
    },
    /// The answer to [`ToWorker::BenchTrain`] from replica `index`: one
    /// [`crate::bench::BenchRecord`] as JSON. JSON, not the record itself: the record skips
    /// its absent fields, which JSON readers expect and this channel's bincode cannot read
    /// back.
    BenchDone {
        index: usize,
        record_json: String,
    },
    /// `(sentence, probability, the lecture's sentence)` for each sentence.
    NotebookPredicted {
        answers: Vec<(String, f32, String)>,
    },
    /// The student's model is loaded for `sentiment_predict`.
    NotebookModelLoaded {
        name: String,
        summary: String,
    },
    NotebookModelFile {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// The answer to [`ToWorker::Preprocess`], with its inputs (so the page can drop answers
    /// to text it no longer shows).
    Preprocessed {
        lines: Vec<String>,
        stopwords: Vec<String>,
        result: Result<Vec<crate::segment::PreprocessedLine>, String>,
    },
}

/// What one model made of one review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentimentResult {
    pub name: String,
    pub stages: Stages,
    /// Each token's push towards 긍정 (probability with it minus without it).
    pub contributions: Vec<(String, f32)>,
    /// The lecture's sentence ("99.95% 확률로 긍정 리뷰입니다.").
    pub sentence: String,
    /// Worker time for clean + segment + pad + forward (the contributions not included).
    pub millis: f64,
}
