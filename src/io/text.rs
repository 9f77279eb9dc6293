//! Bytes to text: a data file is read whole, its encoding decided (byte-order mark, the setting, or the
//! evidence of its bytes), and everything that is not plain text named as what it is.

use std::path::Path;

use super::error::DataError;
use super::format::Encoding;
use crate::market::Assumption;

/// A decoded file and, when its encoding was inferred rather than UTF-8, the note that says so.
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) note: Option<Assumption>,
}

/// The 1-based line of byte `offset`: `\n`, `\r\n` and a lone `\r` each end a line.
pub(crate) fn line_at(bytes: &[u8], offset: usize) -> u64 {
    let upto = &bytes[..offset.min(bytes.len())];
    let lf = upto.iter().filter(|&&b| b == b'\n').count();
    let lone_cr = upto.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count();
    (lf + lone_cr) as u64 + 1
}

/// Decodes `bytes` of `file`, with `setting` from `[data] encoding` when the scenario sets it.
pub(crate) fn decode(file: &Path, bytes: &[u8], setting: Option<Encoding>) -> Result<Decoded, DataError> {
    not_a_spreadsheet(file, bytes)?;
    let utf16 = match bytes {
        [0xFF, 0xFE, ..] => Some((true, &bytes[2..])),
        [0xFE, 0xFF, ..] => Some((false, &bytes[2..])),
        _ if setting == Some(Encoding::Utf16) => Some((true, bytes)),
        _ => None,
    };
    if let Some((little, body)) = utf16 {
        let text = decode_utf16(file, body, little)?;
        inner_bom(file, &text, 0)?;
        let note = (setting != Some(Encoding::Utf16)).then(|| {
            Assumption::new(
                "encoding",
                file.display().to_string(),
                "read as UTF-16 (from its byte-order mark); set [data] encoding = \"utf-16\" to say so, or \
                 export as CSV UTF-8",
            )
        });
        return Ok(Decoded { text, note });
    }
    let (body, skipped) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (bytes, 0),
    };
    nul_bytes(file, bytes)?;
    match setting {
        Some(Encoding::Latin1) => Ok(Decoded { text: eight_bit(file, body, skipped, latin1)?, note: None }),
        Some(Encoding::Windows1252) => {
            Ok(Decoded { text: eight_bit(file, body, skipped, windows1252)?, note: None })
        }
        Some(Encoding::Utf8 | Encoding::Utf16) => match std::str::from_utf8(body) {
            Ok(text) => {
                inner_bom(file, text, skipped)?;
                Ok(Decoded { text: text.to_string(), note: None })
            }
            Err(e) => Err(not_utf8(file, bytes, skipped + e.valid_up_to(), "[data] encoding = \"utf-8\"")),
        },
        None => match std::str::from_utf8(body) {
            Ok(text) => {
                inner_bom(file, text, skipped)?;
                Ok(Decoded { text: text.to_string(), note: None })
            }
            Err(_) => guess_eight_bit(file, body, skipped),
        },
    }
}

/// Workbooks saved under a `.csv` name are common; their zip or OLE signature says what they are.
fn not_a_spreadsheet(file: &Path, bytes: &[u8]) -> Result<(), DataError> {
    let what = if bytes.starts_with(b"PK\x03\x04") {
        "it is a zip archive, such as an Excel workbook (.xlsx)"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "it is an old Excel workbook (.xls)"
    } else {
        return Ok(());
    };
    Err(DataError::NotText { file: file.to_path_buf(), what: what.to_string() })
}

/// NUL bytes never occur in text: UTF-16 without its byte-order mark, or a binary file.
fn nul_bytes(file: &Path, bytes: &[u8]) -> Result<(), DataError> {
    let Some(at) = bytes.iter().position(|&b| b == 0) else { return Ok(()) };
    let sample = &bytes[..bytes.len().min(4096)];
    let zeros = sample.iter().filter(|&&b| b == 0).count();
    if zeros * 3 >= sample.len() {
        return Err(DataError::Encoding {
            file: file.to_path_buf(),
            line: 1,
            problem: "the file looks like UTF-16 without a byte-order mark (every other byte is zero)".into(),
            fix: "set [data] encoding = \"utf-16\", or export it as CSV UTF-8".into(),
        });
    }
    Err(DataError::NotText {
        file: file.to_path_buf(),
        what: format!("it has a NUL byte on line {} (binary data)", line_at(bytes, at)),
    })
}

