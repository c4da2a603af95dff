from datetime import date

import pytest
from library.books import Book
from library.loans import lend, return_book
from library.members import Member
from library.report import member_statement, overdue_report
from library.utils import format_money

DUNE = Book("Dune", "Herbert", 1965)
EMMA = Book("Emma", "Austen", 1815)


def test_lend_and_return():
    ann, loans = Member("Ann", limit=1), []
    loan = lend(DUNE, ann, loans, date(2024, 3, 1))
    assert loan.due == date(2024, 3, 22)
    with pytest.raises(ValueError):
        lend(EMMA, ann, loans, date(2024, 3, 1))
    assert return_book(loan, date(2024, 3, 24)) == 50
    assert loan.returned == date(2024, 3, 24)


def test_reports():
    ann, bob, loans = Member("Ann"), Member("Bob"), []
    lend(DUNE, ann, loans, date(2024, 3, 1))
    late = lend(EMMA, bob, loans, date(2024, 2, 1))
    today = date(2024, 2, 26)
    assert overdue_report(loans, today) == ["Emma: Bob owes 1.00 EUR"]
    assert member_statement(bob, loans, today) == "Bob: 1 open loans, 1.00 EUR owed"
    return_book(late, today)
    assert overdue_report(loans, today) == []


def test_format_money():
    assert format_money(1250) == "12.50 EUR"
    assert format_money(5) == "0.05 EUR"
