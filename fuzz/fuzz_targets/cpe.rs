//! CPE names on arbitrary text: parsing never panics, and whatever parses
//! binds back to a string that parses to the same name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secfixes_cpe::Cpe;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(cpe) = Cpe::parse(text) {
        let bound = cpe.to_fs();
        let again = Cpe::parse_fs(&bound).expect("a bound name parses");
        assert_eq!(again, cpe);
        let _ = cpe.compare(&again);
        let _ = cpe.to_uri();
    }
});