fn decode_utf16(file: &Path, body: &[u8], little: bool) -> Result<String, DataError> {
    let units: Vec<u16> = body
        .chunks(2)
        .map(|p| match (p, little) {
            ([a, b], true) => u16::from_le_bytes([*a, *b]),
            ([a, b], false) => u16::from_be_bytes([*a, *b]),
            // A dangling odd byte: reported below as a broken character.
            _ => 0xDC00,
        })
        .collect();
    let mut text = String::with_capacity(units.len());
    let mut line = 1;
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => {
                line += u64::from(c == '\n');
                text.push(c);
            }
            Err(_) => {
                return Err(DataError::Encoding {
                    file: file.to_path_buf(),
                    line,
                    problem: "the file starts with a UTF-16 byte-order mark, but a character is broken"
                        .into(),
                    fix: "export it again as CSV UTF-8".into(),
                });
            }
        }
    }
    Ok(text)
}

/// A U+FEFF after the start: the first byte of a second export concatenated onto the first.
fn inner_bom(file: &Path, text: &str, skipped: usize) -> Result<(), DataError> {
    match text.find('\u{feff}') {
        None => Ok(()),
        Some(at) => Err(DataError::ByteOrderMark {
            file: file.to_path_buf(),
            line: line_at(text.as_bytes(), at),
            byte: (at + skipped) as u64,
        }),
    }
}

fn not_utf8(file: &Path, bytes: &[u8], at: usize, setting: &str) -> DataError {
    DataError::Encoding {
        file: file.to_path_buf(),
        line: line_at(bytes, at),
        problem: format!("byte 0x{:02X} (at byte {at}) is not UTF-8, although {setting} says so", bytes[at]),
        fix: "export the file as CSV UTF-8, or set [data] encoding to the file's encoding (\"windows-1252\" or \
              \"latin-1\")"
            .into(),
    }
}

/// The Windows-1252 characters of 0x80–0x9F (`None`: the five bytes it leaves undefined).
const WINDOWS_1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

fn latin1(b: u8) -> Option<char> {
    Some(char::from(b))
}

fn windows1252(b: u8) -> Option<char> {
    match b {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
        _ => Some(char::from(b)),
    }
}

/// Decodes a one-byte-per-character file; a UTF-8 byte-order mark inside it is named, not decoded as `ï»¿`.
fn eight_bit(
    file: &Path,
    body: &[u8],
    skipped: usize,
    map: fn(u8) -> Option<char>,
) -> Result<String, DataError> {
    if let Some(at) = body.windows(3).position(|w| w == b"\xEF\xBB\xBF") {
        let bytes_at = at + skipped;
        return Err(DataError::ByteOrderMark {
            file: file.to_path_buf(),
            line: line_at(body, at),
            byte: bytes_at as u64,
        });
    }
    let mut text = String::with_capacity(body.len() + body.len() / 8);
    for (i, &b) in body.iter().enumerate() {
        match map(b) {
            Some(c) => text.push(c),
            None => {
                return Err(DataError::Encoding {
                    file: file.to_path_buf(),
                    line: line_at(body, i),
                    problem: format!("byte 0x{b:02X} has no character in the encoding set for it"),
                    fix: "export the file as CSV UTF-8, or set [data] encoding = \"latin-1\"".into(),
                });
            }
        }
    }
    Ok(text)
}

