import java.time.LocalDate;
import java.util.List;

public class LoanDeskTest {
    private static int passed = 0;
    private static int failed = 0;

    private static void check(String what, Object expected, Object actual) {
        if (expected.equals(actual)) {
            passed++;
        } else {
            failed++;
            System.out.println("FAIL " + what + ": expected " + expected + ", got " + actual);
        }
    }

    public static void main(String[] args) {
        LocalDate monday = LocalDate.of(2024, 3, 4);
        Loan loan = new Loan("Moby-Dick", monday, 3);
        check("dueDate", LocalDate.of(2024, 3, 25), loan.dueDate());
        check("not overdue on the due date", false, loan.isOverdue(loan.dueDate()));
        check("overdue the day after", true, loan.isOverdue(loan.dueDate().plusDays(1)));

        LoanDesk desk = new LoanDesk();
        desk.lend("Moby-Dick", monday);
        desk.lend("Middlemarch", monday);
        desk.lend("Kim", monday.plusDays(1));
        check("dueDates", 3, desk.dueDates().size());
        check("dueDateCount", 2, desk.dueDateCount(LocalDate.of(2024, 3, 25)));
        check("overdueTitles", List.of("Moby-Dick", "Middlemarch"), desk.overdueTitles(LocalDate.of(2024, 3, 26)));

        System.out.println(passed + " passed, " + failed + " failed");
        if (failed > 0) {
            System.exit(1);
        }
    }
}
