//! The cells on the loaded reviews: `total_data[:5]`, drop_duplicates and the split, the
//! label counts, the cleaning.

use leptos::prelude::*;

use super::cell::{Cell, code};
use super::state::{Notebook, series_head};
use crate::i18n::Lang;
use crate::plot::BarChart;
use crate::web::i18n::lang;

#[component]
pub fn DataCells(nb: Notebook) -> impl IntoView {
    let Notebook {
        loaded, used_seed, ..
    } = nb;
    view! {
    {move || loaded.get().map(|l| {
        let head_rows = l.head.clone();
        // value_counts() puts the larger count first.
        let mut counts = vec![("0".to_string(), l.train_label_counts[0]), ("1".to_string(), l.train_label_counts[1])];
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        let bars = BarChart::categories(&counts, "label", "count").to_svg(320.0, 220.0);
        view! {
            <Cell id="nb-cell-head" code=code("total_data['label'] = np.select([total_data.ratings > 3], [1], default=0)\ntotal_data[:5]".into())>
                <table class="nb-table" tabindex="0" id="nb-head">
                    <thead><tr><th></th><th>"ratings"</th><th>"reviews"</th><th>"label"</th></tr></thead>
                    <tbody>{head_rows.into_iter().enumerate().map(|(i, r)| view! {
                        <tr><td>{i}</td><td>{r.ratings.map(|x| x.to_string()).unwrap_or_else(|| "–".into())}</td><td>{r.reviews.unwrap_or_else(|| "NaN".into())}</td><td>{r.label}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </Cell>
            <Cell id="nb-cell-dedup" code=code(format!("total_data.drop_duplicates(subset=['reviews'], inplace=True)\nprint('총 샘플의 수 :', len(total_data))\ntrain_data, test_data = train_test_split(total_data, test_size=0.25, random_state={})\nprint('훈련용 리뷰의 개수 :', len(train_data))\nprint('테스트용 리뷰의 개수 :', len(test_data))", used_seed.get_untracked()))>
                <pre class="nb-out" id="nb-split">{format!("총 샘플의 수 : {}\n훈련용 리뷰의 개수 : {}\n테스트용 리뷰의 개수 : {}", l.unique, l.split.0, l.split.1)}</pre>
            </Cell>
            <Cell id="nb-cell-labels" code=code("train_data['label'].value_counts().plot(kind='bar')\nprint(train_data.groupby('label').size().reset_index(name='count'))".into())>
                <div class="chart" id="nb-labels" inner_html=bars></div>
                <pre class="nb-out">{format!("   label  count\n0      0  {:>5}\n1      1  {:>5}", l.train_label_counts[0], l.train_label_counts[1])}</pre>
            </Cell>
            <Cell id="nb-cell-clean" code=code("train_data['reviews'] = train_data['reviews'].str.replace(\"[^ㄱ-ㅎㅏ-ㅣ가-힣 ]\", \"\", regex=True)\ntrain_data['reviews'].replace('', np.nan, inplace=True)\ntrain_data = train_data.dropna(how='any')\ntest_data['reviews'] = test_data['reviews'].str.replace(\"[^ㄱ-ㅎㅏ-ㅣ가-힣 ]\", \"\", regex=True)\ntest_data['reviews'].replace('', np.nan, inplace=True)\ntest_data = test_data.dropna(how='any')\ntrain_data['reviews'][:5]".into())>
                <pre class="nb-out" id="nb-cleaned">{series_head(&l.cleaned_head, "reviews")}{move || match lang() {
                    Lang::Ko => format!("\n(dropna: 훈련 {}행, 테스트 {}행 삭제 (정제 후 빈 문자열만; 공백만 남은 리뷰는 Colab처럼 남습니다))", l.train_dropped, l.test_dropped),
                    Lang::En => format!("\n(dropna removed {} training and {} test rows (only reviews left as the empty string; a review of spaces stays, as in Colab))", l.train_dropped, l.test_dropped),
                }}</pre>
            </Cell>
        }
    })}
    }
}
