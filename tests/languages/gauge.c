#include <math.h>
#define MAX_BARS 300.0

/** A gauge reading in bars. */
struct reading {
    double bars;
};

typedef struct reading reading_t;

enum unit { UNIT_BAR, UNIT_PSI };

static double scale = 14.5;

/** The reading in psi. */
double to_psi(const struct reading *r) {
    return r->bars * scale;
}

double to_psi_rounded(const struct reading *r) {
    /* to_psi, rounded */
    return round(to_psi(r));
}

double *to_psi_all(const struct reading *rs, int n, double *out) {
    for (int i = 0; i < n; i++) {
        out[i] = to_psi(&rs[i]);
    }
    const char *label = "to_psi";
    (void)label;
    return out;
}
