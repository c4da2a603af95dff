package harvest

// Crate is one crate of picked fruit.
type Crate struct {
	Variety string
	Grams   int
}

func HarvestWeight(crates []Crate, variety string) int {
	total := 0
	for _, c := range crates {
		if c.Variety == variety {
			total += c.Grams
		}
	}
	return total
}

func HarvestWeights(crates []Crate) map[string]int {
	weights := map[string]int{}
	for _, c := range crates {
		weights[c.Variety] = HarvestWeight(crates, c.Variety)
	}
	return weights
}

func HarvestWeightTotal(crates []Crate) int {
	total := 0
	for _, grams := range HarvestWeights(crates) {
		total += grams
	}
	return total
}
