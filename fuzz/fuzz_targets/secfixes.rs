//! Bytes → (lossy) text → the `# secfixes:` parser, the lint, the package
//! variable reader, and the secdb JSON/YAML readers: never panic. Blocks
//! keep consistent line numbers, and what the secdb readers accept writes
//! back to JSON and YAML that read back as the same document.

#![no_main]

use libfuzzer_sys::fuzz_target;
use secfixes_apk::secdb::{JsonStyle, Secdb};
use secfixes_apk::{lint, secfixes};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    for block in secfixes::parse_blocks(&text) {
        assert!(block.line >= 1 && block.end_line() <= lines);
        for item in block.items() {
            assert!(item.line > block.line && item.line <= block.end_line());
        }
    }
    for finding in lint::lint_text("fuzz", &text) {
        assert!(finding.line >= 1 && finding.line <= lines);
        assert_eq!(finding.severity, finding.code.severity());
    }
    let _ = secfixes::package_vars(&text);

    if let Ok(doc) = Secdb::from_json_str(&text) {
        for style in [JsonStyle::Pretty, JsonStyle::Compact] {
            let again =
                Secdb::from_json_str(&doc.to_json_styled(style)).expect("written JSON reads");
            assert_eq!(again, doc);
        }
        for pkg in &doc.packages {
            let _ = pkg.fixes().count();
        }
    }
    if let Ok(doc) = Secdb::from_yaml_str(&text) {
        let again = Secdb::from_yaml_str(&doc.to_yaml()).expect("written YAML reads");
        assert_eq!(again, doc);
    }
});
