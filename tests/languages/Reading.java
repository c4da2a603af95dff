package gauge;

import java.util.List;

/** A gauge reading in bars. */
public class Reading {
    private final double bars;

    public Reading(double bars) {
        this.bars = bars;
    }

    /** The reading in psi. */
    @Deprecated
    public double toPsi() {
        return bars * 14.5;
    }

    public long toPsiRounded() {
        // toPsi, rounded
        return Math.round(toPsi());
    }

    static double toPsiAll(List<Reading> readings) {
        Runnable local = () -> {};
        String note = "toPsi";
        return readings.stream().mapToDouble(Reading::toPsi).sum();
    }

    interface Sensor {
        Reading sample();
    }

    enum Unit { BAR, PSI }
}
