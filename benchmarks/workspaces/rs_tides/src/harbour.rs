use crate::tide::{high_tide, high_tide_count, TideReading};

pub struct Harbour {
    pub name: String,
    pub readings: Vec<TideReading>,
}

impl Harbour {
    pub fn new(name: &str) -> Self {
        Harbour { name: name.to_string(), readings: Vec::new() }
    }

    pub fn record(&mut self, hour: u8, height_cm: i32) {
        self.readings.push(TideReading { hour, height_cm });
    }

    // The keel needs the high_tide reading plus a safety margin.
    pub fn safe_hour(&self, keel_cm: i32) -> Option<u8> {
        high_tide(&self.readings).filter(|r| r.height_cm >= keel_cm + 30).map(|r| r.hour)
    }

    pub fn describe(&self) -> String {
        format!("{}: {} high_tide readings", self.name, high_tide_count(&self.readings, 200))
    }
}
