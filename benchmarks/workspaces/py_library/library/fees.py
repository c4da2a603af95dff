"""Late fees, in cents."""

from library.utils import days_between

DAILY_RATE = 25
MAX_FEE = 1000


def late_fee(days_late):
    if days_late <= 0:
        return 0
    return min(days_late * DAILY_RATE, MAX_FEE)


def fee_for(loan, returned):
    return late_fee(days_between(loan.due, returned))
