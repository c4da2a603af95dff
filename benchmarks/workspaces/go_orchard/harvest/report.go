package harvest

import "fmt"

// Report describes a day's harvest; it prints "HarvestWeight" figures in kilograms.
func Report(crates []Crate, variety string) string {
	return fmt.Sprintf("%s: %.1f kg", variety, float64(HarvestWeight(crates, variety))/1000)
}
