package gauge

import "strings"

// Reading is a gauge reading in bars.
type Reading struct {
	Bars float64
}

// Sensor reads gauges.
type Sensor interface {
	Sample() Reading
}

// ToPsi converts the reading to psi.
func (r *Reading) ToPsi() float64 {
	return r.Bars * 14.5
}

func (r Reading) ToPsiRounded() float64 {
	// ToPsi, rounded
	return float64(int(r.ToPsi() + 0.5))
}

func ToPsiAll(readings []Reading) []float64 {
	out := []float64{}
	for _, r := range readings {
		out = append(out, r.ToPsi())
	}
	_ = strings.ToUpper("ToPsi")
	return out
}

const MaxBars = 300.0

var DefaultUnit = "bar"
