from items import get_item


def average_price(prices):
    return sum(prices) / len(prices)


def price_label(item_id, price):
    return f"{get_item(item_id)}: {price:.2f}"
