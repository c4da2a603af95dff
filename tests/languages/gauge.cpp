#include <vector>

namespace gauge {

/** A gauge reading in bars. */
class Reading {
public:
    explicit Reading(double bars) : bars_(bars) {}
    double toPsi() const;
    double toPsiRounded() const {
        // toPsi, rounded
        return static_cast<long>(toPsi() + 0.5);
    }

private:
    double bars_;
};

double Reading::toPsi() const { return bars_ * 14.5; }

template <typename T>
std::vector<double> toPsiAll(const std::vector<T>& readings) {
    std::vector<double> out;
    for (const auto& r : readings) out.push_back(r.toPsi());
    const char* label = "toPsi";
    (void)label;
    return out;
}

}  // namespace gauge
