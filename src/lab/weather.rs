//! Lecture 7's menu that depends on the weather: the cook makes pizza, sushi and waffles in turn.
//! On a sunny day he goes out and we eat yesterday's dish again; on a rainy day he cooks the
//! next dish of the cycle. Today's weather alone cannot tell the dish: the network has to carry
//! "yesterday's dish" in its hidden state.
//!
//! Each sequence starts with yesterday's dish (one-hot), then one weather per day. Inputs are 5
//! wide: `[맑음, 비, 피자, 초밥, 와플]`; the model answers a dish at every step.
//!
//! ```
//! use rnn_playground::lab::weather::{Weather, menu_by_rule};
//!
//! let week = [Weather::Sunny, Weather::Rainy, Weather::Rainy];
//! // Yesterday pizza (0): sunny → pizza again, rainy → sushi, rainy → waffles.
//! assert_eq!(menu_by_rule(0, &week), vec![0, 1, 2]);
//! ```

use candle_core::{D, Device, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::{LabError, Result, SequenceTrainer, many_to_many, one_hot};
use crate::nn::{Layer, ModelExtras, Sequential};

/// The dishes of the cycle.
pub const DISHES: [&str; 3] = ["피자", "초밥", "와플"];
/// Longest week the page accepts (the model is trained on sequences this long).
pub const MAX_DAYS: usize = 14;
const INPUT_WIDTH: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weather {
    Sunny,
    Rainy,
}

impl Weather {
    pub fn korean(self) -> &'static str {
        match self {
            Weather::Sunny => "맑음",
            Weather::Rainy => "비",
        }
    }

    pub fn symbol(self) -> char {
        match self {
            Weather::Sunny => '☀',
            Weather::Rainy => '☂',
        }
    }
}

/// Read a week as the student types it: `☀☂☂`, `맑음 비 비`, `s r r`, `맑비비`, `sun rain`.
pub fn parse_week(text: &str) -> Result<Vec<Weather>> {
    let mut days = Vec::new();
    let mut rest = text.trim();
    while let Some(c) = rest.chars().next() {
        let lower = rest.to_lowercase();
        let (day, len) = if c.is_whitespace() || c == ',' || c == '·' {
            (None, c.len_utf8())
        } else if lower.starts_with("맑음") {
            (Some(Weather::Sunny), "맑음".len())
        } else if lower.starts_with("sunny") {
            (Some(Weather::Sunny), 5)
        } else if lower.starts_with("sun") {
            (Some(Weather::Sunny), 3)
        } else if lower.starts_with("rainy") {
            (Some(Weather::Rainy), 5)
        } else if lower.starts_with("rain") {
            (Some(Weather::Rainy), 4)
        } else {
            match c {
                '☀' | '맑' | 's' | 'S' => (Some(Weather::Sunny), c.len_utf8()),
                '☂' | '☔' | '비' | 'r' | 'R' => (Some(Weather::Rainy), c.len_utf8()),
                '\u{fe0f}' => (None, c.len_utf8()),
                other => {
                    return Err(LabError::input(
                        format!(
                            "{other:?}은(는) 날씨가 아닙니다: 날마다 맑음/비(또는 ☀/☂, s/r)를 쓰세요"
                        ),
                        format!(
                            "{other:?} is not a weather: write 맑음/비 (or ☀/☂, s/r) for each day"
                        ),
                    ));
                }
            }
        };
        days.extend(day);
        rest = &rest[len..];
    }
    if days.is_empty() {
        return Err(LabError::input(
            "한 주의 날씨를 쓰세요. 예: 맑음 비 비 맑음 비 맑음 맑음",
            "type a week of weather, e.g. `맑음 비 비 맑음 비 맑음 맑음`",
        ));
    }
    if days.len() > MAX_DAYS {
        return Err(LabError::input(
            format!(
                "한 번에 최대 {MAX_DAYS}일입니다 ({}일을 받았습니다)",
                days.len()
            ),
            format!("at most {MAX_DAYS} days at once ({} given)", days.len()),
        ));
    }
    Ok(days)
}

/// The rule: sunny keeps yesterday's dish, rainy moves to the next one.
pub fn menu_by_rule(yesterday: usize, weeks: &[Weather]) -> Vec<usize> {
    let mut dish = yesterday % DISHES.len();
    weeks
        .iter()
        .map(|w| {
            if *w == Weather::Rainy {
                dish = (dish + 1) % DISHES.len();
            }
            dish
        })
        .collect()
}

