"""Small helpers shared by the library's modules."""


def format_money(cents):
    """Cents as a price: 1250 -> '12.50 EUR'."""
    return f"{cents // 100}.{cents % 100:02d} EUR"


def days_between(start, end):
    return (end - start).days


def slugify(title):
    return "-".join(title.lower().split())
