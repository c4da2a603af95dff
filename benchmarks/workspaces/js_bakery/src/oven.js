// Ovens and what goes in them.

export class Oven {
  constructor(maxTemp) {
    this.maxTemp = maxTemp;
    this.temp = 20;
    this.trays = [];
  }

  preheat(target) {
    this.temp = Math.min(target, this.maxTemp);
    return this.temp;
  }

  bake(loaf, minutes) {
    this.trays.push(loaf);
    loaf.crust += minutes * (this.temp / 100);
    return loaf;
  }
}

export class Loaf {
  constructor(kind, grams) {
    this.kind = kind;
    this.grams = grams;
    this.crust = 0;
  }

  slice(count) {
    return Array.from({ length: count }, () => this.grams / count);
  }
}

export class Toaster {
  bake(bread) {
    bread.crust += 1;
    return bread;
  }
}

export function batch(oven, loaves, minutes) {
  return loaves.map((loaf) => oven.bake(loaf, minutes));
}
