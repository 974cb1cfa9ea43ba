//! The memory floor of issue #20 (`cargo build --release --features custom-protocol --example
//! floor`, built by `scripts/bench`): a window of the app's own Tauri and WebKitGTK, with the
//! app's config (window size, CSP, identifier), showing an empty page. No commands, no runtime of
//! ours, no UI bundle. What Ordinal's processes use above this is Ordinal's share
//! (`tests/bench_app.rs`, docs/performance.md).
//!
//! An example of the app's package rather than a second `[[bin]]`: it is built with exactly the
//! app's dependencies and features, and never bundled into the .deb/.rpm.

use std::borrow::Cow;

use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};

/// Every asset the window asks for is the same empty page.
struct EmptyPage;

const PAGE: &[u8] =
    b"<!doctype html><html><head><meta charset=\"utf-8\"><title>floor</title></head><body></body></html>";

impl<R: tauri::Runtime> tauri::Assets<R> for EmptyPage {
    fn get(&self, _key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        Some(Cow::Borrowed(PAGE))
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }

    fn csp_hashes(&self, _html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

fn main() {
    tauri::Builder::default()
        .on_page_load(|_, page| {
            if page.event() == tauri::webview::PageLoadEvent::Finished {
                println!("floor: page-loaded");
            }
        })
        .run(tauri::generate_context!(assets = EmptyPage))
        .expect("the floor window");
}
