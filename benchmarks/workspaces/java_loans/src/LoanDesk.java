import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

public class LoanDesk {
    private final List<Loan> loans = new ArrayList<>();

    public void lend(String title, LocalDate today) {
        loans.add(new Loan(title, today, 3));
    }

    public List<LocalDate> dueDates() {
        List<LocalDate> dates = new ArrayList<>();
        for (Loan loan : loans) {
            dates.add(loan.dueDate());
        }
        return dates;
    }

    // dueDateCount: how many loans fall due on one day
    public int dueDateCount(LocalDate day) {
        int count = 0;
        for (LocalDate due : dueDates()) {
            if (due.equals(day)) {
                count++;
            }
        }
        return count;
    }

    public List<String> overdueTitles(LocalDate today) {
        List<String> titles = new ArrayList<>();
        for (Loan loan : loans) {
            if (loan.isOverdue(today)) {
                titles.add(loan.title());
            }
        }
        return titles;
    }
}