/// Input codes of a sequence: yesterday's dish, then the days.
fn encode(yesterday: usize, days: &[Weather]) -> Vec<usize> {
    std::iter::once(2 + yesterday % DISHES.len())
        .chain(days.iter().map(|w| match w {
            Weather::Sunny => 0,
            Weather::Rainy => 1,
        }))
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeatherConfig {
    /// SimpleRNN units.
    pub units: usize,
    /// Random weeks to train on.
    pub sequences: usize,
    pub epochs: usize,
    pub learning_rate: f32,
    pub seed: u64,
}

impl Default for WeatherConfig {
    fn default() -> Self {
        Self {
            units: 8,
            sequences: 256,
            epochs: 250,
            learning_rate: 0.02,
            seed: 1,
        }
    }
}

/// Random sequences of `MAX_DAYS` days and their menus (the answer at step 0 is yesterday's dish).
fn random_weeks(rng: &mut StdRng, n: usize) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    (0..n)
        .map(|_| {
            let yesterday = rng.random_range(0..DISHES.len());
            let days: Vec<Weather> = (0..MAX_DAYS)
                .map(|_| {
                    if rng.random_bool(0.5) {
                        Weather::Rainy
                    } else {
                        Weather::Sunny
                    }
                })
                .collect();
            let mut menu = vec![yesterday];
            menu.extend(menu_by_rule(yesterday, &days));
            (encode(yesterday, &days), menu)
        })
        .unzip()
}

/// The trained model as the page keeps it (a model file) and how it did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeatherTraining {
    pub losses: Vec<f32>,
    /// Share of days answered right on fresh random weeks.
    pub test_accuracy: f32,
    /// `Sequential::to_single_file` bytes.
    pub model_file: Vec<u8>,
}

/// One day of a week as the model saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayView {
    pub weather: Weather,
    /// Probabilities of [`DISHES`].
    pub probabilities: Vec<f32>,
    pub predicted: usize,
    /// The rule's answer.
    pub expected: usize,
    /// The hidden state after this day.
    pub hidden: Vec<f32>,
}

/// The model's answers for a typed week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekView {
    pub yesterday: usize,
    /// The hidden state after reading yesterday's dish.
    pub start_hidden: Vec<f32>,
    pub days: Vec<DayView>,
    pub correct: usize,
}

/// `SimpleRNN(units, return_sequences=True)` → `TimeDistributed(Dense(3, softmax))`.
pub struct WeatherModel {
    pub model: Sequential,
}

impl WeatherModel {
    fn new(config: &WeatherConfig) -> Result<Self> {
        if !(1..=32).contains(&config.units) {
            return Err(LabError::input(
                format!("은닉 유닛은 1~32개로 정하세요 (받은 값 {})", config.units),
                format!("use 1 to 32 hidden units, got {}", config.units),
            ));
        }
        let model = many_to_many(config.units, INPUT_WIDTH, DISHES.len(), None, config.seed)?;
        Ok(Self { model })
    }

    /// A model file written by [`train`].
    pub fn from_file(bytes: &[u8]) -> Result<Self> {
        let (model, _) = Sequential::from_single_file(bytes)?;
        if model.input_features != Some(INPUT_WIDTH) {
            return Err(LabError::input(
                "날씨 → 메뉴 모델이 아닙니다",
                "this is not a weather → menu model",
            ));
        }
        Ok(Self { model })
    }

    /// The model's dish and hidden state for every day of `days` after `yesterday`.
    pub fn week(&self, yesterday: usize, days: &[Weather]) -> Result<WeekView> {
        let (Layer::Recurrent(rnn), Layer::TimeDistributed(dense)) =
            (&self.model.layers()[0].1, &self.model.layers()[1].1)
        else {
            return Err(LabError::input(
                "날씨 모델은 SimpleRNN → Dense입니다",
                "the weather model is SimpleRNN → Dense",
            ));
        };
        let codes = encode(yesterday, days);
        let x = one_hot(&[codes], INPUT_WIDTH)?; // [1, 1 + days, 5]
        let hidden = rnn.forward(&x, None)?.output.squeeze(0)?; // return_sequences
        let probabilities = dense.forward(&hidden)?;
        let expected = menu_by_rule(yesterday, days);
        let hidden = hidden.to_vec2::<f32>()?;
        let probabilities = probabilities.to_vec2::<f32>()?;
        let predicted = Tensor::new(probabilities.clone(), &Device::Cpu)?
            .argmax(D::Minus1)?
            .to_vec1::<u32>()?;
        let day_views: Vec<DayView> = days
            .iter()
            .enumerate()
            .map(|(i, w)| DayView {
                weather: *w,
                probabilities: probabilities[i + 1].clone(),
                predicted: predicted[i + 1] as usize,
                expected: expected[i],
                hidden: hidden[i + 1].clone(),
            })
            .collect();
        Ok(WeekView {
            yesterday: yesterday % DISHES.len(),
            start_hidden: hidden[0].clone(),
            correct: day_views
                .iter()
                .filter(|d| d.predicted == d.expected)
                .count(),
            days: day_views,
        })
    }

