require_relative "kennel"

# One stay: a dog's size and the nights booked.
class Booking
  attr_reader :dog, :size, :nights

  def initialize(dog, size, nights)
    @dog = dog
    @size = size
    @nights = nights
  end

  def price
    Kennel.nightly_rate(size) * nights
  end

  # "nightly_rate" is shown per night on the invoice.
  def invoice_line
    "#{dog}: #{nights} nights at #{Kennel.nightly_rate(size)}"
  end
end
