//! The model loaders on any bytes: a single-file model, weights for a known model.json, a
//! segmenter lexicon and a sentiment model each load or return an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_playground::nn::Sequential;
use rnn_playground::segment::Segmenter;
use rnn_playground::sentiment::SentimentModel;

/// The architecture of `seeds/weights/textgen.safetensors` (lecture 8's model, 1 epoch).
const CONFIG: &str = include_str!("../seeds/textgen-model.json");

fuzz_target!(|data: &[u8]| {
    if let Ok((model, extras)) = Sequential::from_single_file(data) {
        let _ = model.summary();
        let _ = SentimentModel::from_parts(model, extras);
    }
    let _ = Sequential::from_files(CONFIG, data);
    let _ = Segmenter::from_lexicon_bytes(data);
    let _ = rnn_playground::nn::storage::deserialize(data);
});
