/// One reading of the water level.
#[derive(Debug, Clone, PartialEq)]
pub struct TideReading {
    pub hour: u8,
    pub height_cm: i32,
}

pub fn high_tide(readings: &[TideReading]) -> Option<&TideReading> {
    readings.iter().max_by_key(|r| r.height_cm)
}

pub fn high_tides(readings: &[TideReading], threshold_cm: i32) -> Vec<&TideReading> {
    readings.iter().filter(|r| r.height_cm >= threshold_cm).collect()
}

pub fn high_tide_count(readings: &[TideReading], threshold_cm: i32) -> usize {
    high_tides(readings, threshold_cm).len()
}

pub fn tidal_range(readings: &[TideReading]) -> i32 {
    let low = readings.iter().map(|r| r.height_cm).min().unwrap_or(0);
    high_tide(readings).map_or(0, |r| r.height_cm) - low
}
