"""Lending books and taking them back."""

from dataclasses import dataclass
from datetime import date, timedelta

from library.books import Book
from library.fees import fee_for
from library.members import Member, can_borrow

LOAN_DAYS = 21


@dataclass
class Loan:
    book: Book
    member: Member
    due: date
    returned: date | None = None


def lend(book, member, loans, today):
    if not can_borrow(member, loans):
        raise ValueError(f"{member.name} already has {member.limit} books")
    loan = Loan(book, member, today + timedelta(days=LOAN_DAYS))
    loans.append(loan)
    return loan


def return_book(loan, today):
    loan.returned = today
    return fee_for(loan, today)
