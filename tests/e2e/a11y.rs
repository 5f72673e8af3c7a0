//! Accessibility checked by a tool nobody here wrote: axe-core 4 (npm, installed by `cargo
//! xtask test` under target/, path in `AXE_CORE`) with its WCAG 2 A and AA rules, on every
//! route in both languages, at a desktop and a phone width. No violation is allowed, and no
//! route scrolls sideways on the phone (WCAG 2.1's reflow, which axe does not check).

use super::support::StaticServer;
use super::{Page, site_dir};

/// Every route and what shows when it is ready.
const ROUTES: [(&str, &str); 15] = [
    ("/#/", "#sentiment-verdicts .verdict"),
    ("/#/tokenizer", "#word-index tbody tr"),
    ("/#/studio", "#studio-panel"),
    ("/#/sentiment", "#sentiment-verdicts .verdict"),
    ("/#/labs", ".lab-index, main"),
    ("/#/labs/stepper", "main"),
    ("/#/labs/weather", "main"),
    ("/#/labs/gradients", "main"),
    ("/#/labs/cell?cell=lstm", "#cell-eq-f"),
    ("/#/labs/cell?cell=gru", "#cell-eq-z"),
    ("/#/labs/gates", "main"),
    ("/#/labs/embeddings", "main"),
    ("/#/labs/shapes", "#shapes-summary"),
    ("/#/lecture/9", "#nb-load"),
    ("/#/lecture/11", "#nb-load"),
];

pub(super) fn axe_source() -> String {
    let path = std::env::var("AXE_CORE")
        .expect("AXE_CORE must point at axe.min.js (run `cargo xtask test`, which installs it)");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// axe's WCAG 2 A/AA violations on the page now: `rule (impact): selectors`.
pub(super) async fn violations(client: &fantoccini::Client, axe: &str) -> Vec<String> {
    client.execute(axe, vec![]).await.expect("load axe-core");
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
                .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' +
                    v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))))
                .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    result
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_wcag_2_a_or_aa_violation_on_any_route() {
    let axe = axe_source();
    let mut found = Vec::new();
    for size in [(1280, 1000), (390, 844)] {
        let Page {
            server: _server,
            _driver,
            client,
        } = Page::open_on(
            StaticServer::start(&site_dir()),
            "/#/tokenizer",
            size,
            "#word-index",
        )
        .await;
        let base = _server.url("");
        for lang in ["ko", "en"] {
            for (route, ready) in ROUTES {
                let sep = if route.contains('?') { '&' } else { '?' };
                let url = format!("{}{}{sep}lang={lang}", base.trim_end_matches('/'), route);
                client.goto(&url).await.unwrap();
                client.refresh().await.unwrap();
                let _ = client
                    .wait()
                    .at_most(std::time::Duration::from_secs(30))
                    .for_element(fantoccini::Locator::Css(ready))
                    .await;
                // Let the panels finish their first render (the verdicts, the charts).
                tokio::time::sleep(std::time::Duration::from_millis(800)).await;
                for v in violations(&client, &axe).await {
                    found.push(format!("{route} lang={lang} {}px: {v}", size.0));
                }
                // WCAG 2.1's reflow (1.4.10), which axe does not check: on a phone the page
                // never scrolls sideways (a wide table or chart scrolls in its own box).
                let sideways = client
                    .execute(
                        "return document.documentElement.scrollWidth
                            - document.documentElement.clientWidth;",
                        vec![],
                    )
                    .await
                    .unwrap()
                    .as_i64()
                    .unwrap_or(1);
                if size.0 < 500 && sideways > 0 {
                    found.push(format!(
                        "{route} lang={lang} {}px: the page scrolls {sideways}px sideways",
                        size.0
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}
