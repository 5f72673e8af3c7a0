//! The cells on the segmented reviews: Okt's morphemes without the stopwords, the tokenizer,
//! the lengths' histogram with max_len, the padded shape.

use leptos::prelude::*;

use super::cell::{Cell, code};
use super::state::{Notebook, Phase};
use crate::notebook::python_float;
use crate::plot::BarChart;

#[component]
pub fn TokenCells(nb: Notebook) -> impl IntoView {
    let Notebook {
        phase, prepared, ..
    } = nb;
    let stopwords = crate::text::korean::LECTURE_STOPWORDS
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
    <Cell id="nb-cell-okt" code=code(format!("okt = Okt()\nstopwords = [{stopwords}]\ntrain_data['tokenized'] = train_data['reviews'].apply(okt.morphs)\ntrain_data['tokenized'] = train_data['tokenized'].apply(lambda x: [item for item in x if item not in stopwords])\ntrain_data['tokenized'][:5]"))>
        {move || match phase.get() {
            Phase::Segmenting(done, total) if total > 0 => Some(view! { <progress id="nb-seg-progress" max=total.to_string() value=done.to_string()></progress> }.into_any()),
            _ => None,
        }}
        {move || prepared.get().map(|(p, _)| view! {
            <pre class="nb-out" id="nb-tokenized">{p.tokenized_head.iter().enumerate().map(|(i, t)| format!("{i}    [{}]", t.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join("\n")}</pre>
        })}
    </Cell>
    {move || prepared.get().map(|(p, _)| {
        let mut hist = BarChart::histogram(&p.histogram.counts, p.histogram.low, p.histogram.high, "length of samples", "number of samples");
        hist.marker = Some((p.maxlen as f32, format!("max_len = {}", p.maxlen)));
        view! {
            <Cell id="nb-cell-tokenizer" code=code(format!("tokenizer = Tokenizer({}, oov_token='OOV')\ntokenizer.fit_on_texts(X_train)\nX_train = tokenizer.texts_to_sequences(X_train)\nX_test = tokenizer.texts_to_sequences(X_test)\nprint(X_train[:3])", p.num_words))>
                <pre class="nb-out" id="nb-vocab">{format!("단어 집합(vocabulary)의 크기 : {}\n등장 빈도가 1번인 희귀 단어의 수 : {}\nnum_words : {}", p.vocabulary, p.rare_words, p.num_words)}</pre>
                <pre class="nb-out" id="nb-sequences">{format!("[{}]", p.sequences_head.iter().map(|s| format!("[{}]", s.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join(", "))}</pre>
            </Cell>
            <Cell id="nb-cell-lengths" code=code(format!("print('리뷰의 최대 길이 :', max(len(review) for review in X_train))\nprint('리뷰의 평균 길이 :', sum(map(len, X_train))/len(X_train))\nplt.hist([len(review) for review in X_train], bins=50)\nplt.xlabel('length of samples')\nplt.ylabel('number of samples')\nplt.show()\nmax_len = {}\nbelow_threshold_len(max_len, X_train)", p.maxlen))>
                <pre class="nb-out" id="nb-length">{format!("리뷰의 최대 길이 : {}\n리뷰의 평균 길이 : {}", p.max_length, python_float(p.mean_length))}</pre>
                <div class="chart" id="nb-hist" inner_html=hist.to_svg(560.0, 260.0)></div>
                <pre class="nb-out" id="nb-below">{format!("전체 샘플 중 길이가 {} 이하인 샘플의 비율: {}", p.maxlen, python_float(p.below_maxlen_percent))}</pre>
            </Cell>
            <Cell id="nb-cell-pad" code=code("X_train = pad_sequences(X_train, maxlen=max_len)\nX_test = pad_sequences(X_test, maxlen=max_len)\nprint(X_train.shape)".into())>
                <pre class="nb-out" id="nb-shape">{format!("({}, {})", p.train_shape.0, p.train_shape.1)}</pre>
            </Cell>
        }
    })}
    }
}
