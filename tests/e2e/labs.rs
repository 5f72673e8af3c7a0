//! The concept labs (lectures 7 and 10): each opens at its own route, shows numbers computed
//! by the core in the worker, and is saved as a screenshot (`target/e2e/lab-*.png`).

use fantoccini::{Client, Locator};

use super::{Page, attr_of, click, count, eventually, screenshot, set_field, text_of, values};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labs_index_links_every_lab() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/labs", (1280, 900), "#labs-index .lab-card").await;
    assert_eq!(count(&client, "#labs-index .lab-card").await, 7);
    assert_eq!(
        attr_of(&client, ".site-nav a[href='#/labs']", "aria-current")
            .await
            .as_deref(),
        Some("page")
    );
    click(&client, "#labs-index a[href='#/labs/shapes']").await;
    eventually("the shapes lab after a click", || async {
        count(&client, "#lab-shapes").await == 1
    })
    .await;
    screenshot(&client, "lab-index-to-shapes.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stepper_shows_the_recurrence_and_trains_to_ello() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open(
        "/#/labs/stepper?units=3&seed=7",
        (1280, 1700),
        "#stepper-step td.cell",
    )
    .await;
    // h_1 = tanh(W_xh·x_1 + b): x_1 is 'h', so W_xh·x_1 is the kernel's row for 'h' (checked
    // on the weights shown, before and after training).
    let check_h1 = |client: Client| async move {
        let w_h = values(&client, "#stepper-wxh tr[data-row=\"W_xh 'h'\"] td.cell").await;
        let bias = values(&client, "#stepper-bias td.cell").await;
        let h1 = values(
            &client,
            "#stepper-step tr[data-row^='h_t = tanh(합)'] td.cell",
        )
        .await;
        assert_eq!((w_h.len(), bias.len(), h1.len()), (3, 3, 3));
        for u in 0..3 {
            let want = (w_h[u] + bias[u]).tanh();
            assert!((h1[u] - want).abs() < 1e-4, "unit {u}: {} vs {want}", h1[u]);
        }
        bias
    };
    check_h1(client.clone()).await;
    assert_eq!(
        values(&client, "#stepper-hprev td.cell").await,
        vec![0.0; 3]
    );
    click(&client, "#stepper-train").await;
    eventually("the trained output 'ello'", || async {
        attr_of(&client, "#stepper-output", "data-trained")
            .await
            .as_deref()
            == Some("true")
            && text_of(&client, "#stepper-output strong").await == "ello"
    })
    .await;
    let bias = check_h1(client.clone()).await;
    assert!(
        bias.iter().any(|b| b.abs() > 1e-3),
        "training moved the bias: {bias:?}"
    );
    for _ in 0..3 {
        click(&client, "#stepper-next").await;
    }
    assert_eq!(
        attr_of(&client, "#stepper-t", "data-t").await.as_deref(),
        Some("4")
    );
    // At t = 4, h_(t−1) is h_3 and the sum is W_xh·x + W_hh·h_(t−1) + b.
    let rows = |name: &'static str| {
        let client = client.clone();
        async move {
            values(
                &client,
                &format!("#stepper-step tr[data-row='{name}'] td.cell"),
            )
            .await
        }
    };
    let (wx, wh, b, sum) = (
        rows("W_xh·x_t").await,
        rows("W_hh·h_(t−1)").await,
        rows("b").await,
        rows("합").await,
    );
    for u in 0..3 {
        assert!((wx[u] + wh[u] + b[u] - sum[u]).abs() < 1e-4);
    }
    screenshot(&client, "lab-stepper.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weather_lab_learns_the_menu_rule() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/labs/weather", (1280, 1400), "#weather-days tbody tr").await;
    let accuracy: f32 = attr_of(&client, "#weather-accuracy", "data-value")
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert!(accuracy > 0.95, "accuracy on new weeks {accuracy}");
    assert_eq!(
        count(&client, "#weather-days tbody tr[data-correct='true']").await,
        7
    );
    // Yesterday pizza, three rainy days: sushi, waffles, pizza.
    set_field(&client, "#weather-week", "비 비 비").await;
    eventually("three rainy days", || async {
        count(&client, "#weather-days tbody tr").await == 3
    })
    .await;
    let dishes = client
        .find_all(Locator::Css("#weather-days tbody td.model-dish"))
        .await
        .unwrap();
    let mut got = Vec::new();
    for d in dishes {
        got.push(d.text().await.unwrap());
    }
    assert_eq!(got, vec!["초밥 ✓", "와플 ✓", "피자 ✓"]);
    set_field(&client, "#weather-week", "맑음 눈").await;
    eventually("an explained error for snow", || async {
        text_of(&client, "#lab-weather .error")
            .await
            .contains("날씨가 아닙니다")
    })
    .await;
    set_field(&client, "#weather-week", "맑음 비 비 맑음 비 맑음 맑음").await;
    eventually("the week again", || async {
        count(&client, "#weather-days tbody tr").await == 7
    })
    .await;
    screenshot(&client, "lab-weather.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gradients_vanish_below_one_and_explode_above() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open(
        "/#/labs/gradients?scale=0.5",
        (1280, 1100),
        "#gradients-table tr[data-cell]",
    )
    .await;
    let factor = |client: Client| async move {
        attr_of(
            &client,
            "#gradients-table tr[data-cell^='SimpleRNN']",
            "data-factor",
        )
        .await
        .and_then(|f| f.parse::<f32>().ok())
        .unwrap_or(f32::NAN)
    };
    let f = factor(client.clone()).await;
    assert!(f < 0.6, "W_hh at 0.5: the gradient decays (×{f} per step)");
    assert_eq!(count(&client, "#gradients-chart polyline.series").await, 3);
    set_field(&client, "#gradients-scale", "1.5").await;
    eventually("growth at 1.5", || async {
        factor(client.clone()).await > 1.0
    })
    .await;
    click(&client, "#gradients-linear").await;
    eventually("exactly 1.5 per step with a linear activation", || async {
        (factor(client.clone()).await - 1.5).abs() < 1e-3
    })
    .await;
    click(&client, "#gradients-tanh").await;
    eventually("back to tanh", || async {
        (factor(client.clone()).await - 1.5).abs() > 1e-2
    })
    .await;
    screenshot(&client, "lab-gradients.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_inspector_shows_lstm_and_gru_gates() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/labs/gates", (1280, 1800), "#gates-maps .gate-map").await;
    assert_eq!(count(&client, "#gates-maps .gate-map").await, 4);
    let first = attr_of(&client, "#gates-maps .gate-map", "data-name")
        .await
        .unwrap();
    assert!(first.contains("input"), "{first}");
    // Gates are sigmoids: every cell between 0 and 1.
    let gate = values(
        &client,
        "#gates-maps figure.gate-map:first-of-type rect.cell",
    )
    .await;
    assert!(!gate.is_empty() && gate.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(
        text_of(&client, "#gates-status")
            .await
            .contains("리뷰입니다")
    );
    screenshot(&client, "lab-gates-lstm.png").await;
    click(&client, "#gates-lecture11-gru").await;
    eventually("the GRU's three maps", || async {
        count(&client, "#gates-maps .gate-map").await == 3
    })
    .await;
    set_field(&client, "#gates-text", "🙂").await;
    eventually("an explanation for a sentence without Korean", || async {
        // In the page's language (Korean here).
        text_of(&client, "#gates-maps .error")
            .await
            .contains("한국어 문장을 쓰세요")
    })
    .await;
    set_field(&client, "#gates-text", "배송도 늦고 최악이에요").await;
    eventually("gates again", || async {
        count(&client, "#gates-maps .gate-map").await == 3
    })
    .await;
    screenshot(&client, "lab-gates-gru.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_lab_looks_up_the_table_and_projects_a_model() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open("/#/labs/embeddings", (1280, 1300), "#groot-vectors tr").await;
    assert_eq!(text_of(&client, "#groot-ids").await, "[1, 2, 3]");
    set_field(&client, "#groot-table tr[data-word='groot'] input", "0.9").await;
    eventually("the edited row comes out of the Embedding", || async {
        values(&client, "#groot-vectors tr[data-word='groot'] td.cell")
            .await
            .first()
            == Some(&0.9)
    })
    .await;
    eventually("120 projected words", || async {
        count(&client, "#embedding-scatter .point").await == 120
    })
    .await;
    set_field(&client, "#embedding-search", "영화").await;
    eventually("neighbours of 영화", || async {
        text_of(&client, "#embedding-neighbours")
            .await
            .starts_with("영화 ≈")
    })
    .await;
    screenshot(&client, "lab-embeddings.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shapes_lab_shows_the_lecture_shapes_and_parameters() {
    let Page {
        server: _server,
        _driver,
        client,
    } = Page::open(
        "/#/labs/shapes?preset=1",
        (1280, 1200),
        "#shapes-rows td.params",
    )
    .await;
    eventually("(1, 3, 4) with return_sequences", || async {
        text_of(&client, "#shapes-rows tr[data-layer='0'] td.shape").await == "(1, 3, 4)"
    })
    .await;
    click(&client, "#shapes-preset-0").await;
    eventually("(1, 4) without", || async {
        text_of(&client, "#shapes-rows tr[data-layer='0'] td.shape").await == "(1, 4)"
    })
    .await;
    click(&client, "#shapes-preset-2").await;
    eventually("the lecture's parameter counts", || async {
        let mut params = Vec::new();
        for i in 0..3 {
            params.push(
                attr_of(
                    &client,
                    &format!("#shapes-rows tr[data-layer='{i}'] td.params"),
                    "data-params",
                )
                .await
                .unwrap_or_default(),
            );
        }
        params == ["1024000", "12352", "65"]
    })
    .await;
    assert!(
        text_of(&client, "#shapes-summary")
            .await
            .contains("Total params: 1,036,417 (3.95 MB)")
    );
    screenshot(&client, "lab-shapes.png").await;
}

/// The values of a row of a lab matrix (`#id tr[data-row='label'] td.cell`).
async fn row(client: &Client, id: &str, label: &str) -> Vec<f32> {
    values(client, &format!("#{id} tr[data-row='{label}'] td.cell")).await
}

/// Choose `value` in the select `css` (and fire its change event).
async fn choose(client: &Client, css: &str, value: &str) {
    client
        .execute(
            "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![serde_json::json!(css), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

/// Step through every token, checking `check(step)` on the page's numbers.
async fn each_step<F, Fut>(client: &Client, mut check: F)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    while attr_of(client, "#cell-back", "disabled").await.is_none() {
        click(client, "#cell-back").await;
    }
    let mut t = 0;
    loop {
        check(t).await;
        if attr_of(client, "#cell-next", "disabled").await.is_some() {
            break;
        }
        click(client, "#cell-next").await;
        t += 1;
        eventually("the next step", || async {
            attr_of(client, "#cell-t", "data-t").await.as_deref() == Some(&(t + 1).to_string())
        })
        .await;
    }
    assert!(t >= 5, "stepped through {} tokens", t + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cell_lab_steps_an_lstm_and_a_gru_with_pinned_gates() {
    let Page {
        server,
        _driver,
        client,
    } = Page::open("/#/labs/cell?cell=lstm", (1280, 2200), "#cell-eq-f td.cell").await;
    let sigma = |x: f32| 1.0 / (1.0 + (-x).exp());
    // Each gate's number is the lecture's equation of the terms shown beside it.
    each_step(&client, |_| {
        let client = client.clone();
        async move {
            for (gate, tanh) in [("i", false), ("f", false), ("g", true), ("o", false)] {
                let id = format!("cell-eq-{gate}");
                let (wx, wh, b, v) = (
                    row(&client, &id, "W_x·x_t").await,
                    row(&client, &id, "W_h·h_(t−1)").await,
                    row(&client, &id, "b").await,
                    row(&client, &id, &format!("{gate}_t")).await,
                );
                assert_eq!(v.len(), 3);
                for u in 0..3 {
                    let pre = wx[u] + wh[u] + b[u];
                    let want = if tanh { pre.tanh() } else { sigma(pre) };
                    assert!((v[u] - want).abs() < 1e-4, "{gate} unit {u}");
                }
            }
        }
    })
    .await;
    screenshot(&client, "lab-cell-lstm.png").await;
    // f_t = 0: C_t = i_t ∘ g_t at every step.
    choose(&client, "#pin-forget", "0").await;
    eventually("the forget gate pinned", || async {
        count(&client, "#cell-eq-f tr[data-row='f_t']").await == 0
    })
    .await;
    each_step(&client, |_| {
        let client = client.clone();
        async move {
            let (i, g, c) = (
                row(&client, "cell-eq-i", "i_t").await,
                row(&client, "cell-eq-g", "g_t").await,
                row(&client, "cell-out", "C_t").await,
            );
            for u in 0..3 {
                assert!((c[u] - i[u] * g[u]).abs() < 1e-4, "C_t = i ∘ g, unit {u}");
            }
        }
    })
    .await;
    // i_t = 0: C_t = f_t ∘ C_(t−1).
    choose(&client, "#pin-forget", "learned").await;
    choose(&client, "#pin-input", "0").await;
    eventually("the input gate pinned", || async {
        count(&client, "#cell-eq-i tr[data-row='i_t']").await == 0
            && count(&client, "#cell-eq-f tr[data-row='f_t']").await == 1
    })
    .await;
    each_step(&client, |_| {
        let client = client.clone();
        async move {
            let (f, prev, c) = (
                row(&client, "cell-eq-f", "f_t").await,
                row(&client, "cell-inputs", "C_(t−1)").await,
                row(&client, "cell-out", "C_t").await,
            );
            for u in 0..3 {
                assert!(
                    (c[u] - f[u] * prev[u]).abs() < 1e-4,
                    "C_t = f ∘ C_(t−1), unit {u}"
                );
            }
        }
    })
    .await;
    choose(&client, "#pin-input", "learned").await;
    // Training finishes and the trained cell remembers the early 안.
    click(&client, "#cell-train").await;
    eventually("training finishes", || async {
        attr_of(&client, "#cell-training", "data-state")
            .await
            .as_deref()
            == Some("trained")
            && text_of(&client, "#cell-training")
                .await
                .contains("accuracy")
    })
    .await;
    let negated: f32 = attr_of(&client, "#cell-prediction", "data-free")
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert!(negated > 0.5, "the trained cell says negated: {negated}");
    screenshot(&client, "lab-cell-lstm-trained.png").await;

    // GRU: z = 1 keeps h_t = h_(t−1) at every step.
    client
        .goto(&server.url("/#/labs/cell?cell=gru"))
        .await
        .unwrap();
    client.refresh().await.unwrap();
    eventually("the GRU's equations", || async {
        count(&client, "#cell-eq-z td.cell").await > 0
    })
    .await;
    click(&client, "#lang-en").await;
    choose(&client, "#pin-update", "1").await;
    eventually("z pinned", || async {
        count(&client, "#cell-eq-z tr[data-row='z_t']").await == 0
    })
    .await;
    each_step(&client, |_| {
        let client = client.clone();
        async move {
            let (prev, h) = (
                row(&client, "cell-inputs", "h_(t−1)").await,
                row(&client, "cell-out", "h_t").await,
            );
            for u in 0..3 {
                assert!((h[u] - prev[u]).abs() < 1e-6, "h_t = h_(t−1), unit {u}");
            }
        }
    })
    .await;
    screenshot(&client, "lab-cell-gru-en.png").await;
    client.set_window_size(390, 2400).await.unwrap();
    screenshot(&client, "lab-cell-gru-en-390.png").await;
    click(&client, "#lang-ko").await;
    screenshot(&client, "lab-cell-gru-ko-390.png").await;
}
