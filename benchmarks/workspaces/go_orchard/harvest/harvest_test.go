package harvest

import "testing"

var crates = []Crate{{"Cox", 12000}, {"Bramley", 9000}, {"Cox", 8000}}

func TestHarvestWeight(t *testing.T) {
	if got := HarvestWeight(crates, "Cox"); got != 20000 {
		t.Fatalf("HarvestWeight = %d", got)
	}
	if got := HarvestWeightTotal(crates); got != 29000 {
		t.Fatalf("HarvestWeightTotal = %d", got)
	}
	if got := Report(crates, "Bramley"); got != "Bramley: 9.0 kg" {
		t.Fatalf("Report = %q", got)
	}
}