/// A file that is not UTF-8: Windows-1252 when its bytes 0x80–0x9F are all printable there (€, ‘, ’, “,
/// ”), Latin-1 when it has no such byte (the two agree on every other byte); refused when it mixes UTF-8
/// characters with other bytes, or has bytes that neither reads as text.
fn guess_eight_bit(file: &Path, body: &[u8], skipped: usize) -> Result<Decoded, DataError> {
    let first_bad = std::str::from_utf8(body).err().map_or(0, |e| e.valid_up_to());
    let utf8_char = body.utf8_chunks().find_map(|c| c.valid().char_indices().find(|(_, ch)| !ch.is_ascii()));
    if let Some((_, ch)) = utf8_char {
        return Err(DataError::Encoding {
            file: file.to_path_buf(),
            line: line_at(body, first_bad),
            problem: format!(
                "the file mixes UTF-8 characters (such as \"{ch}\") with bytes that are not UTF-8 (0x{:02X} at \
                 byte {})",
                body[first_bad],
                first_bad + skipped
            ),
            fix: "export it again as CSV UTF-8 (it was probably assembled from files in two encodings)"
                .into(),
        });
    }
    let high: Vec<(usize, u8)> =
        body.iter().copied().enumerate().filter(|(_, b)| (0x80..=0x9F).contains(b)).collect();
    if let Some(&(at, b)) = high.iter().find(|(_, b)| windows1252(*b).is_none()) {
        return Err(DataError::Encoding {
            file: file.to_path_buf(),
            line: line_at(body, at),
            problem: format!(
                "the file is not UTF-8, and byte 0x{b:02X} is a control character in Latin-1 and undefined in \
                 Windows-1252, so its encoding cannot be told"
            ),
            fix: "export it as CSV UTF-8, or set [data] encoding = \"latin-1\" if it really is Latin-1"
                .into(),
        });
    }
    let subject = file.display().to_string();
    let example = |at: usize, ch: char| format!("0x{:02X} \"{ch}\" on line {}", body[at], line_at(body, at));
    let (encoding, map, message) = match high.first() {
        Some(&(at, b)) => (
            Encoding::Windows1252,
            windows1252 as fn(u8) -> Option<char>,
            format!(
                "is not UTF-8: read as Windows-1252, because it has bytes printable only there ({}); set \
                 [data] encoding = \"windows-1252\" to say so, or export as CSV UTF-8",
                example(at, windows1252(b).unwrap_or('?'))
            ),
        ),
        None => (
            Encoding::Latin1,
            latin1 as fn(u8) -> Option<char>,
            format!(
                "is not UTF-8: read as Latin-1 (ISO-8859-1, which Windows-1252 reads the same for these bytes; \
                 first {}); set [data] encoding = \"latin-1\" to say so, or export as CSV UTF-8",
                example(first_bad, char::from(body[first_bad]))
            ),
        ),
    };
    let text = eight_bit(file, body, skipped, map)?;
    Ok(Decoded {
        text,
        note: Some(Assumption::new("encoding", subject, format!("{message} ({})", encoding.name()))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> Result<Decoded, DataError> {
        decode(Path::new("t.csv"), bytes, None)
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decoded(b"\xEF\xBB\xBFid\nS\xC3\xA9\n").unwrap().text, "id\nSé\n");
        assert!(decoded(b"id\n").unwrap().note.is_none());
    }

    #[test]
    fn windows_1252_and_latin_1_are_told_apart_and_declared() {
        let d = decoded(b"id,name\n1,\x93Caf\xE9\x94\n").unwrap();
        assert_eq!(d.text, "id,name\n1,“Café”\n");
        assert!(d.note.unwrap().message.contains("Windows-1252"));
        let d = decoded(b"id,name\n1,Caf\xE9\n").unwrap();
        assert_eq!(d.text, "id,name\n1,Café\n");
        assert!(d.note.unwrap().message.contains("Latin-1"));
        assert!(matches!(decoded(b"id\n\x81\n"), Err(DataError::Encoding { line: 2, .. })));
        assert!(matches!(decoded(b"id\nS\xC3\xA9\n\xE9\n"), Err(DataError::Encoding { line: 3, .. })));
    }

    #[test]
    fn utf16_and_inner_boms() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("id\nA\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decoded(&le).unwrap().text, "id\nA\n");
        assert!(matches!(
            decoded(b"id\r\nA\r\n\xEF\xBB\xBFid\r\n"),
            Err(DataError::ByteOrderMark { line: 3, byte: 7, .. })
        ));
        assert!(matches!(decoded(b"i\0d\0\n\0"), Err(DataError::Encoding { .. })));
        assert!(matches!(decoded(b"PK\x03\x04rest"), Err(DataError::NotText { .. })));
    }
}