    fn accuracy(&self, inputs: &[Vec<usize>], menus: &[Vec<usize>]) -> Result<f32> {
        let probs = self.model.forward(&one_hot(inputs, INPUT_WIDTH)?)?;
        let best = probs.argmax(D::Minus1)?.to_vec2::<u32>()?;
        let (mut right, mut all) = (0, 0);
        for (b, m) in best.iter().zip(menus) {
            for (p, e) in b.iter().zip(m).skip(1) {
                right += usize::from(*p as usize == *e);
                all += 1;
            }
        }
        Ok(right as f32 / all.max(1) as f32)
    }
}

/// Train on random weeks made by the rule (the worker runs this).
pub fn train(config: &WeatherConfig) -> Result<WeatherTraining> {
    if config.sequences == 0 || config.sequences > 4096 {
        return Err(LabError::input(
            "학습할 주는 1~4,096개로 정하세요",
            "use 1 to 4,096 training weeks",
        ));
    }
    let lab = WeatherModel::new(config)?;
    let mut rng = StdRng::seed_from_u64(config.seed);
    let (inputs, menus) = random_weeks(&mut rng, config.sequences);
    let x = one_hot(&inputs, INPUT_WIDTH)?;
    let y: Vec<u32> = menus.iter().flatten().map(|&d| d as u32).collect();
    let y = Tensor::from_vec(y, (menus.len(), MAX_DAYS + 1), &Device::Cpu)?;
    let mut trainer = SequenceTrainer::adam(config.learning_rate)?;
    let losses = (0..config.epochs.min(5_000))
        .map(|_| trainer.step(&lab.model, &x, &y))
        .collect::<Result<Vec<f32>>>()?;
    let (test_inputs, test_menus) = random_weeks(&mut rng, 200);
    Ok(WeatherTraining {
        losses,
        test_accuracy: lab.accuracy(&test_inputs, &test_menus)?,
        model_file: lab.model.to_single_file(&ModelExtras::default())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_read_in_every_spelling() {
        use Weather::*;
        let want = vec![Sunny, Rainy, Rainy, Sunny];
        for text in [
            "맑음 비 비 맑음",
            "☀☂☂☀",
            "s r r s",
            "맑비비맑",
            "sunny, rain, rainy, sun",
        ] {
            assert_eq!(parse_week(text).unwrap(), want, "{text}");
        }
        assert!(parse_week("").is_err());
        assert!(parse_week("맑음 눈").is_err());
        assert!(parse_week(&"비".repeat(MAX_DAYS + 1)).is_err());
    }

    #[test]
    fn the_trained_model_carries_yesterdays_dish() {
        let trained = train(&WeatherConfig::default()).unwrap();
        assert!(
            trained.test_accuracy > 0.97,
            "accuracy {}",
            trained.test_accuracy
        );
        let model = WeatherModel::from_file(&trained.model_file).unwrap();
        // A week of sunshine: every day the same dish as the day before the week.
        let sunny = parse_week("맑음 맑음 맑음 맑음 맑음 맑음 맑음").unwrap();
        for (yesterday, dish) in DISHES.iter().enumerate() {
            let week = model.week(yesterday, &sunny).unwrap();
            assert_eq!(week.correct, 7, "yesterday {dish}");
        }
        let mixed = parse_week("비 맑음 비 비 맑음 맑음 비").unwrap();
        let week = model.week(2, &mixed).unwrap();
        assert_eq!(
            week.days.iter().map(|d| d.expected).collect::<Vec<_>>(),
            vec![0, 0, 1, 2, 2, 2, 0]
        );
        assert_eq!(week.correct, 7);
    }
}
