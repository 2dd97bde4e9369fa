//! Comma-separated values as password managers export them (RFC 4180): fields in double quotes
//! may hold commas, line breaks and doubled quotes; lines end in CRLF or LF. The fields are
//! wiped when dropped, since exports put passwords beside the one-time secrets.

use zeroize::Zeroizing;

/// One line of the file: its fields.
pub(crate) type Record = Vec<Zeroizing<String>>;

/// Why the text is not CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CsvError {
    /// A quoted field that never ends: the file was cut.
    UnendedQuote {
        /// The line (from 1) the field starts on.
        line: usize,
    },
    /// Something other than a comma or a line end after a closing quote.
    AfterQuote {
        /// The line (from 1) of the quote.
        line: usize,
    },
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsvError::UnendedQuote { line } => {
                write!(f, "a quoted field starting on line {line} never ends")
            }
            CsvError::AfterQuote { line } => {
                write!(f, "a quoted field on line {line} is followed by more text")
            }
        }
    }
}

/// Every record of `text` (a byte order mark before it is skipped); a line break at the very end
/// makes no empty record.
pub(crate) fn records(text: &str) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Record::new();
    let mut field = Zeroizing::new(String::new());
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                let opened_on = line;
                loop {
                    match chars.next() {
                        None => return Err(CsvError::UnendedQuote { line: opened_on }),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                match chars.peek() {
                    None | Some(',' | '\r' | '\n') => {}
                    Some(_) => return Err(CsvError::AfterQuote { line }),
                }
                at_field_start = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                line += 1;
                at_field_start = true;
            }
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if !at_field_start || !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(records: Vec<Record>) -> Vec<Vec<String>> {
        records
            .into_iter()
            .map(|record| record.into_iter().map(|field| field.to_string()).collect())
            .collect()
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text = "name,notes\r\n\"a, b\",\"say \"\"hi\"\"\nthen go\"\r\nplain,\r\n";
        assert_eq!(
            plain(records(text).unwrap()),
            vec![
                vec!["name", "notes"],
                vec!["a, b", "say \"hi\"\nthen go"],
                vec!["plain", ""],
            ]
        );
    }

    #[test]
    fn the_last_line_needs_no_line_break_and_empty_fields_count() {
        assert_eq!(
            plain(records("\u{feff}a,,c\n,\"\"").unwrap()),
            vec![vec!["a", "", "c"], vec!["", ""]]
        );
        assert_eq!(plain(records("").unwrap()), Vec::<Vec<String>>::new());
    }

    #[test]
    fn a_cut_or_broken_quote_is_refused() {
        assert_eq!(
            records("a\n\"b\nc").unwrap_err(),
            CsvError::UnendedQuote { line: 2 }
        );
        assert_eq!(
            records("\"b\"c,d").unwrap_err(),
            CsvError::AfterQuote { line: 1 }
        );
    }
}
