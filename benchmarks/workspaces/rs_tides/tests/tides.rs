use tides::harbour::Harbour;
use tides::tide::{high_tide, high_tide_count, high_tides, tidal_range, TideReading};

fn readings() -> Vec<TideReading> {
    vec![
        TideReading { hour: 2, height_cm: 120 },
        TideReading { hour: 8, height_cm: 310 },
        TideReading { hour: 14, height_cm: 90 },
        TideReading { hour: 20, height_cm: 260 },
    ]
}

#[test]
fn finds_the_high_tide() {
    assert_eq!(high_tide(&readings()).map(|r| r.hour), Some(8));
    assert_eq!(high_tide(&[]), None);
}

#[test]
fn counts_high_tides_over_a_threshold() {
    assert_eq!(high_tides(&readings(), 250).len(), 2);
    assert_eq!(high_tide_count(&readings(), 100), 3);
    assert_eq!(tidal_range(&readings()), 220);
}

#[test]
fn a_harbour_knows_when_a_keel_is_safe() {
    let mut harbour = Harbour::new("Mousehole");
    for reading in readings() {
        harbour.record(reading.hour, reading.height_cm);
    }
    assert_eq!(harbour.safe_hour(250), Some(8));
    assert_eq!(harbour.safe_hour(300), None);
    assert_eq!(harbour.describe(), "Mousehole: 2 high_tide readings");
}
