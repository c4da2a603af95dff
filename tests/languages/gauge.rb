# Gauge readings.
module Gauges
  UNIT = "bar"

  # A gauge reading in bars.
  class Reading
    attr_reader :bars

    def initialize(bars)
      @bars = bars
    end

    # The reading in psi.
    def to_psi
      bars * 14.5
    end

    def to_psi_rounded
      # to_psi, rounded
      to_psi.round
    end

    def self.to_psi_all(readings)
      readings.map { |r| r.to_psi }
    end
  end
end

def describe(reading)
  "#{reading.to_psi} psi (to_psi)"
end
