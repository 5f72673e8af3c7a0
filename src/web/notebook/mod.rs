//! `#/lecture/9` and `#/lecture/11`: the lecture's notebook, cell by cell. Each cell shows the
//! lecture's code and, under it, the output the worker computed with [`crate::notebook`] on
//! the review file the student loads (the lecture's public URL by default, or a picked file).
//! Then the lecture's model is fitted with live curves, and SimpleRNN, LSTM and GRU can be
//! fitted one after another on the same reviews for the side-by-side table.
//!
//! The notebook's state is [`state`], its worker [`session`]; the cells: [`load`], [`data`],
//! [`tokens`], [`fit`], [`predict`] (each a [`cell::Cell`]).

mod cell;
mod data;
mod fit;
mod load;
mod predict;
mod session;
mod state;
mod tokens;

use leptos::prelude::*;

use crate::notebook::Lecture;
use crate::web::i18n::tr;
use data::DataCells;
use fit::FitCells;
use load::LoadCell;
use predict::{CompareCell, PredictCell};
use session::Session;
use state::Notebook;
use tokens::TokenCells;

#[component]
pub fn NotebookPage(lecture: Lecture) -> impl IntoView {
    let session = Session::start(Notebook::new(lecture));
    let nb = session.nb;
    let n = lecture.number();
    view! {
        <section class="panel notebook" id="notebook" data-lecture=n.to_string()>
            <h2>{move || if crate::web::i18n::lang() == crate::i18n::Lang::Ko { format!("{n}강 노트북: 네이버 쇼핑 리뷰 감성 분류") } else { format!("Lecture {n} notebook: Naver shopping review sentiment") }}</h2>
            <p class="lede">{tr("강의의 셀을 차례로 실행합니다. 코드 아래의 출력은 이 브라우저의 워커가 계산합니다", "The lecture's cells in order; each output under its code is computed by this browser's worker.")}</p>
            <LoadCell session/>
            <DataCells nb/>
            <TokenCells nb/>
            <FitCells session/>
            <PredictCell session/>
            <CompareCell session/>
        </section>
    }
}
