require_relative "../lib/booking"

checks = {
  "nightly_rate" => [Kennel.nightly_rate(:medium), 32],
  "nightly_rates" => [Kennel.nightly_rates(%i[small large]), [25, 40]],
  "nightly_rate_total" => [Kennel.nightly_rate_total(%i[small large], 2), 130],
  "price" => [Booking.new("Rex", :large, 3).price, 120],
  "invoice_line" => [Booking.new("Fido", :small, 2).invoice_line, "Fido: 2 nights at 25"],
}
failed = checks.reject { |_, (actual, expected)| actual == expected }
failed.each { |name, (actual, expected)| puts "FAIL #{name}: expected #{expected}, got #{actual}" }
puts "#{checks.size - failed.size} passed, #{failed.size} failed"
exit(failed.empty? ? 0 : 1)
