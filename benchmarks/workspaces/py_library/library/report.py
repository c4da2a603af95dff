"""What the front desk prints."""

from library.fees import fee_for
from library.members import open_loans
from library.utils import format_money


def overdue_report(loans, today):
    lines = []
    for loan in loans:
        if loan.returned is None and loan.due < today:
            fee = format_money(fee_for(loan, today))
            lines.append(f"{loan.book.title}: {loan.member.name} owes {fee}")
    return lines


def member_statement(member, loans, today):
    owed = sum(fee_for(loan, today) for loan in open_loans(member, loans))
    return f"{member.name}: {len(open_loans(member, loans))} open loans, {format_money(owed)} owed"
