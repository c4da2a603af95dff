"""Members and how many books they may borrow."""

from dataclasses import dataclass


@dataclass
class Member:
    name: str
    limit: int = 3


def open_loans(member, loans):
    return [loan for loan in loans if loan.member is member and loan.returned is None]


def can_borrow(member, loans):
    """True while the member has fewer open loans than their limit."""
    return len(open_loans(member, loans)) < member.limit
