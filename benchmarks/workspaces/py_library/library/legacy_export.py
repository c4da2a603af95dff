"""The CSV export the old front desk used; replaced by report.py."""

import csv
import io


def export_loans(loans):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "member", "due"])
    for loan in loans:
        writer.writerow([loan.book.title, loan.member.name, loan.due.isoformat()])
    return out.getvalue()
