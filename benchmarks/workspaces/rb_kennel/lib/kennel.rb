# Boarding kennels for dogs.
module Kennel
  NIGHTLY_RATES = { small: 25, medium: 32, large: 40 }.freeze

  def self.nightly_rate(size)
    NIGHTLY_RATES.fetch(size)
  end

  def self.nightly_rates(sizes)
    sizes.map { |size| nightly_rate(size) }
  end

  def self.nightly_rate_total(sizes, nights)
    nightly_rates(sizes).sum * nights
  end
end
