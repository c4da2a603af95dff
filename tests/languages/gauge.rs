//! Gauge readings.
use std::fmt;

/// A gauge reading, in bars.
#[derive(Debug, Clone)]
pub struct Reading {
    pub bars: f64,
}

impl Reading {
    /// The reading in psi.
    pub fn to_psi(&self) -> f64 {
        self.bars * 14.5
    }

    pub fn to_psi_rounded(&self) -> f64 {
        // to_psi, rounded
        self.to_psi().round()
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} (to_psi)", self.to_psi())
    }
}

pub trait Sensor {
    fn sample(&self) -> Reading;
}

pub enum Unit {
    Bar,
    Psi,
}

pub mod calibrate {
    pub fn offset() -> f64 {
        0.5
    }
}

pub const MAX_BARS: f64 = 300.0;

pub fn to_psi_all(readings: &[Reading]) -> Vec<f64> {
    fn helper() {}
    helper();
    readings.iter().map(Reading::to_psi).collect()
}
