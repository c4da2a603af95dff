import java.time.LocalDate;

/** A book lent to a member. */
public class Loan {
    private final String title;
    private final LocalDate lentOn;
    private final int weeks;

    public Loan(String title, LocalDate lentOn, int weeks) {
        this.title = title;
        this.lentOn = lentOn;
        this.weeks = weeks;
    }

    public String title() {
        return title;
    }

    public LocalDate dueDate() {
        return lentOn.plusWeeks(weeks);
    }

    public boolean isOverdue(LocalDate today) {
        return today.isAfter(dueDate());
    }
}
