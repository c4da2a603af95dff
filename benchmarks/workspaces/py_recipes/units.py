"""Kitchen measures: grams, ounces, cups."""

GRAMS_PER_OUNCE = 28.35
ML_PER_CUP = 240


def to_grams(ounces):
    return round(ounces * GRAMS_PER_OUNCE, 1)


def to_ounces(grams):
    return round(grams / GRAMS_PER_OUNCE, 2)


def cups_to_ml(cups):
    return cups * 250


def parse_amount(text):
    """Split an amount such as '200 g' into its number and its unit."""
    number, unit = text.split()
    return float(number), unit


def format_amount(grams):
    if grams >= 1000:
        return f"{grams / 1000:.1f} kg"
    return f"{grams} g"
