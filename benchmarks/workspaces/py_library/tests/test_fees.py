from datetime import date

from library.books import Book
from library.fees import fee_for, late_fee
from library.loans import Loan
from library.members import Member


def test_late_fee_grows_per_day_up_to_a_cap():
    assert late_fee(0) == 0
    assert late_fee(-2) == 0
    assert late_fee(3) == 75
    assert late_fee(100) == 1000


def test_fee_for_a_loan():
    loan = Loan(Book("Emma", "Austen", 1815), Member("Ann"), date(2024, 3, 1))
    assert fee_for(loan, date(2024, 3, 5)) == 100
    assert fee_for(loan, date(2024, 2, 20)) == 0
