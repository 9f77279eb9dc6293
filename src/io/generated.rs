//! The generator's edges: reading the county table and writing a generated market.

use std::path::Path;

use crate::generate::{County, GeneratedMarket};

use super::atomic::{OutputError, WrittenFiles, write_changed_files};
use super::error::DataError;

/// Reads `us_counties.csv` (`fips,state,name,lat,lon,...,cbp2020_establishments,...,neighbors`), or the
/// `counties.csv` extract the generator writes (`establishments` column).
pub fn load_counties(file: &Path) -> Result<Vec<County>, DataError> {
    let err = |reason: String| DataError::Read { file: file.to_path_buf(), reason };
    let mut reader = csv::Reader::from_path(file).map_err(|e| err(e.to_string()))?;
    let headers = reader.headers().map_err(|e| err(e.to_string()))?.clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim_start_matches('\u{feff}')));
    let need = |names: &[&str]| {
        col(names).ok_or_else(|| err(format!("no {} column; is this the county table?", names[0])))
    };
    let (fips, state, name) = (need(&["fips"])?, need(&["state"])?, need(&["name"])?);
    let (lat, lon) = (need(&["lat"])?, need(&["lon"])?);
    let establishments = need(&["cbp2020_establishments", "establishments"])?;
    let neighbors = col(&["neighbors"]);
    let mut counties = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| err(e.to_string()))?;
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let number = |c: usize| cell(c).parse::<f64>().ok().filter(|v| v.is_finite());
        counties.push(County {
            fips: cell(fips).to_string(),
            state: cell(state).to_string(),
            name: cell(name).to_string(),
            lat: number(lat),
            lon: number(lon),
            // 106 counties have no published count (disclosure withholding): they get no accounts.
            establishments: if cell(establishments).is_empty() {
                0.0
            } else {
                number(establishments)
                    .ok_or_else(|| err(format!("line {}: establishments is not a number", i + 2)))?
            },
            neighbors: neighbors
                .map(|c| cell(c).split(';').filter(|s| !s.is_empty()).map(str::to_string).collect())
                .unwrap_or_default(),
        });
    }
    if counties.is_empty() {
        return Err(err("the county table is empty".into()));
    }
    Ok(counties)
}

/// A file to write: name, headers, rows.
type CsvFile<'a> = (&'a str, &'a [&'a str], &'a [Vec<String>]);

fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(headers)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Writes `accounts.csv`, `reps.csv`, `plan.csv`, `carveouts.csv` and `counties.csv` into `dir`, each
/// file whole. The folder holds other files (the shipped data's `opportunities.csv`), so it is not replaced
/// as a set: files that already hold these bytes are left alone, and files with other contents are
/// overwritten only with `overwrite`; otherwise nothing is written and the error lists them.
pub fn write_generated(
    dir: &Path,
    market: &GeneratedMarket,
    overwrite: bool,
) -> Result<WrittenFiles, OutputError> {
    let files: [CsvFile<'_>; 5] = [
        ("accounts.csv", &GeneratedMarket::ACCOUNT_HEADERS, &market.accounts),
        ("reps.csv", &GeneratedMarket::REP_HEADERS, &market.reps),
        ("plan.csv", &GeneratedMarket::PLAN_HEADERS, &market.plan),
        ("carveouts.csv", &GeneratedMarket::CARVEOUT_HEADERS, &market.carveouts),
        ("counties.csv", &GeneratedMarket::COUNTY_HEADERS, &market.counties),
    ];
    let mut out = Vec::with_capacity(files.len());
    for (name, headers, rows) in files {
        let bytes = csv_bytes(headers, rows).map_err(|e| OutputError::Io {
            action: "format",
            path: dir.join(name),
            source: std::io::Error::other(e),
        })?;
        out.push((name.to_string(), bytes));
    }
    write_changed_files(dir, &out, overwrite)
}
