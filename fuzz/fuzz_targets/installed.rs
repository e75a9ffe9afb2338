//! `lib/apk/db/installed` bytes → `InstalledDb::parse` and `parse_tolerant`:
//! never panic; a database that parses writes back to text that parses to
//! the same database, and tolerant parsing agrees with strict parsing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use secfixes_apk::installed::InstalledDb;

fuzz_target!(|data: &[u8]| {
    let (tolerant, errors) = InstalledDb::parse_tolerant(data);
    match InstalledDb::parse(data) {
        Ok(db) => {
            assert!(
                errors.is_empty(),
                "strict parse succeeded, tolerant parse found {errors:?}"
            );
            assert_eq!(tolerant, db);
            let again =
                InstalledDb::parse(db.to_text().as_bytes()).expect("written database parses");
            assert_eq!(again, db, "parse(write(db)) != db");
        }
        Err(e) => assert_eq!(
            errors.first(),
            Some(&e),
            "tolerant parse must report the strict error first"
        ),
    }
});
